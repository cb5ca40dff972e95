//! Picking up a stopped session: where it stopped, and whether a routine
//! finished across parts counts as finished. Pure, from records and "now".

use std::collections::HashMap;

use jiff::{SignedDuration, Zoned};

use super::record::{Record, steps_fingerprint};
use crate::routine::{Resumes, Routine};

/// A stopped session can be continued for this long after it stopped.
pub const RESUME_WITHIN: SignedDuration = SignedDuration::from_hours(12);

/// Where a stopped session of a routine can be continued.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumePoint {
    /// The `started` of its history line, which the continued part names.
    pub record: String,
    /// The step (from 0) it stopped in: the continued part starts there.
    pub step: usize,
    /// The routine's steps, for "stopped at step 6 of 10".
    pub steps: usize,
    /// When it stopped.
    pub stopped: Zoned,
    /// The minutes it was fitted to, so the continued part runs the same
    /// lengths.
    pub fitted_minutes: Option<u32>,
}

impl ResumePoint {
    /// "stopped at step 6 of 10", for the picker and preflight.
    pub fn words(&self) -> String {
        format!("stopped at step {} of {}", self.step + 1, self.steps)
    }

    /// `routine` set to continue from this point: the session starts at the
    /// step, and its history line names the line it continues.
    pub fn apply(&self, mut routine: Routine) -> Routine {
        routine.run.resumes = Some(Resumes {
            record: self.record.clone(),
            step: self.step,
        });
        routine
    }
}

/// Why there is nothing to continue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoResume {
    #[error("no session of it stopped partway in the last 12 hours")]
    Nothing,
    /// The routine's steps are not those the session stopped in: it was
    /// edited since (or another routine took its id).
    #[error(
        "it was edited since its session stopped (its steps are not the ones that session ran), so that session cannot be continued"
    )]
    Edited,
}

/// Where the latest session of `routine` can be continued: it stopped (was
/// not finished) partway, within `RESUME_WITHIN` of `now`, and the routine
/// still has the steps it had. Previews are left out. `None` when the
/// latest session finished, or stopped before its first step was done.
pub fn resume_point(records: &[Record], routine: &Routine, now: &Zoned) -> Option<ResumePoint> {
    resume_check(records, routine, now).ok()
}

/// As `resume_point`, with the reason when there is nothing to continue.
pub fn resume_check(
    records: &[Record],
    routine: &Routine,
    now: &Zoned,
) -> Result<ResumePoint, NoResume> {
    let latest = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.routine_id == routine.id && r.counts())
        // Later in the file breaks a tie: it was recorded later.
        .max_by(|(i, a), (j, b)| (&a.started, i).cmp(&(&b.started, j)))
        .map(|(_, r)| r)
        .ok_or(NoResume::Nothing)?;
    if latest.finished() {
        return Err(NoResume::Nothing);
    }
    let edited = latest.steps != routine.steps.len()
        || latest
            .steps_fingerprint
            .as_ref()
            .is_some_and(|f| *f != steps_fingerprint(routine));
    let point = stopped_point(latest, now).ok_or(NoResume::Nothing)?;
    if edited {
        return Err(NoResume::Edited);
    }
    Ok(point)
}

/// Where `latest`, a stopped session, can be continued at `now`.
fn stopped_point(latest: &Record, now: &Zoned) -> Option<ResumePoint> {
    // Lines from before resuming existed: the steps done and skipped came
    // first, in order.
    let step = latest
        .stopped_at_step
        .unwrap_or(latest.steps_done + latest.skipped.len());
    if step == 0 || step >= latest.steps {
        return None;
    }
    let spent = SignedDuration::from_secs(
        latest
            .practised_seconds
            .saturating_add(latest.paused_seconds)
            .min(i64::MAX as u64) as i64,
    );
    let stopped = latest.started.checked_add(spent).ok()?;
    let ago = now.timestamp().duration_since(stopped.timestamp());
    if ago > RESUME_WITHIN || ago < -SignedDuration::from_mins(5) {
        return None;
    }
    Some(ResumePoint {
        record: latest.started_text(),
        step,
        steps: latest.steps,
        stopped,
        fitted_minutes: latest.fitted_minutes,
    })
}

/// Whether a finished record finishes its routine: a whole session does;
/// a continued part does when every part before it, back to the one that
/// began the routine, is in the history and began the same day.
pub(super) struct Chains<'a> {
    by_start: HashMap<(&'a str, String), &'a Record>,
}

impl<'a> Chains<'a> {
    pub(super) fn new(records: &'a [Record]) -> Self {
        let by_start = records
            .iter()
            .map(|r| ((r.routine_id.as_str(), r.started_text()), r))
            .collect();
        Self { by_start }
    }

    pub(super) fn finishes_routine(&self, record: &Record) -> bool {
        if !record.finished() {
            return false;
        }
        let day = record.started.date();
        let mut part = record;
        // Each link goes to an earlier line; the bound only guards a file
        // edited by hand into a loop.
        for _ in 0..=self.by_start.len() {
            let Some(earlier) = &part.continues else {
                return true;
            };
            match self
                .by_start
                .get(&(part.routine_id.as_str(), earlier.clone()))
            {
                Some(prev) if prev.started.date() == day && prev.counts() => part = prev,
                _ => return false,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(started: &str, outcome: &str, extra: &str) -> Record {
        let text = format!(
            r#"{{"v":1,"started":"{started}","routine_id":"daily-back","routine_name":"Daily back reset",
            "planned_seconds":729,"practised_seconds":300,"outcome":"{outcome}","steps":10,"steps_done":4{extra}}}"#
        );
        serde_json::from_str(&text).unwrap()
    }

    fn now(text: &str) -> Zoned {
        text.parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)))
    }

    fn daily() -> Routine {
        crate::routine::builtin::routine("daily-back")
    }

    #[test]
    fn a_stopped_session_can_be_continued_for_twelve_hours() {
        let records = vec![line(
            "2026-03-10T07:30:00+01:00",
            "stopped",
            r#","stopped_at_step":5"#,
        )];
        let p = resume_point(&records, &daily(), &now("2026-03-10T08:00:00+01:00")).unwrap();
        assert_eq!(p.step, 5);
        assert_eq!(p.record, "2026-03-10T07:30:00+01:00");
        assert_eq!(p.words(), "stopped at step 6 of 10");
        assert_eq!(p.stopped.time(), jiff::civil::time(7, 35, 0, 0));
        // It stopped at 07:35: resumable until 19:35.
        assert!(resume_point(&records, &daily(), &now("2026-03-10T19:35:00+01:00")).is_some());
        assert!(resume_point(&records, &daily(), &now("2026-03-10T19:36:00+01:00")).is_none());
        let r = p.apply(daily());
        assert_eq!(r.run.first_step(), 5);
    }

    #[test]
    fn nothing_to_continue_after_a_finish_a_preview_or_an_edit() {
        let stopped = line(
            "2026-03-10T07:30:00+01:00",
            "stopped",
            r#","stopped_at_step":5"#,
        );
        let at = now("2026-03-10T09:00:00+01:00");
        let finished = line("2026-03-10T08:00:00+01:00", "finished", "");
        assert!(resume_point(&[stopped.clone(), finished], &daily(), &at).is_none());
        let preview = line(
            "2026-03-10T08:00:00+01:00",
            "stopped",
            r#","preview":true,"stopped_at_step":2"#,
        );
        let p = resume_point(&[stopped.clone(), preview], &daily(), &at).unwrap();
        assert_eq!(p.step, 5, "a preview neither resumes nor hides");
        let mut fewer = daily();
        fewer.steps.pop();
        assert!(resume_point(std::slice::from_ref(&stopped), &fewer, &at).is_none());
        let at_start = line(
            "2026-03-10T07:30:00+01:00",
            "stopped",
            r#","stopped_at_step":0"#,
        );
        assert!(resume_point(&[at_start], &daily(), &at).is_none());
        // A fitted session resumes fitted the same way.
        let fitted = line(
            "2026-03-10T07:30:00+01:00",
            "stopped",
            r#","stopped_at_step":3,"fitted_minutes":8,"written_seconds":729"#,
        );
        let p = resume_point(&[fitted], &daily(), &at).unwrap();
        assert_eq!((p.step, p.fitted_minutes), (3, Some(8)));
        // An older line without the field: steps done and skipped.
        let old = line("2026-03-10T07:30:00+01:00", "stopped", "");
        assert_eq!(resume_point(&[old], &daily(), &at).unwrap().step, 4);
    }

    #[test]
    fn a_routine_edited_with_as_many_steps_is_not_continued_in_silence() {
        let at = now("2026-03-10T09:00:00+01:00");
        let fingerprint = crate::history::steps_fingerprint(&daily());
        let stopped = line(
            "2026-03-10T07:30:00+01:00",
            "stopped",
            &format!(r#","stopped_at_step":5,"steps_fingerprint":"{fingerprint}""#),
        );
        let records = [stopped];
        assert_eq!(resume_check(&records, &daily(), &at).unwrap().step, 5);
        // Its sixth step is now another one; as many steps as before.
        let mut edited = daily();
        edited.steps.swap(5, 6);
        assert_eq!(resume_check(&records, &edited, &at), Err(NoResume::Edited));
        assert!(resume_point(&records, &edited, &at).is_none());
        // Lengths are not content: a fitted run continues.
        let fitted = crate::fit::fit(&daily(), 10).unwrap();
        assert!(resume_check(&records, &fitted, &at).is_ok());
        // Nothing stopped: the plain reason.
        assert_eq!(resume_check(&[], &daily(), &at), Err(NoResume::Nothing));
    }

    #[test]
    fn a_routine_finished_across_parts_on_one_day_finishes_it() {
        let first = line(
            "2026-03-10T07:30:00+01:00",
            "stopped",
            r#","stopped_at_step":5"#,
        );
        let second = line(
            "2026-03-10T12:00:00+01:00",
            "finished",
            r#","continues":"2026-03-10T07:30:00+01:00","first_step":5"#,
        );
        let records = vec![first.clone(), second.clone()];
        assert!(Chains::new(&records).finishes_routine(&second));
        assert!(!Chains::new(&records).finishes_routine(&first));
        // The first part missing, or on another day: not finished.
        assert!(!Chains::new(std::slice::from_ref(&second)).finishes_routine(&second));
        let late = line(
            "2026-03-11T00:10:00+01:00",
            "finished",
            r#","continues":"2026-03-10T07:30:00+01:00","first_step":5"#,
        );
        let records = vec![first, late.clone()];
        assert!(!Chains::new(&records).finishes_routine(&late));
    }
}
