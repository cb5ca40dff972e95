//! The application: which screen is up, what each key does to it, and (in
//! `event_loop`) the only place that owns the terminal and the clock.
//!
//! `App` itself is pure like the session: it takes actions with `now` and
//! returns the session's effects for the loop to apply.

pub mod event_loop;
mod picker;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::input::{Action, Context};
use crate::routine::{Library, Routine};
use crate::session::{Effect, Msg, Session, Summary};
use crate::ui::{DoneView, ScreenView, View};

pub use picker::Picker;

/// How the program ends, and so its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Normal,
    /// Ctrl-C or SIGINT: 130.
    Interrupted,
    /// SIGTERM: 143.
    Terminated,
    /// SIGHUP, or the terminal went away: 129.
    HungUp,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Normal => 0,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
            Exit::HungUp => 129,
        }
    }
}

#[expect(
    clippy::large_enum_variant,
    reason = "one screen exists at a time and is rarely moved"
)]
pub enum Screen {
    Picker,
    Preflight(Arc<Routine>),
    Session {
        session: Session,
        confirm_quit: bool,
    },
    Done {
        routine: Arc<Routine>,
        summary: Summary,
    },
}

pub struct App {
    pub library: Library,
    pub picker: Picker,
    pub screen: Screen,
    pub help: bool,
    pub status: Option<String>,
    pub reduced_motion: bool,
    /// Opened with `knotless run`: leaving preflight or the done screen
    /// ends the program instead of going to the picker.
    pub direct: bool,
    pub exit: Option<Exit>,
}

/// How often the pacer is redrawn while it animates (about 30 frames a
/// second of wall time).
pub const PACER_FRAME: Duration = Duration::from_millis(33);

impl App {
    /// The picker over `library`.
    pub fn picker(library: Library) -> Self {
        Self {
            library,
            picker: Picker::default(),
            screen: Screen::Picker,
            help: false,
            status: None,
            reduced_motion: false,
            direct: false,
            exit: None,
        }
    }

    /// Straight to the preflight of one routine (`knotless run`).
    pub fn direct(routine: Arc<Routine>, library: Library) -> Self {
        Self {
            screen: Screen::Preflight(routine),
            direct: true,
            ..Self::picker(library)
        }
    }

    pub fn context(&self) -> Context {
        if self.help {
            return Context::Help;
        }
        match &self.screen {
            Screen::Picker if self.picker.filtering => Context::Filtering,
            Screen::Picker => Context::Picker,
            Screen::Preflight(_) => Context::Preflight,
            Screen::Session {
                confirm_quit: true, ..
            } => Context::ConfirmQuit,
            Screen::Session { .. } => Context::Session,
            Screen::Done { .. } => Context::Done,
        }
    }

    pub fn session(&self) -> Option<&Session> {
        match &self.screen {
            Screen::Session { session, .. } => Some(session),
            _ => None,
        }
    }

    /// What to draw at `now`.
    pub fn view(&self, now: Instant) -> View<'_> {
        let screen = match &self.screen {
            Screen::Picker => ScreenView::Picker(self.picker.view(&self.library)),
            Screen::Preflight(r) => ScreenView::Preflight(r),
            Screen::Session {
                session,
                confirm_quit,
            } => ScreenView::Session {
                view: session.view(now),
                confirm_quit: *confirm_quit,
            },
            Screen::Done { routine, summary } => ScreenView::Done(DoneView { routine, summary }),
        };
        View {
            screen,
            help: self.help,
            status: self.status.as_deref(),
            reduced_motion: self.reduced_motion,
        }
    }

    /// When the app next needs to wake by itself; `None` when only a key
    /// can change anything.
    pub fn next_wake(&self, now: Instant) -> Option<Instant> {
        self.session()?.next_wake(now)
    }

    /// True while the breathing pacer is on screen and moving.
    pub fn animating(&self, now: Instant) -> bool {
        !self.reduced_motion
            && self.session().is_some_and(|s| {
                !s.is_paused() && s.outcome().is_none() && s.view(now).breath.is_some()
            })
    }

    /// Let time pass.
    pub fn tick(&mut self, now: Instant) -> Vec<Effect> {
        self.send_to_session(Msg::Tick, now)
    }

    /// Stop at once (Ctrl-C, a signal): the session, if any, is stopped so
    /// that it can still be recorded.
    pub fn stop(&mut self, exit: Exit, now: Instant) -> Vec<Effect> {
        let effects = self.send_to_session(Msg::Quit, now);
        self.exit = Some(exit);
        effects
    }

    /// Pause the session, if one runs (before suspending).
    pub fn pause(&mut self, now: Instant) -> Vec<Effect> {
        self.send_to_session(Msg::Pause, now)
    }

    pub fn update(&mut self, action: Action, now: Instant) -> Vec<Effect> {
        match action {
            Action::Interrupt => return self.stop(Exit::Interrupted, now),
            Action::Suspend => {}
            Action::ToggleHelp => self.help = !self.help,
            Action::Session(msg) => return self.send_to_session(msg, now),
            Action::AskQuit => self.set_confirm(true),
            Action::CancelQuit => self.set_confirm(false),
            Action::ConfirmQuit => return self.send_to_session(Msg::Quit, now),
            Action::Back => self.back(),
            Action::Quit => self.exit = Some(Exit::Normal),
            Action::Open => return self.open(now),
            other => self.picker.update(other, &self.library),
        }
        Vec::new()
    }

    fn set_confirm(&mut self, on: bool) {
        if let Screen::Session { confirm_quit, .. } = &mut self.screen {
            *confirm_quit = on;
        }
    }

    fn back(&mut self) {
        match self.screen {
            Screen::Picker => self.exit = Some(Exit::Normal),
            _ if self.direct => self.exit = Some(Exit::Normal),
            _ => self.screen = Screen::Picker,
        }
    }

    fn open(&mut self, now: Instant) -> Vec<Effect> {
        match &self.screen {
            Screen::Picker => {
                if let Some(Ok(routine)) = self.picker.selected(&self.library).map(|e| &e.routine) {
                    self.screen = Screen::Preflight(Arc::new(routine.clone()));
                }
                Vec::new()
            }
            Screen::Preflight(routine) => {
                let (session, effects) = Session::start(routine.clone(), now);
                self.screen = Screen::Session {
                    session,
                    confirm_quit: false,
                };
                self.after(effects)
            }
            _ => Vec::new(),
        }
    }

    fn send_to_session(&mut self, msg: Msg, now: Instant) -> Vec<Effect> {
        let Screen::Session {
            session,
            confirm_quit,
        } = &mut self.screen
        else {
            return Vec::new();
        };
        if msg == Msg::Quit {
            *confirm_quit = false;
        }
        let effects = session.handle(msg, now);
        self.after(effects)
    }

    /// Move to the done screen once the session is over.
    fn after(&mut self, effects: Vec<Effect>) -> Vec<Effect> {
        if let Screen::Session { session, .. } = &self.screen
            && let Some(summary) = session.outcome()
        {
            let routine = Arc::new(session.routine().clone());
            self.screen = Screen::Done {
                routine,
                summary: summary.clone(),
            };
        }
        effects
    }
}

#[cfg(test)]
mod tests;
