//! The history file: appended to, never rewritten.
//!
//! # Why a lock, one write, and `O_APPEND`
//!
//! A record is lost or mangled in three ways, and each defence covers one:
//!
//! - **Two copies of knotless finishing at once.** The file is opened with
//!   `O_APPEND`, so every write lands at the end as it is at that moment,
//!   never over another copy's line. Each record (with its newline) is
//!   handed to the system in one `write`, so it is never split into pieces
//!   that another copy's line could land between.
//! - **A crash or power cut mid-line**, which leaves a torn last line with no
//!   newline. Before writing, the last byte of the file is checked; if it is
//!   not a newline, the new record starts with one, so the torn line stays
//!   on its own (skipped with a warning when read) and the new record is
//!   whole. That check and the write that follows must be one step: the
//!   exclusive lock (`File::lock`, released when the file is closed or the
//!   process dies) keeps another copy from appending between them, and also
//!   covers file systems where `O_APPEND` is not atomic (NFS) and the rare
//!   short write that `write_all` has to finish with a second call.
//! - **The machine going down after "saved".** `sync_data` before returning,
//!   so a record the app reports as saved is on the disk; the directory is
//!   synced too when the file was just created.
//!
//! A lock that another process holds for too long (it was suspended while
//! writing) is waited for only a little: the record is then appended
//! without it, relying on `O_APPEND` alone, because a session must never be
//! lost, nor the program hang, over a lock.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use super::problem::{LineProblem, Note};
use super::record::Record;

/// The records that could be read, and what could not. A bad line never
/// stops the lines after it from loading.
///
/// Bounded whatever the file holds: at most `READ_PER_FILE` bytes are read
/// (the newest part of a bigger file), and each file lists at most
/// `WARNINGS_PER_FILE` of its skipped lines; the rest are only counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// In file order: the order sessions ended, not the order they began.
    pub records: Vec<Record>,
    /// The first skipped lines of each file.
    pub warnings: Vec<Warning>,
    /// Every line skipped, listed or not.
    pub skipped: usize,
    /// What was left unread or set aside.
    pub notes: Vec<Note>,
}

/// A line of the file that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file's name, when the line is in another file than the one
    /// asked for (another machine's).
    pub file: Option<String>,
    /// From 1, as an editor counts; `None` when only the newest part of the
    /// file was read, so the lines before it were never counted.
    pub line: Option<usize>,
    /// Where the line begins in its file, from 0.
    pub byte: u64,
    pub problem: LineProblem,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(n) => write!(f, "line {n}")?,
            None => write!(f, "the line at byte {}", self.byte)?,
        }
        if let Some(file) = &self.file {
            write!(f, " of {file}")?;
        }
        write!(f, " was skipped: {}", self.problem)
    }
}

/// Skipped lines listed one by one for each file; past them, only counted.
pub const WARNINGS_PER_FILE: usize = 5;

/// The most read of one file: its end, where the newest sessions are.
/// About 15,000 sessions, twenty years of two a day: enough for any
/// streak and for this month's and this year's totals, and small enough
/// that `status` stays within its 50 MB however big the file grows.
pub const READ_PER_FILE: u64 = 4 * 1024 * 1024;

/// How long to wait for another copy's lock before going on without it.
const WRITE_PATIENCE: Duration = Duration::from_secs(2);
pub(super) const READ_PATIENCE: Duration = Duration::from_millis(300);

/// Append `record` as one line of `path`, creating the file and its
/// directory if needed; returns once the line is on the disk.
pub fn append(path: &Path, record: &Record) -> io::Result<()> {
    append_line(path, record).map_err(|e| match e.raw_os_error() {
        // Our own words already (not a regular file).
        None if e.kind() == io::ErrorKind::InvalidInput => e,
        _ => write_failed(path, e),
    })
}

fn append_line(path: &Path, record: &Record) -> io::Result<()> {
    let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
    line.push(b'\n');
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        fs::create_dir_all(dir)?;
    }
    let created = fs::symlink_metadata(path).is_err();
    let mut options = OpenOptions::new();
    options.read(true).append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = open_regular(path, &mut options)?;
    lock(&file, Lock::Exclusive, WRITE_PATIENCE)?;
    append_locked(&mut file, &line, |f, bytes| {
        f.write_all(bytes)?;
        f.sync_data()
    })?;
    if created && let Some(dir) = dir {
        sync_dir(dir);
    }
    Ok(())
}

/// Append `line` to the locked `file` with `write`. Should the write fail
/// part way (a full disk), the file is cut back to its old length, so it
/// never ends in a partial record that later reads blame on a crash.
fn append_locked(
    file: &mut File,
    line: &[u8],
    write: impl FnOnce(&mut File, &[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let before = file.metadata()?.len();
    let mut buf = Vec::with_capacity(line.len() + 1);
    if ends_torn(file)? {
        buf.push(b'\n');
    }
    buf.extend_from_slice(line);
    let written = write(file, &buf);
    if written.is_err() {
        // Under the lock, nothing else has appended since `before`.
        if file
            .set_len(before)
            .and_then(|()| file.sync_data())
            .is_err()
        {
            tracing::warn!("history: a failed append could not be cut back");
        }
    }
    written
}

/// The error of a failed append, in words a user can act on.
fn write_failed(path: &Path, e: io::Error) -> io::Error {
    let why = match e.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::FileTooLarge => "the disk is full".to_owned(),
        io::ErrorKind::PermissionDenied => "no permission to write it".to_owned(),
        _ => crate::io_words::in_words(&e),
    };
    io::Error::new(
        e.kind(),
        format!(
            "cannot add to {} ({why}); the file is as it was",
            path.display()
        ),
    )
}

/// Open `path` without waiting on it, and refuse anything but a regular
/// file: a pipe would block a reader forever, and a device or directory is
/// no history.
fn open_regular(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    // Opening a pipe with no writer waits for one; O_NONBLOCK does not,
    // and means nothing for a regular file.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(|e| match e.raw_os_error() {
        // A pipe with no reader, opened to write.
        #[cfg(unix)]
        Some(libc::ENXIO) => not_regular(path),
        _ => e,
    })?;
    if !file.metadata()?.is_file() {
        return Err(not_regular(path));
    }
    Ok(file)
}

fn not_regular(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is not a regular file (a pipe, a device or a directory); move it away and knotless starts a new history there",
            path.display()
        ),
    )
}

/// Every readable record of `path` (its newest `READ_PER_FILE` bytes); no
/// file is an empty history. (Readers use `hosts::load`, which reads every
/// machine's file.)
#[cfg(test)]
pub fn load(path: &Path) -> io::Result<Loaded> {
    read(path, READ_PER_FILE, READ_PATIENCE)
}

/// The records in the newest `at_most` bytes of `path`, waiting up to
/// `patience` for a write in progress to end. Another machine's file has
/// no writer here: no need to wait for it.
pub(super) fn read(path: &Path, at_most: u64, patience: Duration) -> io::Result<Loaded> {
    let mut file = match open_regular(path, OpenOptions::new().read(true)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::default()),
        other => other?,
    };
    // A shared lock waits out a write in progress, so its line is not
    // mistaken for a torn one.
    lock(&file, Lock::Shared, patience)?;
    let size = file.metadata()?.len();
    let from = size.saturating_sub(at_most);
    // One byte before the part read, to tell whether it starts a line.
    let before = u64::from(from > 0);
    let mut bytes = Vec::with_capacity((size - from + before) as usize);
    file.seek(SeekFrom::Start(from - before))?;
    // `take`: the file may have grown since its size was asked.
    file.take(at_most + before).read_to_end(&mut bytes)?;
    let mut loaded = if from == 0 {
        parse(&bytes)
    } else {
        // The part read starts after the first newline: a line cut in two
        // is an older one, and is left out unremarked.
        let start = bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| i + 1);
        let mut loaded = parse_from(&bytes[start..], None, from - before + start as u64);
        loaded.notes.push(Note::OnlyNewest {
            file: path.to_path_buf(),
            read: size - from,
            size,
        });
        loaded
    };
    if loaded.skipped > loaded.warnings.len() {
        loaded.notes.push(Note::MoreSkipped {
            file: path.to_path_buf(),
            more: loaded.skipped - loaded.warnings.len(),
        });
    }
    if let Some(first) = loaded.warnings.first() {
        tracing::warn!(
            "history {}: {} line(s) skipped; the first: {first}",
            path.display(),
            loaded.skipped
        );
    }
    Ok(loaded)
}

/// The records in the bytes of a history file, read whole.
pub fn parse(bytes: &[u8]) -> Loaded {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    parse_from(bytes, Some(1), 0)
}

/// The records in `bytes`, which begin at `byte` of their file, on line
/// `line` when it is known.
fn parse_from(bytes: &[u8], line: Option<usize>, byte: u64) -> Loaded {
    let mut loaded = Loaded::default();
    let mut offset = byte;
    let mut lines = bytes.split(|&b| b == b'\n').enumerate().peekable();
    while let Some((i, text)) = lines.next() {
        let at = offset;
        offset += text.len() as u64 + 1;
        let last = lines.peek().is_none();
        let trimmed = text.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        // Past the listed warnings a bad line's reason is not needed: the
        // cheap test first, since a hostile file may be millions of them.
        let listing = loaded.warnings.len() < WARNINGS_PER_FILE;
        let object = trimmed.starts_with(b"{") && trimmed.ends_with(b"}");
        let read = if listing || object {
            read_line(trimmed).map_err(Some)
        } else {
            Err(None)
        };
        match read {
            Ok(record) => loaded.records.push(record),
            Err(problem) => {
                loaded.skipped += 1;
                if let (true, Some(problem)) = (listing, problem) {
                    loaded.warnings.push(Warning {
                        file: None,
                        line: line.map(|l| l + i),
                        byte: at,
                        problem: if last {
                            LineProblem::Incomplete(Box::new(problem))
                        } else {
                            problem
                        },
                    });
                }
            }
        }
    }
    loaded
}

fn read_line(line: &[u8]) -> Result<Record, LineProblem> {
    if !line.starts_with(b"{") {
        return Err(LineProblem::NotARecord("it is not a JSON object".into()));
    }
    match serde_json::from_slice::<Record>(line) {
        Ok(record) => record.check().map(|()| record),
        Err(e) => {
            #[derive(serde::Deserialize)]
            struct Version {
                v: u32,
            }
            match serde_json::from_slice::<Version>(line) {
                Ok(Version { v }) if v != super::FORMAT => Err(LineProblem::version(v)),
                _ => Err(LineProblem::NotARecord(shortened(e.to_string()))),
            }
        }
    }
}

/// What serde says about a line quotes the line's values, however long:
/// a few words are enough to find it.
fn shortened(mut said: String) -> String {
    const MOST: usize = 160;
    if let Some((at, _)) = said.char_indices().nth(MOST) {
        said.truncate(at);
        said.push('…');
    }
    said
}

/// True when the file is not empty and its last byte is not a newline.
fn ends_torn(file: &mut File) -> io::Result<bool> {
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    // With O_APPEND this moves only where reading starts; writes still go
    // to the end.
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

#[derive(Clone, Copy)]
enum Lock {
    Shared,
    Exclusive,
}

/// Take the lock, trying again with growing pauses for up to `patience`.
/// `Ok(false)` means going on without it: another process held it too
/// long, or the file system cannot lock. The lock ends when the file is
/// closed.
fn lock(file: &File, kind: Lock, patience: Duration) -> io::Result<bool> {
    let start = Instant::now();
    let mut pause = Duration::from_micros(100);
    loop {
        let tried = match kind {
            Lock::Shared => file.try_lock_shared(),
            Lock::Exclusive => file.try_lock(),
        };
        match tried {
            Ok(()) => return Ok(true),
            Err(TryLockError::WouldBlock) if start.elapsed() < patience => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(10));
            }
            Err(TryLockError::WouldBlock) => return Ok(false),
            Err(TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
                return Ok(false);
            }
            Err(TryLockError::Error(e)) => return Err(e),
        }
    }
}

/// Make a new file's name durable. Best effort: not every system can sync a
/// directory, and the record itself is already on the disk.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::record::{Outcome, Record};

    fn record(n: u64) -> Record {
        let line = format!(
            r#"{{"v":1,"started":"2026-03-10T07:30:00+01:00","routine_id":"r","routine_name":"R",
            "planned_seconds":60,"practised_seconds":{n},"outcome":"finished","steps":1,"steps_done":1}}"#
        );
        serde_json::from_str(&line).unwrap()
    }

    #[test]
    fn appends_make_whole_lines_and_create_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deeper/history.jsonl");
        append(&path, &record(1)).unwrap();
        append(&path, &record(2)).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.ends_with('\n'));
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.warnings, vec![]);
        assert_eq!(loaded.records, vec![record(1), record(2)]);
        assert_eq!(loaded.records[0].outcome, Outcome::Finished);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        append(&path, &record(1)).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }

    #[test]
    fn no_file_is_an_empty_history() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            load(&dir.path().join("history.jsonl")).unwrap(),
            Loaded::default()
        );
    }

    #[test]
    fn a_torn_last_line_is_kept_and_the_next_record_starts_on_its_own_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        append(&path, &record(1)).unwrap();
        let torn = r#"{"v":1,"started":"2026-03-1"#;
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(torn.as_bytes()).unwrap();
        drop(f);

        let loaded = load(&path).unwrap();
        assert_eq!(loaded.records, vec![record(1)]);
        assert_eq!(loaded.warnings.len(), 1);
        assert_eq!(loaded.warnings[0].line, Some(2));
        assert!(
            loaded.warnings[0]
                .problem
                .to_string()
                .contains("incomplete")
        );

        append(&path, &record(3)).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1], torn, "the torn line stays, on its own");
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.records, vec![record(1), record(3)]);
        assert_eq!(loaded.warnings.len(), 1);
        assert_eq!(loaded.warnings[0].line, Some(2));
        assert!(
            !loaded.warnings[0]
                .problem
                .to_string()
                .contains("incomplete")
        );
    }

    #[test]
    fn bad_lines_anywhere_are_skipped_and_named() {
        let good = serde_json::to_string(&record(5)).unwrap();
        let text = format!(
            "{good}\nnot json\n\n{{\"v\":1}}\n\u{0}\u{0}\u{0}\n{}\n{good}\r\n{}\n{good}",
            good.replace("\"v\":1", "\"v\":7"),
            good.replace("\"steps\":1", "\"tension_after\":12,\"steps\":1"),
        );
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"\n\xff\xfe\n");
        let loaded = parse(&bytes);
        assert_eq!(loaded.records.len(), 3);
        let lines: Vec<_> = loaded.warnings.iter().map(|w| w.line).collect();
        // The first five are listed; the sixth (line 10) only counted.
        assert_eq!(lines, [2, 4, 5, 6, 8].map(Some));
        assert_eq!(loaded.skipped, 6);
        assert!(
            loaded.warnings[3]
                .problem
                .to_string()
                .contains("newer knotless")
        );
        assert!(loaded.warnings[4].problem.to_string().contains("0 to 10"));
        assert!(
            loaded
                .warnings
                .iter()
                .all(|w| !w.problem.to_string().contains("incomplete")),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn a_failed_append_leaves_the_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        append(&path, &record(1)).unwrap();
        let before = fs::read(&path).unwrap();
        let line = serde_json::to_vec(&record(2)).unwrap();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&path)
            .unwrap();
        // The disk fills up half way through the record.
        let failed = append_locked(&mut file, &line, |f, bytes| {
            f.write_all(&bytes[..bytes.len() / 2])?;
            Err(io::Error::from(io::ErrorKind::StorageFull))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read(&path).unwrap(), before);
        let loaded = load(&path).unwrap();
        assert_eq!((loaded.records.len(), loaded.warnings.len()), (1, 0));
        let said = write_failed(&path, failed.unwrap_err()).to_string();
        assert!(said.contains("the disk is full"), "{said}");
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_for_a_history_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let start = Instant::now();
        let read = load(&path).unwrap_err().to_string();
        let write = append(&path, &record(1)).unwrap_err().to_string();
        assert!(start.elapsed() < Duration::from_secs(1));
        for said in [read, write] {
            assert!(said.contains("not a regular file"), "{said}");
        }
    }

    #[test]
    fn numbers_no_session_could_hold_are_refused() {
        let good = serde_json::to_string(&record(5)).unwrap();
        let huge = good.replace(
            "\"practised_seconds\":5",
            "\"practised_seconds\":18446744073709551615",
        );
        let far = good.replace("2026-03-10T07:30:00+01:00", "9999-12-31T23:59:59+00:00");
        let loaded = parse(format!("{good}\n{huge}\n{far}\n").as_bytes());
        assert_eq!(loaded.records.len(), 1);
        assert!(
            loaded.warnings[0]
                .problem
                .to_string()
                .contains("more than any session"),
            "{:?}",
            loaded.warnings
        );
        assert!(
            loaded.warnings[1]
                .problem
                .to_string()
                .contains("too far from now"),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn a_part_read_from_the_end_names_lines_by_their_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history-x.jsonl");
        let good = serde_json::to_string(&record(5)).unwrap() + "\n";
        let text = format!("{}garbage\n{good}", good.repeat(10));
        fs::write(&path, &text).unwrap();
        // Exactly the last two lines and the newline before them: the
        // line before is whole but not read, and none is blamed.
        let part = ("garbage\n".len() + good.len()) as u64;
        let loaded = read(&path, part, Duration::ZERO).unwrap();
        assert_eq!(loaded.records.len(), 1);
        assert_eq!(loaded.warnings.len(), 1);
        let w = &loaded.warnings[0];
        assert_eq!(
            (w.line, w.byte),
            (None, text.find("garbage").unwrap() as u64)
        );
        assert!(w.to_string().starts_with("the line at byte "), "{w}");
        // One byte less: "garbage" is cut, so it is not read at all.
        let loaded = read(&path, part - 1, Duration::ZERO).unwrap();
        assert_eq!((loaded.records.len(), loaded.skipped), (1, 0));
    }

    #[test]
    fn a_long_value_is_not_quoted_whole() {
        let line = format!("{{\"v\":1,\"started\":\"{}\"}}", "9".repeat(100_000));
        let loaded = parse(line.as_bytes());
        let said = loaded.warnings[0].to_string();
        assert!(said.len() < 300, "{said}");
        assert!(said.contains('…'), "{said}");
    }

    #[test]
    fn a_whole_last_line_without_its_newline_still_counts() {
        let good = serde_json::to_string(&record(5)).unwrap();
        let loaded = parse(good.as_bytes());
        assert_eq!(loaded.records.len(), 1);
        assert!(loaded.warnings.is_empty());
    }
}
