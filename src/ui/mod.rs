//! Drawing: one file per screen or widget. Everything here renders from a
//! borrowed `View` (plain data, see `view`) and never changes state; the
//! routines and the history reach it only through views.

mod common;
mod compose;
mod confirm;
mod digits;
pub mod display;
mod done;
mod help;
mod history;
mod kit;
mod pacer;
mod picker;
mod preflight;
pub mod progress;
mod question;
pub mod safety;
mod session;
pub mod theme;
pub mod view;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use kit::area::split_last_row;
pub use session::{Motion, Spots};
pub use theme::Theme;
pub use view::{ScreenView, View};

/// Below this size the screen asks to be enlarged instead of drawing a
/// broken layout.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// What screens draw on: the driver's one frame buffer. (ratatui's own
/// `Frame` comes only from its `Terminal`, which keeps two more buffers
/// and compares every cell of them every frame.)
pub struct Frame<'a> {
    buffer: &'a mut Buffer,
}

impl<'a> Frame<'a> {
    pub fn new(buffer: &'a mut Buffer) -> Self {
        Self { buffer }
    }

    /// The whole screen.
    pub fn area(&self) -> Rect {
        self.buffer.area
    }

    pub fn render_widget<W: Widget>(&mut self, widget: W, area: Rect) {
        widget.render(area, self.buffer);
    }

    pub fn buffer_mut(&mut self) -> &mut Buffer {
        self.buffer
    }
}

/// Draw one whole frame. On the session screen with nothing over it,
/// returns where the parts that move with time are, so that frames in
/// which only time moved redraw just those (`Spots::redraw`).
pub fn draw(frame: &mut Frame, view: &View, theme: &Theme) -> Option<Spots> {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, theme);
        return None;
    }
    let mut spot = None;
    match &view.screen {
        ScreenView::Session {
            view: s,
            confirm_quit,
        } => {
            let bottom = (view.status.as_deref(), view.keys.as_slice(), view.speed);
            spot = session::draw(frame, area, s, view.reduced_motion, bottom, theme);
            if *confirm_quit {
                confirm::draw(frame, area, theme);
                spot = None;
            }
        }
        _ => over_hints(frame, area, view, theme),
    }
    if let Some(question) = view.question {
        question::draw(frame, area, question, &view.keys, theme);
        spot = None;
    }
    if view.help {
        help::draw(frame, area, &view.keys, view.status_full.as_deref(), theme);
        spot = None;
    }
    spot
}

/// Every screen but the session's (which places its hints among its own
/// parts): the key hints and the status on the bottom row, the screen above.
fn over_hints(frame: &mut Frame, area: Rect, view: &View, theme: &Theme) {
    let (body, hints) = split_last_row(area);
    let mut status = view.status.as_deref();
    match &view.screen {
        ScreenView::Picker(p) => picker::draw(frame, body, p, theme),
        ScreenView::Preflight(r) => preflight::draw(frame, body, r, theme),
        ScreenView::Done(d) => done::draw(frame, body, d, theme),
        ScreenView::History(h) => {
            status = status.or(h.note.as_deref());
            history::draw(frame, body, h, theme);
        }
        ScreenView::Compose(c) => compose::draw(frame, body, c, theme),
        ScreenView::Safety(s) => safety::draw(frame, body, s, theme),
        ScreenView::Session { .. } => return,
    }
    common::key_hints(frame, hints, &view.keys, status, theme);
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = vec![
        Line::styled(
            format!("Enlarge the terminal to {MIN_WIDTH}×{MIN_HEIGHT}"),
            theme.accent(),
        ),
        Line::styled(format!("(now {}×{})", area.width, area.height), theme.dim()),
        Line::styled("Ctrl-C leaves", theme.dim()),
    ];
    let top = area.height.saturating_sub(3) / 2;
    let rect = Rect::new(area.x, area.y + top, area.width, area.height - top);
    frame.render_widget(
        Paragraph::new(text).centered().wrap(Wrap { trim: true }),
        rect,
    );
}

/// Rendering a view into text, for tests and snapshots.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// The frame as lines of text (styles left out), at `width`×`height`.
    pub fn render(view: &View, width: u16, height: u16) -> String {
        let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
        draw(&mut Frame::new(&mut buffer), view, &Theme::MONO);
        buffer_text(&buffer)
    }

    /// A drawn buffer as lines of text (styles left out), wide characters
    /// counted once.
    pub fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..buffer.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// A view with no overlays, with the keys of its screen (started from
    /// the picker).
    pub fn plain(screen: ScreenView) -> View<'static> {
        let context = match &screen {
            ScreenView::Picker(p) if p.filtering => crate::input::Context::Filtering,
            ScreenView::Picker(_) => crate::input::Context::Picker,
            ScreenView::Preflight(_) => crate::input::Context::Preflight,
            ScreenView::Safety(_) => crate::input::Context::Safety,
            ScreenView::Session {
                confirm_quit: true, ..
            } => crate::input::Context::ConfirmQuit,
            ScreenView::Session { .. } => crate::input::Context::Session,
            ScreenView::Done(_) => crate::input::Context::Done,
            ScreenView::History(_) => crate::input::Context::History,
            ScreenView::Compose(c) => match c.stage {
                view::ComposeStage::Questions => crate::input::Context::Compose,
                view::ComposeStage::Composed => crate::input::Context::Composed,
                view::ComposeStage::Naming(_) => crate::input::Context::Naming,
            },
        };
        // What the app knows from its state, read back from the view.
        let state = crate::input::KeyState {
            paused: matches!(&screen, ScreenView::Session { view, .. } if view.paused),
            resumable: match &screen {
                ScreenView::Picker(p) => matches!(
                    &p.details,
                    Some(view::Details::Routine { routine, .. }) if routine.resume.is_some()
                ),
                ScreenView::Preflight(r) => r.resume.is_some(),
                _ => false,
            },
        };
        let keys = crate::input::keys(context, crate::input::Mode::Picker, state);
        View {
            screen,
            help: false,
            status: None,
            status_full: None,
            reduced_motion: false,
            question: None,
            keys,
            speed: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::app::views;
    use crate::routine::Library;

    #[test]
    fn below_the_minimum_it_asks_for_a_larger_terminal() {
        let lib = Library::builtins();
        let routine = lib.entries[0].routine.as_ref().unwrap();
        let view = plain(ScreenView::Preflight(views::routine(routine)));
        let text = render(&view, 39, 12);
        assert!(text.contains("Enlarge the terminal to 40×12"), "{text}");
        assert!(text.contains("(now 39×12)"));
    }
}
