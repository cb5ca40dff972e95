//! Speech engines already on the machine, found at run time on `PATH`
//! (nothing is linked in), or the command the settings name. An engine is
//! run as a separate process with no access to the screen: its output and
//! errors go nowhere, it gets its own process group (a terminal's Ctrl-C
//! never reaches it, and it is killed with all it started), and it is
//! killed when it takes too long.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::sound::speech::MAX_SPEECH_FILE;

/// Words per minute when the settings say nothing: a calm pace, a little
/// slower than most engines' own.
pub const DEFAULT_RATE: u16 = 160;
/// The rates `[voice] rate` accepts, in words per minute.
pub const RATES: std::ops::RangeInclusive<u16> = 80..=400;

/// The advice when nothing is found.
pub const NO_ENGINE: &str = "no speech engine found (install espeak-ng)";

/// A command the user names in the settings, split into words:
/// `{wav}` is where it must write its WAV file, `{text}` the words to say
/// (without `{text}`, the words come on its standard input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandTemplate {
    words: Vec<String>,
}

impl CommandTemplate {
    /// Split `line` like a shell would (quotes, no expansion but `~/`).
    /// `Err((what is wrong, how to fix it))`.
    pub fn parse(line: &str) -> Result<Self, (String, String)> {
        let example = "e.g. command = \"piper --model ~/voices/en.onnx --output_file {wav}\"";
        let words = shlex::split(line).ok_or_else(|| {
            (
                "this command has a quote that is never closed".to_owned(),
                format!("close the quote; {example}"),
            )
        })?;
        if words.is_empty() {
            return Err((
                "the speech command is empty".into(),
                format!("name a program that writes a WAV file to {{wav}}, {example}"),
            ));
        }
        for w in &words {
            let mut rest = w.as_str();
            while let Some(open) = rest.find('{') {
                let after = &rest[open..];
                let Some(close) = after.find('}') else { break };
                let name = &after[..=close];
                if name != "{wav}" && name != "{text}" {
                    return Err((
                        format!("unknown placeholder `{name}` in the speech command"),
                        "use {wav} for the file to write and {text} for the words".into(),
                    ));
                }
                rest = &after[close + 1..];
            }
        }
        if !words.iter().any(|w| w.contains("{wav}")) {
            return Err((
                "the speech command never names {wav}, the file it must write".into(),
                example.into(),
            ));
        }
        if words[0].contains('{') {
            return Err((
                "the speech command must start with a program, not a placeholder".into(),
                example.into(),
            ));
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

/// The engines knotless knows, most natural first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `[voice] command`.
    Command,
    /// macOS.
    Say,
    /// Windows' System.Speech, through PowerShell.
    WindowsSpeech,
    Flite,
    EspeakNg,
    Espeak,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Command => "command",
            Kind::Say => "say",
            Kind::WindowsSpeech => "Windows speech",
            Kind::Flite => "flite",
            Kind::EspeakNg => "espeak-ng",
            Kind::Espeak => "espeak",
        }
    }

    /// The programs to look for on `PATH`, in the order of preference.
    fn search_order() -> &'static [(Kind, &'static str)] {
        if cfg!(target_os = "macos") {
            &[
                (Kind::Say, "say"),
                (Kind::Flite, "flite"),
                (Kind::EspeakNg, "espeak-ng"),
                (Kind::Espeak, "espeak"),
            ]
        } else if cfg!(windows) {
            &[
                (Kind::WindowsSpeech, "powershell.exe"),
                (Kind::EspeakNg, "espeak-ng.exe"),
            ]
        } else {
            &[
                (Kind::Flite, "flite"),
                (Kind::EspeakNg, "espeak-ng"),
                (Kind::Espeak, "espeak"),
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
}

/// How to make speech: the engine's voice and pace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speaking {
    /// The engine's voice (`[voice] name`), or its default.
    pub name: Option<String>,
    /// Words per minute.
    pub rate: u16,
}

/// Why rendering one prompt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderError {
    /// It ran past its time and was killed.
    TimedOut(Duration),
    /// It could not start, failed, or wrote no usable WAV file.
    Failed(String),
    /// The session ended first.
    Stopped,
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::TimedOut(t) => {
                write!(f, "took over {:.1} s and was stopped", t.as_secs_f64())
            }
            RenderError::Failed(why) => f.write_str(why),
            RenderError::Stopped => f.write_str("stopped"),
        }
    }
}

impl Engine {
    /// The engine to use: the settings' command when there is one (and
    /// only it), else the most natural engine on `path` (the `PATH` value).
    /// `Err` says why there is none, in words for the status line.
    pub fn find(command: Option<&CommandTemplate>, path: Option<OsString>) -> Result<Self, String> {
        if let Some(template) = command {
            let program = expand_home(template.program());
            let found = if program.components().count() > 1 {
                program.is_file().then_some(program)
            } else {
                on_path(template.program(), path.as_deref())
            };
            return found
                .map(|program| Engine {
                    kind: Kind::Command,
                    program,
                    template: Some(template.clone()),
                })
                .ok_or_else(|| {
                    format!(
                        "the speech command `{}` was not found",
                        crate::text::escape_inline(template.program())
                    )
                });
        }
        Kind::search_order()
            .iter()
            .find_map(|&(kind, name)| {
                on_path(name, path.as_deref()).map(|program| Engine {
                    kind,
                    program,
                    template: None,
                })
            })
            .ok_or_else(|| NO_ENGINE.to_owned())
    }

    /// What the cache key and `knotless voice` call this engine.
    pub fn id(&self) -> String {
        match &self.template {
            Some(t) => format!("command {}", t.line()),
            None => self.kind.name().to_owned(),
        }
    }

    /// Render `text` into `wav`: at most `limit`, and never past `stop`.
    pub fn render(
        &self,
        text: &str,
        wav: &Path,
        how: &Speaking,
        limit: Duration,
        stop: &AtomicBool,
    ) -> Result<(), RenderError> {
        let (mut command, stdin_text) = self.command(text, wav, how);
        command
            .stdin(if stdin_text.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        isolate(&mut command);
        let mut child = command
            .spawn()
            .map_err(|e| RenderError::Failed(format!("{} could not start: {e}", self.id())))?;
        if let (Some(text), Some(mut stdin)) = (stdin_text, child.stdin.take()) {
            // A few hundred bytes fit any pipe: this never blocks. An engine
            // that exits without reading is judged by its exit status.
            let _ = stdin.write_all(text.as_bytes());
        }
        let status = wait_or_kill(&mut child, limit, stop)?;
        if !status.success() {
            return Err(RenderError::Failed(format!(
                "{} failed ({status})",
                self.id()
            )));
        }
        check_wav(wav)
    }

    fn command(&self, text: &str, wav: &Path, how: &Speaking) -> (Command, Option<String>) {
        let mut c = Command::new(&self.program);
        let rate = how.rate.to_string();
        let name = how.name.as_deref().filter(|n| !n.is_empty());
        match self.kind {
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

/// The engine in a process group of its own: the terminal's signals do not
/// reach it, and killing the group kills whatever it started.
#[cfg(unix)]
fn isolate(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(windows)]
fn isolate(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    // CREATE_NO_WINDOW: no console window flashes up.
    command.creation_flags(0x0800_0000);
}

#[cfg(not(any(unix, windows)))]
fn isolate(_: &mut Command) {}

fn kill(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) on the process group we created for this child.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Wait for the engine, polling (a pipe-free child has nothing to block
/// on); past `limit`, or once `stop` is set, kill it.
fn wait_or_kill(
    child: &mut Child,
    limit: Duration,
    stop: &AtomicBool,
) -> Result<std::process::ExitStatus, RenderError> {
    let started = Instant::now();
    let mut nap = Duration::from_millis(2);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) => {}
            Err(e) => {
                kill(child);
                return Err(RenderError::Failed(format!(
                    "cannot wait for the engine: {e}"
                )));
            }
        }
        if stop.load(Ordering::Relaxed) {
            kill(child);
            return Err(RenderError::Stopped);
        }
        if started.elapsed() >= limit {
            kill(child);
            return Err(RenderError::TimedOut(limit));
        }
        thread::sleep(nap);
        nap = (nap * 2).min(Duration::from_millis(20));
    }
}

/// The engine wrote a WAV file of a sane size.
fn check_wav(wav: &Path) -> Result<(), RenderError> {
    let bad = |why: &str| Err(RenderError::Failed(format!("the engine {why}")));
    let Ok(meta) = std::fs::symlink_metadata(wav) else {
        return bad("wrote no file");
    };
    if !meta.is_file() || meta.len() <= 44 || meta.len() > MAX_SPEECH_FILE {
        return bad("wrote no usable WAV file");
    }
    let mut head = [0u8; 12];
    let read =
        std::fs::File::open(wav).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head));
    if read.is_err() || &head[..4] != b"RIFF" || &head[8..] != b"WAVE" {
        return bad("wrote something that is not a WAV file");
    }
    Ok(())
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
        let err = |line| CommandTemplate::parse(line).unwrap_err().0;
        assert!(err("piper 'open {wav}").contains("never closed"));
        assert!(err("   ").contains("empty"));
        assert!(err("piper --out x.wav").contains("never names {wav}"));
        assert!(err("piper {txt} {wav}").contains("`{txt}`"));
        assert!(err("{wav} piper").contains("start with a program"));
    }

    #[cfg(unix)]
    #[test]
    fn engines_are_found_on_path_most_natural_first() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let make = |name: &str, mode| {
            let p = dir.path().join(name);
            std::fs::write(&p, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        };
        let path = || Some(dir.path().as_os_str().to_owned());
        assert_eq!(Engine::find(None, path()), Err(NO_ENGINE.into()));
        make("espeak", 0o644);
        assert!(Engine::find(None, path()).is_err(), "not executable");
        make("espeak", 0o755);
        assert_eq!(Engine::find(None, path()).unwrap().kind, Kind::Espeak);
        make("espeak-ng", 0o755);
        assert_eq!(Engine::find(None, path()).unwrap().kind, Kind::EspeakNg);
        make("flite", 0o755);
        assert_eq!(Engine::find(None, path()).unwrap().kind, Kind::Flite);
        // A named command is used alone, or not at all.
        let t = CommandTemplate::parse("piper -f {wav}").unwrap();
        assert!(
            Engine::find(Some(&t), path())
                .unwrap_err()
                .contains("`piper` was not found")
        );
        make("piper", 0o755);
        let e = Engine::find(Some(&t), path()).unwrap();
        assert_eq!(
            (e.kind, e.id()),
            (Kind::Command, "command piper -f '{wav}'".into())
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
        };
        assert_eq!(
            args(&custom),
            ("--out /c/a.wav --say Hello there.".into(), None)
        );
    }
}
