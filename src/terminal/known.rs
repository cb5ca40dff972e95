//! What the terminal is known to show, in eight bytes a cell: its symbol
//! (a character, or a number standing for a longer symbol), the cells it
//! takes, and its pen (a number standing for its colours and attributes).
//! A ratatui `Buffer` of the same screen is 48 bytes a cell, and comparing
//! one cell of it with another compares six fields and two strings: a
//! whole frame at 200×60 compares 12,000 cells.
//!
//! Compared as ratatui's own `Buffer::diff` compares the screen's previous
//! buffer with the next (`changed_in_row`), so that what a lean frame
//! writes ends up showing what ratatui's backend would show; and, apart
//! from that, which cells may be rewritten from what is known to fill a
//! short gap (`fillable`, see `Lean::fill`).

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use super::pen::Pen;

/// Symbols at and above this number are longer ones, kept in `Known::long`;
/// below it a symbol is the one character with that code.
const LONG: u32 = 0x11_0000;

/// More distinct pens or long symbols than this, and the screen is
/// forgotten and drawn afresh (the numbers start over): a hostile routine
/// cannot make the tables grow without end.
const MOST: usize = 0x4000;

/// `KnownCell::pen`'s top bit: the cell holds what was last written there,
/// a plain character that a gap may be filled with.
const FILLABLE: u16 = 0x8000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KnownCell {
    symbol: u32,
    /// The cells the symbol takes, as ratatui counts them (`cell_width`).
    width: u16,
    /// An index into `Known::pens`, and `FILLABLE`.
    pen: u16,
}

pub(super) struct Known {
    pub area: Rect,
    cells: Vec<KnownCell>,
    pens: Vec<Pen>,
    long: Vec<String>,
    /// The pen last known: the next cell's, most likely.
    last_pen: u16,
    /// A table is full: forget the screen once this frame is written.
    pub full: bool,
}

impl Known {
    /// A cleared screen: blank, in the plain pen.
    pub fn blank(area: Rect) -> Self {
        let blank = KnownCell {
            symbol: u32::from(' '),
            width: 1,
            pen: FILLABLE,
        };
        Self {
            area,
            cells: vec![blank; usize::from(area.width) * usize::from(area.height)],
            pens: vec![Pen::PLAIN],
            long: Vec::new(),
            last_pen: 0,
            full: false,
        }
    }

    /// The character and pen at `i` when it can be written again to fill
    /// a gap exactly as it shows.
    pub fn fillable(&self, i: usize) -> Option<(char, Pen)> {
        let cell = self.cells.get(i)?;
        if cell.pen & FILLABLE == 0 {
            return None;
        }
        let c = char::from_u32(cell.symbol)?;
        Some((c, self.pens[usize::from(cell.pen & !FILLABLE)]))
    }

    /// What was written at `i`: the plain character `plain`, which may fill
    /// a gap from now on, or something that cannot (`None`).
    pub fn written(&mut self, i: usize, plain: Option<char>) {
        if let Some(cell) = self.cells.get_mut(i) {
            match plain {
                Some(c) if cell.symbol == u32::from(c) => cell.pen |= FILLABLE,
                _ => cell.pen &= !FILLABLE,
            }
        }
    }

    /// The cells `from..to` can no longer fill a gap (a wide symbol
    /// covers them, and a terminal erases both halves when either is
    /// written over).
    pub fn not_fillable(&mut self, from: usize, to: usize) {
        let to = to.min(self.cells.len());
        for cell in self.cells.get_mut(from..to).unwrap_or_default() {
            cell.pen &= !FILLABLE;
        }
    }

    /// The number that stands for `symbol`, kept if it is new.
    fn symbol_of(&mut self, symbol: &str) -> u32 {
        if let Some(c) = one_char(symbol) {
            return u32::from(c);
        }
        let at = match self.long.iter().position(|s| s == symbol) {
            Some(at) => at,
            None => {
                self.full |= self.long.len() >= MOST;
                self.long.push(symbol.to_owned());
                self.long.len() - 1
            }
        };
        LONG + at as u32
    }

    /// The number that stands for `pen`, kept if it is new.
    fn pen_of(&mut self, pen: Pen) -> u16 {
        let at = match self.pens.iter().position(|&p| p == pen) {
            Some(at) => at,
            None => {
                self.full |= self.pens.len() >= MOST;
                self.pens.push(pen);
                self.pens.len() - 1
            }
        };
        at as u16
    }

    /// Know `cell` at `i`, as ratatui's previous buffer would hold it; what
    /// may fill a gap there is left to `written`.
    fn set(&mut self, i: usize, cell: &Cell) {
        let symbol = cell.symbol();
        let (code, width) = (self.symbol_of(symbol), width_of(symbol));
        let pen = Pen::of(cell);
        // Cells come in runs of one pen: the last one found is tried first.
        let pen = match self.pens.get(usize::from(self.last_pen)) {
            Some(&last) if last == pen => self.last_pen,
            _ => self.pen_of(pen),
        };
        self.last_pen = pen;
        let known = &mut self.cells[i];
        let fillable = known.pen & FILLABLE;
        let unchanged = known.symbol == code && known.pen & !FILLABLE == pen;
        *known = KnownCell {
            symbol: code,
            width,
            pen: pen | if unchanged { fillable } else { 0 },
        };
    }

    /// Whether `cell`, whose symbol is `symbol`, is what is known at `i`.
    #[inline]
    fn same(&self, i: usize, cell: &Cell, symbol: &str) -> bool {
        let known = self.cells[i];
        self.same_symbol(known.symbol, symbol)
            && self.pens[usize::from(known.pen & !FILLABLE)] == Pen::of(cell)
    }

    #[inline]
    fn same_symbol(&self, known: u32, symbol: &str) -> bool {
        match symbol.as_bytes() {
            &[b] => known == u32::from(b),
            _ if known < LONG => one_char(symbol).is_some_and(|c| u32::from(c) == known),
            _ => self.long[(known - LONG) as usize] == symbol,
        }
    }

    /// Add to `out` the index of every cell of row `y` between `from` and
    /// `to` in `next` that differs from what is known, as ratatui's own
    /// comparison of the whole screen (`Buffer::diff`) finds them: a wide
    /// character's second cell is skipped, and some cells after one are
    /// written anyway (see below); then know those cells shown. (knotless
    /// never marks cells to be skipped or forced.)
    ///
    /// `floor`: no cell left of it is compared (an earlier span of the row
    /// compared them). Returns the column the comparison reached, which a
    /// wide character can put past `to`.
    pub fn changed_in_row(
        &mut self,
        next: &Buffer,
        y: u16,
        (from, to, floor): (u16, u16, u16),
        out: &mut Vec<usize>,
    ) -> u16 {
        let row = next.index_of(next.area.x, y);
        let len = usize::from(next.area.width);
        let now = &next.content[row..row + len];
        let narrow_now = |i: usize| width_of(now[i].symbol()) == 1;
        // Start where nothing to the left reaches over: past a narrow cell in
        // both, as a comparison of the whole row would find it.
        let mut start = usize::from(from - next.area.x);
        let floor = usize::from(floor.saturating_sub(next.area.x));
        while start > floor && !(narrow_now(start - 1) && self.cells[row + start - 1].width == 1) {
            start -= 1;
        }
        let end = usize::from(to - next.area.x);
        let first = out.len();
        // Cells not compared one by one (under a wide character), known
        // shown by copying them whole.
        let mut covered = Vec::new();
        let mut i = start;
        while i < end {
            let cell = &now[i];
            let symbol = cell.symbol();
            let width = usize::from(width_of(symbol));
            if self.same(row + i, cell, symbol) {
                if width > 1 {
                    covered.push(i + 1..(i + width).min(len));
                }
                i += width.max(1);
                continue;
            }
            out.push(row + i);
            let before = self.cells[row + i];
            let before_width = usize::from(before.width);
            // Some terminals leave the second half of an emoji presentation
            // as it was: what follows it is written when it differs. Where a
            // wide character's style showed on its second half, what replaced
            // it is followed by every cell it covered.
            let (trailing, force) = if width > 1 && symbol.contains('\u{fe0f}') {
                (width, false)
            } else if width <= 1
                && before_width > 1
                && shows_on_blank(self.pens[usize::from(before.pen & !FILLABLE)])
            {
                (before_width, true)
            } else {
                if width > 1 {
                    covered.push(i + 1..(i + width).min(len));
                }
                i += width.max(1);
                continue;
            };
            let mut j = i + 1;
            let mut last = (i + trailing).min(len);
            while j < last {
                let k = j;
                j += usize::from(width_of(now[k].symbol())).max(1);
                last = last.max(j).min(len);
                if force || !self.same_symbol(self.cells[row + k].symbol, now[k].symbol()) {
                    out.push(row + k);
                }
            }
            covered.push(i + 1..last);
            i = last.max(i + 1);
        }
        // Then know them shown: the changed cells and the covered ones, not
        // the many that were already the same.
        for &k in &out[first..] {
            self.set(k, &next.content[k]);
        }
        for k in covered.into_iter().flatten() {
            self.set(row + k, &next.content[row + k]);
        }
        next.area.x + i.max(end) as u16
    }
}

/// Whether a pen shows on the blank cells a wide character covers.
fn shows_on_blank(pen: Pen) -> bool {
    use ratatui::style::{Color, Modifier};
    pen.bg != Color::Reset
        || pen.modifier.intersects(
            Modifier::REVERSED
                | Modifier::UNDERLINED
                | Modifier::SLOW_BLINK
                | Modifier::RAPID_BLINK
                | Modifier::CROSSED_OUT,
        )
}

/// The one character `symbol` is, if it is one.
fn one_char(symbol: &str) -> Option<char> {
    if let &[b] = symbol.as_bytes() {
        return Some(char::from(b));
    }
    let mut chars = symbol.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// `cell_width`, with the one-byte symbols of most cells found without a
/// call.
#[inline]
fn width_of(symbol: &str) -> u16 {
    match symbol.len() {
        1 => 1,
        _ => cell_width(symbol),
    }
}

/// The cells a symbol takes, as ratatui counts them.
fn cell_width(symbol: &str) -> u16 {
    if symbol.len() == 1 || is_block(symbol) {
        return 1;
    }
    let marks = symbol
        .chars()
        .filter(|c| matches!(c, '\u{ff9e}' | '\u{ff9f}'))
        .count();
    (symbol.width() + marks).min(usize::from(u16::MAX)) as u16
}

/// Whether `symbol` is one box-drawing or block character (U+2500 to
/// U+259F: the bars, the pacer, the large digits), one cell wide
/// everywhere: most of a frame's non-ASCII cells, spared a width lookup.
fn is_block(symbol: &str) -> bool {
    let mut chars = symbol.chars();
    matches!(
        (chars.next(), chars.next()),
        (Some('\u{2500}'..='\u{259f}'), None)
    )
}
