//! The practice history as files and processes meet it: torn and corrupt
//! lines, writers killed at random moments, two writers at once, and
//! `knotless history` run for real.
//!
//! The writer processes are this very test binary, run again with
//! `--exact history::writer_child` and an environment variable that makes
//! that one test append records (and say so after each sync) instead of
//! returning at once.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use knotless::history::{self, Record};
use tempfile::TempDir;

use crate::support::{Home, Run};

const WRITER_FILE: &str = "KNOTLESS_TEST_WRITER_FILE";
const WRITER_TAG: &str = "KNOTLESS_TEST_WRITER_TAG";
const WRITER_COUNT: &str = "KNOTLESS_TEST_WRITER_COUNT";

fn fixture(name: &str) -> PathBuf {
    crate::support::fixture("history", name)
}

/// A scratch directory in memory where there is one: these tests are about
/// locking and whole lines, and a real disk's fsync would make them slow.
fn scratch() -> TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().unwrap()
}

fn record(tag: &str, n: u64) -> Record {
    let line = format!(
        r#"{{"v":1,"started":"2026-03-10T07:30:00+01:00","routine_id":"{tag}","routine_name":"Writer {tag}",
        "planned_seconds":600,"practised_seconds":{n},"outcome":"finished","steps":3,"steps_done":3}}"#
    );
    serde_json::from_str(&line).unwrap()
}

/// Not a test by itself: the writer child of the tests below. Appends
/// records 0, 1, 2, ... (forever, or `WRITER_COUNT` of them) and prints
/// "synced N" once each is on the disk.
#[test]
fn writer_child() {
    let Some(file) = std::env::var_os(WRITER_FILE) else {
        return;
    };
    let tag = std::env::var(WRITER_TAG).unwrap();
    let count: u64 = std::env::var(WRITER_COUNT)
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(u64::MAX);
    let mut out = std::io::stdout().lock();
    for n in 0..count {
        history::append(Path::new(&file), &record(&tag, n)).unwrap();
        use std::io::Write;
        writeln!(out, "synced {n}").unwrap();
        out.flush().unwrap();
    }
}

fn writer(file: &Path, tag: &str, count: Option<u64>) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "history::writer_child",
        "--exact",
        "--nocapture",
        "--test-threads=1",
        "--quiet",
    ])
    .env(WRITER_FILE, file)
    .env(WRITER_TAG, tag)
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    if let Some(count) = count {
        cmd.env(WRITER_COUNT, count.to_string());
    }
    cmd.spawn().unwrap()
}

/// The numbers a writer said were synced.
fn synced(child: &mut Child) -> Vec<u64> {
    let mut text = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text.lines()
        .filter_map(|l| l.strip_prefix("synced "))
        .map(|n| n.parse().unwrap())
        .collect()
}

/// Record numbers found in the history, by writer tag; fails on a
/// duplicate.
fn by_tag(records: &[Record]) -> BTreeMap<String, BTreeSet<u64>> {
    let mut found: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for r in records {
        assert_eq!(r.routine_name, format!("Writer {}", r.routine_id));
        let fresh = found
            .entry(r.routine_id.clone())
            .or_default()
            .insert(r.practised_seconds);
        assert!(
            fresh,
            "record {} {} twice",
            r.routine_id, r.practised_seconds
        );
    }
    found
}

/// A small deterministic generator: the same "random" moments every run.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn a_writer_killed_at_any_moment_never_loses_a_synced_record() {
    let dir = scratch();
    let file = dir.path().join("history.jsonl");
    let mut rng = XorShift(0x6b6e_6f74_6c65_7373);
    let kills = 60;
    let mut reported = 0;
    for run in 0..kills {
        let tag = format!("w{run}");
        let mut child = writer(&file, &tag, None);
        // From before the child's first write to well into its stream.
        std::thread::sleep(Duration::from_micros(rng.below(6_000)));
        child.kill().unwrap();
        child.wait().unwrap();
        let synced = synced(&mut child);
        reported += synced.len();

        let loaded = history::load(&file).expect("the history always loads");
        let found = by_tag(&loaded.records);
        let mine = found.get(&tag).cloned().unwrap_or_default();
        for n in &synced {
            assert!(mine.contains(n), "run {run}: synced record {n} is missing");
        }
        // Records are written in order, so what is there is 0..k.
        assert!(mine.iter().copied().eq(0..mine.len() as u64), "run {run}");
        // A kill tears at most the line being written.
        assert!(loaded.warnings.len() <= run + 1, "{:?}", loaded.warnings);
    }
    assert!(reported > 0, "no writer got as far as one record");
}

#[test]
fn two_writers_at_once_make_exactly_a_thousand_whole_lines() {
    let dir = scratch();
    let file = dir.path().join("history.jsonl");
    let mut a = writer(&file, "a", Some(500));
    let mut b = writer(&file, "b", Some(500));
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    assert_eq!(synced(&mut a).len(), 500);
    assert_eq!(synced(&mut b).len(), 500);

    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(text.lines().count(), 1000);
    assert!(text.ends_with('\n'));
    let loaded = history::load(&file).unwrap();
    assert_eq!(loaded.warnings, vec![]);
    assert_eq!(loaded.records.len(), 1000);
    let found = by_tag(&loaded.records);
    for tag in ["a", "b"] {
        assert!(found[tag].iter().copied().eq(0..500), "{tag}");
    }
}

#[test]
fn a_torn_last_line_is_skipped_kept_and_closed_by_the_next_record() {
    let loaded = history::load(&fixture("torn-last-line.jsonl")).unwrap();
    assert_eq!(loaded.records.len(), 3);
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].line, Some(4));
    assert!(
        loaded.warnings[0]
            .to_string()
            .starts_with("line 4 was skipped: it is incomplete"),
        "{}",
        loaded.warnings[0]
    );

    let dir = scratch();
    let file = dir.path().join("history.jsonl");
    fs::copy(fixture("torn-last-line.jsonl"), &file).unwrap();
    let before = fs::read_to_string(&file).unwrap();
    history::append(&file, &record("next", 7)).unwrap();
    let after = fs::read_to_string(&file).unwrap();
    assert!(
        after.starts_with(&before),
        "nothing already there is changed"
    );
    let new_line = serde_json::to_string(&record("next", 7)).unwrap();
    assert_eq!(after, format!("{before}\n{new_line}\n"));

    let loaded = history::load(&file).unwrap();
    assert_eq!(loaded.records.len(), 4);
    assert_eq!(loaded.records[3], record("next", 7));
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].line, Some(4));
}

#[test]
fn corrupt_lines_anywhere_are_skipped_and_named() {
    let loaded = history::load(&fixture("corrupt-lines.jsonl")).unwrap();
    let days: Vec<i8> = loaded.records.iter().map(|r| r.started.day()).collect();
    assert_eq!(days, vec![2, 3, 4, 6, 7]);
    let lines: Vec<Option<usize>> = loaded.warnings.iter().map(|w| w.line).collect();
    assert_eq!(lines, [2, 4, 5, 7, 10].map(Some));
    let problem = |line: usize| {
        loaded
            .warnings
            .iter()
            .find(|w| w.line == Some(line))
            .unwrap()
            .problem
            .to_string()
    };
    assert!(problem(7).contains("record format 2"), "{}", problem(7));
    assert!(problem(10).contains("UTC offset"), "{}", problem(10));
}

/// A home whose history is the fixture `name`; its runs in Berlin time.
fn with_history(name: &str) -> Home {
    let home = Home::new();
    home.history_from(name);
    home
}

fn knotless(home: &Home) -> std::process::Command {
    let mut cmd = home.knotless();
    cmd.env("TZ", "Europe/Berlin");
    cmd
}

#[test]
fn knotless_history_prints_the_totals_and_recent_sessions() {
    let home = with_history("sessions.jsonl");
    let out = knotless(&home).arg("history").run();
    assert_eq!(out.code, Some(0));
    assert!(
        !out.raw_stdout.contains(&0x1b),
        "no raw escape reaches the terminal"
    );
    let stdout = String::from_utf8(out.raw_stdout).unwrap();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // "Now" is the real date, so only what does not depend on it is checked.
    assert!(stdout.contains("(longest 3 days)"), "{stdout}");
    assert!(
        stdout.contains("All time        1 h 48 min, 11 sessions"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Previews        1 (sped up, not counted)"),
        "{stdout}"
    );
    let recent: Vec<&str> = stdout
        .lines()
        .skip_while(|l| *l != "Recent sessions")
        .skip(2)
        .collect();
    assert_eq!(recent.len(), 10, "{stdout}");
    assert!(
        recent[0].starts_with("Wed 2026-02-11  07:30  Daily back reset"),
        "{stdout}"
    );
    assert!(recent[0].ends_with("12:09 of 12:09  finished"), "{stdout}");
    assert!(recent[2].contains(r"Sneaky \u{1b}[31m draft"), "{stdout}");
    assert!(
        recent[2].ends_with("10:00 of 10:00  finished  preview"),
        "{stdout}"
    );
    assert!(recent[7].ends_with("5:12 of 12:09  stopped"), "{stdout}");
    assert!(recent[9].starts_with("Wed 2026-02-04  07:20"), "{stdout}");
}

#[test]
fn knotless_history_json_is_one_object_for_scripts() {
    let home = with_history("torn-last-line.jsonl");
    let out = knotless(&home).args(["history", "--json"]).run();
    assert_eq!(out.code, Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.raw_stdout).unwrap();
    assert_eq!(v["longest_streak"], 3);
    assert_eq!(v["all_time"]["sessions"], 3);
    assert_eq!(v["all_time"]["seconds"], 729 * 3);
    assert_eq!(v["routines"][0]["id"], "daily-back");
    assert_eq!(v["routines"][0]["tension_change"], -3.0);
    assert_eq!(v["routines"][0]["tension_sessions"], 2);
    assert_eq!(v["recent_sessions"].as_array().unwrap().len(), 3);
    assert_eq!(
        v["recent_sessions"][0]["started"],
        "2026-02-04T07:20:00+01:00"
    );
    assert_eq!(v["last_session"]["started"], "2026-02-04T07:20:00+01:00");
    assert_eq!(v["skipped_lines"][0]["line"], 4);
    assert_eq!(v["skipped_lines"][0]["file"], history::FILE_NAME);
    let stderr = String::from_utf8(out.raw_stderr).unwrap();
    assert!(
        stderr.contains("line 4 was skipped: it is incomplete"),
        "{stderr}"
    );
}

#[test]
fn knotless_history_without_a_file_is_friendly() {
    let home = Home::new();
    let out = knotless(&home).arg("history").run();
    assert_eq!(out.code, Some(0));
    assert_eq!(
        String::from_utf8(out.raw_stdout).unwrap(),
        "No sessions yet. Finish a routine and it shows here.\n"
    );
    assert!(out.raw_stderr.is_empty());
    assert!(!home.data().exists(), "reading creates nothing");
}
