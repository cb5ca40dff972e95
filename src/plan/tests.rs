use std::path::Path;

use jiff::civil::{Date, date};

use super::*;
use crate::settings::Settings;

fn plan(text: &str) -> Plan {
    Settings::parse("config.toml", text, Path::new("/cfg"))
        .unwrap()
        .plan
}

fn problems(text: &str) -> String {
    let (_, problems) = Settings::parse_lenient("config.toml", text, Path::new("/cfg"));
    problems.expect("problems").render(false)
}

/// A session of `id` named `name` on `day` at 08:00 UTC.
fn session(day: Date, id: &str, name: &str, outcome: &str, preview: bool) -> Record {
    serde_json::from_str(&format!(
        r#"{{"v":1,"started":"{day}T08:00:00Z","routine_id":"{id}","routine_name":"{name}","planned_seconds":600,"practised_seconds":600,"outcome":"{outcome}","steps":5,"steps_done":5,"preview":{preview}}}"#
    ))
    .unwrap()
}

fn finished(day: Date, id: &str) -> Record {
    session(day, id, "R", "finished", false)
}

const ROTATION: &str =
    "[plan]\nrotate = [\"neck,shoulders\", \"lower-back\", \"hips\"]\nminutes = 12\n";

/// Today's routine id on `day`.
fn id_on(plan: &Plan, day: Date, records: &[Record]) -> Option<String> {
    today(plan, day, records, name_in(&Library::builtins())).map(|p| p.id())
}

// 2026-03-09 is a Monday.
const MONDAY: Date = date(2026, 3, 9);

fn day(offset: i64) -> Date {
    MONDAY.checked_add(jiff::Span::new().days(offset)).unwrap()
}

#[test]
fn each_weekday_runs_its_routine_and_the_others_take_the_rotation() {
    let p = plan(
        "[plan]\nmonday = \"daily-back\"\nwednesday = \"desk-break\"\nsunday = \"sleep-wind-down\"\nrotate = [\"neck,shoulders\", \"hips\"]\n",
    );
    let week: Vec<String> = (0..7).map(|d| id_on(&p, day(d), &[]).unwrap()).collect();
    assert_eq!(
        week,
        [
            "daily-back",
            "plan-neck-shoulders",
            "desk-break",
            "plan-neck-shoulders",
            "plan-neck-shoulders",
            "plan-neck-shoulders",
            "sleep-wind-down",
        ],
        "nothing done yet: every rotation day offers the first entry"
    );
    let monday = today(&p, MONDAY, &[], name_in(&Library::builtins())).unwrap();
    assert_eq!(monday.name, "Daily back reset");
    let tuesday = today(&p, day(1), &[], name_in(&Library::builtins())).unwrap();
    assert_eq!(tuesday.name, "Today: neck and shoulders");
    assert_eq!(
        tuesday.what,
        What::Compose {
            entry: 0,
            areas: vec![Area::Neck, Area::Shoulders],
            minutes: DEFAULT_MINUTES
        }
    );
}

#[test]
fn without_a_rotation_a_day_with_no_routine_has_nothing_planned() {
    let p = plan("[plan]\nfriday = \"desk-break\"\n");
    assert_eq!(id_on(&p, day(4), &[]).as_deref(), Some("desk-break"));
    for d in [0, 1, 2, 3, 5, 6] {
        assert_eq!(id_on(&p, day(d), &[]), None, "day {d}");
    }
    assert!(plan("").is_empty());
    assert_eq!(
        today(&Plan::default(), MONDAY, &[], name_in(&Library::builtins())),
        None
    );
}

#[test]
fn a_routine_the_library_lacks_is_still_planned_under_its_id() {
    let p = plan("[plan]\nmonday = \"my-own\"\n");
    let planned = today(&p, MONDAY, &[], name_in(&Library::builtins())).unwrap();
    assert_eq!(planned.what, What::Routine("my-own".into()));
    assert_eq!(planned.name, "my-own");
}

#[test]
fn the_rotation_continues_from_the_last_entry_done() {
    let p = plan(ROTATION);
    let history = [finished(day(0), "plan-neck-shoulders")];
    assert_eq!(
        id_on(&p, day(1), &history).as_deref(),
        Some("plan-lower-back")
    );
    let history = [
        finished(day(0), "plan-neck-shoulders"),
        finished(day(1), "plan-lower-back"),
        finished(day(2), "plan-hips"),
    ];
    assert_eq!(
        id_on(&p, day(3), &history).as_deref(),
        Some("plan-neck-shoulders"),
        "after the last entry, the first again"
    );
}

#[test]
fn missed_days_move_nothing() {
    let p = plan(ROTATION);
    let history = [finished(day(0), "plan-neck-shoulders")];
    for later in 1..12 {
        assert_eq!(
            id_on(&p, day(later), &history).as_deref(),
            Some("plan-lower-back"),
            "{later} days later"
        );
    }
}

#[test]
fn todays_entry_stays_todays_once_done_and_says_so() {
    let p = plan(ROTATION);
    let history = [
        finished(day(0), "plan-neck-shoulders"),
        finished(day(1), "plan-lower-back"),
    ];
    let planned = today(&p, day(1), &history, name_in(&Library::builtins())).unwrap();
    assert_eq!(planned.id(), "plan-lower-back");
    assert!(planned.done);
    let before = today(&p, day(1), &history[..1], name_in(&Library::builtins())).unwrap();
    assert!(!before.done);
}

#[test]
fn stopped_sessions_previews_and_other_routines_are_not_done() {
    let p = plan(ROTATION);
    let history = [
        finished(day(0), "plan-neck-shoulders"),
        session(day(1), "plan-lower-back", "R", "stopped", false),
        session(day(2), "plan-lower-back", "R", "finished", true),
        finished(day(3), "daily-back"),
    ];
    assert_eq!(
        id_on(&p, day(4), &history).as_deref(),
        Some("plan-lower-back")
    );
}

#[test]
fn a_routine_composed_by_hand_for_an_entrys_areas_counts_as_that_entry() {
    let p = plan(ROTATION);
    let history = [session(
        day(0),
        "composed",
        "Today: lower-back",
        "finished",
        false,
    )];
    assert_eq!(id_on(&p, day(1), &history).as_deref(), Some("plan-hips"));
}

#[test]
fn an_edited_rotation_or_a_garbled_history_starts_at_the_first_entry() {
    let p = plan(ROTATION);
    let history = [
        finished(day(0), "plan-feet"),
        finished(day(1), ""),
        session(day(2), "composed", "Today: \\u001b[2J", "finished", false),
        finished(day(3), "plan-neck-shoulders-extra"),
    ];
    assert_eq!(
        id_on(&p, day(4), &history).as_deref(),
        Some("plan-neck-shoulders")
    );
    // An entry removed from the rotation is passed over for the last one
    // that is still there.
    let history = [
        finished(day(0), "plan-lower-back"),
        finished(day(1), "plan-feet"),
    ];
    assert_eq!(id_on(&p, day(2), &history).as_deref(), Some("plan-hips"));
}

#[test]
fn a_session_dated_in_the_future_does_not_move_the_rotation() {
    let p = plan(ROTATION);
    let history = [
        finished(day(0), "plan-neck-shoulders"),
        finished(day(30), "plan-lower-back"),
    ];
    assert_eq!(
        id_on(&p, day(1), &history).as_deref(),
        Some("plan-lower-back")
    );
}

#[test]
fn the_whole_table_is_read() {
    let p = plan(
        "[plan]\ntuesday = \"desk-break\"\nrotate = [\" Neck , shoulders \", \"hips,hips\"]\nminutes = 20\n",
    );
    assert_eq!(p.days[1].as_deref(), Some("desk-break"));
    assert_eq!(
        p.rotate,
        vec![vec![Area::Neck, Area::Shoulders], vec![Area::Hips]]
    );
    assert_eq!(p.minutes, 20);
    assert_eq!(plan("[plan]\nmonday = \"x\"\n").minutes, DEFAULT_MINUTES);
}

#[test]
fn mistakes_are_pointed_at_with_how_to_fix_them() {
    let text = problems("[plan]\nmondy = \"daily-back\"\n");
    assert!(text.contains("config.toml:2:1"), "{text}");
    assert!(text.contains("did you mean `monday`?"), "{text}");

    let text = problems("[plan]\nrotate = [\"neck\", \" , \"]\n");
    assert!(text.contains("config.toml:2:19"), "{text}");
    assert!(text.contains("names no area"), "{text}");

    let text = problems("[plan]\nrotate = [\"neck,sholders\"]\n");
    assert!(text.contains("config.toml:2:11"), "{text}");
    assert!(text.contains("`sholders` is not an area"), "{text}");
    assert!(text.contains("did you mean `shoulders`?"), "{text}");

    let text = problems("[plan]\nminutes = 90\n");
    assert!(text.contains("config.toml:2:11"), "{text}");
    assert!(text.contains("from 3 to 60"), "{text}");

    let text = problems("[plan]\nfriday = \"  \"\n");
    assert!(text.contains("config.toml:2:10"), "{text}");
    assert!(text.contains("`friday` names no routine"), "{text}");
}

#[test]
fn a_wrong_entry_drops_only_itself() {
    let (s, problems) = Settings::parse_lenient(
        "config.toml",
        "[plan]\nrotate = [\"neck\", \"elbows\", \"hips\"]\nminutes = 0\nmonday = \"daily-back\"\n",
        Path::new("/cfg"),
    );
    assert!(problems.is_some());
    assert_eq!(s.plan.rotate, vec![vec![Area::Neck], vec![Area::Hips]]);
    assert_eq!(s.plan.minutes, DEFAULT_MINUTES);
    assert_eq!(s.plan.days[0].as_deref(), Some("daily-back"));
}
