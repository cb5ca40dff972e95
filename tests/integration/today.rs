//! Today's routine from the command line: `--minutes`, `compose`, and a
//! session stopped by a signal then continued with `--resume`, as plain
//! lines and on the full screen.

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use knotless::history::{self, Outcome, Record};

use crate::pty::Pty;
use crate::support::{Home, Run, fixture, routine};

/// Exit code, stdout and stderr of knotless `args` in `home`.
fn output(home: &Home, args: &[&str]) -> (i32, String, String) {
    let out = home.knotless().args(args).run();
    (out.code.unwrap_or(-1), out.stdout, out.stderr)
}

/// Every record of the home's history; none may be skipped.
fn records(home: &Home) -> Vec<Record> {
    let loaded = history::load(&home.data().join(history::FILE_NAME)).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    loaded.records
}

fn five_seconds() -> String {
    fixture("session", "five-seconds.toml")
        .display()
        .to_string()
}

/// A few pseudo-random milliseconds, different on each run, so the signal
/// lands at a different point inside the step.
fn jitter(max: u64) -> Duration {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    Duration::from_millis(u64::from(nanos) % max)
}

fn sigterm(pid: u32) {
    let ok = Command::new("kill")
        .args(["-s", "TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

/// The last "Step N of 5" a transcript printed.
fn last_step(lines: &[String]) -> usize {
    lines
        .iter()
        .rev()
        .filter_map(|l| l.split("Step ").nth(1))
        .find_map(|rest| rest.split(' ').next()?.parse().ok())
        .expect("a step started")
}

#[test]
fn a_plain_session_stopped_by_sigterm_resumes_at_its_step_with_a_linked_line() {
    for stop_at in [2, 4] {
        let home = Home::new();
        let routine = five_seconds();
        let mut child = home
            .knotless()
            .args(["run", &routine, "--plain"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = Vec::new();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 0 {
            let seen = line.contains(&format!("Step {stop_at} of 5"));
            lines.push(std::mem::take(&mut line));
            if seen {
                std::thread::sleep(jitter(400));
                sigterm(child.id());
            }
        }
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(143), "{lines:?}");
        let stopped_in = last_step(&lines);
        assert!(stopped_in >= stop_at, "{lines:?}");

        let first = records(&home);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].outcome, Outcome::Stopped);
        assert_eq!(first[0].stopped_at_step, Some(stopped_in - 1), "{lines:?}");

        let (code, out, err) = output(&home, &["run", &routine, "--resume", "--plain"]);
        assert_eq!(code, 0, "{out}\n{err}");
        assert!(
            out.contains(&format!("Continuing from step {stopped_in} of 5")),
            "{out}"
        );
        let steps: Vec<&str> = out.lines().filter(|l| l.contains("] Step ")).collect();
        assert!(
            steps[0].contains(&format!("Step {stopped_in} of 5")),
            "{out}"
        );
        assert_eq!(steps.len(), 5 - stopped_in + 1, "{out}");
        assert!(out.contains("Finished"), "{out}");

        let both = records(&home);
        assert_eq!(both.len(), 2);
        let resumed = &both[1];
        assert_eq!(resumed.outcome, Outcome::Finished);
        assert_eq!(
            resumed.continues.as_deref(),
            Some(&*first[0].started_text())
        );
        assert_eq!(resumed.first_step, Some(stopped_in - 1));
        assert_eq!(resumed.stopped_at_step, None);

        // Finished in two parts today: the streak counts it.
        let (code, json, _) = output(&home, &["history", "--json"]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["streak"], 1, "{json}");

        // Nothing left to continue.
        let (code, _, err) = output(&home, &["run", &routine, "--resume", "--plain"]);
        assert_eq!(code, 1);
        assert!(err.contains("no stopped session"), "{err}");
    }
}

#[test]
fn resume_with_no_history_says_so_and_starts_nothing() {
    let home = Home::new();
    let (code, out, err) = output(&home, &["run", "daily-back", "--resume", "--plain"]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("no stopped session of `daily-back`")
            && err.contains("knotless run daily-back"),
        "{err}"
    );
}

#[test]
fn show_minutes_fits_and_says_so_or_says_what_fits() {
    let home = Home::new();
    let (code, out, _) = output(&home, &["show", "daily-back", "--minutes", "10"]);
    assert_eq!(code, 0);
    assert!(out.contains("Fitted to 10 minutes (written: "), "{out}");
    assert!(
        out.contains("Total 10:0") || out.contains("Total 9:5"),
        "{out}"
    );
    let (code, _, err) = output(&home, &["show", "daily-back", "--minutes", "59"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Daily back reset can be fitted between") && err.contains("not 59"),
        "{err}"
    );
}

#[test]
fn a_fitted_plain_run_records_written_and_fitted_lengths() {
    let home = Home::new();
    let (code, out, err) = output(
        &home,
        &[
            "run",
            "desk-break",
            "--minutes",
            "6",
            "--plain",
            "--speed",
            "100",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let records = records(&home);
    assert_eq!(records[0].fitted_minutes, Some(6));
    let desk = knotless::routine::Library::builtins()
        .find("desk-break")
        .and_then(|e| e.routine.clone().ok())
        .unwrap();
    let written = knotless::timeline::Timeline::new(&desk).total;
    assert_eq!(records[0].written_seconds, Some(written.as_secs()));
    assert!(
        records[0].planned_seconds.abs_diff(360) <= 5,
        "{:?}",
        records[0]
    );
}

#[test]
fn compose_prints_a_routine_that_check_accepts_and_saves_without_overwriting() {
    let home = Home::new();
    let args = [
        "compose",
        "--minutes",
        "12",
        "--focus",
        "neck,shoulders",
        "--seed",
        "3",
    ];
    let (code, text, err) = output(&home, &args);
    assert_eq!(code, 0, "{err}");
    let (again_code, again, _) = output(&home, &args);
    assert_eq!(
        (again_code, &again),
        (0, &text),
        "the same seed, the same routine"
    );
    let scratch = home.path("composed.toml");
    fs::write(&scratch, &text).unwrap();
    let (code, out, err) = output(&home, &["check", "--strict", scratch.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}\n{text}");

    let mut save = args.to_vec();
    save.extend(["--save", "My neck"]);
    let (code, out, err) = output(&home, &save);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("knotless run my-neck"), "{out}");
    let path = home.config().join("routines/my-neck.toml");
    let saved = fs::read_to_string(&path).unwrap();
    assert!(saved.contains("name = \"My neck\""), "{saved}");
    let (code, out, _) = output(&home, &["show", "my-neck"]);
    assert_eq!(code, 0, "{out}");

    let (code, _, err) = output(&home, &save);
    assert_eq!(code, 1);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(fs::read_to_string(&path).unwrap(), saved);

    let (code, _, err) = output(&home, &["compose", "--focus", "neck", "--avoid", "neck"]);
    assert_eq!(code, 1);
    assert!(err.contains("both a focus and an area to avoid"), "{err}");
    let (code, _, err) = output(&home, &["compose", "--focus", "elbow"]);
    assert_eq!(code, 2);
    assert!(err.contains("not an area"), "{err}");
}

#[test]
fn compose_draws_on_the_users_step_library() {
    let home = Home::new();
    let mine = routine("Mine")
        .step("kneading", "My special ear rub", "40s")
        .set("area", "\"face\"");
    home.write("config/steps/mine.toml", mine.text());
    home.write("config/steps/broken.toml", "name = \n");
    // The seed decides which face steps are tried first: over a few days
    // the user's own step comes up.
    let mut used = false;
    let mut err = String::new();
    for seed in 0..10 {
        let seed = seed.to_string();
        let (code, out, e) = output(
            &home,
            &[
                "compose",
                "--minutes",
                "5",
                "--focus",
                "face",
                "--seed",
                &seed,
            ],
        );
        assert_eq!(code, 0, "{e}");
        used |= out.contains("My special ear rub");
        err = e;
    }
    assert!(used, "the user's step library is drawn on");
    assert!(err.contains("broken.toml"), "a bad file is reported: {err}");
}

#[test]
fn a_full_screen_session_stopped_by_sigterm_resumes_at_its_step() {
    let home = Home::new();
    let routine = five_seconds();
    let mut pty = Pty::start(&home, &["run", &routine], &[]);
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    pty.wait_for("Step 3 of 5");
    std::thread::sleep(jitter(300));
    pty.signal("TERM");
    assert_eq!(pty.finish(), 143);
    let first = records(&home);
    assert_eq!(first.len(), 1);
    let step = first[0].stopped_at_step.expect("a stopped step");
    assert!(step >= 2, "{:?}", first[0]);

    let mut pty = Pty::start(&home, &["run", &routine, "--resume"], &[]);
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    pty.wait_for(&format!("Step {} of 5", step + 1));
    assert!(
        !String::from_utf8_lossy(&pty.bytes()).contains(&format!("Step {step} of 5")),
        "the step before is never shown"
    );
    pty.wait_for("Well done");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
    let both = records(&home);
    assert_eq!(both.len(), 2);
    assert_eq!(
        both[1].continues.as_deref(),
        Some(&*first[0].started_text())
    );
    assert_eq!(both[1].first_step, Some(step));
    assert_eq!(both[1].outcome, Outcome::Finished);
}
