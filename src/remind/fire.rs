//! What a firing reminder says, if anything: nothing once today's practice
//! is done (a finished session today, previews aside); else the routine
//! planned, its length and the streak: "Daily back reset · 13 min ·
//! streak 4" (with `--plan`, today's by `[plan]`: "Today: neck and
//! shoulders · 10 min · streak 4"). Pure: the caller reads the history,
//! the plan and the routines.

use jiff::Zoned;

use crate::history::{Outcome, Record, Stats};
use crate::routine::Routine;
use crate::timeline::Timeline;

/// The notification: a title and one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub summary: String,
    pub body: String,
}

/// The routine a reminder suggests: the one it names, else the one
/// practised last; `find` looks a routine up by id.
pub fn planned<'r>(
    named: Option<&str>,
    records: &[Record],
    find: impl Fn(&str) -> Option<&'r Routine>,
) -> Option<&'r Routine> {
    if let Some(id) = named {
        return find(id);
    }
    records
        .iter()
        .filter(|r| r.counts())
        .max_by_key(|r| r.started.timestamp())
        .and_then(|r| find(&r.routine_id))
}

/// What is suggested: a name and a length in whole minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub name: String,
    pub minutes: u64,
}

impl Suggestion {
    pub fn of(routine: &Routine) -> Self {
        Suggestion {
            name: routine.name.clone(),
            minutes: crate::format::minutes(Timeline::new(routine).total.as_secs()),
        }
    }
}

/// What to say at `now`; `None` when today's practice is done.
#[cfg(test)]
pub fn notice(records: &[Record], now: &Zoned, routine: Option<&Routine>) -> Option<Notice> {
    notice_of(records, now, routine.map(Suggestion::of))
}

/// `notice`, for a suggestion that need not be a routine yet (a rotation
/// day of the plan, composed only when it is run).
pub fn notice_of(records: &[Record], now: &Zoned, suggested: Option<Suggestion>) -> Option<Notice> {
    let today = now.date();
    let done = records
        .iter()
        .any(|r| r.outcome == Outcome::Finished && r.counts() && r.started.date() == today);
    if done {
        return None;
    }
    let streak = Stats::compute(records, now).current_streak;
    let body = match suggested {
        Some(s) => format!(
            "{} · {} min · streak {streak}",
            crate::text::escape_inline(&s.name),
            s.minutes
        ),
        None => format!("Time for today's practice · streak {streak}"),
    };
    Some(Notice {
        summary: "knotless: today's practice".to_owned(),
        body,
    })
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    use super::*;
    use crate::routine::builtin;

    fn record(started: &str, outcome: &str, preview: bool) -> Record {
        serde_json::from_str(&format!(
            r#"{{"v":1,"started":"{started}","routine_id":"daily-back","routine_name":"Daily back reset","planned_seconds":729,"practised_seconds":729,"outcome":"{outcome}","steps":10,"steps_done":10,"preview":{preview}}}"#
        ))
        .unwrap()
    }

    fn evening() -> Zoned {
        date(2026, 3, 11)
            .at(18, 30, 0, 0)
            .to_zoned(TimeZone::UTC)
            .unwrap()
    }

    #[test]
    fn a_day_already_done_sends_nothing() {
        let records = [record("2026-03-11T07:00:00Z", "finished", false)];
        assert_eq!(notice(&records, &evening(), None), None);
    }

    #[test]
    fn a_stopped_session_or_a_preview_does_not_count_as_done() {
        let routine = builtin::routine("daily-back");
        let records = [
            record("2026-03-09T07:00:00Z", "finished", false),
            record("2026-03-10T07:00:00Z", "finished", false),
            record("2026-03-11T07:00:00Z", "stopped", false),
            record("2026-03-11T08:00:00Z", "finished", true),
        ];
        let n = notice(&records, &evening(), Some(&routine)).unwrap();
        let minutes = crate::format::minutes(Timeline::new(&routine).total.as_secs());
        assert_eq!(
            n.body,
            format!("Daily back reset · {minutes} min · streak 2")
        );
    }

    #[test]
    fn the_routine_named_else_the_one_practised_last() {
        let all: Vec<Routine> = ["daily-back", "desk-break"].map(builtin::routine).to_vec();
        let find = |id: &str| all.iter().find(|r| r.id == id);
        let records = [record("2026-03-10T07:00:00Z", "finished", false)];
        assert_eq!(
            planned(Some("desk-break"), &records, find).unwrap().id,
            "desk-break"
        );
        assert_eq!(planned(None, &records, find).unwrap().id, "daily-back");
        assert!(planned(None, &[], find).is_none());
        let n = notice(&[], &evening(), None).unwrap();
        assert_eq!(n.body, "Time for today's practice · streak 0");
    }

    #[test]
    fn a_plans_rotation_day_is_named_with_its_minutes() {
        let records = [record("2026-03-10T07:00:00Z", "finished", false)];
        let today = Suggestion {
            name: "Today: neck and shoulders".into(),
            minutes: 12,
        };
        let n = notice_of(&records, &evening(), Some(today)).unwrap();
        assert_eq!(n.body, "Today: neck and shoulders · 12 min · streak 1");
    }
}
