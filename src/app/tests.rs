use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::input::{self, Does, Key};
use crate::timeline::Timeline;

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
    assert_eq!(r.id, "breathe-5");
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
fn under_enlarge_the_terminal_only_ctrl_c_and_ctrl_z_act() {
    let t0 = Instant::now();
    let mut app = desk_break();
    app.update(Msg::Resize(Some((39, 12))), t0);
    assert!(app.too_small());
    // Enter would start a session nobody can see.
    assert!(press(&mut app, KeyCode::Enter, t0).is_empty());
    assert_eq!(app.context(), Context::Preflight);
    assert!(press(&mut app, KeyCode::Esc, t0).is_empty());
    // Large enough again: the same key starts it.
    app.update(Msg::Resize(Some((40, 12))), t0);
    press(&mut app, KeyCode::Enter, t0);
    assert_eq!(app.context(), Context::Session);
    app.update(Msg::Resize(Some((80, 11))), t0 + s(1));
    assert!(press(&mut app, KeyCode::Char(' '), t0 + s(2)).is_empty());
    assert!(!app.session().unwrap().is_paused());
    // Ctrl-C still stops (and records) what runs out of sight.
    let out = ctrl(&mut app, 'c', t0 + s(10));
    assert!(recorded(&out).is_some());
    assert_eq!(out.last(), Some(&Command::Exit(Exit::Interrupted)));
    // --plain has no screen to be small.
    let mut plain = desk_break();
    plain.update(Msg::Resize(None), t0);
    assert!(!plain.too_small());
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
    // Signal 10 (SIGUSR1 on Linux), by number: the app is the same on
    // every platform, signals or not.
    let out = app.update(Msg::Stop(Exit::Signal(10)), t0 + s(4));
    assert!(recorded(&out).is_some());
    assert_eq!(out.last(), Some(&Command::Exit(Exit::Signal(10))));
    assert_eq!(Exit::Signal(10).code(), 138);
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

#[cfg(unix)]
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
    // The done screen shows today's change, and beside it the running
    // average once the session is recorded.
    let tension = |app: &App| match app.view(t0 + s(32)).screen {
        ScreenView::Done(done) => done.facts.iter().find(|(l, _)| *l == "Tension").cloned(),
        _ => None,
    };
    assert_eq!(tension(&app), Some(("Tension", "7 → 3, 4 calmer".into())));
    app.update(
        Msg::Recorded(Ok(crate::history::Glance {
            tension: Some(crate::history::TensionChange {
                average: -2.25,
                sessions: 4,
            }),
            ..Default::default()
        })),
        t0 + s(32),
    );
    assert_eq!(
        tension(&app),
        Some((
            "Tension",
            "7 → 3, 4 calmer · average 2.2 calmer over 4 sessions".into()
        ))
    );
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
    assert!(said(&app).as_deref().unwrap().contains("has 2 problems"));
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
        Context::Safety => {
            to_preflight(&mut app);
            press(&mut app, KeyCode::Char('?'), t0);
        }
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
                    Does::Fixed(Action::Open)
                        if matches!(context, Context::Preflight | Context::Safety) =>
                    {
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
                            || said(&app)
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
                    Does::Fixed(Action::ToggleCharts) => assert!(
                        matches!(&app.screen, Screen::History { charts: true, .. }),
                        "{what}"
                    ),
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
                        let at_bound = said(&app).as_deref().is_some_and(|s| s.contains("fitted"));
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
                            said(&app).as_deref().is_some_and(|s| s.contains("name")),
                            "{what}"
                        )
                    }
                    Does::Fixed(Action::CancelName) => {
                        assert_eq!(app.context(), Context::Composed, "{what}")
                    }
                    Does::Fixed(Action::Safety) => {
                        let to = match context {
                            Context::Safety => Context::Preflight,
                            _ => Context::Safety,
                        };
                        assert_eq!(app.context(), to, "{what}")
                    }
                    Does::Fixed(Action::Down) if context == Context::Safety => {
                        assert_eq!(app.safety, Some(1), "{what}")
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

#[test]
fn a_problem_is_shown_in_full_then_shrinks_to_a_mark_and_help_keeps_it() {
    let t0 = Instant::now();
    let mut app = App::picker(library());
    app.update(
        Msg::News(Status::SoundOff("no sound server found".into())),
        t0,
    );
    assert_eq!(
        app.view(t0).status.as_deref(),
        Some("Sound off: no sound server found")
    );
    assert_eq!(
        app.next_wake(t0),
        Some(t0 + STATUS_FULL),
        "wakes to shrink it"
    );
    let later = t0 + STATUS_FULL + s(1);
    assert_eq!(app.view(later).status.as_deref(), Some("♪ off"));
    assert_eq!(app.next_wake(later), None, "then nothing more to do");
    press(&mut app, KeyCode::Char('?'), later);
    let view = app.view(later);
    assert_eq!(
        view.status_full.as_deref(),
        Some("Sound off: no sound server found")
    );
    // A new message starts its own time.
    app.update(Msg::Muted(true), later);
    assert_eq!(
        app.view(later + s(1)).status.as_deref(),
        Some(Status::SoundMuted.text().as_ref())
    );
}

/// A picker that has read `lines` of history at `now`.
fn picker_with_history(lines: &[&str], now: &str) -> App {
    let mut app = App::picker(library());
    let out = app.update(Msg::Tick, Instant::now());
    assert_eq!(
        out,
        vec![Command::LoadRecords],
        "the picker reads the history once"
    );
    let text = lines.join("\n");
    let loaded = crate::history::parse(text.as_bytes());
    let now = now
        .parse::<jiff::Timestamp>()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)));
    app.update(Msg::Records(Ok(loaded), now), Instant::now());
    app
}

fn select(app: &mut App, id: &str) {
    let at = app
        .picker
        .matching(&app.library)
        .iter()
        .position(|e| e.id == id)
        .unwrap();
    app.picker.selected = at;
}

fn details(app: &App) -> crate::ui::view::RoutineView {
    let ScreenView::Picker(p) = app.view(Instant::now()).screen else {
        panic!("not the picker")
    };
    match p.details {
        Some(crate::ui::view::Details::Routine { routine, .. }) => routine,
        other => panic!("{other:?}"),
    }
}

fn preflight(app: &App) -> &Routine {
    match &app.screen {
        Screen::Preflight(r) => r,
        _ => panic!("not preflight"),
    }
}

const STOPPED: &str = r#"{"v":1,"started":"2026-03-10T07:30:00+01:00","routine_id":"daily-back","routine_name":"Daily back reset","planned_seconds":784,"practised_seconds":300,"outcome":"stopped","steps":10,"steps_done":5,"stopped_at_step":5}"#;

#[test]
fn brackets_fit_the_highlighted_routine_a_minute_a_press_and_enter_runs_it_fitted() {
    let t0 = Instant::now();
    let mut app = picker_with_history(&[], "2026-03-10T08:00:00+01:00");
    select(&mut app, "daily-back");
    // Written 13:04: a press takes it to 12, then 11.
    press(&mut app, KeyCode::Char('['), t0);
    press(&mut app, KeyCode::Char('['), t0);
    assert_eq!(app.picker.today.minutes.get("daily-back"), Some(&11));
    let view = details(&app);
    assert!(view.length.starts_with("11 min"), "{}", view.length);
    assert_eq!(
        view.fitted.as_deref(),
        Some("fitted to 11 min, written 13 min 4 s")
    );
    let ScreenView::Picker(p) = app.view(t0).screen else {
        panic!()
    };
    assert!(
        p.rows[p.selected].length.starts_with("11:0")
            || p.rows[p.selected].length.starts_with("10:5")
    );
    // Down to the bound, and one press past it: the status says why.
    let range = crate::fit::minutes_range(preflight_of(&app, "daily-back")).unwrap();
    for _ in 0..20 {
        press(&mut app, KeyCode::Char('['), t0);
    }
    assert_eq!(
        app.picker.today.minutes.get("daily-back"),
        Some(range.start())
    );
    let said = said(&app).unwrap();
    assert!(said.contains("can be fitted between"), "{said}");
    // A press that works clears it.
    press(&mut app, KeyCode::Char(']'), t0);
    assert_eq!(app.status, None);
    let minutes = range.start() + 1;
    let out = press(&mut app, KeyCode::Enter, t0);
    assert!(out.iter().any(|c| matches!(c, Command::Prepare(_))));
    let r = preflight(&app);
    assert_eq!(r.run.fitted.map(|f| f.minutes), Some(minutes));
    let total = Timeline::new(r).total.as_secs();
    assert!(total.abs_diff(u64::from(minutes) * 60) <= 5, "{total}");
    let Some(ScreenView::Preflight(view)) = Some(app.view(t0).screen) else {
        panic!()
    };
    assert!(
        view.fitted
            .unwrap()
            .starts_with(&format!("fitted to {minutes} min"))
    );
    let out = press(&mut app, KeyCode::Enter, t0);
    assert!(out.contains(&Command::SessionStarted));
    assert_eq!(
        app.session()
            .unwrap()
            .routine()
            .run
            .fitted
            .map(|f| f.minutes),
        Some(minutes)
    );
}

/// The routine `id` as the library has it.
fn preflight_of<'a>(app: &'a App, id: &str) -> &'a Routine {
    app.library.find(id).unwrap().routine.as_ref().unwrap()
}

#[test]
fn brackets_in_preflight_fit_again_and_back_to_as_written() {
    let t0 = Instant::now();
    let mut app = desk_break();
    let written = Timeline::new(preflight(&app)).total;
    press(&mut app, KeyCode::Char(']'), t0);
    let r = preflight(&app);
    let minutes = r.run.fitted.unwrap().minutes;
    assert_eq!(minutes, 6, "5:05 as written, a minute longer");
    press(&mut app, KeyCode::Char('['), t0);
    let r = preflight(&app);
    assert_eq!(r.run.fitted, None, "back to as written");
    assert_eq!(Timeline::new(r).total, written);
    // 4-7-8 and such aside, a routine can always be made shorter to 3.
    for _ in 0..10 {
        press(&mut app, KeyCode::Char('['), t0);
    }
    assert!(
        said(&app)
            .as_deref()
            .is_some_and(|s| s.contains("fitted") || s.contains("3 to 60"))
    );
}

#[test]
fn a_stopped_session_is_marked_and_enter_continues_it_from_its_preflight() {
    let t0 = Instant::now();
    let mut app = picker_with_history(&[STOPPED], "2026-03-10T08:00:00+01:00");
    select(&mut app, "daily-back");
    let ScreenView::Picker(p) = app.view(t0).screen else {
        panic!()
    };
    assert!(p.rows[p.selected].resumable);
    assert_eq!(p.rows.iter().filter(|r| r.resumable).count(), 1);
    let view = details(&app);
    assert_eq!(
        view.resume.as_deref(),
        Some("Stopped at step 6 of 10 — enter to continue, s to start over")
    );
    let hints: Vec<_> = app
        .view(t0)
        .keys
        .into_iter()
        .filter_map(|k| k.hint)
        .collect();
    assert!(hints.iter().any(|h| h.1 == "start over"), "{hints:?}");
    press(&mut app, KeyCode::Enter, t0);
    assert_eq!(preflight(&app).run.first_step(), 5);
    let ScreenView::Preflight(view) = app.view(t0).screen else {
        panic!()
    };
    assert_eq!(
        view.resume.as_deref(),
        Some("Continue from step 6 of 10 — s starts over")
    );
    let out = press(&mut app, KeyCode::Enter, t0);
    assert!(out.contains(&Command::SessionStarted));
    assert_eq!(app.session().unwrap().view(t0).step_number, 6);
    // The continued part names the line it continues.
    press(&mut app, KeyCode::Char('q'), t0 + s(1));
    let out = press(&mut app, KeyCode::Char('y'), t0 + s(1));
    let request = recorded(&out).unwrap();
    assert_eq!(
        request
            .routine
            .run
            .resumes
            .as_ref()
            .map(|r| r.record.as_str()),
        Some("2026-03-10T07:30:00+01:00")
    );
    // Once recorded, the history is read again for the marks.
    let out = app.update(
        Msg::Recorded(Ok(crate::history::Glance::default())),
        t0 + s(2),
    );
    assert!(out.contains(&Command::LoadRecords), "{out:?}");
    let out = press(&mut app, KeyCode::Enter, t0 + s(2));
    assert!(!out.contains(&Command::LoadRecords), "once: {out:?}");
}

#[test]
fn s_starts_a_stopped_routine_from_the_beginning() {
    let t0 = Instant::now();
    let mut app = picker_with_history(&[STOPPED], "2026-03-10T08:00:00+01:00");
    select(&mut app, "daily-back");
    // From the picker: its preflight, not continuing.
    press(&mut app, KeyCode::Char('s'), t0);
    assert_eq!(preflight(&app).run.resumes, None);
    let hints: Vec<_> = app
        .view(t0)
        .keys
        .into_iter()
        .filter_map(|k| k.hint)
        .collect();
    assert!(!hints.iter().any(|h| h.1 == "start over"), "{hints:?}");
    press(&mut app, KeyCode::Esc, t0);
    // From preflight: at once, from the first step.
    press(&mut app, KeyCode::Enter, t0);
    assert_eq!(preflight(&app).run.first_step(), 5);
    let out = press(&mut app, KeyCode::Char('s'), t0);
    assert!(out.contains(&Command::SessionStarted));
    assert_eq!(app.session().unwrap().view(t0).step_number, 1);
    assert_eq!(app.session().unwrap().routine().run.resumes, None);
}

#[test]
fn a_session_stopped_long_ago_or_finished_is_not_marked() {
    let late = picker_with_history(&[STOPPED], "2026-03-11T08:00:00+01:00");
    assert!(late.picker.today.resumes.is_empty());
    let finished = STOPPED
        .replace("07:30", "07:50")
        .replace("\"stopped\"", "\"finished\"");
    let done = picker_with_history(&[STOPPED, &finished], "2026-03-10T08:10:00+01:00");
    assert!(done.picker.today.resumes.is_empty());
}

#[test]
fn a_resumed_fitted_session_keeps_its_minutes() {
    let t0 = Instant::now();
    let line = STOPPED.replace(
        r#""stopped_at_step":5"#,
        r#""stopped_at_step":3,"fitted_minutes":9,"written_seconds":784"#,
    );
    let mut app = picker_with_history(&[&line], "2026-03-10T08:00:00+01:00");
    select(&mut app, "daily-back");
    assert!(details(&app).length.starts_with("9 min"));
    press(&mut app, KeyCode::Enter, t0);
    let r = preflight(&app);
    assert_eq!(
        (r.run.first_step(), r.run.fitted.map(|f| f.minutes)),
        (3, Some(9))
    );
}

/// On the compose screen with the shipped steps read.
fn composing() -> App {
    let t0 = Instant::now();
    let mut app = App::picker(library()).with_options(Options {
        user_dir: Some("/home/u/.config/knotless/routines".into()),
        ..Options::default()
    });
    let out = press(&mut app, KeyCode::Char('c'), t0);
    assert!(out.contains(&Command::LoadSteps));
    app.update(Msg::Steps(Box::new(super::compose::tests::pool())), t0);
    app
}

fn compose_view(app: &App) -> crate::ui::view::ComposeView {
    match app.view(Instant::now()).screen {
        ScreenView::Compose(c) => c,
        _ => panic!("not compose"),
    }
}

#[test]
fn c_asks_the_questions_composes_and_starts_the_routine() {
    let t0 = Instant::now();
    let mut app = composing();
    assert_eq!(app.context(), Context::Compose);
    // Minutes: typed.
    press(&mut app, KeyCode::Up, t0);
    press(&mut app, KeyCode::Char('8'), t0);
    // Focus: the neck.
    press(&mut app, KeyCode::Down, t0);
    let neck = super::compose::areas()
        .position(|a| a == crate::routine::Area::Neck)
        .unwrap();
    for _ in 0..neck {
        press(&mut app, KeyCode::Right, t0);
    }
    press(&mut app, KeyCode::Char(' '), t0);
    // Position: a chair (upright).
    press(&mut app, KeyCode::Down, t0);
    press(&mut app, KeyCode::Down, t0);
    press(&mut app, KeyCode::Right, t0);
    // Avoid: the lower back.
    press(&mut app, KeyCode::Down, t0);
    let lower = super::compose::areas()
        .position(|a| a == crate::routine::Area::LowerBack)
        .unwrap();
    for _ in 0..lower {
        press(&mut app, KeyCode::Right, t0);
    }
    press(&mut app, KeyCode::Char(' '), t0);
    let view = compose_view(&app);
    let answers: Vec<&str> = view.fields.iter().map(|f| f.answer.as_str()).collect();
    assert_eq!(answers, ["8", "neck", "hands only", "chair", "lower-back"]);
    press(&mut app, KeyCode::Enter, t0);
    assert_eq!(app.context(), Context::Composed);
    let Screen::Compose(c) = &app.screen else {
        panic!()
    };
    let super::compose::Stage::Composed(routine) = &c.stage else {
        panic!("{:?}", c.problem)
    };
    let total = Timeline::new(routine).total.as_secs();
    assert!(total.abs_diff(8 * 60) <= 15, "{total}");
    assert!(
        routine
            .steps
            .iter()
            .all(|s| s.area != Some(crate::routine::Area::LowerBack))
    );
    crate::routine::write::read_back_strict(routine).expect("passes check --strict");
    let composed = compose_view(&app).composed.unwrap();
    assert_eq!(composed.steps.len(), routine.steps.len());
    // Another for the same answers, then back to the questions and again.
    press(&mut app, KeyCode::Char('n'), t0);
    assert_eq!(app.context(), Context::Composed);
    press(&mut app, KeyCode::Esc, t0);
    assert_eq!(app.context(), Context::Compose);
    press(&mut app, KeyCode::Enter, t0);
    let out = press(&mut app, KeyCode::Enter, t0);
    assert!(out.iter().any(|c| matches!(c, Command::Prepare(_))));
    assert!(matches!(app.screen, Screen::Preflight(_)));
    let out = press(&mut app, KeyCode::Enter, t0);
    assert!(out.contains(&Command::SessionStarted));
    // The answers are kept for next time.
    let mut app2 = app;
    press(&mut app2, KeyCode::Char('q'), t0);
    press(&mut app2, KeyCode::Char('y'), t0);
    press(&mut app2, KeyCode::Enter, t0);
    press(&mut app2, KeyCode::Char('c'), t0);
    assert_eq!(compose_view(&app2).fields[1].answer, "neck");
}

#[test]
fn a_composed_routine_is_saved_under_the_name_typed() {
    let t0 = Instant::now();
    let mut app = composing();
    press(&mut app, KeyCode::Char(' '), t0);
    press(&mut app, KeyCode::Right, t0);
    press(&mut app, KeyCode::Right, t0);
    press(&mut app, KeyCode::Right, t0);
    press(&mut app, KeyCode::Char(' '), t0);
    press(&mut app, KeyCode::Enter, t0);
    assert_eq!(app.context(), Context::Composed, "{:?}", app.status);
    press(&mut app, KeyCode::Char('s'), t0);
    assert_eq!(app.context(), Context::Naming);
    for c in "Neck today".chars() {
        press(&mut app, KeyCode::Char(c), t0);
    }
    press(&mut app, KeyCode::Backspace, t0);
    press(&mut app, KeyCode::Char('y'), t0);
    let out = press(&mut app, KeyCode::Enter, t0);
    let Some(Command::SaveRoutine { routine, name }) = out.first() else {
        panic!("{out:?}")
    };
    assert_eq!(name, "Neck today");
    assert!(!routine.steps.is_empty());
    // It could not be saved: still naming, and why.
    let exists = crate::compose::files::SaveError::Exists("neck-today.toml".into());
    app.update(Msg::Saved(Err(exists.into())), t0);
    assert_eq!(app.context(), Context::Naming);
    assert!(said(&app).as_deref().unwrap().contains("already exists"));
    app.update(
        Msg::Saved(Ok(("neck-today".into(), "Saved as neck-today".into()))),
        t0,
    );
    assert!(app.stale, "the list is read again on the way back to it");
    assert_eq!(app.context(), Context::Composed);
    assert_eq!(said(&app).as_deref(), Some("Saved as neck-today"));
    press(&mut app, KeyCode::Enter, t0);
    assert_eq!(preflight(&app).id, "neck-today");
    assert_eq!(preflight(&app).name, "Neck today");
    // Esc from a name typed leaves it unsaved.
    let mut app = composing();
    press(&mut app, KeyCode::Char(' '), t0);
    press(&mut app, KeyCode::Enter, t0);
    press(&mut app, KeyCode::Char('s'), t0);
    press(&mut app, KeyCode::Char('x'), t0);
    press(&mut app, KeyCode::Esc, t0);
    assert_eq!(app.context(), Context::Composed);
}

mod any_keys {
    use proptest::prelude::*;

    use super::*;

    fn code(i: u8) -> KeyCode {
        const CHARS: &[char] = &['[', ']', 's', 'c', ' ', '5', 'n', 'x', 'j', 'k'];
        match i {
            0 => KeyCode::Enter,
            1 => KeyCode::Esc,
            2 => KeyCode::Left,
            3 => KeyCode::Right,
            4 => KeyCode::Up,
            5 => KeyCode::Down,
            6 => KeyCode::Backspace,
            n => KeyCode::Char(CHARS[usize::from(n - 7) % CHARS.len()]),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Whatever is pressed on the picker, the compose screen and
        /// preflight, nothing panics and a routine about to run keeps to
        /// what it can be fitted to.
        #[test]
        fn any_keys_keep_lengths_in_range(keys in proptest::collection::vec(0u8..17, 0..40)) {
            let t0 = Instant::now();
            let mut app = picker_with_history(&[STOPPED], "2026-03-10T08:00:00+01:00");
            for k in keys {
                let out = press(&mut app, code(k), t0);
                if out.contains(&Command::LoadSteps) {
                    app.update(Msg::Steps(Box::new(super::super::compose::tests::pool())), t0);
                }
                if app.session().is_some() || app.exit.is_some() {
                    break;
                }
                if let Screen::Preflight(r) = &app.screen
                    && let Some(f) = r.run.fitted
                {
                    prop_assert!(crate::fit::MINUTES.contains(&f.minutes));
                    let total = Timeline::new(r).total.as_secs();
                    prop_assert!(total.abs_diff(u64::from(f.minutes) * 60) <= 5, "{} {total}", f.minutes);
                }
                app.view(t0);
            }
        }
    }
}

#[test]
fn typing_a_position_lists_the_routines_done_entirely_in_it() {
    let t0 = Instant::now();
    let mut app = App::picker(library());
    press(&mut app, KeyCode::Char('/'), t0);
    for c in "chair".chars() {
        press(&mut app, KeyCode::Char(c), t0);
    }
    let found = app.picker.matching(&app.library);
    assert!(!found.is_empty());
    assert!(found.iter().any(|e| e.id == "seated-gentle"));
    for e in found {
        let r = e.routine.as_ref().unwrap();
        assert_eq!(r.positions(), [crate::routine::Position::Chair], "{}", e.id);
    }
}

#[test]
fn a_quit_question_answered_yes_leaves_no_pause_to_undo_in_the_next_session() {
    let t0 = Instant::now();
    let mut app = App::picker(library());
    press(&mut app, KeyCode::Enter, t0);
    press(&mut app, KeyCode::Enter, t0);
    press(&mut app, KeyCode::Char('q'), t0 + s(1));
    press(&mut app, KeyCode::Char('y'), t0 + s(1));
    press(&mut app, KeyCode::Enter, t0 + s(2));
    press(&mut app, KeyCode::Enter, t0 + s(2));
    press(&mut app, KeyCode::Enter, t0 + s(2));
    assert_eq!(app.context(), Context::Session);
    press(&mut app, KeyCode::Char(' '), t0 + s(3));
    press(&mut app, KeyCode::Char('?'), t0 + s(4));
    press(&mut app, KeyCode::Char('x'), t0 + s(5));
    assert!(
        app.session().unwrap().is_paused(),
        "the user's own pause stays"
    );
}

/// The status message in full, as help shows it.
fn said(app: &App) -> Option<String> {
    app.status.as_ref().map(|s| s.text().into_owned())
}

/// With no sound output (`terminal_bell = "auto"`), each step start rings
/// the terminal's bell and the window title shows the step and its time
/// left, given back when the session is over; with sound, neither.
#[test]
fn without_sound_the_terminal_bell_and_title_stand_in_for_it() {
    use crate::sound::TerminalBell;
    let bells = |commands: &[Command]| {
        commands
            .iter()
            .filter(|c| matches!(c, Command::TerminalBell))
            .count()
    };
    let titles = |commands: &[Command]| -> Vec<Option<String>> {
        commands
            .iter()
            .filter_map(|c| match c {
                Command::WindowTitle(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    };
    for (setting, works, stands_in) in [
        (TerminalBell::Auto, false, true),
        (TerminalBell::Auto, true, false),
        (TerminalBell::Always, true, true),
        (TerminalBell::Never, false, false),
    ] {
        let t0 = Instant::now();
        let mut app = desk_break().with_options(Options {
            prompts: Prompts {
                terminal_bell: setting,
                ..Prompts::default()
            },
            ..Options::default()
        });
        let mut out = app.update(Msg::SoundWorks(works), t0);
        out.extend(press(&mut app, KeyCode::Enter, t0));
        let steps = app.session().unwrap().routine().steps.len();
        let first = app.session().unwrap().view(t0);
        let mut at = t0;
        while app.session().is_some() {
            at += s(1);
            out.extend(app.update(Msg::Tick, at));
        }
        let what = format!("{setting:?}, sound works: {works}");
        let titles = titles(&out);
        if !stands_in {
            assert_eq!(bells(&out), 0, "{what}");
            assert!(titles.is_empty(), "{what}");
            continue;
        }
        // Every step start and side switch rings, and nothing else.
        let moments = effects(&out)
            .into_iter()
            .filter(|e| prompts::rings_terminal_bell(e))
            .count();
        assert!(moments > steps, "{what}: desk-break has two-sided steps");
        assert_eq!(bells(&out), moments, "{what}");
        let want = format!(
            "Step 1/{} · {} · {}",
            first.step_count,
            first.title,
            crate::format::clock_secs(first.left_secs.div_ceil(5) * 5)
        );
        assert_eq!(titles[0].as_deref(), Some(want.as_str()), "{what}");
        // A new title every five seconds, its time on a multiple of five,
        // and the user's own back at the end.
        let total = first.total_secs;
        assert!(
            (total / 10..total / 3).contains(&(titles.len() as u64)),
            "{what}: {} titles in {total} s",
            titles.len()
        );
        for title in titles.iter().flatten() {
            let secs = title.rsplit(':').next().unwrap();
            assert!(
                secs.ends_with('0') || secs.ends_with('5'),
                "{what}: {title}"
            );
        }
        assert_eq!(titles.last(), Some(&None), "{what}");
    }
}

/// A picker with `[plan]` `plan` that has read `lines` of history on
/// Tuesday 2026-03-10.
fn picker_with_plan(plan: &str, lines: &[&str]) -> App {
    let settings =
        crate::settings::Settings::parse("config.toml", plan, std::path::Path::new("/")).unwrap();
    let mut app = App::picker(library()).with_options(Options {
        plan: settings.plan,
        ..Options::default()
    });
    app.update(Msg::Tick, Instant::now());
    let loaded = crate::history::parse(lines.join("\n").as_bytes());
    let now = "2026-03-10T08:00:00+01:00"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)));
    app.update(Msg::Records(Ok(loaded), now), Instant::now());
    app
}

fn picker_rows(app: &App) -> (Vec<crate::ui::view::PickerRow>, usize) {
    let ScreenView::Picker(p) = app.view(Instant::now()).screen else {
        panic!("not the picker")
    };
    (p.rows, p.selected)
}

#[test]
fn the_picker_opens_on_todays_planned_routine_first_and_marked() {
    let app = picker_with_plan("[plan]\ntuesday = \"desk-break\"\n", &[]);
    let (rows, selected) = picker_rows(&app);
    assert_eq!(rows[0].label, "Desk break");
    assert!(rows[0].today);
    assert_eq!(rows.iter().filter(|r| r.today).count(), 1);
    assert_eq!(selected, 0);
    // Enter opens it.
    let mut app = app;
    press(&mut app, KeyCode::Enter, Instant::now());
    assert_eq!(preflight(&app).id, "desk-break");
    // Another day's routine is not moved or marked.
    let (rows, _) = picker_rows(&picker_with_plan("[plan]\nmonday = \"desk-break\"\n", &[]));
    assert!(rows.iter().all(|r| !r.today));
    assert_eq!(
        rows[0].label,
        library().entries[0].routine.as_ref().unwrap().name
    );
}

#[test]
fn a_routine_that_can_be_resumed_takes_the_cursor_before_todays() {
    let app = picker_with_plan("[plan]\ntuesday = \"desk-break\"\n", &[STOPPED]);
    let (rows, selected) = picker_rows(&app);
    assert!(rows[0].today, "today's still leads the list");
    assert_eq!(rows[selected].label, "Daily back reset");
    assert!(rows[selected].resumable);
}

#[test]
fn a_filter_lists_todays_routine_only_when_it_matches() {
    let mut app = picker_with_plan("[plan]\ntuesday = \"desk-break\"\n", &[]);
    let t0 = Instant::now();
    press(&mut app, KeyCode::Char('/'), t0);
    for c in "sleep".chars() {
        press(&mut app, KeyCode::Char(c), t0);
    }
    let (rows, _) = picker_rows(&app);
    assert!(
        !rows.is_empty() && rows.iter().all(|r| !r.today),
        "{rows:?}"
    );
}

#[test]
fn on_a_rotation_day_c_composes_todays_areas_and_the_status_line_says_so() {
    let plan = "[plan]\nrotate = [\"neck,shoulders\", \"hips\"]\nminutes = 12\n";
    let mut app = picker_with_plan(plan, &[]);
    assert_eq!(
        said(&app).as_deref(),
        Some("Planned today: neck and shoulders, 12 min — c composes it")
    );
    assert!(picker_rows(&app).0.iter().all(|r| !r.today));
    press(&mut app, KeyCode::Char('c'), Instant::now());
    let Screen::Compose(c) = &app.screen else {
        panic!("not the compose screen")
    };
    use crate::routine::Area;
    assert_eq!(c.form.focus, [Area::Neck, Area::Shoulders]);
    assert_eq!(c.form.minutes, 12);
    // Once done today, nothing is offered.
    let done = r#"{"v":1,"started":"2026-03-10T07:30:00+01:00","routine_id":"composed","routine_name":"Today: neck and shoulders","planned_seconds":720,"practised_seconds":720,"outcome":"finished","steps":6,"steps_done":6}"#;
    let app = picker_with_plan(plan, &[done]);
    assert_eq!(said(&app), None);
}

#[test]
fn todays_routine_read_after_the_first_screen_still_takes_the_cursor() {
    let settings = crate::settings::Settings::parse(
        "config.toml",
        "[plan]\ntuesday = \"tension-headache\"\n",
        std::path::Path::new("/"),
    )
    .unwrap();
    // The launch reads the first routines only.
    let mut first = library();
    first.entries.truncate(3);
    first.partial = true;
    let mut app = App::picker(first).with_options(Options {
        plan: settings.plan,
        ..Options::default()
    });
    app.update(Msg::Tick, Instant::now());
    let now = "2026-03-10T08:00:00+01:00"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(1)));
    let loaded = crate::history::parse(b"");
    app.update(Msg::Records(Ok(loaded), now), Instant::now());
    assert_eq!(app.picker.selected, 0);
    app.update(Msg::Library(library()), Instant::now());
    let (rows, selected) = picker_rows(&app);
    assert_eq!((rows[0].label.as_str(), selected), ("Tension headache", 0));
    assert!(rows[0].today);
}
