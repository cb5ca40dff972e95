//! The event loop: sleeps until something is due (a key, a signal, the
//! session's next moment, a pacer frame), applies it, and draws only when
//! what is shown changed.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Instant;

use anyhow::{Context as _, Result};
use crossterm::event::{self, Event, KeyEvent};
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP};
use signal_hook::iterator::Signals;

use super::{App, Exit, PACER_FRAME, Recorder};
use crate::clock::Clock;
use crate::input::{self, Action};
use crate::session::{Effect, SessionView};
use crate::sound::Player;
use crate::terminal::{self, Tui};
use crate::ui::{self, ScreenView, Theme};

/// What wakes the loop besides its own deadline.
enum Wake {
    Key(KeyEvent),
    Resize,
    Signal(i32),
    /// The terminal's input closed: nobody is there any more.
    InputGone,
    /// A watched routine directory changed.
    Reload,
    /// The editor opened from the picker closed (whether it could run).
    Edited(PathBuf, Result<bool, String>),
}

/// The loop's answer to each key, so that the input thread never reads the
/// terminal while an editor opened from the picker owns it.
enum Ack {
    Continue,
    /// Run the editor on this file (the terminal is already given back).
    Edit(PathBuf),
}

/// Run the full-screen interface until the user leaves; effects of the
/// session are handed to `sound` and to the history `recorder`.
pub fn run(
    mut app: App,
    clock: &dyn Clock,
    sound: &mut Player,
    recorder: &Recorder,
) -> Result<Exit> {
    let (tx, rx) = mpsc::channel();
    let (acks, ack_rx) = mpsc::channel();
    let signals = listen_for_signals(tx.clone())?;
    let mut tui = terminal::enter().context("cannot take over the terminal")?;
    let _guard = terminal::Guard;
    // After the terminal's own panic hook: a sound thread's panic must not
    // give the terminal back mid-session.
    crate::sound::guard_panics();
    listen_for_input(tx.clone(), ack_rx);
    // Kept alive for the whole run; dropping it stops the watching.
    let _watcher = watch(&app.source.watched(), tx);
    let theme = app.theme;
    let mut out = Out { sound, recorder };
    let result = main_loop(&mut app, clock, &mut tui, (&rx, &acks), &theme, &mut out);
    if result.is_err() {
        // Whatever broke (a draw on a terminal that went away), the session
        // so far is still recorded.
        for e in app.stop(Exit::HungUp, clock.now()) {
            out.effect(&mut app, &e);
        }
        out.flush(&mut app);
    }
    signals.close();
    terminal::restore();
    result
}

fn main_loop(
    app: &mut App,
    clock: &dyn Clock,
    tui: &mut Tui,
    (rx, acks): (&Receiver<Wake>, &Sender<Ack>),
    theme: &Theme,
    out: &mut Out<'_>,
) -> Result<Exit> {
    // The last session frame drawn: a new one is drawn only when it differs.
    let mut last: Option<SessionView> = None;
    let mut dirty = true;
    loop {
        let now = clock.now();
        for e in app.tick(now) {
            out.effect(app, &e);
        }
        // Why sound is off, once; read when the loop wakes anyway.
        if let Some(status) = out.sound.status() {
            app.status = Some(status);
            dirty = true;
        }
        out.flush(app);
        if let Some(exit) = app.exit {
            return Ok(exit);
        }
        let view = app.view(now);
        let session_view = match &view.screen {
            ScreenView::Session { view, .. } => Some(view),
            _ => None,
        };
        // While the editor opened with `e` owns the terminal, nothing is drawn.
        if !app.editing && (dirty || session_view != last.as_ref()) {
            tui.draw(|f| ui::draw(f, &view, theme))
                .context("cannot draw")?;
            last = session_view.cloned();
        }
        let wake = wait_for(app, clock, rx, now);
        let now = clock.now();
        dirty = true;
        let was_key = matches!(wake, Some(Wake::Key(_)));
        let effects = match wake {
            Some(Wake::Reload) if app.editing => {
                app.stale = true;
                Vec::new()
            }
            Some(Wake::Reload) => {
                app.routines_changed();
                Vec::new()
            }
            Some(Wake::Edited(path, result)) => {
                app.editing = false;
                terminal::resume(tui)?;
                app.edited(&path, result);
                Vec::new()
            }
            None => {
                dirty = false;
                Vec::new()
            }
            Some(Wake::Resize) => Vec::new(),
            Some(Wake::InputGone) => app.stop(Exit::HungUp, now),
            Some(Wake::Signal(SIGTERM)) => app.stop(Exit::Terminated, now),
            Some(Wake::Signal(SIGHUP)) => app.stop(Exit::HungUp, now),
            Some(Wake::Signal(SIGINT)) => app.stop(Exit::Interrupted, now),
            // Job control while the editor runs is the editor's business.
            Some(Wake::Signal(SIGTSTP | SIGCONT)) if app.editing => Vec::new(),
            Some(Wake::Signal(SIGTSTP)) => suspend(app, tui, now)?,
            Some(Wake::Signal(SIGCONT)) => {
                terminal::resume(tui)?;
                Vec::new()
            }
            Some(Wake::Signal(_)) => Vec::new(),
            Some(Wake::Key(key)) => match input::action(app.context(), key) {
                Some(Action::Suspend) => suspend(app, tui, now)?,
                Some(Action::ToggleMute) => {
                    app.status = Player::mute_status(out.sound.toggle_mute());
                    Vec::new()
                }
                Some(action) => app.update(action, now),
                None => {
                    dirty = false;
                    Vec::new()
                }
            },
        };
        for e in &effects {
            out.effect(app, e);
        }
        if was_key {
            let ack = match app.edit_request.take() {
                Some(path) => {
                    terminal::restore();
                    app.editing = true;
                    Ack::Edit(path)
                }
                None => Ack::Continue,
            };
            let _ = acks.send(ack);
        }
    }
}

/// Where effects go: the sound, then the history.
struct Out<'a> {
    sound: &'a mut Player,
    recorder: &'a Recorder,
}

impl Out<'_> {
    fn effect(&mut self, app: &mut App, e: &Effect) {
        let Some(routine) = app.routine() else { return };
        self.sound.on_effect(e, routine);
        if app.holds_back(e) {
            app.deferred = Some(e.clone());
            app.tension.asking = Some(super::When::After);
            return;
        }
        self.record(app, e);
    }

    fn record(&mut self, app: &mut App, e: &Effect) {
        let Some(routine) = app.routine() else { return };
        match self
            .recorder
            .effect(e, routine, app.preview.map(|p| p.speed), app.tension)
        {
            Some(Ok(glance)) => app.glance = Some(glance),
            Some(Err(why)) => app.status = Some(why),
            None => {}
        }
    }

    /// Write a session end held back for the "after" answer, once it is in
    /// (or the program is leaving).
    fn flush(&mut self, app: &mut App) {
        if (app.tension.asking.is_none() || app.exit.is_some())
            && let Some(e) = app.deferred.take()
        {
            self.record(app, &e);
        }
    }
}

/// Block until the next thing: a key or signal, the session's next moment,
/// or the next pacer frame. No fixed tick: paused or in a menu, this waits
/// for a key alone.
fn wait_for(app: &App, clock: &dyn Clock, rx: &Receiver<Wake>, now: Instant) -> Option<Wake> {
    let due = app.next_wake(now).map(|at| clock.wait_until(at));
    let frame = app.animating(now).then_some(PACER_FRAME);
    let timeout = match (due, frame) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    match timeout {
        Some(t) => match rx.recv_timeout(t) {
            Ok(w) => Some(w),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => Some(Wake::InputGone),
        },
        None => Some(rx.recv().unwrap_or(Wake::InputGone)),
    }
}

/// Ctrl-Z: pause, give the terminal back, stop until `fg`, then take the
/// terminal again and redraw everything. The session stays paused.
fn suspend(app: &mut App, tui: &mut Tui, now: Instant) -> Result<Vec<Effect>> {
    let effects = app.pause(now);
    terminal::restore();
    // Stops the whole process until SIGCONT; returns after `fg`.
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
    terminal::resume(tui)?;
    Ok(effects)
}

/// Read the terminal on a thread of its own. After each key it waits for
/// the loop's answer: the key may have asked for the editor, which must
/// have the terminal to itself, so the editor runs here, between reads.
fn listen_for_input(tx: Sender<Wake>, acks: Receiver<Ack>) {
    thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            loop {
                let wake = match event::read() {
                    Ok(Event::Key(key)) => Wake::Key(key),
                    Ok(Event::Resize(..)) => Wake::Resize,
                    Ok(_) => continue,
                    Err(_) => Wake::InputGone,
                };
                let (gone, key) = (
                    matches!(wake, Wake::InputGone),
                    matches!(wake, Wake::Key(_)),
                );
                if tx.send(wake).is_err() || gone {
                    return;
                }
                if key {
                    match acks.recv() {
                        Ok(Ack::Continue) => {}
                        Ok(Ack::Edit(path)) => {
                            let result = crate::editor::open(&path).map_err(|e| format!("{e:#}"));
                            if tx.send(Wake::Edited(path, result)).is_err() {
                                return;
                            }
                        }
                        Err(_) => return,
                    }
                }
            }
        })
        .ok();
}

/// Watch the routine directories; a change to a `.toml` file wakes the
/// loop to read the routines again. No directories, or no watcher on this
/// system: nothing is watched, and `r` still reloads by hand.
fn watch(dirs: &[PathBuf], tx: Sender<Wake>) -> Option<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    if dirs.is_empty() {
        return None;
    }
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let routine_file = event
            .paths
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "toml"));
        if routine_file && !matches!(event.kind, EventKind::Access(_)) {
            let _ = tx.send(Wake::Reload);
        }
    })
    .ok()?;
    for dir in dirs {
        let _ = watcher.watch(dir, RecursiveMode::NonRecursive);
    }
    Some(watcher)
}

fn listen_for_signals(tx: Sender<Wake>) -> Result<signal_hook::iterator::Handle> {
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGTSTP, SIGCONT])
        .context("cannot listen for signals")?;
    let handle = signals.handle();
    thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if tx.send(Wake::Signal(signal)).is_err() {
                    return;
                }
            }
        })
        .context("cannot start the signal thread")?;
    Ok(handle)
}
