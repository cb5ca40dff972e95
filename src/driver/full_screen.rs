//! The full-screen renderer: draws the app with ratatui on any backend
//! (the real terminal, or `TestBackend` in tests), only when what it shows
//! changed.

use std::io;
use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::Backend;

use super::Renderer;
use crate::app::App;
use crate::session::{Effect, SessionView};
use crate::terminal::{self, Capped, Tui};
use crate::ui::{self, ScreenView, Theme};

pub struct FullScreen<B: Backend> {
    terminal: Terminal<Capped<B>>,
    theme: Theme,
    /// The real terminal: released around the editor and Ctrl-Z, and
    /// restored when done (see `terminal::Guard`).
    real: bool,
    /// The last session frame drawn: a new one is drawn only when it differs.
    last: Option<SessionView>,
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
        let view = app.view(now);
        let session = match &view.screen {
            ScreenView::Session { view, .. } => Some(view),
            _ => None,
        };
        if changed || session != self.last.as_ref() {
            let theme = self.theme;
            self.terminal
                .draw(|f| ui::draw(f, &view, &theme))
                .map_err(other)?;
            self.last = session.cloned();
        }
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
