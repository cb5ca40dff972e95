//! Every `--json` output against the schema `knotless schema --output NAME`
//! prints: with an empty history and none at all, with sessions, with a
//! broken routine beside good ones.

use std::process::Command;

use crate::support::{Home, Run, routine};

/// The schema the binary itself prints for `name`.
fn schema(home: &Home, name: &str) -> serde_json::Value {
    let out = home.knotless().args(["schema", "--output", name]).run();
    assert!(out.success(), "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("the schema is JSON")
}

/// Run `cmd`, parse its standard output and check it against `name`'s schema.
fn valid(home: &Home, name: &str, cmd: &mut Command) -> serde_json::Value {
    let out = cmd.run();
    let value: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {}", out.stdout));
    let schema = schema(home, name);
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{}", out.stdout);
    assert_eq!(value["version"], 1, "{name}");
    value
}

fn home_with_a_broken_routine() -> Home {
    let home = Home::new();
    home.dir("data");
    home.routine(
        "my-neck",
        &routine("My neck").step("kneding", "x", "1m").text(),
    );
    home.routine("quick", &routine("Quick").quick().text());
    home
}

#[test]
fn every_output_matches_its_schema_with_no_history_and_a_broken_routine() {
    let home = home_with_a_broken_routine();
    let list = valid(&home, "list", home.knotless().args(["list", "--json"]));
    let broken = list["routines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "my-neck")
        .unwrap();
    assert_eq!(broken["problems"][0]["severity"], "error");
    valid(
        &home,
        "show",
        home.knotless().args(["show", "daily-back", "--json"]),
    );
    valid(
        &home,
        "show",
        home.knotless()
            .args(["show", "desk-break", "--json", "--minutes", "8"]),
    );
    let check = valid(&home, "check", home.knotless().args(["check", "--json"]));
    assert_eq!(check["clean"], false);
    assert!(check["errors"].as_u64().unwrap() >= 1);
    valid(
        &home,
        "history",
        home.knotless().args(["history", "--json"]),
    );
    valid(&home, "status", home.knotless().args(["status", "--json"]));
    valid(&home, "doctor", home.knotless().args(["doctor", "--json"]));
}

#[test]
fn history_and_status_match_their_schemas_with_sessions() {
    let home = Home::new();
    home.history_from("sessions.jsonl");
    let history = valid(
        &home,
        "history",
        home.knotless().args(["history", "--json"]),
    );
    let recent = history["recent_sessions"].as_array().unwrap();
    assert!(!recent.is_empty());
    assert!(
        recent[0].get("step_count").is_some() && recent[0].get("steps").is_none(),
        "{}",
        recent[0]
    );
    valid(&home, "status", home.knotless().args(["status", "--json"]));
}

#[test]
fn status_names_todays_plan_within_its_schema() {
    let home = Home::new();
    home.history_from("sessions.jsonl");
    home.settings("[plan]\nrotate = [\"neck,shoulders\", \"hips\"]\n");
    let status = valid(&home, "status", home.knotless().args(["status", "--json"]));
    assert_eq!(status["planned"]["id"], "plan-neck-shoulders");
    assert_eq!(status["planned"]["name"], "Today: neck and shoulders");
    assert_eq!(status["planned"]["done"], false);
    home.settings("");
    let status = valid(&home, "status", home.knotless().args(["status", "--json"]));
    assert!(status["planned"].is_null(), "{status}");
}

/// Lengths are whole seconds, and the totals are the text's totals.
#[test]
fn show_json_lengths_are_whole_seconds_that_add_up() {
    let home = Home::new();
    let value = valid(
        &home,
        "show",
        home.knotless().args(["show", "breathe-5", "--json"]),
    );
    let steps = value["steps"].as_array().unwrap();
    for step in steps {
        assert!(step["seconds"].is_u64() && step["start"].is_u64(), "{step}");
    }
    let text = home.knotless().args(["show", "breathe-5"]).run().stdout;
    let total = knotless::format::clock_secs(value["seconds"].as_u64().unwrap());
    assert!(text.contains(&total), "{total} in\n{text}");
}
