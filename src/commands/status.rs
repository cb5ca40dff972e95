//! `knotless status`: one line for a shell prompt or a status bar.
//!
//! Made to be run often (every prompt, every few seconds by a bar): it
//! reads the history files (and, with a plan, the one routine it names for
//! today) and nothing else, and prints nothing on stderr (a torn line is
//! `knotless history`'s business, not the prompt's).

use anyhow::{Context, Result, anyhow};
use jiff::Zoned;
use serde::Serialize;

use super::Env;
use crate::history::{self, Outcome, Record, Stats};
use crate::plan::Planned;

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
    /// Today's practice by `[plan]`; `null` with no plan for today.
    pub planned: Option<PlannedToday>,
}

/// Today's practice by the plan, as `status` says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedToday {
    /// The id its session is recorded under (`plan-neck-shoulders` for a
    /// rotation day).
    pub id: String,
    pub name: String,
    /// A session of it was finished today.
    pub done: bool,
}

impl From<Planned> for PlannedToday {
    fn from(p: Planned) -> Self {
        PlannedToday {
            id: p.id(),
            name: p.name,
            done: p.done,
        }
    }
}

impl Status {
    pub fn compute(records: &[Record], now: &Zoned, planned: Option<Planned>) -> Self {
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
            planned: planned.map(PlannedToday::from),
        }
    }
}

/// The line: "knotless 5d · done today · 12 min", or "knotless 5d · not
/// yet today · next: Daily back reset" (today's plan, once done no longer
/// named). Short, since a prompt has little room, and plain ASCII but for
/// the separator and the plan's name.
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
    if let Some(p) = s.planned.as_ref().filter(|p| !p.done) {
        line.push_str(&format!(" · next: {}", crate::text::escape_inline(&p.name)));
    }
    line.push('\n');
    line
}

/// What `knotless status [--json]` prints.
pub fn status(env: &Env, json: bool) -> Result<String> {
    let paths = env
        .paths
        .as_ref()
        .ok_or_else(|| anyhow!("cannot find where the history is kept: set KNOTLESS_DATA_DIR"))?;
    let loaded = history::load(&history::file(paths)).with_context(|| {
        format!(
            "cannot read the history in {}",
            crate::text::escape_inline(&paths.data_dir.display().to_string())
        )
    })?;
    let now = Zoned::now();
    let planned = super::planned::planned(env, &loaded.records, &now);
    let status = Status::compute(&loaded.records, &now, planned);
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
        let s = Status::compute(&[yesterday.clone(), stopped.clone()], &now(), None);
        assert_eq!(
            s,
            Status {
                streak: 1,
                done_today: false,
                seconds_today: 300,
                minutes_today: 5,
                sessions_today: 1,
                planned: None,
            }
        );
        assert_eq!(status_line(&s), "knotless 1d · not yet today · 5 min\n");

        let finished = record(
            "2026-03-12T08:00:00+01:00[Europe/Paris]",
            "finished",
            720,
            false,
        );
        let s = Status::compute(&[yesterday, stopped, finished], &now(), None);
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
        let s = Status::compute(&[preview], &now(), None);
        assert!(!s.done_today);
        assert_eq!(status_line(&s), "knotless 0d · not yet today\n");
    }

    #[test]
    fn todays_plan_is_named_until_it_is_done() {
        let planned = |done| Planned {
            what: crate::plan::What::Routine("daily-back".into()),
            name: "Daily back reset".into(),
            done,
        };
        let s = Status::compute(&[], &now(), Some(planned(false)));
        assert_eq!(
            status_line(&s),
            "knotless 0d · not yet today · next: Daily back reset\n"
        );
        assert_eq!(
            s.planned,
            Some(PlannedToday {
                id: "daily-back".into(),
                name: "Daily back reset".into(),
                done: false
            })
        );
        let finished = record(
            "2026-03-12T08:00:00+01:00[Europe/Paris]",
            "finished",
            720,
            false,
        );
        let s = Status::compute(&[finished], &now(), Some(planned(true)));
        assert_eq!(status_line(&s), "knotless 1d · done today · 12 min\n");
        let json = crate::commands::json::to_text(&s).unwrap();
        assert!(json.contains(r#""done": true"#), "{json}");
    }
}
