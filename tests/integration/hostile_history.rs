//! History files from other machines, as a synced data folder may bring
//! them: garbage, huge, future-dated, hundreds of files, a pipe. Each case
//! runs the real binary and asserts what the user sees, its time and its
//! peak memory. The bounds here are generous (a debug build on a shared
//! machine); `bench/history.sh` measures the exact figures on a release
//! build against the budget (`status`: 0.2 s and 50 MB).

use std::fs;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Home, Run};

/// What a run printed, and what it cost.
struct Measured {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
    /// Peak resident memory of the process itself, in bytes.
    peak: u64,
}

/// Run `cmd` to its end and measure its own peak memory. The count comes
/// from GNU time, which starts knotless from a small process of its own:
/// a child forked from this test process would count the test process's
/// memory as its own until it runs knotless (the kernel keeps the high-water
/// mark across `exec`).
fn measured(cmd: &mut Command) -> Measured {
    let report = tempfile::NamedTempFile::new().expect("a temp file");
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(report.path())
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => timed.env(key, value),
            None => timed.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        timed.current_dir(dir);
    }
    // A case that spins fails here instead of holding the suite.
    // SAFETY: setrlimit is async-signal-safe and touches no memory of ours.
    unsafe {
        timed.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 120,
                rlim_max: 120,
            };
            libc::setrlimit(libc::RLIMIT_CPU, &limit);
            Ok(())
        });
    }
    let start = Instant::now();
    let mut child = timed
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run knotless under /usr/bin/time (Debian package `time`)");
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let out = read(Box::new(child.stdout.take().unwrap()));
    let err = read(Box::new(child.stderr.take().unwrap()));
    let status = child.wait().expect("wait for knotless");
    let took = start.elapsed();
    let kilobytes: u64 = fs::read_to_string(report.path())
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
        .expect("GNU time's report");
    Measured {
        code: status.code(),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
        took,
        peak: kilobytes * 1024,
    }
}

const MB: u64 = 1024 * 1024;

/// Generous bounds for a debug build sharing two cores; the same cases
/// took seconds and gigabytes before reading was bounded.
const TIME: Duration = Duration::from_secs(20);
const MEMORY: u64 = 80 * MB;

fn session_line(started: &str, routine: &str, seconds: u64) -> String {
    format!(
        "{{\"v\":1,\"started\":\"{started}\",\"routine_id\":\"{routine}\",\"routine_name\":\"R\",\"planned_seconds\":600,\"practised_seconds\":{seconds},\"outcome\":\"finished\",\"steps\":1,\"steps_done\":1}}\n"
    )
}

/// Now minus `minutes`, as a history line writes it, but never before
/// today's midnight: the tests want a session done today, and CI may run
/// a few minutes after midnight.
fn ago(minutes: i64) -> String {
    let now = jiff::Zoned::now();
    let at = now
        .checked_sub(jiff::SignedDuration::from_mins(minutes))
        .unwrap()
        .max(now.start_of_day().unwrap());
    at.timestamp().display_with_offset(at.offset()).to_string()
}

/// A home whose own history has a finished session today, with `other`
/// written beside it as another machine's file.
fn home_with(other: impl AsRef<[u8]>) -> Home {
    let home = Home::new();
    home.write("data/history-ci.jsonl", session_line(&ago(5), "mine", 600));
    home.write("data/history-desk.jsonl", other);
    home
}

fn check_bounds(case: &str, m: &Measured) {
    assert!(m.took < TIME, "{case}: {:?}", m.took);
    assert!(m.peak < MEMORY, "{case}: {} MB", m.peak / MB);
}

fn status_says_done_today(case: &str, home: &Home) {
    let m = measured(home.knotless().arg("status"));
    check_bounds(case, &m);
    assert_eq!(m.code, Some(0), "{case}: {}", m.stderr);
    assert!(m.stdout.contains("done today"), "{case}: {}", m.stdout);
    assert_eq!(m.stderr, "", "{case}");
}

#[test]
fn five_million_garbage_lines_cost_little_and_say_so_in_a_few_lines() {
    // Was 2.7 s and 1.37 GB for `status`, 5.8 s, 1.95 GB and 744 MB of
    // warnings for `history` (release).
    let home = home_with(b"x\n".repeat(5_000_000));
    status_says_done_today("garbage", &home);
    let m = measured(home.knotless().arg("history"));
    check_bounds("garbage history", &m);
    assert_eq!(m.code, Some(0));
    assert!(m.stderr.len() < 4096, "{} bytes", m.stderr.len());
    assert_eq!(m.stderr.matches("was skipped").count(), 5, "{}", m.stderr);
    assert!(
        m.stderr
            .contains("more lines of history-desk.jsonl were skipped"),
        "{}",
        m.stderr
    );
    assert!(
        m.stderr.contains("only its newest 4.0 MiB were read"),
        "{}",
        m.stderr
    );
    let m = measured(home.knotless().args(["history", "--json"]));
    check_bounds("garbage history --json", &m);
    let v: serde_json::Value = serde_json::from_str(&m.stdout).unwrap();
    assert_eq!(v["skipped_lines"].as_array().unwrap().len(), 5);
    assert!(
        v["skipped_count"].as_u64().unwrap() > 2_000_000,
        "{}",
        v["skipped_count"]
    );
    // The progress field's series are fixed in length (84 days, 12
    // weeks): about 6 KiB whatever the history holds.
    assert!(m.stdout.len() < 16384, "{} bytes", m.stdout.len());
}

#[test]
fn a_valid_thirty_megabyte_history_is_read_from_its_newest_end() {
    // Was a 75 MB peak for `status` (release).
    let mut text = String::new();
    let mut i = 0u64;
    while text.len() < 30 * MB as usize {
        // Distinct sessions, one a day back from 2001.
        let day = jiff::civil::date(2001, 1, 1)
            .checked_add(jiff::Span::new().days(i as i64 % 9000))
            .unwrap();
        text.push_str(&session_line(
            &format!("{day}T07:30:00+01:00"),
            &format!("r{i}"),
            600,
        ));
        i += 1;
    }
    let home = home_with(text);
    status_says_done_today("valid 30 MB", &home);
    let m = measured(home.knotless().arg("history"));
    check_bounds("valid 30 MB history", &m);
    assert!(
        m.stderr.contains("only its newest 4.0 MiB were read"),
        "{}",
        m.stderr
    );
}

#[test]
fn sessions_dated_9999_are_set_aside_and_never_last() {
    let home = home_with(session_line("9999-12-30T07:30:00+00:00", "future", 60).repeat(20));
    status_says_done_today("future", &home);
    let m = measured(home.knotless().args(["history", "--json"]));
    check_bounds("future history", &m);
    let v: serde_json::Value = serde_json::from_str(&m.stdout).unwrap();
    assert_eq!(v["last_session"]["routine_id"], "mine", "{}", m.stdout);
    assert_eq!(v["all_time"]["sessions"], 1);
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("20 sessions in history-desk.jsonl dated in the future"),
        "{notes}"
    );
    let m = measured(home.knotless().arg("history"));
    assert_eq!(
        m.stderr.matches("dated in the future").count(),
        1,
        "{}",
        m.stderr
    );
}

#[test]
fn this_machine_s_session_counts_past_three_hundred_other_files() {
    // Was "not yet today" right after a session: past 256 files, this
    // machine's own could be left unread.
    let home = Home::new();
    for i in 0..300 {
        home.write(
            &format!("data/history-a{i:03}.jsonl"),
            session_line("2020-01-01T07:30:00+00:00", &format!("m{i}"), 60),
        );
    }
    home.write("data/history-ci.jsonl", session_line(&ago(5), "mine", 600));
    status_says_done_today("many files", &home);
    let m = measured(home.knotless().arg("history"));
    check_bounds("many files history", &m);
    assert!(
        m.stderr.contains("more history files not read"),
        "{}",
        m.stderr
    );
}

#[test]
fn a_pipe_from_another_machine_is_named_and_never_waited_on() {
    let home = home_with("");
    let fifo = home.data().join("history-desk.jsonl");
    fs::remove_file(&fifo).unwrap();
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    status_says_done_today("fifo", &home);
    let m = measured(home.knotless().arg("history"));
    check_bounds("fifo history", &m);
    assert!(
        m.stderr
            .contains("history-desk.jsonl is not a regular file"),
        "{}",
        m.stderr
    );
}

#[test]
fn sessions_run_at_once_each_count() {
    let home = Home::new();
    let r = home.routine(
        "tiny",
        &crate::support::routine("Tiny")
            .quick()
            .rest("Rest", "1s")
            .text(),
    );
    let runs: Vec<_> = (0..5)
        .map(|_| {
            home.knotless()
                .args(["run", r.to_str().unwrap(), "--plain"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut run in runs {
        assert!(run.wait().unwrap().success());
    }
    let out = home.knotless().args(["history", "--json"]).run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["today"]["sessions"], 5, "{}", home.history());
}

#[test]
fn doctor_names_a_pipe_history_a_log_directory_and_a_linked_voice_cache() {
    let home = Home::new();
    fs::create_dir_all(home.data()).unwrap();
    let own = home.own_history();
    let c = std::ffi::CString::new(own.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    fs::create_dir_all(home.state().join("knotless.log")).unwrap();
    let elsewhere = home.dir("elsewhere");
    fs::create_dir_all(home.cache()).unwrap();
    std::os::unix::fs::symlink(&elsewhere, home.cache().join("voice")).unwrap();
    let out = home.knotless().arg("doctor").run();
    // Was "ok" for all three, and exit 0.
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(out.stdout.contains("FAIL  history"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("is a pipe (FIFO): no session can be recorded"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("WARN  log"), "{}", out.stdout);
    assert!(
        out.stdout.contains("knotless.log is a directory"),
        "{}",
        out.stdout
    );
    // The speech line warns only where an engine is found; the cache is
    // named either way when there is one.
    if out.stdout.contains("ok    speech") {
        panic!("a linked voice cache passed: {}", out.stdout);
    }
}

#[test]
fn system_errors_reach_the_user_in_words() {
    let home = Home::new();
    let file = home.write("not-a-dir", "");
    let out = home
        .knotless()
        .env("KNOTLESS_DATA_DIR", file.join("data"))
        .arg("history")
        .run();
    assert_eq!(out.code, Some(1));
    assert!(!out.stderr.contains("os error"), "{}", out.stderr);
    assert!(out.stderr.contains("not a directory"), "{}", out.stderr);
}
