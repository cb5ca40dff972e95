//! `knotless today`: the plan's routine for the weekday, or the next
//! entry of the rotation, run as `knotless run` runs a routine.

use jiff::{ToSpan, Zoned};
use knotless::history::{self, Record};

use crate::support::{Home, Run};

fn output(home: &Home, args: &[&str]) -> (i32, String, String) {
    let out = home.knotless().args(args).run();
    (out.code.unwrap_or(-1), out.stdout, out.stderr)
}

/// A finished session of `id` named `name`, `days_ago` days ago.
fn done_line(id: &str, name: &str, days_ago: i64) -> String {
    let when = Zoned::now().checked_sub(days_ago.days()).unwrap();
    format!(
        r#"{{"v":1,"started":"{}","routine_id":"{id}","routine_name":"{name}","planned_seconds":180,"practised_seconds":180,"outcome":"finished","steps":5,"steps_done":5}}"#,
        when.strftime("%Y-%m-%dT%H:%M:%S%:z")
    ) + "\n"
}

fn records(home: &Home) -> Vec<Record> {
    let loaded = history::load(&home.own_history()).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    loaded.records
}

const QUICK: [&str; 6] = ["today", "--plain", "--speed", "100", "--mute", "--no-voice"];

fn weekday() -> &'static str {
    knotless::plan::weekday_word(Zoned::now().weekday())
}

#[test]
fn today_without_a_plan_says_how_to_write_one() {
    let home = Home::new();
    let (code, out, err) = output(&home, &["today"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    for said in ["nothing is planned", "[plan]", "rotate = [", "knotless run"] {
        assert!(err.contains(said), "{said} in {err}");
    }
    assert!(home.history().is_empty());
}

#[test]
fn today_with_nothing_for_this_weekday_names_the_day() {
    let home = Home::new();
    // A plan for every day but today.
    let other = if weekday() == "monday" {
        "tuesday"
    } else {
        "monday"
    };
    home.settings(&format!("[plan]\n{other} = \"desk-break\"\n"));
    let (code, _, err) = output(&home, &["today"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("nothing is planned for {}", weekday())),
        "{err}"
    );
    assert!(err.contains(other), "{err}");
}

#[test]
fn today_runs_the_weekdays_routine_before_the_rotation() {
    let home = Home::new();
    home.settings(&format!(
        "[plan]\n{} = \"desk-break\"\nrotate = [\"hips\"]\nminutes = 3\n",
        weekday()
    ));
    let (code, out, err) = output(&home, &QUICK);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.starts_with(&format!("Planned for {}: Desk break.\n", weekday())),
        "{out}"
    );
    assert!(out.contains("Finished"), "{out}");
    assert_eq!(records(&home)[0].routine_id, "desk-break");
}

#[test]
fn today_continues_the_rotation_after_the_last_entry_done_whatever_days_were_missed() {
    let home = Home::new();
    home.settings("[plan]\nrotate = [\"neck,shoulders\", \"lower-back\", \"hips\"]\nminutes = 3\n");
    // Neck and shoulders done four days ago, nothing since.
    std::fs::create_dir_all(home.data()).unwrap();
    std::fs::write(
        home.own_history(),
        done_line("plan-neck-shoulders", "Today: neck and shoulders", 4),
    )
    .unwrap();
    let (code, out, err) = output(&home, &QUICK);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("Planned for"), "{out}");
    assert!(out.contains(": Today: lower-back.\n"), "{out}");
    let last = records(&home).pop().unwrap();
    assert_eq!(last.routine_id, "plan-lower-back");
    assert_eq!(last.routine_name, "Today: lower-back");
    assert!(last.planned_seconds.abs_diff(180) <= 15, "{last:?}");
}

#[test]
fn today_with_a_wrong_plan_points_at_the_mistake() {
    let home = Home::new();
    home.settings("[plan]\nrotate = [\"neck,sholders\"]\n");
    let (code, _, err) = output(&home, &["today"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("config.toml:2:11"), "{err}");
    assert!(err.contains("did you mean `shoulders`?"), "{err}");
    assert!(err.contains("nothing is planned"), "{err}");
}

#[test]
fn status_names_todays_plan_until_it_is_done_today() {
    let home = Home::new();
    home.settings(&format!("[plan]\n{} = \"desk-break\"\n", weekday()));
    let (code, out, _) = output(&home, &["status"]);
    assert_eq!(code, 0);
    assert_eq!(out, "knotless 0d · not yet today · next: Desk break\n");
    std::fs::create_dir_all(home.data()).unwrap();
    std::fs::write(home.own_history(), done_line("desk-break", "Desk break", 0)).unwrap();
    let (_, out, _) = output(&home, &["status"]);
    assert_eq!(out, "knotless 1d · done today · 3 min\n");
}
