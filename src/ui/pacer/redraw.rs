//! Drawing a pacer again where it was drawn, when only the breath moved:
//! the cells its shape's edges crossed, and its words when they changed.
//! This is twenty times a second, where drawing the whole pacer and having
//! every cell of it compared with the terminal was most of a frame's work.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::{Pacer, Placed, Steps, draw_smooth_cells, row_bounds, smooth_fill, span_at, steps};
use crate::ui::kit::cells::blank;

/// How a pacer drawn in an area looks, in the few values its cells are
/// drawn from: two pacers that look the same drew the same cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Look {
    placed: Placed,
    shape: Shape,
    /// The phase's words, its seconds left and the cycle.
    words: (&'static str, u64, u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The eighths the smooth shape's middle row spans.
    Smooth(u32),
    /// The stepped bar of reduced motion.
    Steps(Steps),
}

impl Pacer<'_> {
    /// How this pacer looks drawn at `area` (within the buffer).
    pub fn look(&self, area: Rect) -> Look {
        let placed = self.placed(area);
        let shape = match self.reduced_motion {
            true => Shape::Steps(steps(self.breath)),
            false => Shape::Smooth(span_at(smooth_fill(self.breath), placed.shape.width)),
        };
        let state = &self.breath.state;
        Look {
            placed,
            shape,
            words: (state.words, self.breath.phase_left_secs, state.cycle),
        }
    }

    /// Draw this pacer into `buf` at `area`, where it was drawn looking as
    /// `was`, changing only what looks different; add to `dirty` where
    /// that is. Afterwards `buf` holds what drawing it afresh on a blank
    /// `area` would. Returns how it looks now.
    pub fn redraw(&self, area: Rect, buf: &mut Buffer, was: &Look, dirty: &mut Vec<Rect>) -> Look {
        let area = area.intersection(buf.area);
        let now = self.look(area);
        let placed = &now.placed;
        if *placed != was.placed {
            blank(buf, area);
            self.render(area, buf);
            dirty.push(area);
            return now;
        }
        if now.words != was.words {
            blank(buf, placed.words);
            self.draw_words(placed, buf);
            dirty.push(placed.words);
        }
        match (was.shape, now.shape) {
            (before, after) if before == after => {}
            (Shape::Smooth(before), Shape::Smooth(after)) => {
                self.draw_edges(before, after, placed.shape, buf, dirty);
            }
            _ => {
                blank(buf, placed.shape);
                self.draw_shape(placed.shape, buf);
                dirty.push(placed.shape);
            }
        }
        now
    }

    /// The cells of the smooth shape at `area` that differ between its
    /// middle row spanning `before` and `after` eighths: on each row, those
    /// between where its edge was and where it is.
    fn draw_edges(
        &self,
        before: u32,
        after: u32,
        area: Rect,
        buf: &mut Buffer,
        dirty: &mut Vec<Rect>,
    ) {
        for row in 0..area.height {
            let (was, now) = (row_bounds(before, row, area), row_bounds(after, row, area));
            for (a, b) in [(was.0, now.0), (was.1, now.1)] {
                let from = (a.min(b) / 8) as u16;
                let to = (a.max(b).div_ceil(8) as u16).min(area.width);
                if from < to {
                    // Blank first: a style is laid over what a cell had.
                    let cells = Rect::new(area.x + from, area.y + row, to - from, 1);
                    blank(buf, cells);
                    draw_smooth_cells(after, row, from..to, self.theme, area, buf);
                    dirty.push(cells);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::breath::BreathPattern;
    use crate::session::BreathView;
    use crate::ui::Theme;

    fn breath(name: &str, at_ms: u64) -> BreathView {
        let state = BreathPattern::named(name)
            .unwrap()
            .at(Duration::from_millis(at_ms));
        let left = state.left;
        BreathView {
            state,
            phase_left_secs: left.as_secs() + u64::from(left.subsec_nanos() > 0),
            cycles: Some(6),
        }
    }

    fn pacer<'a>(breath: &'a BreathView, reduced_motion: bool, full: bool) -> Pacer<'a> {
        Pacer {
            breath,
            reduced_motion,
            theme: &Theme::CALM,
            scale: 2,
            words: true,
            full,
        }
    }

    /// Through whole breaths, in every kind of pacer and at several sizes,
    /// a pacer drawn again where it was holds what drawing it afresh
    /// would, and everything that changed is within what it says changed.
    #[test]
    fn a_pacer_drawn_again_is_a_pacer_drawn_afresh() {
        for (w, h) in [(60, 10), (30, 5), (50, 2), (24, 1), (9, 1), (100, 12)] {
            let area = Rect::new(3, 1, w, h);
            for (reduced_motion, full) in
                [(false, true), (true, true), (false, false), (true, false)]
            {
                let first = breath("long-exhale", 0);
                let mut buf = Buffer::empty(Rect::new(0, 0, w + 6, h + 2));
                pacer(&first, reduced_motion, full).render(area, &mut buf);
                let mut look = pacer(&first, reduced_motion, full).look(area);
                let mut edges_only = 0;
                for ms in (37..20_000).step_by(53) {
                    let b = breath("long-exhale", ms);
                    let p = pacer(&b, reduced_motion, full);
                    let before = buf.clone();
                    let mut dirty = Vec::new();
                    look = p.redraw(area, &mut buf, &look, &mut dirty);
                    let mut fresh = Buffer::empty(buf.area);
                    p.render(area, &mut fresh);
                    assert_eq!(buf, fresh, "{w}x{h} {reduced_motion} {full} at {ms} ms");
                    for (i, (old, new)) in before.content.iter().zip(&buf.content).enumerate() {
                        let at = buf.pos_of(i);
                        assert!(
                            old == new || dirty.iter().any(|d| d.contains(at.into())),
                            "{w}x{h} at {ms} ms: {at:?} changed outside what was said"
                        );
                    }
                    if !dirty.is_empty() && !dirty.contains(&area) {
                        edges_only += 1;
                    }
                }
                if !reduced_motion && look.placed.shape.width > 0 {
                    assert!(
                        edges_only > 100,
                        "{w}x{h}: {edges_only} frames drew less than all"
                    );
                }
            }
        }
    }
}
