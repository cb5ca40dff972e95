//! Settings: `<config dir>/config.toml`, read with the same care as routine
//! files (unknown keys are errors with file:line:column and a suggestion).
//! Command-line flags override what the file says.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use crate::routine::diagnostic::{Table, from_toml_error, parse_document};
use crate::routine::duration::{Length, words};
use crate::routine::load::read_text;
use crate::routine::{FileProblems, Problem};

/// The longest get-ready pause a setting may ask for.
const MAX_TRANSITION: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settings {
    pub sound: SoundSettings,
    pub session: SessionSettings,
    pub display: DisplaySettings,
    pub voice: VoiceSettings,
    /// Extra directories of routine files, after the user routines directory.
    pub routine_dirs: Vec<PathBuf>,
    /// Commands run after a session (`[hooks]`).
    pub hooks: crate::hooks::HookSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SoundSettings {
    pub enabled: bool,
    /// 0 to 100.
    pub volume: u8,
    /// Rising and falling tones for breathing in and out.
    pub breath_tones: bool,
}

/// `[voice]`: spoken guidance through a speech engine found at run time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VoiceSettings {
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
    /// Say each step's caution once, after its words.
    pub cautions: bool,
}

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

#[derive(Debug, Clone, PartialEq, Serialize)]
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

impl Default for Settings {
    fn default() -> Self {
        Self {
            sound: SoundSettings {
                enabled: true,
                volume: 70,
                breath_tones: false,
            },
            session: SessionSettings {
                transition: None,
                preflight: true,
                last_seconds_ticks: false,
                ask_tension: false,
            },
            display: DisplaySettings {
                theme: ThemeName::Calm,
                reduced_motion: false,
            },
            voice: VoiceSettings {
                enabled: true,
                volume: 80,
                rate: crate::voice::engine::DEFAULT_RATE,
                name: None,
                command: None,
                breath_words: false,
                cautions: true,
            },
            routine_dirs: Vec::new(),
            hooks: Default::default(),
        }
    }
}

fn ser_opt_duration<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&format!("{}s", d.as_secs())),
        None => s.serialize_none(),
    }
}

// --- the file as written -------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    #[serde(default)]
    sound: RawSound,
    #[serde(default)]
    session: RawSession,
    #[serde(default)]
    display: RawDisplay,
    #[serde(default)]
    routines: RawRoutines,
    #[serde(default)]
    voice: RawVoice,
    #[serde(default)]
    hooks: crate::hooks::RawHooks,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSound {
    enabled: Option<bool>,
    volume: Option<Spanned<i64>>,
    breath_tones: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSession {
    transition: Option<Spanned<Length>>,
    preflight: Option<bool>,
    last_seconds_ticks: Option<bool>,
    ask_tension: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisplay {
    theme: Option<ThemeName>,
    reduced_motion: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVoice {
    enabled: Option<bool>,
    volume: Option<Spanned<i64>>,
    rate: Option<Spanned<i64>>,
    name: Option<Spanned<String>>,
    command: Option<Spanned<String>>,
    breath_words: Option<bool>,
    cautions: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoutines {
    #[serde(default)]
    dirs: Vec<String>,
}

/// Where the settings came from, for `knotless config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    /// No file: the defaults.
    Defaults(PathBuf),
}

impl Settings {
    /// The settings file in `config_dir`, or the defaults when there is none.
    /// Any problem is an error here; `load_lenient` keeps every good key.
    pub fn load(config_dir: &Path) -> Result<(Self, Source), FileProblems> {
        match Self::load_lenient(config_dir) {
            (settings, source, None) => Ok((settings, source)),
            (_, _, Some(problems)) => Err(problems),
        }
    }

    /// The settings file in `config_dir`: every key that is right is used,
    /// and each wrong one is left at its default and reported. A file that
    /// cannot be read at all gives the defaults and says why.
    pub fn load_lenient(config_dir: &Path) -> (Self, Source, Option<FileProblems>) {
        let path = config_dir.join("config.toml");
        // A dangling symlink is still a settings file the user meant.
        if path.symlink_metadata().is_err() {
            return (Self::default(), Source::Defaults(path), None);
        }
        let text = match read_text(&path) {
            Ok(text) => text,
            Err(problems) => return (Self::default(), Source::File(path), Some(problems)),
        };
        let base = path.parent().unwrap_or(Path::new("."));
        let (settings, problems) = Self::parse_lenient(&path.display().to_string(), &text, base);
        (settings, Source::File(path), problems)
    }

    /// Parse settings text; relative routine directories are taken from
    /// `base`, and `~/` from the home directory.
    pub fn parse(file: &str, text: &str, base: &Path) -> Result<Self, FileProblems> {
        match Self::parse_lenient(file, text, base) {
            (settings, None) => Ok(settings),
            (_, Some(problems)) => Err(problems),
        }
    }

    /// Parse settings text, keeping every key that is right: a wrong value
    /// (a volume of 101) must not take the routine directories with it.
    pub fn parse_lenient(file: &str, text: &str, base: &Path) -> (Self, Option<FileProblems>) {
        let fail = |problems| FileProblems::new(file, Some(Arc::from(text)), problems);
        let document = match parse_document(text) {
            Ok(document) => document,
            // A syntax error leaves no sure reading of any key.
            Err(problems) => return (Settings::default(), Some(fail(problems))),
        };
        let mut problems = Vec::new();
        let raw = read_raw(document.span(), document.into_inner(), &mut problems);
        let settings = Self::from_raw(raw, base, &mut problems);
        problems.sort_by_key(|p: &Problem| p.span.as_ref().map_or(0, |s| s.start));
        let problems = (!problems.is_empty()).then(|| fail(problems));
        (settings, problems)
    }

    fn from_raw(raw: RawSettings, base: &Path, problems: &mut Vec<Problem>) -> Self {
        let mut settings = Settings::default();
        let s = &mut settings.sound;
        s.enabled = raw.sound.enabled.unwrap_or(s.enabled);
        s.breath_tones = raw.sound.breath_tones.unwrap_or(s.breath_tones);
        if let Some(v) = raw.sound.volume {
            match u8::try_from(*v.get_ref()) {
                Ok(level) if level <= 100 => s.volume = level,
                _ => problems.push(
                    Problem::at(
                        v.span(),
                        format!("the volume must be from 0 to 100, not {}", v.get_ref()),
                    )
                    .help("write a whole number like volume = 70"),
                ),
            }
        }
        let session = &mut settings.session;
        if let Some(t) = raw.session.transition {
            if t.get_ref().0 > MAX_TRANSITION {
                problems.push(
                    Problem::at(
                        t.span(),
                        format!("a get-ready pause of {} is too long", words(t.get_ref().0)),
                    )
                    .help("use at most \"60s\"; \"0s\" turns the pause off"),
                );
            } else {
                session.transition = Some(t.get_ref().0);
            }
        }
        session.preflight = raw.session.preflight.unwrap_or(session.preflight);
        session.last_seconds_ticks = raw
            .session
            .last_seconds_ticks
            .unwrap_or(session.last_seconds_ticks);
        session.ask_tension = raw.session.ask_tension.unwrap_or(false);
        settings.display.theme = raw.display.theme.unwrap_or_default();
        settings.display.reduced_motion = raw.display.reduced_motion.unwrap_or(false);
        settings.routine_dirs = raw.routines.dirs.iter().map(|d| expand(d, base)).collect();
        read_voice(raw.voice, &mut settings.voice, problems);
        settings.hooks = raw.hooks.into();
        settings
    }
}

/// The file as written, less each key serde cannot read: every failure is
/// reported, the key it points at is taken out, and the rest read again.
fn read_raw(
    whole: std::ops::Range<usize>,
    mut root: DeTable<'_>,
    problems: &mut Vec<Problem>,
) -> RawSettings {
    // Each round drops one key; a file with more wrong keys than this is
    // not worth more rounds (each re-reads the whole file).
    for _ in 0..=crate::routine::diagnostic::MAX_PROBLEMS {
        let value = Spanned::new(whole.clone(), DeValue::Table(root.clone()));
        match RawSettings::deserialize(ValueDeserializer::from(value)) {
            Ok(raw) => return raw,
            Err(e) => {
                problems.push(from_toml_error(&e, 0..0, Table::Routine));
                match e.span() {
                    Some(span) if remove_at(&mut root, span.start) => {}
                    _ => return RawSettings::default(),
                }
            }
        }
    }
    RawSettings::default()
}

/// Remove the innermost key of `table` whose key or value holds byte `at`;
/// false when none does. A `[section]` table's own span is only its
/// header, so the keys inside every table are looked at first.
fn remove_at(table: &mut DeTable<'_>, at: usize) -> bool {
    for (_, value) in table.iter_mut() {
        if let DeValue::Table(inner) = value.get_mut()
            && remove_at(inner, at)
        {
            return true;
        }
    }
    let holds = |span: std::ops::Range<usize>| span.contains(&at) || span.start == at;
    let key = table
        .iter()
        .find(|(k, v)| holds(k.span()) || holds(v.span()))
        .map(|(k, _)| k.clone());
    key.is_some_and(|key| table.remove(&key).is_some())
}

/// `[voice]`, checked: a broken command is found here, not mid-session.
fn read_voice(raw: RawVoice, v: &mut VoiceSettings, problems: &mut Vec<Problem>) {
    v.enabled = raw.enabled.unwrap_or(v.enabled);
    v.breath_words = raw.breath_words.unwrap_or(v.breath_words);
    v.cautions = raw.cautions.unwrap_or(v.cautions);
    if let Some(level) = raw.volume {
        match u8::try_from(*level.get_ref()) {
            Ok(n) if n <= 100 => v.volume = n,
            _ => problems.push(
                Problem::at(
                    level.span(),
                    format!("the volume must be from 0 to 100, not {}", level.get_ref()),
                )
                .help("write a whole number like volume = 80"),
            ),
        }
    }
    if let Some(rate) = raw.rate {
        let rates = crate::voice::engine::RATES;
        match u16::try_from(*rate.get_ref()) {
            Ok(n) if rates.contains(&n) => v.rate = n,
            _ => problems.push(
                Problem::at(
                    rate.span(),
                    format!(
                        "a rate of {} words a minute is out of reach: use {} to {}",
                        rate.get_ref(),
                        rates.start(),
                        rates.end()
                    ),
                )
                .help(format!(
                    "the default is rate = {}",
                    crate::voice::engine::DEFAULT_RATE
                )),
            ),
        }
    }
    if let Some(name) = raw.name {
        let n = name.get_ref();
        if n.chars().any(char::is_control) || n.chars().count() > 100 {
            problems.push(
                Problem::at(
                    name.span(),
                    "this voice name has control characters or is too long",
                )
                .help("name one of the engine's voices, e.g. name = \"en-gb\""),
            );
        } else if !n.trim().is_empty() {
            v.name = Some(n.trim().to_owned());
        }
    }
    if let Some(command) = raw.command {
        match crate::voice::CommandTemplate::parse(command.get_ref()) {
            Ok(_) => v.command = Some(command.get_ref().clone()),
            Err((what, how)) => problems.push(Problem::at(command.span(), what).help(how)),
        }
    }
}

/// `~/x` from the home directory, a relative path from `base`.
fn expand(dir: &str, base: &Path) -> PathBuf {
    if let Some(rest) = dir.strip_prefix("~/")
        && let Some(home) = directories::BaseDirs::new()
    {
        return home.home_dir().join(rest);
    }
    let path = PathBuf::from(dir);
    if path.is_absolute() {
        path
    } else {
        base.join(path)
    }
}

/// The commented file `knotless config --init` writes.
pub const TEMPLATE: &str = include_str!("../assets/config.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, FileProblems> {
        Settings::parse("config.toml", text, Path::new("/cfg"))
    }

    #[test]
    fn the_template_is_valid_and_matches_the_defaults() {
        assert_eq!(parse(TEMPLATE).unwrap(), Settings::default());
    }

    #[test]
    fn every_setting_is_read() {
        let s = parse(
            r#"
[sound]
enabled = false
volume = 40
breath_tones = true
[session]
transition = "10s"
preflight = false
last_seconds_ticks = true
[display]
theme = "high-contrast"
reduced_motion = true
[routines]
dirs = ["shared", "/abs"]
[voice]
enabled = false
volume = 55
rate = 140
name = "en-gb"
command = "piper --model ~/v/en.onnx --output_file {wav}"
breath_words = true
cautions = false
[hooks]
on_finish = "notify-send done"
on_stop = ""
"#,
        )
        .unwrap();
        assert_eq!(
            s.voice,
            VoiceSettings {
                enabled: false,
                volume: 55,
                rate: 140,
                name: Some("en-gb".into()),
                command: Some("piper --model ~/v/en.onnx --output_file {wav}".into()),
                breath_words: true,
                cautions: false,
            }
        );

        assert_eq!(s.hooks.on_finish.as_deref(), Some("notify-send done"));
        assert_eq!(s.hooks.on_stop, None);
        assert!(!s.sound.enabled && s.sound.breath_tones);
        assert_eq!(s.sound.volume, 40);
        assert_eq!(s.session.transition, Some(Duration::from_secs(10)));
        assert!(!s.session.preflight && s.session.last_seconds_ticks);
        assert_eq!(s.display.theme, ThemeName::HighContrast);
        assert!(s.display.reduced_motion);
        assert_eq!(
            s.routine_dirs,
            vec![PathBuf::from("/cfg/shared"), PathBuf::from("/abs")]
        );
    }

    #[test]
    fn a_wrong_value_drops_only_its_own_key() {
        let text = "[sound]\nvolume = 101\nenabled = false\n[routines]\ndirs = [\"mine\"]\n[display]\ntheme = \"dark\"\nreduced_motion = true\nbogus = 1\n[session]\ntransition = \"5m\"\npreflight = false\n";
        let (s, problems) = Settings::parse_lenient("config.toml", text, Path::new("/cfg"));
        assert_eq!(s.routine_dirs, vec![PathBuf::from("/cfg/mine")]);
        assert!(!s.sound.enabled && s.display.reduced_motion && !s.session.preflight);
        assert_eq!(s.sound.volume, 70);
        assert_eq!(s.display.theme, ThemeName::Calm);
        assert_eq!(s.session.transition, None);
        let report = problems.unwrap().render(false);
        for said in ["from 0 to 100", "`dark`", "`bogus`", "too long"] {
            assert!(report.contains(said), "{said} in {report}");
        }
    }

    #[test]
    fn a_wrong_section_type_drops_that_section_only() {
        let (s, problems) = Settings::parse_lenient(
            "config.toml",
            "sound = 3\n[routines]\ndirs = [\"/abs\"]\n",
            Path::new("/cfg"),
        );
        assert!(problems.is_some());
        assert_eq!(s.routine_dirs, vec![PathBuf::from("/abs")]);
    }

    #[test]
    fn mistakes_are_pointed_at_like_routine_errors() {
        let e = parse("[sound]\nvolumee = 3\n").unwrap_err();
        let text = e.render(false);
        assert!(text.contains("config.toml:2:1"), "{text}");
        assert!(text.contains("did you mean `volume`?"), "{text}");
        let e = parse("[sound]\nvolume = 300\n").unwrap_err();
        assert!(e.render(false).contains("from 0 to 100"));
        let e = parse("[voice]\nrate = 160\ncommand = \"piper --out x.wav\"\n").unwrap_err();
        let text = e.render(false);
        assert!(text.contains("config.toml:3:11"), "{text}");
        assert!(text.contains("never names {wav}"), "{text}");
        let e = parse("[voice]\ncommand = \"piper '{wav}\"\n").unwrap_err();
        assert!(e.render(false).contains("never closed"));
        let e = parse("[voice]\nrate = 20\nvolume = 101\n").unwrap_err();
        let text = e.render(false);
        assert!(
            text.contains("config.toml:2:8") && text.contains("80 to 400"),
            "{text}"
        );
        assert!(
            text.contains("config.toml:3:10") && text.contains("from 0 to 100"),
            "{text}"
        );
        let e = parse("[voice]\nbreath_word = true\n").unwrap_err();
        assert!(e.render(false).contains("did you mean `breath_words`?"));
        let e = parse("[display]\ntheme = \"dark\"\n").unwrap_err();
        assert!(
            e.render(false).contains("calm, high-contrast, mono"),
            "{}",
            e.render(false)
        );
    }
}
