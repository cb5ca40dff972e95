//! A light terminal: knotless asks the terminal for its background (OSC 11)
//! and draws its colours for it, never a light fixed colour on white.

use std::thread;
use std::time::{Duration, Instant};

use crate::pty::Pty;

/// The dark theme's accent, which reads at about 2:1 on white.
const DARK_ACCENT: &str = "38;2;143;188;187";
/// The accent chosen for a light background.
const LIGHT_ACCENT: &str = "38;2;0;108;110";

fn fixture() -> String {
    crate::support::fixture("session", "three-steps.toml")
        .display()
        .to_string()
}

/// Answer the background query the way a terminal with a `background`
/// colour would, then its device attributes.
fn answer_query(pty: &mut Pty, background: &str) {
    let until = Instant::now() + Duration::from_secs(20);
    while !String::from_utf8_lossy(&pty.bytes()).contains("\u{1b}]11;?") {
        assert!(Instant::now() < until, "knotless never asked");
        thread::sleep(Duration::from_millis(5));
    }
    pty.send(&format!("\u{1b}]11;rgb:{background}\u{1b}\\\u{1b}[?62;22c"));
}

fn in_session(background: &str) -> String {
    let path = fixture();
    let mut pty = Pty::spawn_with(&["run", &path], &[]);
    answer_query(&mut pty, background);
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    pty.wait_for("Shoulder rolls");
    let drawn = String::from_utf8_lossy(&pty.bytes()).into_owned();
    pty.send("\u{3}");
    pty.finish();
    drawn
}

#[test]
fn on_a_white_terminal_the_colours_are_chosen_for_white() {
    let drawn = in_session("ffff/ffff/ffff");
    assert!(drawn.contains(LIGHT_ACCENT), "no light-background accent");
    assert!(
        !drawn.contains(DARK_ACCENT),
        "a light fixed colour on white"
    );
}

#[test]
fn on_a_dark_terminal_the_calm_colours_stay() {
    let drawn = in_session("1e1e/1e1e/1e1e");
    assert!(drawn.contains(DARK_ACCENT));
    assert!(!drawn.contains(LIGHT_ACCENT));
}
