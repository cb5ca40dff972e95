//! knotless among the user's other tools: `--json` for scripts, `status`
//! for prompts, `doctor`, completions that know the routines, the man page,
//! and one history kept by two machines.

use std::fs;
use std::process::Command;

use serde_json::Value;

use crate::support::{Home, Run, routine};

/// A home with its routines and data directories made.
fn home() -> Home {
    let home = Home::new();
    home.dir("config/routines");
    home.dir("data");
    home
}

/// A user routine whose one step is of a kind that does not exist.
fn broken_routine(home: &Home) {
    home.routine(
        "my-neck",
        &routine("My neck").step("kneding", "x", "1m").text(),
    );
}

fn stdout(cmd: &mut Command) -> (Option<i32>, String) {
    let out = cmd.run();
    (out.code, String::from_utf8(out.raw_stdout).unwrap())
}

fn json(cmd: &mut Command) -> (Option<i32>, Value) {
    let (code, text) = stdout(cmd);
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (code, value)
}

#[test]
fn list_json_names_good_and_broken_routines() {
    let home = home();
    broken_routine(&home);
    let (code, v) = json(home.knotless().args(["list", "--json"]));
    assert_eq!(code, Some(0));
    let routines = v["routines"].as_array().unwrap();
    let daily = routines.iter().find(|r| r["id"] == "daily-back").unwrap();
    assert_eq!(daily["ok"], true);
    assert_eq!(daily["source"], "built-in");
    assert_eq!(daily["name"], "Daily back reset");
    assert!(daily["seconds"].as_u64().unwrap() > 60);
    let broken = routines.iter().find(|r| r["id"] == "my-neck").unwrap();
    assert_eq!(broken["ok"], false);
    assert_eq!(broken["source"], "user");
    let problem = &broken["problems"][0];
    assert!(
        problem["file"].as_str().unwrap().ends_with("my-neck.toml"),
        "{problem}"
    );
    assert_eq!(problem["line"], 3, "{problem}");
    assert_eq!(problem["severity"], "error", "{problem}");
}

#[test]
fn show_json_is_the_timeline_in_seconds() {
    let home = home();
    let (code, v) = json(home.knotless().args(["show", "daily-back", "--json"]));
    assert_eq!(code, Some(0));
    assert_eq!(v["id"], "daily-back");
    let steps = v["steps"].as_array().unwrap();
    assert!(steps.len() > 3);
    let total = v["seconds"].as_f64().unwrap();
    let mut at = 0.0;
    for s in steps {
        let start = s["start"].as_f64().unwrap();
        assert!(start >= at, "steps in order: {s}");
        at = start + s["seconds"].as_f64().unwrap();
    }
    assert!((at - total).abs() < 0.001, "the last step ends the routine");
    // Two-sided steps show each side.
    assert!(steps.iter().any(|s| s["side"] == "left"));
}

/// A history line that started `days_ago` days before now, at this hour.
fn line(days_ago: i64, routine: &str, outcome: &str) -> String {
    let started = jiff::Zoned::now()
        .checked_sub(jiff::SignedDuration::from_hours(24 * days_ago))
        .unwrap();
    format!(
        "{{\"v\":1,\"started\":\"{started}\",\"routine_id\":\"{routine}\",\"routine_name\":\"R\",\
         \"planned_seconds\":600,\"practised_seconds\":600,\"outcome\":\"{outcome}\",\"steps\":1,\"steps_done\":1}}\n"
    )
}

#[test]
fn two_machines_histories_make_one_streak_for_history_and_status() {
    let home = home();
    // Yesterday and the day before on the desk machine (in the old shared
    // file, and its own), today on the laptop.
    fs::write(home.path("data/history.jsonl"), line(2, "a", "finished")).unwrap();
    fs::write(
        home.path("data/history-desk.jsonl"),
        line(1, "b", "finished"),
    )
    .unwrap();
    fs::write(
        home.path("data/history-laptop.jsonl"),
        line(0, "c", "finished"),
    )
    .unwrap();

    let (code, v) = json(home.knotless().args(["history", "--json"]));
    assert_eq!(code, Some(0));
    assert_eq!(v["streak"], 3, "{v}");

    let (code, v) = json(home.knotless().args(["status", "--json"]));
    assert_eq!(code, Some(0));
    assert_eq!(v["streak"], 3);
    assert_eq!(v["done_today"], true);
    assert_eq!(v["minutes_today"], 10);
    assert_eq!(v["sessions_today"], 1);

    let (code, text) = stdout(home.knotless().arg("status"));
    assert_eq!(code, Some(0));
    assert_eq!(text, "knotless 3d · done today · 10 min\n");
}

#[test]
fn a_session_is_appended_to_this_machines_own_file_only() {
    let home = home();
    let old = line(1, "a", "finished");
    fs::write(home.path("data/history.jsonl"), &old).unwrap();
    let (code, _) = stdout(home.knotless().env("KNOTLESS_HOST", "Laptop.local").args([
        "run",
        "desk-break",
        "--plain",
        "--speed",
        "100",
        "--mute",
    ]));
    assert_eq!(code, Some(0));
    assert_eq!(
        fs::read_to_string(home.path("data/history.jsonl")).unwrap(),
        old,
        "the old shared file is never written"
    );
    let own = fs::read_to_string(home.path("data/history-laptop.jsonl")).unwrap();
    assert!(own.contains("\"routine_id\":\"desk-break\""), "{own}");
}

#[test]
fn status_with_no_history_is_a_zero_line() {
    let home = home();
    let (code, text) = stdout(home.knotless().arg("status"));
    assert_eq!(code, Some(0));
    assert_eq!(text, "knotless 0d · not yet today\n");
}

fn check<'a>(report: &'a Value, what: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["what"] == what)
        .unwrap_or_else(|| panic!("no {what} check in {report}"))
}

#[test]
fn doctor_with_no_sound_server_exits_0_and_says_why_sound_is_off() {
    let home = home();
    let (code, v) = json(home.knotless().args(["doctor", "--json"]));
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["ok"], true);
    assert_eq!(v["build"]["sound"], cfg!(feature = "sound"));
    assert_eq!(check(&v, "data")["health"], "ok");
    let data = home.path("data");
    assert_eq!(v["paths"]["data_dir"], data.display().to_string());
    let own = v["paths"]["history_file"].as_str().unwrap();
    assert!(
        own.starts_with(&data.join("history-").display().to_string()),
        "{own}"
    );
    assert_eq!(check(&v, "routines")["health"], "ok");
    assert_eq!(check(&v, "history")["health"], "ok");
    let sound = check(&v, "sound");
    if cfg!(feature = "sound") {
        // No server: sessions still run, silent.
        assert_eq!(sound["health"], "warning", "{sound}");
        assert!(
            sound["detail"].as_str().unwrap().contains("silent"),
            "{sound}"
        );
    }
    let (code, text) = stdout(home.knotless().arg("doctor"));
    assert_eq!(code, Some(0));
    assert!(text.contains("A session can run."), "{text}");
    assert!(!text.contains("FAIL"), "{text}");
}

#[test]
fn doctor_with_a_broken_routine_names_it_and_still_exits_0() {
    let home = home();
    broken_routine(&home);
    let (code, v) = json(home.knotless().args(["doctor", "--json"]));
    assert_eq!(code, Some(0));
    let routines = check(&v, "routines");
    assert_eq!(routines["health"], "warning");
    assert!(
        routines["notes"][0]
            .as_str()
            .unwrap()
            .contains("my-neck.toml"),
        "{routines}"
    );
}

#[test]
fn doctor_with_an_unwritable_data_dir_fails() {
    let home = home();
    broken_routine(&home);
    // A file where the data directory should be: unwritable even for root.
    let file = home.path("not-a-dir");
    fs::write(&file, "").unwrap();
    let (code, v) = json(
        home.knotless()
            .env("KNOTLESS_DATA_DIR", file.join("data"))
            .args(["doctor", "--json"]),
    );
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["ok"], false);
    assert_eq!(check(&v, "data")["health"], "broken");
    let (code, text) = stdout(
        home.knotless()
            .env("KNOTLESS_DATA_DIR", file.join("data"))
            .arg("doctor"),
    );
    assert_eq!(code, Some(1));
    assert!(text.contains("FAIL  data"), "{text}");
}

#[test]
fn doctor_counts_history_sessions_and_skipped_lines() {
    let home = home();
    let text = format!("{}{{\"v\":1,\"sta", line(1, "a", "finished"));
    fs::write(home.path("data/history-desk.jsonl"), text).unwrap();
    let (code, v) = json(home.knotless().args(["doctor", "--json"]));
    assert_eq!(code, Some(0));
    let history = check(&v, "history");
    assert_eq!(history["health"], "warning");
    let detail = history["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("1 sessions in 1 file, 1 line skipped"),
        "{detail}"
    );
    assert!(
        history["notes"][0].as_str().unwrap().contains("incomplete"),
        "{history}"
    );
}

/// What the shell gets when it asks for completions of `words` (the last
/// one being completed), as the fish script asks.
fn complete(home: &Home, words: &[&str]) -> Vec<String> {
    let (code, text) = stdout(
        home.knotless()
            .env("KNOTLESS_COMPLETE", "fish")
            .arg("--")
            .args(words),
    );
    assert_eq!(code, Some(0));
    text.lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn completions_offer_routine_ids_including_new_user_ones() {
    let home = home();
    let (code, script) = stdout(home.knotless().args(["completions", "bash"]));
    assert_eq!(code, Some(0));
    assert!(script.contains("KNOTLESS_COMPLETE"), "{script}");
    // A stray COMPLETE in the environment is not a completion request.
    let (code, list) = stdout(home.knotless().env("COMPLETE", "bash").arg("list"));
    assert_eq!(code, Some(0));
    assert!(list.starts_with("ID "), "{list}");

    assert_eq!(
        complete(&home, &["knotless", "run", "daily"]),
        ["daily-back"]
    );
    broken_routine(&home);
    assert_eq!(complete(&home, &["knotless", "show", "my"]), ["my-neck"]);
    assert_eq!(complete(&home, &["knotless", "edit", "my-n"]), ["my-neck"]);
    let all = complete(&home, &["knotless", "run", ""]);
    assert!(all.contains(&"desk-break".to_owned()), "{all:?}");
    // Subcommands complete too.
    assert!(complete(&home, &["knotless", "doc"]).contains(&"doctor".to_owned()));
}

#[test]
fn the_man_page_and_version_name_what_was_built() {
    let home = home();
    let (code, page) = stdout(home.knotless().arg("man"));
    assert_eq!(code, Some(0));
    assert!(
        page.starts_with(".ie") || page.starts_with(".TH"),
        "{}",
        &page[..80]
    );
    assert!(page.contains(".TH KNOTLESS 1"), "a section-1 page");
    for command in ["doctor", "status", "completions"] {
        assert!(page.contains(command), "{command} is in the man page");
    }
    let (code, version) = stdout(home.knotless().arg("--version"));
    assert_eq!(code, Some(0));
    let expected = if cfg!(feature = "alsa") {
        "features: sound, alsa"
    } else if cfg!(feature = "sound") {
        "features: sound)"
    } else {
        "silent build"
    };
    assert!(version.contains(expected), "{version}");
}
