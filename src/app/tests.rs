use std::time::Duration;

use super::*;
use crate::input::Action;

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
    App::direct(Arc::new(routine), Library::default())
}

fn s(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn picker_to_preflight_to_session_to_done_and_back() {
    let t0 = Instant::now();
    let mut app = App::picker(library());
    assert_eq!(app.context(), Context::Picker);
    app.update(Action::Down, t0);
    app.update(Action::Open, t0);
    let Screen::Preflight(r) = &app.screen else {
        panic!("not preflight")
    };
    assert_eq!(r.id, "calm-down");
    assert!(app.next_wake(t0).is_none(), "nothing wakes a menu");
    let fx = app.update(Action::Open, t0);
    assert_eq!(fx, vec![Effect::GetReady { step: 0 }]);
    assert_eq!(app.context(), Context::Session);
    assert_eq!(app.next_wake(t0), Some(t0 + s(1)));
    app.update(Action::AskQuit, t0 + s(2));
    assert_eq!(app.context(), Context::ConfirmQuit);
    app.update(Action::CancelQuit, t0 + s(2));
    app.update(Action::AskQuit, t0 + s(3));
    let fx = app.update(Action::ConfirmQuit, t0 + s(3));
    assert!(matches!(fx.last(), Some(Effect::Stopped(_))));
    let Screen::Done { summary, .. } = &app.screen else {
        panic!("not done")
    };
    assert_eq!(summary.practised, s(3));
    app.update(Action::Back, t0 + s(4));
    assert!(matches!(app.screen, Screen::Picker));
    assert_eq!(app.exit, None);
    app.update(Action::Back, t0 + s(4));
    assert_eq!(app.exit, Some(Exit::Normal));
}

#[test]
fn q_on_the_done_screen_leaves_the_program() {
    let t0 = Instant::now();
    let mut app = App::picker(library());
    app.update(Action::Open, t0);
    app.update(Action::Open, t0);
    app.update(Action::ConfirmQuit, t0 + s(1));
    assert_eq!(app.context(), Context::Done);
    app.update(Action::Quit, t0 + s(2));
    assert_eq!(app.exit, Some(Exit::Normal));
}

#[test]
fn run_goes_straight_to_preflight_and_leaving_ends_the_program() {
    let t0 = Instant::now();
    let mut app = desk_break();
    assert_eq!(app.context(), Context::Preflight);
    app.update(Action::Back, t0);
    assert_eq!(app.exit, Some(Exit::Normal));
}

#[test]
fn ctrl_c_stops_the_session_so_it_can_still_be_recorded() {
    let t0 = Instant::now();
    let mut app = desk_break();
    app.update(Action::Open, t0);
    let fx = app.update(Action::Interrupt, t0 + s(10));
    let Some(Effect::Stopped(summary)) = fx.last() else {
        panic!("{fx:?}")
    };
    assert_eq!(summary.practised, s(10));
    assert_eq!(app.exit.map(Exit::code), Some(130));
}

#[test]
fn the_filter_narrows_the_list_by_name_or_tag() {
    let t0 = Instant::now();
    let mut app = App::picker(library());
    app.update(Action::StartFilter, t0);
    assert_eq!(app.context(), Context::Filtering);
    for c in "sleep".chars() {
        app.update(Action::FilterChar(c), t0);
    }
    let ids: Vec<&str> = app
        .picker
        .matching(&app.library)
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(ids, vec!["sleep-wind-down"]);
    app.update(Action::FilterDone, t0);
    app.update(Action::Open, t0);
    assert!(matches!(&app.screen, Screen::Preflight(r) if r.id == "sleep-wind-down"));
}

#[test]
fn suspending_pauses_the_session() {
    let t0 = Instant::now();
    let mut app = desk_break();
    app.update(Action::Open, t0);
    app.pause(t0 + s(2));
    assert!(app.session().unwrap().is_paused());
    assert_eq!(app.next_wake(t0 + s(100)), None);
}

#[test]
fn help_takes_the_next_key_and_closes() {
    let t0 = Instant::now();
    let mut app = App::picker(library());
    app.update(Action::ToggleHelp, t0);
    assert_eq!(app.context(), Context::Help);
    app.update(Action::ToggleHelp, t0);
    assert_eq!(app.context(), Context::Picker);
}

#[test]
fn the_tension_question_comes_before_and_after_when_asked_for() {
    let t0 = Instant::now();
    let mut app = desk_break();
    app.ask_tension = true;
    app.update(Action::Open, t0);
    assert_eq!(app.context(), Context::Tension);
    assert!(
        app.view(t0)
            .question
            .is_some_and(|q| q.contains("How tense"))
    );
    let fx = app.update(Action::Tension(Some(7)), t0);
    assert_eq!(
        fx,
        vec![Effect::GetReady { step: 0 }],
        "the answer starts the session"
    );
    assert_eq!(app.tension.before, Some(7));
    let fx = app.update(Action::ConfirmQuit, t0 + s(30));
    let end = fx.last().unwrap().clone();
    assert!(
        app.holds_back(&end),
        "the record waits for the second answer"
    );
    app.deferred = Some(end);
    app.tension.asking = Some(When::After);
    assert_eq!(app.context(), Context::Tension);
    app.update(Action::Tension(None), t0 + s(31));
    assert_eq!((app.tension.after, app.tension.asking), (None, None));
    assert_eq!(app.context(), Context::Done);
}

#[test]
fn a_stop_by_ctrl_c_is_never_held_back() {
    let t0 = Instant::now();
    let mut app = desk_break();
    app.ask_tension = true;
    app.update(Action::Open, t0);
    app.update(Action::Tension(Some(4)), t0);
    let fx = app.update(Action::Interrupt, t0 + s(5));
    assert!(!app.holds_back(fx.last().unwrap()));
}
