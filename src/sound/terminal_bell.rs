//! `[sound] terminal_bell`: when the terminal's own bell (and the window
//! title) stand in for sound, for a session run where no sound output
//! works (over ssh, say). Which moments ring it is the app's business
//! (`app/prompts.rs`); the bytes are the terminal module's.

/// When the terminal bell rings at each step start and side switch, and
/// the window title shows the step and its time left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TerminalBell {
    /// Only when no sound output works.
    #[default]
    Auto,
    Always,
    Never,
}

impl TerminalBell {
    /// The setting's words, as written in `config.toml`.
    pub const CHOICES: &str = "\"auto\", \"always\" or \"never\"";

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "auto" => Some(Self::Auto),
            "always" => Some(Self::Always),
            "never" => Some(Self::Never),
            _ => None,
        }
    }

    /// Whether the terminal stands in for sound, given whether a sound
    /// output works now.
    pub fn rings(self, sound_works: bool) -> bool {
        match self {
            Self::Auto => !sound_works,
            Self::Always => true,
            Self::Never => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_rings_only_without_sound() {
        assert!(TerminalBell::Auto.rings(false));
        assert!(!TerminalBell::Auto.rings(true));
        assert!(TerminalBell::Always.rings(true));
        assert!(!TerminalBell::Never.rings(false));
        assert_eq!(TerminalBell::parse("always"), Some(TerminalBell::Always));
        assert_eq!(TerminalBell::parse("loud"), None);
    }
}
