//! TODO(ui helper): compact big digits.
