//! The full-screen renderer: draws the app with ratatui on any backend
//! (the real terminal, or `TestBackend` in tests), only when what it shows
//! changed.

use std::io;
use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;

use super::Renderer;
use crate::app::App;
use crate::session::{Effect, SessionView};
use crate::terminal::{self, Capped, Tui};
use crate::ui::{self, PacerSpot, ScreenView, Theme};

pub struct FullScreen<B: Backend> {
    terminal: Terminal<Capped<B>>,
    theme: Theme,
    /// The real terminal: released around the editor and Ctrl-Z, and
    /// restored when done (see `terminal::Guard`).
    real: bool,
    /// The last session frame drawn: a new one is drawn only when it differs.
    last: Option<SessionView>,
    /// The last whole frame, with where its pacer is: while only the breath
    /// moves, frames copy it and redraw the pacer alone, rather than laying
    /// out every text again 25 times a second.
    still: Option<(Buffer, PacerSpot)>,
}

impl FullScreen<crate::terminal::Backend> {
    /// Take over the real terminal, with colours for its background when
    /// it says what that is. Before anything else reads the terminal.
    pub fn enter(theme: Theme) -> io::Result<Self> {
        let terminal: Tui = terminal::enter()?;
        let theme = match theme.color {
            true => theme.on(terminal::query_background()),
            false => theme,
        };
        Ok(Self {
            terminal,
            theme,
            real: true,
            last: None,
            still: None,
        })
    }
}

impl<B: Backend> FullScreen<B> {
    /// Draw on `backend`, which is not a real terminal (tests).
    pub fn on(backend: B, theme: Theme) -> io::Result<Self> {
        Ok(Self {
            terminal: Terminal::new(Capped(backend)).map_err(other)?,
            theme,
            real: false,
            last: None,
            still: None,
        })
    }

    pub fn backend(&self) -> &B {
        &self.terminal.backend().0
    }

    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.terminal.backend_mut().0
    }

    /// Clear the screen and the back buffer, so the next frame is drawn in
    /// full. A resize to the current size does that without asking the
    /// terminal anything (`Terminal::clear` would ask where its cursor is,
    /// and the answer would race the input thread).
    fn redraw_all(&mut self) -> io::Result<()> {
        let size = self.terminal.size().map_err(other)?;
        self.last = None;
        self.still = None;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
            .map_err(other)
    }
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

impl<B: Backend> Renderer for FullScreen<B> {
    fn frame(&mut self, app: &App, now: Instant, changed: bool) -> io::Result<()> {
        let theme = self.theme;
        // While only the breath moves (25 times a second), the last whole
        // frame is copied and the pacer alone drawn over it: no other text
        // is laid out again, and the rest of the view is not even built.
        if !changed
            && let (Some(now_view), Some(last), Some((still, spot))) =
                (app.session_view(now), &self.last, &self.still)
            && now_view.same_but_breath(last)
        {
            let spot = *spot;
            self.terminal
                .draw(|f| {
                    f.buffer_mut().clone_from(still);
                    ui::draw_pacer(f, spot, &now_view, &theme);
                })
                .map_err(other)?;
            self.last = Some(now_view);
            return Ok(());
        }
        let view = app.view(now);
        let session = match &view.screen {
            ScreenView::Session { view, .. } => Some(view),
            _ => None,
        };
        if !changed && session == self.last.as_ref() {
            return Ok(());
        }
        let mut spot = None;
        let done = self
            .terminal
            .draw(|f| spot = ui::draw(f, &view, &theme))
            .map_err(other)?;
        self.still = spot.map(|spot| (done.buffer.clone(), spot));
        self.last = session.cloned();
        Ok(())
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
        self.redraw_all()
    }

    fn suspend(&mut self) -> io::Result<()> {
        if self.real {
            terminal::restore();
            // Stops the whole process until SIGCONT; returns after `fg`.
            let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
            terminal::take()?;
        }
        self.redraw_all()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use ratatui::backend::TestBackend;

    use super::*;
    use crate::app::{Msg, Options};
    use crate::routine::parse::parse_routine;

    /// A frame in which only the breath moved, drawn by redrawing the pacer
    /// alone, is the same as the whole frame drawn afresh.
    #[test]
    fn a_pacer_only_frame_draws_what_a_whole_frame_would() {
        let text = "name = \"P\"\n[defaults]\ntransition = \"0s\"\n[[steps]]\nkind = \"breathing\"\ntitle = \"Out long\"\nbreath = \"long-exhale\"\ncycles = 3\n";
        let routine = Arc::new(parse_routine("p", "p.toml", text).unwrap());
        for (w, h) in [(80, 24), (200, 60), (50, 14)] {
            let t0 = Instant::now();
            let mut app = App::direct(routine.clone()).with_options(Options {
                autostart: true,
                ..Options::default()
            });
            app.update(Msg::Tick, t0);
            let mut moving = FullScreen::on(TestBackend::new(w, h), Theme::CALM).unwrap();
            moving
                .frame(&app, t0 + Duration::from_millis(500), true)
                .unwrap();
            for ms in [540, 580, 1_700, 3_990, 4_020, 6_500] {
                let at = t0 + Duration::from_millis(ms);
                moving.frame(&app, at, false).unwrap();
                let mut fresh = FullScreen::on(TestBackend::new(w, h), Theme::CALM).unwrap();
                fresh.frame(&app, at, true).unwrap();
                assert_eq!(
                    moving.backend().buffer(),
                    fresh.backend().buffer(),
                    "{w}x{h} at {ms} ms"
                );
            }
            assert!(moving.still.is_some(), "{w}x{h}: the pacer was found");
        }
    }
}
