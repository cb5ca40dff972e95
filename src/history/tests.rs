//! Streaks and totals on calendar days: across midnight, across both
//! daylight-saving changes, and at week, month and year boundaries.

use jiff::Zoned;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::*;

/// A named zone from the system database, or the same rules written out,
/// so the tests do not depend on tzdata being installed.
fn zone(name: &str) -> TimeZone {
    let posix = match name {
        "America/New_York" => "EST5EDT,M3.2.0,M11.1.0",
        "Europe/Berlin" => "CET-1CEST,M3.5.0,M10.5.0/3",
        other => panic!("no fallback for {other}"),
    };
    TimeZone::get(name).unwrap_or_else(|_| TimeZone::posix(posix).unwrap())
}

fn at(tz: &TimeZone, local: &str) -> Zoned {
    local
        .parse::<DateTime>()
        .unwrap()
        .to_zoned(tz.clone())
        .unwrap()
}

/// A session as the app would record it, begun at `local` in `tz`.
fn session(tz: &TimeZone, local: &str, minutes: u64, finished: bool) -> Record {
    let started = at(tz, local);
    let line = format!(
        r#"{{"v":1,"started":"{}","routine_id":"daily-back","routine_name":"Daily back reset",
        "planned_seconds":729,"practised_seconds":{},"outcome":"{}","steps":10,"steps_done":10}}"#,
        started.timestamp().display_with_offset(started.offset()),
        minutes * 60,
        if finished { "finished" } else { "stopped" },
    );
    serde_json::from_str(&line).unwrap()
}

fn done(tz: &TimeZone, local: &str) -> Record {
    session(tz, local, 12, true)
}

fn streaks(records: &[Record], now: &Zoned) -> (u32, u32) {
    let s = Stats::compute(records, now);
    (s.current_streak, s.longest_streak)
}

#[test]
fn no_sessions_no_streak() {
    let tz = zone("Europe/Berlin");
    let stats = Stats::compute(&[], &at(&tz, "2026-03-10T12:00"));
    assert_eq!((stats.current_streak, stats.longest_streak), (0, 0));
    assert_eq!(stats.all_time, Total::default());
    assert_eq!(stats.last, None);
}

#[test]
fn either_side_of_midnight_are_two_days() {
    let tz = zone("Europe/Berlin");
    // Twenty minutes apart, but on two dates: a two-day streak.
    let records = [done(&tz, "2026-05-04T23:50"), done(&tz, "2026-05-05T00:10")];
    assert_eq!(streaks(&records, &at(&tz, "2026-05-05T09:00")), (2, 2));
    // Forty-seven hours apart, on consecutive dates: still two days.
    let records = [done(&tz, "2026-05-04T00:05"), done(&tz, "2026-05-05T23:55")];
    assert_eq!(streaks(&records, &at(&tz, "2026-05-05T23:59")), (2, 2));
    // Two sessions on one day are one day.
    let records = [
        done(&tz, "2026-05-05T00:00"),
        done(&tz, "2026-05-05T23:59:59"),
    ];
    assert_eq!(streaks(&records, &at(&tz, "2026-05-06T00:00")), (1, 1));
}

#[test]
fn the_current_streak_holds_until_a_day_is_missed() {
    let tz = zone("Europe/Berlin");
    let records = [
        done(&tz, "2026-05-01T08:00"),
        done(&tz, "2026-05-02T08:00"),
        done(&tz, "2026-05-03T08:00"),
    ];
    // Today not yet practised: yesterday's streak still stands.
    assert_eq!(streaks(&records, &at(&tz, "2026-05-04T23:59:59")), (3, 3));
    // A whole day missed: it is over, though it stays the longest.
    assert_eq!(streaks(&records, &at(&tz, "2026-05-05T00:00")), (0, 3));
}

#[test]
fn stopped_sessions_and_previews_make_no_streak() {
    let tz = zone("Europe/Berlin");
    let mut preview = done(&tz, "2026-05-02T08:00");
    preview.preview = true;
    preview.speed = Some(10.0);
    let records = [
        done(&tz, "2026-05-01T08:00"),
        preview,
        session(&tz, "2026-05-03T08:00", 5, false),
        done(&tz, "2026-05-04T08:00"),
    ];
    let stats = Stats::compute(&records, &at(&tz, "2026-05-04T20:00"));
    assert_eq!((stats.current_streak, stats.longest_streak), (1, 1));
    // The stopped session's time was practised; the preview's was not.
    assert_eq!(
        stats.all_time,
        Total {
            sessions: 3,
            seconds: 29 * 60
        }
    );
    assert_eq!(stats.previews, 1);
    assert_eq!(stats.days.len(), 3);
}

#[test]
fn streaks_run_through_the_spring_change_in_new_york() {
    // 2026-03-08 has 23 hours: 02:00 EST jumps to 03:00 EDT.
    let tz = zone("America/New_York");
    let late: Vec<Record> = ["03-06", "03-07", "03-08", "03-09"]
        .iter()
        .map(|d| done(&tz, &format!("2026-{d}T23:30")))
        .collect();
    assert_eq!(streaks(&late, &at(&tz, "2026-03-09T23:45")), (4, 4));
    let early: Vec<Record> = ["03-07", "03-08", "03-09"]
        .iter()
        .map(|d| done(&tz, &format!("2026-{d}T00:15")))
        .collect();
    assert_eq!(streaks(&early, &at(&tz, "2026-03-09T00:20")), (3, 3));
    // 24 hours before 00:30 on the 9th is 23:30 on the 7th; yesterday is
    // still the 8th.
    let records = [done(&tz, "2026-03-07T10:00"), done(&tz, "2026-03-08T10:00")];
    assert_eq!(streaks(&records, &at(&tz, "2026-03-09T00:30")), (2, 2));
}

#[test]
fn streaks_run_through_the_autumn_change_in_new_york() {
    // 2026-11-01 has 25 hours: 02:00 EDT falls back to 01:00 EST.
    let tz = zone("America/New_York");
    let records = [
        done(&tz, "2026-10-30T23:30"),
        done(&tz, "2026-10-31T23:30"),
        // 01:30 happens twice on this day; the first is taken.
        done(&tz, "2026-11-01T01:30"),
        done(&tz, "2026-11-02T00:10"),
    ];
    assert_eq!(streaks(&records, &at(&tz, "2026-11-02T08:00")), (4, 4));
    // 24 hours before 23:30 on the 1st is 00:30 on the 1st; yesterday is
    // still the 31st.
    let records = [done(&tz, "2026-10-30T23:30"), done(&tz, "2026-10-31T23:30")];
    assert_eq!(streaks(&records, &at(&tz, "2026-11-01T23:30")), (2, 2));
}

#[test]
fn streaks_run_through_both_changes_in_berlin() {
    let tz = zone("Europe/Berlin");
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST.
    let spring = [
        done(&tz, "2026-03-28T23:59"),
        done(&tz, "2026-03-29T00:01"),
        done(&tz, "2026-03-30T23:59"),
    ];
    assert_eq!(streaks(&spring, &at(&tz, "2026-03-31T00:30")), (3, 3));
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET.
    let autumn = [
        done(&tz, "2026-10-24T00:00"),
        done(&tz, "2026-10-25T02:30"),
        done(&tz, "2026-10-26T23:59"),
    ];
    assert_eq!(streaks(&autumn, &at(&tz, "2026-10-26T23:59:59")), (3, 3));
    assert_eq!(streaks(&autumn, &at(&tz, "2026-10-27T23:59:59")), (3, 3));
    assert_eq!(streaks(&autumn, &at(&tz, "2026-10-28T00:00")), (0, 3));
}

#[test]
fn the_longest_streak_is_found_among_several() {
    let tz = zone("Europe/Berlin");
    let days = ["01", "02", "04", "05", "06", "07", "10", "11"];
    let records: Vec<Record> = days
        .iter()
        .map(|d| done(&tz, &format!("2026-06-{d}T07:00")))
        .collect();
    assert_eq!(streaks(&records, &at(&tz, "2026-06-11T07:30")), (2, 4));
}

#[test]
fn a_session_keeps_the_day_it_was_lived() {
    // Practised at 23:30 in New York (05:30 the next day in Berlin), then
    // the user flew to Berlin: it still counts for the New York date.
    let ny = zone("America/New_York");
    let berlin = zone("Europe/Berlin");
    let records = [
        done(&ny, "2026-05-04T23:30"),
        done(&berlin, "2026-05-06T08:00"),
    ];
    let stats = Stats::compute(&records, &at(&berlin, "2026-05-06T09:00"));
    assert_eq!((stats.current_streak, stats.longest_streak), (1, 1));
    assert!(stats.days.contains_key(&jiff::civil::date(2026, 5, 4)));
}

#[test]
fn a_clock_set_wrong_does_not_hold_a_streak_up() {
    let tz = zone("Europe/Berlin");
    let records = [done(&tz, "2026-05-01T08:00"), done(&tz, "2030-01-01T08:00")];
    assert_eq!(streaks(&records, &at(&tz, "2026-05-02T08:00")), (1, 1));
}

#[test]
fn the_week_runs_monday_to_sunday() {
    let tz = zone("Europe/Berlin");
    let records = [
        session(&tz, "2026-03-08T23:59", 1, true),  // Sunday before
        session(&tz, "2026-03-09T00:00", 2, true),  // Monday
        session(&tz, "2026-03-15T23:59", 4, false), // Sunday
        session(&tz, "2026-03-16T00:00", 8, true),  // next Monday
    ];
    let sunday = Stats::compute(&records, &at(&tz, "2026-03-15T23:59:59"));
    assert_eq!(
        sunday.week,
        Total {
            sessions: 2,
            seconds: 6 * 60
        }
    );
    assert_eq!(
        sunday.today,
        Total {
            sessions: 1,
            seconds: 4 * 60
        }
    );
    let monday = Stats::compute(&records, &at(&tz, "2026-03-16T00:00:01"));
    assert_eq!(
        monday.week,
        Total {
            sessions: 1,
            seconds: 8 * 60
        }
    );
    assert_eq!(monday.month.seconds, 15 * 60);
}

#[test]
fn a_week_can_span_two_years_and_a_month_cannot() {
    let tz = zone("America/New_York");
    let records = [
        session(&tz, "2025-12-28T12:00", 1, true), // Sunday, ISO week 52
        session(&tz, "2025-12-29T12:00", 2, true), // Monday, week 1 of 2026
        session(&tz, "2025-12-31T23:59", 4, true),
        session(&tz, "2026-01-01T00:00", 8, true),
    ];
    let stats = Stats::compute(&records, &at(&tz, "2026-01-02T10:00"));
    assert_eq!(stats.week.seconds, 14 * 60);
    assert_eq!(
        stats.month,
        Total {
            sessions: 1,
            seconds: 8 * 60
        }
    );
    assert_eq!(stats.all_time.seconds, 15 * 60);
    // The 30th was missed: the streak runs from the 31st into the new year.
    assert_eq!((stats.current_streak, stats.longest_streak), (2, 2));
}

#[test]
fn the_month_ends_on_its_last_local_day() {
    let tz = zone("America/New_York");
    let records = [
        session(&tz, "2026-03-31T23:59", 3, true),
        session(&tz, "2026-04-01T00:00", 5, true),
    ];
    let march = Stats::compute(&records, &at(&tz, "2026-03-31T23:59:30"));
    assert_eq!(march.month.seconds, 3 * 60);
    let april = Stats::compute(&records, &at(&tz, "2026-04-01T00:00:30"));
    assert_eq!(april.month.seconds, 5 * 60);
    assert_eq!(april.today.seconds, 5 * 60);
}

#[test]
fn routines_are_counted_with_their_latest_name_and_tension() {
    let tz = zone("Europe/Berlin");
    let mut a = done(&tz, "2026-05-01T08:00");
    a.tension_before = Some(7);
    a.tension_after = Some(3);
    let mut b = session(&tz, "2026-05-02T08:00", 4, false);
    b.tension_before = Some(6);
    b.tension_after = Some(5);
    let mut c = done(&tz, "2026-05-03T08:00");
    c.routine_name = "Daily back reset (new)".into();
    c.tension_before = Some(5);
    let mut other = done(&tz, "2026-04-01T08:00");
    other.routine_id = "calm-down".into();
    other.routine_name = "Calm down".into();
    // Recorded out of order: the name comes from the latest to begin.
    let records = [c, a, other, b];
    let stats = Stats::compute(&records, &at(&tz, "2026-05-03T09:00"));
    assert_eq!(stats.routines.len(), 2);
    let daily = &stats.routines[0];
    assert_eq!(daily.name, "Daily back reset (new)");
    assert_eq!((daily.sessions, daily.finished), (3, 2));
    assert_eq!(daily.seconds, 28 * 60);
    assert_eq!(
        daily.tension,
        Some(TensionChange {
            average: -2.5,
            sessions: 2
        })
    );
    assert_eq!(stats.routines[1].tension, None);
    assert_eq!(
        stats.last.as_ref().unwrap().routine_name,
        "Daily back reset (new)"
    );
}

#[test]
fn recent_sessions_are_by_start_time() {
    let tz = zone("Europe/Berlin");
    let records = [
        done(&tz, "2026-05-02T08:00"),
        done(&tz, "2026-05-01T08:00"),
        session(&tz, "2026-05-03T08:00", 1, false),
    ];
    let order: Vec<u32> = recent(&records, 2)
        .iter()
        .map(|r| r.started.day() as u32)
        .collect();
    assert_eq!(order, vec![3, 2]);
}

#[test]
fn the_done_screen_glance() {
    let tz = zone("Europe/Berlin");
    let records = [
        done(&tz, "2026-05-01T08:00"),
        done(&tz, "2026-05-02T08:00"),
        session(&tz, "2026-05-02T20:00", 3, false),
    ];
    let g = glance(&records, &at(&tz, "2026-05-02T20:10"));
    assert_eq!(g.current_streak, 2);
    assert_eq!(g.today_minutes(), 15);
}

#[test]
fn words_for_time_and_days() {
    assert_eq!(minutes(0), 0);
    assert_eq!(minutes(20), 0, "never rounded up");
    assert_eq!(minutes(729), 12);
    assert_eq!(minutes(779), 12);
    assert_eq!(duration_words(0), "0 min");
    assert_eq!(duration_words(3600), "1 h");
    assert_eq!(duration_words(3 * 3600 + 5 * 60), "3 h 5 min");
    assert_eq!(days_words(1), "1 day");
    assert_eq!(days_words(12), "12 days");
}

#[test]
fn a_note_for_skipped_lines() {
    let w = |line| Warning {
        file: None,
        line: Some(line),
        byte: 0,
        problem: LineProblem::NotARecord("x".into()),
    };
    let loaded = |warnings: Vec<Warning>, skipped, notes| Loaded {
        records: vec![],
        warnings,
        skipped,
        notes,
    };
    assert_eq!(warnings_note(&loaded(vec![], 0, vec![])), None);
    assert_eq!(
        warnings_note(&loaded(vec![w(3)], 1, vec![])).unwrap(),
        "history: line 3 could not be read"
    );
    // Counted past the ones listed.
    assert_eq!(
        warnings_note(&loaded(vec![w(3), w(9)], 2_000_000, vec![])).unwrap(),
        "history: 2000000 lines could not be read"
    );
    let left = Note::FilesLeft { count: 3 };
    assert!(
        warnings_note(&loaded(vec![], 0, vec![left]))
            .unwrap()
            .contains("not read"),
    );
}
