use jiff::Zoned;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;

use super::*;
use crate::routine::builtin;

fn noon(d: Date) -> Zoned {
    d.at(12, 0, 0, 0).to_zoned(TimeZone::UTC).unwrap()
}

fn line(started: &str, id: &str, practised: u64, extra: &str) -> Record {
    serde_json::from_str(&format!(
        r#"{{"v":1,"started":"{started}","routine_id":"{id}","routine_name":"R","planned_seconds":600,"practised_seconds":{practised},"outcome":"finished","steps":3,"steps_done":3{extra}}}"#
    ))
    .unwrap()
}

fn builtins(id: &str) -> Option<&'static Routine> {
    use std::sync::OnceLock;
    static ALL: OnceLock<Vec<Routine>> = OnceLock::new();
    ALL.get_or_init(|| {
        builtin::BUILTINS
            .iter()
            .map(|(id, _)| builtin::routine(id))
            .collect()
    })
    .iter()
    .find(|r| r.id == id)
}

#[test]
fn minutes_fall_on_their_day_and_old_or_preview_sessions_are_left_out() {
    let today = date(2026, 3, 11);
    let records = [
        line("2026-03-11T07:00:00Z", "x", 600, ""),
        line("2026-03-11T20:00:00Z", "x", 120, ""),
        line("2026-03-10T07:00:00Z", "x", 300, ""),
        line("2026-03-10T08:00:00Z", "x", 999, r#","preview":true"#),
        // 84 days back is one day too many.
        line("2025-12-17T07:00:00Z", "x", 60, ""),
        line("2025-12-18T07:00:00Z", "x", 60, ""),
    ];
    let p = Progress::compute(&records, &noon(today), |_| None);
    assert_eq!(p.seconds_per_day.len(), DAYS);
    assert_eq!(p.first_day, date(2025, 12, 18));
    assert_eq!(p.seconds_per_day[DAYS - 1], 720);
    assert_eq!(p.seconds_per_day[DAYS - 2], 300);
    assert_eq!(p.seconds_per_day[0], 60);
    assert_eq!(p.seconds_per_day.iter().sum::<u64>(), 1080);
}

#[test]
fn tension_is_averaged_per_week_with_its_change() {
    // Wednesday 11 March 2026: this week began on Monday 9 March.
    let records = [
        line(
            "2026-03-09T07:00:00Z",
            "x",
            60,
            r#","tension_before":7,"tension_after":4"#,
        ),
        line(
            "2026-03-11T07:00:00Z",
            "x",
            60,
            r#","tension_before":6,"tension_after":4"#,
        ),
        // Only before: counts in "before", not in the change.
        line("2026-03-10T07:00:00Z", "x", 60, r#","tension_before":8"#),
        // Sunday: the week before.
        line(
            "2026-03-08T07:00:00Z",
            "x",
            60,
            r#","tension_before":5,"tension_after":5"#,
        ),
    ];
    let p = Progress::compute(&records, &noon(date(2026, 3, 11)), |_| None);
    assert_eq!(p.weeks.len(), WEEKS);
    let this = p.weeks[WEEKS - 1];
    assert_eq!(this.monday, date(2026, 3, 9));
    assert_eq!(this.before, Some(7.0));
    assert_eq!(this.after, Some(4.0));
    assert_eq!(this.change, Some(-2.5));
    assert_eq!(this.sessions, 2);
    let last = p.weeks[WEEKS - 2];
    assert_eq!((last.monday, last.change), (date(2026, 3, 2), Some(0.0)));
    assert_eq!(p.weeks[0].monday, date(2025, 12, 22));
    assert_eq!((p.weeks[0].before, p.weeks[0].change), (None, None));
}

#[test]
fn areas_this_month_come_from_the_steps_the_session_ran() {
    let records = [
        line("2026-03-02T07:00:00Z", "jaw-face", 600, ""),
        line("2026-03-03T07:00:00Z", "gone", 300, ""),
        // Last month: not counted.
        line("2026-02-27T07:00:00Z", "jaw-face", 600, ""),
    ];
    let p = Progress::compute(&records, &noon(date(2026, 3, 11)), builtins);
    assert_eq!(p.unknown_area_seconds, 300);
    let total: u64 = p.areas.iter().map(|a| a.seconds).sum();
    assert!((599..=601).contains(&total), "{:?}", p.areas);
    let jaw = builtins("jaw-face").unwrap();
    let first = jaw.steps.iter().find_map(|s| s.area).unwrap().word();
    assert!(p.areas.iter().any(|a| a.area == first), "{:?}", p.areas);
    assert!(p.areas.windows(2).all(|w| w[0].seconds >= w[1].seconds));
}

#[test]
fn a_stopped_session_counts_only_the_steps_it_reached() {
    let routine = builtins("daily-back").unwrap();
    let first_area = routine.steps[0].area.unwrap();
    let later = routine
        .steps
        .iter()
        .filter_map(|s| s.area)
        .find(|a| *a != first_area)
        .unwrap();
    let stopped = line(
        "2026-03-02T07:00:00Z",
        "daily-back",
        100,
        r#","stopped_at_step":0"#,
    );
    let p = Progress::compute(&[stopped], &noon(date(2026, 3, 11)), builtins);
    assert_eq!(
        p.areas,
        vec![AreaSeconds {
            area: first_area.word(),
            seconds: 100
        }]
    );
    assert!(!p.areas.iter().any(|a| a.area == later.word()));
}

#[test]
fn a_generated_year_fills_every_series() {
    let today = date(2026, 3, 11);
    let records = super::super::sample::year(today, 5000);
    let p = Progress::compute(&records, &noon(today), builtins);
    assert!(p.seconds_per_day.iter().all(|&s| s > 0));
    assert!(p.weeks.iter().all(|w| w.change.is_some_and(|c| c < 0.0)));
    assert!(p.areas.len() >= 4 && p.unknown_area_seconds > 0);
}
