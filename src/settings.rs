//! Settings: `<config dir>/config.toml`, read with the same care as routine
//! files (unknown keys are errors with file:line:column and a suggestion).
//! Command-line flags override what the file says.
//!
//! This file only finds the settings file and hands each `[table]` to the
//! module that owns it (`diag::section::Section`): what a table's keys mean
//! and which values are wrong is said there. To add a table, see
//! ARCHITECTURE.md, "To add a settings table".

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::body::Body;
use crate::diag::document::parse_document;
use crate::diag::section::{Section, take, unknown_tables};
use crate::diag::{FileProblems, Problem, TextFile, read_text};
use crate::hooks::HookSettings;
use crate::plan::Plan;
use crate::routine::settings::RoutineDirs;
pub use crate::session::settings::SessionSettings;
pub use crate::sound::config::SoundConfig;
pub use crate::ui::display::{DisplaySettings, ThemeName};
pub use crate::voice::config::VoiceConfig;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Settings {
    pub sound: SoundConfig,
    pub session: SessionSettings,
    pub display: DisplaySettings,
    pub voice: VoiceConfig,
    /// Extra directories of routine files, after the user routines directory.
    pub routine_dirs: Vec<PathBuf>,
    /// Commands run after a session (`[hooks]`).
    pub hooks: HookSettings,
    /// What the user's body asks of a routine (`[body]`).
    pub body: Body,
    /// Today's practice, by weekday or rotation (`[plan]`).
    pub plan: Plan,
}

/// Every table the settings file may have, each read by its owner.
const TABLES: [&str; 8] = [
    SoundConfig::NAME,
    SessionSettings::NAME,
    DisplaySettings::NAME,
    RoutineDirs::NAME,
    VoiceConfig::NAME,
    HookSettings::NAME,
    Body::NAME,
    Plan::NAME,
];

/// How the settings file is read: at most 1 MiB (like a routine file),
/// and named in the user's words when it cannot be one.
const SETTINGS_FILE: TextFile = TextFile {
    noun: "settings file",
    max_bytes: 1024 * 1024,
    missing_help: "run `knotless config --init` to write one",
    directory_help: "remove the directory, or run `knotless config --init` to write a settings file",
};

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
        let text = match read_text(&path, &SETTINGS_FILE) {
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
        let mut root = match parse_document(text) {
            Ok(document) => document.into_inner(),
            // A syntax error leaves no sure reading of any key.
            Err(problems) => return (Settings::default(), Some(fail(problems))),
        };
        let mut problems = Vec::new();
        let found = &mut problems;
        let settings = Settings {
            sound: take(&mut root, base, found),
            session: take(&mut root, base, found),
            display: take(&mut root, base, found),
            voice: take(&mut root, base, found),
            routine_dirs: take::<RoutineDirs>(&mut root, base, found).0,
            hooks: take(&mut root, base, found),
            body: take(&mut root, base, found),
            plan: take(&mut root, base, found),
        };
        unknown_tables(&root, &TABLES, found);
        problems.sort_by_key(|p: &Problem| p.span.as_ref().map_or(0, |s| s.start));
        let problems = (!problems.is_empty()).then(|| fail(problems));
        (settings, problems)
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
            VoiceConfig {
                enabled: false,
                volume: 55,
                rate: 140,
                name: Some("en-gb".into()),
                command: Some("piper --model ~/v/en.onnx --output_file {wav}".into()),
                breath_words: true,
                cautions: false,
                model: None,
            }
        );

        assert_eq!(s.hooks.on_finish.as_deref(), Some("notify-send done"));
        assert_eq!(s.hooks.on_stop, None);
        assert!(!s.sound.enabled && s.sound.breath_tones);
        assert_eq!(s.sound.volume, 40);
        assert_eq!(
            s.session.transition,
            Some(std::time::Duration::from_secs(10))
        );
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
    fn a_table_no_module_owns_is_pointed_at_and_the_rest_still_read() {
        let text = "[sond]\nvolume = 3\n[voice]\nrate = 200\n";
        let (s, problems) = Settings::parse_lenient("config.toml", text, Path::new("/cfg"));
        assert_eq!(s.voice.rate, 200);
        let report = problems.unwrap().render(false);
        assert!(report.contains("config.toml:1:2"), "{report}");
        assert!(report.contains("did you mean `sound`?"), "{report}");
        assert!(report.contains("sound, session, display, routines, voice, hooks, body, plan"));
    }

    #[test]
    fn a_settings_file_that_cannot_be_one_is_named_for_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("config.toml")).unwrap();
        let (s, source, problems) = Settings::load_lenient(dir.path());
        assert_eq!(s, Settings::default());
        assert_eq!(source, Source::File(dir.path().join("config.toml")));
        let report = problems.unwrap().render(false);
        assert!(
            report.contains("a directory, not a settings file"),
            "{report}"
        );
    }

    #[test]
    fn a_wrong_duration_is_hinted_at_by_its_table() {
        let e = parse("[session]\ntransition = \"soon\"\n").unwrap_err();
        let text = e.render(false);
        assert!(text.contains("config.toml:2:14"), "{text}");
        assert!(text.contains("cannot read this as a duration"), "{text}");
        assert!(text.contains("\"1m30s\""), "{text}");
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
