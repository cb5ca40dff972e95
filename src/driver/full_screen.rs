//! The full-screen renderer. It keeps one frame buffer and decides, each
//! frame, what changed: nothing; the pacer alone (only the breath moved);
//! the parts that move with time (only time moved: a second ticked); or
//! everything. It draws just that into the buffer and has the output
//! present just those areas; what the terminal already shows, and the
//! bytes that change it, are the output's business (`terminal::Lean`).

use std::io;
use std::time::Instant;

#[cfg(test)]
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::Renderer;
use crate::app::App;
use crate::session::{Effect, SessionView};
use crate::terminal::{self, Output};
use crate::ui::{self, Motion, ScreenView, Spots, Theme};

pub struct FullScreen<O: Output> {
    out: O,
    /// The frame: what the terminal is to show.
    frame: Buffer,
    /// Areas of `frame` to present, kept from frame to frame.
    dirty: Vec<Rect>,
    theme: Theme,
    /// The real terminal: released around the editor and Ctrl-Z, and
    /// restored when done (see `terminal::Guard`).
    real: bool,
    /// The session view in `frame`: a new frame is drawn only when it
    /// differs.
    last: Option<SessionView>,
    /// The status line in `frame`: it changes with time too (a message
    /// shrinks to its mark).
    last_status: Option<String>,
    /// Where the parts of `frame` that move with time are, as the last
    /// whole frame laid them out; `None` when nothing is to be redrawn
    /// alone (another screen, something over the session).
    spots: Option<Spots>,
    /// When the pacer in `frame` next looks different (see
    /// `Renderer::breath_due`).
    breath_due: Option<Instant>,
}

/// With no change due before its phase ends, the pacer waits for the
/// session's own wake.
const NOT_SOON: std::time::Duration = std::time::Duration::from_secs(3600);

/// What a frame did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Nothing on screen changed.
    Nothing,
    /// Only the parts that `Motion` moves were drawn and presented.
    Moved(Motion),
    /// The whole frame was drawn and presented.
    Whole,
}

impl FullScreen<Box<dyn Output>> {
    /// Take over the real terminal, in colours for any background until it
    /// says what its own is (`Renderer::background`): the first frame
    /// never waits for a terminal that may not answer.
    pub fn enter(theme: Theme) -> io::Result<Self> {
        let out = terminal::enter()?;
        let theme = match theme.color {
            true => {
                terminal::ask_background();
                theme.on(None)
            }
            false => theme,
        };
        Ok(Self::with(out, theme, true))
    }
}

#[cfg(test)]
impl<B: Backend> FullScreen<ratatui::Terminal<B>> {
    /// Draw through ratatui's own terminal on `backend`, which is not a
    /// real terminal (tests).
    pub fn on(backend: B, theme: Theme) -> io::Result<Self> {
        Ok(Self::with(terminal::ratatui_on(backend)?, theme, false))
    }

    pub fn backend(&self) -> &B {
        self.out.backend()
    }
}

impl<O: Output> FullScreen<O> {
    /// Present frames on `out`; `real`: it is the terminal this process
    /// takes and gives back.
    pub fn with(out: O, theme: Theme, real: bool) -> Self {
        Self {
            out,
            frame: Buffer::empty(Rect::default()),
            dirty: Vec::new(),
            theme,
            real,
            last: None,
            last_status: None,
            spots: None,
            breath_due: None,
        }
    }

    #[cfg(test)]
    pub fn output(&self) -> &O {
        &self.out
    }

    #[cfg(test)]
    pub fn output_mut(&mut self) -> &mut O {
        &mut self.out
    }

    /// Draw what `app` shows at `now`, doing the least work that shows it
    /// right (see `Renderer::frame`).
    pub fn draw(&mut self, app: &App, now: Instant, changed: bool) -> io::Result<Work> {
        let work = self.draw_what_moved(app, now, changed)?;
        if work != Work::Nothing {
            self.breath_due = self
                .spots
                .as_ref()
                .zip(self.last.as_ref())
                .map(|(spots, view)| {
                    let ahead = spots.breath_changes_in(view).unwrap_or(NOT_SOON);
                    // A preview's session runs faster than the clock here.
                    let preview = app.speed().unwrap_or(1.0) / app.options.speed.max(1.0);
                    now + ahead.div_f64(preview.max(1.0))
                });
        }
        Ok(work)
    }

    fn draw_what_moved(&mut self, app: &App, now: Instant, changed: bool) -> io::Result<Work> {
        if !changed && let Some(done) = self.only_what_moved(app, now)? {
            return Ok(done);
        }
        let view = app.view(now);
        let size = self.out.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        if self.frame.area != area {
            self.frame.resize(area);
        }
        self.frame.reset();
        self.spots = ui::draw(&mut ui::Frame::new(&mut self.frame), &view, &self.theme);
        self.out.present(&self.frame, &[area])?;
        self.last = match view.screen {
            ScreenView::Session { view, .. } => Some(view),
            _ => None,
        };
        self.last_status = view.status;
        Ok(Work::Whole)
    }

    /// A frame in which only time moved: nothing to draw when the screen
    /// is the same; while only the breath moved (20 times a second), the
    /// pacer alone; while only time moved (a second ticked) and the frame
    /// is laid out as before, the parts that move with time; and the key
    /// hints' row when the status beside them changed (a message shrank
    /// to its mark). Only the session's view is built for that, not the
    /// whole screen's (its other screens). `None`: a whole frame is needed.
    fn only_what_moved(&mut self, app: &App, now: Instant) -> io::Result<Option<Work>> {
        let status = app.status_line(now);
        let status_moved = status != self.last_status;
        let session = app.session_view(now);
        if session == self.last && !status_moved {
            return Ok(Some(Work::Nothing));
        }
        let (Some(view), Some(last), Some(spots)) = (&session, &self.last, &mut self.spots) else {
            return Ok(None);
        };
        let motion = if view.same_but_breath(last) {
            Motion::Breath
        } else if view.same_but_time(last) && spots.fit(view) {
            Motion::Time
        } else {
            return Ok(None);
        };
        self.dirty.clear();
        if status_moved {
            let keys = app.keys();
            let bottom = (status.as_deref(), &keys[..]);
            if !spots.redraw_hints(&mut self.frame, bottom, &self.theme, &mut self.dirty) {
                return Ok(None);
            }
        }
        // The key hints do not move with time: no keys are needed.
        let bottom = (status.as_deref(), &[][..], app.speed());
        spots.redraw(
            &mut self.frame,
            view,
            bottom,
            &self.theme,
            motion,
            &mut self.dirty,
        );
        self.out.present(&self.frame, &self.dirty)?;
        self.last = session;
        self.last_status = status;
        Ok(Some(Work::Moved(motion)))
    }

    /// Something else had the terminal: draw it all again.
    fn redraw_all(&mut self) {
        self.out.forget();
        self.last = None;
        self.spots = None;
        self.breath_due = None;
    }
}

impl<O: Output> Renderer for FullScreen<O> {
    fn frame(&mut self, app: &App, now: Instant, changed: bool) -> io::Result<()> {
        self.draw(app, now, changed).map(|_| ())
    }

    fn size(&self) -> Option<(u16, u16)> {
        let size = self.out.size().ok()?;
        Some((size.width, size.height))
    }

    fn ring_bell(&mut self) -> io::Result<()> {
        if !self.real {
            return Ok(());
        }
        crate::terminal::title::ring(&mut io::stdout())
    }

    fn window_title(&mut self, title: Option<&str>) -> io::Result<()> {
        if !self.real {
            return Ok(());
        }
        crate::terminal::title::set(&mut io::stdout(), title)
    }

    #[cfg(unix)]
    fn background(&mut self, background: ui::theme::Background) {
        if self.theme.color {
            self.theme = self.theme.on(Some(background));
            // The next frame is a whole one, in the new colours.
            self.last = None;
            self.spots = None;
        }
    }

    fn breath_due(&self) -> Option<Instant> {
        self.breath_due
    }

    fn effect(&mut self, _: &App, _: &Effect, _: Instant) -> io::Result<()> {
        Ok(())
    }

    fn release(&mut self) {
        if self.real {
            terminal::restore();
        }
    }

    fn reclaim(&mut self) -> io::Result<()> {
        if self.real {
            terminal::take()?;
        }
        self.redraw_all();
        Ok(())
    }

    fn suspend(&mut self) -> io::Result<()> {
        // Windows has no job control: there Ctrl-Z only pauses the session.
        #[cfg(unix)]
        if self.real {
            terminal::restore();
            // Stops the whole process until SIGCONT; returns after `fg`.
            let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
            terminal::take()?;
        }
        self.redraw_all();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use ratatui::layout::Size;

    use super::*;
    use crate::app::{Msg, Options};
    use crate::routine::parse::parse_routine;
    use crate::terminal::{Lean, assert_alike};

    /// `routine` started at once, as `knotless run` starts it, and when.
    fn started(routine: &Arc<crate::routine::Routine>) -> (App, Instant) {
        let t0 = Instant::now();
        let mut app = App::direct(routine.clone()).with_options(Options {
            autostart: true,
            ..Options::default()
        });
        app.update(Msg::Tick, t0);
        (app, t0)
    }

    /// A full screen on the terminal's model, as on the real terminal, and
    /// a terminal emulator reading what it writes.
    struct Seen {
        screen: FullScreen<Lean<Vec<u8>>>,
        emulator: vt100::Parser,
        /// Bytes the last frame wrote.
        written: usize,
    }

    impl Seen {
        fn new(w: u16, h: u16) -> Self {
            let lean = Lean::sized(Vec::new(), Size::new(w, h));
            Self {
                screen: FullScreen::with(lean, Theme::CALM, false),
                emulator: vt100::Parser::new(h, w, 0),
                written: 0,
            }
        }

        /// Draw a frame and have the emulator read it; what it did.
        fn frame(&mut self, app: &App, at: Instant, changed: bool) -> Work {
            let work = self.screen.draw(app, at, changed).unwrap();
            let written = std::mem::take(self.screen.output_mut().writer_mut());
            self.emulator.process(&written);
            self.written = written.len();
            work
        }
    }

    /// What the terminal shows after a whole frame drawn afresh at `at`
    /// on a `w`×`h` screen.
    fn afresh(app: &App, at: Instant, w: u16, h: u16) -> vt100::Parser {
        let mut fresh = Seen::new(w, h);
        assert_eq!(fresh.frame(app, at, true), Work::Whole);
        fresh.emulator
    }

    /// Frames in which only the breath moved draw the pacer alone, and
    /// the terminal then shows what a whole frame drawn afresh would.
    #[test]
    fn a_pacer_only_frame_shows_what_a_whole_frame_would() {
        let text = "name = \"P\"\n[defaults]\ntransition = \"0s\"\n[[steps]]\nkind = \"breathing\"\ntitle = \"Out long\"\nbreath = \"long-exhale\"\ncycles = 1\n[[steps]]\nkind = \"kneading\"\ntitle = \"Knead\"\nduration = \"30s\"\nbreath = \"box\"\n[[steps]]\nkind = \"rest\"\ntitle = \"Rest\"\nduration = \"30s\"\n";
        let routine = Arc::new(parse_routine("p", "p.toml", text).unwrap());
        for (w, h) in [(80, 24), (200, 60), (50, 14)] {
            let (mut app, t0) = started(&routine);
            let mut seen = Seen::new(w, h);
            seen.frame(&app, t0 + Duration::from_millis(500), true);
            let mut breath_only = 0;
            // Through the breath, into a step with a one-line pacer, and on
            // to one with none.
            for ms in [
                540, 580, 1_700, 3_990, 4_020, 4_300, 6_500, 9_990, 10_020, 12_300, 12_700, 39_990,
                40_030, 40_600, 41_000,
            ] {
                let at = t0 + Duration::from_millis(ms);
                app.update(Msg::Tick, at);
                if seen.frame(&app, at, false) == Work::Moved(Motion::Breath) {
                    breath_only += 1;
                }
                let fresh = afresh(&app, at, w, h);
                assert_alike(seen.emulator.screen(), fresh.screen());
            }
            assert!(breath_only >= 4, "{w}x{h}: {breath_only} pacer-only frames");
        }
    }

    /// Frames in which only time moved redraw only the parts that move
    /// with time; through a whole routine (get-readies, both sides and the
    /// banner, cues, a breathing step, the done screen), the terminal
    /// always shows what a whole frame drawn afresh would.
    #[test]
    fn a_frame_in_which_only_time_moved_shows_what_a_whole_frame_would() {
        for (id, text) in crate::routine::builtin::BUILTINS {
            if !["daily-back", "desk-reset"].contains(id) {
                continue;
            }
            let routine = Arc::new(parse_routine(id, "built-in", text).unwrap());
            only_time_moved_through(&routine);
        }
    }

    /// The top line's time redrawn alone keeps the name beside it right,
    /// also when the time gets shorter (10:00 to 9:59) and a cut name
    /// gets room for more.
    #[test]
    fn the_top_line_stays_whole_when_its_time_gets_shorter() {
        let text = "name = \"A routine whose name is far too long for a narrow terminal\"\n[defaults]\ntransition = \"0s\"\n[[steps]]\nkind = \"rest\"\ntitle = \"Rest\"\nduration = \"10m3s\"\n";
        let routine = Arc::new(parse_routine("long", "long.toml", text).unwrap());
        let moments: Vec<u64> = (0..6_000).step_by(250).collect();
        short_frames_through(&routine, &[(44, 14), (60, 20)], &moments, 5);
    }

    fn only_time_moved_through(routine: &Arc<crate::routine::Routine>) {
        let length = crate::timeline::Timeline::new(routine).total.as_millis() as u64;
        // Every second and a bit, so frames fall in every part of a
        // second, and now and then two in one second (the breath).
        let moments: Vec<u64> = (0..length + 3_000).step_by(1_030).collect();
        short_frames_through(routine, &[(80, 24), (120, 40), (200, 60)], &moments, 101);
    }

    /// `routine` started, at each size, with a frame at each of `moments`
    /// (ms from the start): after every frame the terminal shows what a
    /// whole frame drawn afresh shows, and at least `least` of them took
    /// the short way.
    fn short_frames_through(
        routine: &Arc<crate::routine::Routine>,
        sizes: &[(u16, u16)],
        moments: &[u64],
        least: usize,
    ) {
        for &(w, h) in sizes {
            let (mut app, t0) = started(routine);
            let mut seen = Seen::new(w, h);
            seen.frame(&app, t0, true);
            let mut short = 0;
            for &ms in moments {
                let at = t0 + Duration::from_millis(ms);
                app.update(Msg::Tick, at);
                if matches!(seen.frame(&app, at, false), Work::Moved(_)) {
                    short += 1;
                }
                let fresh = afresh(&app, at, w, h);
                assert_alike(seen.emulator.screen(), fresh.screen());
            }
            assert!(short >= least, "{w}x{h}: {short} frames took the short way");
        }
    }

    /// A status message that shrinks to its mark (sound off, say) redraws
    /// the key hints' row with the seconds that ticked, not the whole
    /// frame; the terminal then shows what a whole frame drawn afresh
    /// would, at every size.
    #[test]
    fn a_status_shrinking_to_its_mark_redraws_only_its_row() {
        use crate::app::Status;
        let (id, text) = crate::routine::builtin::BUILTINS[0];
        let routine = Arc::new(parse_routine(id, "built-in", text).unwrap());
        for (w, h) in [(80, 24), (200, 60), (50, 14)] {
            let (mut app, t0) = started(&routine);
            let mut at = t0 + Duration::from_millis(6_100);
            app.update(Msg::Tick, at);
            app.update(
                Msg::News(Status::SoundOff("no sound server found".into())),
                at,
            );
            let mut seen = Seen::new(w, h);
            seen.frame(&app, at, true);
            let shown = app.status_line(at);
            let mut work = Work::Nothing;
            while app.status_line(at) == shown {
                at += Duration::from_secs(1);
                app.update(Msg::Tick, at);
                work = seen.frame(&app, at, false);
                assert_alike(seen.emulator.screen(), afresh(&app, at, w, h).screen());
                assert!(
                    at < t0 + Duration::from_secs(60),
                    "{w}x{h}: the status never shrank"
                );
            }
            let mark = app.status_line(at).expect("a mark");
            assert!(mark.chars().count() < 10, "{w}x{h}: {mark:?}");
            assert!(matches!(work, Work::Moved(_)), "{w}x{h}: {work:?}");
            assert!(seen.written < 300, "{w}x{h}: {} bytes", seen.written);
        }
    }

    /// Waking only when the pacer says it will look different (and the
    /// session's own wakes), no frame is wasted: every one writes
    /// something, at every size, and the pacer still moves often.
    #[test]
    fn every_pacer_wake_changes_the_screen() {
        let text = "name = \"P\"\n[defaults]\ntransition = \"0s\"\n[[steps]]\nkind = \"breathing\"\ntitle = \"Long\"\nbreath = \"long-exhale\"\nduration = \"5m\"\n";
        let routine = Arc::new(parse_routine("p", "p.toml", text).unwrap());
        for (w, h) in [(80, 24), (200, 60), (50, 14), (44, 12)] {
            let (mut app, t0) = started(&routine);
            let mut seen = Seen::new(w, h);
            let mut at = t0 + Duration::from_secs(6);
            app.update(Msg::Tick, at);
            seen.frame(&app, at, true);
            let mut frames = 0;
            while at < t0 + Duration::from_secs(30) {
                let pacer = seen.screen.breath_due().expect("the pacer says when");
                let session = app.next_wake(at).expect("a session wake");
                at = pacer.min(session).max(at + crate::app::PACER_FRAME);
                app.update(Msg::Tick, at);
                let work = seen.frame(&app, at, false);
                let ms = (at - t0).as_millis();
                assert_ne!(work, Work::Nothing, "{w}x{h} at {ms} ms");
                assert!(seen.written > 0, "{w}x{h} at {ms} ms: nothing written");
                frames += 1;
            }
            assert!(frames > 100, "{w}x{h}: only {frames} frames in 24 s");
        }
    }

    /// A frame that changes nothing writes nothing; one in which a second
    /// ticked writes only a few bytes, at every size.
    #[test]
    fn a_second_writes_little_and_nothing_writes_nothing() {
        let (id, text) = crate::routine::builtin::BUILTINS[0];
        let routine = Arc::new(parse_routine(id, "built-in", text).unwrap());
        for (w, h) in [(80, 24), (200, 60)] {
            let (mut app, t0) = started(&routine);
            let mut seen = Seen::new(w, h);
            seen.frame(&app, t0, true);
            let at = t0 + Duration::from_millis(200);
            app.update(Msg::Tick, at);
            assert_eq!(seen.frame(&app, at, false), Work::Nothing);
            let at = t0 + Duration::from_millis(1_200);
            app.update(Msg::Tick, at);
            let work = seen.screen.draw(&app, at, false).unwrap();
            let written = seen.screen.output().writer().len();
            assert_eq!(work, Work::Moved(Motion::Time), "{w}x{h}");
            assert!((1..200).contains(&written), "{w}x{h}: {written} bytes");
        }
    }
}
