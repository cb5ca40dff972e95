//! The whole app, driven end to end on ratatui's `TestBackend` with a fake
//! clock: no terminal, no sound card, no waiting.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;

use super::*;
use crate::clock::FakeClock;
use crate::routine::parse::parse_routine;
use crate::routine::{Entry, Origin};
use crate::sound::{Builtin, Play, SoundSettings};
use crate::timeline::Timeline;
use crate::ui::Theme;
use crate::ui::testing::buffer_text;

/// Eight quarter-hours: a two-hour routine.
fn two_hours() -> crate::routine::Routine {
    let mut text = String::from("name = \"Two hours\"\n");
    for i in 0..8 {
        text += &format!(
            "[[steps]]\nkind = \"kneading\"\ntitle = \"Part {i}\"\nduration = \"15m\"\narea = \"shoulders\"\n"
        );
    }
    parse_routine("two-hours", "two-hours.toml", &text).unwrap()
}

/// The outside world of a test run: a recording player, this history
/// file, real-time speed, no voice, no hooks.
fn outside(sound: &mut Player, history: Option<std::path::PathBuf>) -> Outside<'_> {
    Outside {
        sound,
        history,
        speed: 1.0,
        source: LibrarySource::default(),
        voice: None,
        voice_later: None,
        voice_settings: None,
        hooks: Default::default(),
        log_file: None,
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn a_two_hour_routine_runs_from_the_picker_to_the_history_without_waiting() {
    let routine = two_hours();
    let total = Timeline::new(&routine).total;
    assert!(total > Duration::from_secs(2 * 3600));
    let library = Library {
        entries: vec![Entry {
            id: "two-hours".into(),
            origin: Origin::BuiltIn,
            routine: Ok(routine),
        }],
        ..Library::default()
    };
    let home = tempfile::tempdir().unwrap();
    let history = home.path().join("history.jsonl");
    let t0 = Instant::now();
    let clock = FakeClock::new(t0);
    let end = t0 + total + Duration::from_secs(1);
    let mut events = Script::new(&clock)
        .at(t0, key(KeyCode::Enter))
        .at(t0, key(KeyCode::Enter))
        .at(end, key(KeyCode::Enter))
        .at(end, key(KeyCode::Char('h')))
        .at(end, Event::Resize);
    let mut screen = FullScreen::on(TestBackend::new(80, 24), Theme::MONO).unwrap();
    let (mut sound, heard) = Player::recording(SoundSettings::default());

    let exit = run(
        App::picker(library),
        &clock,
        &mut screen,
        &mut events,
        outside(&mut sound, Some(history.clone())),
    );

    // Two hours went by on the fake clock and none on the wall clock: the
    // driver never sleeps on a scripted source. (How fast this runs is
    // for a benchmark, not a test, to judge.)
    assert!(clock.now() >= end, "the clock moved to the end");
    // The script ran out: like a terminal that closed.
    assert_eq!(exit, Exit::HungUp);
    let text = buffer_text(screen.backend().buffer());
    assert!(
        text.contains("Current streak"),
        "the history screen:\n{text}"
    );
    assert!(text.contains("1 day"), "{text}");
    let lines = std::fs::read_to_string(&history).unwrap();
    assert_eq!(lines.lines().count(), 1, "{lines}");
    assert!(lines.contains("\"outcome\":\"finished\""), "{lines}");
    assert!(lines.contains("\"planned_seconds\":72"), "{lines}");
    let heard = heard.lock().unwrap();
    let bells = heard
        .iter()
        .filter(|p| **p == Play::Builtin(Builtin::Bell))
        .count();
    assert_eq!(bells, 8, "a bell at each step");
    assert_eq!(heard.last(), Some(&Play::Builtin(Builtin::End)));
    // The loop slept from deadline to deadline: about one wake a second,
    // never a busy loop.
    let waits = events.waits as u64;
    assert!(waits <= total.as_secs() + 20, "{waits} waits");
}

#[test]
fn a_plain_run_prints_every_step_and_leaves_when_done() {
    let routine = parse_routine(
        "tiny",
        "tiny.toml",
        r#"
name = "Tiny"
[[steps]]
kind = "kneading"
title = "Shoulder"
duration = "20s"
area = "shoulders"
sides = "both"
"#,
    )
    .unwrap();
    let t0 = Instant::now();
    let clock = FakeClock::new(t0);
    let mut events = Script::new(&clock);
    let mut out = Plain::new(Vec::new());
    let (mut sound, _) = Player::recording(SoundSettings::default());
    let app = App::direct(std::sync::Arc::new(routine)).with_options(crate::app::Options {
        autostart: true,
        plain: true,
        ..Default::default()
    });
    let exit = run(
        app,
        &clock,
        &mut out,
        &mut events,
        outside(&mut sound, None),
    );
    assert_eq!(exit, Exit::Normal);
    let text = String::from_utf8(out.into_inner()).unwrap();
    assert!(text.starts_with("Tiny · "), "{text}");
    assert!(text.contains("[0:05] Step 1 of 1: Shoulder"), "{text}");
    assert!(text.contains("Switch to the right side"), "{text}");
    assert!(text.ends_with("1 of 1 steps done.\n"), "{text}");
}

#[test]
fn a_terminal_that_fails_to_draw_ends_the_run_as_hung_up_and_records_it() {
    /// A backend whose writes fail, like a terminal whose other end closed.
    struct Gone(TestBackend);
    impl ratatui::backend::Backend for Gone {
        type Error = std::io::Error;
        fn draw<'a, I>(&mut self, _: I) -> std::io::Result<()>
        where
            I: Iterator<Item = (u16, u16, &'a ratatui::buffer::Cell)>,
        {
            Err(std::io::Error::from_raw_os_error(libc::EIO))
        }
        fn hide_cursor(&mut self) -> std::io::Result<()> {
            Ok(())
        }
        fn show_cursor(&mut self) -> std::io::Result<()> {
            Ok(())
        }
        fn get_cursor_position(&mut self) -> std::io::Result<ratatui::layout::Position> {
            Ok(Default::default())
        }
        fn set_cursor_position<P: Into<ratatui::layout::Position>>(
            &mut self,
            _: P,
        ) -> std::io::Result<()> {
            Ok(())
        }
        fn clear(&mut self) -> std::io::Result<()> {
            Ok(())
        }
        fn clear_region(&mut self, _: ratatui::backend::ClearType) -> std::io::Result<()> {
            Ok(())
        }
        fn size(&self) -> std::io::Result<ratatui::layout::Size> {
            Ok(self.0.size().unwrap())
        }
        fn window_size(&mut self) -> std::io::Result<ratatui::backend::WindowSize> {
            Ok(self.0.window_size().unwrap())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let routine = two_hours();
    let home = tempfile::tempdir().unwrap();
    let history = home.path().join("history.jsonl");
    let t0 = Instant::now();
    let clock = FakeClock::new(t0);
    let mut events = Script::new(&clock);
    let mut screen = FullScreen::on(Gone(TestBackend::new(80, 24)), Theme::MONO).unwrap();
    let (mut sound, _) = Player::recording(SoundSettings::default());
    let app = App::direct(std::sync::Arc::new(routine)).with_options(crate::app::Options {
        autostart: true,
        ..Default::default()
    });
    let exit = run(
        app,
        &clock,
        &mut screen,
        &mut events,
        outside(&mut sound, Some(history.clone())),
    );
    assert_eq!(exit.code(), 129);
    let lines = std::fs::read_to_string(&history).unwrap();
    assert!(lines.contains("\"outcome\":\"stopped\""), "{lines}");
}

/// The voice's script takes longer to make than a frame: it is made once
/// the first frame is up, so a preflight shows at once. When the session
/// starts at once, it is made for the first words said, before that frame.
#[test]
fn the_voice_is_made_after_the_first_frame_unless_words_come_first() {
    use std::cell::Cell;
    use std::rc::Rc;
    /// A screen that only counts its frames.
    struct Counted(Rc<Cell<usize>>);
    impl Renderer for Counted {
        fn frame(&mut self, _: &App, _: Instant, _: bool) -> io::Result<()> {
            self.0.set(self.0.get() + 1);
            Ok(())
        }
        fn effect(&mut self, _: &App, _: &crate::session::Effect, _: Instant) -> io::Result<()> {
            Ok(())
        }
    }
    for (autostart, made_after) in [(false, 1), (true, 0)] {
        let t0 = Instant::now();
        let clock = FakeClock::new(t0);
        let mut events = Script::new(&clock);
        let (mut sound, _) = Player::recording(SoundSettings::default());
        let app = App::direct(std::sync::Arc::new(two_hours())).with_options(crate::app::Options {
            autostart,
            ..Default::default()
        });
        let frames = Rc::new(Cell::new(0));
        let made = Rc::new(Cell::new(None));
        let mut outside = outside(&mut sound, None);
        let (drawn, when) = (frames.clone(), made.clone());
        outside.voice_later = Some(Box::new(move || {
            when.set(Some(drawn.get()));
            None
        }));
        run(
            app,
            &clock,
            &mut Counted(frames.clone()),
            &mut events,
            outside,
        );
        assert_eq!(made.get(), Some(made_after), "autostart {autostart}");
        assert!(frames.get() > made_after, "autostart {autostart}");
    }
}
