//! Whether output is coloured: `--color auto|always|never` first, then (for
//! `auto`) `NO_COLOR`, `CLICOLOR_FORCE` and `TERM=dumb`, then whether the
//! output is a terminal. The full screen, diagnostics and tables all ask
//! here, so the same words mean the same thing everywhere.

use std::ffi::OsString;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR or TERM=dumb says not to (or
    /// CLICOLOR_FORCE asks for it anywhere).
    #[default]
    Auto,
    Always,
    Never,
}

static CHOICE: OnceLock<ColorChoice> = OnceLock::new();

/// The choice from the command line, once at start.
pub fn set(choice: ColorChoice) {
    let _ = CHOICE.set(choice);
}

/// The environment that decides `auto`.
#[derive(Debug, Clone, Default)]
pub struct ColorEnv {
    pub no_color: Option<OsString>,
    pub clicolor_force: Option<OsString>,
    pub term: Option<OsString>,
}

impl ColorEnv {
    pub fn from_env() -> Self {
        Self {
            no_color: std::env::var_os("NO_COLOR"),
            clicolor_force: std::env::var_os("CLICOLOR_FORCE"),
            term: std::env::var_os("TERM"),
        }
    }
}

/// Whether output to a stream (a terminal or not) is coloured.
pub fn enabled(is_terminal: bool) -> bool {
    decide(
        CHOICE.get().copied().unwrap_or_default(),
        &ColorEnv::from_env(),
        is_terminal,
    )
}

/// The rule, pure: an explicit choice wins; under `auto`, a non-empty
/// NO_COLOR turns colour off, a CLICOLOR_FORCE other than empty or "0"
/// turns it on even into a pipe, TERM=dumb turns it off, and otherwise a
/// terminal gets colour.
pub fn decide(choice: ColorChoice, env: &ColorEnv, is_terminal: bool) -> bool {
    let set = |v: &Option<OsString>| v.as_ref().is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set(&env.no_color) => false,
        ColorChoice::Auto
            if set(&env.clicolor_force) && env.clicolor_force.as_deref() != Some("0".as_ref()) =>
        {
            true
        }
        ColorChoice::Auto if env.term.as_deref() == Some("dumb".as_ref()) => false,
        ColorChoice::Auto => is_terminal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(no_color: Option<&str>, force: Option<&str>, term: Option<&str>) -> ColorEnv {
        ColorEnv {
            no_color: no_color.map(Into::into),
            clicolor_force: force.map(Into::into),
            term: term.map(Into::into),
        }
    }

    #[test]
    fn an_explicit_choice_wins_over_everything() {
        let hostile = env(Some("1"), Some("0"), Some("dumb"));
        assert!(decide(ColorChoice::Always, &hostile, false));
        assert!(!decide(
            ColorChoice::Never,
            &env(None, Some("1"), None),
            true
        ));
    }

    #[test]
    fn auto_follows_no_color_clicolor_force_and_dumb_terminals() {
        use ColorChoice::Auto;
        assert!(decide(Auto, &env(None, None, Some("xterm")), true));
        assert!(
            !decide(Auto, &env(None, None, Some("xterm")), false),
            "a pipe"
        );
        assert!(!decide(Auto, &env(Some("1"), None, None), true), "NO_COLOR");
        assert!(
            decide(Auto, &env(Some(""), None, None), true),
            "an empty NO_COLOR is unset"
        );
        assert!(
            decide(Auto, &env(None, Some("1"), None), false),
            "CLICOLOR_FORCE into a pipe"
        );
        assert!(
            !decide(Auto, &env(None, Some("0"), None), false),
            "CLICOLOR_FORCE=0"
        );
        assert!(
            !decide(Auto, &env(Some("1"), Some("1"), None), true),
            "NO_COLOR first"
        );
        assert!(
            !decide(Auto, &env(None, None, Some("dumb")), true),
            "TERM=dumb"
        );
    }
}
