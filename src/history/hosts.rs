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

use super::record::Record;
use super::store::{self, Loaded, Warning};

/// Files read from one directory, at most: a directory filled with
/// thousands of `history-*.jsonl` files must not stall a start.
pub const MAX_FILES: usize = 256;

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

/// Every history file in `dir`, sorted by name. No directory is no files.
pub fn files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        other => other?,
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(is_history_file))
        // A directory or a FIFO with a history name is no history: never
        // opened (a FIFO would block the reader).
        .filter(|e| fs::metadata(e.path()).is_ok_and(|m| m.is_file()))
        .map(|e| e.path())
        .collect();
    files.sort();
    if files.len() > MAX_FILES {
        tracing::warn!(
            "{} history files in {}: only the first {MAX_FILES} are read",
            files.len(),
            dir.display()
        );
        files.truncate(MAX_FILES);
    }
    Ok(files)
}

/// The whole history of a data directory, each skipped line with its file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// By start time; a record in several files appears once.
    pub records: Vec<Record>,
    pub warnings: Vec<(PathBuf, Warning)>,
    /// The files read, sorted by name.
    pub files: Vec<PathBuf>,
}

/// Read every history file in `dir` and merge them by time.
pub fn load_dir(dir: &Path) -> io::Result<Merged> {
    let mut merged = Merged {
        files: files(dir)?,
        ..Merged::default()
    };
    for file in &merged.files {
        let loaded = store::load(file).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot read {}: {e}", file.display()))
        })?;
        merged.records.extend(loaded.records);
        merged
            .warnings
            .extend(loaded.warnings.into_iter().map(|w| (file.clone(), w)));
    }
    merged.records = dedup_by_time(std::mem::take(&mut merged.records));
    Ok(merged)
}

/// The history that `path` is part of: every history file in its directory,
/// merged. Lines skipped in a file other than `path` say which file.
///
/// This is what `history::load` is, so every reader (the history command
/// and screen, the done screen's streak) counts every machine.
pub fn load(path: &Path) -> io::Result<Loaded> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut merged = load_dir(dir)?;
    // A file of an unusual name given directly is read too, once.
    let named = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_history_file);
    if !named {
        let own = store::load(path)?;
        merged.records.extend(own.records);
        merged.records = dedup_by_time(merged.records);
        merged
            .warnings
            .extend(own.warnings.into_iter().map(|w| (path.to_path_buf(), w)));
    }
    let warnings = merged
        .warnings
        .into_iter()
        .map(|(file, mut w)| {
            if file != path {
                let name = file.file_name().unwrap_or_default().to_string_lossy();
                w.problem = format!("in {name}: {}", w.problem);
            }
            w
        })
        .collect();
    Ok(Loaded {
        records: merged.records,
        warnings,
    })
}

/// Sorted by start time (a stable sort: within one second, file order),
/// and a record that is the same in every field kept once: a sync tool's
/// conflict copy, or a file copied by hand, must not count twice.
fn dedup_by_time(mut records: Vec<Record>) -> Vec<Record> {
    records.sort_by_key(|r| r.started.timestamp());
    let mut seen = HashSet::new();
    records.retain(|r| seen.insert(serde_json::to_string(r).unwrap_or_default()));
    records
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
        assert!(
            loaded.warnings[0]
                .problem
                .starts_with("in history-desk.jsonl: "),
            "{:?}",
            loaded.warnings
        );
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
