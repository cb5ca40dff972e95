//! The driver: the only owner of the terminal, the clock, the sound and
//! the files. It waits until something is due (a key, a signal, the
//! session's next moment, a pacer frame), hands it to the pure app as a
//! `Msg`, carries out the `Command`s that come back, and has the renderer
//! draw what changed.
//!
//! One driver serves both outputs: the full screen and `--plain` are two
//! `Renderer`s. It is generic over the clock and over where events come
//! from, so a test runs the whole app on ratatui's `TestBackend` with a
//! fake clock, a two-hour routine in well under a second.

mod compose;
mod event;
mod events;
mod full_screen;
// Decodes the raw bytes that only the Unix tty reader sees.
#[cfg(unix)]
mod keys;
mod plain;
mod record;
#[cfg(test)]
mod script;
#[cfg(unix)]
mod signals;
// Windows has no signals to catch: console control events stand in.
#[cfg(windows)]
#[path = "console_signals.rs"]
mod signals;
#[cfg(unix)]
mod tty;

use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use jiff::Zoned;

use crate::app::{App, Command, Edited, Exit, Msg, NotEdited, PACER_FRAME, Status};
use crate::clock::Clock;
use crate::routine::Library;
use crate::session::Effect;
use crate::sound::{Player, SoundState};

pub use event::Event;
pub use events::{Events, Terminal as TerminalEvents};
pub use full_screen::FullScreen;
pub use plain::Plain;
#[cfg(test)]
pub use script::Script;
pub use signals::exit_for;

/// Draws the app, or prints it.
pub trait Renderer {
    /// Draw what `app` shows at `now`. `changed`: something besides time
    /// moved, so draw even if the session looks the same. An error means
    /// nobody can see the output any more.
    fn frame(&mut self, app: &App, now: Instant, changed: bool) -> io::Result<()>;
    /// When what the last frame drew next looks different through the
    /// breath alone (the pacer), if the renderer can tell: a frame sooner
    /// would change nothing. `None`: a frame every `PACER_FRAME`.
    fn breath_due(&self) -> Option<Instant> {
        None
    }
    /// A session effect, as it happens.
    fn effect(&mut self, app: &App, effect: &Effect, now: Instant) -> io::Result<()>;
    /// Give the terminal to someone else (the editor).
    fn release(&mut self) {}
    /// Take the terminal back and draw it all again.
    fn reclaim(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// The screen's width and height, when there is a screen (`--plain`
    /// has none): the app ignores keys while it is too small to see.
    fn size(&self) -> Option<(u16, u16)> {
        None
    }
    /// The terminal said what its background is: draw in its colours.
    #[cfg(unix)]
    fn background(&mut self, _: crate::ui::theme::Background) {}
    /// Ctrl-Z: give the terminal back, stop until `fg`, take it again.
    fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Ring the terminal's bell, standing in for sound (full screen only).
    fn ring_bell(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// Show `title` in the window's title bar (`None`: the user's own).
    fn window_title(&mut self, _title: Option<&str>) -> io::Result<()> {
        Ok(())
    }
}

/// Where the routines are read from, to read them again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LibrarySource {
    pub user_dir: Option<PathBuf>,
    pub extra_dirs: Vec<PathBuf>,
    /// The `session.transition` setting, given to every routine.
    pub transition: Option<Duration>,
}

impl LibrarySource {
    pub fn discover(&self) -> Library {
        Library::discover(self.user_dir.as_deref(), &self.extra_dirs)
            .with_transition(self.transition)
    }

    /// The directories worth watching for changes (those that exist).
    pub fn watched(&self) -> Vec<PathBuf> {
        self.user_dir
            .iter()
            .chain(&self.extra_dirs)
            .filter(|d| d.is_dir())
            .cloned()
            .collect()
    }
}

/// The longest a key on the preflight screen waits for the sound output
/// woken with it (see `Driver::event`).
const FIRST_SOUND_WAIT: Duration = Duration::from_millis(300);

/// The world outside the app that commands act on.
pub struct Outside<'a> {
    pub sound: &'a mut Player,
    /// The history file, when there is a data directory.
    pub history: Option<PathBuf>,
    /// `--speed`: how much faster than real time the clock runs.
    pub speed: f64,
    pub source: LibrarySource,
    /// The running session's voice, rendering its words ahead.
    pub voice: Option<crate::voice::Voice>,
    /// How to make the session's voice once the first frame is up: its
    /// script takes longer to make than the frame (see `Driver::voice`).
    pub voice_later: Option<VoiceLater<'a>>,
    /// How to make a voice for a routine chosen later (in the picker), and
    /// where its speech is cached; `None`: no voice for those.
    pub voice_settings: Option<(crate::voice::VoiceSettings, PathBuf)>,
    /// Commands to run after a session, and the log their output goes to.
    pub hooks: crate::hooks::HookSettings,
    pub log_file: Option<PathBuf>,
}

/// Makes a session's voice, later.
pub type VoiceLater<'a> = Box<dyn FnOnce() -> Option<crate::voice::Voice> + 'a>;

/// The status line's message for what the sound output says.
fn sound_news(state: SoundState) -> Status {
    match state {
        SoundState::Muted => Status::SoundMuted,
        SoundState::Off(why) => Status::SoundOff(why),
        SoundState::Back => Status::SoundBack,
    }
}

/// Run `app` until it exits.
pub fn run<C: Clock, R: Renderer, E: Events>(
    mut app: App,
    clock: &C,
    renderer: &mut R,
    events: &mut E,
    outside: Outside<'_>,
) -> Exit {
    let mut driver = Driver {
        outside,
        started: None,
        output_gone: false,
        edit: None,
        due: None,
    };
    driver.run(&mut app, clock, renderer, events)
}

struct Driver<'a> {
    outside: Outside<'a>,
    /// When the driver saw the running session start (its recorded start).
    started: Option<Zoned>,
    /// The renderer failed: nobody sees the output any more.
    output_gone: bool,
    /// A file to open in the editor once the key that asked is handled.
    edit: Option<PathBuf>,
    /// When, in real time, the wait that just ended was due to end: a
    /// spoken prompt later than this by more than a moment is skipped.
    due: Option<std::time::Instant>,
}

impl Driver<'_> {
    fn run<C: Clock, R: Renderer, E: Events>(
        &mut self,
        app: &mut App,
        clock: &C,
        renderer: &mut R,
        events: &mut E,
    ) -> Exit {
        let mut inbox = VecDeque::from([
            Msg::Resize(renderer.size()),
            Msg::SoundWorks(self.outside.sound.output_works()),
            Msg::Tick,
        ]);
        let mut changed = true;
        // A key was handled and the input thread waits to hear so.
        let mut key = false;
        // The app asked to leave: once what is in hand is done.
        let mut leaving = None;
        loop {
            while let Some(msg) = inbox.pop_front() {
                key |= matches!(msg, Msg::Key(_));
                let now = clock.now();
                for command in app.update(msg, now) {
                    match command {
                        // The rest of the batch (the history line) is
                        // still carried out, and what it says shown.
                        Command::Exit(exit) => leaving = leaving.or(Some(exit)),
                        command => self.carry_out(app, command, (now, clock), renderer, &mut inbox),
                    }
                }
                if self.output_gone && app.exit.is_none() {
                    inbox.push_back(Msg::Stop(Exit::HungUp));
                }
            }
            if let Some(exit) = leaving {
                // Never over an editor that still has the terminal.
                if !self.output_gone && !app.editing {
                    let _ = renderer.frame(app, clock.now(), true);
                }
                return exit;
            }
            // Why sound or voice is off, once; read when the loop wakes
            // anyway.
            let sound_works = self.outside.sound.output_works();
            let news = self.outside.sound.status().map(sound_news).or_else(|| {
                // With no sound output nothing is heard at all: the sound's
                // own news says why, and the voice's waits (unread) for the
                // sound to come back rather than hide it.
                if !sound_works {
                    return None;
                }
                let voice = self.outside.voice.as_mut()?;
                voice.news().map(|news| Status::Voice(news.to_string()))
            });
            if let Some(news) = news {
                tracing::warn!("{}", news.text());
                inbox.push_back(Msg::News(news));
                inbox.push_back(Msg::SoundWorks(self.outside.sound.output_works()));
                // News is a change to show, even when it came on a wake
                // that was only time passing.
                changed = true;
                continue;
            }
            let now = clock.now();
            if !app.editing
                && !self.output_gone
                && let Err(e) = renderer.frame(app, now, changed)
            {
                tracing::warn!("the output went away: {e}");
                self.output_gone = true;
                inbox.push_back(Msg::Stop(Exit::HungUp));
                continue;
            }
            // The first frame is up: now make the voice, if it waits.
            if self.outside.voice_later.is_some() {
                self.voice();
            }
            // The picker's first screen is up: now read every routine (the
            // launch read only what that screen shows). Keys typed
            // meanwhile wait in the terminal.
            if app.library.partial {
                inbox.push_back(Msg::Library(self.outside.source.discover()));
                continue;
            }
            if std::mem::take(&mut key) {
                events.key_done(self.edit.take());
            }
            let due = app.next_wake(now).map(|at| clock.wait_until(at));
            // The pacer: when it will look different, but no more often
            // than every `PACER_FRAME`.
            let frame = app.animating(now).then(|| match renderer.breath_due() {
                Some(at) => clock.wait_until(at).max(PACER_FRAME),
                None => PACER_FRAME,
            });
            let timeout = match (due, frame) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            changed = true;
            let due = timeout.map(|t| clock.real_now() + t);
            match events.next(timeout) {
                None => {
                    changed = false;
                    self.due = due;
                    inbox.push_back(Msg::Tick);
                }
                Some(event) => {
                    self.due = None;
                    if let Some(msg) = self.event(app, event, renderer) {
                        inbox.push_back(msg);
                    }
                }
            }
        }
    }

    /// An event from outside, as a message for the app (if it is one).
    fn event<R: Renderer>(&mut self, app: &App, event: Event, renderer: &mut R) -> Option<Msg> {
        match event {
            Event::Key(key) => {
                if matches!(
                    app.context(),
                    crate::input::Context::Preflight | crate::input::Context::Safety
                ) {
                    // Enter the moment the preflight shows: the output was
                    // woken with it and may still be starting. The session
                    // begins once it is awake (a moment at most), so its
                    // first bell is as prompt as the rest.
                    self.outside.sound.wait_awake(FIRST_SOUND_WAIT);
                }
                Some(Msg::Key(key))
            }
            Event::Resize => Some(Msg::Resize(renderer.size())),
            #[cfg(unix)]
            Event::Background(background) => {
                renderer.background(background);
                None
            }
            Event::InputGone => Some(Msg::Stop(Exit::HungUp)),
            Event::Reload => Some(Msg::RoutinesChanged),
            // Ctrl-Z in the editor stops the editor; knotless, waiting for
            // it, stops too, so the shell gets the terminal back (`fg`
            // continues both).
            #[cfg(unix)]
            Event::Signal(signals::SIGTSTP) if app.editing => {
                let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
                None
            }
            #[cfg(unix)]
            Event::Signal(signals::SIGTSTP) => Some(Msg::Suspend),
            // Job control while the editor runs is the editor's business.
            #[cfg(unix)]
            Event::Signal(signals::SIGCONT) if app.editing => None,
            #[cfg(unix)]
            Event::Signal(signals::SIGCONT) => {
                if renderer.reclaim().is_err() {
                    self.output_gone = true;
                }
                Some(Msg::Continue)
            }
            Event::Signal(n) => Some(Msg::Stop(exit_for(n))),
            Event::Edited(path, ran) => {
                if renderer.reclaim().is_err() {
                    self.output_gone = true;
                }
                let check = matches!(ran, Ok(true)).then(|| {
                    crate::routine::load::load_file(&path)
                        .map(|r| r.name)
                        .map_err(|p| p.problems.len())
                });
                Some(Msg::Edited(Edited { path, ran, check }))
            }
        }
    }

    /// Say what `effect` calls for, if its words are ready now (`now`, in
    /// real time); a prompt is never late, so one that is not ready is
    /// skipped.
    fn speak(&mut self, effect: &Effect, now: Instant) {
        let due = self.due.unwrap_or(now).min(now);
        if let Some(voice) = self.voice()
            && let Some(speech) = voice.prompt_for(effect, due, now)
        {
            self.outside.sound.speak(speech);
        }
    }

    /// The user's command for how the session ended, if any. A preview
    /// (sped up) runs none, as it counts for no streak either.
    fn run_hook(&self, request: &crate::app::RecordRequest) {
        let preview = request.preview_speed * self.outside.speed > 1.0;
        let Some(log) = self.outside.log_file.as_deref().filter(|_| !preview) else {
            return;
        };
        let outcome = if request.summary.finished {
            crate::history::Outcome::Finished
        } else {
            crate::history::Outcome::Stopped
        };
        let seconds = request.summary.practised.as_secs();
        let _ = crate::hooks::after_session(
            &self.outside.hooks,
            &request.routine.id,
            outcome,
            seconds,
            log,
        );
    }

    /// A routine is about to run (its preflight is up): wake the sound
    /// output and start rendering its words, so that both are ready when
    /// its steps begin. Nothing is rendered where no sound output works
    /// (no sound in this build, or its output known to be away), and the
    /// words only once the output has answered that they can be heard (on
    /// the voice's own thread: nothing waits here).
    fn prepare(&mut self, routine: &crate::routine::Routine) {
        self.outside.sound.wake();
        if let Some((settings, cache)) = &self.outside.voice_settings
            && self.outside.sound.output_works()
        {
            let script =
                crate::voice::Script::with_options(routine, settings.script_options(), &|_| None);
            let heard = self.outside.sound.heard();
            self.outside.voice_later = None;
            self.outside.voice = Some(crate::voice::Voice::start_if_heard(
                settings, script, cache, heard,
            ));
        }
    }

    /// The session's voice, made now if it was left for later: at the
    /// latest when something is to be said, else once the first frame is
    /// up, so that making its script never holds the first frame back.
    fn voice(&mut self) -> Option<&mut crate::voice::Voice> {
        if let Some(make) = self.outside.voice_later.take() {
            self.outside.voice = make();
        }
        self.outside.voice.as_mut()
    }

    fn carry_out<C: Clock, R: Renderer>(
        &mut self,
        app: &App,
        command: Command,
        (now, clock): (Instant, &C),
        renderer: &mut R,
        inbox: &mut VecDeque<Msg>,
    ) {
        match command {
            Command::Play(play) => self.outside.sound.play(play),
            Command::TerminalBell => {
                if !self.output_gone && renderer.ring_bell().is_err() {
                    self.output_gone = true;
                }
            }
            Command::WindowTitle(title) => {
                if !self.output_gone && renderer.window_title(title.as_deref()).is_err() {
                    self.output_gone = true;
                }
            }
            Command::PrepareSounds(files) => self.outside.sound.prepare(files),
            Command::Show(effect) => {
                self.speak(&effect, clock.real_now());
                if !self.output_gone && renderer.effect(app, &effect, now).is_err() {
                    self.output_gone = true;
                }
            }
            Command::ToggleMute => inbox.push_back(Msg::Muted(self.outside.sound.toggle_mute())),
            Command::ToggleVoice => {
                if let Some(voice) = self.voice() {
                    inbox.push_back(Msg::VoiceOn(voice.toggle()));
                }
            }
            Command::Prepare(routine) => self.prepare(&routine),
            Command::SessionStarted => self.started = Some(clock.civil_now()),
            Command::Record(request) => {
                let result = record::write(
                    self.outside.history.as_deref(),
                    &request,
                    self.started.take(),
                    self.outside.speed,
                    clock.civil_now(),
                );
                if let Some(result) = result {
                    inbox.push_back(Msg::Recorded(result));
                }
                self.run_hook(&request);
            }
            Command::LoadLibrary => inbox.push_back(Msg::Library(self.outside.source.discover())),
            Command::LoadHistory => inbox.push_back(Msg::History(
                record::read(self.outside.history.as_deref()),
                clock.civil_now(),
            )),
            Command::Edit { path, copy } => {
                let copied = match (copy, path.parent()) {
                    (Some(id), Some(dir)) => crate::routine::user_copy::copy_builtin(dir, &id)
                        .map(|_| ())
                        .map_err(|e| NotEdited::Copy(e.into())),
                    _ => Ok(()),
                };
                match copied {
                    Ok(()) => {
                        renderer.release();
                        self.edit = Some(path);
                    }
                    Err(why) => inbox.push_back(Msg::Edited(Edited {
                        path,
                        ran: Err(why),
                        check: None,
                    })),
                }
            }
            Command::LoadRecords => inbox.push_back(Msg::Records(
                record::read(self.outside.history.as_deref()),
                clock.civil_now(),
            )),
            Command::LoadSteps => inbox.push_back(Msg::Steps(Box::new(compose::steps(
                app.options.user_dir.as_deref(),
                clock.civil_now().date(),
            )))),
            Command::SaveRoutine { routine, name } => inbox.push_back(Msg::Saved(compose::save(
                app.options.user_dir.as_deref(),
                &routine,
                &name,
            ))),
            Command::Suspend => {
                if renderer.suspend().is_err() {
                    self.output_gone = true;
                }
            }
            // Handled by the loop before it gets here.
            Command::Exit(_) => {}
        }
    }
}

#[cfg(test)]
mod tests;
