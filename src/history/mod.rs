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
//! # fn demo(routine: &knotless::routine::Routine, summary: &knotless::session::Summary,
//! #         paths: &knotless::paths::Paths, started: jiff::Zoned) -> std::io::Result<()> {
//! use knotless::history::{self, Record};
//!
//! let record = Record::from_summary(routine, summary, &started, 1.0);
//! history::append(&history::file(paths), &record)?;
//! let loaded = history::load(&history::file(paths))?;
//! let glance = history::glance(&loaded.records, &jiff::Zoned::now());
//! # Ok(()) }
//! ```

mod hosts;
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

pub use hosts::{Merged, host, is_history_file, load, load_dir};
pub use progress::{AreaSeconds, Progress, WeekTension};
pub use record::{FORMAT, Outcome, Record, SkippedStep};
pub use resume::{RESUME_WITHIN, ResumePoint, resume_point};
pub use stats::{
    Glance, RoutineStats, Stats, TensionChange, Total, days_words, duration_words, glance, minutes,
    recent,
};
pub use store::{Loaded, Warning, append, parse};

/// The shared file of earlier versions: still read, no longer appended to.
pub const FILE_NAME: &str = "history.jsonl";

/// Where this machine appends: `<data dir>/history-<host>.jsonl`. Loading
/// it (`load`) reads every machine's file beside it.
pub fn file(paths: &Paths) -> PathBuf {
    hosts::own_file(&paths.data_dir)
}

/// A one-line note about skipped lines, for a status line; `None` when
/// every line was read.
pub fn warnings_note(warnings: &[Warning]) -> Option<String> {
    match warnings {
        [] => None,
        [w] => Some(format!("history: line {} could not be read", w.line)),
        ws => Some(format!("history: {} lines could not be read", ws.len())),
    }
}
