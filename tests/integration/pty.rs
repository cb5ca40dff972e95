//! The whole program in a pseudo-terminal, as a user runs it: a routine runs
//! to its end, and every way of leaving gives the terminal back (leaves the
//! alternate screen, shows the cursor) with the right exit status.

use std::thread;
use std::time::{Duration, Instant};

pub(crate) use crate::support::pty::Pty;
use crate::support::pty::{LEAVE_ALTERNATE_SCREEN, rfind};
use crate::support::{Home, fixture, routine};

fn three_steps() -> String {
    fixture("session", "three-steps.toml").display().to_string()
}

/// The three-step routine at real speed, past preflight, its first step
/// on screen.
fn in_session() -> Pty {
    let mut pty = Pty::spawn(&["run", &three_steps()]);
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    pty.wait_for("Shoulder rolls");
    pty
}

/// A one-step routine called `name`.
fn fresh(name: &str) -> String {
    routine(name).rest("Rest", "30s").text()
}

#[test]
fn a_three_step_routine_runs_to_the_done_screen() {
    let mut pty = Pty::spawn(&["run", &three_steps(), "--speed", "100"]);
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    pty.wait_for("Well done");
    let screen = pty.screen();
    assert!(screen.contains("3 of 3"), "{screen}");
    // A sped-up run is a preview: shown, but never counted in the streak.
    assert!(
        screen.contains("Streak") && screen.contains("0 days"),
        "{screen}"
    );
    let history = pty.history();
    pty.send("\r");
    assert_eq!(pty.finish(), 0);
    let lines: Vec<&str> = history.lines().collect();
    assert_eq!(lines.len(), 1, "one history line: {history}");
    assert!(lines[0].contains("\"outcome\":\"finished\""), "{history}");
    assert!(
        lines[0].contains("\"preview\":true"),
        "run at --speed 100: {history}"
    );
}

#[test]
fn tension_is_asked_before_and_after_and_kept_with_the_session() {
    let home = Home::new();
    home.settings("[session]\nask_tension = true\n");
    let mut pty = Pty::start(&home, &["run", &three_steps(), "--speed", "100"], &[]);
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    pty.wait_for("How tense do you feel, 0-10?");
    pty.send("7");
    pty.wait_for("And now: how tense");
    assert_eq!(
        pty.history(),
        "",
        "nothing written before the second answer"
    );
    pty.send("3");
    pty.wait_for("Streak");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
    let history = pty.history();
    assert!(
        history.contains("\"tension_before\":7") && history.contains("\"tension_after\":3"),
        "{history}"
    );
}

#[test]
fn quitting_by_a_signal_still_records_the_session() {
    let mut pty = in_session();
    pty.signal("TERM");
    assert_eq!(pty.finish(), 143);
    let history = pty.history();
    assert!(history.contains("\"outcome\":\"stopped\""), "{history}");
}

/// Every signal that would end the program gives the terminal back and
/// records the session, leaving with 128 + its number.
#[test]
fn quit_usr1_and_alarm_signals_restore_the_terminal_and_record() {
    for (name, number) in [("QUIT", 3), ("USR1", 10), ("ALRM", 14)] {
        let mut pty = in_session();
        pty.signal(name);
        assert_eq!(pty.finish(), 128 + number, "SIG{name}");
        let history = pty.history();
        assert!(
            history.contains("\"outcome\":\"stopped\""),
            "SIG{name}: {history}"
        );
    }
}

/// `--plain` too: the session is recorded and the status says which signal.
#[test]
fn a_plain_run_stopped_by_sigusr1_is_recorded() {
    let home = Home::new();
    let mut child = home
        .knotless()
        .args(["run", &three_steps(), "--plain"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    let pid = child.id().to_string();
    let ok = std::process::Command::new("kill")
        .args(["-s", "USR1", &pid])
        .status()
        .unwrap();
    assert!(ok.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(138));
    assert!(home.history().contains("\"outcome\":\"stopped\""));
}

#[test]
fn the_picker_notices_a_new_routine_file_by_itself() {
    let mut pty = Pty::spawn(&[]);
    pty.wait_for("Daily back reset");
    let dir = pty.home().join("config/routines");
    std::fs::create_dir_all(&dir).unwrap();
    // The directory did not exist when the picker started: `r` reads again.
    std::fs::write(dir.join("fresh.toml"), fresh("Fresh one")).unwrap();
    pty.send("r");
    pty.wait_for("Fresh one");
    std::fs::write(dir.join("second.toml"), fresh("Second one")).unwrap();
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}

#[test]
fn a_watched_directory_reloads_without_a_key() {
    let home = Home::new();
    let dir = home.dir("mine");
    let mut pty = Pty::start(&home, &["--routines", dir.to_str().unwrap()], &[]);
    pty.wait_for("Daily back reset");
    std::fs::write(dir.join("fresh.toml"), fresh("Watched one")).unwrap();
    pty.wait_for("Watched one");
    std::fs::write(dir.join("fresh.toml"), "name = \"Broken\n").unwrap();
    pty.wait_for("✗ fresh");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}

#[test]
fn q_then_yes_quits_a_session_cleanly() {
    let mut pty = in_session();
    pty.send("q");
    pty.wait_for("Quit this session?");
    pty.send("y");
    pty.wait_for("Session stopped");
    pty.send("q");
    // Left before its end: 3, so a script can tell it from finishing.
    assert_eq!(pty.finish(), 3);
}

#[test]
fn ctrl_c_quits_at_once_with_status_130() {
    let mut pty = in_session();
    pty.send("\x03");
    assert_eq!(pty.finish(), 130);
}

#[test]
fn sigterm_restores_the_terminal_with_status_143() {
    let mut pty = in_session();
    pty.signal("TERM");
    assert_eq!(pty.finish(), 143);
}

#[test]
fn sighup_restores_the_terminal_with_status_129() {
    let mut pty = Pty::spawn(&["run", &three_steps()]);
    pty.wait_for("Stop at sharp");
    pty.signal("HUP");
    assert_eq!(pty.finish(), 129);
}

#[test]
fn ctrl_z_suspends_and_fg_comes_back_paused() {
    let mut pty = in_session();
    let before = pty.bytes().len();
    pty.send("\x1a");
    let deadline = Instant::now() + Duration::from_secs(10);
    while rfind(&pty.bytes()[before..], LEAVE_ALTERNATE_SCREEN).is_none() {
        assert!(
            Instant::now() < deadline,
            "did not give the terminal back on Ctrl-Z"
        );
        thread::sleep(Duration::from_millis(20));
    }
    thread::sleep(Duration::from_millis(200));
    pty.signal("CONT");
    pty.wait_for("paused");
    pty.send("\x03");
    assert_eq!(pty.finish(), 130);
}

#[test]
fn the_picker_opens_with_no_arguments_and_q_leaves() {
    let mut pty = Pty::spawn(&[]);
    pty.wait_for("Daily back reset");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}

/// `--color never` on a colour terminal: the full screen, without a
/// single colour or attribute change; `--color always` has them.
#[test]
fn color_never_draws_the_screen_without_colours() {
    // Any SGR sequence that sets a foreground or background colour.
    let sgr_colour = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        text.split("\u{1b}[").skip(1).any(|seq| {
            let Some(end) = seq.find(|c: char| !(c.is_ascii_digit() || c == ';')) else {
                return false;
            };
            seq[end..].starts_with('m')
                && seq[..end]
                    .split(';')
                    .any(|p| matches!(p.parse::<u8>(), Ok(30..=38 | 40..=48 | 90..=97 | 100..=107)))
        })
    };
    let mut pty = Pty::spawn(&["run", &three_steps(), "--color", "never"]);
    pty.wait_for("Stop if anything hurts");
    pty.send("\r");
    pty.wait_for("Shoulder rolls");
    assert!(!sgr_colour(&pty.bytes()), "no colour under --color never");
    pty.send("\u{3}");
    pty.finish();

    let mut pty = Pty::spawn_with(
        &["run", &three_steps(), "--color", "always"],
        &[("NO_COLOR", "1")],
    );
    pty.wait_for("Stop if anything hurts");
    assert!(
        sgr_colour(&pty.bytes()),
        "--color always wins over NO_COLOR"
    );
    pty.send("\u{3}");
    pty.finish();
}

/// Before a first session the general safety page comes up over the
/// preflight, Enter begins from it, and once a session is in the history
/// the preflight comes up alone (`?` still opens the page).
#[test]
fn the_safety_page_comes_before_the_first_session_only() {
    let home = Home::new();
    let mut pty = Pty::start(&home, &["run", &three_steps(), "--speed", "100"], &[]);
    pty.wait_for("Safety: before you start");
    let screen = pty.screen();
    assert!(screen.contains("This routine"), "{screen}");
    assert!(screen.contains("enter begin"), "{screen}");
    pty.send("\r");
    pty.wait_for("Well done");
    pty.send("\r");
    assert_eq!(pty.finish(), 0);

    let mut pty = Pty::start(&home, &["run", &three_steps(), "--speed", "100"], &[]);
    pty.wait_for("Sit upright");
    let screen = pty.screen();
    assert!(!screen.contains("Safety: before you start"), "{screen}");
    assert!(screen.contains("? safety"), "{screen}");
    pty.send("?");
    pty.wait_for("Safety: before you start");
    pty.send("\x1b");
    pty.wait_for("Sit upright");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}
