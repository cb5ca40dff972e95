//! One history across machines: each machine appends to its own
//! `history-<host>.jsonl`, and every reader merges all the history files of
//! the data directory by time.
//!
//! # Why one file per machine
//!
//! A data directory shared by a sync tool (Syncthing, Dropbox, a git
//! repository) that two machines append to is a sync conflict waiting to
//! happen: both change the same file between syncs, and the tool keeps one
//! version and sets the other aside. With one file per machine each file
//! has a single writer, so a sync only ever carries whole new lines. The
//! `history.jsonl` of earlier versions keeps being read (never rewritten),
//! and the conflict copies sync tools make of it (`history (conflicted
//! copy).jsonl`, `history.sync-conflict-….jsonl`) are read too; a record
//! found in more than one file counts once.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use jiff::{SignedDuration, Timestamp};

use super::problem::Note;
use super::record::Record;
use super::store::{self, Loaded, READ_PER_FILE, Warning};

/// Files read from one directory, at most: a directory filled with
/// thousands of `history-*.jsonl` files must not stall a start.
pub const MAX_FILES: usize = 256;
/// Directory entries looked at, at most, when listing the history files.
const MAX_ENTRIES: usize = 10_000;
/// Bytes read from all the files together, this machine's own included
/// (read first, so it is never starved): `status` stays within its 50 MB.
pub const READ_IN_ALL: u64 = 8 * 1024 * 1024;
/// A session that begins more than this after now is set aside: its
/// machine's clock was wrong, and it would stay "the last session" and
/// hold a streak up for years. A day covers any time zone and a clock a
/// little fast.
const FUTURE_SLACK: SignedDuration = SignedDuration::from_hours(24);

/// This machine's own history file: `<data dir>/history-<host>.jsonl`.
pub fn own_file(data_dir: &Path) -> PathBuf {
    data_dir.join(format!("history-{}.jsonl", host()))
}

/// This machine's name as it appears in its history file name:
/// `KNOTLESS_HOST` if set (for a machine whose name changes with the
/// network, as macOS laptops' can), else the host name up to its first dot.
/// Only letters, digits, `-` and `_` are kept, so the name is a safe file
/// name on every system a sync tool may carry it to.
pub fn host() -> String {
    let raw = std::env::var("KNOTLESS_HOST")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .or_else(system_host_name)
        .unwrap_or_default();
    file_safe(&raw)
}

fn file_safe(raw: &str) -> String {
    let short = raw.split('.').next().unwrap_or_default();
    let safe: String = short
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(64)
        .collect::<String>()
        .to_ascii_lowercase();
    if safe.is_empty() {
        "unknown".to_owned()
    } else {
        safe
    }
}

#[cfg(unix)]
fn system_host_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its whole length, and one byte is
    // kept back so the name always ends in a NUL even when it was cut.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) };
    if r != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    Some(String::from_utf8_lossy(&buf[..end]).into_owned())
}

#[cfg(not(unix))]
fn system_host_name() -> Option<String> {
    std::env::var("COMPUTERNAME").ok()
}

/// Whether a file name is one of the history files: `history.jsonl`,
/// `history-<host>.jsonl`, or a sync tool's copy of either.
pub fn is_history_file(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".jsonl") else {
        return false;
    };
    stem == "history"
        || stem.starts_with("history-")
        || stem.starts_with("history.")
        || stem.starts_with("history ")
}

/// The history files of a directory, in the order they are read.
struct Listing {
    /// This machine's own file first (when it exists), then the others,
    /// most recently changed first: they hold the newest sessions.
    files: Vec<PathBuf>,
    /// History files past `MAX_FILES`, not read.
    left: usize,
    /// Pipes, devices and directories with a history file's name.
    not_regular: Vec<PathBuf>,
}

/// The history files in `dir`, `own` first. No directory is no files.
fn listing(dir: &Path, own: &Path) -> io::Result<Listing> {
    let mut listing = Listing {
        files: Vec::new(),
        left: 0,
        not_regular: Vec::new(),
    };
    // Asked for by name, so it is read whatever else the directory holds.
    match fs::metadata(own) {
        Ok(m) if m.is_file() => listing.files.push(own.to_path_buf()),
        Ok(_) => listing.not_regular.push(own.to_path_buf()),
        Err(_) => {}
    }
    let entries = match fs::read_dir(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(listing),
        // Callers name the directory.
        Err(e) => return Err(io::Error::new(e.kind(), crate::io_words::in_words(&e))),
        Ok(entries) => entries,
    };
    let mut others: Vec<(SystemTime, PathBuf)> = Vec::new();
    for entry in entries.filter_map(Result::ok).take(MAX_ENTRIES) {
        if !entry.file_name().to_str().is_some_and(is_history_file) {
            continue;
        }
        let path = entry.path();
        if path == own {
            continue;
        }
        // Followed, so a link to a history file is read; a FIFO is never
        // opened (it would block the reader).
        match fs::metadata(&path) {
            Ok(m) if m.is_file() => {
                others.push((m.modified().unwrap_or(SystemTime::UNIX_EPOCH), path));
            }
            Ok(_) => listing.not_regular.push(path),
            Err(_) => {}
        }
    }
    others.sort_by(|(a, pa), (b, pb)| b.cmp(a).then_with(|| pa.cmp(pb)));
    let room = MAX_FILES.saturating_sub(listing.files.len());
    listing.left = others.len().saturating_sub(room);
    listing
        .files
        .extend(others.into_iter().take(room).map(|(_, p)| p));
    listing.not_regular.sort();
    Ok(listing)
}

/// The whole history of a data directory, each skipped line with its file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// By start time; a record in several files appears once.
    pub records: Vec<Record>,
    /// The first few skipped lines of each file.
    pub warnings: Vec<(PathBuf, Warning)>,
    /// Every line skipped, listed or not.
    pub skipped: usize,
    /// What was left unread or set aside.
    pub notes: Vec<Note>,
    /// The files read, this machine's first.
    pub files: Vec<PathBuf>,
}

/// Read the history files in `dir` and merge them by time, within bounds
/// whatever arrives from other machines: this machine's own file first and
/// always, then the others newest first, at most `READ_PER_FILE` of each
/// and `READ_IN_ALL` together; sessions dated after tomorrow set aside.
pub fn load_dir(dir: &Path) -> io::Result<Merged> {
    load_dir_at(dir, &own_file(dir), Timestamp::now())
}

fn load_dir_at(dir: &Path, own: &Path, now: Timestamp) -> io::Result<Merged> {
    let listing = listing(dir, own)?;
    let mut merged = Merged::default();
    merged.notes.extend(
        listing
            .not_regular
            .into_iter()
            .map(|file| Note::NotRegular { file }),
    );
    let mut left = listing.left;
    let mut budget = READ_IN_ALL;
    let latest_allowed = now.checked_add(FUTURE_SLACK).unwrap_or(now);
    for file in listing.files {
        let mine = file == own;
        if budget == 0 && !mine {
            left += 1;
            continue;
        }
        // Only this machine's file has a writer here to wait for.
        let (cap, patience) = match mine {
            true => (READ_PER_FILE, store::READ_PATIENCE),
            false => (READ_PER_FILE.min(budget), Duration::ZERO),
        };
        let loaded = match store::read(&file, cap, patience) {
            Ok(loaded) => loaded,
            Err(e) if mine => {
                return Err(io::Error::new(
                    e.kind(),
                    format!(
                        "cannot read {}: {}",
                        file.display(),
                        crate::io_words::in_words(&e)
                    ),
                ));
            }
            // Another machine's file that cannot be read hides nothing else.
            Err(e) => {
                merged.notes.push(Note::Unreadable {
                    file: file.clone(),
                    why: crate::io_words::in_words(&e),
                });
                continue;
            }
        };
        let size = fs::metadata(&file).map_or(cap, |m| m.len());
        budget = budget.saturating_sub(size.min(cap));
        let (future, records): (Vec<Record>, Vec<Record>) = loaded
            .records
            .into_iter()
            .partition(|r| r.started.timestamp() > latest_allowed);
        if let Some(latest) = future.iter().map(|r| &r.started).max() {
            merged.notes.push(Note::Future {
                file: file.clone(),
                count: future.len(),
                latest: latest.date().to_string(),
            });
        }
        merged.records.extend(records);
        merged.skipped += loaded.skipped;
        merged
            .warnings
            .extend(loaded.warnings.into_iter().map(|w| (file.clone(), w)));
        merged.notes.extend(loaded.notes);
        merged.files.push(file);
    }
    if left > 0 {
        merged.notes.push(Note::FilesLeft { count: left });
    }
    merged.records = dedup_by_time(std::mem::take(&mut merged.records));
    Ok(merged)
}

/// The history that `path` is part of: `path` itself (whatever its name)
/// and every history file in its directory, merged. Lines skipped in a file
/// other than `path` say which file.
///
/// This is what `history::load` is, so every reader (the history command
/// and screen, the done screen's streak, `status`) counts every machine.
pub fn load(path: &Path) -> io::Result<Loaded> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let merged = load_dir_at(dir, path, Timestamp::now())?;
    let warnings = merged
        .warnings
        .into_iter()
        .map(|(file, mut w)| {
            if file != path {
                let name = file.file_name().unwrap_or_default().to_string_lossy();
                w.file = Some(crate::text::escape_inline(&name).into_owned());
            }
            w
        })
        .collect();
    Ok(Loaded {
        records: merged.records,
        warnings,
        skipped: merged.skipped,
        notes: merged.notes,
    })
}

/// Sorted by start time (a stable sort: within one second, file order),
/// and a record that is the same in every field kept once: a sync tool's
/// conflict copy, or a file copied by hand, must not count twice. (Lines
/// written since sessions have ids differ in their id, so sessions alike
/// in every other way still count each.)
fn dedup_by_time(mut records: Vec<Record>) -> Vec<Record> {
    records.sort_by_key(|r| r.started.timestamp());
    let mut out: Vec<Record> = Vec::with_capacity(records.len());
    // Only records that began in the same second can be the same: compared
    // within that run alone, so no key is kept for the whole history.
    let mut run_start = 0;
    let mut seen: HashSet<String> = HashSet::new();
    for record in records {
        let same_second = out
            .get(run_start)
            .is_some_and(|first| first.started.timestamp() == record.started.timestamp());
        if !same_second {
            run_start = out.len();
            seen.clear();
            out.push(record);
            continue;
        }
        if seen.is_empty() {
            seen.insert(serde_json::to_string(&out[run_start]).unwrap_or_default());
        }
        if seen.insert(serde_json::to_string(&record).unwrap_or_default()) {
            out.push(record);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Stats, append};
    use jiff::Zoned;

    fn record(started: &str, routine: &str) -> Record {
        let line = format!(
            r#"{{"v":1,"started":"{started}","routine_id":"{routine}","routine_name":"R",
            "planned_seconds":600,"practised_seconds":600,"outcome":"finished","steps":1,"steps_done":1}}"#
        );
        serde_json::from_str(&line).unwrap()
    }

    fn now() -> Zoned {
        "2026-03-12T21:00:00+01:00[Europe/Paris]".parse().unwrap()
    }

    #[test]
    fn two_hosts_make_one_streak() {
        let dir = tempfile::tempdir().unwrap();
        // Day 1 on the laptop (in the old shared file), day 2 on the desk
        // machine, day 3 on the laptop: a three-day streak that neither
        // machine has alone.
        let day = |d| format!("2026-03-{d}T07:30:00+01:00[Europe/Paris]");
        append(&dir.path().join("history.jsonl"), &record(&day(10), "a")).unwrap();
        append(
            &dir.path().join("history-desk.jsonl"),
            &record(&day(11), "b"),
        )
        .unwrap();
        append(
            &dir.path().join("history-laptop.jsonl"),
            &record(&day(12), "c"),
        )
        .unwrap();

        let alone = store::load(&dir.path().join("history-laptop.jsonl")).unwrap();
        assert_eq!(Stats::compute(&alone.records, &now()).current_streak, 1);

        let loaded = load(&dir.path().join("history-laptop.jsonl")).unwrap();
        let ids: Vec<&str> = loaded
            .records
            .iter()
            .map(|r| r.routine_id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b", "c"], "merged by time, not by file");
        let stats = Stats::compute(&loaded.records, &now());
        assert_eq!(stats.current_streak, 3);
        assert_eq!(stats.all_time.sessions, 3);
    }

    #[test]
    fn a_sync_conflict_copy_does_not_count_twice_and_strangers_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let r = record("2026-03-12T07:30:00+01:00[Europe/Paris]", "a");
        append(&dir.path().join("history-desk.jsonl"), &r).unwrap();
        append(
            &dir.path()
                .join("history-desk.sync-conflict-20260312-XYZ.jsonl"),
            &r,
        )
        .unwrap();
        append(&dir.path().join("notes.jsonl"), &r).unwrap();
        fs::create_dir(dir.path().join("history-dir.jsonl")).unwrap();
        let merged = load_dir(dir.path()).unwrap();
        assert_eq!(merged.records, vec![r]);
        assert_eq!(merged.files.len(), 2);
    }

    #[test]
    fn a_bad_line_elsewhere_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("history-laptop.jsonl");
        append(
            &own,
            &record("2026-03-12T07:30:00+01:00[Europe/Paris]", "a"),
        )
        .unwrap();
        fs::write(dir.path().join("history-desk.jsonl"), "{\"v\":1,\"sta").unwrap();
        let loaded = load(&own).unwrap();
        assert_eq!(loaded.records.len(), 1);
        assert_eq!(loaded.warnings.len(), 1);
        assert_eq!(
            loaded.warnings[0].file.as_deref(),
            Some("history-desk.jsonl")
        );
        assert!(
            loaded.warnings[0]
                .to_string()
                .starts_with("line 1 of history-desk.jsonl was skipped: it is incomplete"),
            "{:?}",
            loaded.warnings
        );
    }

    fn line(started: &str, routine: &str) -> String {
        serde_json::to_string(&record(started, routine)).unwrap() + "\n"
    }

    fn now_ts() -> Timestamp {
        now().timestamp()
    }

    #[test]
    fn a_big_file_is_read_from_its_newest_end_only() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("history-laptop.jsonl");
        // Years of sessions from another machine, far past what is read,
        // with this week's at the end.
        // Each a session of its own (alike lines would count once).
        let old = |i: usize| line("2001-01-01T07:30:00+01:00", &format!("o{i:07}"));
        let one = old(0).len();
        let mut text: String = (0..2 * READ_PER_FILE as usize / one).map(old).collect();
        text.push_str(&line("2026-03-12T07:30:00+01:00", "new"));
        let big = dir.path().join("history-desk.jsonl");
        fs::write(&big, &text).unwrap();
        let merged = load_dir_at(dir.path(), &own, now_ts()).unwrap();
        assert_eq!(merged.records.last().unwrap().routine_id, "new");
        let read = merged.records.len() * one;
        assert!(read as u64 <= READ_PER_FILE, "{read}");
        assert!(read as u64 > READ_PER_FILE - 2 * one as u64, "{read}");
        assert_eq!(merged.skipped, 0, "the line cut in two is not blamed");
        assert!(
            matches!(&merged.notes[..], [Note::OnlyNewest { size, .. }] if *size == text.len() as u64),
            "{:?}",
            merged.notes
        );
    }

    #[test]
    fn garbage_is_counted_past_the_first_few_lines() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("history-laptop.jsonl");
        fs::write(dir.path().join("history-desk.jsonl"), "x\n".repeat(100_000)).unwrap();
        let merged = load_dir_at(dir.path(), &own, now_ts()).unwrap();
        assert_eq!(merged.warnings.len(), store::WARNINGS_PER_FILE);
        assert_eq!(merged.skipped, 100_000);
        assert!(
            merged.notes.contains(&Note::MoreSkipped {
                file: dir.path().join("history-desk.jsonl"),
                more: 100_000 - store::WARNINGS_PER_FILE
            }),
            "{:?}",
            merged.notes
        );
    }

    #[test]
    fn this_machine_s_file_is_read_whatever_the_number_of_others() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..MAX_FILES + 20 {
            fs::write(
                dir.path().join(format!("history-a{i:04}.jsonl")),
                line("2020-01-01T07:30:00+01:00", &format!("m{i}")),
            )
            .unwrap();
        }
        // Named last of all, and older than every other file.
        let own = dir.path().join("history-zz.jsonl");
        fs::write(&own, line("2026-03-12T07:30:00+01:00", "mine")).unwrap();
        let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1);
        fs::File::options()
            .append(true)
            .open(&own)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let merged = load_dir_at(dir.path(), &own, now_ts()).unwrap();
        assert_eq!(merged.files[0], own);
        assert_eq!(merged.files.len(), MAX_FILES);
        assert!(merged.records.iter().any(|r| r.routine_id == "mine"));
        assert!(
            merged.notes.contains(&Note::FilesLeft { count: 21 }),
            "{:?}",
            merged.notes
        );
    }

    #[test]
    fn the_reading_budget_is_shared_but_never_starves_this_machine() {
        let dir = tempfile::tempdir().unwrap();
        let one = line("2020-01-01T07:30:00+01:00", "other");
        let big = one.repeat(READ_PER_FILE as usize / one.len() + 10);
        for name in ["a", "b", "c"] {
            fs::write(dir.path().join(format!("history-{name}.jsonl")), &big).unwrap();
        }
        let own = dir.path().join("history-laptop.jsonl");
        fs::write(&own, &big).unwrap();
        let merged = load_dir_at(dir.path(), &own, now_ts()).unwrap();
        assert_eq!(merged.files[0], own);
        // Its own 4 MiB, then 4 MiB of the others: one of the three.
        assert_eq!(merged.files.len(), 2, "{:?}", merged.files);
        assert!(merged.notes.contains(&Note::FilesLeft { count: 2 }));
    }

    #[test]
    fn sessions_in_the_future_are_set_aside_with_one_note() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("history-laptop.jsonl");
        fs::write(&own, line("2026-03-12T07:30:00+01:00", "today")).unwrap();
        let mut far = String::new();
        for _ in 0..20 {
            far.push_str(&line("9999-12-30T07:30:00+00:00", "far"));
        }
        // Tomorrow morning on a clock a few hours fast: still read.
        far.push_str(&line("2026-03-13T08:00:00+01:00", "soon"));
        fs::write(dir.path().join("history-desk.jsonl"), far).unwrap();
        let merged = load_dir_at(dir.path(), &own, now_ts()).unwrap();
        let ids: Vec<&str> = merged
            .records
            .iter()
            .map(|r| r.routine_id.as_str())
            .collect();
        assert_eq!(ids, ["today", "soon"]);
        assert!(
            matches!(&merged.notes[..], [Note::Future { count: 20, latest, .. }] if latest == "9999-12-30"),
            "{:?}",
            merged.notes
        );
        let stats = Stats::compute(&merged.records, &now());
        assert_eq!(stats.last.unwrap().routine_id, "soon");
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_named_like_a_history_is_named_and_never_opened() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("history-laptop.jsonl");
        let fifo = dir.path().join("history-desk.jsonl");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let merged = load_dir_at(dir.path(), &own, now_ts()).unwrap();
        assert_eq!(merged.notes, vec![Note::NotRegular { file: fifo }]);
    }

    #[test]
    fn sessions_alike_but_for_their_ids_count_each() {
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("history-laptop.jsonl");
        let mut text = String::new();
        for i in 0..20 {
            let mut r = record("2026-03-12T07:30:00+01:00", "same");
            r.session_id = Some(format!("{i:016x}"));
            text.push_str(&(serde_json::to_string(&r).unwrap() + "\n"));
        }
        // Lines from before ids, alike in every field: one session.
        text.push_str(&line("2026-03-11T07:30:00+01:00", "old").repeat(3));
        fs::write(&own, &text).unwrap();
        // A sync tool's copy of the whole file counts nothing twice.
        fs::write(
            dir.path().join("history-laptop.sync-conflict-1.jsonl"),
            &text,
        )
        .unwrap();
        let merged = load_dir_at(dir.path(), &own, now_ts()).unwrap();
        assert_eq!(merged.records.len(), 21);
    }

    #[test]
    fn no_directory_is_an_empty_history() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load(&dir.path().join("missing/history-x.jsonl")).unwrap();
        assert_eq!(loaded, Loaded::default());
    }

    #[test]
    fn host_names_become_safe_file_names() {
        assert_eq!(file_safe("Annas-MacBook-Pro.local"), "annas-macbook-pro");
        assert_eq!(file_safe("../../etc"), "unknown");
        assert_eq!(file_safe("desk\u{1b}[2J"), "desk2j");
        assert_eq!(file_safe(""), "unknown");
        assert!(is_history_file("history.jsonl"));
        assert!(is_history_file("history-desk.jsonl"));
        assert!(is_history_file(
            "history (conflicted copy 2026-03-12).jsonl"
        ));
        assert!(!is_history_file("history.jsonl.bak"));
        assert!(!is_history_file("my-history.jsonl"));
    }
}
