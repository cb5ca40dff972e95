//! Speech engines already on the machine, found at run time (nothing is
//! linked in), most natural first: a Piper neural voice, pico2wave,
//! RHVoice, flite, espeak-ng, espeak, macOS `say`, Windows speech; or the
//! command the settings name, with the engines found as its fallback. An
//! engine runs as a separate process that never reaches the screen, in
//! bounds (`process`): its own process group, a file-size limit, a time
//! limit, and its output accepted only when it decodes and lasts about as
//! long as its words (`audio`).

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use super::audio::{self, Audio, BadAudio};
use super::piper;
use super::process::{self, Cut, Running};
use crate::sound::speech::MAX_SPEECH_FILE;

/// Words per minute when the settings say nothing: a calm pace, a little
/// slower than most engines' own.
pub const DEFAULT_RATE: u16 = 160;
/// The rates `[voice] rate` accepts, in words per minute.
pub const RATES: std::ops::RangeInclusive<u16> = 80..=400;

/// An example for the settings' help.
const EXAMPLE: &str = "e.g. command = \"piper --model ~/voices/en.onnx --output_file {wav}\"";

/// What is wrong with a `[voice] command`, found when the settings are read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("this command has a quote that is never closed")]
    OpenQuote,
    #[error("the speech command is empty")]
    Empty,
    #[error("unknown placeholder `{0}` in the speech command")]
    UnknownPlaceholder(String),
    #[error("the speech command never names {{wav}}, the file it must write")]
    NoWav,
    #[error("the speech command must start with a program, not a placeholder")]
    StartsWithPlaceholder,
    #[error(
        "{{text}} sits inside quotes or spaces, where it would become part of a longer string (a shell's code, say)"
    )]
    TextInsideString,
}

impl CommandError {
    /// How to fix it.
    pub fn help(&self) -> String {
        match self {
            CommandError::OpenQuote => format!("close the quote; {EXAMPLE}"),
            CommandError::Empty => {
                format!("name a program that writes a WAV file to {{wav}}, {EXAMPLE}")
            }
            CommandError::UnknownPlaceholder(_) => {
                "use {wav} for the file to write and {text} for the words".into()
            }
            CommandError::NoWav | CommandError::StartsWithPlaceholder => EXAMPLE.into(),
            CommandError::TextInsideString => {
                "write {text} on its own, unquoted, so the words are \
                 one argument (a shell script reads it as \"$1\": \
                 sh -c 'tts --out \"$0\" \"$1\"' {wav} {text}), or leave {text} out \
                 and read the words on standard input"
                    .into()
            }
        }
    }
}

/// A command the user names in the settings, split into words:
/// `{wav}` is where it must write its WAV file, `{text}` the words to say
/// (without `{text}`, the words come on its standard input). `{text}` is
/// only ever one argument of its own (or the end of one like
/// `--text={text}`), never a piece of a quoted string a shell would run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandTemplate {
    words: Vec<String>,
}

impl CommandTemplate {
    /// Split `line` like a shell would (quotes, no expansion but `~/`).
    pub fn parse(line: &str) -> Result<Self, CommandError> {
        let words = shlex::split(line).ok_or(CommandError::OpenQuote)?;
        if words.is_empty() {
            return Err(CommandError::Empty);
        }
        for w in &words {
            let mut rest = w.as_str();
            while let Some(open) = rest.find('{') {
                let after = &rest[open..];
                let Some(close) = after.find('}') else { break };
                let name = &after[..=close];
                if name != "{wav}" && name != "{text}" {
                    return Err(CommandError::UnknownPlaceholder(name.to_owned()));
                }
                rest = &after[close + 1..];
            }
        }
        if !words.iter().any(|w| w.contains("{wav}")) {
            return Err(CommandError::NoWav);
        }
        if words[0].contains('{') {
            return Err(CommandError::StartsWithPlaceholder);
        }
        let spaced = words
            .iter()
            .any(|w| w.contains("{text}") && w.chars().any(char::is_whitespace));
        if spaced || text_in_quotes(line) {
            return Err(CommandError::TextInsideString);
        }
        Ok(Self { words })
    }

    pub fn program(&self) -> &str {
        &self.words[0]
    }

    /// The command as written, for the cache key and `knotless voice`.
    pub fn line(&self) -> String {
        shlex::try_join(self.words.iter().map(String::as_str))
            .unwrap_or_else(|_| self.words.join(" "))
    }

    fn takes_text(&self) -> bool {
        self.words.iter().any(|w| w.contains("{text}"))
    }
}

/// Whether `{text}` appears between quotes in `line` (as a shell reads
/// quotes: `'...'`, `"..."`, and `\` escaping the next character).
fn text_in_quotes(line: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => escaped = true,
            (Some('"'), '"') => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            _ => {}
        }
        if quote.is_some() && line[i..].starts_with("{text}") {
            return true;
        }
    }
    false
}

/// The engines knotless knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `[voice] command`.
    Command,
    /// A Piper neural voice: the `piper` program and a voice model.
    Piper,
    /// SVOX Pico's `pico2wave`.
    Pico,
    /// RHVoice, through `RHVoice-test`.
    RhVoice,
    Flite,
    EspeakNg,
    Espeak,
    /// macOS.
    Say,
    /// Windows' System.Speech, through PowerShell.
    WindowsSpeech,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Command => "command",
            Kind::Piper => "piper",
            Kind::Pico => "pico2wave",
            Kind::RhVoice => "RHVoice",
            Kind::Flite => "flite",
            Kind::EspeakNg => "espeak-ng",
            Kind::Espeak => "espeak",
            Kind::Say => "say",
            Kind::WindowsSpeech => "Windows speech",
        }
    }

    /// The engines in order of naturalness, each with the program looked
    /// for on `PATH` (`None`: not on this system, and which one it is for).
    /// A system's own voice (macOS `say`, Windows speech) comes right after
    /// Piper there: it is far more natural than the formant engines.
    fn search_order() -> &'static [(Kind, Result<&'static str, &'static str>)] {
        if cfg!(target_os = "macos") {
            &[
                (Kind::Piper, Ok("piper")),
                (Kind::Say, Ok("say")),
                (Kind::Pico, Ok("pico2wave")),
                (Kind::RhVoice, Ok("RHVoice-test")),
                (Kind::Flite, Ok("flite")),
                (Kind::EspeakNg, Ok("espeak-ng")),
                (Kind::Espeak, Ok("espeak")),
                (Kind::WindowsSpeech, Err("Windows")),
            ]
        } else if cfg!(windows) {
            &[
                (Kind::Piper, Ok("piper.exe")),
                (Kind::WindowsSpeech, Ok("powershell.exe")),
                (Kind::Pico, Err("Linux")),
                (Kind::RhVoice, Ok("RHVoice-test.exe")),
                (Kind::Flite, Ok("flite.exe")),
                (Kind::EspeakNg, Ok("espeak-ng.exe")),
                (Kind::Espeak, Ok("espeak.exe")),
                (Kind::Say, Err("macOS")),
            ]
        } else {
            &[
                (Kind::Piper, Ok("piper")),
                (Kind::Pico, Ok("pico2wave")),
                (Kind::RhVoice, Ok("RHVoice-test")),
                (Kind::Flite, Ok("flite")),
                (Kind::EspeakNg, Ok("espeak-ng")),
                (Kind::Espeak, Ok("espeak")),
                (Kind::Say, Err("macOS")),
                (Kind::WindowsSpeech, Err("Windows")),
            ]
        }
    }
}

/// A speech engine found, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    pub kind: Kind,
    pub program: PathBuf,
    template: Option<CommandTemplate>,
    /// Piper's voice model.
    model: Option<PathBuf>,
}

/// How to make speech: the engine's voice and pace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speaking {
    /// The engine's voice (`[voice] name`), or its default.
    pub name: Option<String>,
    /// Words per minute.
    pub rate: u16,
}

/// Why no engine is there to speak.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    #[error("no speech engine found (install espeak-ng)")]
    NoEngine,
    #[error("the speech command `{0}` was not found, and no other speech engine is")]
    CommandNotFound(String),
}

/// Why one engine is not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    #[error("`{0}` is not on PATH")]
    NotOnPath(&'static str),
    #[error("the speech command `{0}` was not found")]
    CommandNotFound(String),
    #[error(
        "`piper` is there but no voice: set [voice] model, or put a voice (NAME.onnx with its NAME.onnx.json) in {0}"
    )]
    NoPiperVoice(String),
    #[error(
        "[voice] model names {0}, which is not a Piper voice (NAME.onnx beside NAME.onnx.json)"
    )]
    ModelNotThere(String),
    #[error("only on {0}")]
    OtherSystem(&'static str),
}

/// One engine looked for: found, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub kind: Kind,
    pub found: Result<Engine, Missing>,
}

/// Where to look for engines, and which the settings name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// `[voice] command`: tried first, the others behind it.
    pub command: Option<CommandTemplate>,
    /// `[voice] model`: Piper's voice.
    pub model: Option<PathBuf>,
    /// `[voice] name`: picks a Piper voice among those found.
    pub name: Option<String>,
    /// The `PATH` value.
    pub path: Option<OsString>,
    /// Where Piper voices are looked for.
    pub voice_dirs: Vec<PathBuf>,
}

impl Search {
    /// A search on this machine's `PATH` and usual voice folders.
    pub fn here(
        command: Option<CommandTemplate>,
        model: Option<PathBuf>,
        name: Option<String>,
    ) -> Self {
        Self {
            command,
            model,
            name,
            path: std::env::var_os("PATH"),
            voice_dirs: piper::voice_dirs(),
        }
    }

    /// Every engine knotless knows, in the order they are tried: found,
    /// or why not.
    pub fn survey(&self) -> Vec<Candidate> {
        let mut all = Vec::new();
        if let Some(template) = &self.command {
            let program = expand_home(template.program());
            let found = if program.components().count() > 1 {
                program.is_file().then_some(program)
            } else {
                on_path(template.program(), self.path.as_deref())
            };
            all.push(Candidate {
                kind: Kind::Command,
                found: found
                    .map(|program| Engine {
                        kind: Kind::Command,
                        program,
                        template: Some(template.clone()),
                        model: None,
                    })
                    .ok_or_else(|| {
                        Missing::CommandNotFound(
                            crate::text::escape_inline(template.program()).into_owned(),
                        )
                    }),
            });
        }
        for &(kind, program) in Kind::search_order() {
            let found = match program {
                Err(system) => Err(Missing::OtherSystem(system)),
                Ok(name) => on_path(name, self.path.as_deref())
                    .ok_or(Missing::NotOnPath(name))
                    .and_then(|program| self.engine(kind, program)),
            };
            all.push(Candidate { kind, found });
        }
        all
    }

    /// `kind` at `program`, with what else it needs (Piper: a voice).
    fn engine(&self, kind: Kind, program: PathBuf) -> Result<Engine, Missing> {
        let model = if kind == Kind::Piper {
            Some(self.piper_voice()?)
        } else {
            None
        };
        Ok(Engine {
            kind,
            program,
            template: None,
            model,
        })
    }

    fn piper_voice(&self) -> Result<PathBuf, Missing> {
        if let Some(model) = &self.model {
            let model = expand_home(&model.to_string_lossy());
            return if piper::is_voice(&model) {
                Ok(model)
            } else {
                Err(Missing::ModelNotThere(
                    crate::text::escape_inline(&model.display().to_string()).into_owned(),
                ))
            };
        }
        piper::find_voice(&self.voice_dirs, self.name.as_deref()).ok_or_else(|| {
            let first = self
                .voice_dirs
                .first()
                .map_or_else(String::new, |d| d.display().to_string());
            Missing::NoPiperVoice(crate::text::escape_inline(&first).into_owned())
        })
    }

    /// The engines found, in the order they are tried.
    pub fn chain(&self) -> Vec<Engine> {
        self.survey()
            .into_iter()
            .filter_map(|c| c.found.ok())
            .collect()
    }

    /// The engine to speak with: the first found.
    pub fn find(&self) -> Result<Engine, FindError> {
        self.chain()
            .into_iter()
            .next()
            .ok_or_else(|| match &self.command {
                Some(t) => {
                    FindError::CommandNotFound(crate::text::escape_inline(t.program()).into_owned())
                }
                None => FindError::NoEngine,
            })
    }
}

/// Why rendering one prompt failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("could not start ({0})")]
    CannotStart(String),
    #[error("failed ({0})")]
    Failed(String),
    #[error("took over {:.1} s and was stopped", .0.as_secs_f64())]
    TimedOut(Duration),
    #[error("wrote over {} MB and was stopped", MAX_SPEECH_FILE / 1_000_000)]
    TooMuch,
    #[error("wrote audio that cannot be played: {0}")]
    Unplayable(BadAudio),
    #[error("cannot keep the speech file ({0})")]
    CannotKeep(String),
    #[error("stopped")]
    Stopped,
}

impl Engine {
    /// What the cache key and `knotless voice` call this engine.
    pub fn id(&self) -> String {
        match (&self.template, &self.model) {
            (Some(t), _) => format!("command {}", t.line()),
            (None, Some(model)) => format!(
                "piper {}",
                model
                    .file_stem()
                    .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
            ),
            (None, None) => self.kind.name().to_owned(),
        }
    }

    /// Render `text` into `wav`: at most `limit`, never past `stop`, never
    /// more than a speech's largest file. What it wrote is accepted only
    /// when it decodes whole and lasts about as long as the words take.
    pub fn render(
        &self,
        text: &str,
        wav: &Path,
        how: &Speaking,
        limit: Duration,
        stop: &AtomicBool,
    ) -> Result<Audio, RenderError> {
        // One line of words: no engine reads a newline as the end.
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let (mut command, stdin_text) = self.command(&text, wav, how);
        command
            .stdin(if stdin_text.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        process::confine(&mut command);
        let child = command
            .spawn()
            .map_err(|e| RenderError::CannotStart(e.kind().to_string()))?;
        let mut running = Running::new(child);
        if let (Some(text), Some(mut stdin)) =
            (stdin_text, running.child().and_then(|c| c.stdin.take()))
        {
            // A few hundred bytes fit any pipe: this never blocks. An engine
            // that exits without reading is judged by what it wrote.
            let _ = stdin.write_all(text.as_bytes());
        }
        let status = running.watch(wav, limit, stop).map_err(|cut| match cut {
            Cut::TimedOut => RenderError::TimedOut(limit),
            Cut::TooMuch => RenderError::TooMuch,
            Cut::Stopped => RenderError::Stopped,
            Cut::Lost => RenderError::Failed("cannot tell how it ended".into()),
        })?;
        // At the file-size limit the system stops it (SIGXFSZ): its file
        // then holds one byte over a speech's largest.
        if std::fs::symlink_metadata(wav).is_ok_and(|m| m.len() > MAX_SPEECH_FILE) {
            return Err(RenderError::TooMuch);
        }
        if !status.success() {
            return Err(RenderError::Failed(status.to_string()));
        }
        audio::check_for(wav, &text, how.rate).map_err(RenderError::Unplayable)
    }

    fn command(&self, text: &str, wav: &Path, how: &Speaking) -> (Command, Option<String>) {
        let mut c = Command::new(&self.program);
        let rate = how.rate.to_string();
        let name = how.name.as_deref().filter(|n| !n.is_empty());
        match self.kind {
            Kind::Piper => {
                // Piper's voices speak at about 170 words a minute at a
                // length scale of 1; a longer scale is slower.
                let scale = (170.0 / f64::from(how.rate.max(1))).clamp(0.25, 4.0);
                if let Some(model) = &self.model {
                    c.arg("--model").arg(model);
                }
                c.arg("--output_file")
                    .arg(wav)
                    .args(["--length_scale", &format!("{scale:.2}")]);
                (c, Some(text.to_owned()))
            }
            Kind::Pico => {
                // pico2wave knows a few languages by these names, and no rate.
                let lang = name
                    .filter(|n| ["en-US", "en-GB", "de-DE", "es-ES", "fr-FR", "it-IT"].contains(n))
                    .unwrap_or("en-US");
                c.args(["-l", lang]).arg("-w").arg(wav).arg("--").arg(text);
                (c, None)
            }
            Kind::RhVoice => {
                // RHVoice's rate is a percentage of its own pace, about 160.
                let percent = u32::from(how.rate) * 100 / 160;
                c.arg("-o").arg(wav).args(["-r", &percent.to_string()]);
                if let Some(n) = name {
                    c.args(["-p", n]);
                }
                (c, Some(text.to_owned()))
            }
            Kind::EspeakNg | Kind::Espeak => {
                c.arg("-w").arg(wav).args(["-s", &rate]);
                if let Some(n) = name {
                    c.args(["-v", n]);
                }
                c.arg("--stdin");
                (c, Some(text.to_owned()))
            }
            Kind::Flite => {
                // flite speaks at about 175 words a minute; a longer stretch is slower.
                let stretch = 175.0 / f64::from(how.rate.max(1));
                c.arg("-o")
                    .arg(wav)
                    .args(["--setf", &format!("duration_stretch={stretch:.2}")]);
                if let Some(n) = name {
                    c.args(["-voice", n]);
                }
                c.args(["-t", text]);
                (c, None)
            }
            Kind::Say => {
                c.arg("-o").arg(wav).args([
                    "--file-format=WAVE",
                    "--data-format=LEI16@22050",
                    "-r",
                    &rate,
                ]);
                if let Some(n) = name {
                    c.args(["-v", n]);
                }
                // No message argument: `say` reads the words from stdin.
                (c, Some(text.to_owned()))
            }
            Kind::WindowsSpeech => {
                // SpeechSynthesizer.Rate: -10 to 10, 0 being about 175 wpm.
                let r = ((f64::from(how.rate) - 175.0) / 18.0)
                    .round()
                    .clamp(-10.0, 10.0);
                let select = name.map_or(String::new(), |n| {
                    format!("$s.SelectVoice({});", ps_quote(n))
                });
                let script = format!(
                    "Add-Type -AssemblyName System.Speech;\
                     $s = New-Object System.Speech.Synthesis.SpeechSynthesizer;\
                     $s.Rate = {r};{select}\
                     $s.SetOutputToWaveFile({});\
                     $s.Speak([Console]::In.ReadToEnd());$s.Dispose()",
                    ps_quote(&wav.display().to_string())
                );
                c.args(["-NoProfile", "-NonInteractive", "-Command", &script]);
                (c, Some(text.to_owned()))
            }
            Kind::Command => {
                let Some(t) = &self.template else {
                    return (c, Some(text.to_owned()));
                };
                let wav = wav.display().to_string();
                for w in &t.words[1..] {
                    // `{wav}` first: words that say "{wav}" stay words.
                    let w = w.replace("{wav}", &wav).replace("{text}", text);
                    c.arg(expand_home(&w));
                }
                (c, (!t.takes_text()).then(|| text.to_owned()))
            }
        }
    }
}

/// A PowerShell single-quoted string.
fn ps_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `~/x` from the home directory; anything else as it is.
fn expand_home(word: &str) -> PathBuf {
    if let Some(rest) = word.strip_prefix("~/")
        && let Some(home) = directories::BaseDirs::new()
    {
        return home.home_dir().join(rest);
    }
    PathBuf::from(word)
}

/// `name` in the directories of `path`, if there as an executable file.
fn on_path(name: &str, path: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .filter(|d| d.is_absolute())
        .map(|d| d.join(name))
        .find(|p| executable(p))
}

#[cfg(unix)]
fn executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(p: &Path) -> bool {
    p.is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_checked_when_read() {
        let ok = CommandTemplate::parse("piper --model '~/v/en.onnx' --output_file {wav}").unwrap();
        assert_eq!(ok.program(), "piper");
        assert!(!ok.takes_text());
        assert!(
            CommandTemplate::parse("say {text} -o {wav}")
                .unwrap()
                .takes_text()
        );
        let err = |line| CommandTemplate::parse(line).unwrap_err();
        assert_eq!(err("piper 'open {wav}"), CommandError::OpenQuote);
        assert_eq!(err("   "), CommandError::Empty);
        assert_eq!(err("piper --out x.wav"), CommandError::NoWav);
        assert_eq!(
            err("piper {txt} {wav}"),
            CommandError::UnknownPlaceholder("{txt}".into())
        );
        assert_eq!(err("{wav} piper"), CommandError::StartsWithPlaceholder);
        assert!(err("piper {txt} {wav}").to_string().contains("`{txt}`"));
    }

    #[test]
    fn text_is_never_part_of_a_quoted_string() {
        let refused = |line| CommandTemplate::parse(line) == Err(CommandError::TextInsideString);
        assert!(refused("sh -c 'tts {text} > {wav}'"));
        assert!(refused("sh -c \"echo {text} | tts {wav}\""));
        assert!(refused("tts --out {wav} \"{text}\""));
        assert!(refused("tts --out {wav} say\\ {text}"));
        // One argument of its own, or the end of one: fine.
        for fine in [
            "tts --out {wav} {text}",
            "tts --out={wav} --text={text}",
            "sh -c 'tts --out \"$0\" \"$1\"' {wav} {text}",
            "tts '{wav}'",
        ] {
            assert!(CommandTemplate::parse(fine).is_ok(), "{fine}");
        }
    }

    #[cfg(unix)]
    fn bin() -> (tempfile::TempDir, impl Fn(&str, u32)) {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let make = move |name: &str, mode| {
            let p = root.join(name);
            std::fs::write(&p, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        };
        (dir, make)
    }

    #[cfg(unix)]
    #[test]
    fn engines_are_found_on_path_most_natural_first() {
        let (dir, make) = bin();
        let search = |command: Option<&str>| Search {
            command: command.map(|c| CommandTemplate::parse(c).unwrap()),
            path: Some(dir.path().as_os_str().to_owned()),
            voice_dirs: vec![dir.path().join("voices")],
            ..Search::default()
        };
        let kind = |s: &Search| s.find().map(|e| e.kind);
        assert_eq!(search(None).find(), Err(FindError::NoEngine));
        make("espeak", 0o644);
        assert!(search(None).find().is_err(), "not executable");
        make("espeak", 0o755);
        assert_eq!(kind(&search(None)), Ok(Kind::Espeak));
        for (program, k) in [
            ("espeak-ng", Kind::EspeakNg),
            ("flite", Kind::Flite),
            ("RHVoice-test", Kind::RhVoice),
            ("pico2wave", Kind::Pico),
        ] {
            make(program, 0o755);
            assert_eq!(kind(&search(None)), Ok(k));
        }
        // Piper needs a voice as well as its program.
        make("piper", 0o755);
        assert_eq!(kind(&search(None)), Ok(Kind::Pico));
        let piper = search(None)
            .survey()
            .into_iter()
            .find(|c| c.kind == Kind::Piper)
            .unwrap();
        assert!(
            matches!(piper.found, Err(Missing::NoPiperVoice(_))),
            "{piper:?}"
        );
        std::fs::create_dir_all(dir.path().join("voices")).unwrap();
        std::fs::write(dir.path().join("voices/en_US-joe-medium.onnx"), "x").unwrap();
        std::fs::write(dir.path().join("voices/en_US-joe-medium.onnx.json"), "{}").unwrap();
        let found = search(None).find().unwrap();
        assert_eq!(
            (found.kind, found.id()),
            (Kind::Piper, "piper en_US-joe-medium".into())
        );
        // A named command comes first; missing, the others stand behind it.
        let missing = search(Some("tts -f {wav}"));
        assert_eq!(kind(&missing), Ok(Kind::Piper));
        assert_eq!(
            missing.survey()[0].found,
            Err(Missing::CommandNotFound("tts".into()))
        );
        make("tts", 0o755);
        let e = search(Some("tts -f {wav}")).find().unwrap();
        assert_eq!(
            (e.kind, e.id()),
            (Kind::Command, "command tts -f '{wav}'".into())
        );
        assert_eq!(search(Some("tts -f {wav}")).chain().len(), 7);
        let empty = Search {
            command: Some(CommandTemplate::parse("nothing {wav}").unwrap()),
            ..Search::default()
        };
        assert_eq!(
            empty.find(),
            Err(FindError::CommandNotFound("nothing".into()))
        );
    }

    #[test]
    fn each_engine_gets_the_words_rate_and_voice() {
        let how = Speaking {
            name: Some("en-gb".into()),
            rate: 150,
        };
        let engine = |kind| Engine {
            kind,
            program: "x".into(),
            template: None,
            model: Some("/v/en.onnx".into()),
        };
        let args = |e: &Engine| {
            let (c, stdin) = e.command("Hello there.", Path::new("/c/a.wav"), &how);
            let args: Vec<String> = c
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            (args.join(" "), stdin)
        };
        let said = Some("Hello there.".to_owned());
        assert_eq!(
            args(&engine(Kind::EspeakNg)),
            ("-w /c/a.wav -s 150 -v en-gb --stdin".into(), said.clone())
        );
        assert_eq!(
            args(&engine(Kind::Piper)),
            (
                "--model /v/en.onnx --output_file /c/a.wav --length_scale 1.13".into(),
                said.clone()
            )
        );
        assert_eq!(
            args(&engine(Kind::Pico)),
            ("-l en-US -w /c/a.wav -- Hello there.".into(), None)
        );
        assert_eq!(
            args(&engine(Kind::RhVoice)),
            ("-o /c/a.wav -r 93 -p en-gb".into(), said.clone())
        );
        assert_eq!(
            args(&engine(Kind::Flite)),
            (
                "-o /c/a.wav --setf duration_stretch=1.17 -voice en-gb -t Hello there.".into(),
                None
            )
        );
        assert_eq!(
            args(&engine(Kind::Say)).0,
            "-o /c/a.wav --file-format=WAVE --data-format=LEI16@22050 -r 150 -v en-gb"
        );
        assert!(
            args(&engine(Kind::WindowsSpeech))
                .0
                .contains("SelectVoice('en-gb')")
        );
        let t = CommandTemplate::parse("tts --out {wav} --say {text}").unwrap();
        let custom = Engine {
            kind: Kind::Command,
            program: "tts".into(),
            template: Some(t),
            model: None,
        };
        assert_eq!(
            args(&custom),
            ("--out /c/a.wav --say Hello there.".into(), None)
        );
        // Words that look like a placeholder stay words, in one argument.
        let (c, _) = custom.command("$(touch x) {wav} `id`", Path::new("/c/a.wav"), &how);
        let last = c.get_args().last().unwrap().to_string_lossy().into_owned();
        assert_eq!(last, "$(touch x) {wav} `id`");
    }
}
