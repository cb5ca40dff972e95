//! Progress you can see: the series the history charts draw. Minutes per
//! day over the last `DAYS` days, the average tension before and after in
//! each of the last `WEEKS` weeks, and minutes per body area this month.
//!
//! History lines do not record areas, so a session's minutes are shared
//! among the areas of the steps it ran (from its first step to the one it
//! stopped in), in proportion to those steps' lengths, when its routine is
//! known; the minutes of sessions whose routine is not found (deleted, or
//! composed for one day) are counted apart, in `unknown_area_seconds`.
//! Pure: no clock, no files; one pass over the records.

use std::collections::HashMap;

use jiff::ToSpan;
use jiff::Zoned;
use jiff::civil::Date;

use super::Record;
use crate::routine::Routine;

/// Days in the minutes-per-day series, ending today: 12 weeks.
pub const DAYS: usize = 84;
/// Weeks in the tension series, ending this week (Monday to Sunday).
pub const WEEKS: usize = 12;

#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub date: Date,
    /// The first day of `minutes_per_day`.
    pub first_day: Date,
    /// Seconds practised on each of the last `DAYS` days, oldest first.
    pub seconds_per_day: Vec<u64>,
    /// The last `WEEKS` weeks, oldest first.
    pub weeks: Vec<WeekTension>,
    /// Seconds per area this month (from the 1st), the most first.
    pub areas: Vec<AreaSeconds>,
    /// This month's seconds in sessions whose routine was not found, or
    /// whose steps name no area.
    pub unknown_area_seconds: u64,
}

/// The tension asked before and after the sessions of one week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekTension {
    pub monday: Date,
    /// Average of the answers before, 0-10; `None` when none was given.
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// Average of after minus before over the sessions with both answers.
    pub change: Option<f64>,
    /// Sessions with both answers.
    pub sessions: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaSeconds {
    /// The area's word in routine files ("lower-back").
    pub area: &'static str,
    pub seconds: u64,
}

#[derive(Default, Clone, Copy)]
struct Sums {
    before: (u32, u32),
    after: (u32, u32),
    change: (i64, u32),
}

impl Progress {
    /// The series as of `now`; `routine` finds a session's routine by id.
    pub fn compute<'r>(
        records: &[Record],
        now: &Zoned,
        routine: impl Fn(&str) -> Option<&'r Routine>,
    ) -> Self {
        let date = now.date();
        let back = |days: i64| date.checked_sub(days.days()).unwrap_or(date);
        let first_day = back(DAYS as i64 - 1);
        let monday = back(i64::from(date.weekday().to_monday_zero_offset()));
        let first_monday = monday
            .checked_sub((7 * (WEEKS as i64 - 1)).days())
            .unwrap_or(monday);
        let month_start = date.first_of_month();

        let mut seconds_per_day = vec![0u64; DAYS];
        let mut sums = [Sums::default(); WEEKS];
        let mut areas: HashMap<&'static str, f64> = HashMap::new();
        let mut unknown = 0u64;
        for record in records.iter().filter(|r| r.counts()) {
            let day = record.started.date();
            if day > date || day < first_monday.min(first_day).min(month_start) {
                continue;
            }
            if day >= first_day {
                let i = days_between(first_day, day);
                seconds_per_day[i] = seconds_per_day[i].saturating_add(record.practised_seconds);
            }
            if day >= first_monday {
                let s = &mut sums[days_between(first_monday, day) / 7];
                if let Some(b) = record.tension_before {
                    s.before = (s.before.0 + u32::from(b), s.before.1 + 1);
                }
                if let Some(a) = record.tension_after {
                    s.after = (s.after.0 + u32::from(a), s.after.1 + 1);
                }
                if let Some(c) = record.tension_change() {
                    s.change = (s.change.0 + i64::from(c), s.change.1 + 1);
                }
            }
            if day >= month_start {
                let shares = routine(&record.routine_id).map(|r| area_shares(r, record));
                match shares {
                    Some(shares) if !shares.is_empty() => {
                        for (area, share) in shares {
                            *areas.entry(area).or_default() +=
                                share * record.practised_seconds as f64;
                        }
                    }
                    _ => unknown = unknown.saturating_add(record.practised_seconds),
                }
            }
        }
        let average = |(sum, n): (u32, u32)| (n > 0).then(|| f64::from(sum) / f64::from(n));
        let weeks = sums
            .iter()
            .enumerate()
            .map(|(w, s)| WeekTension {
                monday: first_monday
                    .checked_add((7 * w as i64).days())
                    .unwrap_or(first_monday),
                before: average(s.before),
                after: average(s.after),
                change: (s.change.1 > 0).then(|| s.change.0 as f64 / f64::from(s.change.1)),
                sessions: s.change.1,
            })
            .collect();
        let mut areas: Vec<AreaSeconds> = areas
            .into_iter()
            .map(|(area, seconds)| AreaSeconds {
                area,
                seconds: seconds.round() as u64,
            })
            .filter(|a| a.seconds > 0)
            .collect();
        areas.sort_by(|a, b| b.seconds.cmp(&a.seconds).then(a.area.cmp(b.area)));
        Progress {
            date,
            first_day,
            seconds_per_day,
            weeks,
            areas,
            unknown_area_seconds: unknown,
        }
    }
}

/// Whole days from `from` to `to` (not before `from`).
fn days_between(from: Date, to: Date) -> usize {
    usize::try_from(from.until(to).map_or(0, |s| s.get_days())).unwrap_or(0)
}

/// Each area's share (0-1) of the steps `record` ran: from its first step
/// to the one it stopped in, by their lengths. Steps without an area are
/// left out; empty when none has one.
fn area_shares(routine: &Routine, record: &Record) -> Vec<(&'static str, f64)> {
    let first = record.first_step.unwrap_or(0);
    let last = record
        .stopped_at_step
        .unwrap_or(usize::MAX)
        .min(routine.steps.len().saturating_sub(1));
    let mut by_area: Vec<(&'static str, f64)> = Vec::new();
    let mut total = 0.0;
    for step in routine.steps.iter().take(last + 1).skip(first) {
        let Some(area) = step.area else { continue };
        let seconds = step.total().as_secs_f64();
        total += seconds;
        match by_area.iter_mut().find(|(a, _)| *a == area.word()) {
            Some((_, s)) => *s += seconds,
            None => by_area.push((area.word(), seconds)),
        }
    }
    if total <= 0.0 {
        return Vec::new();
    }
    by_area.iter_mut().for_each(|(_, s)| *s /= total);
    by_area
}

#[cfg(test)]
#[path = "progress_tests.rs"]
mod tests;
