//! The session screen: what to do now, for how long, and what comes next,
//! readable at a glance from arm's length.
//!
//! Rows are handed out by importance, so the layout degrades from 80×24
//! down to 40×12 by dropping the least important parts first (the next
//! step, the overall bar, caution lines, the instructions' last lines)
//! and never the step line, the title or the countdown.
//!
//! Nothing here moves except the breathing pacer: everything else is drawn
//! from whole seconds, so a second that ticks rewrites only a few cells
//! (the bytes budget of PRODUCT.md section 9).

use super::kit::cells::blank;
use super::kit::layout::{Part, plan};
use super::kit::text::{fit, truncate, wrap, wrap_parts};
use crate::format::clock_secs;
use crate::input::KeyHelp;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::common::key_hints;
use super::digits::{self, BigDigits};
use super::pacer::{self, Pacer};
use super::{Frame, Theme};
use crate::session::{SessionView, ViewPhase};
use crate::text::{escape_inline, escape_multiline};

/// Wider lines are hard to follow with half-closed eyes.
const MAX_CONTENT_WIDTH: u16 = 100;
/// From this content width a breathing step's pacer sits beside its
/// instructions instead of taking their place.
const BESIDE_MIN_WIDTH: u16 = 70;
/// Room for the label in front of a progress bar ("routine ").
const BAR_LABEL_WIDTH: usize = 8;
/// Cells in a progress bar. Short, so that it moves by a cell only every
/// second or two (each change costs bytes) and stays calm.
const BAR_CELLS: usize = 32;
/// Running text (instructions, glance, caution, cue) keeps to a column
/// this wide, so the eye finds the next line on a wide screen.
const MAX_TEXT_WIDTH: u16 = 72;
/// How long the side-change banner stays once the new side has begun.
const BANNER_SECS: u64 = 5;
/// Instructions, caution and cue never wrap past this many lines; the
/// rest is cut with "…".
const MAX_TEXT_ROWS: usize = 8;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    view: &SessionView,
    reduced_motion: bool,
    (status, keys, speed): (Option<&str>, &[KeyHelp], Option<f64>),
    theme: &Theme,
) -> Option<Spots> {
    let area = area.intersection(frame.area());
    if area.is_empty() {
        return None;
    }
    let content = content_area(area);
    // The largest countdown the screen has rows for: a bigger font that
    // would squeeze out the title or the hints steps down a size.
    let mut scale = scale_for(area);
    let (screen, parts, heights) = loop {
        let screen = Screen::new(view, reduced_motion, theme, content.width, scale, speed);
        let parts = screen.parts();
        let heights = plan(&parts, content.height);
        let fits = parts
            .iter()
            .zip(&heights)
            .all(|(p, h)| !p.piece.is_big() || *h >= digits::height(scale));
        if fits || scale == 1 {
            break (screen, parts, heights);
        }
        scale -= 1;
    };
    // One size larger where the rows it takes are free (an 80×24 screen
    // leaves several blank): nothing else gives up a row for it.
    let larger = scale + 1;
    let (screen, parts, heights) = if larger <= widest_for(content.width) {
        let bigger = Screen::new(view, reduced_motion, theme, content.width, larger, speed);
        if bigger.rows_are_free(&screen, content.height) {
            scale = larger;
            let parts = bigger.parts();
            let heights = plan(&parts, content.height);
            (bigger, parts, heights)
        } else {
            (screen, parts, heights)
        }
    } else {
        (screen, parts, heights)
    };
    let lift = screen.lift(content.height);
    let mut y = content.y;
    let mut moving = Vec::new();
    let mut hints = None;
    for (part, height) in parts.iter().zip(heights) {
        // Half the spare rows go above the body, so it sits in the middle
        // of the screen: the top line stays on top, the hints at the bottom.
        let height = match part.piece {
            Piece::Lift => lift,
            Piece::Flex => height.saturating_sub(lift),
            _ => height,
        };
        if height > 0 {
            let rect = Rect::new(content.x, y, content.width, height);
            screen.draw_piece(frame, part.piece, rect, (status, keys));
            if part.piece == Piece::Hints {
                hints = Some(rect);
            }
            // The pacer beside the instructions is redrawn alone: the
            // instructions do not move.
            match screen.pacer_spot(part.piece, rect) {
                Some((pacer, rect)) => moving.push(Spot::new(pacer, rect, &screen)),
                None if part.piece.moves_with_time() => {
                    moving.push(Spot::new(part.piece, rect, &screen));
                }
                None => {}
            }
            y += height;
        }
    }
    Some(Spots {
        moving,
        width: content.width,
        scale,
        reduced_motion,
        banner: screen.banner.is_some(),
        hints,
    })
}

/// "Switch to the right side", while the banner is up: the pause between
/// the sides, and the first seconds of the new side, so a glance from the
/// floor still catches it.
fn banner(view: &SessionView) -> Option<String> {
    let fresh_side =
        view.second_side && view.length_secs.saturating_sub(view.left_secs) < BANNER_SECS;
    match (view.switch_to, view.side) {
        (Some(side), _) => Some(side),
        (None, Some(side)) if fresh_side => Some(side),
        _ => None,
    }
    .map(|side| format!("Switch to the {} side", side.word()))
}

/// Where the parts that move with time alone were drawn, and how, so that
/// a frame in which only time moved redraws those into the frame buffer,
/// and nothing else is laid out, wrapped or compared again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spots {
    /// Every part whose drawing changes with time alone: the top line,
    /// the banner, the countdown, the bars and the pacer.
    moving: Vec<Spot>,
    /// The content column's width and the countdown's font size.
    width: u16,
    scale: u16,
    reduced_motion: bool,
    /// Whether the side-change banner is up: it coming or going moves
    /// every row.
    banner: bool,
    /// Where the key hints and the status beside them are.
    hints: Option<Rect>,
}

/// A part that moves with time, where it is, and how it looked when last
/// drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spot {
    piece: Piece,
    area: Rect,
    look: Option<Look>,
    /// Where in `area` it drew: what the next drawing of it blanks and
    /// presents, with where that one draws.
    drawn: Rect,
}

impl Spot {
    fn new(piece: Piece, area: Rect, screen: &Screen) -> Self {
        Self {
            piece,
            area,
            look: Look::of(piece, area, screen),
            drawn: screen.drawn_in(piece, area),
        }
    }
}

/// What a part that moves with time shows, in the few values it is drawn
/// from (the rest of the view is the same in a short frame): a part that
/// looks as it did is neither drawn again nor compared with the terminal.
/// Most short frames change one or two parts: the countdown's last digit
/// and the top line's clock; the phase's seconds only once in twenty of
/// the pacer's frames; the pacer's shape at its edges.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Look {
    Seconds(u64),
    Filled(usize),
    Phase(&'static str, u64),
    Pacer(pacer::Look),
    Same,
}

impl Look {
    /// `None`: drawn every time.
    fn of(piece: Piece, area: Rect, screen: &Screen) -> Option<Look> {
        let view = screen.view;
        match piece {
            Piece::Top => Some(Look::Seconds(view.total_left_secs)),
            Piece::Countdown => Some(Look::Seconds(view.left_secs)),
            // The step's bar, and its time when shown beside it; a long
            // step's bar fills a cell only every few seconds.
            Piece::StepBar => Some(match screen.time_on_bar() {
                true => Look::Seconds(view.left_secs),
                false => Look::Filled(bar_filled(area.width, 0, view.step_ratio())),
            }),
            Piece::TotalBar => Some(Look::Filled(bar_filled(area.width, 0, view.total_ratio()))),
            Piece::Phase => view
                .breath
                .as_ref()
                .map(|b| Look::Phase(b.state.words, b.phase_left_secs)),
            Piece::FullPacer | Piece::CompactPacer => {
                let pacer = screen.pacer(piece == Piece::FullPacer)?;
                Some(Look::Pacer(pacer.look(area)))
            }
            Piece::Banner => Some(Look::Same),
            _ => None,
        }
    }
}

/// What moved since the last frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    /// Only the breath (within a second): the pacer alone.
    Breath,
    /// Only time: every part that moves with it, the pacer too.
    Time,
}

impl Spots {
    /// Whether `view` is laid out as the frame these spots came from
    /// (given that it differs from that frame's view only in time).
    pub fn fit(&self, view: &SessionView) -> bool {
        banner(view).is_some() == self.banner
    }

    /// Draw the key hints again, with `status` beside them, into `buffer`
    /// where the whole frame drew them, and add where they are to `dirty`:
    /// a status that changed (a message shrinking to its mark) moves
    /// nothing else. `false`: this frame has no hints to redraw.
    pub fn redraw_hints(
        &self,
        buffer: &mut Buffer,
        (status, keys): (Option<&str>, &[KeyHelp]),
        theme: &Theme,
        dirty: &mut Vec<Rect>,
    ) -> bool {
        let Some(area) = self.hints else {
            return false;
        };
        blank(buffer, area);
        key_hints(&mut Frame::new(buffer), area, keys, status, theme);
        dirty.push(area);
        true
    }

    /// How long, in the session's time, until the pacer of `view` looks
    /// different; `None` when not before its phase ends.
    pub fn breath_changes_in(&self, view: &SessionView) -> Option<std::time::Duration> {
        let breath = view.breath.as_ref()?;
        self.moving
            .iter()
            .filter_map(|&Spot { piece, area, .. }| match piece {
                Piece::FullPacer => pacer::next_change(breath, true, self.scale, area),
                Piece::CompactPacer => pacer::next_change(breath, false, self.scale, area),
                Piece::Phase => pacer::seconds_tick(breath),
                _ => None,
            })
            .min()
    }

    /// Draw again, into `buffer` where the whole frame was drawn, the parts
    /// that `motion` moves and that look different now, as a whole frame
    /// of `view` would draw them; add to `dirty` where they are.
    pub fn redraw(
        &mut self,
        buffer: &mut Buffer,
        view: &SessionView,
        (status, keys, speed): (Option<&str>, &[KeyHelp], Option<f64>),
        theme: &Theme,
        motion: Motion,
        dirty: &mut Vec<Rect>,
    ) {
        let screen = Screen::moving(view, self, theme, speed);
        let mut frame = Frame::new(buffer);
        for spot in &mut self.moving {
            if motion == Motion::Breath && !spot.piece.moves_with_breath() {
                continue;
            }
            let look = Look::of(spot.piece, spot.area, &screen);
            if look.is_some() && look == spot.look {
                continue;
            }
            // A countdown whose layout held: the glyphs that changed.
            if let (Piece::Countdown, Some(Look::Seconds(was))) = (spot.piece, &spot.look)
                && screen.redraw_countdown(&mut frame, spot.area, *was, dirty)
            {
                spot.look = look;
                continue;
            }
            // A pacer that moved: the cells its edges crossed, and its
            // words when they changed.
            if let (Some(Look::Pacer(was)), Some(pacer)) = (&spot.look, screen.pacer_in(spot.piece))
            {
                let now = pacer.redraw(spot.area, frame.buffer_mut(), was, dirty);
                spot.look = Some(Look::Pacer(now));
                continue;
            }
            let drawn = screen.drawn_in(spot.piece, spot.area);
            let changed = match spot.piece {
                // The time alone, when it takes the room it took: the name
                // beside it stays as it was.
                Piece::Top if drawn == spot.drawn => {
                    blank(frame.buffer_mut(), drawn);
                    draw_right(frame.buffer_mut(), spot.area, &screen.top_right());
                    drawn
                }
                piece => {
                    let changed = match piece {
                        Piece::Top => spot.area,
                        _ => drawn.union(spot.drawn),
                    };
                    blank(frame.buffer_mut(), changed);
                    screen.draw_piece(&mut frame, piece, spot.area, (status, keys));
                    changed
                }
            };
            spot.look = look;
            spot.drawn = drawn;
            dirty.push(changed);
        }
    }
}

/// The cells of a bar in a row `width` wide, beside a time `time_len`
/// long.
fn bar_width(width: u16, time_len: usize) -> usize {
    usize::from(width)
        .saturating_sub(BAR_LABEL_WIDTH + 2 * time_len)
        .min(BAR_CELLS)
}

/// How many of those cells are filled at `ratio`.
fn bar_filled(width: u16, time_len: usize, ratio: f64) -> usize {
    let ratio = if ratio.is_finite() {
        ratio.clamp(0.0, 1.0)
    } else {
        0.0
    };
    (ratio * bar_width(width, time_len) as f64).floor() as usize
}

/// The countdown's font size for the terminal's size: compact up to about
/// 80×24, five rows from about 100×30, eight rows from about 160×45.
fn scale_for(area: Rect) -> u16 {
    match (area.width, area.height) {
        (160.., 45..) => 3,
        (100.., 30..) => 2,
        _ => 1,
    }
}

/// The largest countdown a content column `width` wide takes, when the
/// rows for it are free.
fn widest_for(width: u16) -> u16 {
    match width {
        96.. => 3,
        64.. => 2,
        _ => 1,
    }
}

/// The column the screen is drawn in: a small margin, and not too wide.
fn content_area(area: Rect) -> Rect {
    let pad = match area.width {
        0..44 => 0,
        44..60 => 1,
        _ => 2,
    };
    let width = area.width.saturating_sub(2 * pad).min(MAX_CONTENT_WIDTH);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y,
        width,
        area.height,
    )
}

// --- what goes where -------------------------------------------------------

/// One part of the screen, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// Routine name, "paused", time left overall.
    Top,
    /// "Step 3 of 10 · kneading · shoulders · left side · medium pressure".
    StepLine,
    Title,
    /// The step's time left, large; "PAUSED" while paused.
    Countdown,
    /// A breathing step's phase and its seconds, large ("BREATHE IN 3"),
    /// in the countdown's place: the step's time moves to its bar.
    Phase,
    StepBar,
    TotalBar,
    Instructions,
    /// A breathing step on a wide screen: instructions left, pacer right.
    Beside,
    FullPacer,
    CompactPacer,
    Caution,
    Cue,
    Next,
    /// A blank line between groups.
    Gap,
    /// The one thing to do now, large, under the title.
    Glance,
    /// "Switch to the right side", full width, at a side change.
    Banner,
    /// Spare rows above the body, to centre it.
    Lift,
    /// Whatever rows are left over, so that "Next" and the key hints sit
    /// at the bottom.
    Flex,
    Hints,
}

impl Piece {
    /// Whether what this part shows changes with the breath within a
    /// second (and so is redrawn by a frame in which only the breath
    /// moved). Also in `moves_with_time`.
    fn moves_with_breath(self) -> bool {
        matches!(
            self,
            Piece::FullPacer | Piece::Beside | Piece::CompactPacer | Piece::Phase
        )
    }

    /// The large element: the countdown, or the breath's phase.
    fn is_big(self) -> bool {
        matches!(self, Piece::Countdown | Piece::Phase)
    }

    /// Whether what this part shows can change while nothing but time
    /// does (and so is redrawn by a frame in which only time moved). Not
    /// the key hints: their keys and the status beside them change only
    /// with a key or a message, which draw the whole frame.
    fn moves_with_time(self) -> bool {
        use Piece::*;
        matches!(
            self,
            Top | Banner
                | Countdown
                | Phase
                | StepBar
                | TotalBar
                | FullPacer
                | Beside
                | CompactPacer
        )
    }
}

/// How important a part's rows are: lower ranks get rows first, and at a
/// small size the highest ranks get none.
mod rank {
    /// The step line, the title, the countdown and the key hints.
    pub const ALWAYS: u8 = 0;
    pub const TOP: u8 = 1;
    pub const PACER: u8 = 2;
    pub const STEP_BAR: u8 = 3;
    /// What to do now: the first line of instructions, the cue, the rest
    /// of the step line and title.
    pub const GLANCE: u8 = 4;
    pub const CAUTION: u8 = 5;
    /// The instructions' further lines.
    pub const READ: u8 = 6;
    /// Blank lines that keep the main groups apart.
    pub const AIR: u8 = 7;
    pub const CAUTION_WRAP: u8 = 8;
    pub const TOTAL_BAR: u8 = 9;
    pub const NEXT: u8 = 10;
    pub const MORE_AIR: u8 = 11;
    /// Only what is left.
    pub const LAST: u8 = u8::MAX;
}

/// Rows for text that wraps to `lines`: one at `keep`, the rest at `grow`.
fn text_part(piece: Piece, lines: usize, keep: u8, grow: u8) -> Option<Part<Piece>> {
    let lines = lines.min(MAX_TEXT_ROWS) as u16;
    (lines > 0).then(|| Part::new(piece, 1, lines, keep, grow))
}

/// `parts` with a cue of two lines, whether or not one is showing.
fn with_room_for_a_cue(parts: Vec<Part<Piece>>) -> Vec<Part<Piece>> {
    let cue = || Part::new(Piece::Cue, 1, 2, rank::GLANCE, rank::READ);
    let mut parts: Vec<Part<Piece>> = parts
        .into_iter()
        .map(|p| if p.piece == Piece::Cue { cue() } else { p })
        .collect();
    if !parts.iter().any(|p| p.piece == Piece::Cue) {
        let flex = parts.iter().position(|p| p.piece == Piece::Flex);
        let at = flex.unwrap_or(parts.len());
        parts.splice(at..at, [Part::gap(Piece::Gap, rank::MORE_AIR), cue()]);
    }
    parts
}

// --- the screen's text, ready to draw ----------------------------------------

/// Everything drawn, escaped and wrapped to the content width once.
struct Screen<'a> {
    view: &'a SessionView,
    theme: &'a Theme,
    reduced_motion: bool,
    width: u16,
    /// The countdown's font size (1 to 3); the pacer grows with it.
    scale: u16,
    /// How much faster than real time a preview runs.
    speed: Option<f64>,
    glance: Vec<String>,
    /// "Switch to the right side", while a side change is under way.
    banner: Option<String>,
    step_line: Vec<String>,
    /// "Get ready: " during a get-ready.
    title_prefix: &'static str,
    title: Vec<String>,
    instructions: String,
    caution: Vec<String>,
    cue: Vec<String>,
}

const GET_READY: &str = "Get ready: ";
/// Drawn large in the countdown's place while paused.
const PAUSED: &str = "Paused";
/// The widest words a breath phase has ("Hold, empty" is as wide).
const WIDEST_PHASE: &str = "Breathe out";
const CAREFUL: &str = "Careful: ";
const CUE_MARK: &str = "› ";

impl<'a> Screen<'a> {
    fn new(
        view: &'a SessionView,
        reduced_motion: bool,
        theme: &'a Theme,
        width: u16,
        scale: u16,
        speed: Option<f64>,
    ) -> Self {
        let w = usize::from(width);
        let text_w = usize::from(width.min(MAX_TEXT_WIDTH));
        let title_prefix = if view.phase == ViewPhase::GetReady {
            GET_READY
        } else {
            ""
        };
        let title = format!("{title_prefix}{}", escape_inline(&view.title));
        let caution = view
            .caution
            .as_deref()
            .map(|c| wrap(&format!("{CAREFUL}{}", escape_multiline(c.trim())), text_w))
            .unwrap_or_default();
        // The session's own word (why `-` took nothing) outranks the cue.
        let cue = match (view.note, view.latest_cue.as_deref()) {
            (Some(note), _) => wrap(&format!("{CUE_MARK}{note}"), text_w),
            (None, Some(c)) => wrap(&format!("{CUE_MARK}{}", escape_inline(c)), text_w),
            (None, None) => Vec::new(),
        };
        let banner = banner(view);
        let glance = view
            .glance
            .as_deref()
            .map(|g| wrap(&escape_inline(g), text_w))
            .unwrap_or_default();
        Self {
            view,
            theme,
            reduced_motion,
            width,
            scale,
            speed,
            glance,
            banner,
            step_line: wrap_parts(&view.step_line_parts(), w),
            title_prefix,
            title: wrap(&title, w),
            instructions: escape_multiline(view.instructions.trim()).into_owned(),
            caution,
            cue,
        }
    }

    /// Only what the parts that move with time need, for a frame laid out
    /// as the one `spots` came from: no text is wrapped.
    fn moving(view: &'a SessionView, spots: &Spots, theme: &'a Theme, speed: Option<f64>) -> Self {
        Self {
            view,
            theme,
            reduced_motion: spots.reduced_motion,
            width: spots.width,
            scale: spots.scale,
            speed,
            glance: Vec::new(),
            banner: banner(view),
            step_line: Vec::new(),
            title_prefix: "",
            title: Vec::new(),
            instructions: String::new(),
            caution: Vec::new(),
            cue: Vec::new(),
        }
    }

    fn is_breathing(&self) -> bool {
        self.view.is_breathing_step()
    }

    /// Whether the large element shows the breath's phase: a breathing
    /// step at work, not paused.
    fn big_phase(&self) -> bool {
        let view = self.view;
        self.is_breathing() && view.phase == ViewPhase::Work && !view.paused
    }

    /// Whether the large element shows something other than the step's
    /// time (the phase, or "PAUSED"): the step's bar then says the time.
    fn time_on_bar(&self) -> bool {
        self.big_phase() || self.view.paused
    }

    /// Whether this screen, drawn a size larger than `smaller`, takes only
    /// rows that are free there: every part but the large ones (the
    /// countdown or phase, the pacer, the banner, the spare rows) keeps
    /// the rows it had. A cue counts as there, so one coming or going
    /// never changes the size within a step.
    fn rows_are_free(&self, smaller: &Screen, height: u16) -> bool {
        let rows = |screen: &Screen| {
            let parts = with_room_for_a_cue(screen.parts());
            let heights = plan(&parts, height);
            parts
                .into_iter()
                .zip(heights)
                .filter(|(p, _)| {
                    !p.piece.is_big()
                        && !matches!(
                            p.piece,
                            Piece::FullPacer
                                | Piece::Beside
                                | Piece::Banner
                                | Piece::Flex
                                | Piece::Lift
                        )
                })
                .map(|(p, h)| (p.piece, h))
                .collect::<Vec<_>>()
        };
        let (big, small) = (rows(self), rows(smaller));
        let big_fits = self
            .parts()
            .iter()
            .zip(plan(&self.parts(), height))
            .all(|(p, h)| !p.piece.is_big() || h >= digits::height(self.scale));
        big_fits && big.len() == small.len() && big.iter().zip(&small).all(|(a, b)| a.1 >= b.1)
    }

    fn beside(&self) -> bool {
        self.is_breathing() && self.width >= BESIDE_MIN_WIDTH
    }

    /// Width of the instructions column: half the screen beside the
    /// pacer, else a column narrow enough to read without losing the line.
    fn text_width(&self) -> u16 {
        if self.beside() {
            self.width / 2 - 1
        } else {
            self.width.min(MAX_TEXT_WIDTH)
        }
    }

    /// Rows above the body that centre it: half of what would be left if
    /// every text were as long as it may be, so the countdown keeps its
    /// row from one step to the next.
    fn lift(&self, height: u16) -> u16 {
        // A cue (or a note) comes and goes within a step: it counts as
        // two lines whether or not one is showing, so one appearing
        // leaves the countdown where it was.
        let longest: Vec<Part<Piece>> = self
            .parts()
            .into_iter()
            .map(|p| match p.piece {
                Piece::Instructions | Piece::Caution | Piece::Glance => {
                    p.wanting(MAX_TEXT_ROWS as u16 / 2)
                }
                _ => p,
            })
            .collect();
        let longest = with_room_for_a_cue(longest);
        let heights = plan(&longest, height);
        longest
            .iter()
            .zip(heights)
            .find(|(p, _)| p.piece == Piece::Flex)
            .map_or(0, |(_, h)| h / 2)
    }

    fn instruction_lines(&self) -> Vec<String> {
        wrap(&self.instructions, usize::from(self.text_width()))
    }

    /// The parts of this screen, top to bottom, with their ranks.
    fn parts(&self) -> Vec<Part<Piece>> {
        use Piece::*;
        let view = self.view;
        let instructions = self.instruction_lines().len();
        let mut parts = vec![
            Part::fixed(Top, 1, rank::TOP),
            Part::gap(Piece::Gap, rank::MORE_AIR),
            Part::new(Lift, 0, 0, rank::LAST, rank::LAST),
        ];
        parts.extend(text_part(
            StepLine,
            self.step_line.len(),
            rank::ALWAYS,
            rank::GLANCE,
        ));
        parts.extend(text_part(
            Title,
            self.title.len(),
            rank::ALWAYS,
            rank::GLANCE,
        ));
        parts.extend(text_part(
            Glance,
            self.glance.len(),
            rank::ALWAYS,
            rank::GLANCE,
        ));
        parts.push(Part::gap(Piece::Gap, rank::AIR));
        if self.banner.is_some() {
            let rows = if self.scale > 1 { 3 } else { 1 };
            parts.push(Part::new(Banner, 1, rows, rank::ALWAYS, rank::PACER));
            parts.push(Part::gap(Piece::Gap, rank::AIR));
        }
        let digits = digits::height(self.scale);
        let big = if self.big_phase() { Phase } else { Countdown };
        parts.extend([
            Part::new(big, 1, digits, rank::ALWAYS, rank::ALWAYS).whole(),
            Part::gap(Piece::Gap, rank::AIR),
            Part::fixed(StepBar, 1, rank::STEP_BAR),
            Part::fixed(TotalBar, 1, rank::TOTAL_BAR),
            Part::gap(Piece::Gap, rank::AIR),
        ]);
        let pacer_rows = pacer::full_height(self.scale);
        if self.beside() {
            let want = pacer_rows.max(instructions.min(MAX_TEXT_ROWS) as u16);
            parts.push(Part::new(
                Beside,
                pacer::FULL_MIN_HEIGHT,
                want,
                rank::PACER,
                rank::GLANCE,
            ));
        } else if self.is_breathing() {
            parts.push(Part::new(
                FullPacer,
                pacer::FULL_MIN_HEIGHT,
                pacer_rows,
                rank::PACER,
                rank::GLANCE,
            ));
            parts.push(Part::gap(Piece::Gap, rank::MORE_AIR));
            // The pacer says what to do; the words are for reading ahead.
            parts.extend(text_part(
                Instructions,
                instructions,
                rank::READ,
                rank::READ,
            ));
        } else {
            parts.extend(text_part(
                Instructions,
                instructions,
                rank::GLANCE,
                rank::READ,
            ));
            if view.breath.is_some() {
                parts.push(Part::gap(Piece::Gap, rank::MORE_AIR));
                parts.push(Part::fixed(CompactPacer, 1, rank::PACER));
            }
        }
        if !self.caution.is_empty() {
            parts.push(Part::gap(Piece::Gap, rank::MORE_AIR));
            parts.extend(text_part(
                Caution,
                self.caution.len(),
                rank::CAUTION,
                rank::CAUTION_WRAP,
            ));
        }
        if !self.cue.is_empty() {
            parts.push(Part::gap(Piece::Gap, rank::MORE_AIR));
            parts.extend(text_part(Cue, self.cue.len(), rank::GLANCE, rank::READ));
        }
        // Leftover rows go here rather than being spread about, so the
        // countdown keeps its row from one step to the next.
        parts.push(Part::new(Flex, 0, u16::MAX, rank::LAST, rank::LAST));
        // During a get-ready the screen is all about the coming step.
        if view.phase == ViewPhase::Work && view.next_title.is_some() {
            parts.push(Part::fixed(Next, 1, rank::NEXT));
        }
        parts.push(Part::fixed(Hints, 1, rank::ALWAYS));
        parts
    }

    fn draw_piece(
        &self,
        frame: &mut Frame,
        piece: Piece,
        area: Rect,
        (status, keys): (Option<&str>, &[KeyHelp]),
    ) {
        let theme = self.theme;
        let view = self.view;
        match piece {
            Piece::Top => self.draw_top(frame, area),
            Piece::StepLine => {
                let lines = fit(self.step_line.clone(), area.height, area.width);
                frame.render_widget(Paragraph::new(styled(lines, theme.dim())).centered(), area);
            }
            Piece::Title => self.draw_title(frame, area),
            Piece::Glance => {
                let column = centred(area, MAX_TEXT_WIDTH);
                let lines = fit(self.glance.clone(), column.height, column.width);
                let style = theme.text().add_modifier(Modifier::BOLD);
                frame.render_widget(Paragraph::new(styled(lines, style)).centered(), column);
            }
            Piece::Banner => {
                let text = self.banner.as_deref().unwrap_or_default();
                let style = theme.accent().add_modifier(Modifier::REVERSED);
                // The whole width, every row, so it cannot be missed.
                frame.render_widget(Paragraph::new("").style(style), area);
                let middle = Rect::new(area.x, area.y + area.height / 2, area.width, 1);
                let line = Line::styled(truncate(text, area.width), style);
                frame.render_widget(Paragraph::new(line).centered(), middle);
            }
            Piece::Countdown => {
                let style = self.countdown_style();
                let (text, scale) = self.countdown(area);
                frame.render_widget(BigDigits::new(&text, style).scale(scale), area);
            }
            Piece::Phase => self.draw_phase(frame, area),
            Piece::StepBar => {
                let time = self.time_on_bar().then(|| clock_secs(view.left_secs));
                self.draw_bar(frame, area, "step", view.step_ratio(), time);
            }
            Piece::TotalBar => self.draw_bar(frame, area, "routine", view.total_ratio(), None),
            Piece::Instructions => self.draw_instructions(frame, area),
            Piece::Beside => {
                let text = Rect {
                    width: self.text_width(),
                    ..area
                };
                self.draw_instructions(frame, text);
                self.draw_pacer(frame, self.beside_pacer(area), true);
            }
            Piece::FullPacer => self.draw_pacer(frame, area, true),
            Piece::CompactPacer => self.draw_pacer(frame, area, false),
            Piece::Caution => {
                let area = centred(area, MAX_TEXT_WIDTH);
                let lines = fit(self.caution.clone(), area.height, area.width);
                frame.render_widget(Paragraph::new(styled(lines, theme.caution())), area);
            }
            Piece::Cue => self.draw_cue(frame, area),
            Piece::Next => {
                let next = view.next_title.as_deref().unwrap_or_default();
                let text = truncate(&format!("Next: {}", escape_inline(next)), area.width);
                frame.render_widget(Paragraph::new(Line::styled(text, theme.dim())), area);
            }
            Piece::Hints => key_hints(frame, area, keys, status, theme),
            Piece::Gap | Piece::Flex | Piece::Lift => {}
        }
    }

    /// "Daily back reset            paused  10:32 left".
    fn draw_top(&self, frame: &mut Frame, area: Rect) {
        let right = self.top_right();
        let room = usize::from(area.width).saturating_sub(right.width() + 2);
        let name = truncate(&escape_inline(&self.view.routine_name), room as u16);
        let name = Line::styled(name, self.theme.text());
        frame.render_widget(Paragraph::new(name), area);
        draw_right(frame.buffer_mut(), area, &right);
    }

    /// The top line's right end: what changes there ("paused", the time
    /// left), so that a second redraws only this.
    fn top_right(&self) -> Line<'static> {
        let theme = self.theme;
        let mut right = Vec::new();
        if let Some(speed) = self.speed {
            right.push(Span::styled(
                format!("preview ×{}", trim_speed(speed)),
                theme.caution(),
            ));
            right.push(Span::raw("  "));
        }
        if self.view.paused {
            right.push(Span::styled(
                " paused ",
                theme.accent().add_modifier(Modifier::REVERSED),
            ));
            right.push(Span::raw("  "));
        }
        // The ticking digits in the plain style: a second then costs no
        // colour change on the wire.
        right.push(Span::styled(
            clock_secs(self.view.total_left_secs),
            theme.text(),
        ));
        right.push(Span::styled(" left", theme.dim()));
        Line::from(right)
    }

    fn draw_title(&self, frame: &mut Frame, area: Rect) {
        let theme = self.theme;
        let lines = fit(self.title.clone(), area.height, area.width);
        let lines: Vec<Line> = lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| match line.strip_prefix(self.title_prefix) {
                Some(rest) if i == 0 && !self.title_prefix.is_empty() => Line::from(vec![
                    Span::styled(self.title_prefix, theme.text()),
                    Span::styled(rest.to_owned(), theme.accent()),
                ]),
                _ => Line::styled(line, theme.accent()),
            })
            .collect();
        frame.render_widget(Paragraph::new(lines).centered(), area);
    }

    /// A thin bar of whole cells, centred: it moves only when a whole
    /// second does, since the ratio is counted in whole seconds.
    /// The countdown's text and font size in `area`.
    fn countdown(&self, area: Rect) -> (String, u16) {
        let text = match self.view.paused {
            true => PAUSED.to_owned(),
            false => clock_secs(self.view.left_secs),
        };
        let scale = digits::widest_scale(&text, self.scale, area.width).unwrap_or(1);
        (text, scale)
    }

    /// Not bold: block glyphs look the same, and turning bold on and off
    /// costs bytes every second.
    fn countdown_style(&self) -> Style {
        self.theme.accent().remove_modifier(Modifier::BOLD)
    }

    /// Draw again, where the countdown showed `was` seconds, only the
    /// glyphs that changed, and add their boxes to `dirty`: at the largest
    /// size a second then draws one glyph, not eight rows of them.
    /// `false` (nothing drawn) when the text is laid out differently.
    fn redraw_countdown(
        &self,
        frame: &mut Frame,
        area: Rect,
        was: u64,
        dirty: &mut Vec<Rect>,
    ) -> bool {
        if self.view.paused {
            return false;
        }
        let (now, scale) = self.countdown(area);
        // Glyphs as wide as those it had: the same font size and place.
        let Some(glyphs) = digits::changed_glyphs(&clock_secs(was), &now, scale, area) else {
            return false;
        };
        let style = self.countdown_style();
        let mut utf8 = [0; 4];
        for (c, rect) in glyphs {
            blank(frame.buffer_mut(), rect);
            frame.render_widget(
                BigDigits::new(c.encode_utf8(&mut utf8), style).scale(scale),
                rect,
            );
            dirty.push(rect);
        }
        true
    }

    /// Where in `area` `piece` draws what moves: all of it, but for the
    /// countdown, which draws in its glyphs' box alone, and the top line,
    /// whose time is at its right end (`top_right`).
    fn drawn_in(&self, piece: Piece, area: Rect) -> Rect {
        match piece {
            Piece::Countdown => {
                let (text, scale) = self.countdown(area);
                digits::drawn_in(&text, scale, area)
            }
            Piece::Top => {
                let width = (self.top_right().width() as u16).min(area.width);
                Rect::new(area.right() - width, area.y, width, area.height.min(1))
            }
            _ => area,
        }
    }

    fn draw_bar(
        &self,
        frame: &mut Frame,
        area: Rect,
        label: &str,
        ratio: f64,
        time: Option<String>,
    ) {
        let theme = self.theme;
        // " 0:14" after the bar, when the time is not shown large; the bar
        // keeps its place under the routine's.
        let time = time.map(|t| format!(" {t}")).unwrap_or_default();
        let width = bar_width(area.width, time.len());
        let filled = bar_filled(area.width, time.len(), ratio);
        let used = (width + BAR_LABEL_WIDTH).min(usize::from(area.width)) as u16;
        let area = Rect {
            x: area.x + (area.width - used) / 2,
            width: (used + time.len() as u16)
                .min(area.right() - (area.x + (area.width - used) / 2)),
            ..area
        };
        // Written cell by cell, not laid out as a paragraph: a bar is drawn
        // again every second, and its cells are all one character wide.
        let buf = frame.buffer_mut();
        let room = |x: u16| usize::from(area.right().saturating_sub(x));
        let (mut x, y) = (area.x, area.y);
        x = buf
            .set_stringn(
                x,
                y,
                format!("{label:<BAR_LABEL_WIDTH$}"),
                room(x),
                theme.dim(),
            )
            .0;
        for i in 0..width {
            if x >= area.right() {
                break;
            }
            let (symbol, style) = match i < filled {
                true => ('━', theme.bar()),
                false => ('─', theme.dim()),
            };
            buf[(x, y)].set_char(symbol).set_style(style);
            x += 1;
        }
        buf.set_stringn(x, y, &time, room(x), theme.text());
    }

    /// "BREATHE IN 3", as large as the widest phase of any pattern fits
    /// (so the size holds from phase to phase); on a narrow screen the
    /// words in plain letters beside the large seconds.
    fn draw_phase(&self, frame: &mut Frame, area: Rect) {
        let Some(breath) = &self.view.breath else {
            return;
        };
        let style = self.theme.accent().remove_modifier(Modifier::BOLD);
        let secs = breath.phase_left_secs.to_string();
        let widest = format!("{WIDEST_PHASE} {}", "8".repeat(secs.len().max(2)));
        let text = format!("{} {secs}", breath.state.words);
        if let Some(scale) = digits::widest_scale(&widest, self.scale, area.width) {
            frame.render_widget(BigDigits::new(&text, style).scale(scale), area);
            return;
        }
        let words = Line::styled(breath.state.words, style.add_modifier(Modifier::BOLD));
        let digits_width = digits::scaled_width(&secs, 1);
        let width = words.width() as u16 + 2 + digits_width;
        if width > area.width || area.height < digits::height(1) {
            frame.render_widget(BigDigits::new(&text, style), area);
            return;
        }
        let x = area.x + (area.width - width) / 2;
        let y = area.y + (area.height - digits::height(1)) / 2;
        let middle = Rect::new(x, y + 1, words.width() as u16, 1);
        frame.render_widget(Paragraph::new(words), middle);
        let big = Rect::new(x + width - digits_width, y, digits_width, digits::height(1));
        frame.render_widget(BigDigits::new(&secs, style), big);
    }

    fn draw_instructions(&self, frame: &mut Frame, area: Rect) {
        let area = centred(area, self.text_width());
        let lines = fit(self.instruction_lines(), area.height, area.width);
        frame.render_widget(Paragraph::new(styled(lines, self.theme.text())), area);
    }

    fn draw_cue(&self, frame: &mut Frame, area: Rect) {
        let area = centred(area, MAX_TEXT_WIDTH);
        let theme = self.theme;
        let lines = fit(self.cue.clone(), area.height, area.width);
        let lines: Vec<Line> = lines
            .into_iter()
            .enumerate()
            .map(|(i, line)| match line.strip_prefix(CUE_MARK) {
                Some(rest) if i == 0 => Line::from(vec![
                    Span::styled(CUE_MARK, theme.accent()),
                    Span::styled(rest.to_owned(), theme.text()),
                ]),
                _ => Line::styled(line, theme.text()),
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
    }

    /// The pacer's part of a Beside row: right of the instructions.
    fn beside_pacer(&self, area: Rect) -> Rect {
        let right = area.width.saturating_sub(self.text_width() + 2);
        Rect::new(area.right() - right, area.y, right, area.height)
    }

    /// Where `piece`, drawn at `area`, put the pacer, if it holds one, as
    /// the piece that draws it alone.
    fn pacer_spot(&self, piece: Piece, area: Rect) -> Option<(Piece, Rect)> {
        match piece {
            Piece::Beside => Some((Piece::FullPacer, self.beside_pacer(area))),
            Piece::FullPacer | Piece::CompactPacer => Some((piece, area)),
            _ => None,
        }
    }

    fn draw_pacer(&self, frame: &mut Frame, area: Rect, full: bool) {
        if let Some(pacer) = self.pacer(full) {
            frame.render_widget(pacer, area);
        }
    }

    /// The pacer `piece` draws, when it is one and the step has a breath.
    fn pacer_in(&self, piece: Piece) -> Option<Pacer<'_>> {
        match piece {
            Piece::FullPacer | Piece::CompactPacer => self.pacer(piece == Piece::FullPacer),
            _ => None,
        }
    }

    /// The pacer, full or compact, when the step has a breath.
    fn pacer(&self, full: bool) -> Option<Pacer<'_>> {
        Some(Pacer {
            breath: self.view.breath.as_ref()?,
            reduced_motion: self.reduced_motion,
            theme: self.theme,
            scale: self.scale,
            words: !self.big_phase(),
            full,
        })
    }
}

// --- text that fits ---------------------------------------------------------

/// `line` at the right end of `area`'s first row: written straight into
/// the cells where it fits (the top line's time, every second), laid out
/// as a paragraph would cut it where it does not.
fn draw_right(buffer: &mut Buffer, area: Rect, line: &Line) {
    let width = line.width() as u16;
    match width <= area.width {
        true => {
            buffer.set_line(area.right() - width, area.y, line, width);
        }
        false => Paragraph::new(line.clone())
            .right_aligned()
            .render(area, buffer),
    }
}

/// A column at most `width` wide, centred in `area`.
fn centred(area: Rect, width: u16) -> Rect {
    let width = width.min(area.width);
    Rect {
        x: area.x + (area.width - width) / 2,
        width,
        ..area
    }
}

/// "20", "2.5": a speed without trailing zeros.
fn trim_speed(speed: f64) -> String {
    let text = format!("{speed:.1}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn styled(lines: Vec<String>, style: ratatui::style::Style) -> Vec<Line<'static>> {
    lines.into_iter().map(|l| Line::styled(l, style)).collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use insta::assert_snapshot;
    use proptest::prelude::*;

    use super::*;
    use crate::routine::Side;
    use crate::routine::builtin::BUILTINS;
    use crate::routine::parse::parse_routine;
    use crate::session::{Msg, Session};
    use crate::timeline::SegmentKind;
    use crate::ui::testing::{plain, render};
    use crate::ui::{ScreenView, View};

    const WORLD: &str = r#"
name = "首と肩 🌿 evening"
[defaults]
transition = "5s"
[[steps]]
kind = "kneading"
title = "肩をもむ 💆 shoulders"
duration = "40s"
area = "shoulders"
sides = "both"
instructions = """
親指以外の四本の指で肩の筋肉をつかみ、ゆっくりと押して離します。首から肩先へ少しずつ移動します。 \
Then the same again, slowly 🙂 with a soft breath."""
caution = "鎖骨の上は押さないでください。"
cues = [{ at = "10s", text = "反対側へ 👉 slowly" }]
[[steps]]
kind = "rest"
title = "休む 😌"
duration = "30s"
instructions = "目を閉じて、呼吸を感じます。"
"#;

    fn routine(id: &str) -> Arc<crate::routine::Routine> {
        let text = BUILTINS
            .iter()
            .find(|(b, _)| *b == id)
            .map_or(WORLD, |(_, text)| *text);
        Arc::new(parse_routine(id, id, text).unwrap())
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A session of `id` that has run to `at` from its start.
    fn run(id: &str, at: Duration) -> (Session, Instant) {
        let t0 = Instant::now();
        let (mut s, _) = Session::start(routine(id), t0);
        s.handle(Msg::Tick, t0 + at);
        (s, t0)
    }

    /// When the segment of `step` (0-based) of `kind` on `side` starts.
    fn start_of(id: &str, step: usize, kind: SegmentKind, side: Option<Side>) -> Duration {
        let (s, _) = run(id, Duration::ZERO);
        s.timeline()
            .segments
            .iter()
            .find(|g| g.step == step && g.kind == kind && g.side == side)
            .unwrap()
            .start
    }

    /// The view `into` the work (or get-ready) segment of a step.
    fn view_in(
        id: &str,
        step: usize,
        kind: SegmentKind,
        side: Option<Side>,
        into: Duration,
    ) -> SessionView {
        let at = start_of(id, step, kind, side) + into;
        let (s, t0) = run(id, at);
        s.view(t0 + at)
    }

    fn work(id: &str, step: usize, into: Duration) -> SessionView {
        let side = routine(id).steps[step].sides.list()[0];
        view_in(id, step, SegmentKind::Work, side, into)
    }

    fn screen(view: &SessionView, width: u16, height: u16) -> String {
        let v = plain(ScreenView::Session {
            view: view.clone(),
            confirm_quit: false,
        });
        render(&v, width, height)
    }

    fn reduced(view: &SessionView, width: u16, height: u16) -> String {
        let v = View {
            reduced_motion: true,
            ..plain(ScreenView::Session {
                view: view.clone(),
                confirm_quit: false,
            })
        };
        render(&v, width, height)
    }

    /// Both sizes the screen is designed for, as one snapshot each.
    fn snap_both(name: &str, view: &SessionView) {
        assert_snapshot!(format!("{name}_80x24"), screen(view, 80, 24));
        assert_snapshot!(format!("{name}_40x12"), screen(view, 40, 12));
    }

    /// Big terminals: the countdown and the pacer grow, the body is centred.
    fn snap_large(name: &str, view: &SessionView) {
        assert_snapshot!(format!("{name}_120x40"), screen(view, 120, 40));
        assert_snapshot!(format!("{name}_200x60"), screen(view, 200, 60));
    }

    /// The countdown's rows: the lines drawn with block glyphs.
    fn countdown_rows(text: &str) -> usize {
        text.lines()
            .filter(|l| l.contains(['█', '▀', '▄']) && !l.contains(['━', '─']))
            .count()
    }

    #[test]
    fn the_countdown_grows_with_the_terminal_and_the_body_is_centred() {
        let v = work("daily-back", 0, ms(35_000));
        snap_large("massage_cue", &v);
        // 80×24 has the rows for the five-row font free here.
        assert_eq!(countdown_rows(&screen(&v, 80, 24)), 5);
        assert_eq!(countdown_rows(&screen(&v, 120, 40)), 8);
        assert_eq!(countdown_rows(&screen(&v, 200, 60)), 8);
        // Centred: the title is nowhere near the top of a tall screen, and
        // about as far from the top as the last text is from the hints.
        let text = screen(&v, 200, 60);
        let title = text
            .lines()
            .position(|l| l.contains("Shoulder rolls"))
            .unwrap();
        assert!(title > 10, "{text}");
        // Instructions keep to a readable column.
        let widest = text
            .lines()
            .filter(|l| l.contains("shoulders slowly"))
            .map(|l| l.trim().chars().count())
            .max()
            .unwrap();
        assert!(widest <= 72, "{widest}");
        snap_large("breath_in", &box_breath(2_000));
    }

    /// A cue appearing mid-step (at 0:30 of the shoulder rolls) leaves the
    /// countdown on its row at every size: nothing on screen jumps.
    #[test]
    fn a_cue_appearing_leaves_the_countdown_where_it_was() {
        let first_digit_row = |text: &str| {
            text.lines()
                .position(|l| l.contains(['█', '▀', '▄']))
                .unwrap()
        };
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let before = screen(&work("daily-back", 0, ms(29_500)), w, h);
            let after = screen(&work("daily-back", 0, ms(30_500)), w, h);
            assert!(after.contains("Now roll them forwards"), "{after}");
            assert!(!before.contains("Now roll them forwards"), "{before}");
            assert_eq!(
                first_digit_row(&before),
                first_digit_row(&after),
                "{w}x{h}\n{before}\n{after}"
            );
        }
    }

    #[test]
    fn a_side_change_shows_a_banner_you_cannot_miss() {
        // The pause between the two sides of "Ball between the blades".
        let v = view_in(
            "daily-back",
            3,
            SegmentKind::GetReady,
            Some(Side::Right),
            ms(1_000),
        );
        assert_eq!(v.switch_to, Some(Side::Right));
        snap_both("side_switch", &v);
        snap_large("side_switch", &v);
        let text = screen(&v, 80, 24);
        let banner = text
            .lines()
            .find(|l| l.contains("Switch to the right side"))
            .expect(&text);
        assert!(banner.contains("Switch to the right side"));
        // Still there in the first seconds of the new side, gone after.
        let early = work_side("daily-back", 3, Side::Right, ms(2_000));
        assert!(screen(&early, 80, 24).contains("Switch to the right side"));
        let later = work_side("daily-back", 3, Side::Right, ms(8_000));
        assert!(!screen(&later, 80, 24).contains("Switch to the right side"));
    }

    fn work_side(id: &str, step: usize, side: Side, into: Duration) -> SessionView {
        view_in(id, step, SegmentKind::Work, Some(side), into)
    }

    #[test]
    fn get_ready_reads_ahead_and_counts_in() {
        let v = view_in(
            "daily-back",
            2,
            SegmentKind::GetReady,
            Some(Side::Left),
            ms(2_000),
        );
        assert_eq!((v.phase, v.left_secs), (ViewPhase::GetReady, 3));
        snap_both("get_ready", &v);
        let text = screen(&v, 80, 24);
        assert!(text.contains("Get ready: Trapezius squeeze"), "{text}");
        assert!(!text.contains("Next:"), "{text}");
    }

    #[test]
    fn massage_step_with_a_cue() {
        let v = work("daily-back", 0, ms(35_000));
        assert_eq!(v.latest_cue.as_deref(), Some("Now roll them forwards"));
        snap_both("massage_cue", &v);
        assert!(screen(&v, 40, 12).contains("› Now roll them forwards"));
    }

    #[test]
    fn two_sided_step_on_its_right_side() {
        let v = view_in(
            "daily-back",
            3,
            SegmentKind::Work,
            Some(Side::Right),
            ms(22_500),
        );
        snap_both("right_side", &v);
        assert!(screen(&v, 80, 24).contains("right side"));
    }

    #[test]
    fn paused_says_so() {
        let at = start_of("daily-back", 2, SegmentKind::Work, Some(Side::Left)) + ms(12_000);
        let (mut s, t0) = run("daily-back", at);
        s.handle(Msg::Pause, t0 + at);
        let v = s.view(t0 + at + Duration::from_secs(30));
        assert!(v.paused);
        snap_both("paused", &v);
        let text = screen(&v, 40, 12);
        assert!(
            text.contains("paused") && text.contains("space resume"),
            "{text}"
        );
    }

    /// Box breathing (daily-back step 9): 4 s in, hold, out, hold out.
    fn box_breath(into_ms: u64) -> SessionView {
        work("daily-back", 8, ms(16_000 + into_ms))
    }

    #[test]
    fn breathing_in() {
        let v = box_breath(2_000);
        assert_eq!(
            v.breath.as_ref().unwrap().state.kind,
            crate::breath::PhaseKind::In
        );
        snap_both("breath_in", &v);
    }

    #[test]
    fn breathing_hold() {
        snap_both("breath_hold", &box_breath(5_500));
    }

    #[test]
    fn breathing_out() {
        snap_both("breath_out", &box_breath(9_000));
    }

    #[test]
    fn breathing_hold_out() {
        let v = box_breath(13_000);
        assert_eq!(
            v.breath.as_ref().unwrap().state.kind,
            crate::breath::PhaseKind::HoldOut
        );
        snap_both("breath_hold_out", &v);
    }

    #[test]
    fn reduced_motion_pacer_steps_once_a_second() {
        let v = box_breath(2_300);
        assert_snapshot!("reduced_motion_80x24", reduced(&v, 80, 24));
        assert_snapshot!("reduced_motion_40x12", reduced(&v, 40, 12));
        // Within one whole second the reduced screen does not change.
        for into in [2_001, 2_400, 2_999] {
            assert_eq!(
                reduced(&box_breath(into), 80, 24),
                reduced(&box_breath(2_000), 80, 24)
            );
        }
        assert_ne!(
            reduced(&box_breath(3_000), 80, 24),
            reduced(&box_breath(2_999), 80, 24)
        );
    }

    #[test]
    fn massage_step_with_a_breath_overlay() {
        // calm-down: "Slow arm strokes", long-exhale laid over gliding.
        let v = work("calm-down", 5, ms(31_500));
        assert!(v.breath.is_some());
        snap_both("breath_overlay", &v);
    }

    #[test]
    fn wide_characters_line_up() {
        let mut v = view_in("world", 0, SegmentKind::Work, Some(Side::Left), ms(12_000));
        // The next step's wide title ("Right side" comes first in a session).
        v.next_title = Some("休む 😌".into());
        snap_both("cjk_emoji", &v);
        let get_ready = view_in("world", 1, SegmentKind::GetReady, None, ms(1_000));
        assert_snapshot!("cjk_emoji_get_ready_40x12", screen(&get_ready, 40, 12));
    }

    #[test]
    fn control_characters_in_user_text_are_shown_escaped() {
        let mut v = work("daily-back", 0, ms(35_000));
        v.title = "Rolls\u{1b}[2J".into();
        v.routine_name = "Evil\u{9b}31m".into();
        v.latest_cue = Some("cue\u{7}".into());
        v.instructions = "a\u{1b}]0;x\u{7}b".into();
        let text = screen(&v, 80, 24);
        assert!(text.contains("Rolls\\u{1b}[2J"), "{text}");
        assert!(text.contains("Evil\\u{9b}31m"), "{text}");
        assert!(text.contains("cue\\u{7}"), "{text}");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn small_screens_keep_the_step_line_title_and_countdown() {
        let v = view_in(
            "daily-back",
            3,
            SegmentKind::Work,
            Some(Side::Right),
            ms(22_500),
        );
        for (w, h) in [(40, 12), (41, 13), (50, 12), (60, 15), (80, 12), (40, 24)] {
            let text = screen(&v, w, h);
            assert!(text.contains("Step 4 of 10"), "{w}×{h}\n{text}");
            assert!(text.contains("Ball between the"), "{w}×{h}\n{text}");
            assert!(text.contains("▀▀▀"), "big digits at {w}×{h}\n{text}");
            assert!(text.contains("space pause"), "{w}×{h}\n{text}");
        }
    }

    // --- the bytes budget ------------------------------------------------------

    fn buffer(view: &SessionView, width: u16, height: u16) -> Buffer {
        let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
        let v = plain(ScreenView::Session {
            view: view.clone(),
            confirm_quit: false,
        });
        crate::ui::draw(&mut Frame::new(&mut buffer), &v, &Theme::CALM);
        buffer
    }

    fn changed_cells(a: &Buffer, b: &Buffer) -> usize {
        a.content()
            .iter()
            .zip(b.content())
            .filter(|(x, y)| x != y)
            .count()
    }

    /// Each second of a whole massage step changes only a few cells: the
    /// countdown digit or two, a bar cell, the time left overall. A digit
    /// of the five-row font (80×24 when its rows are free) is 30 cells.
    #[test]
    fn a_second_changes_only_a_few_cells() {
        let mut worst = 0;
        for step in [0, 3] {
            let length = routine("daily-back").steps[step].duration.as_secs();
            for (w, h) in [(80, 24), (40, 12)] {
                let rows = countdown_rows(&screen(&work("daily-back", step, ms(0)), w, h));
                let most = if rows > 3 { 100 } else { 20 };
                let mut before = buffer(&work("daily-back", step, ms(0)), w, h);
                for sec in 1..length {
                    let now = buffer(&work("daily-back", step, ms(sec * 1_000)), w, h);
                    let changed = changed_cells(&before, &now);
                    // The first cue appears once; it is not a tick.
                    let cue = [20, 30, 40, 50].contains(&sec);
                    if !cue {
                        assert!(
                            changed <= most,
                            "step {step} {sec} s at {w}×{h}: {changed} cells"
                        );
                        worst = worst.max(changed);
                    }
                    before = now;
                }
            }
        }
        eprintln!("cells changed in a second: at most {worst}");
        assert!(worst >= 4, "the countdown must change: {worst}");
    }

    /// Outside the pacer a breathing step ticks just as quietly: with the
    /// pacer held still, a second changes only a few cells, at both sizes.
    #[test]
    fn a_second_of_breathing_changes_few_cells_outside_the_pacer() {
        for (w, h) in [(80, 24), (40, 12)] {
            for sec in 1..16 {
                let before = box_breath(sec * 1_000 - 1);
                let mut after = box_breath(sec * 1_000);
                after.breath = before.breath.clone();
                let changed = changed_cells(&buffer(&before, w, h), &buffer(&after, w, h));
                assert!((1..=20).contains(&changed), "{sec} s at {w}×{h}: {changed}");
            }
        }
    }

    /// At ~30 frames a second the pacer moves by a few cells a frame (its
    /// six edges); the worst frame is the one where a second also ticks.
    /// A new phase writes its words large once, four times a cycle.
    #[test]
    fn a_pacer_frame_changes_few_cells() {
        let mut worst = 0;
        let mut total = 0;
        let words = |v: &SessionView| v.breath.as_ref().map(|b| b.state.words);
        let mut was = box_breath(0);
        let mut before = buffer(&was, 80, 24);
        for frame in 1..=(16_000 / 33) {
            let view = box_breath(frame * 33);
            let now = buffer(&view, 80, 24);
            let changed = changed_cells(&before, &now);
            if words(&view) == words(&was) {
                worst = worst.max(changed);
            }
            total += changed;
            before = now;
            was = view;
        }
        eprintln!("pacer frame: at most {worst} cells, {total} over a 16 s cycle");
        assert!(worst <= 30, "{worst}");
    }

    /// What the real terminal backend writes, with colour, as each second
    /// of two whole steps ticks over, at every size of the countdown. The
    /// budget is 150 bytes a second on average; a minute rolling over (1:00
    /// to 0:59, every digit redrawn) is the worst second, and at the
    /// largest size it takes about two seconds' worth.
    #[test]
    fn bytes_written_per_second_while_counting_down() {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            let mut lean =
                crate::terminal::Lean::sized(Vec::new(), ratatui::layout::Size::new(w, h));
            let theme = Theme::CALM.on(Some(crate::ui::theme::Background::Dark));
            let mut ticks = Vec::new();
            for step in [0, 3] {
                let length = routine("daily-back").steps[step].duration.as_secs();
                for sec in 0..length {
                    let v = work("daily-back", step, ms(sec * 1_000));
                    let v = plain(ScreenView::Session {
                        view: v,
                        confirm_quit: false,
                    });
                    let mut buffer = Buffer::empty(Rect::new(0, 0, w, h));
                    crate::ui::draw(&mut Frame::new(&mut buffer), &v, &theme);
                    lean.present(&buffer, &[buffer.area]).unwrap();
                    let written = std::mem::take(lean.writer_mut());
                    // The first frame of a step and a cue appearing are not ticks.
                    if sec > 0 && ![20, 30, 40, 50].contains(&sec) {
                        ticks.push(written.len());
                    }
                }
            }
            let mean = ticks.iter().sum::<usize>() / ticks.len();
            let worst = ticks.iter().max().copied().unwrap_or_default();
            eprintln!("{w}x{h} bytes per second: mean {mean}, worst {worst}");
            assert!(
                mean <= 150 && worst <= 320,
                "{w}x{h}: mean {mean}, worst {worst}"
            );
        }
    }

    // --- any size --------------------------------------------------------------

    fn fixtures() -> Vec<SessionView> {
        vec![
            view_in(
                "daily-back",
                2,
                SegmentKind::GetReady,
                Some(Side::Left),
                ms(2_000),
            ),
            work("daily-back", 0, ms(35_000)),
            box_breath(2_000),
            box_breath(9_500),
            work("calm-down", 2, ms(31_500)),
            view_in("world", 0, SegmentKind::Work, Some(Side::Left), ms(12_000)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn any_size_draws_without_panic(
            width in 0u16..300,
            height in 0u16..100,
            which in 0usize..6,
            reduced_motion: bool,
            paused: bool,
            status in proptest::option::of("[a-z ]{0,30}"),
        ) {
            let mut view = fixtures().swap_remove(which);
            view.paused = paused;
            let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
            let mut frame = Frame::new(&mut buffer);
            let area = frame.area();
            draw(&mut frame, area, &view, reduced_motion, (status.as_deref(), &[], None), &Theme::CALM);
            let v = View {
                reduced_motion,
                status: status.clone(),
                ..plain(ScreenView::Session { view, confirm_quit: false })
            };
            render(&v, width, height);
        }
    }

    // --- helpers -----------------------------------------------------------------

    #[test]
    fn wrapping_is_by_display_width() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("肩をもむ肩をもむ", 6), ["肩をも", "む肩を", "もむ"]);
        assert_eq!(wrap("a\n\nb", 5), ["a", "", "b"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("e\u{301}e\u{301}", 1), ["e\u{301}", "e\u{301}"]);
        assert!(wrap("anything", 0).is_empty());
    }

    #[test]
    fn cutting_text_never_splits_a_wide_character() {
        assert_eq!(truncate("肩をもむ", 5), "肩を…");
        assert_eq!(truncate("肩をもむ", 8), "肩をもむ");
        assert_eq!(
            fit(vec!["one two".into(), "three".into()], 1, 20),
            ["one two…"]
        );
        assert_eq!(
            wrap_parts(
                &["Step 1 of 2".into(), "kneading".into(), "neck".into()],
                22
            ),
            ["Step 1 of 2 · kneading", "neck"]
        );
    }

    #[test]
    fn clocks() {
        assert_eq!(clock_secs(45), "0:45");
        assert_eq!(clock_secs(7200), "2:00:00");
        assert_eq!(clock_secs(632), "10:32");
    }

    #[test]
    fn the_plan_drops_the_least_important_first() {
        let parts = [
            Part::fixed(Piece::Next, 1, rank::NEXT),
            Part::new(Piece::Countdown, 1, 3, rank::ALWAYS, rank::ALWAYS).whole(),
            Part::new(Piece::Instructions, 1, 4, rank::GLANCE, rank::READ),
        ];
        assert_eq!(plan(&parts, 9), [1, 3, 4]);
        assert_eq!(plan(&parts, 6), [0, 3, 3]);
        assert_eq!(plan(&parts, 2), [0, 1, 1]);
        assert_eq!(plan(&parts, 0), [0, 0, 0]);
    }
}
