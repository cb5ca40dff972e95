//! Streaks and totals, computed from records and "now": pure, no clock, no
//! files.
//!
//! Days are calendar days, never 24-hour spans: a session's day is the date
//! on the user's clock when it began (at the UTC offset recorded with it),
//! and "today" is the date of `now` in its time zone. Days around a
//! daylight-saving change are 23 or 25 hours long and still one day each.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::Zoned;
use jiff::civil::Date;

use super::record::Record;
use super::resume::Chains;

/// Sessions and time practised in some period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Total {
    pub sessions: u32,
    pub seconds: u64,
}

impl Total {
    fn add(&mut self, record: &Record) {
        self.sessions = self.sessions.saturating_add(1);
        self.seconds = self.seconds.saturating_add(record.practised_seconds);
    }
}

/// How much a routine changed how tense the user felt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TensionChange {
    /// Mean of (after - before) on the 0-10 scale: negative is calmer.
    pub average: f64,
    /// Sessions with both answers.
    pub sessions: u32,
}

/// One routine's sessions.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutineStats {
    pub id: String,
    /// The name in its latest session.
    pub name: String,
    pub sessions: u32,
    pub finished: u32,
    pub seconds: u64,
    /// `None` until a session stored both tension answers.
    pub tension: Option<TensionChange>,
}

/// Everything the history screen and `knotless history` show.
///
/// Previews (sped-up runs) count nowhere but in `previews`. Stopped
/// sessions count in the totals, the days and the routines, since that time
/// was practised; only finished ones make a streak
/// (a routine finished across parts on one day counts as finished).
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// The date of "now".
    pub date: Date,
    /// Days in a row with a finished session, up to today, or up to
    /// yesterday while today has none yet.
    pub current_streak: u32,
    pub longest_streak: u32,
    pub today: Total,
    /// The ISO week of `date`, Monday to Sunday.
    pub week: Total,
    pub month: Total,
    pub all_time: Total,
    pub previews: u32,
    /// Most sessions first, then by name.
    pub routines: Vec<RoutineStats>,
    /// The latest session to begin, previews left out.
    pub last: Option<Record>,
    /// Seconds practised on each day that has any.
    pub days: BTreeMap<Date, u64>,
}

impl Stats {
    pub fn compute(records: &[Record], now: &Zoned) -> Self {
        let date = now.date();
        let week = date.iso_week_date();
        let mut stats = Stats {
            date,
            current_streak: 0,
            longest_streak: 0,
            today: Total::default(),
            week: Total::default(),
            month: Total::default(),
            all_time: Total::default(),
            previews: 0,
            routines: Vec::new(),
            last: None,
            days: BTreeMap::new(),
        };
        let mut finished_days = BTreeSet::new();
        let chains = Chains::new(records);
        let mut routines: HashMap<&str, (RoutineStats, &Record, i64)> = HashMap::new();
        for record in records {
            if !record.counts() {
                stats.previews = stats.previews.saturating_add(1);
                continue;
            }
            let day = record.started.date();
            stats.all_time.add(record);
            if day == date {
                stats.today.add(record);
            }
            let iso = day.iso_week_date();
            if (iso.year(), iso.week()) == (week.year(), week.week()) {
                stats.week.add(record);
            }
            if (day.year(), day.month()) == (date.year(), date.month()) {
                stats.month.add(record);
            }
            let seconds = stats.days.entry(day).or_default();
            *seconds = seconds.saturating_add(record.practised_seconds);
            // A routine finished across parts on one day counts that day.
            if chains.finishes_routine(record) {
                finished_days.insert(day);
            }
            if stats
                .last
                .as_ref()
                .is_none_or(|l| l.started <= record.started)
            {
                stats.last = Some(record.clone());
            }
            let (entry, latest, change_sum) =
                routines.entry(&record.routine_id).or_insert_with(|| {
                    let empty = RoutineStats {
                        id: record.routine_id.clone(),
                        name: String::new(),
                        sessions: 0,
                        finished: 0,
                        seconds: 0,
                        tension: None,
                    };
                    (empty, record, 0)
                });
            add_to_routine(entry, record, change_sum);
            if latest.started <= record.started {
                *latest = record;
            }
        }
        stats.routines = routines
            .into_values()
            .map(|(mut r, latest, change_sum)| {
                r.name = latest.routine_name.clone();
                if let Some(t) = &mut r.tension {
                    t.average = change_sum as f64 / f64::from(t.sessions);
                }
                r
            })
            .collect();
        stats
            .routines
            .sort_by(|a, b| (b.sessions, &a.name, &a.id).cmp(&(a.sessions, &b.name, &b.id)));
        (stats.current_streak, stats.longest_streak) = streaks(&finished_days, date);
        stats
    }

    /// Minutes practised on `day`, previews left out.
    pub fn minutes_on(&self, day: Date) -> u64 {
        minutes(self.days.get(&day).copied().unwrap_or(0))
    }
}

fn add_to_routine(entry: &mut RoutineStats, record: &Record, change_sum: &mut i64) {
    entry.sessions = entry.sessions.saturating_add(1);
    entry.finished = entry.finished.saturating_add(u32::from(record.finished()));
    entry.seconds = entry.seconds.saturating_add(record.practised_seconds);
    if let Some(change) = record.tension_change() {
        *change_sum = change_sum.saturating_add(i64::from(change));
        let t = entry.tension.get_or_insert(TensionChange {
            average: 0.0,
            sessions: 0,
        });
        t.sessions = t.sessions.saturating_add(1);
    }
}

/// (current, longest) runs of consecutive days in `days`.
fn streaks(days: &BTreeSet<Date>, today: Date) -> (u32, u32) {
    let mut longest = 0;
    let mut run: u32 = 0;
    let mut prev: Option<Date> = None;
    for &day in days {
        run = match prev {
            Some(p) if p.tomorrow().ok() == Some(day) => run.saturating_add(1),
            _ => 1,
        };
        longest = longest.max(run);
        prev = Some(day);
    }
    // Days after today (a clock that was wrong) do not hold up a streak.
    let Some(&latest) = days.range(..=today).next_back() else {
        return (0, longest);
    };
    if latest != today && Some(latest) != today.yesterday().ok() {
        return (0, longest);
    }
    let mut current: u32 = 0;
    let mut day = Some(latest);
    while let Some(d) = day.filter(|d| days.contains(d)) {
        current = current.saturating_add(1);
        day = d.yesterday().ok();
    }
    (current, longest)
}

/// What the done screen shows after a session.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Glance {
    pub current_streak: u32,
    /// Seconds practised today, previews left out.
    pub today_seconds: u64,
    /// The running average of the tension change over every session that
    /// stored both answers (all routines); `None` before the first.
    pub tension: Option<TensionChange>,
}

impl Glance {
    pub fn today_minutes(&self) -> u64 {
        minutes(self.today_seconds)
    }
}

/// The streak and today's time, for the done screen. `records` should
/// include the session just recorded.
pub fn glance(records: &[Record], now: &Zoned) -> Glance {
    let stats = Stats::compute(records, now);
    Glance {
        current_streak: stats.current_streak,
        today_seconds: stats.today.seconds,
        tension: overall_tension(&stats.routines),
    }
}

/// Every routine's tension averages as one, weighted by their sessions.
fn overall_tension(routines: &[RoutineStats]) -> Option<TensionChange> {
    let (sum, sessions) =
        routines
            .iter()
            .filter_map(|r| r.tension)
            .fold((0.0, 0u32), |(sum, n), t| {
                (
                    sum + t.average * f64::from(t.sessions),
                    n.saturating_add(t.sessions),
                )
            });
    (sessions > 0).then(|| TensionChange {
        average: sum / f64::from(sessions),
        sessions,
    })
}

/// The `n` sessions that began last, latest first, previews included.
pub fn recent(records: &[Record], n: usize) -> Vec<&Record> {
    let mut order: Vec<(usize, &Record)> = records.iter().enumerate().collect();
    // Later in the file breaks a tie: it was recorded later.
    order.sort_by(|(i, a), (j, b)| (&b.started, j).cmp(&(&a.started, i)));
    order.into_iter().take(n).map(|(_, r)| r).collect()
}

pub use crate::format::{minutes, minutes_words as duration_words};

/// "1 day", "12 days".
pub fn days_words(n: u32) -> String {
    crate::format::plural(n, "day", "days")
}
