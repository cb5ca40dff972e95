//! Today's routine from the picker, in a pseudo-terminal: a stopped
//! session marked and continued, `]` fitting the highlighted routine, and
//! `c` composing a routine and saving it.

use std::path::{Path, PathBuf};

use knotless::history::{self, Record};
use tempfile::TempDir;

use crate::pty::Pty;

/// A home for the program: its config and data directories.
struct Home(TempDir);

impl Home {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    fn config(&self) -> PathBuf {
        self.0.path().join("config")
    }

    fn data(&self) -> PathBuf {
        self.0.path().join("data")
    }

    /// The picker, on this home.
    fn picker(&self) -> Pty {
        let env = [
            ("KNOTLESS_CONFIG_DIR", self.config().display().to_string()),
            ("KNOTLESS_DATA_DIR", self.data().display().to_string()),
        ];
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Pty::spawn_with(&[], &env)
    }

    fn records(&self) -> Vec<Record> {
        let loaded = history::load(&self.data().join(history::FILE_NAME)).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        loaded.records
    }
}

/// Five one-second steps, as a user routine the picker lists.
fn with_five_seconds(home: &Home) {
    let dir = home.config().join("routines");
    std::fs::create_dir_all(&dir).unwrap();
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/session/five-seconds.toml");
    std::fs::copy(fixture, dir.join("five-seconds.toml")).unwrap();
}

#[test]
fn a_session_stopped_from_the_picker_is_marked_there_and_enter_continues_it() {
    let home = Home::new();
    with_five_seconds(&home);
    let mut pty = home.picker();
    pty.wait_for("Routines");
    pty.send("/five\r");
    pty.send("\r");
    pty.wait_for("Stop at sharp");
    pty.send("\r");
    pty.wait_for("Step 3 of 5");
    pty.signal("TERM");
    assert_eq!(pty.finish(), 143);
    let first = home.records();
    let step = first[0].stopped_at_step.expect("a stopped step");

    let mut pty = home.picker();
    pty.wait_for("Routines");
    pty.send("/five\r");
    pty.wait_for(&format!("Stopped at step {} of 5", step + 1));
    assert!(pty.screen().contains('↺'), "{}", pty.screen());
    pty.send("\r");
    pty.wait_for(&format!("Continue from step {} of 5", step + 1));
    pty.send("\r");
    pty.wait_for(&format!("Step {} of 5", step + 1));
    pty.wait_for("Well done");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
    let both = home.records();
    assert_eq!(both.len(), 2);
    assert_eq!(
        both[1].continues.as_deref(),
        Some(&*first[0].started_text())
    );
}

#[test]
fn brackets_fit_and_c_composes_a_routine_that_is_saved_and_listed() {
    let home = Home::new();
    let mut pty = home.picker();
    pty.wait_for("Routines");
    // The first routine, After a run: a minute longer.
    pty.send("]");
    pty.wait_for("fitted to 12 min, written 11 min");
    pty.send("c");
    pty.wait_for("Compose a routine for today");
    // Focus: right to the neck, chosen; then compose.
    pty.send("lll ");
    pty.wait_for("✓neck");
    pty.send("\r");
    pty.wait_for("10 min");
    pty.send("s");
    pty.wait_for("Save as:");
    pty.send("Pty neck\r");
    pty.wait_for("Saved as pty-neck");
    let saved = home.config().join("routines/pty-neck.toml");
    let text = std::fs::read_to_string(&saved).expect("the file is saved");
    assert!(text.contains("name = \"Pty neck\""), "{text}");
    // Back in the list, it is there.
    pty.send("q");
    pty.wait_for("Pty neck");
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}

#[test]
fn the_picker_opens_on_todays_planned_routine_marked_today() {
    let home = Home::new();
    let weekday = knotless::plan::weekday_word(jiff::Zoned::now().weekday());
    std::fs::create_dir_all(home.config()).unwrap();
    std::fs::write(
        home.config().join("config.toml"),
        format!("[plan]\n{weekday} = \"desk-break\"\n"),
    )
    .unwrap();
    let mut pty = home.picker();
    pty.wait_for("today");
    // Highlighted, first in the list, its details beside it.
    pty.wait_for("Five minutes for the neck and shoulders");
    let screen = pty.screen();
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains('│')).collect();
    assert!(
        rows[1].contains("› Desk break") && rows[1].contains("today"),
        "{screen}"
    );
    pty.send("q");
    assert_eq!(pty.finish(), 0);
}
