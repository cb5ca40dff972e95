//! The application: which screen is up and what each message does to it.
//!
//! `App::update(msg, now)` is pure like the session core: it never reads
//! the clock or touches a file, the terminal or the sound. It changes its
//! own state and returns `Command`s, which the driver (`crate::driver`)
//! carries out; their results come back as `Msg`s.

mod compose;
mod history;
mod library;
mod msg;
mod picker;
mod prompts;
mod status;
pub(crate) mod views;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::clock::Scaled;
use crate::input::{self, Action, Context, Mode};
use crate::routine::{Library, Routine};
use crate::session::{self, Effect, Session, Summary};
use crate::ui::{ScreenView, View};

pub use compose::Composer;
pub use history::{Tension, When};
pub use msg::{Command, Edited, Msg, NotEdited, NotSaved, RecordRequest, StepPool};
pub use picker::{Picker, Today};
pub use prompts::{Heard, Prompts};
pub use status::Status;

/// How the program ends, and so its exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Normal,
    /// A session left before its end (`q`, then yes) and the program left
    /// after it: 3, so a script can tell it from a finished routine.
    Left,
    /// Ctrl-C or SIGINT: 130.
    Interrupted,
    /// SIGTERM: 143.
    Terminated,
    /// SIGHUP, or the terminal went away: 129.
    HungUp,
    /// Another signal whose default action ends the process: 128 + its
    /// number.
    Signal(i32),
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Normal => 0,
            Exit::Left => 3,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
            Exit::HungUp => 129,
            Exit::Signal(n) => u8::try_from(128 + n.clamp(1, 127)).unwrap_or(255),
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
        /// The charts' series; drawn instead of the calendar when `charts`.
        progress: Box<crate::history::Progress>,
        charts: bool,
    },
    /// `c`: a routine composed for today.
    Compose(Box<Composer>),
}

/// How the app was set up: by the settings and the command line.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Skip the preflight screen (a setting): the session starts at once.
    pub autostart: bool,
    pub reduced_motion: bool,
    /// Ask how tense the user feels before and after each session.
    pub ask_tension: bool,
    /// Where `e` copies a built-in routine before editing it.
    pub user_dir: Option<PathBuf>,
    /// `--plain`: no screens to go back to; the program ends with the
    /// session.
    pub plain: bool,
    /// Which optional sounds the settings turn on.
    pub prompts: Prompts,
    /// `--speed`: the clock runs this many times faster than real time.
    pub speed: f64,
    /// `[body]` from the settings, for composing.
    pub body: crate::body::Body,
    /// No session in the history yet: the general safety page comes up
    /// over the first preflight.
    pub first_session: bool,
    /// `[plan]` from the settings: today's routine comes first in the
    /// picker.
    pub plan: crate::plan::Plan,
}

pub struct App {
    pub library: Library,
    pub picker: Picker,
    pub screen: Screen,
    pub help: bool,
    /// The general safety page is up over the preflight, scrolled this
    /// many lines.
    pub safety: Option<u16>,
    pub status: Option<Status>,
    /// When the status line last changed: a message is shown in full for a
    /// while, then shrinks to a mark (help still says it in full).
    pub status_since: Option<(Instant, Option<Status>)>,
    /// The terminal's size, when the app is drawn on one: below the
    /// smallest the screens fit in, only Ctrl-C and Ctrl-Z act (nothing
    /// else can be seen to happen).
    pub size: Option<(u16, u16)>,
    pub mode: Mode,
    pub options: Options,
    /// A preview from the picker runs faster than the clock.
    pub preview: Option<Scaled>,
    /// Routine files changed while the picker was not shown.
    pub stale: bool,
    /// The editor opened with `e` owns the terminal.
    pub editing: bool,
    /// The streak and today's minutes after the last recorded session.
    pub glance: Option<crate::history::Glance>,
    pub tension: Tension,
    /// The end of a session, held back until the "after" answer is in so
    /// that its history line carries both answers.
    pub deferred: Option<RecordRequest>,
    pub muted: bool,
    /// The session was paused by help or the quit question opening over
    /// it, and resumes when they close.
    pub paused_by_overlay: bool,
    /// What the session has sounded so far.
    pub heard: Heard,
    pub exit: Option<Exit>,
}

/// How long a status message is shown in full before it shrinks.
pub const STATUS_FULL: Duration = Duration::from_secs(10);

/// How often the pacer is redrawn while it grows or shrinks: 20 frames a
/// second of wall time, about as often as its edge crosses a cell at its
/// largest (more frames would mostly redraw the same cells, each costing a
/// wake-up and a write). On holds it stands still and is not redrawn.
pub const PACER_FRAME: Duration = Duration::from_millis(50);

impl App {
    /// The picker over `library`.
    pub fn picker(library: Library) -> Self {
        Self {
            library,
            picker: Picker::default(),
            screen: Screen::Picker,
            help: false,
            safety: None,
            status: None,
            status_since: None,
            size: None,
            mode: Mode::Picker,
            options: Options::default(),
            preview: None,
            stale: false,
            editing: false,
            glance: None,
            tension: Tension::default(),
            deferred: None,
            muted: false,
            paused_by_overlay: false,
            heard: Heard::default(),
            exit: None,
        }
    }

    /// Straight to the preflight of one routine (`knotless run`).
    pub fn direct(routine: Arc<Routine>) -> Self {
        Self {
            screen: Screen::Preflight(routine),
            mode: Mode::Direct,
            ..Self::picker(Library::default())
        }
    }

    pub fn with_options(mut self, options: Options) -> Self {
        self.options = options;
        self.first_look();
        self
    }

    /// A preflight just came up: before a user's first session the safety
    /// page comes up over it (not when the session starts by itself).
    fn first_look(&mut self) {
        let options = &self.options;
        if options.first_session
            && !options.autostart
            && !options.plain
            && matches!(self.screen, Screen::Preflight(_))
        {
            self.safety = Some(0);
        }
    }

    /// `?` on the preflight, or leaving the page: opened or closed.
    fn toggle_safety(&mut self) {
        self.safety = match self.safety {
            None if matches!(self.screen, Screen::Preflight(_)) => Some(0),
            _ => None,
        };
    }

    /// The safety page scrolled by `action` (a line or a page).
    fn scroll_safety(&mut self, action: Action, now: Instant) {
        let Some(at) = self.safety else {
            return;
        };
        let page = self.size.map_or(10, |(_, h)| h.saturating_sub(4).max(1));
        let at = match action {
            Action::Down => at.saturating_add(1),
            Action::Up => at.saturating_sub(1),
            Action::PageDown => at.saturating_add(page),
            _ => at.saturating_sub(page),
        };
        // No further than its end at this size.
        let most = match (self.view(now).screen, self.size) {
            (ScreenView::Safety(view), Some((w, h))) => {
                crate::ui::safety::max_scroll(&view, ratatui::layout::Rect::new(0, 0, w, h - 1))
            }
            _ => at,
        };
        self.safety = Some(at.min(most));
    }

    pub fn context(&self) -> Context {
        if self.help {
            return Context::Help;
        }
        self.screen_context()
    }

    /// The keys of the screen itself, as if help were closed.
    fn screen_context(&self) -> Context {
        if self.tension.asking.is_some() {
            return Context::Tension;
        }
        if self.safety.is_some() && matches!(self.screen, Screen::Preflight(_)) {
            return Context::Safety;
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
            Screen::Compose(c) => c.context(),
        }
    }

    /// The routine on screen: in preflight, running, or just done.
    pub fn routine(&self) -> Option<&Routine> {
        match &self.screen {
            Screen::Picker | Screen::History { .. } | Screen::Compose(_) => None,
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

    /// The session's instant for the clock's `now` (faster in a preview).
    fn inner(&self, now: Instant) -> Instant {
        self.preview.map_or(now, |p| p.inner(now))
    }

    /// What to draw at `now`.
    pub fn view(&self, now: Instant) -> View<'_> {
        let screen = match &self.screen {
            Screen::Picker => ScreenView::Picker(views::picker(&self.picker, &self.library)),
            Screen::Preflight(r) => {
                let mut view = views::routine(r);
                // `[body]` comes first: it is this user's own warning.
                if let Some(warning) = crate::compose::body_warning(r, self.options.body) {
                    view.safety = format!(
                        "{}\n{}",
                        crate::text::escape_multiline(&warning),
                        view.safety
                    );
                }
                match self.safety {
                    Some(scroll) => ScreenView::Safety(crate::ui::view::SafetyView {
                        routine: view.safety,
                        scroll,
                    }),
                    None => ScreenView::Preflight(view),
                }
            }
            Screen::Session {
                session,
                confirm_quit,
            } => ScreenView::Session {
                view: session.view(self.inner(now)),
                confirm_quit: *confirm_quit,
            },
            Screen::Done { routine, summary } => {
                let mut view = views::done(routine, summary, self.glance.as_ref(), self.speed());
                view.facts.extend(views::tension_fact(
                    self.tension.before,
                    self.tension.after,
                    self.glance.as_ref(),
                ));
                ScreenView::Done(view)
            }
            Screen::History {
                stats,
                note,
                progress,
                charts,
            } => ScreenView::History(views::history(stats, progress, note.as_deref(), *charts)),
            Screen::Compose(c) => ScreenView::Compose(views::compose(c)),
        };
        View {
            screen,
            help: self.help,
            status: self.status_line(now),
            status_full: self.status.as_ref().map(|s| s.text().into_owned()),
            reduced_motion: self.options.reduced_motion,
            question: self.tension.asking.map(When::question),
            keys: self.keys(),
            speed: self.speed(),
        }
    }

    /// The keys of the screen (under help, when it is open), from the
    /// keymap; the pause key says what it will do.
    pub fn keys(&self) -> Vec<input::KeyHelp> {
        let state = input::KeyState {
            paused: self.session().is_some_and(Session::is_paused),
            resumable: self.resumable(),
        };
        input::keys(self.screen_context(), self.mode, state)
    }

    /// How much faster than real time the session runs (`--speed`, or a
    /// preview from the picker), when it does.
    pub fn speed(&self) -> Option<f64> {
        let speed = self.options.speed.max(1.0) * self.preview.map_or(1.0, |p| p.speed);
        (speed > 1.0).then_some(speed)
    }

    /// When the app next needs to wake by itself; `None` when only a key
    /// can change anything.
    pub fn next_wake(&self, now: Instant) -> Option<Instant> {
        if self.options.autostart && matches!(self.screen, Screen::Preflight(_)) {
            return Some(now);
        }
        // The status line shrinks to its mark when its time is up.
        let shrink = self
            .status_since
            .as_ref()
            .map(|(at, _)| *at + self.status_time())
            .filter(|at| *at > now && self.status.is_some());
        let session = self
            .session()
            .and_then(|s| s.next_wake(self.inner(now)))
            .map(|at| self.preview.map_or(at, |p| p.outer(at)));
        match (session, shrink) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// How long a status message stays in full: about ten seconds of real
    /// time, however fast the clock runs.
    fn status_time(&self) -> Duration {
        STATUS_FULL.mul_f64(self.options.speed.max(1.0))
    }

    /// Note when the status line changes, so it can shrink later.
    fn note_status(&mut self, now: Instant) {
        let changed = self
            .status_since
            .as_ref()
            .is_none_or(|(_, was)| *was != self.status);
        if changed {
            self.status_since = Some((now, self.status.clone()));
        }
    }

    /// Whether the terminal is smaller than any screen fits in: "Enlarge
    /// the terminal" is all there is to see.
    pub fn too_small(&self) -> bool {
        self.size
            .is_some_and(|(w, h)| w < crate::ui::MIN_WIDTH || h < crate::ui::MIN_HEIGHT)
    }

    /// The status line at `now`: a message in full for a while, then a
    /// short mark; help says it in full all along.
    pub fn status_line(&self, now: Instant) -> Option<String> {
        let fresh = self
            .status_since
            .as_ref()
            .is_none_or(|(at, _)| now < *at + self.status_time());
        match (&self.status, fresh || self.help) {
            (Some(status), true) => Some(status.text().into_owned()),
            (Some(status), false) => Some(status.mark().to_owned()),
            (None, _) => None,
        }
    }

    /// What the session screen shows at `now`, when it is up (the rest
    /// of the view left out: for frames in which only the breath moves).
    pub fn session_view(&self, now: Instant) -> Option<session::SessionView> {
        match &self.screen {
            Screen::Session {
                session,
                confirm_quit: false,
            } if !self.help && self.tension.asking.is_none() => Some(session.view(self.inner(now))),
            _ => None,
        }
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
        !self.options.reduced_motion
            && !self.options.plain
            && !covered
            && self.session().is_some_and(|s| {
                // On a hold the shape stands still: the session's own wakes
                // (each second, the phase's end) are enough.
                let moving = |b: crate::breath::BreathState| {
                    matches!(
                        b.kind,
                        crate::breath::PhaseKind::In | crate::breath::PhaseKind::Out
                    )
                };
                !s.is_paused()
                    && s.outcome().is_none()
                    && s.breath_at(self.inner(now)).is_some_and(moving)
            })
    }

    /// The one way in: a message, at `now`.
    pub fn update(&mut self, msg: Msg, now: Instant) -> Vec<Command> {
        let mut out = Vec::new();
        match msg {
            Msg::Tick => {}
            #[cfg(unix)]
            Msg::Continue => {}
            Msg::Resize(size) => self.size = size,
            Msg::Key(key) => {
                if let Some(action) = input::action(self.context(), key).filter(|a| {
                    !self.too_small() || matches!(a, Action::Interrupt | Action::Suspend)
                }) {
                    self.act(action, now, &mut out);
                }
            }
            Msg::Stop(exit) => self.stop(exit, now, &mut out),
            #[cfg(unix)]
            Msg::Suspend => self.act(Action::Suspend, now, &mut out),
            Msg::RoutinesChanged => self.routines_changed(&mut out),
            Msg::Library(library) => self.library_loaded(library),
            Msg::History(loaded, today) => self.history_loaded(loaded, &today),
            Msg::Edited(edited) => self.edited(edited, &mut out),
            Msg::Recorded(Ok(glance)) => {
                self.glance = Some(glance);
                self.records_stale();
            }
            Msg::Recorded(Err(why)) => self.status = Some(Status::HistoryNotSaved(why.to_string())),
            Msg::News(news) => self.status = Some(news),
            Msg::SoundWorks(works) => self.heard.sound_works(works),
            Msg::Muted(muted) => {
                self.muted = muted;
                self.status = muted.then_some(Status::SoundMuted);
            }
            Msg::VoiceOn(on) => self.status = (!on).then_some(Status::VoiceOff),
            Msg::Records(loaded, now) => self.records_loaded(loaded, now),
            Msg::Steps(pool) => self.steps_loaded(*pool),
            Msg::Saved(result) => self.saved(result),
        }
        self.want_records(&mut out);
        if self.options.autostart && matches!(self.screen, Screen::Preflight(_)) {
            self.options.autostart = false;
            self.open(now, &mut out);
        }
        self.send_to_session(session::Msg::Tick, now, &mut out);
        self.window_title(now, &mut out);
        self.flush_deferred(&mut out);
        self.note_status(now);
        if let Some(exit) = self.exit
            && !out.iter().any(|c| matches!(c, Command::Exit(_)))
        {
            out.push(Command::Exit(exit));
        }
        out
    }

    fn act(&mut self, action: Action, now: Instant, out: &mut Vec<Command>) {
        match action {
            Action::Interrupt => self.stop(Exit::Interrupted, now, out),
            Action::Suspend => {
                self.send_to_session(session::Msg::Pause, now, out);
                out.push(Command::Suspend);
            }
            Action::ToggleHelp => {
                self.help = !self.help;
                self.cover(self.help, now, out);
            }
            Action::Safety => self.toggle_safety(),
            Action::Up | Action::Down | Action::PageUp | Action::PageDown
                if self.safety.is_some() =>
            {
                self.scroll_safety(action, now)
            }
            Action::ToggleMute => out.push(Command::ToggleMute),
            Action::ToggleVoice => out.push(Command::ToggleVoice),
            Action::Session(msg) => self.send_to_session(msg, now, out),
            Action::AskQuit => {
                self.set_confirm(true);
                self.cover(true, now, out);
            }
            Action::CancelQuit => {
                self.set_confirm(false);
                self.cover(false, now, out);
            }
            Action::ConfirmQuit => self.send_to_session(session::Msg::Quit, now, out),
            Action::Back => self.back(out),
            Action::Quit => self.exit = Some(self.leaving()),
            Action::Open => self.open(now, out),
            Action::Edit => self.request_edit(out),
            Action::Preview => self.start_preview(now, out),
            Action::Reload => out.push(Command::LoadLibrary),
            Action::History => out.push(Command::LoadHistory),
            Action::ToggleCharts => {
                if let Screen::History { charts, .. } = &mut self.screen {
                    *charts = !*charts;
                }
            }
            Action::Tension(answer) => self.answer_tension(answer, now, out),
            Action::CancelQuestion if self.tension.asking == Some(When::Before) => {
                self.tension.asking = None;
            }
            Action::CancelQuestion => self.answer_tension(None, now, out),
            Action::Shorter => self.change_length(-1, out),
            Action::Longer => self.change_length(1, out),
            Action::FromStart if matches!(self.screen, Screen::Picker) => {
                self.open_selected(true, out)
            }
            Action::FromStart => self.begin_from_start(now, out),
            Action::Compose => self.open_compose(out),
            other if matches!(self.screen, Screen::Compose(_)) => self.compose_act(other, out),
            other => self.picker.update(other, &self.library),
        }
    }

    /// Stop at once (Ctrl-C, a signal, a lost terminal): the session, if
    /// any, is stopped so that it can still be recorded.
    fn stop(&mut self, exit: Exit, now: Instant, out: &mut Vec<Command>) {
        self.exit = Some(exit);
        self.send_to_session(session::Msg::Quit, now, out);
    }

    /// Help or the quit question opened (`on`) or closed over the session:
    /// time does not run on unseen, and it runs again on closing unless the
    /// user had paused it already.
    fn cover(&mut self, on: bool, now: Instant, out: &mut Vec<Command>) {
        let Some(session) = self.session() else {
            return;
        };
        if on && !session.is_paused() {
            self.paused_by_overlay = true;
            self.send_to_session(session::Msg::Pause, now, out);
        } else if !on && std::mem::take(&mut self.paused_by_overlay) {
            self.send_to_session(session::Msg::Resume, now, out);
        }
    }

    /// How leaving now ends the program: 3 when started on one routine
    /// (`knotless run`) and its session was left before its end.
    fn leaving(&self) -> Exit {
        match &self.screen {
            Screen::Done { summary, .. } if self.mode == Mode::Direct && !summary.finished => {
                Exit::Left
            }
            _ => Exit::Normal,
        }
    }

    fn set_confirm(&mut self, on: bool) {
        if let Screen::Session { confirm_quit, .. } = &mut self.screen {
            *confirm_quit = on;
        }
    }

    fn back(&mut self, out: &mut Vec<Command>) {
        self.safety = None;
        match self.screen {
            Screen::Picker => self.exit = Some(Exit::Normal),
            _ if self.mode == Mode::Direct => self.exit = Some(self.leaving()),
            _ => {
                self.screen = Screen::Picker;
                if std::mem::take(&mut self.stale) {
                    out.push(Command::LoadLibrary);
                }
            }
        }
    }

    fn open(&mut self, now: Instant, out: &mut Vec<Command>) {
        if matches!(self.screen, Screen::Preflight(_)) {
            self.safety = None;
        }
        match &self.screen {
            Screen::Picker => self.open_selected(false, out),
            Screen::Preflight(_) if self.options.ask_tension => {
                self.tension = Tension {
                    asking: Some(When::Before),
                    ..Tension::default()
                };
            }
            Screen::Preflight(_) => self.start_session(now, out),
            _ => {}
        }
    }

    /// From preflight into the session.
    fn start_session(&mut self, now: Instant, out: &mut Vec<Command>) {
        let Screen::Preflight(routine) = &self.screen else {
            return;
        };
        // A session from preflight runs at the clock's own speed.
        self.preview = None;
        self.safety = None;
        self.options.first_session = false;
        self.paused_by_overlay = false;
        let (session, effects) = Session::start(routine.clone(), now);
        // What was said about the preflight (a length that cannot be
        // fitted, say) is not the session's: it leaves with the preflight.
        if matches!(self.status, Some(Status::Note(_) | Status::Trouble(_))) {
            self.status = None;
        }
        self.screen = Screen::Session {
            session,
            confirm_quit: false,
        };
        out.push(Command::SessionStarted);
        self.after(effects, out);
    }

    /// Where the terminal stands in for sound, the window title shows the
    /// step and its time left while a session runs; the user's own title
    /// comes back after it.
    fn window_title(&mut self, now: Instant, out: &mut Vec<Command>) {
        let inner = self.inner(now);
        let change = match &self.screen {
            Screen::Session { session, .. }
                if self.heard.terminal_stands_in(&self.options.prompts) =>
            {
                self.heard.session_title(session.place(inner), || {
                    prompts::window_title(&session.view(inner))
                })
            }
            _ => self.heard.title_change(None),
        };
        if let Some(change) = change {
            out.push(Command::WindowTitle(change));
        }
    }

    fn send_to_session(&mut self, msg: session::Msg, now: Instant, out: &mut Vec<Command>) {
        let inner = self.inner(now);
        let Screen::Session {
            session,
            confirm_quit,
        } = &mut self.screen
        else {
            return;
        };
        if msg == session::Msg::Quit {
            *confirm_quit = false;
        }
        let effects = session.handle(msg, inner);
        self.after(effects, out);
    }

    /// Hand the effects on, record a session that ended, and move to the
    /// done screen.
    fn after(&mut self, effects: Vec<Effect>, out: &mut Vec<Command>) {
        for e in effects {
            if let Effect::Finished(summary) | Effect::Stopped(summary) = &e {
                self.session_ended(summary.clone());
            }
            if let Screen::Session { session, .. } = &self.screen {
                let (prepare, play) = self
                    .heard
                    .next(&e, session.routine(), &self.options.prompts);
                out.extend(prepare.map(Command::PrepareSounds));
                out.extend(play.map(Command::Play));
                if prompts::rings_terminal_bell(&e)
                    && self.heard.terminal_stands_in(&self.options.prompts)
                {
                    out.push(Command::TerminalBell);
                }
            }
            out.push(Command::Show(e));
        }
        if let Screen::Session { session, .. } = &self.screen
            && let Some(summary) = session.outcome()
        {
            let routine = Arc::new(session.routine().clone());
            self.screen = Screen::Done {
                routine,
                summary: summary.clone(),
            };
            if self.options.plain {
                let leaving = self.leaving();
                self.exit.get_or_insert(leaving);
            }
        }
    }
}

#[cfg(test)]
mod tests;
