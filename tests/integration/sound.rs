//! Sound as a user meets it: routine files that choose sounds (and the
//! ones `check` refuses, with file:line:column), `knotless sounds`, a
//! session with no sound server (it runs to the end and says so once, and
//! nothing else reaches the screen), and `m`.
//!
//! The tests named `real_server_*` need Debian's `pulseaudio` and
//! `pulseaudio-utils`: they start a private PulseAudio daemon with a null
//! sink on a private socket, run knotless against it and record the sink's
//! monitor. They are `#[ignore]`d so that `cargo test` passes on a fresh
//! machine; `.ci/run` runs them with `--ignored`, and there they fail (not
//! skip) when the server cannot start.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::pty::Pty;
use crate::support::{Home, NO_SERVER, Run, routine, stable};

/// `tests/fixtures/sound/<name>`.
fn fixture(name: &str) -> PathBuf {
    crate::support::fixture("sound", name)
}

/// knotless in `home`, run from the sound fixtures.
fn in_sound_fixtures(home: &Home) -> Command {
    let mut cmd = home.knotless();
    cmd.current_dir(fixture(""));
    cmd
}

#[test]
fn check_accepts_a_routine_that_chooses_its_sounds() {
    let home = Home::new();
    let mut cmd = in_sound_fixtures(&home);
    cmd.args(["check", "with-sounds.toml"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}{}", out.stdout, out.stderr);
}

#[test]
fn check_refuses_bad_sounds_at_their_line_and_column() {
    // Each file's report: where the bad sound is, and why.
    let mut files = vec![
        "missing-file.toml",
        "directory.toml",
        "not-regular.toml",
        "unknown-name.toml",
        "breath-tones-without-breath.toml",
    ];
    if cfg!(feature = "sound") {
        files.push("undecodable.toml");
    }
    let home = Home::new();
    for file in files {
        let mut cmd = in_sound_fixtures(&home);
        cmd.args(["check", file]);
        let out = cmd.run();
        assert_eq!(out.code, Some(1), "{file}: {}", out.stdout);
        let name = file.trim_end_matches(".toml");
        insta::assert_snapshot!(format!("check_{name}"), stable(&home, &out.stdout));
    }
}

#[test]
fn check_refuses_a_sound_file_over_10_mib() {
    let home = Home::new();
    let dir = home.root().join("routines");
    fs::create_dir_all(&dir).unwrap();
    let big = fs::File::create(dir.join("big.wav")).unwrap();
    big.set_len(10 * 1024 * 1024 + 1).unwrap();
    let big_routine = routine("Big").top("sound", "\"big.wav\"").rest("Rest", "5");
    fs::write(dir.join("big.toml"), big_routine.text()).unwrap();
    let mut cmd = in_sound_fixtures(&home);
    cmd.current_dir(&dir).args(["check", "big.toml"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert!(out.stdout.contains("big.toml:2:9"), "{}", out.stdout);
    assert!(out.stdout.contains("at most 10 MiB"), "{}", out.stdout);
}

#[test]
fn a_bad_sound_file_stops_a_run_before_the_session_starts() {
    let home = Home::new();
    let mut cmd = in_sound_fixtures(&home);
    cmd.args(["run", "missing-file.toml", "--plain"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("missing-file.toml:7:9"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("Step 1"), "{}", out.stdout);
}

#[cfg(feature = "sound")]
#[test]
fn a_plain_run_with_no_sound_server_finishes_and_says_why_once() {
    let home = Home::new();
    let mut cmd = in_sound_fixtures(&home);
    cmd.args(["run", "short.toml", "--plain", "--speed", "10"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("Finished"), "{}", out.stdout);
    // Status news goes to stderr, once; the session's lines stay on stdout.
    assert!(!out.stdout.contains("Sound off"), "{}", out.stdout);
    assert_eq!(
        out.stderr
            .matches("Sound off: no sound server found")
            .count(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn mute_and_volume_are_taken_and_checked() {
    let home = Home::new();
    let mut cmd = in_sound_fixtures(&home);
    cmd.args(["run", "short.toml", "--plain", "--speed", "10", "--mute"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(!out.stdout.contains("Sound off"), "muted: no output opened");
    let mut cmd = in_sound_fixtures(&home);
    cmd.args(["run", "short.toml", "--plain", "--volume", "140"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("from 0 to 100"), "{}", out.stderr);
}

#[test]
fn sounds_lists_every_sound_and_why_sound_is_off() {
    let home = Home::new();
    let mut cmd = in_sound_fixtures(&home);
    cmd.arg("sounds");
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    for name in ["bell", "chime", "breathe-in", "breathe-out", "tick", "end"] {
        assert!(out.stdout.contains(name), "{name}\n{}", out.stdout);
    }
    #[cfg(feature = "sound")]
    assert!(
        out.stdout.contains(
            "Sound is off: no sound server at /nonexistent/knotless-test/native (from PULSE_SERVER); start PulseAudio or PipeWire"
        ),
        "{}",
        out.stdout
    );
    #[cfg(not(feature = "sound"))]
    assert!(out.stdout.contains("built without sound"), "{}", out.stdout);
}

#[cfg(feature = "sound")]
#[test]
fn sounds_export_writes_wav_files_that_check_accepts() {
    let home = Home::new();
    let dir = home.root().join("exported");
    let mut cmd = in_sound_fixtures(&home);
    cmd.arg("sounds").arg("--export").arg(&dir);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    for name in ["bell", "chime", "breathe-in", "breathe-out", "tick", "end"] {
        let wav = fs::read(dir.join(format!("{name}.wav"))).unwrap();
        assert_eq!(&wav[..4], b"RIFF", "{name}");
        assert!(
            out.stdout.contains(&format!("{name}.wav")),
            "{}",
            out.stdout
        );
    }
    // A routine may use an exported file in place of a built-in sound.
    let mine = routine("Mine")
        .top("sound", "\"bell.wav\"")
        .rest("Rest", "5");
    fs::write(dir.join("mine.toml"), mine.text()).unwrap();
    let mut cmd = in_sound_fixtures(&home);
    cmd.current_dir(&dir).args(["check", "mine.toml"]);
    assert_eq!(cmd.run().code, Some(0));
}

#[test]
fn sounds_play_refuses_what_it_cannot_play() {
    let home = Home::new();
    let mut cmd = in_sound_fixtures(&home);
    cmd.args(["sounds", "play", "gong"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("no built-in sound called `gong`"),
        "{}",
        out.stderr
    );
    let mut cmd = in_sound_fixtures(&home);
    cmd.args(["sounds", "play", "bell"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(1), "no server: nothing can play");
    assert!(out.stderr.contains("no sound"), "{}", out.stderr);
}

/// Words that would mean an audio library printed over the screen.
const NOISE: &[&str] = &[
    "ALSA",
    "alsa",
    "rror",
    "audio stream",
    "Dropping",
    "pulse",
    "Pulse",
    "panic",
];

#[test]
fn with_no_sound_server_a_session_runs_to_the_end_and_says_so_once() {
    let routine = fixture("short.toml");
    let mut pty = Pty::spawn_with(
        &["run", routine.to_str().unwrap(), "--speed", "4"],
        &[("PULSE_SERVER", NO_SERVER)],
    );
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    if cfg!(feature = "sound") {
        pty.wait_for("Sound off: no sound server found");
    }
    pty.wait_for("Well done");
    let screen = pty.screen();
    // The silent twin has nothing to say.
    let once = usize::from(cfg!(feature = "sound"));
    assert_eq!(screen.matches("Sound off").count(), once, "{screen}");
    let everything = String::from_utf8_lossy(&pty.bytes()).into_owned();
    for word in NOISE {
        assert!(
            !everything.contains(word),
            "{word:?} reached the terminal:\n{screen}"
        );
    }
    pty.send("\r");
    assert_eq!(pty.finish(), 0);
}

#[test]
fn m_mutes_and_unmutes_at_once() {
    let routine = fixture("with-sounds.toml");
    let mut pty = Pty::spawn_with(&["run", routine.to_str().unwrap()], &[]);
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    pty.wait_for("Shoulder rolls");
    pty.send("m");
    pty.wait_for("Sound muted · m to unmute");
    pty.send("m");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pty.screen().contains("Sound muted") {
        assert!(std::time::Instant::now() < deadline, "still muted");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    pty.send("\x03");
    assert_eq!(pty.finish(), 130);
}

#[cfg(feature = "sound")]
pub mod real_server {
    //! Against a private PulseAudio daemon with a null sink.

    use std::io::{BufRead, BufReader, Read};
    use std::process::{Child, Command as Std, Stdio};

    use std::sync::{Arc, Mutex};
    use std::thread;
    use std::time::{Duration, Instant};
    use tempfile::TempDir;

    use super::*;

    const RATE: f64 = 48_000.0;

    /// Where each sound begins in a recording of the sink (48 kHz): a
    /// sample above -60 dBFS after at least 100 ms below it (bells and
    /// chimes fade to silence, with no gap inside).
    pub fn onsets(samples: &[f32]) -> Vec<usize> {
        const HEARD: f32 = 1e-3;
        let quiet = (0.1 * RATE) as usize;
        let mut found = Vec::new();
        let mut below = quiet;
        for (i, s) in samples.iter().enumerate() {
            if s.abs() > HEARD {
                if below >= quiet {
                    found.push(i);
                }
                below = 0;
            } else {
                below += 1;
            }
        }
        found
    }

    /// A PulseAudio daemon of our own: its socket, runtime directory and
    /// home in a temporary directory, a null sink `k` at 48 kHz float
    /// (so nothing is resampled and the recorded peak is the played one).
    pub struct PrivatePulse {
        dir: TempDir,
        /// Started in this order, stopped in the reverse one.
        children: Vec<Child>,
        /// The Pulse protocol socket.
        socket: PathBuf,
    }

    impl PrivatePulse {
        pub fn start() -> Self {
            // Short, for the socket path's length limit.
            let dir = tempfile::Builder::new()
                .prefix("kpa")
                .tempdir_in("/tmp")
                .unwrap();
            Self::start_in(dir)
        }

        /// Stop the daemon and start a new one on the same socket, as a
        /// user's sound server restarts.
        pub fn restart(&mut self) {
            self.stop();
            let _ = fs::remove_file(self.dir.path().join("native"));
            let placeholder = tempfile::tempdir().unwrap();
            let dir = std::mem::replace(&mut self.dir, placeholder);
            *self = Self::start_in(dir);
        }

        fn start_in(dir: TempDir) -> Self {
            let d = dir.path().display().to_string();
            let child = Std::new("pulseaudio")
                .args([
                    "-n",
                    "--daemonize=no",
                    "--system=false",
                    "--exit-idle-time=-1",
                    "--use-pid-file=no",
                    "--disallow-exit",
                    &format!("--log-target=file:{d}/log"),
                    "--load=module-null-sink sink_name=k rate=48000 format=float32le channels=2",
                    &format!(
                        "--load=module-native-protocol-unix socket={d}/native auth-anonymous=1"
                    ),
                ])
                .env("HOME", &d)
                .env("XDG_RUNTIME_DIR", &d)
                .env("PULSE_RUNTIME_PATH", &d)
                .env_remove("PULSE_SERVER")
                .env_remove("DBUS_SESSION_BUS_ADDRESS")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect(
                    "cannot start `pulseaudio`: install Debian's pulseaudio and pulseaudio-utils",
                );
            let socket = dir.path().join("native");
            let server = Self {
                dir,
                children: vec![child],
                socket,
            };
            server.wait_until(|out| out.is_some(), &["info"], &["log"]);
            server
        }

        /// PipeWire with its Pulse server, as Fedora, Ubuntu and most
        /// desktops run it: `pipewire`, the `wireplumber` session manager
        /// (which links streams to sinks; it needs a D-Bus session bus, so
        /// a private one), and `pipewire-pulse`, all on a runtime
        /// directory of their own. The null sink `k` is made through the
        /// Pulse protocol, like a user's `pactl load-module`, and made the
        /// default so knotless's stream goes to it.
        pub fn pipewire() -> Self {
            // A fresh PipeWire, its session manager and its Pulse server
            // sometimes lose their first connection while all three start
            // on a loaded machine ("Host is down"): started once more, from
            // nothing, before failing (never skipping) with the logs.
            let first = std::panic::catch_unwind(Self::start_pipewire);
            match first {
                Ok(server) => server,
                Err(_) => {
                    eprintln!("the private PipeWire did not come up; starting it once more");
                    Self::start_pipewire()
                }
            }
        }

        fn start_pipewire() -> Self {
            let dir = tempfile::Builder::new()
                .prefix("kpw")
                .tempdir_in("/tmp")
                .unwrap();
            let d = dir.path().to_path_buf();
            let spawn = |program: &str, args: &[String], log: &str| {
                let log = fs::File::create(d.join(log)).unwrap();
                Std::new(program)
                    .args(args)
                    .env("HOME", &d)
                    .env("XDG_RUNTIME_DIR", &d)
                    .env("XDG_CONFIG_HOME", d.join("config"))
                    .env("XDG_STATE_HOME", d.join("state"))
                    .env("XDG_DATA_HOME", d.join("share"))
                    .env(
                        "DBUS_SESSION_BUS_ADDRESS",
                        format!("unix:path={}/bus", d.display()),
                    )
                    .env_remove("PULSE_SERVER")
                    .env_remove("PIPEWIRE_REMOTE")
                    .env_remove("DISPLAY")
                    .stdin(Stdio::null())
                    .stdout(log.try_clone().unwrap())
                    .stderr(log)
                    .spawn()
                    .unwrap_or_else(|e| {
                        panic!(
                            "cannot start `{program}` ({e}): install Debian's pipewire, \
                             pipewire-pulse, wireplumber and dbus"
                        )
                    })
            };
            let bus = format!("--address=unix:path={}/bus", d.display());
            let mut children = vec![spawn(
                "dbus-daemon",
                &[
                    "--session".into(),
                    bus,
                    "--nofork".into(),
                    "--nopidfile".into(),
                ],
                "dbus.log",
            )];
            let deadline = Instant::now() + Duration::from_secs(10);
            while !d.join("bus").exists() {
                assert!(Instant::now() < deadline, "the private D-Bus did not start");
                thread::sleep(Duration::from_millis(10));
            }
            children.push(spawn("pipewire", &[], "pipewire.log"));
            // pipewire-pulse started before PipeWire listens gives up at
            // once ("Failed to connect to PipeWire"): wait for its socket.
            let deadline = Instant::now() + Duration::from_secs(10);
            while !d.join("pipewire-0").exists() {
                assert!(
                    Instant::now() < deadline,
                    "the private PipeWire did not listen"
                );
                thread::sleep(Duration::from_millis(10));
            }
            children.push(spawn("wireplumber", &[], "wireplumber.log"));
            children.push(spawn("pipewire-pulse", &[], "pipewire-pulse.log"));
            let server = Self {
                socket: d.join("pulse/native"),
                dir,
                children,
            };
            let logs = ["pipewire.log", "wireplumber.log", "pipewire-pulse.log"];
            let info = server.wait_until(|out| out.is_some(), &["info"], &logs);
            let info = info.unwrap_or_default();
            assert!(info.contains("on PipeWire"), "not PipeWire: {info}");
            server.wait_until(
                |out| out.is_some(),
                &[
                    "load-module",
                    "module-null-sink",
                    "sink_name=k",
                    "rate=48000",
                    "format=float32le",
                    "channels=2",
                ],
                &logs,
            );
            // The default is kept by wireplumber, which may still be
            // starting: asked again until it sticks.
            server.wait_until(
                |out| {
                    server.pactl(&["set-default-sink", "k"]);
                    out.is_some_and(|o| o.trim() == "k")
                },
                &["get-default-sink"],
                &logs,
            );
            server
        }

        /// `pactl ARGS` against this server: its output, `None` on failure.
        fn pactl(&self, args: &[&str]) -> Option<String> {
            let out = Std::new("pactl")
                .args(args)
                .env("PULSE_SERVER", self.server())
                .env("HOME", self.dir.path())
                .stderr(Stdio::null())
                .output()
                .expect("cannot run `pactl`: install Debian's pulseaudio-utils");
            out.status
                .success()
                .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
        }

        /// Run `pactl ARGS` until `done` says so, for up to 15 s; then fail
        /// (never skip) with the servers' logs.
        fn wait_until(
            &self,
            done: impl Fn(Option<String>) -> bool,
            args: &[&str],
            logs: &[&str],
        ) -> Option<String> {
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                let out = self.pactl(args);
                if done(out.clone()) {
                    return out;
                }
                let logs: String = logs
                    .iter()
                    .map(|l| fs::read_to_string(self.dir.path().join(l)).unwrap_or_default())
                    .collect();
                assert!(
                    Instant::now() < deadline,
                    "the private sound server did not get ready for `pactl {}`:\n{logs}",
                    args.join(" ")
                );
                thread::sleep(Duration::from_millis(50));
            }
        }

        pub fn server(&self) -> String {
            format!("unix:{}", self.socket.display())
        }

        pub fn stop(&mut self) {
            for child in self.children.iter_mut().rev() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    impl Drop for PrivatePulse {
        fn drop(&mut self) {
            self.stop();
        }
    }

    /// `parec` on the sink's monitor: one float sample per frame (the
    /// louder of the two channels), and when each chunk arrived, to tell
    /// when a sample was played. Recorded in stereo because servers
    /// downmix to mono differently: PulseAudio averages the channels,
    /// PipeWire keeps their power (+3 dB), which would read as a level
    /// knotless never played.
    pub struct Recorder {
        child: Child,
        samples: Arc<Mutex<Vec<f32>>>,
        /// (samples received so far, when).
        arrivals: Arc<Mutex<Vec<(usize, Instant)>>>,
        reader: Option<thread::JoinHandle<()>>,
    }

    impl Recorder {
        pub fn start(pulse: &PrivatePulse) -> Self {
            let mut child = Std::new("parec")
                .args([
                    "-d",
                    "k.monitor",
                    "--raw",
                    "--format=float32le",
                    "--rate=48000",
                    "--channels=2",
                    "--latency-msec=5",
                ])
                .env("PULSE_SERVER", pulse.server())
                .env("HOME", pulse.dir.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("cannot run `parec`: install Debian's pulseaudio-utils");
            let mut out = child.stdout.take().unwrap();
            let samples = Arc::new(Mutex::new(Vec::new()));
            let arrivals = Arc::new(Mutex::new(Vec::new()));
            let (s, a) = (samples.clone(), arrivals.clone());
            let reader = thread::spawn(move || {
                let mut buf = [0u8; 1024];
                let mut carry = Vec::new();
                while let Ok(n) = out.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let now = Instant::now();
                    carry.extend_from_slice(&buf[..n]);
                    let whole = carry.len() / 8 * 8;
                    let mut s = s.lock().unwrap();
                    for b in carry[..whole].chunks_exact(8) {
                        let l = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                        let r = f32::from_le_bytes([b[4], b[5], b[6], b[7]]);
                        s.push(if l.abs() >= r.abs() { l } else { r });
                    }
                    carry.drain(..whole);
                    a.lock().unwrap().push((s.len(), now));
                }
            });
            let rec = Self {
                child,
                samples,
                arrivals,
                reader: Some(reader),
            };
            // Recording for real before anything plays.
            let deadline = Instant::now() + Duration::from_secs(10);
            while rec.samples.lock().unwrap().len() < 4800 {
                assert!(Instant::now() < deadline, "parec recorded nothing");
                thread::sleep(Duration::from_millis(10));
            }
            rec
        }

        /// Stop; the samples, and when sample 0 was played (the earliest
        /// time consistent with every chunk's arrival).
        pub fn stop(mut self) -> (Vec<f32>, Instant) {
            let _ = self.child.kill();
            let _ = self.child.wait();
            if let Some(r) = self.reader.take() {
                let _ = r.join();
            }
            let arrivals = self.arrivals.lock().unwrap().clone();
            let start = arrivals
                .iter()
                .map(|&(n, at)| at - Duration::from_secs_f64(n as f64 / RATE))
                .min()
                .expect("samples");
            (self.samples.lock().unwrap().clone(), start)
        }
    }

    /// Run knotless in plain mode; each line with when it arrived.
    fn run_timed(mut cmd: std::process::Command) -> (Vec<(String, Instant)>, String, i32) {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run knotless");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut stderr = child.stderr.take().unwrap();
        let errors = thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let lines: Vec<(String, Instant)> = stdout
            .lines()
            .map_while(Result::ok)
            .map(|l| (l, Instant::now()))
            .collect();
        let status = child.wait().unwrap();
        (lines, errors.join().unwrap(), status.code().unwrap_or(-1))
    }

    fn knotless(home: &Home, pulse_server: &str, args: &[&str]) -> std::process::Command {
        let mut cmd = in_sound_fixtures(home);
        cmd.env("PULSE_SERVER", pulse_server).args(args);
        cmd
    }

    fn dbfs(x: f32) -> f64 {
        20.0 * f64::from(x).log10()
    }

    /// Where the sound that follows `started` begins in `samples` (the first
    /// sample above -60 dBFS), and its peak over `span` seconds.
    fn onset_and_peak(samples: &[f32], t0: Instant, started: Instant, span: f64) -> (usize, f32) {
        let from = (started.saturating_duration_since(t0).as_secs_f64() * RATE) as usize;
        let from = from.saturating_sub(4800);
        let onset = samples[from..]
            .iter()
            .position(|s| s.abs() > 1e-3)
            .map(|i| i + from)
            .expect("the bell never arrived");
        let end = (onset + (span * RATE) as usize).min(samples.len());
        let peak = samples[onset..end]
            .iter()
            .fold(0.0f32, |m, s| m.max(s.abs()));
        (onset, peak)
    }

    #[test]
    #[ignore = "needs pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_the_bell_arrives_soon_at_its_level() {
        the_bell_arrives_soon_at_its_level(PrivatePulse::start());
    }

    #[test]
    #[ignore = "needs pipewire, pipewire-pulse, wireplumber, dbus and pulseaudio-utils; .ci/run runs it"]
    fn real_server_pipewire_the_bell_arrives_soon_at_its_level() {
        the_bell_arrives_soon_at_its_level(PrivatePulse::pipewire());
    }

    fn the_bell_arrives_soon_at_its_level(pulse: PrivatePulse) {
        let rec = Recorder::start(&pulse);
        let home = Home::new();
        let cmd = knotless(
            &home,
            &pulse.server(),
            &["run", "two-steps.toml", "--plain", "--volume", "100"],
        );
        let (lines, stderr, code) = run_timed(cmd);
        let (samples, t0) = rec.stop();
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(stderr, "");
        assert!(
            !lines.iter().any(|(l, _)| l.contains("Sound off")),
            "{lines:?}"
        );
        let started: Vec<Instant> = lines
            .iter()
            .filter(|(l, _)| l.contains("] Step "))
            .map(|(_, at)| *at)
            .collect();
        assert_eq!(started.len(), 2, "{lines:?}");
        let finished = lines
            .iter()
            .find(|(l, _)| l.contains("Finished"))
            .map(|(_, at)| *at)
            .expect("the routine finished");
        let mut late = Vec::new();
        for (i, at) in started.iter().enumerate() {
            let (onset, peak) = onset_and_peak(&samples, t0, *at, 1.5);
            let heard = t0 + Duration::from_secs_f64(onset as f64 / RATE);
            let latency = heard.saturating_duration_since(*at);
            eprintln!(
                "bell of step {}: peak {:.2} dBFS, heard {:.1} ms after its step started",
                i + 1,
                dbfs(peak),
                latency.as_secs_f64() * 1000.0
            );
            assert!(
                (dbfs(peak) - -12.5).abs() < 0.5,
                "peak {:.2} dBFS",
                dbfs(peak)
            );
            assert!(dbfs(peak) <= -12.0);
            late.push(latency);
        }
        // The first bell plays into an output woken before the session
        // started (a plain run waits a moment for it); the second wakes an
        // output at rest. Both as prompt (tests/integration/first_bell.rs).
        assert!(late[0] < Duration::from_millis(120), "{late:?}");
        assert!(late[0] < late[1] + Duration::from_millis(100), "{late:?}");
        assert!(late[1] < Duration::from_millis(120), "{late:?}");
        let (onset, end_peak) = onset_and_peak(&samples, t0, finished, 6.0);
        // The third bell strikes 2.2 s in: heard only if knotless waited for
        // it before exiting.
        let third = onset + (2.2 * RATE) as usize;
        let third = samples[third..(third + 4800).min(samples.len())]
            .iter()
            .fold(0.0f32, |m, s| m.max(s.abs()));
        eprintln!(
            "end bells: peak {:.2} dBFS, third bell {:.2} dBFS",
            dbfs(end_peak),
            dbfs(third)
        );
        assert!((dbfs(end_peak) - -12.5).abs() < 0.5);
        assert!(
            dbfs(third) > -16.0,
            "the last bell was cut off at exit: {:.2} dBFS",
            dbfs(third)
        );
    }

    #[test]
    #[ignore = "needs pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_sounds_names_the_output_in_use() {
        sounds_and_doctor_name_the_server(PrivatePulse::start(), "pulseaudio");
    }

    #[test]
    #[ignore = "needs pipewire, pipewire-pulse, wireplumber, dbus and pulseaudio-utils; .ci/run runs it"]
    fn real_server_pipewire_sounds_names_the_output_in_use() {
        sounds_and_doctor_name_the_server(PrivatePulse::pipewire(), "PulseAudio (on PipeWire ");
    }

    /// `knotless sounds` and `knotless doctor` name the server by its own
    /// name and version, which begins with `name`; `sounds play` plays.
    fn sounds_and_doctor_name_the_server(pulse: PrivatePulse, name: &str) {
        let home = Home::new();
        let (lines, stderr, code) = run_timed(knotless(&home, &pulse.server(), &["sounds"]));
        assert_eq!(code, 0, "{stderr}");
        let text: Vec<&str> = lines.iter().map(|(l, _)| l.as_str()).collect();
        let text = text.join("\n");
        assert!(
            text.contains(&format!(
                "Output: PulseAudio protocol at {} ({name}",
                pulse.server()
            )),
            "{text}"
        );
        let (lines, stderr, code) = run_timed(knotless(&home, &pulse.server(), &["doctor"]));
        assert_eq!(code, 0, "{stderr}");
        let sound = lines
            .iter()
            .find(|(l, _)| l.contains(" sound "))
            .map(|(l, _)| l.as_str())
            .unwrap_or_default();
        assert!(
            sound.starts_with("ok") && sound.contains(&format!("({name}")),
            "{lines:?}"
        );
        let (_, stderr, code) = run_timed(knotless(
            &home,
            &pulse.server(),
            &["sounds", "play", "chime", "--volume", "10"],
        ));
        assert_eq!(code, 0, "{stderr}");
    }

    #[test]
    #[ignore = "needs pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_that_dies_mid_session_leaves_it_running() {
        a_server_that_dies_mid_session_leaves_it_running(PrivatePulse::start());
    }

    #[test]
    #[ignore = "needs pipewire, pipewire-pulse, wireplumber, dbus and pulseaudio-utils; .ci/run runs it"]
    fn real_server_pipewire_that_dies_mid_session_leaves_it_running() {
        a_server_that_dies_mid_session_leaves_it_running(PrivatePulse::pipewire());
    }

    fn a_server_that_dies_mid_session_leaves_it_running(mut pulse: PrivatePulse) {
        let home = Home::new();
        let dir = home.root().join("r");
        fs::create_dir_all(&dir).unwrap();
        let three = routine("Three").quick().rest("One", "2").rest("Two", "2");
        fs::write(dir.join("three.toml"), three.rest("Three", "2").text()).unwrap();
        let mut cmd = knotless(&home, &pulse.server(), &["run", "three.toml", "--plain"]);
        cmd.current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut seen = String::new();
        while !seen.contains("Step 1 of 3") {
            let mut line = String::new();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "{seen}");
            seen += &line;
        }
        thread::sleep(Duration::from_millis(500));
        pulse.stop();
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        seen += &rest;
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{seen}{stderr}");
        assert!(seen.contains("Finished: "), "{seen}");
        // The news goes to standard error, once, and nothing else does.
        assert_eq!(stderr, "Sound off: the sound server stopped answering\n");
        assert!(!seen.contains("Sound off"), "{seen}");
    }

    #[test]
    #[ignore = "needs pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_sound_comes_back_after_the_server_restarts() {
        let mut pulse = PrivatePulse::start();
        let home = Home::new();
        let dir = home.root().join("r");
        fs::create_dir_all(&dir).unwrap();
        let eight = (1..=8).fold(routine("Eight").quick(), |r, n| {
            r.rest(&format!("S{n}"), "2")
        });
        fs::write(dir.join("eight.toml"), eight.text()).unwrap();
        let mut cmd = knotless(&home, &pulse.server(), &["run", "eight.toml", "--plain"]);
        cmd.current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut seen = String::new();
        let mut read_until = |seen: &mut String, what: &str| {
            while !seen.contains(what) {
                let mut line = String::new();
                assert!(stdout.read_line(&mut line).unwrap() > 0, "{seen}");
                *seen += &line;
            }
        };
        read_until(&mut seen, "Step 2 of 8");
        // The server goes away while a step plays, and comes back.
        thread::sleep(Duration::from_millis(300));
        pulse.restart();
        read_until(&mut seen, "Finished: ");
        let mut news = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut news)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{seen}{news}");
        // The news goes to standard error: off, then back, once each.
        let off = news.find("Sound off: ").expect(&news);
        let back = news.find("Sound is back on").expect(&news);
        assert!(off < back, "{news}");
        assert_eq!(news.matches("Sound off: ").count(), 1, "{news}");
        drop(pulse);
    }

    /// With the `alsa` feature and no Pulse socket, sound goes through
    /// rodio's own playback (cpal, ALSA): here ALSA's pulse plugin carries
    /// it to the private server, so it can be recorded.
    #[cfg(feature = "alsa")]
    #[test]
    #[ignore = "needs pulseaudio, pulseaudio-utils and libasound2-plugins; .ci/run runs it"]
    fn real_server_alsa_plays_through_rodio() {
        let pulse = PrivatePulse::start();
        let rec = Recorder::start(&pulse);
        let home = Home::new();
        let alsa_home = home.root().join("home");
        fs::create_dir_all(&alsa_home).unwrap();
        let server = pulse.server();
        fs::write(
            alsa_home.join(".asoundrc"),
            format!(
                "pcm.!default {{ type pulse server \"{server}\" }}\nctl.!default {{ type pulse server \"{server}\" }}\n"
            ),
        )
        .unwrap();
        let mut cmd = knotless(
            &home,
            NO_SERVER,
            &["run", "two-steps.toml", "--plain", "--volume", "100"],
        );
        cmd.env("HOME", &alsa_home);
        let (lines, stderr, code) = run_timed(cmd);
        let (samples, t0) = rec.stop();
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(stderr, "", "nothing from ALSA or rodio on stderr");
        assert!(
            !lines.iter().any(|(l, _)| l.contains("Sound off")),
            "{lines:?}"
        );
        for (l, at) in lines.iter().filter(|(l, _)| l.contains("] Step ")) {
            let (onset, peak) = onset_and_peak(&samples, t0, *at, 1.5);
            let heard = t0 + Duration::from_secs_f64(onset as f64 / RATE);
            eprintln!(
                "ALSA through rodio, {}: peak {:.2} dBFS, heard {:.1} ms after its step started",
                &l[..l.find('(').unwrap_or(l.len())].trim(),
                dbfs(peak),
                heard.saturating_duration_since(*at).as_secs_f64() * 1000.0
            );
            assert!(
                dbfs(peak) <= -12.0 && dbfs(peak) > -14.0,
                "{:.2}",
                dbfs(peak)
            );
        }
    }
}
