//! The session screen as a user follows it, in a pseudo-terminal.

use crate::pty::Pty;

fn fixture() -> String {
    format!(
        "{}/tests/fixtures/session/three-steps.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A two-sided step: when the first side ends, a full-width banner and a
/// get-ready pause come before the second side, so an oily hand has time
/// to move; the preview is marked as one.
#[test]
fn a_side_change_shows_its_banner_and_a_pause_before_the_second_side() {
    let path = fixture();
    let mut pty = Pty::spawn(&["run", &path, "--speed", "5"]);
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    pty.wait_for("preview ×5");
    pty.wait_for("Switch to the right side");
    let screen = pty.screen();
    assert!(
        screen.contains("Get ready: Trapezius squeeze"),
        "the pause between sides is a get-ready:\n{screen}"
    );
    assert!(screen.contains("right side"), "{screen}");
    pty.send("\u{3}");
    pty.finish();
}

/// Help opened during a session stops the clock; closing it lets it run.
#[test]
fn help_pauses_the_session_while_it_is_open() {
    let path = fixture();
    let mut pty = Pty::spawn(&["run", &path, "--speed", "5"]);
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    pty.wait_for("Shoulder rolls");
    pty.send("?");
    pty.wait_for("Press any key to close");
    pty.wait_for("paused");
    pty.send("x");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!pty.screen().contains(" paused "), "{}", pty.screen());
    pty.send("\u{3}");
    pty.finish();
}
