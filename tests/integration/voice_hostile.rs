//! The hostile harness for voice: damaged voice caches and engines that
//! misbehave (slow, hanging, lying, streaming, truncating, leaving children
//! behind, a routine's words as shell code). Each engine is a small shell
//! script. Every case runs the binary and asserts what the user sees, how
//! long it took and the most memory it held (wait4's peak RSS).

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use knotless::voice::{Cache, CommandTemplate, Search, Speaking, audio};

use super::{home, knotless};
use crate::support::{Home, Out};

/// The most memory any case may hold: a debug build's baseline is about
/// 10 MB; a file read whole or a stream kept would show here.
const MEMORY_LIMIT_KB: i64 = 64 * 1024;

/// Run `cmd` to its end (killed past `limit`): what it printed, how long
/// it took, and its peak resident memory in KB (sampled every 5 ms).
fn measured(cmd: &mut Command, limit: Duration) -> (Out, Duration, i64) {
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run knotless");
    let pipe = |mut p: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut b = Vec::new();
            let _ = p.read_to_end(&mut b);
            b
        })
    };
    let stdout = pipe(Box::new(child.stdout.take().unwrap()));
    let stderr = pipe(Box::new(child.stderr.take().unwrap()));
    let pid = child.id() as libc::pid_t;
    let mut rss = 0;
    let status = loop {
        // The high-water mark of the program's own memory (wait4's peak
        // would count the test process it was forked from).
        rss = hwm(pid).unwrap_or(rss).max(rss);
        if let Some(status) = child.try_wait().expect("wait for knotless") {
            break status;
        }
        if started.elapsed() > limit {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("still running after {limit:?}");
        }
        thread::sleep(Duration::from_millis(5));
    };
    let took = started.elapsed();
    let (raw_stdout, raw_stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    let out = Out {
        code: status.code(),
        stdout: String::from_utf8_lossy(&raw_stdout).into_owned(),
        stderr: String::from_utf8_lossy(&raw_stderr).into_owned(),
        raw_stdout,
        raw_stderr,
    };
    (out, took, rss)
}

/// `VmHWM` of a running process, in KB.
fn hwm(pid: libc::pid_t) -> Option<i64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `secs` of a tone, 16-bit mono at 16 kHz.
fn tone(secs: f64) -> Vec<u8> {
    let n = (secs * 16_000.0) as u32;
    let mut wav = crate::support::wav_header(1, 1, 16_000, 16, n * 2);
    for i in 0..n {
        let s = ((i as f32 * 0.1).sin() * 8000.0) as i16;
        wav.extend_from_slice(&s.to_le_bytes());
    }
    wav
}

/// A fake engine in the home's `bin`: `body` is shell run with the WAV
/// path in `$1` and the words on stdin; every call notes its words in
/// `said` and its pid in `pids`. Named in the settings as the command.
fn engine(home: &Home, body: &str) -> PathBuf {
    fs::write(home.path("tone.wav"), tone(2.5)).unwrap();
    fs::write(home.path("short.wav"), tone(0.05)).unwrap();
    let path = home.path("bin/tts");
    let script = format!(
        "#!/bin/sh\nwords=$(/bin/cat)\necho \"$words\" >> '{said}'\necho $$ >> '{pids}'\n{body}\n",
        said = home.path("said").display(),
        pids = home.path("pids").display(),
    );
    fs::write(&path, script).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    home.settings(&format!(
        "[voice]\ncommand = \"{} {{wav}}\"\n",
        path.display()
    ));
    path
}

fn said(home: &Home) -> Vec<String> {
    fs::read_to_string(home.path("said"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Gone, or a zombie nobody reaped (both mean killed).
fn dead(pid: i32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|r| r.trim_start().starts_with('Z')),
    }
}

fn pids(home: &Home, file: &str) -> Vec<i32> {
    fs::read_to_string(home.path(file))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

/// A routine of two spoken steps.
const ROUTINE: &str = "name = \"Two\"\n[defaults]\ntransition = \"0s\"\n\
    [[steps]]\nkind = \"rest\"\ntitle = \"Let your shoulders drop\"\nduration = \"3s\"\n\
    [[steps]]\nkind = \"rest\"\ntitle = \"Rest with your eyes closed\"\nduration = \"3s\"\n";

fn export(home: &Home, dir: &str) -> (Out, Duration, i64) {
    home.write("two.toml", ROUTINE);
    let mut cmd = knotless(home);
    cmd.args(["voice", "--export", "two.toml"])
        .arg(home.path(dir));
    measured(&mut cmd, Duration::from_secs(60))
}

/// No speech file is kept in the cache (a refused render leaves nothing).
fn cache_files(home: &Home) -> Vec<PathBuf> {
    fs::read_dir(home.cache().join("voice"))
        .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

fn within(what: &str, took: Duration, most: Duration, rss: i64) {
    eprintln!(
        "{what}: {:.2} s, {} MB peak",
        took.as_secs_f64(),
        rss / 1024
    );
    assert!(took < most, "{what}: took {took:?}");
    assert!(rss < MEMORY_LIMIT_KB, "{what}: {rss} KB");
}

/// The damaged shapes a cache file can take, by name.
fn damaged(path: &Path, kind: &str, elsewhere: &Path) {
    let good = tone(1.5);
    let write = |b: &[u8]| fs::write(path, b).unwrap();
    match kind {
        "empty" => write(b""),
        "header only" => write(&good[..44]),
        "cut short" => write(&good[..good.len() / 3]),
        "text" => write(b"this is not sound at all\n"),
        "not wave" => {
            let mut b = good.clone();
            b[8..12].copy_from_slice(b"AVI ");
            write(&b);
        }
        "mp3 inside" => {
            let mut b = crate::support::wav_header(0x55, 1, 16_000, 16, 4000);
            b.extend(std::iter::repeat_n(0xAAu8, 4000));
            write(&b);
        }
        "lying layout" => {
            let mut b = good.clone();
            b[22] = 7;
            write(&b);
        }
        "silence" => {
            let mut b = good.clone();
            b[44..].fill(0);
            write(&b);
        }
        "half a sample" => {
            let mut b = crate::support::wav_header(1, 1, 16_000, 16, 3);
            b.extend_from_slice(&[1, 2, 3]);
            write(&b);
        }
        "too short for its words" => write(&tone(0.05)),
        "huge" => {
            let f = fs::File::create(path).unwrap();
            f.set_len(40 * 1024 * 1024).unwrap();
        }
        "directory" => {
            fs::create_dir_all(path.join("inside")).unwrap();
        }
        "fifo" => {
            let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: mkfifo with a valid C string.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        }
        "link" => {
            fs::write(elsewhere, &good).unwrap();
            std::os::unix::fs::symlink(elsewhere, path).unwrap();
        }
        other => panic!("no such damage: {other}"),
    }
}

#[test]
fn a_damaged_voice_cache_file_is_removed_and_rendered_again_in_every_shape() {
    let kinds = [
        "empty",
        "header only",
        "cut short",
        "text",
        "not wave",
        "mp3 inside",
        "lying layout",
        "silence",
        "half a sample",
        "too short for its words",
        "huge",
        "directory",
        "fifo",
        "link",
    ];
    for kind in kinds {
        let home = home();
        let program = engine(
            &home,
            "/bin/cp '{tone}' \"$1\""
                .replace("{tone}", &home.path("tone.wav").display().to_string())
                .as_str(),
        );
        let (out, _, _) = export(&home, "first");
        assert!(out.success(), "{kind}: {}", out.stderr);
        let first = said(&home);
        let text = first[0].clone();
        // The cache file of the first prompt, damaged.
        let line = format!("{} {{wav}}", program.display());
        let search = Search {
            command: Some(CommandTemplate::parse(&line).unwrap()),
            path: Some(home.path("bin").into_os_string()),
            ..Search::default()
        };
        let engine = search.find().unwrap();
        let how = Speaking {
            name: None,
            rate: 160,
        };
        let cache = Cache::open(&home.cache()).unwrap();
        let path = cache.path(&engine, &how, &text);
        assert!(
            path.is_file(),
            "{kind}: the cache file is where the key says"
        );
        fs::remove_file(&path).unwrap();
        damaged(&path, kind, &home.path("elsewhere.wav"));
        let (out, took, rss) = export(&home, "second");
        assert!(out.success(), "{kind}: {}", out.stderr);
        within(kind, took, Duration::from_secs(10), rss);
        // Rendered again, that prompt alone; the cache holds a good file.
        let again = said(&home);
        assert_eq!(again.len(), first.len() + 1, "{kind}: {again:?}");
        assert_eq!(again.last(), Some(&text), "{kind}");
        assert!(
            audio::check(&path).is_ok(),
            "{kind}: {:?}",
            audio::check(&path)
        );
        assert!(audio::check(&home.path("second/001.wav")).is_ok(), "{kind}");
        if kind == "link" {
            assert_eq!(fs::read(home.path("elsewhere.wav")).unwrap(), tone(1.5));
        }
    }
}

/// Engines that write what must never be kept: each export fails saying
/// why, in bounded time and memory, and the cache keeps nothing.
#[test]
fn hostile_engines_that_lie_stream_or_truncate_are_refused_and_nothing_is_cached() {
    let cases: [(&str, String, &str); 5] = [
        (
            "a valid header over undecodable data",
            String::from(
                "printf 'RIFF\\044\\372\\000\\000WAVEfmt \\020\\000\\000\\000\\125\\000\\001\\000\\200\\076\\000\\000\\000\\175\\000\\000\\002\\000\\020\\000data\\000\\372\\000\\000' > \"$1\"; /usr/bin/head -c 64000 /dev/urandom >> \"$1\"",
            ),
            "cannot be played: an encoding the player cannot read",
        ),
        (
            "endless output",
            "/bin/cat /dev/zero > \"$1\"".into(),
            "wrote over 16 MB and was stopped",
        ),
        (
            "cut short on a full disk, exit 0",
            "/usr/bin/head -c 20000 '{tone}' > \"$1\"".into(),
            "cut short",
        ),
        (
            "a mended header over a few milliseconds",
            "/bin/cp '{short}' \"$1\"".into(),
            "cannot be played: 0.0 s of sound for words that take about 1.5 s",
        ),
        ("nothing written", "true".into(), "no file"),
    ];
    for (what, body, says) in cases {
        let home = home();
        let body = body
            .replace("{tone}", &home.path("tone.wav").display().to_string())
            .replace("{short}", &home.path("short.wav").display().to_string());
        engine(&home, &body);
        let (out, took, rss) = export(&home, "out");
        assert_eq!(out.code, Some(1), "{what}: {}", out.stdout);
        assert!(out.stderr.contains(says), "{what}: {}", out.stderr);
        within(what, took, Duration::from_secs(15), rss);
        assert_eq!(cache_files(&home), Vec::<PathBuf>::new(), "{what}");
        assert!(!home.path("out/001.wav").exists(), "{what}");
    }
}

#[test]
fn hostile_engine_children_are_killed_after_success_and_words_are_never_code() {
    let home = home();
    let tone = home.path("tone.wav");
    // It leaves a child behind, and says the words through a shell the
    // safe way: as "$1", never spliced.
    engine(
        &home,
        &format!(
            "/bin/sleep 300 & echo $! >> '{}'\n/bin/cp '{}' \"$1\"",
            home.path("children").display(),
            tone.display()
        ),
    );
    home.write(
        "evil.toml",
        "name = \"Evil\"\n[[steps]]\nkind = \"rest\"\ntitle = \"$(touch pwned) `touch pwned2`\"\nduration = \"3s\"\n",
    );
    let mut cmd = knotless(&home);
    cmd.args(["voice", "--export", "evil.toml"])
        .arg(home.path("out"));
    let (out, took, rss) = measured(&mut cmd, Duration::from_secs(30));
    assert!(out.success(), "{}", out.stderr);
    within("a child left behind", took, Duration::from_secs(10), rss);
    let children = pids(&home, "children");
    assert!(!children.is_empty());
    for pid in children {
        assert!(dead(pid), "the engine's child {pid} is still running");
    }
    assert!(!home.path("pwned").exists() && !home.root().join("pwned2").exists());
    // A command with {text} inside a shell string is refused when read.
    home.settings("[voice]\ncommand = \"sh -c 'tts {text} > {wav}'\"\n");
    let mut cmd = knotless(&home);
    cmd.arg("config");
    let out = crate::support::Run::run(&mut cmd);
    assert_eq!(out.code, Some(1));
    assert!(out.stdout.contains("config.toml:2:11"), "{}", out.stdout);
    assert!(
        out.stdout.contains("{text} sits inside quotes"),
        "{}",
        out.stdout
    );
}

/// `voice say` and `--export` interrupted while the engine hangs: the
/// engine and all it started are gone within a second, and knotless
/// leaves with the signal's status.
#[test]
fn hostile_engine_hanging_under_an_interrupted_say_or_export_is_killed() {
    for args in [
        &["voice", "say", "Hello there"][..],
        &["voice", "--export", "two.toml", "out"],
    ] {
        let home = home();
        home.write("two.toml", ROUTINE);
        engine(
            &home,
            &format!(
                "/bin/sleep 300 & echo $! >> '{}'\n/bin/sleep 300",
                home.path("children").display()
            ),
        );
        let mut cmd = knotless(&home);
        cmd.args(args).current_dir(home.root());
        let mut child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while pids(&home, "children").is_empty() {
            assert!(Instant::now() < deadline, "the engine never started");
            thread::sleep(Duration::from_millis(10));
        }
        let sent = Instant::now();
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
        let status = child.wait().unwrap();
        let took = sent.elapsed();
        eprintln!("{args:?} interrupted: left in {took:?}");
        assert_eq!(status.code(), Some(128 + libc::SIGINT), "{args:?}");
        assert!(took < Duration::from_secs(2), "{took:?}");
        thread::sleep(Duration::from_millis(50));
        for pid in pids(&home, "pids")
            .into_iter()
            .chain(pids(&home, "children"))
        {
            assert!(dead(pid), "{args:?}: {pid} is still running");
        }
    }
}

/// A session with an engine that takes 1.5 s a prompt at `--speed 10`:
/// prompts come before their audio, and the status line says so, once.
/// One that hangs is given up on after the first time limit, saying why.
/// (The silent build never runs an engine in a session.)
#[cfg(feature = "sound")]
#[test]
fn hostile_engine_slow_or_hanging_in_a_session_is_told_on_the_status_line() {
    let home = home();
    engine(
        &home,
        &format!(
            "/bin/sleep 1.5\n/bin/cp '{}' \"$1\"",
            home.path("tone.wav").display()
        ),
    );
    home.write("two.toml", ROUTINE);
    let mut cmd = knotless(&home);
    cmd.args([
        "run", "two.toml", "--plain", "--voice", "--mute", "--speed", "10",
    ]);
    let (out, took, rss) = measured(&mut cmd, Duration::from_secs(60));
    assert!(out.success(), "{}", out.stderr);
    within("slow engine", took, Duration::from_secs(20), rss);
    assert_eq!(
        out.stderr
            .matches("Voice: prompts skipped, the engine is slow")
            .count(),
        1,
        "{}",
        out.stderr
    );

    let home = self::super::home();
    engine(&home, "/bin/sleep 300");
    home.write(
        "long.toml",
        "name = \"Long\"\n[defaults]\ntransition = \"0s\"\n[[steps]]\nkind = \"rest\"\ntitle = \"Rest\"\nduration = \"13s\"\n",
    );
    let mut cmd = knotless(&home);
    cmd.args(["run", "long.toml", "--plain", "--voice", "--mute"]);
    let (out, took, rss) = measured(&mut cmd, Duration::from_secs(60));
    assert!(out.success(), "{}", out.stderr);
    within("hanging engine", took, Duration::from_secs(30), rss);
    assert!(
        out.stderr
            .contains("Voice off: the speech engine failed: took over 10.0 s and was stopped"),
        "{}",
        out.stderr
    );
    for pid in pids(&home, "pids") {
        assert!(dead(pid), "engine {pid} still running");
    }
}

/// espeak-ng sets up a PulseAudio client even when writing a file, and
/// that asks for a 64 MB shared-memory file: past the engine's file-size
/// limit that must fail quietly (the library falls back), not kill it.
#[test]
fn hostile_an_engine_asking_for_a_large_file_it_never_writes_still_speaks() {
    let home = home();
    engine(
        &home,
        &format!(
            "/usr/bin/truncate -s 64M '{}'\n[ $? -lt 128 ] && /bin/cp '{}' \"$1\"",
            home.path("shm").display(),
            home.path("tone.wav").display()
        ),
    );
    let (out, took, rss) = export(&home, "out");
    assert!(out.success(), "{}", out.stderr);
    within("a 64 MB pool asked for", took, Duration::from_secs(10), rss);
    assert!(audio::check(&home.path("out/001.wav")).is_ok());
}
