//! Hostile files as a user (or a shared repository) might hand them over:
//! each case from issue 11 that the command line shows, checked by what a
//! user sees: output size, exit status, files left untouched.

use std::fs;
use std::os::unix::fs::symlink;
#[cfg(all(feature = "sound", target_os = "linux"))]
use std::path::PathBuf;

use crate::support::{Home, Run};

/// `x = {a,a,a,...}` on one line: thousands of errors, each on the same
/// very long line.
fn one_long_line(pairs: usize) -> String {
    format!("x = {{{}}}\n", "a,".repeat(pairs))
}

#[test]
fn a_file_with_thousands_of_errors_on_one_long_line_gives_a_short_report() {
    let home = Home::new();
    let file = home.path("wide.toml");
    fs::write(&file, one_long_line(50_000)).unwrap();
    let out = home.knotless().arg("check").arg(&file).run();
    assert_eq!(out.code, Some(1));
    let stdout = out.stdout;
    // Was 152 MB for a tenth of this file.
    assert!(stdout.len() < 16 * 1024, "{} bytes", stdout.len());
    assert!(stdout.contains("wide.toml:1:"), "{stdout}");
    assert!(
        stdout.contains("more problems in this file not shown"),
        "{stdout}"
    );
}

#[test]
fn a_broken_file_never_hides_the_report_on_the_others() {
    let home = Home::new();
    let routines = home.config().join("routines");
    fs::create_dir_all(&routines).unwrap();
    fs::write(routines.join("a-wide.toml"), one_long_line(50_000)).unwrap();
    fs::write(
        routines.join("b-typo.toml"),
        "name = \"x\"\nsumary = \"y\"\n",
    )
    .unwrap();
    let out = home.knotless().arg("check").run();
    let stdout = out.stdout;
    assert!(stdout.len() < 32 * 1024, "{} bytes", stdout.len());
    assert!(stdout.contains("did you mean `summary`?"), "{stdout}");
    // The same file as settings: every session reads it.
    fs::write(home.config().join("config.toml"), one_long_line(50_000)).unwrap();
    let out = home.knotless().arg("config").run();
    assert!(
        out.raw_stdout.len() < 16 * 1024,
        "{} bytes",
        out.raw_stdout.len()
    );
}

#[test]
fn check_json_gives_every_diagnostic_with_its_place() {
    let home = Home::new();
    let file = home.path("typo.toml");
    fs::write(
        &file,
        "name = \"x\"\nsumary = \"y\"\n[[steps]]\nkind = \"kneading\"\n",
    )
    .unwrap();
    let out = home.knotless().args(["check", "--json"]).arg(&file).run();
    assert_eq!(out.code, Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.raw_stdout).unwrap();
    assert_eq!(doc["clean"], false);
    let diagnostics = doc["problems"].as_array().unwrap();
    let typo = diagnostics
        .iter()
        .find(|d| d["message"] == "unknown key `sumary`")
        .unwrap();
    assert_eq!(
        (typo["line"].as_u64(), typo["column"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(typo["severity"], "error");
    assert!(typo["help"].as_str().unwrap().contains("summary"));
    assert!(typo["file"].as_str().unwrap().ends_with("typo.toml"));
    let fine = home.knotless().args(["check", "--json"]).run();
    assert!(fine.success());
    let doc: serde_json::Value = serde_json::from_slice(&fine.raw_stdout).unwrap();
    assert_eq!(
        (doc["clean"].as_bool(), doc["errors"].as_u64()),
        (Some(true), Some(0))
    );
}

#[test]
fn one_wrong_setting_leaves_the_others_in_force() {
    let home = Home::new();
    let mine = home.path("mine");
    fs::create_dir_all(&mine).unwrap();
    fs::copy("routines/desk-break.toml", mine.join("my-break.toml")).unwrap();
    fs::create_dir_all(home.config()).unwrap();
    fs::write(
        home.config().join("config.toml"),
        format!(
            "[sound]\nvolume = 101\n[routines]\ndirs = [\"{}\"]\n",
            mine.display()
        ),
    )
    .unwrap();
    let out = home.knotless().arg("list").run();
    assert!(out.stdout.contains("my-break"), "{}", out.stdout);
    let out = home.knotless().arg("config").run();
    let stdout = out.stdout;
    assert_eq!(out.code, Some(1));
    assert!(stdout.contains("from 0 to 100"), "{stdout}");
    assert!(stdout.contains("volume = 70"), "{stdout}");
}

#[test]
fn new_never_writes_through_a_schema_link() {
    let home = Home::new();
    let routines = home.config().join("routines");
    fs::create_dir_all(&routines).unwrap();
    let precious = home.path("precious.txt");
    fs::write(&precious, "keep me").unwrap();
    symlink(&precious, routines.join("routine.schema.json")).unwrap();
    let out = home.knotless().args(["new", "Evening neck"]).run();
    assert!(out.success(), "{}", out.stderr);
    assert!(routines.join("evening-neck.toml").is_file());
    assert_eq!(fs::read_to_string(&precious).unwrap(), "keep me");
    // A link where the routine would go: refused, its target never made.
    let target = home.path("elsewhere.toml");
    symlink(&target, routines.join("second.toml")).unwrap();
    let out = home.knotless().args(["new", "Second"]).run();
    assert!(!out.success());
    assert!(!target.exists());
}

#[test]
fn config_init_never_follows_a_dangling_link() {
    let home = Home::new();
    fs::create_dir_all(home.config()).unwrap();
    let target = home.path("made-by-knotless.toml");
    symlink(&target, home.config().join("config.toml")).unwrap();
    let out = home.knotless().args(["config", "--init"]).run();
    assert!(!out.success());
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert!(!target.exists());
}

#[cfg(feature = "sound")]
#[test]
fn sounds_export_never_writes_through_a_link() {
    let home = Home::new();
    let dir = home.path("export");
    fs::create_dir_all(&dir).unwrap();
    let precious = home.path("precious.txt");
    fs::write(&precious, "keep me").unwrap();
    symlink(&precious, dir.join("bell.wav")).unwrap();
    let out = home.knotless().args(["sounds", "--export"]).arg(&dir).run();
    assert!(!out.success());
    assert!(out.stderr.contains("symbolic link"), "{}", out.stderr);
    assert_eq!(fs::read_to_string(&precious).unwrap(), "keep me");
}

/// A finished line of history, as knotless writes it.
const LINE: &str = r#"{"v":1,"started":"2026-03-10T07:30:00+01:00","routine_id":"r","routine_name":"R","planned_seconds":60,"practised_seconds":60,"outcome":"finished","steps":1,"steps_done":1}"#;

#[test]
fn a_full_disk_leaves_the_history_as_it_was() {
    use std::os::unix::process::CommandExt;
    let home = Home::new();
    let data = home.path("data");
    fs::create_dir_all(&data).unwrap();
    let history = home.own_history();
    let before = format!("{LINE}\n").repeat(20);
    fs::write(&history, &before).unwrap();
    // The file may grow by 40 bytes only: the record is cut off part way,
    // as on a full disk.
    let limit = (before.len() + 40) as libc::rlim_t;
    let mut cmd = home.knotless();
    cmd.args(["run", "breathe-5", "--plain", "--speed", "100"]);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let rl = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            libc::setrlimit(libc::RLIMIT_FSIZE, &rl);
            Ok(())
        });
    }
    let out = cmd.run();
    // Said in the plain output, where the rest of the session is.
    let said = out.stdout + &out.stderr;
    assert!(said.contains("the file is as it was"), "{said}");
    assert_eq!(fs::read_to_string(&history).unwrap(), before);
    let out = home.knotless().arg("history").run();
    assert!(out.success());
    assert!(!out.stdout.contains("crash"), "{}", out.stdout);
    assert!(!out.stderr.contains("crash"), "{}", out.stderr);
}

#[test]
fn a_pipe_as_the_history_file_is_refused_without_waiting() {
    let home = Home::new();
    let data = home.path("data");
    fs::create_dir_all(&data).unwrap();
    let fifo = std::ffi::CString::new(home.own_history().to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    // Reading never opens it (it would wait for a writer for ever).
    let out = home
        .knotless()
        .arg("history")
        .run_within(std::time::Duration::from_secs(10));
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = home
        .knotless()
        .args(["run", "breathe-5", "--plain", "--speed", "100"])
        .run_within(std::time::Duration::from_secs(30));
    let said = out.stdout + &out.stderr;
    assert!(said.contains("not a regular file"), "{said}");
    assert!(!said.contains("Invalid argument"));
}

#[cfg(feature = "sound")]
#[test]
fn a_sound_file_that_claims_too_much_is_refused_by_check() {
    let home = Home::new();
    let out = home
        .knotless()
        .args(["check", "tests/fixtures/sound/lying-flac.toml"])
        .run();
    let stdout = out.stdout;
    assert_eq!(out.code, Some(1), "{stdout}");
    assert!(stdout.contains("8 channels at 655350 Hz"), "{stdout}");
    assert!(stdout.contains("lying-flac.toml:6:9"), "{stdout}");
}

/// A sound server whose queue of waiting clients is full: it never
/// accepts, so a plain `connect` to it waits for ever. Keep both the
/// listener and the waiting clients alive for as long as it should stay
/// wedged.
#[cfg(all(feature = "sound", target_os = "linux"))]
fn wedged_server(
    dir: &std::path::Path,
) -> (
    std::os::unix::net::UnixListener,
    Vec<std::os::fd::OwnedFd>,
    PathBuf,
) {
    use std::os::fd::FromRawFd;
    use std::os::unix::ffi::OsStrExt;
    let path = dir.join("native");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let mut waiting = Vec::new();
    loop {
        // SAFETY: plain system calls; the descriptor is owned at once.
        let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_NONBLOCK, 0) };
        assert!(fd >= 0);
        let owned = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
        let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
        addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
        for (to, &from) in addr.sun_path.iter_mut().zip(path.as_os_str().as_bytes()) {
            *to = from as libc::c_char;
        }
        let rc = unsafe {
            libc::connect(
                fd,
                (&raw const addr).cast(),
                std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t,
            )
        };
        if rc != 0 {
            break;
        }
        waiting.push(owned);
        assert!(waiting.len() < 10_000, "the queue never filled");
    }
    (listener, waiting, path)
}

#[cfg(all(feature = "sound", target_os = "linux"))]
#[test]
fn a_wedged_sound_server_neither_hangs_nor_slows_anything() {
    use std::time::{Duration, Instant};
    let home = Home::new();
    let (_server, _waiting, socket) = wedged_server(home.root());
    let server = format!("unix:{}", socket.display());
    let start = Instant::now();
    let out = home
        .knotless()
        .env("PULSE_SERVER", &server)
        .arg("sounds")
        .run_within(Duration::from_secs(20));
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    let stdout = out.stdout;
    assert!(stdout.contains("did not answer in time"), "{stdout}");

    let short = home.write(
        "short.toml",
        crate::support::routine("Short")
            .quick()
            .rest("One", "2s")
            .rest("Two", "1s")
            .text(),
    );
    let start = Instant::now();
    let out = home
        .knotless()
        .env("PULSE_SERVER", &server)
        .args(["run", "--plain"])
        .arg(&short)
        .run_within(Duration::from_secs(30));
    let took = start.elapsed();
    let success = out.success();
    let stdout = out.stdout;
    assert!(success, "{stdout}");
    // A 3-second routine: was 7.5 s with a wedged server.
    assert!(took < Duration::from_millis(4500), "{took:?}");
    assert!(
        out.stderr
            .contains("Sound off: the sound server did not answer"),
        "{}",
        out.stderr
    );
}

/// Now minus `minutes`, as a history line writes it.
fn minutes_ago(minutes: i64) -> String {
    let at = jiff::Zoned::now()
        .checked_sub(jiff::SignedDuration::from_mins(minutes))
        .unwrap();
    at.timestamp().display_with_offset(at.offset()).to_string()
}

/// A `daily-back` session stopped at step 6 a few minutes ago, with
/// `extra` fields on its line.
fn stopped_daily_back(home: &Home, extra: &str) {
    home.write(
        "data/history-ci.jsonl",
        format!(
            "{{\"v\":1,\"started\":\"{}\",\"routine_id\":\"daily-back\",\"routine_name\":\"Daily back reset\",\"planned_seconds\":729,\"practised_seconds\":120,\"outcome\":\"stopped\",\"steps\":10,\"steps_done\":5,\"stopped_at_step\":5{extra}}}\n",
            minutes_ago(10)
        ),
    );
}

#[test]
fn a_tampered_fitted_minutes_is_blamed_on_the_history_line() {
    let home = Home::new();
    stopped_daily_back(&home, ",\"fitted_minutes\":0,\"written_seconds\":729");
    let out = home
        .knotless()
        .args(["run", "daily-back", "--resume", "--plain"])
        .run();
    assert_eq!(out.code, Some(1));
    // Was "0 minutes is not a length knotless fits to", about minutes the
    // user never typed.
    assert!(
        out.stderr
            .contains("the history line of the stopped session says it was fitted to 0 minutes"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("--resume --minutes N"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_routine_edited_since_it_stopped_is_not_continued_in_silence() {
    let home = Home::new();
    // Steps as many as now, but not the ones that ran.
    stopped_daily_back(&home, ",\"steps_fingerprint\":\"0123456789abcdef\"");
    let out = home
        .knotless()
        .args(["run", "daily-back", "--resume", "--plain"])
        .run();
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("it was edited since its session stopped"),
        "{}",
        out.stderr
    );
}

#[test]
fn of_two_resumes_at_once_one_continues() {
    let home = Home::new();
    stopped_daily_back(&home, "");
    let mut first = home
        .knotless()
        .args(["run", "daily-back", "--resume", "--plain"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Once it says it continues, it holds its claim.
    let mut said = Vec::new();
    let mut stdout = first.stdout.take().unwrap();
    let mut buf = [0u8; 256];
    while !String::from_utf8_lossy(&said).contains("Continuing from step 6") {
        let n = std::io::Read::read(&mut stdout, &mut buf).unwrap();
        assert!(n > 0, "{}", String::from_utf8_lossy(&said));
        said.extend_from_slice(&buf[..n]);
    }
    let second = home
        .knotless()
        .args(["run", "daily-back", "--resume", "--plain"])
        .run();
    let _ = first.kill();
    let _ = first.wait();
    // Was: both continued, and both wrote a line continuing it.
    assert_eq!(second.code, Some(1), "{}", second.stdout);
    assert!(
        second
            .stderr
            .contains("already being continued by another knotless"),
        "{}",
        second.stderr
    );
}

#[test]
fn a_dumb_terminal_gets_plain_lines_without_colour() {
    let home = Home::new();
    let r = home.routine(
        "tiny",
        &crate::support::routine("Tiny")
            .quick()
            .rest("Rest", "1s")
            .text(),
    );
    for term in ["dumb", "no-such-terminal"] {
        let pty = crate::pty::Pty::start(&home, &["run", r.to_str().unwrap()], &[("TERM", term)]);
        pty.wait_for("Finished:");
        let bytes = pty.bytes();
        // Was the full screen: the alternate screen, cursor moves, colour.
        assert!(
            !bytes.windows(2).any(|w| w == b"\x1b["),
            "{term}: {:?}",
            String::from_utf8_lossy(&bytes)
        );
        assert!(pty.screen().contains("Rest"), "{term}: {}", pty.screen());
    }
    let pty = crate::pty::Pty::start(&home, &[], &[("TERM", "dumb")]);
    pty.wait_for("needs a terminal that can draw a full screen");
}

#[test]
fn check_strict_refuses_a_say_too_long_to_be_spoken() {
    let home = Home::new();
    let say = "word ".repeat(20_000);
    let file = home.write(
        "long-say.toml",
        format!(
            "name = \"Long say\"\n[[steps]]\nkind = \"rest\"\ntitle = \"Rest\"\nduration = \"1m\"\nsay = \"{}\"\n",
            say.trim()
        ),
    );
    let out = home.knotless().args(["check", "--strict"]).arg(&file).run();
    // Was: passed, and the voice cut it to 300 characters.
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stdout.contains("only the first 300 are spoken"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.len() < 16 * 1024, "{} bytes", out.stdout.len());
    let out = home.knotless().arg("check").arg(&file).run();
    assert!(out.success(), "a warning only, without --strict");
}
