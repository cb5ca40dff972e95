//! The history screen's view: the calendar's days and month names, the
//! totals, the last session and the routines, all worked out from the
//! stats so that the screen only places them.

use jiff::ToSpan;
use jiff::civil::Date;

use crate::format::{minutes_shares, minutes_words, plural, whole_minutes_words};
use crate::history::{Progress, Record, Stats, days_words};
use crate::text::escape_inline;
use crate::ui::view::{
    CalendarDay, CalendarWeek, HistoryView, ProgressView, RoutineRow, TensionWeek, Totals, WEEKS,
};

/// The history as its screen shows it; `note` says which lines of the
/// file could not be read; `charts` shows the progress charts instead of
/// the calendar.
pub fn history(
    stats: &Stats,
    progress: &Progress,
    note: Option<&str>,
    charts: bool,
) -> HistoryView {
    HistoryView {
        progress: self::progress(progress),
        charts,
        weeks: calendar(stats),
        totals: Totals {
            streak: days_words(stats.current_streak),
            longest: days_words(stats.longest_streak),
            today: minutes_words(stats.today.seconds),
            week: minutes_words(stats.week.seconds),
            month: minutes_words(stats.month.seconds),
            all_time: minutes_words(stats.all_time.seconds),
        },
        last: stats.last.as_ref().map(describe),
        routines: stats
            .routines
            .iter()
            // Rounded once for all rows, so they add up to the total.
            .zip(minutes_shares(
                &stats.routines.iter().map(|r| r.seconds).collect::<Vec<_>>(),
            ))
            .map(|(r, minutes)| RoutineRow {
                name: escape_inline(&r.name).into_owned(),
                sessions: plural(r.sessions, "session", "sessions"),
                time: whole_minutes_words(minutes),
                tension: r
                    .tension
                    .map(|t| format!("tension {:+.1}", t.average))
                    .unwrap_or_default(),
            })
            .collect(),
        note: note.map(str::to_owned),
    }
}

/// The charts' series in whole minutes and words.
pub fn progress(p: &Progress) -> ProgressView {
    let unknown = crate::history::minutes(p.unknown_area_seconds);
    let mut areas_note = "Areas from each routine's steps".to_owned();
    if unknown > 0 {
        areas_note.push_str(&format!("; {unknown} min in routines not found"));
    }
    ProgressView {
        minutes_per_day: p
            .seconds_per_day
            .iter()
            .map(|&s| crate::history::minutes(s))
            .collect(),
        first_day: p.first_day.strftime("%-d %b").to_string(),
        weeks: p
            .weeks
            .iter()
            .map(|w| TensionWeek {
                before: w.before,
                after: w.after,
                change: w.change,
            })
            .collect(),
        first_week: p
            .weeks
            .first()
            .map(|w| w.monday.strftime("%-d %b").to_string())
            .unwrap_or_default(),
        month: p.date.strftime("%B").to_string(),
        areas: p
            .areas
            .iter()
            .map(|a| (a.area.to_owned(), crate::history::minutes(a.seconds)))
            .collect(),
        areas_note,
    }
}

/// `WEEKS` weeks up to the one of `stats.date`, each Monday to Sunday.
fn calendar(stats: &Stats) -> Vec<CalendarWeek> {
    let today = stats.date;
    let monday = today
        .checked_sub(i64::from(today.weekday().to_monday_zero_offset()).days())
        .unwrap_or(today);
    // Week `w` of the calendar; `WEEKS` is the week after this one.
    let start = |w: usize| -> Option<Date> {
        let back = 7 * (i64::try_from(WEEKS).ok()? - 1 - i64::try_from(w).ok()?);
        monday.checked_sub(back.days()).ok()
    };
    (0..WEEKS)
        .map(|w| {
            let begins = start(w);
            let month = begins.and_then(month_starting);
            // Name the month the calendar opens in, unless one starts at once.
            let next_names = start(w + 1).and_then(month_starting).is_some();
            let month_if_first = month.or(begins.filter(|_| !next_names));
            let day = |d: i64| {
                let date = begins?.checked_add(d.days()).ok()?;
                (date <= today).then(|| CalendarDay {
                    minutes: stats.minutes_on(date),
                    today: date == today,
                })
            };
            CalendarWeek {
                month: month.map(month_name),
                month_if_first: month_if_first.map(month_name),
                days: [0, 1, 2, 3, 4, 5, 6].map(day),
            }
        })
        .collect()
}

/// The date of the 1st of a month if one falls in the week from `monday`.
fn month_starting(monday: Date) -> Option<Date> {
    (0..7)
        .filter_map(|d| monday.checked_add(d.days()).ok())
        .find(|d| d.day() == 1)
}

/// "Mar".
fn month_name(date: Date) -> String {
    date.strftime("%b").to_string()
}

/// "Tue 10 Mar 07:30 · Daily back reset · finished".
fn describe(record: &Record) -> String {
    let outcome = if record.finished() {
        "finished"
    } else {
        "stopped"
    };
    format!(
        "{} · {} · {outcome}",
        record.started.strftime("%a %-d %b %H:%M"),
        escape_inline(&record.routine_name)
    )
}

#[cfg(test)]
mod tests {
    use jiff::Zoned;
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    use super::*;

    fn noon(d: Date) -> Zoned {
        d.at(12, 0, 0, 0).to_zoned(TimeZone::UTC).unwrap()
    }

    #[test]
    fn the_calendar_ends_this_week_and_names_the_months_it_spans() {
        // Wednesday 11 March 2026: the calendar opens on Monday 24 November.
        let now = noon(date(2026, 3, 11));
        let view = history(
            &Stats::compute(&[], &now),
            &Progress::compute(&[], &now, |_| None),
            None,
            false,
        );
        assert_eq!(view.weeks.len(), WEEKS);
        let names = |w: &CalendarWeek| (w.month.clone(), w.month_if_first.clone());
        // December starts in the next week, so the first one names nothing.
        assert_eq!(names(&view.weeks[0]), (None, None));
        assert_eq!(
            names(&view.weeks[1]),
            (Some("Dec".into()), Some("Dec".into()))
        );
        // A week in which no month starts names its own only when first.
        assert_eq!(names(&view.weeks[2]), (None, Some("Dec".into())));
        let this_week = &view.weeks[WEEKS - 1].days;
        let today = CalendarDay {
            minutes: 0,
            today: true,
        };
        assert_eq!(this_week[2], Some(today));
        assert!(this_week[..2].iter().all(|d| d.is_some_and(|d| !d.today)));
        assert!(this_week[3..].iter().all(Option::is_none), "days to come");
    }

    #[test]
    fn totals_are_written_out() {
        let now = noon(date(2026, 3, 11));
        let view = history(
            &Stats::compute(&[], &now),
            &Progress::compute(&[], &now, |_| None),
            Some("note"),
            false,
        );
        assert_eq!(view.totals.streak, "0 days");
        assert_eq!(view.totals.all_time, "0 min");
        assert_eq!((view.last, view.note.as_deref()), (None, Some("note")));
        assert!(view.routines.is_empty());
    }
}
