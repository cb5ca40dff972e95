use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::input::{self, Does, Key};

fn library() -> Library {
    Library::builtins()
}

/// `knotless run desk-break`: straight to its preflight.
fn desk_break() -> App {
    let routine = library()
        .find("desk-break")
        .unwrap()
        .routine
        .clone()
        .unwrap();
    App::direct(Arc::new(routine))
}

fn s(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn press(app: &mut App, code: KeyCode, at: Instant) -> Vec<Command> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), at)
}

fn ctrl(app: &mut App, c: char, at: Instant) -> Vec<Command> {
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        at,
    )
}

fn effects(commands: &[Command]) -> Vec<&Effect> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Show(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn recorded(commands: &[Command]) -> Option<&RecordRequest> {
    commands.iter().find_map(|c| match c {
        Command::Record(r) => Some(&**r),
        _ => None,
    })
}

#[test]
fn picker_to_preflight_to_session_to_done_and_back() {
    let t0 = Instant::now();
    let mut app = App::picker(library());
    assert_eq!(app.context(), Context::Picker);
    press(&mut app, KeyCode::Down, t0);
    press(&mut app, KeyCode::Enter, t0);
    let Screen::Preflight(r) = &app.screen else {
        panic!("not preflight")
    };
    assert_eq!(r.id, "calm-down");
    assert!(app.next_wake(t0).is_none(), "nothing wakes a menu");
    let out = press(&mut app, KeyCode::Enter, t0);
    assert_eq!(out[0], Command::SessionStarted);
    assert_eq!(effects(&out), vec![&Effect::GetReady { step: 0 }]);
    assert_eq!(app.context(), Context::Session);
    assert_eq!(app.next_wake(t0), Some(t0 + s(1)));
    press(&mut app, KeyCode::Char('q'), t0 + s(2));
    assert_eq!(app.context(), Context::ConfirmQuit);
    press(&mut app, KeyCode::Char('n'), t0 + s(2));
    press(&mut app, KeyCode::Esc, t0 + s(3));
    let out = press(&mut app, KeyCode::Char('y'), t0 + s(3));
    assert!(matches!(effects(&out).last(), Some(Effect::Stopped(_))));
    let request = recorded(&out).expect("the stopped session is recorded");
    // Stopped during the 5 s get-ready: nothing practised yet.
    assert_eq!(request.summary.practised, s(0));
    let Screen::Done { summary, .. } = &app.screen else {
        panic!("not done")
    };
    assert_eq!(summary.practised, s(0));
    press(&mut app, KeyCode::Enter, t0 + s(4));
    assert!(matches!(app.screen, Screen::Picker));
    assert_eq!(app.exit, None);
    let out = press(&mut app, KeyCode::Char('q'), t0 + s(4));
    assert_eq!(out, vec![Command::Exit(Exit::Normal)]);
}

#[test]
fn run_goes_straight_to_preflight_and_leaving_ends_the_program() {
    let t0 = Instant::now();
    let mut app = desk_break();
    assert_eq!(app.context(), Context::Preflight);
    let out = press(&mut app, KeyCode::Esc, t0);
    assert_eq!(out, vec![Command::Exit(Exit::Normal)]);
}

#[test]
fn ctrl_c_stops_the_session_so_it_can_still_be_recorded() {
    let t0 = Instant::now();
    let mut app = desk_break();
    press(&mut app, KeyCode::Enter, t0);
    let out = ctrl(&mut app, 'c', t0 + s(10));
    let Some(Effect::Stopped(summary)) = effects(&out).last().copied() else {
        panic!("{out:?}")
    };
    // Ten seconds in, five of them the get-ready.
    assert_eq!(summary.practised, s(5));
    assert!(recorded(&out).is_some());
    assert_eq!(out.last(), Some(&Command::Exit(Exit::Interrupted)));
    assert_eq!(app.exit.map(Exit::code), Some(130));
}

#[test]
fn a_signal_stops_and_records_with_its_own_status() {
    let t0 = Instant::now();
    let mut app = desk_break();
    press(&mut app, KeyCode::Enter, t0);
    let out = app.update(Msg::Stop(Exit::Signal(libc::SIGUSR1)), t0 + s(4));
    assert!(recorded(&out).is_some());
    assert_eq!(
        out.last(),
        Some(&Command::Exit(Exit::Signal(libc::SIGUSR1)))
    );
    assert_eq!(Exit::Signal(libc::SIGUSR1).code(), 138);
}

#[test]
fn the_filter_narrows_the_list_by_name_or_tag() {
    let t0 = Instant::now();
    let mut app = App::picker(library());
    press(&mut app, KeyCode::Char('/'), t0);
    assert_eq!(app.context(), Context::Filtering);
    for c in "sleep".chars() {
        press(&mut app, KeyCode::Char(c), t0);
    }
    let ids: Vec<&str> = app
        .picker
        .matching(&app.library)
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(ids, vec!["sleep-wind-down"]);
    press(&mut app, KeyCode::Enter, t0);
    press(&mut app, KeyCode::Enter, t0);
    assert!(matches!(&app.screen, Screen::Preflight(r) if r.id == "sleep-wind-down"));
}

#[test]
fn suspending_pauses_the_session_then_asks_the_driver() {
    let t0 = Instant::now();
    let mut app = desk_break();
    press(&mut app, KeyCode::Enter, t0);
    let out = app.update(Msg::Suspend, t0 + s(2));
    assert!(out.contains(&Command::Suspend));
    assert!(app.session().unwrap().is_paused());
    assert_eq!(app.next_wake(t0 + s(100)), None);
}

#[test]
fn help_takes_the_next_key_and_closes() {
    let t0 = Instant::now();
    let mut app = App::picker(library());
    press(&mut app, KeyCode::Char('?'), t0);
    assert_eq!(app.context(), Context::Help);
    let keys = app.view(t0).keys;
    assert!(
        keys.iter().any(|k| k.label == "open the routine"),
        "help lists the picker's keys"
    );
    press(&mut app, KeyCode::Char('x'), t0);
    assert_eq!(app.context(), Context::Picker);
}

#[test]
fn the_tension_question_comes_before_and_after_when_asked_for() {
    let t0 = Instant::now();
    let mut app = desk_break().with_options(Options {
        ask_tension: true,
        ..Options::default()
    });
    press(&mut app, KeyCode::Enter, t0);
    assert_eq!(app.context(), Context::Tension);
    assert!(
        app.view(t0)
            .question
            .is_some_and(|q| q.contains("How tense"))
    );
    let out = press(&mut app, KeyCode::Char('7'), t0);
    assert_eq!(
        effects(&out),
        vec![&Effect::GetReady { step: 0 }],
        "the answer starts the session"
    );
    assert_eq!(app.tension.before, Some(7));
    press(&mut app, KeyCode::Char('q'), t0 + s(30));
    let out = press(&mut app, KeyCode::Char('y'), t0 + s(30));
    assert!(
        recorded(&out).is_none(),
        "the record waits for the second answer"
    );
    assert_eq!(app.context(), Context::Tension);
    let out = press(&mut app, KeyCode::Char('3'), t0 + s(31));
    let request = recorded(&out).expect("recorded with both answers");
    assert_eq!(
        (request.tension_before, request.tension_after),
        (Some(7), Some(3))
    );
    assert_eq!(app.context(), Context::Done);
}

#[test]
fn a_stop_by_ctrl_c_is_never_held_back() {
    let t0 = Instant::now();
    let mut app = desk_break().with_options(Options {
        ask_tension: true,
        ..Options::default()
    });
    press(&mut app, KeyCode::Enter, t0);
    press(&mut app, KeyCode::Char('4'), t0);
    let out = ctrl(&mut app, 'c', t0 + s(5));
    assert!(recorded(&out).is_some());
}

#[test]
fn plain_runs_start_at_once_and_end_with_the_session() {
    let t0 = Instant::now();
    let mut app = desk_break().with_options(Options {
        autostart: true,
        plain: true,
        ..Options::default()
    });
    let out = app.update(Msg::Tick, t0);
    assert!(out.contains(&Command::SessionStarted));
    let mut now = t0;
    let mut last = Vec::new();
    while let Some(at) = app.next_wake(now) {
        now = at;
        last = app.update(Msg::Tick, now);
    }
    assert!(matches!(effects(&last).last(), Some(Effect::Finished(_))));
    assert_eq!(last.last(), Some(&Command::Exit(Exit::Normal)));
}

#[test]
fn editing_a_builtin_asks_for_a_copy_and_reports_how_the_file_is() {
    let t0 = Instant::now();
    let mut app = App::picker(library()).with_options(Options {
        user_dir: Some("/home/u/.config/knotless/routines".into()),
        ..Options::default()
    });
    let out = press(&mut app, KeyCode::Char('e'), t0);
    let Some(Command::Edit { path, copy }) = out.first() else {
        panic!("{out:?}")
    };
    let first = app.library.entries[0].id.clone();
    assert_eq!(copy.as_deref(), Some(first.as_str()));
    assert!(path.ends_with(format!("routines/{first}.toml")));
    assert!(app.editing);
    let out = app.update(
        Msg::Edited(Edited {
            path: path.clone(),
            ran: Ok(true),
            check: Some(Err(2)),
        }),
        t0,
    );
    assert!(!app.editing);
    assert!(out.contains(&Command::LoadLibrary));
    assert!(app.status.as_deref().unwrap().contains("has 2 problems"));
}

/// Puts a fresh app on the screen `context`, started in `mode`.
fn on_screen(context: Context, mode: Mode, t0: Instant) -> Option<App> {
    let mut app = match mode {
        Mode::Picker => App::picker(library()),
        Mode::Direct => desk_break(),
    }
    .with_options(Options {
        ask_tension: context == Context::Tension,
        ..Options::default()
    });
    let to_preflight = |app: &mut App| {
        if mode == Mode::Picker {
            press(app, KeyCode::Enter, t0);
        }
    };
    match context {
        Context::Picker
        | Context::Filtering
        | Context::History
        | Context::Compose
        | Context::Composed
        | Context::Naming
            if mode == Mode::Direct =>
        {
            return None;
        }
        Context::Compose | Context::Composed | Context::Naming => {
            compose_screen(&mut app, context, t0);
        }
        Context::Picker => {}
        Context::Filtering => {
            press(&mut app, KeyCode::Char('/'), t0);
        }
        Context::History => {
            app.history_loaded(Ok(Default::default()), &jiff::Zoned::now());
        }
        Context::Preflight => to_preflight(&mut app),
        Context::Tension => {
            to_preflight(&mut app);
            press(&mut app, KeyCode::Enter, t0);
        }
        Context::Session | Context::ConfirmQuit | Context::Done | Context::Help => {
            to_preflight(&mut app);
            press(&mut app, KeyCode::Enter, t0);
            match context {
                Context::ConfirmQuit => {
                    press(&mut app, KeyCode::Char('q'), t0);
                }
                Context::Done => {
                    press(&mut app, KeyCode::Char('q'), t0);
                    press(&mut app, KeyCode::Char('y'), t0);
                }
                Context::Help => {
                    press(&mut app, KeyCode::Char('?'), t0);
                }
                _ => {}
            }
        }
    }
    assert_eq!(app.context(), context, "set-up for {context:?}");
    Some(app)
}

/// Opens the compose screen, with the steps read, and goes on to the
/// composed routine and to naming it when `context` asks.
fn compose_screen(app: &mut App, context: Context, t0: Instant) {
    let out = press(app, KeyCode::Char('c'), t0);
    assert!(out.contains(&Command::LoadSteps));
    app.update(Msg::Steps(Box::new(super::compose::tests::pool())), t0);
    if context == Context::Compose {
        return;
    }
    // Focus on the neck, then compose.
    let neck = super::compose::areas()
        .position(|a| a == crate::routine::Area::Neck)
        .unwrap();
    for _ in 0..neck {
        press(app, KeyCode::Right, t0);
    }
    press(app, KeyCode::Char(' '), t0);
    press(app, KeyCode::Enter, t0);
    if context == Context::Naming {
        press(app, KeyCode::Char('s'), t0);
    }
}

/// The key a row is pressed with in the walk below.
fn code_for(key: Key) -> KeyCode {
    match key {
        Key::Char(c) => KeyCode::Char(c),
        Key::Enter => KeyCode::Enter,
        Key::Esc => KeyCode::Esc,
        Key::Backspace => KeyCode::Backspace,
        Key::Left => KeyCode::Left,
        Key::Right => KeyCode::Right,
        Key::Up => KeyCode::Up,
        Key::Down => KeyCode::Down,
        Key::PageUp => KeyCode::PageUp,
        Key::PageDown => KeyCode::PageDown,
        Key::Home => KeyCode::Home,
        Key::End => KeyCode::End,
        Key::Digit => KeyCode::Char('5'),
        Key::Text => KeyCode::Char('x'),
        Key::Any => KeyCode::Char('x'),
    }
}

#[test]
fn every_hinted_key_does_what_its_label_says_on_every_screen_in_both_modes() {
    let t0 = Instant::now();
    for mode in [Mode::Picker, Mode::Direct] {
        for context in Context::ALL {
            for binding in input::bindings(context).filter(|b| b.hint.is_some()) {
                let Some(mut app) = on_screen(context, mode, t0) else {
                    continue;
                };
                let label = binding.hint.unwrap().1;
                let out = press(&mut app, code_for(binding.keys[0]), t0 + s(1));
                let leaves = out.iter().any(|c| matches!(c, Command::Exit(_)));
                let what = format!("{mode:?} {context:?} {} '{label}'", binding.key_names());
                let shown = input::help(context, mode)
                    .into_iter()
                    .find(|k| k.keys == binding.key_names())
                    .and_then(|k| k.hint)
                    .map(|h| h.1)
                    .unwrap();
                match binding.does {
                    Does::Fixed(Action::Back) | Does::Fixed(Action::Quit) => {
                        let to_picker = matches!(app.screen, Screen::Picker) && !leaves;
                        match shown {
                            "quit" | "leave" => assert!(leaves, "{what} leaves"),
                            "back" | "back to routines" => {
                                assert!(to_picker, "{what} goes back to the routines")
                            }
                            other => panic!("{what}: unexpected label {other}"),
                        }
                    }
                    Does::Fixed(Action::Open) if context == Context::Preflight => {
                        assert!(out.contains(&Command::SessionStarted), "{what}")
                    }
                    Does::Fixed(Action::Open) => {
                        assert!(matches!(app.screen, Screen::Preflight(_)), "{what}")
                    }
                    Does::Fixed(Action::ToggleHelp) => {
                        assert_eq!(app.context(), Context::Help, "{what}")
                    }
                    Does::Fixed(Action::AskQuit) => {
                        assert_eq!(app.context(), Context::ConfirmQuit, "{what}")
                    }
                    Does::Fixed(Action::ConfirmQuit) => {
                        assert_eq!(app.context(), Context::Done, "{what}")
                    }
                    Does::Fixed(Action::CancelQuit) => {
                        assert_eq!(app.context(), Context::Session, "{what}")
                    }
                    Does::Fixed(Action::Session(crate::session::Msg::TogglePause)) => {
                        assert!(app.session().unwrap().is_paused(), "{what}")
                    }
                    Does::Fixed(Action::Session(_)) => {
                        assert_eq!(app.context(), Context::Session, "{what}");
                        assert!(
                            !effects(&out).is_empty() || label.contains("15 s"),
                            "{what}"
                        );
                    }
                    Does::Fixed(Action::ToggleMute) => {
                        assert!(out.contains(&Command::ToggleMute), "{what}")
                    }
                    Does::Fixed(Action::StartFilter) => {
                        assert_eq!(app.context(), Context::Filtering, "{what}")
                    }
                    Does::Fixed(Action::FilterDone | Action::FilterClear) => {
                        assert_eq!(app.context(), Context::Picker, "{what}")
                    }
                    Does::Fixed(Action::FilterBackspace) => {
                        assert_eq!(app.context(), context, "{what}")
                    }
                    Does::Fixed(Action::Edit) => assert!(
                        out.iter().any(|c| matches!(c, Command::Edit { .. }))
                            || app
                                .status
                                .as_deref()
                                .is_some_and(|s| s.contains("Cannot edit")),
                        "{what}"
                    ),
                    Does::Fixed(Action::Preview) => {
                        assert_eq!(app.context(), Context::Session, "{what}");
                        assert!(app.preview.is_some(), "{what}");
                    }
                    Does::Fixed(Action::History) => {
                        assert!(out.contains(&Command::LoadHistory), "{what}")
                    }
                    Does::Answer | Does::Fixed(Action::Tension(_)) => {
                        assert_ne!(app.context(), Context::Tension, "{what}");
                        assert!(out.contains(&Command::SessionStarted), "{what}");
                    }
                    Does::Fixed(Action::CancelQuestion) => {
                        assert_eq!(app.context(), Context::Preflight, "{what}")
                    }
                    Does::Fixed(Action::Shorter | Action::Longer) => {
                        let Some(r) = app.routine().or_else(|| {
                            app.picker
                                .selected(&app.library)
                                .and_then(|e| e.routine.as_ref().ok())
                        }) else {
                            panic!("{what}: no routine")
                        };
                        let fitted =
                            app.picker.today.minutes.contains_key(&r.id) || r.run.fitted.is_some();
                        let at_bound = app.status.as_deref().is_some_and(|s| s.contains("fitted"));
                        assert!(fitted || at_bound, "{what}: {:?}", app.status);
                    }
                    Does::Fixed(Action::FromStart) if context == Context::Picker => {
                        assert!(
                            matches!(&app.screen, Screen::Preflight(r) if r.run.resumes.is_none()),
                            "{what}"
                        )
                    }
                    Does::Fixed(Action::FromStart) => {
                        assert!(out.contains(&Command::SessionStarted), "{what}");
                        assert_eq!(
                            app.session().unwrap().view(t0 + s(1)).step_number,
                            1,
                            "{what}"
                        );
                    }
                    Does::Fixed(Action::Compose) => {
                        assert_eq!(app.context(), Context::Compose, "{what}");
                        assert!(out.contains(&Command::LoadSteps), "{what}");
                    }
                    Does::Fixed(Action::Form(_)) => {
                        assert_eq!(app.context(), Context::Compose, "{what}");
                        assert_ne!(
                            app.view(t0).screen,
                            on_screen(context, mode, t0).unwrap().view(t0).screen,
                            "{what} changes the answers"
                        );
                    }
                    Does::Fixed(Action::Build) => {
                        // Nothing chosen yet: it says what is missing.
                        let Screen::Compose(c) = &app.screen else {
                            panic!("{what}")
                        };
                        assert!(c.problem.is_some(), "{what}");
                    }
                    Does::Fixed(Action::Answers) => {
                        assert_eq!(app.context(), Context::Compose, "{what}")
                    }
                    Does::Fixed(Action::StartComposed) => {
                        assert!(matches!(app.screen, Screen::Preflight(_)), "{what}");
                        assert!(
                            out.iter().any(|c| matches!(c, Command::Prepare(_))),
                            "{what}"
                        );
                    }
                    Does::Fixed(Action::AskName) => {
                        assert_eq!(app.context(), Context::Naming, "{what}")
                    }
                    Does::Fixed(Action::Another) => {
                        assert_eq!(app.context(), Context::Composed, "{what}")
                    }
                    Does::Fixed(Action::SaveNamed) => {
                        // Nothing typed yet: it asks for a name.
                        assert!(
                            app.status.as_deref().is_some_and(|s| s.contains("name")),
                            "{what}"
                        )
                    }
                    Does::Fixed(Action::CancelName) => {
                        assert_eq!(app.context(), Context::Composed, "{what}")
                    }
                    other => panic!("{what}: no check for {other:?}"),
                }
            }
        }
    }
}

#[test]
fn help_and_the_quit_question_pause_the_session_while_open() {
    let t0 = Instant::now();
    let mut app = desk_break();
    press(&mut app, KeyCode::Enter, t0);
    press(&mut app, KeyCode::Char('?'), t0 + s(10));
    assert!(app.session().unwrap().is_paused(), "help pauses");
    let left = app.session().unwrap().view(t0 + s(10)).total_left_secs;
    assert_eq!(
        app.session().unwrap().view(t0 + s(40)).total_left_secs,
        left,
        "time stands still behind help"
    );
    press(&mut app, KeyCode::Char('x'), t0 + s(40));
    assert!(!app.session().unwrap().is_paused(), "closing help resumes");
    press(&mut app, KeyCode::Char('q'), t0 + s(41));
    assert!(
        app.session().unwrap().is_paused(),
        "the quit question pauses"
    );
    press(&mut app, KeyCode::Char('n'), t0 + s(60));
    assert!(!app.session().unwrap().is_paused(), "and no resumes");
    // Paused by the user first: closing help leaves it paused.
    press(&mut app, KeyCode::Char(' '), t0 + s(61));
    press(&mut app, KeyCode::Char('?'), t0 + s(62));
    press(&mut app, KeyCode::Char('x'), t0 + s(63));
    assert!(app.session().unwrap().is_paused());
}
