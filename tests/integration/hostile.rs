//! Hostile files as a user (or a shared repository) might hand them over:
//! each case from issue 11 that the command line shows, checked by what a
//! user sees: output size, exit status, files left untouched.

use std::fs;
use std::os::unix::fs::symlink;
#[cfg(feature = "sound")]
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
#[cfg(feature = "sound")]
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

#[cfg(feature = "sound")]
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
