//! Input that cannot freeze: a long paste, a terminal that answers
//! nothing, and a terminal whose answer is huge. Each asserts what the user
//! sees; the time bounds are the pty helper's generous patience (the
//! budgets themselves are measured by bench/launch_many.py).

use std::thread;
use std::time::{Duration, Instant};

use crate::pty::Pty;
use crate::support::fixture;

fn three_steps() -> String {
    fixture("session", "three-steps.toml").display().to_string()
}

/// Wait until knotless has asked the terminal for its background: by then
/// it has the terminal in raw mode, and a key is read as a key.
fn wait_until_asked(pty: &Pty) {
    let until = Instant::now() + Duration::from_secs(20);
    while !String::from_utf8_lossy(&pty.bytes()).contains("\u{1b}]11;?") {
        assert!(Instant::now() < until, "knotless never asked");
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn ctrl_c_after_a_3000_character_paste_into_the_filter_exits() {
    let mut pty = Pty::spawn(&[]);
    pty.wait_for("Routines");
    pty.send("/");
    pty.send(&"a".repeat(3000));
    pty.send("\u{3}");
    assert_eq!(pty.finish(), 130, "Ctrl-C ends the program");
}

#[test]
fn ctrl_c_after_a_3000_character_paste_in_a_session_exits_and_records() {
    let mut pty = Pty::spawn(&["run", &three_steps()]);
    pty.wait_for("Stop if anything hurts");
    pty.send("\r");
    pty.wait_for("Shoulder rolls");
    pty.send(&"x".repeat(3000));
    pty.send("\u{3}");
    assert_eq!(pty.finish(), 130);
    assert!(pty.history().contains("\"outcome\":\"stopped\""));
}

#[test]
fn on_a_terminal_that_answers_nothing_the_first_key_is_not_lost() {
    let mut pty = Pty::spawn(&["run", &three_steps()]);
    wait_until_asked(&pty);
    // Typed at once, while the question is unanswered (it never will be).
    pty.send("\r");
    pty.wait_for("Shoulder rolls");
    pty.send("\u{3}");
    assert_eq!(pty.finish(), 130);
}

/// A background answer `size` bytes long, of `q`s (which quit, were they
/// read as keys), then the device attributes.
fn huge_answer(size: usize) -> String {
    format!("\u{1b}]11;rgb:{}\u{1b}\\\u{1b}[?62;22c", "q".repeat(size))
}

#[test]
fn a_huge_background_answer_is_never_read_as_keys() {
    for size in [64 * 1024, 1024 * 1024] {
        let mut pty = Pty::spawn(&["run", &three_steps()]);
        wait_until_asked(&pty);
        pty.send(&huge_answer(size));
        // Read in one go: the next key acts at once, the q's never did.
        pty.send("\r");
        pty.wait_for("Shoulder rolls");
        pty.send("\u{3}");
        assert_eq!(pty.finish(), 130, "{size} bytes of answer");
    }
}

#[test]
fn a_late_background_answer_recolours_the_screen_and_types_nothing() {
    let mut pty = Pty::spawn(&["run", &three_steps()]);
    // The preflight (past the first session's safety page).
    pty.wait_for("Sit upright");
    let before = pty.bytes().len();
    // A white background, long after the first frame.
    pty.send("\u{1b}]11;rgb:ffff/ffff/ffff\u{1b}\\\u{1b}[?62;22c");
    let light_accent = "38;2;0;108;110";
    let until = Instant::now() + Duration::from_secs(20);
    while !String::from_utf8_lossy(&pty.bytes()[before..]).contains(light_accent) {
        assert!(Instant::now() < until, "never recoloured for white");
        thread::sleep(Duration::from_millis(10));
    }
    assert!(pty.screen().contains("Sit upright"), "still the preflight");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}
