//! The whole program in a pseudo-terminal, as a user runs it: keys in, the
//! screen (through vt100) out, signals, and a check on exit that the
//! terminal was given back.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

use super::Home;

pub const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
const ENTER_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049h";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";
/// The title of the safety page shown before a first session.
const SAFETY_PAGE: &str = "Safety: before you start";

/// How long a screen may take to show something, or the program to exit.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct Pty {
    child: Box<dyn Child + Send + Sync>,
    writer: Mutex<Box<dyn Write + Send>>,
    /// How much output there was when the test last sent keys: keys sent
    /// after the safety page was drawn are the test's answer to it.
    sent_at: Mutex<usize>,
    output: Arc<Mutex<Vec<u8>>>,
    home: PathBuf,
    /// The home made for this run alone, when no test gave one.
    _owned: Option<Home>,
}

impl Pty {
    /// knotless `args` in a home of its own.
    pub fn spawn(args: &[&str]) -> Self {
        Self::spawn_with(args, &[])
    }

    /// knotless `args` in a home of its own, with `env` on top of the
    /// clean environment.
    pub fn spawn_with(args: &[&str], env: &[(&str, &str)]) -> Self {
        let home = Home::new();
        let mut pty = Self::start(&home, args, env);
        pty._owned = Some(home);
        pty
    }

    /// knotless `args` in `home` (which must outlive it), with `env` on top
    /// of the clean environment.
    pub fn start(home: &Home, args: &[&str], env: &[(&str, &str)]) -> Self {
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
        cmd.cwd(super::root());
        for (var, value) in home.env() {
            match value {
                Some(v) => cmd.env(var, v),
                None => cmd.env_remove(var),
            }
        }
        // The full screen as a user sees it: in colour.
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
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
            writer: Mutex::new(writer),
            sent_at: Mutex::new(0),
            output,
            home: home.root().to_path_buf(),
            _owned: None,
        }
    }

    /// The home: `config/` and `data/` live in it.
    pub fn home(&self) -> PathBuf {
        self.home.clone()
    }

    /// The history files' text ("" when there is none).
    pub fn history(&self) -> String {
        super::history_text(&self.home.join("data"))
    }

    /// Everything the program wrote to the terminal so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.output.lock().unwrap().clone()
    }

    /// The screen as a user sees it now.
    pub fn screen(&self) -> String {
        let mut parser = vt100::Parser::new(24, 80, 0);
        parser.process(&self.bytes());
        parser.screen().contents()
    }

    /// Wait until `text` is on the screen. The safety page that comes up
    /// before a first session is put aside as a user would (Esc), unless
    /// it is what the test waits for, or the test has already answered it
    /// (sent keys since it was drawn): most tests start in an empty home.
    pub fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            let screen = self.screen();
            if screen.contains(text) {
                return;
            }
            if screen.contains(SAFETY_PAGE) && !self.answered_the_safety_page() {
                self.write(b"\x1b");
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!("never saw {text:?}; the screen was:\n{}", self.screen());
    }

    /// Whether keys were sent after the safety page was last drawn.
    fn answered_the_safety_page(&self) -> bool {
        let bytes = self.bytes();
        let drawn = bytes
            .windows(SAFETY_PAGE.len())
            .rposition(|w| w == SAFETY_PAGE.as_bytes());
        drawn.is_none_or(|at| *self.sent_at.lock().unwrap() > at)
    }

    pub fn send(&mut self, keys: &str) {
        self.write(keys.as_bytes());
    }

    fn write(&self, bytes: &[u8]) {
        *self.sent_at.lock().unwrap() = self.output.lock().unwrap().len();
        let mut writer = self.writer.lock().unwrap();
        writer.write_all(bytes).unwrap();
        writer.flush().unwrap();
    }

    pub fn signal(&self, name: &str) {
        let pid = self.child.process_id().expect("pid").to_string();
        let ok = std::process::Command::new("kill")
            .args(["-s", name, &pid])
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Wait for the exit, and check that the terminal was given back.
    pub fn finish(&mut self) -> u32 {
        let deadline = Instant::now() + PATIENCE;
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
            rfind(&out, ENTER_ALTERNATE_SCREEN).is_none_or(|entered| entered < left),
            "nothing re-enters the alternate screen after leaving it"
        );
        status.exit_code()
    }
}

/// Where `needle` last occurs in `hay`.
pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
