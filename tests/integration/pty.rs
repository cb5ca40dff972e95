//! The whole program in a pseudo-terminal, as a user runs it: a routine runs
//! to its end, and every way of leaving gives the terminal back (leaves the
//! alternate screen, shows the cursor) with the right exit status.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

pub(crate) struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    _home: tempfile::TempDir,
}

fn routine() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/session/three-steps.toml")
}

impl Pty {
    fn spawn(args: &[&str]) -> Self {
        Self::spawn_with(args, &[])
    }

    pub(crate) fn spawn_with(args: &[&str], env: &[(&str, &str)]) -> Self {
        let home = tempfile::tempdir().unwrap();
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_knotless"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("KNOTLESS_CONFIG_DIR", home.path().join("config"));
        cmd.env("KNOTLESS_DATA_DIR", home.path().join("data"));
        // Tests never make a sound: no sound server unless a test names one.
        cmd.env("PULSE_SERVER", "unix:/nonexistent/knotless-test/native");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn knotless");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        thread::spawn(move || {
            let _master = pair.master;
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            child,
            writer,
            output,
            _home: home,
        }
    }

    /// The temporary home: `config/` and `data/` live in it.
    pub(crate) fn home(&self) -> std::path::PathBuf {
        self._home.path().to_path_buf()
    }

    /// The history files' text ("" when there is none): this machine
    /// writes `history-<host>.jsonl`.
    pub(crate) fn history(&self) -> String {
        crate::history_text(&self.home().join("data"))
    }

    /// The three-step routine at real speed, past preflight, its first step
    /// on screen.
    fn in_session() -> Self {
        let path = routine();
        let mut pty = Self::spawn(&["run", path.to_str().unwrap()]);
        pty.wait_for("Stop if anything hurts");
        pty.send("\r");
        pty.wait_for("Shoulder rolls");
        pty
    }

    pub(crate) fn bytes(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// The screen as a user sees it now.
    pub(crate) fn screen(&self) -> String {
        let mut parser = vt100::Parser::new(24, 80, 0);
        parser.process(&self.bytes());
        parser.screen().contents()
    }

    pub(crate) fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.screen().contains(text) {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!("never saw {text:?}; the screen was:\n{}", self.screen());
    }

    pub(crate) fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub(crate) fn signal(&self, name: &str) {
        let pid = self.child.process_id().expect("pid").to_string();
        let ok = std::process::Command::new("kill")
            .args(["-s", name, &pid])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Wait for the exit, and check that the terminal was given back.
    pub(crate) fn finish(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "knotless did not exit; screen:\n{}",
                self.screen()
            );
            thread::sleep(Duration::from_millis(20));
        };
        thread::sleep(Duration::from_millis(100));
        let out = self.bytes();
        let left = rfind(&out, LEAVE_ALTERNATE_SCREEN).expect("left the alternate screen");
        let shown = rfind(&out, SHOW_CURSOR).expect("showed the cursor");
        assert!(
            shown > left,
            "the cursor is shown after leaving the alternate screen"
        );
        assert!(
            rfind(&out, b"\x1b[?1049h").is_none_or(|entered| entered < left),
            "nothing re-enters the alternate screen after leaving it"
        );
        status.exit_code()
    }
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

#[test]
fn a_three_step_routine_runs_to_the_done_screen() {
    let path = routine();
    let mut pty = Pty::spawn(&["run", path.to_str().unwrap(), "--speed", "100"]);
    pty.wait_for("Stop if anything hurts");
    pty.send("\r");
    pty.wait_for("Well done");
    let screen = pty.screen();
    assert!(screen.contains("3 of 3"), "{screen}");
    // A sped-up run is a preview: shown, but never counted in the streak.
    assert!(
        screen.contains("Streak") && screen.contains("0 days"),
        "{screen}"
    );
    let history = pty.history();
    pty.send("\r");
    assert_eq!(pty.finish(), 0);
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 1, "one history line: {history}");
    assert!(lines[0].contains("\"outcome\":\"finished\""), "{history}");
    assert!(
        lines[0].contains("\"preview\":true"),
        "run at --speed 100: {history}"
    );
}

#[test]
fn tension_is_asked_before_and_after_and_kept_with_the_session() {
    let path = routine();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[session]\nask_tension = true\n",
    )
    .unwrap();
    let config = config.to_str().unwrap().to_owned();
    let mut pty = Pty::spawn_with(
        &["run", path.to_str().unwrap(), "--speed", "100"],
        &[("KNOTLESS_CONFIG_DIR", &config)],
    );
    pty.wait_for("Stop if anything hurts");
    pty.send("\r");
    pty.wait_for("How tense do you feel, 0-10?");
    pty.send("7");
    pty.wait_for("And now: how tense");
    assert_eq!(
        pty.history(),
        "",
        "nothing written before the second answer"
    );
    pty.send("3");
    pty.wait_for("Streak");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
    let history = pty.history();
    assert!(
        history.contains("\"tension_before\":7") && history.contains("\"tension_after\":3"),
        "{history}"
    );
}

#[test]
fn quitting_by_a_signal_still_records_the_session() {
    let mut pty = Pty::in_session();
    pty.signal("TERM");
    assert_eq!(pty.finish(), 143);
    let history = pty.history();
    assert!(history.contains("\"outcome\":\"stopped\""), "{history}");
}

#[test]
fn the_picker_notices_a_new_routine_file_by_itself() {
    let mut pty = Pty::spawn(&[]);
    pty.wait_for("Daily back reset");
    let dir = pty.home().join("config/routines");
    std::fs::create_dir_all(&dir).unwrap();
    // The directory did not exist when the picker started: `r` reads again.
    std::fs::write(dir.join("fresh.toml"), FRESH.replace("NAME", "Fresh one")).unwrap();
    pty.send("r");
    pty.wait_for("Fresh one");
    std::fs::write(dir.join("second.toml"), FRESH.replace("NAME", "Second one")).unwrap();
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}

#[test]
fn a_watched_directory_reloads_without_a_key() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("mine");
    std::fs::create_dir_all(&dir).unwrap();
    let mut pty = Pty::spawn(&["--routines", dir.to_str().unwrap()]);
    pty.wait_for("Daily back reset");
    std::fs::write(dir.join("fresh.toml"), FRESH.replace("NAME", "Watched one")).unwrap();
    pty.wait_for("Watched one");
    std::fs::write(dir.join("fresh.toml"), "name = \"Broken\n").unwrap();
    pty.wait_for("✗ fresh");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}

const FRESH: &str =
    "name = \"NAME\"\n[[steps]]\nkind = \"rest\"\ntitle = \"Rest\"\nduration = \"30s\"\n";

#[test]
fn q_then_yes_quits_a_session_cleanly() {
    let mut pty = Pty::in_session();
    pty.send("q");
    pty.wait_for("Quit this session?");
    pty.send("y");
    pty.wait_for("Session stopped");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}

#[test]
fn ctrl_c_quits_at_once_with_status_130() {
    let mut pty = Pty::in_session();
    pty.send("\x03");
    assert_eq!(pty.finish(), 130);
}

#[test]
fn sigterm_restores_the_terminal_with_status_143() {
    let mut pty = Pty::in_session();
    pty.signal("TERM");
    assert_eq!(pty.finish(), 143);
}

#[test]
fn sighup_restores_the_terminal_with_status_129() {
    let path = routine();
    let mut pty = Pty::spawn(&["run", path.to_str().unwrap()]);
    pty.wait_for("Stop if anything hurts");
    pty.signal("HUP");
    assert_eq!(pty.finish(), 129);
}

#[test]
fn ctrl_z_suspends_and_fg_comes_back_paused() {
    let mut pty = Pty::in_session();
    let before = pty.bytes().len();
    pty.send("\x1a");
    let deadline = Instant::now() + Duration::from_secs(10);
    while rfind(&pty.bytes()[before..], LEAVE_ALTERNATE_SCREEN).is_none() {
        assert!(
            Instant::now() < deadline,
            "did not give the terminal back on Ctrl-Z"
        );
        thread::sleep(Duration::from_millis(20));
    }
    thread::sleep(Duration::from_millis(200));
    pty.signal("CONT");
    pty.wait_for("paused");
    pty.send("\x03");
    assert_eq!(pty.finish(), 130);
}

#[test]
fn the_picker_opens_with_no_arguments_and_q_leaves() {
    let mut pty = Pty::spawn(&[]);
    pty.wait_for("Daily back reset");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}
