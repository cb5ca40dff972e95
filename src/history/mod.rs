//! Practice history: one JSON line per session in
//! `<data dir>/history-<host>.jsonl`, plain enough for a user to read and
//! for a script to use.
//!
//! - `record`: what a line holds, and how a session's summary becomes one.
//! - `store`: appending crash-safely and loading whatever can be read.
//! - `hosts`: one file per machine, all of them merged when read.
//! - `stats`: streaks and totals, pure, from records and "now".
//!
//! The app records a session where it ends:
//!
//! ```no_run
//! # // A closure: the summary's and paths' types are not public, so not named.
//! # let _ = |routine: &knotless::routine::Routine, summary, paths, started: jiff::Zoned| -> std::io::Result<()> {
//! use knotless::history::{self, Record};
//!
//! let record = Record::from_summary(routine, summary, &started, 1.0);
//! history::append(&history::file(paths), &record)?;
//! let loaded = history::load(&history::file(paths))?;
//! let glance = history::glance(&loaded.records, &jiff::Zoned::now());
//! # Ok(()) };
//! ```

mod hosts;
mod problem;
mod progress;
mod record;
mod resume;
mod stats;
mod store;

#[cfg(test)]
pub mod sample;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

use crate::paths::Paths;

pub use hosts::{MAX_FILES, Merged, READ_IN_ALL, host, is_history_file, load, load_dir};
pub use problem::{LineProblem, Note, StartedProblem};
pub use progress::{AreaSeconds, Progress, WeekTension};
pub use record::{FORMAT, Outcome, Record, SkippedStep, new_session_id, steps_fingerprint};
pub use resume::{NoResume, RESUME_WITHIN, ResumePoint, resume_check, resume_point};
pub use stats::{
    Glance, RoutineStats, Stats, TensionChange, Total, days_words, duration_words, glance, minutes,
    recent,
};
pub use store::{Loaded, READ_PER_FILE, WARNINGS_PER_FILE, Warning, append, parse};

/// The shared file of earlier versions: still read, no longer appended to.
pub const FILE_NAME: &str = "history.jsonl";

/// Where this machine appends: `<data dir>/history-<host>.jsonl`. Loading
/// it (`load`) reads every machine's file beside it.
pub fn file(paths: &Paths) -> PathBuf {
    hosts::own_file(&paths.data_dir)
}

/// A one-line note about what was not read, for a status line; `None`
/// when everything was.
pub fn warnings_note(loaded: &Loaded) -> Option<String> {
    match (
        loaded.skipped,
        loaded.warnings.as_slice(),
        loaded.notes.as_slice(),
    ) {
        (0, _, []) => None,
        (1, [w], _) => Some(format!("history: {} could not be read", place(w))),
        (0, _, _) => Some("history: some of it was not read (`knotless history` says why)".into()),
        (n, _, _) => Some(format!("history: {n} lines could not be read")),
    }
}

fn place(w: &Warning) -> String {
    match w.line {
        Some(n) => format!("line {n}"),
        None => format!("the line at byte {}", w.byte),
    }
}
