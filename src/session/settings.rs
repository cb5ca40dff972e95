//! `[session]` in the settings file: the get-ready pause, the preflight,
//! the last seconds' ticks, the tension question. Read here; `settings.rs`
//! only hands the table over.

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diag::Problem;
use crate::diag::section::Section;
use crate::routine::duration::{Length, help_for, words};

/// The longest get-ready pause a setting may ask for.
const MAX_TRANSITION: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionSettings {
    /// Replaces every routine's get-ready pause when set.
    #[serde(serialize_with = "ser_opt_duration")]
    pub transition: Option<Duration>,
    /// Show the safety note and prepare list before a session.
    pub preflight: bool,
    /// A soft tick in each of the last three seconds of a step.
    pub last_seconds_ticks: bool,
    /// Ask "How tense do you feel, 0-10?" before and after a session.
    pub ask_tension: bool,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            transition: None,
            preflight: true,
            last_seconds_ticks: false,
            ask_tension: false,
        }
    }
}

fn ser_opt_duration<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&format!("{}s", d.as_secs())),
        None => s.serialize_none(),
    }
}

/// `[session]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSession {
    transition: Option<Spanned<Length>>,
    preflight: Option<bool>,
    last_seconds_ticks: Option<bool>,
    ask_tension: Option<bool>,
}

impl Section for SessionSettings {
    const NAME: &'static str = "session";
    type Raw = RawSession;

    fn read(raw: RawSession, _: &Path, problems: &mut Vec<Problem>) -> Self {
        let mut s = Self::default();
        if let Some(t) = raw.transition {
            if t.get_ref().0 > MAX_TRANSITION {
                problems.push(
                    Problem::at(
                        t.span(),
                        format!("a get-ready pause of {} is too long", words(t.get_ref().0)),
                    )
                    .help("use at most \"60s\"; \"0s\" turns the pause off"),
                );
            } else {
                s.transition = Some(t.get_ref().0);
            }
        }
        s.preflight = raw.preflight.unwrap_or(s.preflight);
        s.last_seconds_ticks = raw.last_seconds_ticks.unwrap_or(s.last_seconds_ticks);
        s.ask_tension = raw.ask_tension.unwrap_or(s.ask_tension);
        s
    }

    fn value_help(message: &str) -> Option<&'static str> {
        help_for(message)
    }
}
