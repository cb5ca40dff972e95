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

/// Whether process `pid` is still there (a zombie is gone).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        !s.rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

#[test]
fn a_hook_s_leftover_processes_end_with_knotless_unless_they_detached() {
    let home = Home::new();
    let r = home.routine("tiny", &routine("Tiny").quick().rest("Rest", "1s").text());
    let left = home.path("left.pid");
    let detached = home.path("detached.pid");
    let late = home.path("late");
    // A daemon left behind in the hook's group, and one that detached on
    // purpose into a session of its own.
    let hook = format!(
        "sh -c 'echo $$ > {left}; sleep 30; echo late > {late}' & \
         setsid -f sh -c 'echo $$ > {detached}; exec sleep 30' >/dev/null 2>&1; \
         echo hook-done",
        left = left.display(),
        late = late.display(),
        detached = detached.display()
    );
    let out = home
        .knotless()
        .args(["run", r.to_str().unwrap(), "--plain", "--on-finish", &hook])
        .run();
    assert!(out.success(), "{}", out.stderr);
    let left: i32 = wait_for_file(&left).trim().parse().unwrap();
    let detached: i32 = wait_for_file(&detached).trim().parse().unwrap();
    let until = Instant::now() + Duration::from_secs(5);
    while alive(left) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Was: it wrote on after knotless had exited.
    assert!(!alive(left), "the hook's leftover {left} still runs");
    assert!(alive(detached), "a hook that detached on purpose runs on");
    // SAFETY: a plain system call on the process the test made.
    unsafe { libc::kill(detached, libc::SIGKILL) };
    assert!(!late.exists());
}

#[test]
fn a_chatty_hook_leaves_at_most_its_share_in_the_log() {
    let home = Home::new();
    let r = home.routine("tiny", &routine("Tiny").quick().rest("Rest", "1s").text());
    // 50 MB of output, as a chatty hook once wrote per run.
    let hook = "head -c 50000000 /dev/zero | tr '\\0' x";
    let out = home
        .knotless()
        .args(["run", r.to_str().unwrap(), "--plain", "--on-finish", hook])
        .run();
    assert!(out.success(), "{}", out.stderr);
    let log = std::fs::read_to_string(home.state().join("knotless.log")).unwrap();
    assert!(log.len() < 80 * 1024, "{} bytes in the log", log.len());
    assert!(
        log.contains("more bytes, dropped"),
        "{}",
        &log[log.len().saturating_sub(300)..]
    );
}
