//! The breathing pacer: a shape that grows from its centre while breathing
//! in, stays full on a hold, shrinks while breathing out and stays small on
//! the hold after, with the phase words, the seconds left in the phase and
//! the cycle count.
//!
//! It is the only thing on the session screen that moves, so it moves
//! smoothly: eased, with eighth-of-a-cell resolution. With reduced motion it
//! becomes a row of segments that changes at most once a second.

use std::f64::consts::PI;
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::Theme;
use crate::breath::PhaseKind;
use crate::session::BreathView;

/// Rows the full pacer needs at the least (a one-row shape and one line of
/// words) and at the most (a three-row shape, a gap, words, cycle count).
pub const FULL_MIN_HEIGHT: u16 = 2;

/// Rows the full pacer would like at `scale` (1 to 3): its shape grows
/// with the countdown, three rows at a time.
pub const fn full_height(scale: u16) -> u16 {
    shape_rows(scale) + 3
}

/// The shape's rows at `scale`: 3, 5, 7. It grows a little less than the
/// digits do: every row of it is redrawn 20 times a second.
const fn shape_rows(scale: u16) -> u16 {
    2 * scale + 1
}

/// The shape's widest, at `scale`: 40, 60, 80 cells.
const fn shape_width(scale: u16) -> u16 {
    FULL_MAX_WIDTH + 20 * (scale - 1)
}

/// The widest the full shape grows, in cells: wide enough to see the breath
/// move, narrow enough to stay calm on a big terminal.
const FULL_MAX_WIDTH: u16 = 40;
/// The compact bar's width when there is room for it.
const COMPACT_BAR_WIDTH: u16 = 12;
/// The smallest the shape gets, in eighths of a cell: it never vanishes, so
/// the eye knows where to look when the next breath starts.
const MIN_SPAN: u32 = 16;

/// `LEFT[k]` fills the left k eighths of a cell.
const LEFT: [char; 9] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

mod redraw;

pub use redraw::Look;

/// The breathing pacer: at full size for a breathing step (`full`), or
/// one line ("──▐███▌──  Breathe in · 3") for a breath laid over a
/// massage step, to sit under its instructions.
#[derive(Clone, Copy)]
pub struct Pacer<'a> {
    pub breath: &'a BreathView,
    pub reduced_motion: bool,
    pub theme: &'a Theme,
    /// 1 to 3: how much larger than the compact size the full shape grows.
    pub scale: u16,
    /// Whether the full pacer says the phase's words and seconds: not when
    /// the screen shows them large already, and then only the cycle count.
    pub words: bool,
    pub full: bool,
}

/// Where a pacer drawn in an area puts its shape and its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Placed {
    /// The shape's cells; empty when there is no room for one.
    shape: Rect,
    /// The words' rows (full) or cells (compact).
    words: Rect,
    /// The full pacer's way of laying them out; `None`: one line.
    full: Option<FullLayout>,
}

impl Widget for Pacer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let placed = self.placed(area);
        self.draw_shape(placed.shape, buf);
        self.draw_words(&placed, buf);
    }
}

impl Pacer<'_> {
    /// The shape alone, at `area` (where `placed` put it).
    fn draw_shape(&self, area: Rect, buf: &mut Buffer) {
        draw_shape(self.breath, self.reduced_motion, self.theme, area, buf);
    }

    /// Where the pacer drawn at `area` (within the buffer) puts its parts.
    fn placed(&self, area: Rect) -> Placed {
        if !self.full || area.height < FULL_MIN_HEIGHT {
            let words = words(self.breath, self.theme);
            let room = area.width.saturating_sub(words.width() as u16 + 2);
            // A bar too short to show a breath would only twitch: leave it
            // out.
            let track = even(room.min(COMPACT_BAR_WIDTH));
            let (shape, x) = match track >= 4 {
                true => (Rect::new(area.x, area.y, track, 1), area.x + track + 2),
                false => (Rect::new(area.x, area.y, 0, 0), area.x),
            };
            let words = Rect::new(x, area.y, area.right().saturating_sub(x), 1);
            return Placed {
                shape,
                words,
                full: None,
            };
        }
        let layout = FullLayout::for_height(area.height, self.scale);
        let top = area.y + (area.height - layout.height()) / 2;
        let track = even(
            area.width
                .saturating_sub(2)
                .min(shape_width(self.scale.max(1))),
        );
        let shape = Rect::new(
            area.x + (area.width - track) / 2,
            top,
            track,
            layout.shape_rows,
        );
        let lines = 1 + u16::from(layout.cycle_line && self.words);
        let words = Rect::new(
            area.x,
            top + layout.shape_rows + layout.gap,
            area.width,
            lines,
        );
        Placed {
            shape,
            words,
            full: Some(layout),
        }
    }

    /// The words ("Breathe in · 3") and the cycle count, where `placed`
    /// puts them.
    fn draw_words(&self, placed: &Placed, buf: &mut Buffer) {
        let Some(layout) = placed.full else {
            words(self.breath, self.theme).render(placed.words, buf);
            return;
        };
        let mut y = placed.words.y;
        let mut text_line = |line: Line| {
            line.centered()
                .render(Rect::new(placed.words.x, y, placed.words.width, 1), buf);
            y += 1;
        };
        if !self.words {
            text_line(Line::styled(cycle_text(self.breath), self.theme.dim()));
        } else if layout.cycle_line {
            text_line(words(self.breath, self.theme));
            text_line(Line::styled(cycle_text(self.breath), self.theme.dim()));
        } else {
            let mut line = words(self.breath, self.theme);
            line.push_span(Span::styled(" · ", self.theme.dim()));
            line.push_span(Span::styled(cycle_text(self.breath), self.theme.dim()));
            text_line(line);
        }
    }
}

/// How the full pacer spends the rows it is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FullLayout {
    shape_rows: u16,
    gap: u16,
    /// The cycle count on a line of its own, under the words.
    cycle_line: bool,
}

impl FullLayout {
    fn for_height(height: u16, scale: u16) -> Self {
        let (shape_rows, gap, cycle_line) = match height {
            0..=2 => (1, 0, false),
            3 => (1, 0, true),
            4 => (2, 0, true),
            5 => (3, 0, true),
            // A bigger screen: the shape takes the rows the scale allows.
            h => ((h - 3).min(shape_rows(scale.max(1))), 1, true),
        };
        Self {
            shape_rows,
            gap,
            cycle_line,
        }
    }

    fn height(self) -> u16 {
        self.shape_rows + self.gap + 1 + u16::from(self.cycle_line)
    }
}

/// "Breathe in · 3": what to do, and for how many more seconds.
fn words(breath: &BreathView, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(breath.state.words, theme.accent()),
        Span::styled(" · ", theme.dim()),
        Span::styled(breath.phase_left_secs.to_string(), theme.text()),
    ])
}

/// "cycle 3 of 6", or "cycle 3" when the step is not counted in cycles.
fn cycle_text(breath: &BreathView) -> String {
    match breath.cycles {
        Some(of) => format!("cycle {} of {of}", breath.state.cycle),
        None => format!("cycle {}", breath.state.cycle),
    }
}

fn even(n: u16) -> u16 {
    n & !1
}

fn draw_shape(
    breath: &BreathView,
    reduced_motion: bool,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    if reduced_motion {
        draw_steps(steps(breath), theme, area, buf);
    } else {
        draw_smooth(smooth_fill(breath), theme, area, buf);
    }
}

// --- when it next looks different ---------------------------------------------

/// How long (in the session's time) until the pacer drawn at `area` looks
/// different: its smooth shape grows or shrinks by a drawn step, or the
/// seconds in its words tick. `None` when neither happens before the phase
/// ends (the session wakes then anyway). A frame sooner would change
/// nothing on screen.
pub fn next_change(breath: &BreathView, full: bool, scale: u16, area: Rect) -> Option<Duration> {
    let words = seconds_tick(breath);
    let shape = shape_change(breath, full, scale, area);
    match (words, shape) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// How long until the phase's seconds tick (the time left crosses a whole
/// second), if before the phase ends.
pub fn seconds_tick(breath: &BreathView) -> Option<Duration> {
    let state = &breath.state;
    let tick = match state.left.subsec_nanos() {
        0 => Duration::from_secs(1),
        n => Duration::from_nanos(u64::from(n)),
    };
    (tick < state.left).then_some(tick)
}

/// When the smooth shape next changes, if before the phase ends.
fn shape_change(breath: &BreathView, full: bool, scale: u16, area: Rect) -> Option<Duration> {
    let state = &breath.state;
    let p = state.progress;
    if !p.is_finite() || state.fill_from == state.fill_to || state.length.is_zero() {
        return None;
    }
    let (width, rows) = shape_size(breath, full, scale, area)?;
    let spans = |progress: f64| {
        let fill = (state.fill_from
            + (state.fill_to - state.fill_from) * ease(progress.clamp(0.0, 1.0)))
        .clamp(0.0, 1.0);
        shape_spans(fill, width, rows)
    };
    let now = spans(p);
    // In steps of a thousandth of the phase (a few milliseconds): finer
    // than a frame, and the first that differs is the one to wake for.
    let step = 1.0 / 1000.0;
    let mut q = p + step;
    while q < 1.0 {
        if spans(q) != now {
            return Some(state.length.mul_f64(q - p));
        }
        q += step;
    }
    None
}

/// The smooth shape's width in cells and rows, as `render` lays it out
/// at `area`; `None` when no shape is drawn.
fn shape_size(breath: &BreathView, full: bool, scale: u16, area: Rect) -> Option<(u16, u16)> {
    let pacer = Pacer {
        breath,
        reduced_motion: false,
        theme: &Theme::MONO,
        scale,
        words: true,
        full,
    };
    let shape = pacer.placed(area).shape;
    (shape.width > 0).then_some((shape.width, shape.height))
}

/// The eighths the middle and the outer rows of the shape span at `fill`,
/// as `draw_smooth` draws them.
fn shape_spans(fill: f64, width: u16, rows: u16) -> (u32, u32) {
    let max = u32::from(width) * 8;
    let span = MIN_SPAN.min(max) + (fill * f64::from(max.saturating_sub(MIN_SPAN))).round() as u32;
    let outer = if rows >= 3 { (span * 3 / 4) & !1 } else { 0 };
    (span & !1, outer)
}

// --- the smooth shape ------------------------------------------------------

/// Ease in and out, so the shape starts and ends each phase gently, the way
/// a breath does.
fn ease(p: f64) -> f64 {
    (1.0 - (PI * p).cos()) / 2.0
}

/// How full the shape is, 0.0 to 1.0, at this moment of the phase: from
/// where the phase starts to where it ends, eased.
fn smooth_fill(breath: &BreathView) -> f64 {
    let p = breath.state.progress;
    let p = if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (from, to) = (breath.state.fill_from, breath.state.fill_to);
    (from + (to - from) * ease(p)).clamp(0.0, 1.0)
}

/// A bar `fill` full, growing out from the centre of `area`. With three rows
/// the outer rows are a little shorter, which rounds the shape. A faint line
/// through the middle shows how far a full breath reaches.
fn draw_smooth(fill: f64, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let span = span_at(fill, area.width);
    for row in 0..area.height {
        draw_smooth_cells(span, row, 0..area.width, theme, area, buf);
    }
}

/// The eighths the shape's middle row spans at `fill`, `width` cells wide.
fn span_at(fill: f64, width: u16) -> u32 {
    let max = u32::from(width) * 8;
    MIN_SPAN.min(max) + (fill * f64::from(max.saturating_sub(MIN_SPAN))).round() as u32
}

/// Where row `row` of a shape `area` big, whose middle row spans `span`
/// eighths, starts and ends, in eighths from its left.
fn row_bounds(span: u32, row: u16, area: Rect) -> (u32, u32) {
    let outer = area.height >= 3 && (row == 0 || row == area.height - 1);
    let span = if outer { span * 3 / 4 } else { span };
    let total = u32::from(area.width) * 8;
    let span = (span & !1).min(total);
    ((total - span) / 2, (total + span) / 2)
}

/// Cells `cols` of row `row` of the smooth shape at `area`, whose middle
/// row spans `span` eighths.
fn draw_smooth_cells(
    span: u32,
    row: u16,
    cols: std::ops::Range<u16>,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let middle = row == area.height / 2;
    let (start, end) = row_bounds(span, row, area);
    for i in cols {
        let (symbol, style) = match span_cell(u32::from(i), start, end) {
            (' ', _) if middle => ('─', theme.dim()),
            (symbol, true) => (symbol, theme.bar().add_modifier(Modifier::REVERSED)),
            (symbol, false) => (symbol, theme.bar()),
        };
        if let Some(cell) = buf.cell_mut((area.x + i, area.y + row)) {
            cell.set_char(symbol).set_style(style);
        }
    }
}

/// One row of a bar `span` eighths wide, centred in `width` cells: each
/// cell's symbol, and whether it is drawn reversed.
#[cfg(test)]
fn centred_span(width: u16, span: u32) -> Vec<(char, bool)> {
    let total = u32::from(width) * 8;
    let span = span.min(total);
    let (start, end) = ((total - span) / 2, (total + span) / 2);
    (0..u32::from(width))
        .map(|i| span_cell(i, start, end))
        .collect()
}

/// Cell `i` of a bar from `start` to `end` eighths: its symbol, and
/// whether it is drawn reversed.
///
/// Unicode has left-aligned eighths but only two right-aligned ones, so
/// the left edge (where the bar fills a cell's right part) is drawn as the
/// complementary left eighth in reverse video: `▎` reversed is the right
/// six eighths filled. In plain text (snapshots) it shows as `▎`.
fn span_cell(i: u32, start: u32, end: u32) -> (char, bool) {
    let (lo, hi) = (i * 8, i * 8 + 8);
    let covered = end.min(hi).saturating_sub(start.max(lo));
    match covered {
        0 => (' ', false),
        8 => ('█', false),
        k if start <= lo => (LEFT[k as usize], false),
        k if end >= hi => right_eighths(k),
        // Both edges inside one cell: only for a bar under a cell
        // wide, which MIN_SPAN rules out; round it.
        k => (if k >= 4 { '█' } else { ' ' }, false),
    }
}

/// The right `k` eighths of a cell (0 < k < 8).
fn right_eighths(k: u32) -> (char, bool) {
    match k {
        4 => ('▐', false),
        1 => ('▕', false),
        k => (LEFT[8 - k as usize], true),
    }
}

// --- the stepped bar (reduced motion) ----------------------------------------

/// Segments lit out of all, one segment per whole second of the phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Steps {
    lit: u32,
    of: u32,
}

/// Lit segments from whole seconds only, so the bar changes once a second,
/// and always in step with the words: breathing in lights one more each
/// second (all lit in its last second), breathing out darkens one each
/// second (one still lit in its last second, none once it is over).
fn steps(breath: &BreathView) -> Steps {
    let of = phase_seconds(breath);
    let left = (breath.phase_left_secs.clamp(1, u64::from(of))) as u32;
    let full = |level: f64| (level * f64::from(of)).round() as u32;
    let lit = match breath.state.kind {
        PhaseKind::In => {
            let (from, to) = (full(breath.state.fill_from), full(breath.state.fill_to));
            from + (to - from) * (of - left + 1) / of
        }
        PhaseKind::Out => full(breath.state.fill_from) * left / of,
        PhaseKind::Hold | PhaseKind::HoldOut => full(breath.state.fill_from),
    };
    Steps {
        lit: lit.min(of),
        of,
    }
}

/// The phase's length in whole seconds (at least one).
fn phase_seconds(breath: &BreathView) -> u32 {
    breath.state.length.as_secs().clamp(1, 3600) as u32
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepCell {
    Lit,
    Dark,
    Gap,
}

/// Segments with a one-cell gap between them, lit from the left; when the
/// phase has more seconds than the row has room for, a plain stepped bar.
fn step_cells(steps: Steps, width: u32) -> Vec<StepCell> {
    let of = steps.of.max(1);
    if 2 * of - 1 > width {
        let lit = steps.lit * width / of;
        return (0..width)
            .map(|x| {
                if x < lit {
                    StepCell::Lit
                } else {
                    StepCell::Dark
                }
            })
            .collect();
    }
    // A segment and the gap after it; at least two cells, by the test above.
    let pitch = (width + 1) / of;
    let used = of * pitch - 1;
    let pad = (width - used) / 2;
    (0..width)
        .map(|x| match x.checked_sub(pad) {
            Some(x) if x < used && x % pitch < pitch - 1 => {
                if x / pitch < steps.lit {
                    StepCell::Lit
                } else {
                    StepCell::Dark
                }
            }
            _ => StepCell::Gap,
        })
        .collect()
}

fn draw_steps(steps: Steps, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let cells = step_cells(steps, u32::from(area.width));
    for row in area.rows() {
        for (x, step) in (row.x..).zip(&cells) {
            let (symbol, style) = match step {
                StepCell::Lit => ('█', theme.bar()),
                StepCell::Dark => ('░', theme.dim()),
                StepCell::Gap => (' ', theme.dim()),
            };
            if let Some(cell) = buf.cell_mut((x, row.y)) {
                cell.set_char(symbol).set_style(style);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::breath::BreathPattern;

    const PLAIN: Theme = Theme::MONO;

    /// The pacer's view `at_ms` into a named pattern, as the session makes it.
    fn breath(name: &str, at_ms: u64, cycles: Option<u32>) -> BreathView {
        let pattern = BreathPattern::named(name).unwrap();
        let state = pattern.at(Duration::from_millis(at_ms));
        let left = state.left;
        BreathView {
            state,
            phase_left_secs: left.as_secs() + u64::from(left.subsec_nanos() > 0),
            cycles,
        }
    }

    /// The buffer's symbols, row by row (styles are checked apart).
    fn symbols(buf: &Buffer) -> Vec<String> {
        let width = usize::from(buf.area.width).max(1);
        buf.content()
            .chunks(width)
            .map(|row| row.iter().map(|c| c.symbol()).collect())
            .collect()
    }

    /// The pacer drawn on a `width`×`height` buffer of its own.
    fn drawn(b: &BreathView, reduced_motion: bool, full: bool, width: u16, height: u16) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
        let theme = &PLAIN;
        Pacer {
            breath: b,
            reduced_motion,
            theme,
            scale: 1,
            words: true,
            full,
        }
        .render(buf.area, &mut buf);
        buf
    }

    fn full(b: &BreathView, reduced_motion: bool, width: u16, height: u16) -> Buffer {
        drawn(b, reduced_motion, true, width, height)
    }

    fn compact(b: &BreathView, reduced_motion: bool, width: u16) -> Buffer {
        drawn(b, reduced_motion, false, width, 1)
    }

    #[test]
    fn the_shape_grows_eased_holds_and_shrinks() {
        let fill = |ms| smooth_fill(&breath("box", ms, None));
        assert_eq!(fill(0), 0.0);
        assert!((fill(1_000) - 0.146).abs() < 0.001, "eased: slow at first");
        assert!((fill(2_000) - 0.5).abs() < 1e-9);
        assert_eq!(fill(5_000), 1.0);
        assert!((fill(10_000) - 0.5).abs() < 1e-9);
        assert_eq!(fill(13_000), 0.0);
        assert!(fill(2_033) > fill(2_000), "moves every frame");
    }

    #[test]
    fn edges_have_eighth_cell_resolution() {
        assert_eq!(
            centred_span(4, 16),
            [(' ', false), ('█', false), ('█', false), (' ', false)]
        );
        // Six eighths either side of the centre line: the left cell's right
        // six eighths (a reversed "▎"), the right cell's left six.
        assert_eq!(centred_span(2, 12), [('▎', true), ('▊', false)]);
        assert_eq!(
            centred_span(4, 24),
            [('▐', false), ('█', false), ('█', false), ('▌', false)]
        );
        assert_eq!(centred_span(2, 2), [('▕', false), ('▏', false)]);
        assert_eq!(centred_span(2, 99), [('█', false), ('█', false)]);
        assert!(centred_span(0, 16).is_empty());
    }

    #[test]
    fn full_pacer_breathing_in() {
        let buf = full(&breath("box", 2_000, Some(4)), false, 20, 6);
        assert_eq!(
            symbols(&buf),
            [
                "      ▎██████▊      ",
                " ────██████████──── ",
                "      ▎██████▊      ",
                "                    ",
                "   Breathe in · 2   ",
                "    cycle 1 of 4    ",
            ]
        );
        assert!(buf[(6, 0)].modifier.contains(Modifier::REVERSED));
        assert!(!buf[(13, 0)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn full_pacer_on_each_hold() {
        let hold = full(&breath("box", 5_000, None), false, 16, 3);
        assert_eq!(
            symbols(&hold),
            [" ██████████████ ", " Hold, full · 3 ", "    cycle 1     "]
        );
        let hold_out = full(&breath("box", 13_000, None), false, 16, 3);
        assert_eq!(symbols(&hold_out)[0], " ──────██────── ");
        assert_eq!(symbols(&hold_out)[1], "Hold, empty · 3 ");
    }

    #[test]
    fn two_rows_put_the_cycle_beside_the_words() {
        let buf = full(&breath("4-7-8", 19_000, Some(3)), false, 34, 2);
        assert_eq!(symbols(&buf)[1], "  Breathe in · 4 · cycle 2 of 3   ");
    }

    #[test]
    fn reduced_motion_lights_a_segment_a_second() {
        let lit = |name, ms| steps(&breath(name, ms, None));
        assert_eq!(lit("box", 0), Steps { lit: 1, of: 4 });
        assert_eq!(lit("box", 2_300), Steps { lit: 3, of: 4 });
        assert_eq!(lit("box", 3_999), Steps { lit: 4, of: 4 });
        assert_eq!(lit("box", 6_000), Steps { lit: 4, of: 4 });
        // Breathing out starts full and darkens a segment a second; its
        // last second still shows one, as the words say "Breathe out · 1".
        assert_eq!(lit("box", 8_000), Steps { lit: 4, of: 4 });
        assert_eq!(lit("box", 9_000), Steps { lit: 3, of: 4 });
        assert_eq!(lit("box", 11_500), Steps { lit: 1, of: 4 });
        assert_eq!(lit("box", 14_000), Steps { lit: 0, of: 4 });
        // 5.5 s phases: five slots, as the seconds shown never pass 5.
        assert_eq!(lit("coherent", 0), Steps { lit: 1, of: 5 });
        assert_eq!(lit("coherent", 5_499), Steps { lit: 5, of: 5 });
        assert_eq!(lit("4-7-8", 4_001), Steps { lit: 7, of: 7 });
        // The same all through a whole second, whatever the frame.
        for ms in (2_000..3_000).step_by(33) {
            assert_eq!(lit("box", ms), Steps { lit: 3, of: 4 }, "{ms}");
        }
    }

    /// The physiological sigh's shape never shrinks through its two
    /// breaths in: the top-up carries on from where the first stopped.
    #[test]
    fn the_second_breath_in_continues_from_the_first() {
        let width = |ms: u64| {
            let buf = full(&breath("physiological-sigh", ms, None), false, 40, 3);
            symbols(&buf)[0]
                .chars()
                .filter(|c| *c != ' ' && *c != '─')
                .count()
        };
        let mut last = 0;
        for ms in (0..3_000).step_by(100) {
            let w = width(ms);
            assert!(w >= last, "{ms} ms: {w} cells after {last}");
            last = w;
        }
        assert!(
            width(2_999) >= 38,
            "full at the end of the top-up: the track is 38 cells"
        );
        let top_up = breath("physiological-sigh", 2_500, None);
        assert_eq!(top_up.state.words, "Top up");
    }

    #[test]
    fn reduced_motion_full_pacer() {
        let buf = full(&breath("box", 2_300, Some(4)), true, 20, 3);
        assert_eq!(
            symbols(&buf),
            [
                "  ███ ███ ███ ░░░   ",
                "   Breathe in · 2   ",
                "    cycle 1 of 4    ",
            ]
        );
    }

    #[test]
    fn a_long_phase_becomes_a_plain_stepped_bar() {
        let cells = step_cells(Steps { lit: 2, of: 8 }, 8);
        use StepCell::*;
        assert_eq!(cells, [Lit, Lit, Dark, Dark, Dark, Dark, Dark, Dark]);
    }

    #[test]
    fn compact_pacer_is_one_line() {
        assert_eq!(
            symbols(&compact(&breath("box", 2_000, None), false, 30)),
            ["──▐██████▌──  Breathe in · 2  "]
        );
        assert_eq!(
            symbols(&compact(&breath("box", 2_300, None), true, 30)),
            ["██ ██ ██ ░░   Breathe in · 2  "]
        );
        // No room for a bar: the words alone.
        assert_eq!(
            symbols(&compact(&breath("box", 9_000, None), false, 16)),
            ["Breathe out · 3 "]
        );
    }

    #[test]
    fn an_hour_long_phase_is_safe() {
        let pattern = BreathPattern::custom(5_000.0, 0.0, 4.0, 0.0);
        let state = pattern.at(Duration::from_millis(1_500));
        let b = BreathView {
            state,
            phase_left_secs: 4_999,
            cycles: None,
        };
        assert_eq!(steps(&b), Steps { lit: 1, of: 3_600 });
        full(&b, true, 40, 6);
        compact(&b, true, 40);
    }

    #[test]
    fn any_size_is_safe() {
        for ms in [0, 2_000, 5_000, 9_000, 13_000] {
            let b = breath("box", ms, Some(6));
            for (w, h) in (0..14).flat_map(|w| (0..9).map(move |h| (w, h))) {
                for reduced in [false, true] {
                    full(&b, reduced, w, h);
                    compact(&b, reduced, w);
                }
            }
        }
    }
}
