//! `[sound]` in the settings file: whether sessions make sound, how loud,
//! and the breath tones. Read here, where sound is owned; `settings.rs`
//! only hands the table over.

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diag::Problem;
use crate::diag::section::{Section, percent};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoundConfig {
    pub enabled: bool,
    /// 0 to 100.
    pub volume: u8,
    /// Rising and falling tones for breathing in and out.
    pub breath_tones: bool,
}

impl Default for SoundConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            volume: 70,
            breath_tones: false,
        }
    }
}

/// `[sound]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSound {
    enabled: Option<bool>,
    volume: Option<Spanned<i64>>,
    breath_tones: Option<bool>,
}

impl Section for SoundConfig {
    const NAME: &'static str = "sound";
    type Raw = RawSound;

    fn read(raw: RawSound, _: &Path, problems: &mut Vec<Problem>) -> Self {
        let mut s = Self::default();
        s.enabled = raw.enabled.unwrap_or(s.enabled);
        s.breath_tones = raw.breath_tones.unwrap_or(s.breath_tones);
        if let Some(level) = raw
            .volume
            .and_then(|v| percent(&v, "volume = 70", problems))
        {
            s.volume = level;
        }
        s
    }
}
