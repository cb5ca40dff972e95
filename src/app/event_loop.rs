//! The event loop: sleeps until something is due (a key, a signal, the
//! session's next moment, a pacer frame), applies it, and draws only when
//! what is shown changed.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Instant;

use anyhow::{Context as _, Result};
use crossterm::event::{self, Event, KeyEvent};
use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP};
use signal_hook::iterator::Signals;

use super::{App, Exit, PACER_FRAME};
use crate::clock::Clock;
use crate::input::{self, Action};
use crate::session::{Effect, SessionView};
use crate::terminal::{self, Tui};
use crate::ui::{self, ScreenView, Theme};

/// What wakes the loop besides its own deadline.
enum Wake {
    Key(KeyEvent),
    Resize,
    Signal(i32),
    /// The terminal's input closed: nobody is there any more.
    InputGone,
}

/// Run the full-screen interface until the user leaves; effects of the
/// session are handed to `on_effect` (sound, history).
pub fn run(mut app: App, clock: &dyn Clock, mut on_effect: impl FnMut(&Effect)) -> Result<Exit> {
    let (tx, rx) = mpsc::channel();
    let signals = listen_for_signals(tx.clone())?;
    let mut tui = terminal::enter().context("cannot take over the terminal")?;
    let _guard = terminal::Guard;
    listen_for_input(tx);
    let theme = Theme::from_env();
    let result = main_loop(&mut app, clock, &mut tui, &rx, &theme, &mut on_effect);
    signals.close();
    terminal::restore();
    result
}

fn main_loop(
    app: &mut App,
    clock: &dyn Clock,
    tui: &mut Tui,
    rx: &Receiver<Wake>,
    theme: &Theme,
    on_effect: &mut impl FnMut(&Effect),
) -> Result<Exit> {
    // The last session frame drawn: a new one is drawn only when it differs.
    let mut last: Option<SessionView> = None;
    let mut dirty = true;
    loop {
        let now = clock.now();
        for e in app.tick(now) {
            on_effect(&e);
        }
        if let Some(exit) = app.exit {
            return Ok(exit);
        }
        let view = app.view(now);
        let session_view = match &view.screen {
            ScreenView::Session { view, .. } => Some(view),
            _ => None,
        };
        if dirty || session_view != last.as_ref() {
            tui.draw(|f| ui::draw(f, &view, theme))
                .context("cannot draw")?;
            last = session_view.cloned();
        }
        let wake = wait_for(app, clock, rx, now);
        let now = clock.now();
        dirty = true;
        let effects = match wake {
            None => {
                dirty = false;
                Vec::new()
            }
            Some(Wake::Resize) => Vec::new(),
            Some(Wake::InputGone) => app.stop(Exit::HungUp, now),
            Some(Wake::Signal(SIGTERM)) => app.stop(Exit::Terminated, now),
            Some(Wake::Signal(SIGHUP)) => app.stop(Exit::HungUp, now),
            Some(Wake::Signal(SIGINT)) => app.stop(Exit::Interrupted, now),
            Some(Wake::Signal(SIGTSTP)) => suspend(app, tui, now)?,
            Some(Wake::Signal(SIGCONT)) => {
                terminal::resume(tui)?;
                Vec::new()
            }
            Some(Wake::Signal(_)) => Vec::new(),
            Some(Wake::Key(key)) => match input::action(app.context(), key) {
                Some(Action::Suspend) => suspend(app, tui, now)?,
                Some(action) => app.update(action, now),
                None => {
                    dirty = false;
                    Vec::new()
                }
            },
        };
        for e in &effects {
            on_effect(e);
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

fn listen_for_input(tx: Sender<Wake>) {
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
                let gone = matches!(wake, Wake::InputGone);
                if tx.send(wake).is_err() || gone {
                    return;
                }
            }
        })
        .ok();
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
