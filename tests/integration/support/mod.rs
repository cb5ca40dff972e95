//! What every integration test needs, in one place: a throwaway home, the
//! binary run in it with a clean environment and a timeout, what a run
//! printed, fixtures by name, the history a run left, and (in `pty`) the
//! whole program in a pseudo-terminal.

pub mod pty;

use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use tempfile::TempDir;

/// A socket nobody listens on: tests never make a sound by accident.
pub const NO_SERVER: &str = "unix:/nonexistent/knotless-test/native";

/// This machine's name in every test: its own history file is
/// `history-ci.jsonl`, whatever the machine running the tests is called.
pub const HOST: &str = "ci";

/// How long one run may take before it is killed and the test fails with
/// what it printed so far. Generous: two debug builds share two cores.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Variables that would change what knotless does, removed from the clean
/// environment; the others it reads are set by [`Home::env`].
const REMOVED: &[&str] = &[
    "VISUAL",
    "EDITOR",
    "CLICOLOR_FORCE",
    "COMPLETE",
    "KNOTLESS_COMPLETE",
    "KNOTLESS_LOG",
    "PULSE_RUNTIME_PATH",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "XDG_CACHE_HOME",
];

/// The package root: where `tests/fixtures` and `routines` are.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<group>/<name>`.
pub fn fixture(group: &str, name: &str) -> PathBuf {
    root().join("tests/fixtures").join(group).join(name)
}

/// A throwaway home. Only the temporary directory itself exists at first:
/// some tests check what a command creates.
pub struct Home {
    dir: TempDir,
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

impl Home {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// The temporary directory: `config/`, `data/`, `state/`, `cache/`
    /// and anything a test makes live in it.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the home (not created).
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn config(&self) -> PathBuf {
        self.path("config")
    }

    pub fn data(&self) -> PathBuf {
        self.path("data")
    }

    pub fn state(&self) -> PathBuf {
        self.path("state")
    }

    pub fn cache(&self) -> PathBuf {
        self.path("cache")
    }

    /// The user's routines directory (not created).
    pub fn routines(&self) -> PathBuf {
        self.config().join("routines")
    }

    /// A directory inside the home, created.
    pub fn dir(&self, rel: &str) -> PathBuf {
        let dir = self.path(rel);
        fs::create_dir_all(&dir).expect("create a directory in the home");
        dir
    }

    /// Write `text` to `rel` inside the home (parents created); its path.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("a parent")).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    /// The settings file, `config/config.toml`.
    pub fn settings(&self, text: &str) -> PathBuf {
        self.write("config/config.toml", text)
    }

    /// A routine `<id>.toml` in the user's routines directory.
    pub fn routine(&self, id: &str, text: &str) -> PathBuf {
        self.write(&format!("config/routines/{id}.toml"), text)
    }

    /// The fixture `tests/fixtures/<group>/<name>` copied into the user's
    /// routines directory as `<id>.toml`.
    pub fn routine_from(&self, group: &str, name: &str, id: &str) -> PathBuf {
        let to = self.dir("config/routines").join(format!("{id}.toml"));
        fs::copy(fixture(group, name), &to).expect("copy a fixture");
        to
    }

    /// The fixture `tests/fixtures/history/<name>` as the old shared
    /// history file.
    pub fn history_from(&self, name: &str) -> PathBuf {
        let to = self.dir("data").join(knotless::history::FILE_NAME);
        fs::copy(fixture("history", name), &to).expect("copy a fixture");
        to
    }

    /// This machine's own history file (`history-ci.jsonl`).
    pub fn own_history(&self) -> PathBuf {
        self.data().join(format!("history-{HOST}.jsonl"))
    }

    /// Every history file's text, in name order.
    pub fn history(&self) -> String {
        history_text(&self.data())
    }

    /// What the clean environment sets (`Some`) and removes (`None`).
    pub fn env(&self) -> Vec<(&'static str, Option<PathBuf>)> {
        let mut env = vec![
            ("KNOTLESS_CONFIG_DIR", Some(self.config())),
            ("KNOTLESS_DATA_DIR", Some(self.data())),
            ("KNOTLESS_STATE_DIR", Some(self.state())),
            ("KNOTLESS_CACHE_DIR", Some(self.cache())),
            ("KNOTLESS_HOST", Some(HOST.into())),
            ("PULSE_SERVER", Some(NO_SERVER.into())),
            ("XDG_RUNTIME_DIR", Some(self.path("run"))),
            ("HOME", Some(self.root().to_path_buf())),
        ];
        env.extend(REMOVED.iter().map(|var| (*var, None)));
        env
    }

    /// The binary, run from the package root in this home: no sound
    /// server, no editor, no colour, this machine called `ci`, stdin
    /// closed. Chain `.args(...)`, then [`Run::run`] (or `spawn`).
    pub fn knotless(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_knotless"));
        cmd.current_dir(root()).stdin(Stdio::null());
        for (var, value) in self.env() {
            match value {
                Some(v) => cmd.env(var, v),
                None => cmd.env_remove(var),
            };
        }
        cmd.env("NO_COLOR", "1");
        cmd
    }
}

/// Every history file in a data directory, concatenated in name order ("" when
/// there is none): each machine appends to its own `history-<host>.jsonl`.
pub fn history_text(data_dir: &Path) -> String {
    let mut files: Vec<_> = fs::read_dir(data_dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(knotless::history::is_history_file)
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| fs::read_to_string(f).unwrap_or_default())
        .collect()
}

/// What one run printed, and how it ended.
#[derive(Debug)]
pub struct Out {
    /// `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
    pub raw_stderr: Vec<u8>,
}

impl Out {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Running a command to its end with a time limit.
pub trait Run {
    /// Run with [`TIMEOUT`].
    fn run(&mut self) -> Out {
        self.run_within(TIMEOUT)
    }

    /// Run; past `limit`, kill it and fail with what it printed.
    fn run_within(&mut self, limit: Duration) -> Out;
}

impl Run for Command {
    fn run_within(&mut self, limit: Duration) -> Out {
        let mut child = self
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run knotless");
        let read = |mut pipe: Box<dyn Read + Send>| {
            thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                bytes
            })
        };
        let stdout = read(Box::new(child.stdout.take().unwrap()));
        let stderr = read(Box::new(child.stderr.take().unwrap()));
        let pid = child.id();
        let (done, status) = mpsc::channel();
        thread::spawn(move || {
            let _ = done.send(child.wait());
        });
        let (status, timed_out) = match status.recv_timeout(limit) {
            Ok(status) => (status, false),
            Err(_) => {
                // SAFETY: a plain system call on the child's pid; it has
                // not been reaped, as its waiter has not returned.
                unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
                (status.recv().expect("the waiter answers"), true)
            }
        };
        let status = status.expect("wait for knotless");
        let raw_stdout = stdout.join().unwrap();
        let raw_stderr = stderr.join().unwrap();
        let out = Out {
            code: status.code(),
            stdout: String::from_utf8_lossy(&raw_stdout).into_owned(),
            stderr: String::from_utf8_lossy(&raw_stderr).into_owned(),
            raw_stdout,
            raw_stderr,
        };
        assert!(
            !timed_out,
            "{:?} still running after {limit:?}; killed.\n--- stdout:\n{}--- stderr:\n{}",
            self.get_args().collect::<Vec<&OsStr>>(),
            out.stdout,
            out.stderr
        );
        out
    }
}

/// A routine file's text, built up: `routine("Short").quick().rest("One",
/// "2s").text()`. Durations that are all digits are written as numbers
/// (seconds), others as quoted text.
#[derive(Debug, Clone)]
pub struct Routine {
    head: String,
    defaults: String,
    steps: String,
}

pub fn routine(name: &str) -> Routine {
    Routine {
        head: format!("name = \"{name}\"\n"),
        defaults: String::new(),
        steps: String::new(),
    }
}

impl Routine {
    /// A top-level `key = value` line (value as written in TOML).
    pub fn top(mut self, key: &str, value: &str) -> Self {
        self.head += &format!("{key} = {value}\n");
        self
    }

    /// No get-ready pauses: `[defaults] transition = "0s"`.
    #[cfg_attr(not(feature = "sound"), allow(dead_code))] // the sound tests' alone
    pub fn quick(mut self) -> Self {
        self.defaults = "[defaults]\ntransition = \"0s\"\n".to_owned();
        self
    }

    /// A step of `kind`.
    pub fn step(mut self, kind: &str, title: &str, duration: &str) -> Self {
        let duration = if duration.bytes().all(|b| b.is_ascii_digit()) {
            duration.to_owned()
        } else {
            format!("\"{duration}\"")
        };
        self.steps +=
            &format!("[[steps]]\nkind = \"{kind}\"\ntitle = \"{title}\"\nduration = {duration}\n");
        self
    }

    /// A `key = value` line (value as written in TOML) in the last step,
    /// or at the top when there is no step yet.
    pub fn set(mut self, key: &str, value: &str) -> Self {
        let line = format!("{key} = {value}\n");
        if self.steps.is_empty() {
            self.head += &line;
        } else {
            self.steps += &line;
        }
        self
    }

    pub fn rest(self, title: &str, duration: &str) -> Self {
        self.step("rest", title, duration)
    }

    pub fn text(&self) -> String {
        format!("{}{}{}", self.head, self.defaults, self.steps)
    }
}

/// `text` with the home's path (and the package root) replaced by
/// placeholders, for snapshots.
pub fn stable(home: &Home, text: &str) -> String {
    text.replace(&home.root().display().to_string(), "[HOME]")
        .replace(&root().display().to_string(), "[ROOT]")
}

/// A WAV header: format `tag`, `data` bytes said to follow (the hostile
/// tests lie in it on purpose).
pub fn wav_header(tag: u16, channels: u16, rate: u32, bits: u16, data: u32) -> Vec<u8> {
    let align = channels * bits / 8;
    let mut h = Vec::new();
    for part in [
        &b"RIFF"[..],
        &(36 + data).to_le_bytes(),
        b"WAVEfmt ",
        &16u32.to_le_bytes(),
        &tag.to_le_bytes(),
        &channels.to_le_bytes(),
        &rate.to_le_bytes(),
        &(rate * u32::from(align)).to_le_bytes(),
        &align.to_le_bytes(),
        &bits.to_le_bytes(),
        b"data",
        &data.to_le_bytes(),
    ] {
        h.extend_from_slice(part);
    }
    h
}

/// A whole 16-bit mono PCM WAV file of `samples` at `rate`.
pub fn wav_mono16(rate: u32, samples: &[i16]) -> Vec<u8> {
    let data = u32::try_from(samples.len() * 2).unwrap();
    let mut wav = wav_header(1, 1, rate, 16, data);
    for s in samples {
        wav.extend_from_slice(&s.to_le_bytes());
    }
    wav
}
