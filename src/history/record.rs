//! One session as it is kept: a line of JSON a user can read.

use std::time::Duration;

use jiff::Zoned;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::problem::LineProblem;
use crate::routine::Routine;
use crate::session::Summary;

/// The record format this build writes and reads. A line with a higher
/// version is skipped with a warning rather than misread.
pub const FORMAT: u32 = 1;

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The routine ran to its end.
    Finished,
    /// The user stopped early, or the program was ended (quit, Ctrl-C,
    /// SIGTERM, SIGHUP, a lost terminal).
    Stopped,
}

/// A step the user skipped with "next".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedStep {
    /// Index into the routine's steps, from 0.
    pub index: usize,
    pub title: String,
}

/// One session. Fields added later are optional, and unknown fields are
/// ignored, so older and newer builds of format 1 read each other's lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The format version, `FORMAT` when written by this build.
    pub v: u32,
    /// When the session began, in the user's time zone then. Written as
    /// RFC 3339 with its UTC offset ("2026-03-10T07:30:05+01:00"); held
    /// with a fixed-offset time zone, so the local day and time a user
    /// lived are kept even after they move or the clocks change.
    #[serde(with = "rfc3339")]
    pub started: Zoned,
    pub routine_id: String,
    pub routine_name: String,
    /// The routine's planned length. For a preview (`speed` > 1) this and
    /// the other lengths are routine time, not wall-clock time.
    pub planned_seconds: u64,
    /// Time spent in the session, pauses excluded.
    pub practised_seconds: u64,
    #[serde(default)]
    pub paused_seconds: u64,
    pub outcome: Outcome,
    /// Steps in the routine, and steps run to their end.
    pub steps: usize,
    pub steps_done: usize,
    #[serde(default)]
    pub skipped: Vec<SkippedStep>,
    /// Run faster than real time to preview a routine: kept, but never
    /// counted in streaks or totals.
    #[serde(default)]
    pub preview: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// How tense the user felt before and after, 0-10, when asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tension_before: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tension_after: Option<u8>,
    /// A stopped session: the step (from 0) it was in, where `--resume`
    /// picks it up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_at_step: Option<usize>,
    /// A resumed session: the `started` of the line it continues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continues: Option<String>,
    /// A resumed session: the step (from 0) it began at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_step: Option<usize>,
    /// A routine fitted to other minutes: the minutes asked (then
    /// `planned_seconds` is the fitted length) and its length as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fitted_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_seconds: Option<u64>,
    /// This session's own id (`new_session_id`), in lines written since
    /// it was added: sessions alike in every other field are still two.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// What the routine's steps were (`steps_fingerprint`), so a stopped
    /// session is not continued into steps edited since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps_fingerprint: Option<String>,
}

impl Record {
    /// The record of a session that ran `routine`, began at `started`
    /// (`Zoned::now()` when the session began) and ran at `speed`.
    pub fn from_summary(routine: &Routine, summary: &Summary, started: &Zoned, speed: f64) -> Self {
        let skipped = summary
            .skipped
            .iter()
            .map(|&index| SkippedStep {
                index,
                title: routine
                    .steps
                    .get(index)
                    .map(|s| s.title.clone())
                    .unwrap_or_default(),
            })
            .collect();
        let preview = speed > 1.0;
        Self {
            v: FORMAT,
            started: whole_second(started),
            routine_id: routine.id.clone(),
            routine_name: routine.name.clone(),
            planned_seconds: seconds(summary.planned),
            practised_seconds: seconds(summary.practised),
            paused_seconds: seconds(summary.paused),
            outcome: if summary.finished {
                Outcome::Finished
            } else {
                Outcome::Stopped
            },
            steps: routine.steps.len(),
            steps_done: summary.completed_steps,
            skipped,
            preview,
            speed: preview.then_some(speed),
            tension_before: None,
            tension_after: None,
            stopped_at_step: (!summary.finished).then(|| stopped_at(routine, summary)),
            continues: routine.run.resumes.as_ref().map(|r| r.record.clone()),
            first_step: routine.run.resumes.as_ref().map(|r| r.step),
            fitted_minutes: routine.run.fitted.map(|f| f.minutes),
            written_seconds: routine.run.fitted.map(|f| seconds(f.written)),
            session_id: Some(new_session_id()),
            steps_fingerprint: Some(steps_fingerprint(routine)),
        }
    }

    /// `started` exactly as the line writes it: what `continues` names.
    pub fn started_text(&self) -> String {
        self.started
            .timestamp()
            .display_with_offset(self.started.offset())
            .to_string()
    }

    pub fn finished(&self) -> bool {
        self.outcome == Outcome::Finished
    }

    /// Counts in streaks and totals: anything but a sped-up preview.
    pub fn counts(&self) -> bool {
        !self.preview
    }

    /// After minus before, when both were asked.
    pub fn tension_change(&self) -> Option<i32> {
        Some(i32::from(self.tension_after?) - i32::from(self.tension_before?))
    }

    /// What a line must satisfy beyond its shape.
    pub(super) fn check(&self) -> Result<(), LineProblem> {
        if self.v != FORMAT {
            return Err(LineProblem::version(self.v));
        }
        // Far above any routine knotless runs (500 steps of two hours, two
        // sides each): a larger number was not written by knotless, and
        // would swamp every total it is added to.
        for (name, value) in [
            ("planned_seconds", self.planned_seconds),
            ("practised_seconds", self.practised_seconds),
            ("paused_seconds", self.paused_seconds),
        ] {
            if value > MAX_SECONDS {
                return Err(LineProblem::TooLong { name, value });
            }
        }
        if self.steps > MAX_STEPS {
            return Err(LineProblem::TooManySteps(self.steps));
        }
        if self.steps_done > self.steps {
            return Err(LineProblem::MoreDoneThanSteps {
                done: self.steps_done,
                steps: self.steps,
            });
        }
        for (name, value) in [
            ("tension_before", self.tension_before),
            ("tension_after", self.tension_after),
        ] {
            if value.is_some_and(|t| t > 10) {
                return Err(LineProblem::Tension(name));
            }
        }
        Ok(())
    }
}

/// The step a stopped session was in. The session runs its steps in
/// order, so the steps done and skipped since it began come before it; a
/// step gone back to and stopped in again counts as reached.
fn stopped_at(routine: &Routine, summary: &Summary) -> usize {
    let reached = routine.run.first_step() + summary.completed_steps + summary.skipped.len();
    reached.min(routine.steps.len().saturating_sub(1))
}

/// The most seconds a record's lengths may hold: 2,000 hours.
pub const MAX_SECONDS: u64 = 2_000 * 3600;
/// The most steps a routine may have, with room for later formats.
pub const MAX_STEPS: usize = 10_000;

/// What a routine's steps are, in 16 hex digits: their kinds, titles,
/// areas, sides and instructions, in order (not their lengths, which
/// `--minutes` changes). FNV-1a, so the same steps give the same digits in
/// every build.
pub fn steps_fingerprint(routine: &Routine) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |text: &str| {
        for b in text.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for step in &routine.steps {
        eat(&format!("{:?}", step.kind));
        eat(&step.title);
        eat(&format!("{:?}", step.area));
        eat(&format!("{:?}", step.sides));
        eat(&step.instructions);
    }
    format!("{h:016x}")
}

/// A new session's id: 64 random bits in hex. Two sessions of one routine
/// that end in the same second on one machine (twenty copies run at once)
/// make lines that differ only here, so each counts; a line copied by a
/// sync tool keeps its id and counts once.
pub fn new_session_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    // Keyed at random for each process (no extra dependency for a few
    // random bits); the time and a counter tell apart the sessions of one
    // process.
    static COUNT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.write_u128(nanos);
    format!("{:016x}", h.finish())
}

/// Whole seconds, rounded, as `clock` shows them.
fn seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_millis() >= 500)
}

/// `at` to the second, at its own UTC offset.
fn whole_second(at: &Zoned) -> Zoned {
    let ts = jiff::Timestamp::from_second(at.timestamp().as_second()).unwrap_or(at.timestamp());
    ts.to_zoned(TimeZone::fixed(at.offset()))
}

/// `Zoned` as an RFC 3339 timestamp with its offset, in and out.
mod rfc3339 {
    use jiff::fmt::temporal::Pieces;
    use jiff::tz::{Offset, TimeZone};
    use jiff::{Timestamp, Zoned};
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::history::problem::StartedProblem;

    pub fn serialize<S: Serializer>(at: &Zoned, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&at.timestamp().display_with_offset(at.offset()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Zoned, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).map_err(D::Error::custom)
    }

    pub fn parse(text: &str) -> Result<Zoned, StartedProblem> {
        let problem = || StartedProblem::Shape(text.to_owned());
        let pieces = Pieces::parse(text).map_err(|_| problem())?;
        let offset: Offset = pieces.to_numeric_offset().ok_or_else(problem)?;
        // Well formed, but past the last instant the date library holds
        // (9999-12-30): say so, rather than blame its shape.
        let ts: Timestamp = text
            .parse()
            .map_err(|_| StartedProblem::TooFar(text.to_owned()))?;
        Ok(ts.to_zoned(TimeZone::fixed(offset)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daily_back() -> Routine {
        crate::routine::builtin::routine("daily-back")
    }

    fn stopped() -> Summary {
        Summary {
            planned: Duration::from_secs(729),
            practised: Duration::from_millis(312_600),
            paused: Duration::from_secs(40),
            completed_steps: 3,
            skipped: vec![1, 42],
            finished: false,
        }
    }

    fn berlin(text: &str) -> Zoned {
        let tz = TimeZone::get("Europe/Berlin")
            .unwrap_or_else(|_| TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap());
        text.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(tz)
            .unwrap()
    }

    #[test]
    fn a_summary_becomes_one_readable_line() {
        let started = berlin("2026-03-10T07:30:05.25");
        let mut record = Record::from_summary(&daily_back(), &stopped(), &started, 1.0);
        let id = record.session_id.clone().unwrap();
        assert!(
            id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
        record.session_id = Some("5f3a9c0d2b1e4a77".into());
        let fingerprint = record.steps_fingerprint.take().unwrap();
        assert_eq!(fingerprint, steps_fingerprint(&daily_back()));
        let line = serde_json::to_string(&record).unwrap();
        let title = &daily_back().steps[1].title;
        assert_eq!(
            line,
            format!(
                concat!(
                    r#"{{"v":1,"started":"2026-03-10T07:30:05+01:00","routine_id":"daily-back","#,
                    r#""routine_name":"Daily back reset","planned_seconds":729,"practised_seconds":313,"#,
                    r#""paused_seconds":40,"outcome":"stopped","steps":10,"steps_done":3,"#,
                    r#""skipped":[{{"index":1,"title":"{title}"}},{{"index":42,"title":""}}],"preview":false,"#,
                    r#""stopped_at_step":5,"session_id":"5f3a9c0d2b1e4a77"}}"#
                ),
                title = title
            )
        );
        let back: Record = serde_json::from_str(&line).unwrap();
        assert_eq!(back, record);
        assert_eq!(back.started.offset(), jiff::tz::offset(1));
        assert_eq!(back.started.time(), jiff::civil::time(7, 30, 5, 0));
    }

    #[test]
    fn sessions_alike_in_all_else_have_their_own_ids() {
        let started = berlin("2026-03-10T07:30:05");
        let ids: std::collections::HashSet<_> = (0..20)
            .map(|_| Record::from_summary(&daily_back(), &stopped(), &started, 1.0).session_id)
            .collect();
        assert_eq!(ids.len(), 20);
    }

    #[test]
    fn a_sped_up_run_is_a_preview_with_its_speed() {
        let started = berlin("2026-07-01T21:00");
        let record = Record::from_summary(&daily_back(), &stopped(), &started, 10.0);
        assert!(record.preview && !record.counts());
        assert_eq!(record.speed, Some(10.0));
        let line = serde_json::to_string(&record).unwrap();
        assert!(
            line.contains(r#""started":"2026-07-01T21:00:00+02:00""#),
            "{line}"
        );
        assert!(line.contains(r#""preview":true,"speed":10.0"#), "{line}");
    }

    #[test]
    fn started_needs_an_offset() {
        assert!(rfc3339::parse("2026-03-10T07:30:05Z").is_ok());
        assert!(rfc3339::parse("2026-03-10T07:30:05-04:00").is_ok());
        assert!(rfc3339::parse("2026-03-10T07:30:05").is_err());
        assert!(rfc3339::parse("yesterday").is_err());
    }

    #[test]
    fn a_fitted_and_resumed_run_says_so_and_old_lines_still_read() {
        let mut routine = crate::fit::fit(&daily_back(), 10).unwrap();
        routine.run.resumes = Some(crate::routine::Resumes {
            record: "2026-03-10T07:30:05+01:00".into(),
            step: 4,
        });
        let started = berlin("2026-03-10T09:00");
        let record = Record::from_summary(&routine, &stopped(), &started, 1.0);
        assert_eq!(record.fitted_minutes, Some(10));
        let written = crate::timeline::Timeline::new(&daily_back()).total;
        assert_eq!(record.written_seconds, Some(seconds(written)));
        assert_eq!(
            record.continues.as_deref(),
            Some("2026-03-10T07:30:05+01:00")
        );
        assert_eq!(record.first_step, Some(4));
        // From step 4, three done and two skipped: stopped in the last step.
        assert_eq!(record.stopped_at_step, Some(9));
        let line = serde_json::to_string(&record).unwrap();
        assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), record);
        assert_eq!(record.started_text(), "2026-03-10T09:00:00+01:00");

        let old = r#"{"v":1,"started":"2026-03-10T07:30:00+01:00","routine_id":"r","routine_name":"R","planned_seconds":60,"practised_seconds":60,"outcome":"finished","steps":1,"steps_done":1}"#;
        let old: Record = serde_json::from_str(old).unwrap();
        assert_eq!(
            (old.continues, old.fitted_minutes, old.stopped_at_step),
            (None, None, None)
        );
    }

    #[test]
    fn tension_is_optional_and_checked() {
        let mut record =
            Record::from_summary(&daily_back(), &stopped(), &berlin("2026-03-10T07:30"), 1.0);
        assert_eq!(record.tension_change(), None);
        record.tension_before = Some(7);
        record.tension_after = Some(3);
        assert_eq!(record.tension_change(), Some(-4));
        assert!(record.check().is_ok());
        record.tension_after = Some(11);
        assert_eq!(
            record.check().unwrap_err(),
            LineProblem::Tension("tension_after")
        );
    }
}
