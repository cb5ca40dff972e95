//! `[display]` in the settings file: the colours and the pacer's motion.
//! Read here, beside the drawing it changes; `settings.rs` only hands the
//! table over.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::Problem;
use crate::diag::section::Section;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DisplaySettings {
    pub theme: ThemeName,
    /// The breathing pacer as a bar that changes once a second.
    pub reduced_motion: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Calm,
    HighContrast,
    Mono,
}

/// `[display]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDisplay {
    theme: Option<ThemeName>,
    reduced_motion: Option<bool>,
}

impl Section for DisplaySettings {
    const NAME: &'static str = "display";
    type Raw = RawDisplay;

    fn read(raw: RawDisplay, _: &Path, _: &mut Vec<Problem>) -> Self {
        Self {
            theme: raw.theme.unwrap_or_default(),
            reduced_motion: raw.reduced_motion.unwrap_or(false),
        }
    }
}
