//! The application: which screen is up, what each key does to it, and (in
//! `event_loop`) the only place that owns the terminal and the clock.
//!
//! `App` itself is pure like the session: it takes actions with `now` and
//! returns the session's effects for the loop to apply.

pub mod event_loop;
mod history;
mod library;
mod picker;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::clock::Scaled;
use crate::input::{Action, Context};
use crate::routine::{Library, Routine};
use crate::session::{Effect, Msg, Session, Summary};
use crate::ui::{DoneView, ScreenView, Theme, View};

pub use history::{Recorder, Tension, When};
pub use library::LibrarySource;
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
    History {
        stats: Box<crate::history::Stats>,
        note: Option<String>,
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
    /// Skip the preflight screen (a setting): the session starts at once.
    pub autostart: bool,
    pub theme: Theme,
    /// Where the routines came from, to read them again.
    pub source: LibrarySource,
    /// A preview from the picker runs faster than the clock.
    pub preview: Option<Scaled>,
    /// A routine file the loop should open in the user's editor.
    pub edit_request: Option<PathBuf>,
    /// Routine files changed while the picker was not shown.
    pub stale: bool,
    /// The editor opened with `e` owns the terminal.
    pub editing: bool,
    /// The practice history file, when there is a data directory.
    pub history_file: Option<PathBuf>,
    /// The streak and today's minutes after the last recorded session.
    pub glance: Option<crate::history::Glance>,
    /// Ask how tense the user feels before and after each session (a setting).
    pub ask_tension: bool,
    pub tension: Tension,
    /// The end of a session, held back until the "after" answer is in so
    /// that its history line carries both answers.
    pub deferred: Option<Effect>,
    pub exit: Option<Exit>,
}

/// How often the pacer is redrawn while it grows or shrinks: 25 frames a
/// second of wall time. Smooth to the eye, and it keeps a whole-screen
/// redraw per frame inside the CPU budget (0.5 CPU-s a minute) with room to
/// spare; at 30 frames it sat right at the budget. On holds it stands still
/// and is not redrawn at all.
pub const PACER_FRAME: Duration = Duration::from_millis(40);

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
            autostart: false,
            theme: Theme::from_env(),
            source: LibrarySource::default(),
            preview: None,
            edit_request: None,
            stale: false,
            editing: false,
            history_file: None,
            glance: None,
            ask_tension: false,
            tension: Tension::default(),
            deferred: None,
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
        if self.tension.asking.is_some() {
            return Context::Tension;
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
            Screen::History { .. } => Context::History,
        }
    }

    /// The routine on screen: in preflight, running, or just done.
    pub fn routine(&self) -> Option<&Routine> {
        match &self.screen {
            Screen::Picker | Screen::History { .. } => None,
            Screen::Preflight(r) | Screen::Done { routine: r, .. } => Some(r),
            Screen::Session { session, .. } => Some(session.routine()),
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
                view: session.view(self.inner(now)),
                confirm_quit: *confirm_quit,
            },
            Screen::Done { routine, summary } => ScreenView::Done(DoneView {
                routine,
                summary,
                glance: self.glance.as_ref(),
            }),
            Screen::History { stats, note } => ScreenView::History {
                stats,
                note: note.as_deref(),
            },
        };
        View {
            screen,
            help: self.help,
            status: self.status.as_deref(),
            reduced_motion: self.reduced_motion,
            question: self.tension.asking.map(When::question),
        }
    }

    /// When the app next needs to wake by itself; `None` when only a key
    /// can change anything.
    pub fn next_wake(&self, now: Instant) -> Option<Instant> {
        let at = self.session()?.next_wake(self.inner(now))?;
        Some(self.preview.map_or(at, |p| p.outer(at)))
    }

    /// True while the breathing pacer is on screen and moving.
    pub fn animating(&self, now: Instant) -> bool {
        let covered = self.help
            || self.tension.asking.is_some()
            || matches!(
                self.screen,
                Screen::Session {
                    confirm_quit: true,
                    ..
                }
            );
        !self.reduced_motion
            && !covered
            && self.session().is_some_and(|s| {
                // On a hold the shape stands still: the session's own wakes
                // (each second, the phase's end) are enough.
                let moving = |b: &crate::session::BreathView| {
                    matches!(
                        b.state.kind,
                        crate::breath::PhaseKind::In | crate::breath::PhaseKind::Out
                    )
                };
                !s.is_paused()
                    && s.outcome().is_none()
                    && s.view(self.inner(now)).breath.as_ref().is_some_and(moving)
            })
    }

    /// Let time pass.
    pub fn tick(&mut self, now: Instant) -> Vec<Effect> {
        if self.autostart && matches!(self.screen, Screen::Preflight(_)) {
            self.autostart = false;
            return self.open(now);
        }
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
            // The event loop owns the sound and handles `m` itself.
            Action::ToggleMute => {}
            Action::Session(msg) => return self.send_to_session(msg, now),
            Action::AskQuit => self.set_confirm(true),
            Action::CancelQuit => self.set_confirm(false),
            Action::ConfirmQuit => return self.send_to_session(Msg::Quit, now),
            Action::Back => self.back(),
            Action::Quit => self.exit = Some(Exit::Normal),
            Action::Open => return self.open(now),
            Action::Edit => self.request_edit(),
            Action::Preview => return self.start_preview(now),
            Action::Reload => self.reload(),
            Action::History => self.open_history(),
            Action::Tension(answer) => return self.answer_tension(answer, now),
            Action::CancelQuestion if self.tension.asking == Some(When::Before) => {
                self.tension.asking = None;
            }
            Action::CancelQuestion => return self.answer_tension(None, now),
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
            _ => {
                self.screen = Screen::Picker;
                if std::mem::take(&mut self.stale) {
                    self.reload();
                }
            }
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
            Screen::Preflight(_) if self.ask_tension => {
                self.tension = Tension {
                    asking: Some(When::Before),
                    ..Tension::default()
                };
                Vec::new()
            }
            Screen::Preflight(_) => self.start_session(now),
            _ => Vec::new(),
        }
    }

    /// From preflight into the session.
    pub(super) fn start_session(&mut self, now: Instant) -> Vec<Effect> {
        let Screen::Preflight(routine) = &self.screen else {
            return Vec::new();
        };
        // A session from preflight runs at the clock's own speed.
        self.preview = None;
        let (session, effects) = Session::start(routine.clone(), now);
        self.screen = Screen::Session {
            session,
            confirm_quit: false,
        };
        self.after(effects)
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
        let now = self.preview.map_or(now, |p| p.inner(now));
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
