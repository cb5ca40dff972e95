//! What can be wrong with a line of a history file, and what was left
//! unread or set aside when the files were read: typed, so each reader
//! (the history command, the doctor, the status line) words them its way.

use std::path::PathBuf;

use thiserror::Error;

use super::record::{FORMAT, MAX_SECONDS, MAX_STEPS};

/// Why a line was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LineProblem {
    /// Not JSON, or JSON of another shape (serde's words).
    #[error("it is not a session record: {0}")]
    NotARecord(String),
    #[error("it has record format {0}, from a newer knotless (this one reads {FORMAT})")]
    NewerFormat(u32),
    #[error("it has record format {0}, which does not exist")]
    NoSuchFormat(u32),
    #[error("{name} is {value}, more than any session can last (at most {MAX_SECONDS})")]
    TooLong { name: &'static str, value: u64 },
    #[error("steps is {0}, more than a routine may have ({MAX_STEPS})")]
    TooManySteps(usize),
    #[error("steps_done is {done}, more than the {steps} steps of the routine")]
    MoreDoneThanSteps { done: usize, steps: usize },
    #[error("{0} must be from 0 to 10")]
    Tension(&'static str),
    /// The last line of a file, without its newline: a crash mid-write.
    #[error("it is incomplete, probably cut off by a crash ({0})")]
    Incomplete(Box<LineProblem>),
}

impl LineProblem {
    /// The problem of a line with record format `v`.
    pub(super) fn version(v: u32) -> Self {
        if v > FORMAT {
            Self::NewerFormat(v)
        } else {
            Self::NoSuchFormat(v)
        }
    }
}

/// Why `started` could not be read (inside serde's error, so worded whole).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StartedProblem {
    #[error(
        "`started` must be a time with its UTC offset, like 2026-03-10T07:30:05+01:00, not {0:?}"
    )]
    Shape(String),
    /// Well formed, but past the last instant the date library holds.
    #[error("`started` is {0:?}, a time too far from now to be a session")]
    TooFar(String),
}

/// Something about a file as a whole: a part left unread, sessions set
/// aside, lines skipped past those listed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Note {
    /// Only the newest part of a big file was read.
    #[error(
        "{} is {}: only its newest {} were read (older sessions are left out of the totals)",
        name(file),
        mib(*size),
        mib(*read)
    )]
    OnlyNewest { file: PathBuf, read: u64, size: u64 },
    /// More lines were skipped than are listed one by one.
    #[error("{} more lines of {} were skipped", more, name(file))]
    MoreSkipped { file: PathBuf, more: usize },
    /// Sessions that begin after tomorrow: a machine whose clock is wrong.
    #[error(
        "{count} session{} in {} dated in the future (the latest {latest}) set aside: that machine's clock was wrong",
        if *count == 1 { "" } else { "s" },
        name(file)
    )]
    Future {
        file: PathBuf,
        count: usize,
        latest: String,
    },
    /// A pipe, a device or a directory with a history file's name.
    #[error(
        "{} is not a regular file (a pipe, a device or a directory), so it is not read; move it away",
        name(file)
    )]
    NotRegular { file: PathBuf },
    /// Another machine's file that could not be opened or read.
    #[error("{} cannot be read ({why}), so it is left out", name(file))]
    Unreadable { file: PathBuf, why: String },
    /// More history files than are read.
    #[error(
        "{count} more history file{} not read: too many files, or too much to read in all (this machine's own file is always read)",
        if *count == 1 { "" } else { "s" }
    )]
    FilesLeft { count: usize },
}

fn name(file: &std::path::Path) -> String {
    crate::text::escape_inline(&file.file_name().unwrap_or_default().to_string_lossy()).into_owned()
}

/// "4.0 MiB", "512 KiB".
fn mib(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_say_what_was_left_in_words() {
        let n = Note::OnlyNewest {
            file: PathBuf::from("/d/history-desk.jsonl"),
            read: 4 * 1024 * 1024,
            size: 30 * 1024 * 1024,
        };
        assert_eq!(
            n.to_string(),
            "history-desk.jsonl is 30.0 MiB: only its newest 4.0 MiB were read (older sessions are left out of the totals)"
        );
        let f = Note::Future {
            file: PathBuf::from("history-x.jsonl"),
            count: 1,
            latest: "9999-12-30".into(),
        };
        assert!(
            f.to_string()
                .starts_with("1 session in history-x.jsonl dated in the future")
        );
        assert_eq!(
            LineProblem::Incomplete(Box::new(LineProblem::Tension("tension_after"))).to_string(),
            "it is incomplete, probably cut off by a crash (tension_after must be from 0 to 10)"
        );
    }
}
