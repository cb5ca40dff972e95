//! TODO(ui helper): the breathing pacer.
