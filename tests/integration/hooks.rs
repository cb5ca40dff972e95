//! `[hooks]` and `--on-finish`: a command of the user's after a session,
//! with what happened in its environment, its output in the log and never
//! on the screen.

use std::time::{Duration, Instant};

use crate::support::{Home, Run, routine};

/// Wait for `path` to be written (the hook runs detached).
fn wait_for_file(path: &std::path::Path) -> String {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && !text.is_empty()
        {
            return text;
        }
        assert!(Instant::now() < until, "the hook never wrote {path:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn on_finish_runs_with_the_outcome_and_its_output_goes_to_the_log() {
    let home = Home::new();
    let r = home.routine("tiny", &routine("Tiny").quick().rest("Rest", "1s").text());
    let marker = home.path("marker");
    let hook = format!(
        "echo hook-says-hello; echo \"$KNOTLESS_ROUTINE $KNOTLESS_OUTCOME $KNOTLESS_SECONDS\" > {}",
        marker.display()
    );
    let out = home
        .knotless()
        .args(["run", r.to_str().unwrap(), "--plain", "--on-finish", &hook])
        .run();
    assert!(out.success(), "{}", out.stderr);
    assert_eq!(wait_for_file(&marker).trim(), "tiny finished 1");
    assert!(!out.stdout.contains("hook-says-hello"), "{}", out.stdout);
    assert!(!out.stderr.contains("hook-says-hello"), "{}", out.stderr);
    let log = home.state().join("knotless.log");
    let until = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log).is_ok_and(|t| t.contains("hook-says-hello")) {
        assert!(
            Instant::now() < until,
            "the hook's output never reached the log"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_preview_runs_no_hook() {
    let home = Home::new();
    let r = home.routine("tiny", &routine("Tiny").quick().rest("Rest", "2s").text());
    let marker = home.path("marker");
    let hook = format!("touch {}", marker.display());
    let out = home
        .knotless()
        .args([
            "run",
            r.to_str().unwrap(),
            "--plain",
            "--speed",
            "10",
            "--on-finish",
            &hook,
        ])
        .run();
    assert!(out.success(), "{}", out.stderr);
    std::thread::sleep(Duration::from_millis(500));
    assert!(!marker.exists(), "a sped-up preview is not practice");
}
