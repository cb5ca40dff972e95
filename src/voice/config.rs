//! `[voice]` in the settings file, checked here, where the voice is owned:
//! a broken command is found when the file is read, not mid-session.
//! `settings.rs` only hands the table over.

use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diag::Problem;
use crate::diag::section::{Section, percent};

use super::CommandTemplate;
use super::engine::{DEFAULT_RATE, RATES};

/// `[voice]`: spoken guidance through a speech engine found at run time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VoiceConfig {
    /// Speak (when an engine is found); `v` turns it on and off.
    pub enabled: bool,
    /// 0 to 100, apart from the bells' volume.
    pub volume: u8,
    /// Words per minute.
    pub rate: u16,
    /// The engine's voice, e.g. "en-gb" for espeak-ng.
    pub name: Option<String>,
    /// A command that writes a WAV file to {wav}, with {text} or the words
    /// on its standard input; used in place of any engine found.
    pub command: Option<String>,
    /// "Breathe in", "Hold", "Breathe out" at each breathing phase.
    pub breath_words: bool,
}

impl Default for VoiceConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            volume: 80,
            rate: DEFAULT_RATE,
            name: None,
            command: None,
            breath_words: false,
        }
    }
}

/// `[voice]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVoice {
    enabled: Option<bool>,
    volume: Option<Spanned<i64>>,
    rate: Option<Spanned<i64>>,
    name: Option<Spanned<String>>,
    command: Option<Spanned<String>>,
    breath_words: Option<bool>,
}

impl Section for VoiceConfig {
    const NAME: &'static str = "voice";
    type Raw = RawVoice;

    fn read(raw: RawVoice, _: &Path, problems: &mut Vec<Problem>) -> Self {
        let mut v = Self::default();
        v.enabled = raw.enabled.unwrap_or(v.enabled);
        v.breath_words = raw.breath_words.unwrap_or(v.breath_words);
        if let Some(level) = raw
            .volume
            .and_then(|l| percent(&l, "volume = 80", problems))
        {
            v.volume = level;
        }
        if let Some(rate) = raw.rate.and_then(|r| rate(&r, problems)) {
            v.rate = rate;
        }
        if let Some(name) = raw.name.and_then(|n| name(&n, problems)) {
            v.name = Some(name);
        }
        if let Some(command) = raw.command {
            match CommandTemplate::parse(command.get_ref()) {
                Ok(_) => v.command = Some(command.into_inner()),
                Err((what, how)) => problems.push(Problem::at(command.span(), what).help(how)),
            }
        }
        v
    }
}

/// Words a minute that every engine can reach.
fn rate(rate: &Spanned<i64>, problems: &mut Vec<Problem>) -> Option<u16> {
    match u16::try_from(*rate.get_ref()) {
        Ok(n) if RATES.contains(&n) => Some(n),
        _ => {
            problems.push(
                Problem::at(
                    rate.span(),
                    format!(
                        "a rate of {} words a minute is out of reach: use {} to {}",
                        rate.get_ref(),
                        RATES.start(),
                        RATES.end()
                    ),
                )
                .help(format!("the default is rate = {DEFAULT_RATE}")),
            );
            None
        }
    }
}

/// A voice's name, trimmed; `None` when blank or refused.
fn name(name: &Spanned<String>, problems: &mut Vec<Problem>) -> Option<String> {
    let n = name.get_ref();
    if n.chars().any(char::is_control) || n.chars().count() > 100 {
        problems.push(
            Problem::at(
                name.span(),
                "this voice name has control characters or is too long",
            )
            .help("name one of the engine's voices, e.g. name = \"en-gb\""),
        );
        return None;
    }
    (!n.trim().is_empty()).then(|| n.trim().to_owned())
}
