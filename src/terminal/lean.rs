//! The terminal as this program knows it: what it shows, its pen and its
//! cursor. `present` makes it show a frame by writing only the cells, in
//! the areas the caller says may have changed, that differ from what it
//! shows, in as few bytes as it can: a countdown writes every second for
//! minutes on end, the pacer 20 times a second, and the bytes budget
//! (bench/README.md) holds at every size.
//!
//! ratatui's crossterm backend moves the cursor to the start of every run of
//! changed cells, sets the colours of the first cell of each frame afresh
//! and resets them at the end, and hides the cursor every frame; and its
//! terminal compares every cell of the screen every frame. This model
//! compares only the areas it is given, remembers the pen and the cursor
//! between frames, moves the cursor by whichever is shortest (nothing, a
//! relative move, rewriting the few unchanged cells in between from what
//! it knows is on screen, or an absolute move), and hides the cursor only
//! once.

use std::io::{self, Write};

use crossterm::terminal;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use unicode_width::UnicodeWidthStr;

use super::known::Known;
use super::pen::Pen;

/// Unchanged cells are rewritten rather than jumped over only up to this
/// many: a longer gap is always cheaper to move across.
const LONGEST_FILL: u16 = 8;

pub struct Lean<W: Write> {
    out: W,
    /// The size to report; `None`: ask the terminal.
    fixed: Option<Size>,
    /// What the terminal shows where frames are drawn, cell for cell, as
    /// written here since the screen was last cleared; `None` when that is
    /// not known (before the first frame, after anyone else wrote).
    known: Option<Known>,
    /// The terminal's pen; `None` when unknown (before the first write, and
    /// after anything else may have written).
    pen: Option<Pen>,
    /// Where the cursor is; `None` when unknown (at the right edge a
    /// terminal may be about to wrap, and after anything it might not
    /// place as we think).
    cursor: Option<Position>,
    cursor_hidden: Option<bool>,
    /// Where ratatui takes the cursor to be after a symbol of uncertain
    /// width (see `wrote`), and whether the cell being written went there.
    drift: Option<Position>,
    drifting: bool,
    /// The terminal's width, read when the screen is cleared.
    width: Option<u16>,
    /// Scratch space kept from frame to frame: escape sequences, and the
    /// cells a frame changes.
    bytes: Vec<u8>,
    spare: Vec<u8>,
    changes: Vec<usize>,
    spans: Vec<(u16, u16, u16)>,
    keys: Vec<u64>,
}

impl<W: Write> Lean<W> {
    /// Writes to `out`, the terminal on standard output.
    pub fn new(out: W) -> Self {
        Self {
            out,
            fixed: None,
            known: None,
            pen: None,
            cursor: None,
            cursor_hidden: None,
            drift: None,
            drifting: false,
            width: None,
            bytes: Vec::new(),
            spare: Vec::new(),
            changes: Vec::new(),
            spans: Vec::new(),
            keys: Vec::new(),
        }
    }

    /// Writes to `out` as if it were a terminal of `size` (tests and
    /// measurements).
    #[cfg(test)]
    pub fn sized(out: W, size: Size) -> Self {
        Self {
            fixed: Some(size),
            ..Self::new(out)
        }
    }

    #[cfg(test)]
    pub fn writer(&self) -> &W {
        &self.out
    }

    #[cfg(test)]
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// The terminal's size (not capped).
    pub fn size(&self) -> io::Result<Size> {
        match self.fixed {
            Some(size) => Ok(size),
            None => terminal_size(),
        }
    }

    /// Make the terminal show `frame`, rewriting only cells within `dirty`
    /// (everything else is taken to be as last presented). On a terminal
    /// whose content is not known, or a frame of another size, the screen
    /// is cleared and the whole frame written.
    pub fn present(&mut self, frame: &Buffer, dirty: &[Rect]) -> io::Result<()> {
        self.bytes.clear();
        let whole = [frame.area];
        let dirty = match &self.known {
            Some(known) if known.area == frame.area => dirty,
            _ => {
                self.clear_screen(frame.area);
                &whole[..]
            }
        };
        let Some(mut known) = self.known.take() else {
            return Ok(());
        };
        let mut changes = std::mem::take(&mut self.changes);
        changes.clear();
        // Where the last span's comparison reached in its row: a span to
        // its right starts no further left.
        let mut reached = (u16::MAX, 0);
        let mut spans = std::mem::take(&mut self.spans);
        row_spans(frame.area, dirty, &mut spans);
        for &(y, from, to) in &spans {
            let floor = if reached.0 == y {
                reached.1
            } else {
                frame.area.x
            };
            let end = known.changed_in_row(frame, y, (from.max(floor), to, floor), &mut changes);
            reached = (y, end);
        }
        self.spans = spans;
        self.known = Some(known);
        by_pen(&mut changes, frame, self.pen, &mut self.keys);
        for &i in &changes {
            let (x, y) = frame.pos_of(i);
            let cell = &frame.content[i];
            self.go_to(x, y);
            self.set_pen(Pen::of(cell));
            self.bytes.extend_from_slice(cell.symbol().as_bytes());
            self.wrote(i, (x, y), cell);
        }
        if self.cursor_hidden != Some(true) {
            self.bytes.extend_from_slice(b"\x1b[?25l");
            self.cursor_hidden = Some(true);
        }
        self.changes = changes;
        // A table of what is known filled up (a hostile routine): the
        // next frame starts afresh.
        if self.known.as_ref().is_some_and(|k| k.full) {
            self.forget();
        }
        self.out.write_all(&self.bytes)?;
        self.out.flush()
    }

    /// Add to `bytes` what clears the screen (with the plain pen: erasing
    /// fills with the pen's background), and know it blank from here.
    fn clear_screen(&mut self, area: Rect) {
        self.forget();
        self.set_pen(Pen::PLAIN);
        self.bytes.extend_from_slice(b"\x1b[2J");
        let size = self.size().unwrap_or(Size::new(area.width, area.height));
        self.width = Some(size.width);
        self.known = Some(Known::blank(area));
    }

    /// Forget everything known about the terminal: something else may have
    /// written to it (an editor, the shell after a suspend). The next frame
    /// clears it and is written whole.
    pub fn forget(&mut self) {
        self.known = None;
        self.pen = None;
        self.cursor = None;
        self.cursor_hidden = None;
        self.drift = None;
    }

    /// Add to `bytes` what it takes to write with `pen`.
    fn set_pen(&mut self, pen: Pen) {
        pen.write_sgr(self.pen, &mut self.bytes, &mut self.spare);
        self.pen = Some(pen);
    }

    /// Add to `bytes` what puts the cursor at (`x`, `y`), in the fewest
    /// bytes. The lengths are counted before anything is written: this
    /// runs for most cells a short frame changes.
    fn go_to(&mut self, x: u16, y: u16) {
        let to = Position::new(x, y);
        if self.cursor.is_none() && std::mem::take(&mut self.drift) == Some(to) {
            self.drifting = true;
            return;
        }
        let Some(at) = self.cursor.filter(|&at| at != to) else {
            if self.cursor != Some(to) {
                absolute(to, &mut self.bytes);
            }
            self.cursor = Some(to);
            return;
        };
        let (jump, step) = (absolute_len(to), relative_len(at, to));
        let best = jump.min(step);
        self.cursor = Some(to);
        if at.y == y && x > at.x && x - at.x <= LONGEST_FILL {
            self.spare.clear();
            if self.fill(at.x, x, y) && self.spare.len() <= best {
                self.bytes.extend_from_slice(&self.spare);
                return;
            }
        }
        match step < jump {
            true => relative(at, to, &mut self.bytes),
            false => absolute(to, &mut self.bytes),
        }
    }

    /// Put into `spare` the bytes that rewrite cells `from..to` of row `y`
    /// exactly as they are, with the current pen; `false` when that cannot
    /// be done (not known, another style, a wide or combined character).
    fn fill(&mut self, from: u16, to: u16, y: u16) -> bool {
        let (Some(known), Some(pen)) = (self.known.as_ref(), self.pen) else {
            return false;
        };
        let area = known.area;
        if !(area.top()..area.bottom()).contains(&y) || from < area.left() || to > area.right() {
            return false;
        }
        let row = usize::from(y - area.y) * usize::from(area.width);
        for x in from..to {
            match known.fillable(row + usize::from(x - area.x)) {
                Some((c, was)) if pen.draws_alike(c, was) => {
                    let mut utf8 = [0; 4];
                    self.spare
                        .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                }
                _ => return false,
            }
        }
        true
    }

    /// Remember `cell`, at index `i` and (`x`, `y`), and where the cursor
    /// went.
    fn wrote(&mut self, i: usize, (x, y): (u16, u16), cell: &Cell) {
        let symbol = cell.symbol();
        let plain = plain_char(symbol);
        let width = match plain {
            Some(_) => 1,
            None => certain_width(symbol),
        };
        let sure = width > 0 && !std::mem::take(&mut self.drifting);
        let right = self.width.unwrap_or(0);
        self.cursor = match width {
            _ if !sure => None,
            // At the right edge a terminal waits to wrap; a relative move
            // from there is not reliable.
            w if x + w >= right => None,
            w => Some(Position::new(x + w, y)),
        };
        // After a symbol whose width terminals disagree on (an emoji with
        // a variation selector, a combining mark), the next cell, when it
        // is the very next one, is written where the terminal left the
        // cursor, as ratatui's own backend does: moving there could land
        // on the emoji's second half and erase it.
        self.drift = (!sure).then(|| Position::new(x.saturating_add(1), y));
        if width == 0 && symbol.chars().any(char::is_control) {
            // Whatever a control character did, the pen may be different.
            self.pen = None;
        }
        if let Some(known) = self.known.as_mut() {
            known.written(i, plain);
            if plain.is_none() {
                // A wide symbol covers the cells after it, and a terminal
                // erases both halves when either is written over: those
                // cells can no longer fill a gap.
                let row_end = i - usize::from(x - known.area.x) + usize::from(known.area.width);
                let covers = symbol.width().max(2);
                known.not_fillable(i + 1, (i + covers).min(row_end));
            }
        }
    }
}

/// Each row that `dirty` touches, with the columns it touches there: one
/// span for each run of overlapping or touching areas, left to right (the
/// pacer's shape changes at its two edges, and the cells between them are
/// not compared), rows top to bottom.
fn row_spans(area: Rect, dirty: &[Rect], spans: &mut Vec<(u16, u16, u16)>) {
    spans.clear();
    for d in dirty.iter().map(|d| d.intersection(area)) {
        spans.extend((d.top()..d.bottom()).map(|y| (y, d.left(), d.right())));
    }
    spans.sort_unstable();
    // Merged in place: `kept` spans are done.
    let mut kept: usize = 0;
    for i in 0..spans.len() {
        let (y, from, to) = spans[i];
        match kept.checked_sub(1).map(|k| &mut spans[k]) {
            Some((row, _, end)) if *row == y && from <= *end => *end = (*end).max(to),
            _ => {
                spans[kept] = (y, from, to);
                kept += 1;
            }
        }
    }
    spans.truncate(kept);
}

/// The terminal's size. Asked of standard output directly it is one system
/// call, where crossterm opens `/dev/tty`, asks, and closes it again.
#[cfg(unix)]
fn terminal_size() -> io::Result<Size> {
    // SAFETY: TIOCGWINSZ fills the winsize it is given, and nothing else.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let asked = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    if asked == 0 && size.ws_col > 0 && size.ws_row > 0 {
        return Ok(Size::new(size.ws_col, size.ws_row));
    }
    terminal::size().map(|(w, h)| Size::new(w, h))
}

#[cfg(not(unix))]
fn terminal_size() -> io::Result<Size> {
    terminal::size().map(|(w, h)| Size::new(w, h))
}

/// The one character of `symbol` when it is one cell wide and nothing
/// more: after it, where the cursor is is certain.
fn plain_char(symbol: &str) -> Option<char> {
    // Most cells: printable ASCII, or a block the width of one cell.
    if let &[b @ b' '..=b'~'] = symbol.as_bytes() {
        return Some(char::from(b));
    }
    let mut chars = symbol.chars();
    match (chars.next(), chars.next()) {
        (Some(c @ '\u{2500}'..='\u{259f}'), None) => Some(c),
        (Some(c), None) if !c.is_control() && symbol.width() == 1 => Some(c),
        _ => None,
    }
}

/// How far the cursor moves over `symbol`: one cell for a plain character,
/// two for a single wide one, as ratatui assumes; 0 for anything less plain
/// (several code points, a control character), where terminals differ.
fn certain_width(symbol: &str) -> u16 {
    match plain_char(symbol) {
        Some(_) => 1,
        None if symbol.chars().count() == 1 && symbol.width() == 2 => 2,
        None => 0,
    }
}

fn absolute(to: Position, out: &mut Vec<u8>) {
    out.extend_from_slice(b"\x1b[");
    number(u32::from(to.y) + 1, out);
    out.push(b';');
    number(u32::from(to.x) + 1, out);
    out.push(b'H');
}

/// The bytes `absolute` writes.
fn absolute_len(to: Position) -> usize {
    4 + digits(u32::from(to.y) + 1) + digits(u32::from(to.x) + 1)
}

/// `n` in decimal, without the formatting machinery: cursor moves and
/// colours are most of what a short frame writes.
pub(super) fn number(n: u32, out: &mut Vec<u8>) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// How many decimal digits `n` has.
fn digits(n: u32) -> usize {
    n.checked_ilog10().unwrap_or(0) as usize + 1
}

/// In raw mode on Unix (no output processing) a line feed only moves the
/// cursor down, in one byte. A Windows console may return to the first
/// column as well, so there the escape sequence is used.
const LINE_FEED_MOVES_DOWN: bool = cfg!(unix);

/// Cursor up/down, then left/right, from `at`, in the fewest bytes: a few
/// line feeds or backspaces are shorter than an escape sequence.
fn relative(at: Position, to: Position, out: &mut Vec<u8>) {
    for (n, code, short) in relative_steps(at, to) {
        match (n, short) {
            (0, _) => {}
            (1..=3, Some(c)) => out.extend(std::iter::repeat_n(c, usize::from(n))),
            (1, None) => out.extend_from_slice(&[0x1b, b'[', code]),
            (n, _) => {
                out.extend_from_slice(b"\x1b[");
                number(u32::from(n), out);
                out.push(code);
            }
        }
    }
}

/// The bytes `relative` writes.
fn relative_len(at: Position, to: Position) -> usize {
    relative_steps(at, to)
        .into_iter()
        .map(|(n, _, short)| match (n, short) {
            (0, _) => 0,
            (1..=3, Some(_)) => usize::from(n),
            (1, None) => 3,
            (n, _) => 3 + digits(u32::from(n)),
        })
        .sum()
}

/// The vertical move, then the horizontal one, from `at` to `to`: how
/// far, the escape sequence's final byte, and the one-byte move that
/// does a step of it, if there is one.
fn relative_steps(at: Position, to: Position) -> [(u16, u8, Option<u8>); 2] {
    let vertical = match to.y > at.y {
        true => (to.y - at.y, b'B', LINE_FEED_MOVES_DOWN.then_some(b'\n')),
        false => (at.y - to.y, b'A', None),
    };
    let horizontal = match to.x > at.x {
        true => (to.x - at.x, b'C', None),
        false => (at.x - to.x, b'D', Some(0x08)),
    };
    [vertical, horizontal]
}

/// The cells at `changes` (indices into `frame`) reordered so that each
/// pen's cells are written together, those in the pen the terminal has
/// already first: a countdown's second writes its colour once, not once a
/// run. Within a pen, cells keep their order, so the cursor mostly moves
/// forward and down. A frame with a symbol of uncertain width keeps the
/// screen's order (see `wrote`).
fn by_pen(changes: &mut [usize], frame: &Buffer, current: Option<Pen>, keys: &mut Vec<u64>) {
    let cell = |i: usize| &frame.content[i];
    if changes
        .iter()
        .any(|&i| certain_width(cell(i).symbol()) == 0)
    {
        return;
    }
    // The pens in the order first met (the terminal's own first): a few
    // at most, so looked up in a small array, nothing allocated.
    let mut pens = [current; PENS_SORTED];
    let mut count = usize::from(current.is_some());
    for &i in changes.iter() {
        let pen = Some(Pen::of(cell(i)));
        if !pens[..count].contains(&pen) {
            if count == PENS_SORTED {
                return;
            }
            pens[count] = pen;
            count += 1;
        }
    }
    if count > 1 {
        // Each cell's pen looked up once, its rank kept above its index:
        // sorting the numbers keeps screen order within a pen.
        keys.clear();
        keys.extend(changes.iter().map(|&i| {
            let rank = pens[..count]
                .iter()
                .position(|&p| p == Some(Pen::of(cell(i))))
                .unwrap_or(count);
            (rank as u64) << 32 | i as u64
        }));
        keys.sort_unstable();
        for (i, key) in changes.iter_mut().zip(keys.iter()) {
            *i = (key & u64::from(u32::MAX)) as usize;
        }
    }
}

/// A frame with more pens than this among its changes keeps the screen's
/// order: a whole frame, which sets each pen a few times either way.
const PENS_SORTED: usize = 32;

#[cfg(test)]
pub(crate) mod tests {
    use ratatui::style::{Color, Style};

    use super::*;

    const W: u16 = 12;
    const H: u16 = 5;

    fn lean() -> Lean<Vec<u8>> {
        Lean::sized(Vec::new(), Size::new(W, H))
    }

    /// Two terminals show the same: the same characters, and every colour
    /// and attribute that can be seen.
    pub(crate) fn assert_alike(got: &vt100::Screen, want: &vt100::Screen) {
        let (h, w) = want.size();
        assert_eq!(got.size(), (h, w), "screen size");
        for y in 0..h {
            for x in 0..w {
                let (g, w) = (got.cell(y, x).unwrap(), want.cell(y, x).unwrap());
                let blank = |c: &vt100::Cell| {
                    matches!(c.contents(), "" | " ") && !c.underline() && !c.inverse()
                };
                let at = format!("({x},{y})");
                assert_eq!(g.contents().trim(), w.contents().trim(), "{at}");
                assert_eq!(g.is_wide(), w.is_wide(), "{at}");
                assert_eq!(g.bgcolor(), w.bgcolor(), "{at} background");
                assert_eq!(
                    (g.underline(), g.inverse()),
                    (w.underline(), w.inverse()),
                    "{at}"
                );
                // The foreground, boldness and slant of a blank cell cannot
                // be seen.
                if !blank(w) {
                    assert_eq!(g.fgcolor(), w.fgcolor(), "{at} foreground");
                    assert_eq!((g.bold(), g.italic()), (w.bold(), w.italic()), "{at}");
                }
            }
        }
    }

    /// Against ratatui's own crossterm backend. (Unix only: on Windows
    /// that backend asks the console itself, and tests have none.)
    #[cfg(unix)]
    mod against_ratatui {
        use proptest::prelude::*;
        use ratatui::Terminal;
        use ratatui::backend::CrosstermBackend;
        use ratatui::style::{Color, Modifier, Style};

        use super::*;

        /// What ratatui's own backend writes.
        #[derive(Clone, Default)]
        struct Tap(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

        impl std::io::Write for Tap {
            fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }

        const SYMBOLS: &[&str] = &[
            "a",
            " ",
            "█",
            "▀",
            "━",
            "  ",
            "ab",
            "界",
            "12:05",
            "·",
            "e\u{301}",
            "❤\u{fe0f}",
            "😀",
        ];
        const COLORS: &[Color] = &[
            Color::Reset,
            Color::Red,
            Color::DarkGray,
            Color::Indexed(109),
            Color::Rgb(143, 188, 187),
        ];
        const MODIFIERS: &[Modifier] = &[
            Modifier::empty(),
            Modifier::BOLD,
            Modifier::ITALIC,
            Modifier::UNDERLINED,
            Modifier::REVERSED,
            Modifier::BOLD.union(Modifier::ITALIC),
            Modifier::UNDERLINED.union(Modifier::REVERSED),
        ];

        type Write = (u16, u16, usize, usize, usize, usize);

        fn write() -> impl Strategy<Value = Write> {
            (
                0..W,
                0..H,
                0..SYMBOLS.len(),
                0..COLORS.len(),
                0..COLORS.len(),
                0..MODIFIERS.len(),
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]
            /// Frame after frame of random changes, presented lean with only
            /// the areas written to named as changed, leave on the terminal
            /// exactly what ratatui's own crossterm backend leaves when it
            /// compares the whole screen.
            #[test]
            fn lean_frames_show_what_ratatuis_backend_shows(
                frames in prop::collection::vec(prop::collection::vec(write(), 0..12), 1..8),
            ) {
                let mut lean = lean();
                let tap = Tap::default();
                let mut reference = Terminal::new(CrosstermBackend::new(tap.clone())).unwrap();
                let mut model = Buffer::empty(Rect::new(0, 0, W, H));
                let mut screen = vt100::Parser::new(H, W, 0);
                let mut want = vt100::Parser::new(H, W, 0);
                for frame in frames {
                    let mut dirty = Vec::new();
                    for (x, y, s, fg, bg, m) in frame {
                        let style = Style::new()
                            .fg(COLORS[fg])
                            .bg(COLORS[bg])
                            .add_modifier(MODIFIERS[m]);
                        model.set_string(x, y, SYMBOLS[s], style);
                        dirty.push(Rect::new(x, y, W - x, 1));
                    }
                    lean.present(&model, &dirty).unwrap();
                    screen.process(&std::mem::take(lean.writer_mut()));
                    reference
                        .draw(|f| f.buffer_mut().merge(&model))
                        .unwrap();
                    want.process(&std::mem::take(&mut *tap.0.borrow_mut()));
                    assert_alike(screen.screen(), want.screen());
                }
            }
        }

        proptest! {
            /// The cursor move chosen by counting bytes is the one that is
            /// shortest when written: the counts are the written lengths.
            #[test]
            fn moves_are_counted_as_they_are_written(
                (ax, ay, tx, ty) in (0..1200u16, 0..1200u16, 0..1200u16, 0..1200u16),
            ) {
                let (at, to) = (Position::new(ax, ay), Position::new(tx, ty));
                let (mut a, mut r) = (Vec::new(), Vec::new());
                absolute(to, &mut a);
                relative(at, to, &mut r);
                prop_assert_eq!(absolute_len(to), a.len());
                prop_assert_eq!(relative_len(at, to), r.len());
            }
        }

        /// Frames of (x, y, text) in the plain style, through both backends.
        fn both(frames: &[&[(u16, u16, &str)]]) -> (vt100::Parser, vt100::Parser) {
            let mut lean = lean();
            let tap = Tap::default();
            let mut reference = Terminal::new(CrosstermBackend::new(tap.clone())).unwrap();
            let mut model = Buffer::empty(Rect::new(0, 0, W, H));
            let (mut got, mut want) = (vt100::Parser::new(H, W, 0), vt100::Parser::new(H, W, 0));
            for frame in frames {
                for &(x, y, text) in frame.iter() {
                    model.set_string(x, y, text, Style::new());
                }
                lean.present(&model, &[model.area]).unwrap();
                got.process(&std::mem::take(lean.writer_mut()));
                reference.draw(|f| f.buffer_mut().merge(&model)).unwrap();
                want.process(&std::mem::take(&mut *tap.0.borrow_mut()));
            }
            (got, want)
        }

        /// A wide character's second cell is not known after it is written
        /// over: a gap is never refilled from what was there before it.
        #[test]
        fn a_gap_is_never_filled_from_under_a_wide_character() {
            let (got, want) = both(&[
                &[(4, 0, "abc")],
                &[(4, 0, "界")],
                &[(4, 0, "a")],
                &[(7, 0, "d")],
            ]);
            assert_alike(got.screen(), want.screen());
            let (got, want) = both(&[
                &[(0, 0, "abcd")],
                &[(1, 0, "界")],
                &[(0, 0, "界")],
                &[(3, 0, "x")],
            ]);
            assert_alike(got.screen(), want.screen());
        }
    }

    /// After an emoji with a variation selector, whose width terminals
    /// disagree on, the next cell is written where the cursor was left, as
    /// ratatui's backend writes it: a move could erase the emoji's second
    /// half in a terminal that draws it two cells wide.
    #[test]
    fn the_cell_after_an_emoji_is_written_without_a_move() {
        let mut lean = lean();
        let mut model = Buffer::empty(Rect::new(0, 0, W, H));
        model.set_string(2, 1, "❤\u{fe0f}", Style::new());
        model.set_string(3, 1, "x", Style::new());
        lean.present(&model, &[model.area]).unwrap();
        let written = String::from_utf8(lean.writer().clone()).unwrap();
        assert!(written.contains("❤\u{fe0f}x"), "{written:?}");
    }

    /// A frame is on the terminal at once, its clear included: left in the
    /// buffer, a clear could reach the shell's screen after the terminal
    /// is given back.
    #[test]
    fn a_frame_is_written_at_once_and_starts_with_a_clear() {
        let mut lean = Lean::sized(std::io::BufWriter::new(Vec::new()), Size::new(W, H));
        let model = Buffer::empty(Rect::new(0, 0, W, H));
        lean.present(&model, &[]).unwrap();
        assert_eq!(lean.writer().buffer(), b"");
        assert_eq!(lean.writer().get_ref(), b"\x1b[0m\x1b[2J\x1b[?25l");
    }

    /// One digit's rows changing, as a countdown does every second: with
    /// the pen and cursor remembered, no colour is set again and rows are
    /// reached with short relative moves.
    #[test]
    fn a_second_ticking_costs_few_bytes() {
        let teal = Style::new().fg(Color::Rgb(143, 188, 187));
        let mut lean = lean();
        let mut model = Buffer::empty(Rect::new(0, 0, W, H));
        let mut written = Vec::new();
        for digit in [["█▀█", "█ █", "▀▀▀"], ["▀▀█", "  █", "  ▀"]] {
            for (row, line) in digit.iter().enumerate() {
                model.set_string(4, row as u16 + 1, line, teal);
            }
            lean.present(&model, &[Rect::new(4, 1, 3, 3)]).unwrap();
            written.push(std::mem::take(lean.writer_mut()));
        }
        let tick = String::from_utf8(written[1].clone()).unwrap();
        assert!(!tick.contains("38;2"), "no colour set again: {tick:?}");
        assert!(!tick.contains("?25l"), "the cursor stays hidden: {tick:?}");
        assert!(tick.len() <= 30, "{} bytes: {tick:?}", tick.len());
    }

    /// Only the areas named are compared: a change elsewhere waits for a
    /// frame that names it (the caller knows what moved).
    #[test]
    fn only_the_dirty_areas_are_written() {
        let mut lean = lean();
        let mut model = Buffer::empty(Rect::new(0, 0, W, H));
        lean.present(&model, &[]).unwrap();
        lean.writer_mut().clear();
        model.set_string(0, 0, "a", Style::new());
        model.set_string(0, 3, "b", Style::new());
        lean.present(&model, &[Rect::new(0, 3, W, 1)]).unwrap();
        let written = String::from_utf8(std::mem::take(lean.writer_mut())).unwrap();
        assert!(
            written.contains('b') && !written.contains('a'),
            "{written:?}"
        );
        lean.present(&model, &[model.area]).unwrap();
        let written = String::from_utf8(std::mem::take(lean.writer_mut())).unwrap();
        assert!(
            written.ends_with('a') && !written.contains('b'),
            "{written:?}"
        );
    }

    /// A screen of more distinct symbols than what is known keeps numbers
    /// for (a hostile routine's) is written, then forgotten: the next frame
    /// clears the screen and is written whole, and the tables start over.
    #[test]
    fn too_many_distinct_symbols_start_the_screen_afresh() {
        let (w, h) = (200, 100);
        let mut lean = Lean::sized(Vec::new(), Size::new(w, h));
        let mut model = Buffer::empty(Rect::new(0, 0, w, h));
        for (i, cell) in model.content.iter_mut().enumerate() {
            cell.set_symbol(&format!("{}", i + 10));
        }
        lean.present(&model, &[model.area]).unwrap();
        let first = String::from_utf8(std::mem::take(lean.writer_mut())).unwrap();
        assert!(first.len() > 20_000, "the frame is written whole");
        lean.present(&model, &[]).unwrap();
        let next = String::from_utf8(std::mem::take(lean.writer_mut())).unwrap();
        assert!(next.starts_with("\x1b[0m\x1b[2J"), "{:?}", next.get(..20));
        assert_eq!(next.len(), first.len());
    }

    /// After something else wrote to the terminal, the next frame clears
    /// the screen with the plain pen and is written whole.
    #[test]
    fn a_forgotten_screen_is_cleared_with_the_plain_pen() {
        let mut lean = lean();
        let mut model = Buffer::empty(Rect::new(0, 0, W, H));
        model[(0, 0)].set_symbol("x").set_bg(Color::Red);
        lean.present(&model, &[model.area]).unwrap();
        lean.writer_mut().clear();
        lean.forget();
        lean.present(&model, &[]).unwrap();
        let written = String::from_utf8(std::mem::take(lean.writer_mut())).unwrap();
        assert!(written.starts_with("\x1b[0m\x1b[2J"), "{written:?}");
        assert!(written.contains('x'), "{written:?}");
    }
}
