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
    /// When the terminal bell and window title stand in for sound.
    pub terminal_bell: super::TerminalBell,
}

impl Default for SoundConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            volume: 70,
            breath_tones: false,
            terminal_bell: super::TerminalBell::Auto,
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
    terminal_bell: Option<Spanned<String>>,
}

impl Section for SoundConfig {
    const NAME: &'static str = "sound";
    type Raw = RawSound;

    fn read(raw: RawSound, _: &Path, problems: &mut Vec<Problem>) -> Self {
        let mut s = Self::default();
        s.enabled = raw.enabled.unwrap_or(s.enabled);
        s.breath_tones = raw.breath_tones.unwrap_or(s.breath_tones);
        if let Some(bell) = raw.terminal_bell {
            match super::TerminalBell::parse(bell.get_ref()) {
                Some(choice) => s.terminal_bell = choice,
                None => problems.push(Problem::at(
                    bell.span(),
                    format!(
                        "`terminal_bell` is {}, not \"{}\"",
                        super::TerminalBell::CHOICES,
                        crate::text::escape_inline(bell.get_ref())
                    ),
                )),
            }
        }
        if let Some(level) = raw
            .volume
            .and_then(|v| percent(&v, "volume = 70", problems))
        {
            s.volume = level;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::Settings;
    use crate::sound::TerminalBell;
    use std::path::Path;

    #[test]
    fn terminal_bell_is_read_and_a_wrong_one_is_shown_where_it_is() {
        let (s, problems) = Settings::parse_lenient(
            "config.toml",
            "[sound]\nterminal_bell = \"always\"\n",
            Path::new("/cfg"),
        );
        assert!(problems.is_none());
        assert_eq!(s.sound.terminal_bell, TerminalBell::Always);
        let (s, problems) = Settings::parse_lenient(
            "config.toml",
            "[sound]\nterminal_bell = \"loud\"\n",
            Path::new("/cfg"),
        );
        assert_eq!(s.sound.terminal_bell, TerminalBell::Auto);
        let report = problems.unwrap().render(false);
        assert!(report.contains("config.toml:2:17"), "{report}");
        assert!(
            report.contains("\"auto\", \"always\" or \"never\""),
            "{report}"
        );
    }
}
