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
use ratatui::layout::Rect;

use crate::ui::{self, PacerSpot, ScreenView, Theme};

pub struct FullScreen<B: Backend> {
    terminal: Terminal<Capped<B>>,
    theme: Theme,
    /// The real terminal: released around the editor and Ctrl-Z, and
    /// restored when done (see `terminal::Guard`).
    real: bool,
    /// The last session frame drawn: a new one is drawn only when it differs.
    last: Option<SessionView>,
    /// The status line last drawn: it changes with time too (a message
    /// shrinks to its mark).
    last_status: Option<String>,
    /// Where the pacer is in the last whole frame: while only the breath
    /// moves, frames draw the pacer alone, straight to the terminal, rather
    /// than laying out every text and comparing every cell of the screen
    /// 20 times a second.
    still: Option<PacerSpot>,
    /// What is on the terminal where the pacer is or last was, as drawn
    /// straight there: ratatui's own idea of those cells is out of date
    /// until the next whole frame puts them right.
    layer: Option<Buffer>,
    /// What the last whole frame drew in the rows that move with time
    /// (see `ui::Spots`), kept up to date by frames in which only time
    /// moved.
    moving: Vec<Buffer>,
    /// Frames that took the short way of `rewrite_moving` (tests check
    /// that it is taken at all).
    #[cfg(test)]
    short_frames: usize,
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
            last_status: None,
            still: None,
            layer: None,
            moving: Vec::new(),
            #[cfg(test)]
            short_frames: 0,
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
            last_status: None,
            still: None,
            layer: None,
            moving: Vec::new(),
            #[cfg(test)]
            short_frames: 0,
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
        self.layer = None;
        self.moving.clear();
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
            .map_err(other)
    }
}

/// The cells of `buffer` within `area` (which lies inside it).
fn cut(buffer: &Buffer, area: Rect) -> Buffer {
    let area = area.intersection(buffer.area);
    let mut out = Buffer::empty(area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            out[(x, y)] = buffer[(x, y)].clone();
        }
    }
    out
}

impl<B: Backend> FullScreen<B> {
    /// Write `cells` straight to the terminal, only those that differ from
    /// what was last written there, and remember them.
    fn paint(&mut self, cells: Buffer) -> io::Result<()> {
        let shown = self.layer.take().filter(|l| l.area == cells.area);
        let changed: Vec<(u16, u16, &ratatui::buffer::Cell)> = cells
            .content()
            .iter()
            .enumerate()
            .filter(|(i, cell)| shown.as_ref().is_none_or(|s| s.content()[*i] != **cell))
            .map(|(i, cell)| {
                let (x, y) = cells.pos_of(i);
                (x, y, cell)
            })
            .collect();
        let backend = self.terminal.backend_mut();
        backend.draw(changed.into_iter()).map_err(other)?;
        backend.flush().map_err(other)?;
        self.layer = Some(cells);
        Ok(())
    }

    /// Finish a frame laid out exactly as the last one (only time moved):
    /// write the cells of the moving rows that differ from what is on the
    /// terminal there, and make the frame ratatui's last, as if it had
    /// compared the whole screen.
    fn rewrite_moving(&mut self, pacer: Option<PacerSpot>) -> io::Result<()> {
        let drawn = self.terminal.current_buffer_mut();
        let layer = self.layer.as_ref();
        let mut changed: Vec<(u16, u16, ratatui::buffer::Cell)> = Vec::new();
        for shown in &self.moving {
            let area = shown.area;
            for y in area.top()..area.bottom() {
                for x in area.left()..area.right() {
                    let on_screen = layer
                        .filter(|l| l.area.contains((x, y).into()))
                        .unwrap_or(shown);
                    let cell = &drawn[(x, y)];
                    if on_screen[(x, y)] != *cell {
                        changed.push((x, y, cell.clone()));
                    }
                }
            }
        }
        let moving = self.moving.iter().map(|m| cut(drawn, m.area)).collect();
        let layer = pacer.map(|s| cut(drawn, s.area));
        let backend = self.terminal.backend_mut();
        backend
            .draw(changed.iter().map(|(x, y, cell)| (*x, *y, cell)))
            .map_err(other)?;
        self.terminal.hide_cursor().map_err(other)?;
        self.terminal.swap_buffers();
        self.terminal.backend_mut().flush().map_err(other)?;
        self.moving = moving;
        self.layer = layer;
        #[cfg(test)]
        {
            self.short_frames += 1;
        }
        Ok(())
    }
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

impl<B: Backend> Renderer for FullScreen<B> {
    fn size(&self) -> Option<(u16, u16)> {
        let size = self.terminal.size().ok()?;
        Some((size.width, size.height))
    }

    fn frame(&mut self, app: &App, now: Instant, changed: bool) -> io::Result<()> {
        let theme = self.theme;
        // While only the breath moves (20 times a second), the pacer alone
        // is drawn: the rest of the view is not even built.
        if !changed
            && let (Some(now_view), Some(last), Some(spot)) =
                (app.session_view(now), &self.last, self.still)
            && now_view.same_but_breath(last)
            && app.status_line(now) == self.last_status
        {
            let mut pacer = Buffer::empty(spot.area);
            ui::draw_pacer_into(&mut pacer, spot, &now_view, &theme);
            self.paint(pacer)?;
            self.last = Some(now_view);
            return Ok(());
        }
        let view = app.view(now);
        let session = match &view.screen {
            ScreenView::Session { view, .. } => Some(view),
            _ => None,
        };
        if !changed && session == self.last.as_ref() && view.status == self.last_status {
            return Ok(());
        }
        // Only time moved (a second ticked): when the frame is laid out as
        // before (the banner coming or going moves everything), only the
        // rows that move with time are compared and rewritten, not the
        // whole screen.
        let time_only = !changed
            && view.status == self.last_status
            && matches!((session, &self.last), (Some(v), Some(last)) if v.same_but_time(last));
        self.terminal.autoresize().map_err(other)?;
        let spots = ui::draw(&mut self.terminal.get_frame(), &view, &theme);
        let pacer = spots.as_ref().and_then(|s| s.pacer);
        let moving = spots.map(|s| s.moving).unwrap_or_default();
        let same_rows = moving.iter().eq(self.moving.iter().map(|m| &m.area));
        if time_only && same_rows && !moving.is_empty() {
            self.rewrite_moving(pacer)?;
        } else {
            let layer = self.layer.as_ref().map(|l| l.area);
            let drawn = self.terminal.apply_buffer().map_err(other)?.buffer;
            let (was_layer, now_layer) = (
                layer.map(|area| cut(drawn, area)),
                pacer.map(|s| cut(drawn, s.area)),
            );
            self.moving = moving.iter().map(|&area| cut(drawn, area)).collect();
            // Where the pacer was drawn straight to the terminal, ratatui
            // may have left cells it thought unchanged: put them right.
            if let Some(cells) = was_layer {
                self.paint(cells)?;
            }
            // From here the pacer is drawn straight to the terminal,
            // starting from what this frame put there.
            self.layer = now_layer;
        }
        self.still = pacer;
        self.last = session.cloned();
        self.last_status = view.status.clone();
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

    /// What a whole frame drawn afresh at `at` shows on a `w`×`h` screen.
    fn afresh(app: &App, at: Instant, w: u16, h: u16) -> Buffer {
        let mut fresh = FullScreen::on(TestBackend::new(w, h), Theme::CALM).unwrap();
        fresh.frame(app, at, true).unwrap();
        fresh.backend().buffer().clone()
    }

    /// A frame in which only the breath moved, drawn by redrawing the pacer
    /// alone, is the same as the whole frame drawn afresh.
    #[test]
    fn a_pacer_only_frame_draws_what_a_whole_frame_would() {
        let text = "name = \"P\"\n[defaults]\ntransition = \"0s\"\n[[steps]]\nkind = \"breathing\"\ntitle = \"Out long\"\nbreath = \"long-exhale\"\ncycles = 1\n[[steps]]\nkind = \"kneading\"\ntitle = \"Knead\"\nduration = \"30s\"\nbreath = \"box\"\n[[steps]]\nkind = \"rest\"\ntitle = \"Rest\"\nduration = \"30s\"\n";
        let routine = Arc::new(parse_routine("p", "p.toml", text).unwrap());
        for (w, h) in [(80, 24), (200, 60), (50, 14)] {
            let (app, t0) = started(&routine);
            let mut moving = FullScreen::on(TestBackend::new(w, h), Theme::CALM).unwrap();
            moving
                .frame(&app, t0 + Duration::from_millis(500), true)
                .unwrap();
            // Through the breath, into a step with a one-line pacer, and on
            // to one with none: what was drawn straight to the terminal is
            // always put right.
            for ms in [
                540, 580, 1_700, 3_990, 4_020, 6_500, 9_990, 10_020, 12_300, 39_990, 40_030, 41_000,
            ] {
                let at = t0 + Duration::from_millis(ms);
                moving.frame(&app, at, false).unwrap();
                let fresh = afresh(&app, at, w, h);
                assert_eq!(moving.backend().buffer(), &fresh, "{w}x{h} at {ms} ms");
            }
            assert!(moving.still.is_some(), "{w}x{h}: the pacer was found");
        }
    }

    /// Frames in which only time moved rewrite only the rows that move with
    /// time; through a whole routine (get-readies, both sides and the
    /// banner, cues, a breathing step, the done screen), the screen is
    /// always what a whole frame drawn afresh would show.
    #[test]
    fn a_frame_in_which_only_time_moved_draws_what_a_whole_frame_would() {
        for (id, text) in crate::routine::builtin::BUILTINS {
            if !["daily-back", "desk-reset"].contains(id) {
                continue;
            }
            let routine = Arc::new(parse_routine(id, "built-in", text).unwrap());
            only_time_moved_through(&routine);
        }
    }

    fn only_time_moved_through(routine: &Arc<crate::routine::Routine>) {
        let length = crate::timeline::Timeline::new(routine).total.as_millis() as u64;
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let (mut app, t0) = started(routine);
            let mut moving = FullScreen::on(TestBackend::new(w, h), Theme::CALM).unwrap();
            moving.frame(&app, t0, true).unwrap();
            // Every second and a bit, so frames fall in every part of a
            // second, and now and then two in one second (the breath).
            for ms in (0..length + 3_000).step_by(1_030) {
                let at = t0 + Duration::from_millis(ms);
                app.update(Msg::Tick, at);
                moving.frame(&app, at, false).unwrap();
                let fresh = afresh(&app, at, w, h);
                assert_eq!(moving.backend().buffer(), &fresh, "{w}x{h} at {ms} ms");
            }
            let fast = moving.short_frames;
            assert!(fast > 100, "{w}x{h}: {fast} frames took the short way");
        }
    }
}
