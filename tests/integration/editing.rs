//! Editing routines and settings as a user does: `new` and `edit` with an
//! editor that changes the file, `schema`, `config`, and the picker noticing
//! a changed routine file by itself.

use std::fs;

use crate::support::{Home, Run, fixture, stable};

/// An "editor" in the home: a shell script run as `$EDITOR FILE`.
fn editor(home: &Home, name: &str, script: &str) -> String {
    let path = home.write(name, format!("#!/bin/sh\n{script}\n"));
    let mut perms = fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    fs::set_permissions(&path, perms).unwrap();
    path.display().to_string()
}

#[test]
fn new_writes_a_documented_routine_and_checks_it_after_the_editor() {
    let home = Home::new();
    let editor = editor(
        &home,
        "good.sh",
        r#"sed -i 's/^title = "Shoulder rolls"/title = "Slow rolls"/' "$1""#,
    );
    let out = home
        .knotless()
        .args(["new", "Evening Neck"])
        .env("EDITOR", &editor)
        .run();
    assert!(out.success(), "{}", out.stderr);
    let file = home.routines().join("evening-neck.toml");
    let written = fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("#:schema ./routine.schema.json\n"));
    assert!(written.contains("name = \"Evening Neck\""));
    assert!(
        written.contains("title = \"Slow rolls\""),
        "the editor's change is kept"
    );
    assert!(out.stdout.contains("fine"), "{}", out.stdout);
    let schema = fs::read_to_string(home.routines().join("routine.schema.json")).unwrap();
    assert_eq!(schema, include_str!("../../assets/routine.schema.json"));
}

#[test]
fn a_broken_edit_is_reported_with_its_place_and_kept() {
    let home = Home::new();
    let editor = editor(
        &home,
        "break.sh",
        r#"sed -i 's/^duration = "1m"/duraton = "1m"/' "$1""#,
    );
    let out = home
        .knotless()
        .args(["new", "Broken one"])
        .env("VISUAL", &editor)
        .run();
    assert_eq!(out.code, Some(1));
    let stdout = out.stdout;
    assert!(stdout.contains("broken-one.toml:"), "{stdout}");
    assert!(stdout.contains("did you mean `duration`?"), "{stdout}");
    let kept = fs::read_to_string(home.routines().join("broken-one.toml")).unwrap();
    assert!(kept.contains("duraton = \"1m\""), "nothing is lost");
}

#[test]
fn new_never_overwrites_and_refuses_built_in_ids() {
    let home = Home::new();
    assert!(home.knotless().args(["new", "Mine"]).run().success());
    let again = home.knotless().args(["new", "Mine"]).run();
    assert_eq!(again.code, Some(1));
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    let builtin = home.knotless().args(["new", "Daily back"]).run();
    assert_eq!(builtin.code, Some(1));
    assert!(
        builtin.stderr.contains("knotless edit daily-back"),
        "{}",
        builtin.stderr
    );
}

#[test]
fn without_an_editor_new_prints_the_path() {
    let home = Home::new();
    let out = home.knotless().args(["new", "Plain"]).run();
    assert!(out.success());
    assert_eq!(
        out.stdout.trim(),
        home.routines().join("plain.toml").display().to_string()
    );
}

#[test]
fn edit_copies_a_built_in_first_and_then_replaces_it() {
    let home = Home::new();
    let editor = editor(
        &home,
        "rename.sh",
        r#"sed -i 's/^name = .*/name = "My back reset"/' "$1""#,
    );
    let out = home
        .knotless()
        .args(["edit", "daily-back"])
        .env("EDITOR", &editor)
        .run();
    assert!(out.success(), "{}", out.stderr);
    let copy = fs::read_to_string(home.routines().join("daily-back.toml")).unwrap();
    assert!(
        copy.starts_with("#:schema ./routine.schema.json\n"),
        "the schema line resolves beside the copy"
    );
    let list = home.knotless().arg("list").run().stdout;
    let row = list.lines().find(|l| l.starts_with("daily-back")).unwrap();
    assert!(
        row.contains("My back reset") && row.contains("user"),
        "{row}"
    );
}

#[test]
fn a_directory_that_cannot_be_written_is_a_clear_error() {
    let home = Home::new();
    fs::create_dir_all(home.config()).unwrap();
    // A file where the routines directory should be.
    fs::write(home.routines(), "not a directory").unwrap();
    let out = home.knotless().args(["new", "Nowhere"]).run();
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("cannot create"), "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(home.routines()).unwrap(),
        "not a directory",
        "nothing lost"
    );
}

#[test]
fn schema_prints_the_committed_schema() {
    let home = Home::new();
    let out = home.knotless().arg("schema").run();
    assert_eq!(out.stdout, include_str!("../../assets/routine.schema.json"));
}

#[test]
fn config_shows_the_defaults_then_the_file_and_init_never_overwrites() {
    let home = Home::new();
    let out = home.knotless().arg("config").run().stdout;
    assert!(
        out.contains("these are the defaults") && out.contains("volume = 70"),
        "{out}"
    );
    let init = home.knotless().args(["config", "--init"]).run();
    assert!(init.success());
    let again = home.knotless().args(["config", "--init"]).run();
    assert_eq!(again.code, Some(1));
    fs::copy(
        fixture("settings", "valid.toml"),
        home.config().join("config.toml"),
    )
    .unwrap();
    let out = home.knotless().arg("config").run().stdout;
    assert!(out.contains("# Settings from"), "{out}");
    for line in [
        "volume = 35",
        "enabled = false",
        "transition = \"10s\"",
        "theme = \"high-contrast\"",
        "reduced_motion = true",
    ] {
        assert!(out.contains(line), "{line} in {out}");
    }
    assert!(out.contains(&home.config().join("shared-routines").display().to_string()));
}

#[test]
fn broken_settings_are_pointed_at_like_routines() {
    for file in [
        "unknown-key.toml",
        "bad-volume.toml",
        "bad-theme.toml",
        "unknown-section.toml",
    ] {
        let home = Home::new();
        home.dir("config");
        fs::copy(fixture("settings", file), home.config().join("config.toml")).unwrap();
        let out = home.knotless().arg("config").run();
        assert_eq!(out.code, Some(1), "{file}");
        // Where the mistake is and what would be right (the settings in
        // force follow, all defaults here).
        let (report, _) = out.stdout.split_once("\n# Settings from").unwrap();
        let name = file.trim_end_matches(".toml");
        insta::assert_snapshot!(format!("config_{name}"), stable(&home, report));
        // A broken settings file never stops a session.
        let run = home
            .knotless()
            .args(["run", "breathe-5", "--plain", "--speed", "100"])
            .run();
        assert!(run.success(), "{file}");
        assert!(run.stderr.contains("left at their defaults"));
    }
}

#[test]
fn settings_change_how_a_session_runs() {
    let home = Home::new();
    home.settings("[session]\ntransition = \"0s\"\n");
    let out = home
        .knotless()
        .args(["run", "desk-break", "--plain", "--speed", "100"])
        .run();
    let stdout = out.stdout;
    assert!(
        !stdout.contains("Get ready"),
        "no get-ready pauses: {stdout}"
    );
    // The pauses between sides (2 × 5 s) are not get-ready pauses: they stay.
    assert!(stdout.contains("Desk break · 4:30"), "{stdout}");
}

#[test]
fn plain_output_stops_when_its_reader_goes_and_is_recorded_as_stopped() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let home = Home::new();
    let mut child = home
        .knotless()
        .args(["run", "desk-break", "--plain"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("Desk break"));
    drop(lines); // like `| head -1`
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(15),
            "still running unread"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(129));
    let history = home.history();
    assert!(history.contains("\"outcome\":\"stopped\""), "{history}");
}

/// `[body]` names the steps it rules out in a plain run's header too, first,
/// before the routine's own safety note; without it the header says nothing
/// of the kind.
#[test]
fn body_settings_are_named_in_a_plain_runs_header() {
    let home = Home::new();
    home.settings("[body]\nblood_thinners = true\n");
    let out = home
        .knotless()
        .args(["run", "daily-back", "--plain", "--speed", "100"])
        .run();
    assert!(out.success(), "{}", out.stderr);
    let header: Vec<&str> = out.stdout.lines().take_while(|l| !l.is_empty()).collect();
    let warning = header
        .iter()
        .position(|l| l.starts_with("With blood thinners (your settings), skip:"))
        .unwrap_or_else(|| panic!("no [body] warning: {header:?}"));
    assert!(
        header[warning].contains("Ball between the blades"),
        "{header:?}"
    );
    let safety = header
        .iter()
        .position(|l| l.starts_with("Safety:"))
        .unwrap();
    assert!(warning < safety, "{header:?}");

    let plain = Home::new();
    let out = plain
        .knotless()
        .args(["run", "daily-back", "--plain", "--speed", "100"])
        .run();
    assert!(!out.stdout.contains("your settings"), "{}", out.stdout);
}
