//! `knotless status`: one line for a shell prompt or a status bar.
//!
//! Made to be run often (every prompt, every few seconds by a bar): it
//! reads the history files and nothing else, and prints nothing on stderr
//! (a torn line is `knotless history`'s business, not the prompt's).

use anyhow::{Context, Result, anyhow};
use jiff::Zoned;
use serde::Serialize;

use crate::history::{self, Outcome, Record, Stats};
use crate::paths::Paths;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    /// Days in a row with a finished session, up to today (or yesterday
    /// while today has none yet).
    pub streak: u32,
    /// A routine was finished today (previews do not count).
    pub done_today: bool,
    /// Time practised today, in whole seconds (and whole minutes, for a
    /// prompt that shows them).
    pub seconds_today: u64,
    pub minutes_today: u64,
    pub sessions_today: u32,
}

impl Status {
    pub fn compute(records: &[Record], now: &Zoned) -> Self {
        let stats = Stats::compute(records, now);
        let today = now.date();
        let done_today = records
            .iter()
            .any(|r| r.outcome == Outcome::Finished && !r.preview && r.started.date() == today);
        Self {
            streak: stats.current_streak,
            done_today,
            seconds_today: stats.today.seconds,
            minutes_today: history::minutes(stats.today.seconds),
            sessions_today: stats.today.sessions,
        }
    }
}

/// The line: "knotless 5d · done today · 12 min", or "knotless 5d · not
/// yet today". Short, since a prompt has little room, and plain ASCII
/// but for the separator.
pub fn status_line(s: &Status) -> String {
    let today = if s.done_today {
        "done today"
    } else {
        "not yet today"
    };
    let mut line = format!("knotless {}d · {today}", s.streak);
    if s.minutes_today > 0 {
        line.push_str(&format!(" · {} min", s.minutes_today));
    }
    line.push('\n');
    line
}

/// What `knotless status [--json]` prints.
pub fn status(paths: Option<&Paths>, json: bool) -> Result<String> {
    let paths = paths
        .ok_or_else(|| anyhow!("cannot find where the history is kept: set KNOTLESS_DATA_DIR"))?;
    let loaded = history::load(&history::file(paths)).with_context(|| {
        format!(
            "cannot read the history in {}",
            crate::text::escape_inline(&paths.data_dir.display().to_string())
        )
    })?;
    let status = Status::compute(&loaded.records, &Zoned::now());
    if json {
        super::json::to_text(&status)
    } else {
        Ok(status_line(&status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(started: &str, outcome: &str, seconds: u64, preview: bool) -> Record {
        serde_json::from_str(&format!(
            r#"{{"v":1,"started":"{started}","routine_id":"r","routine_name":"R",
            "planned_seconds":600,"practised_seconds":{seconds},"outcome":"{outcome}",
            "steps":1,"steps_done":1,"preview":{preview}}}"#
        ))
        .unwrap()
    }

    fn now() -> Zoned {
        "2026-03-12T21:00:00+01:00[Europe/Paris]".parse().unwrap()
    }

    #[test]
    fn a_finished_session_today_is_done_and_a_stopped_one_is_not() {
        let yesterday = record(
            "2026-03-11T07:00:00+01:00[Europe/Paris]",
            "finished",
            600,
            false,
        );
        let stopped = record(
            "2026-03-12T07:00:00+01:00[Europe/Paris]",
            "stopped",
            300,
            false,
        );
        let s = Status::compute(&[yesterday.clone(), stopped.clone()], &now());
        assert_eq!(
            s,
            Status {
                streak: 1,
                done_today: false,
                seconds_today: 300,
                minutes_today: 5,
                sessions_today: 1
            }
        );
        assert_eq!(status_line(&s), "knotless 1d · not yet today · 5 min\n");

        let finished = record(
            "2026-03-12T08:00:00+01:00[Europe/Paris]",
            "finished",
            720,
            false,
        );
        let s = Status::compute(&[yesterday, stopped, finished], &now());
        assert!(s.done_today);
        assert_eq!(s.streak, 2);
        assert_eq!(status_line(&s), "knotless 2d · done today · 17 min\n");
    }

    #[test]
    fn a_preview_is_not_done() {
        let preview = record(
            "2026-03-12T07:00:00+01:00[Europe/Paris]",
            "finished",
            60,
            true,
        );
        let s = Status::compute(&[preview], &now());
        assert!(!s.done_today);
        assert_eq!(status_line(&s), "knotless 0d · not yet today\n");
    }
}
