//! The backend for the real terminal: it writes each frame in as few bytes
//! as it can, because a countdown writes every second for minutes on end
//! and the bytes budget (PRODUCT.md section 9) holds at every size.
//!
//! ratatui's crossterm backend moves the cursor to the start of every run of
//! changed cells, sets the colours of the first cell of each frame afresh
//! and resets them at the end, and hides the cursor every frame. This one
//! remembers the pen and the cursor between frames, moves the cursor by
//! whichever is shortest (nothing, a relative move, rewriting the few
//! unchanged cells in between from what it knows is on screen, or an
//! absolute move), and hides the cursor only once.

use std::io::{self, Write};

use crossterm::terminal;
use ratatui::backend::{ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use unicode_width::UnicodeWidthStr;

use super::pen::Pen;

/// Unchanged cells are rewritten rather than jumped over only up to this
/// many: a longer gap is always cheaper to move across.
const LONGEST_FILL: u16 = 8;

pub struct Lean<W: Write> {
    out: W,
    /// The size to report; `None`: ask the terminal.
    fixed: Option<Size>,
    /// What the terminal shows, as written by this backend since the
    /// screen was last cleared. `None` when that is not known.
    shown: Option<Shown>,
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
    /// The terminal's width, read when the screen is cleared (ratatui
    /// clears it after every resize).
    width: Option<u16>,
    /// Scratch space for escape sequences, kept from frame to frame.
    bytes: Vec<u8>,
    spare: Vec<u8>,
}

/// The screen as far as rewriting a gap needs it: one plain character and
/// its pen a cell, or `None` where a cell cannot simply be rewritten (a wide
/// or combined character, or unknown).
struct Shown {
    width: u16,
    cells: Vec<Option<(char, Pen)>>,
}

impl Shown {
    /// A cleared screen of `size`: blank, in the plain pen.
    fn blank(size: Size) -> Self {
        let (w, h) = (
            size.width.min(super::MAX_WIDTH),
            size.height.min(super::MAX_HEIGHT),
        );
        Self {
            width: w,
            cells: vec![Some((' ', Pen::PLAIN)); usize::from(w) * usize::from(h)],
        }
    }

    fn index(&self, x: u16, y: u16) -> Option<usize> {
        let i = usize::from(y) * usize::from(self.width) + usize::from(x);
        (x < self.width && i < self.cells.len()).then_some(i)
    }
}

impl<W: Write> Lean<W> {
    /// Writes to `out`, the terminal on standard output.
    pub fn new(out: W) -> Self {
        Self {
            out,
            fixed: None,
            shown: None,
            pen: None,
            cursor: None,
            cursor_hidden: None,
            drift: None,
            drifting: false,
            width: None,
            bytes: Vec::new(),
            spare: Vec::new(),
        }
    }

    /// Writes to `out` as if it were a terminal of `size` (tests and
    /// measurements).
    pub fn sized(out: W, size: Size) -> Self {
        Self {
            fixed: Some(size),
            ..Self::new(out)
        }
    }

    pub fn writer(&self) -> &W {
        &self.out
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Forget everything known about the terminal: something else may have
    /// written to it.
    fn forget(&mut self) {
        self.shown = None;
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
    /// bytes.
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
        let start = self.bytes.len();
        absolute(to, &mut self.bytes);
        let jump = self.bytes.len() - start;
        self.spare.clear();
        relative(at, to, &mut self.spare);
        if self.spare.len() < jump {
            self.bytes.truncate(start);
            self.bytes.extend_from_slice(&self.spare);
        }
        let best = self.bytes.len() - start;
        if at.y == y && x > at.x && x - at.x <= LONGEST_FILL {
            self.spare.clear();
            if self.fill(at.x, x, y) && self.spare.len() <= best {
                self.bytes.truncate(start);
                self.bytes.extend_from_slice(&self.spare);
            }
        }
        self.cursor = Some(to);
    }

    /// Put into `spare` the bytes that rewrite cells `from..to` of row `y`
    /// exactly as they are, with the current pen; `false` when that cannot
    /// be done (not known, another style, a wide or combined character).
    fn fill(&mut self, from: u16, to: u16, y: u16) -> bool {
        let (Some(shown), Some(pen)) = (self.shown.as_ref(), self.pen) else {
            return false;
        };
        for x in from..to {
            match shown.index(x, y).and_then(|i| shown.cells[i]) {
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

    /// Remember `cell` at (`x`, `y`) and where the cursor went.
    fn wrote(&mut self, x: u16, y: u16, cell: &Cell) {
        let symbol = cell.symbol();
        let plain = plain_char(symbol);
        let width = certain_width(symbol);
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
        if let Some(shown) = self.shown.as_mut() {
            match shown.index(x, y) {
                Some(i) => {
                    shown.cells[i] = plain.map(|c| (c, Pen::of(cell)));
                    if plain.is_none() {
                        // A wide symbol covers the cells after it, and a
                        // terminal erases both halves when either is
                        // written over: those cells are no longer known.
                        let row_end = i - usize::from(x) + usize::from(shown.width);
                        let covers = symbol.width().max(2);
                        for unknown in &mut shown.cells[i + 1..(i + covers).min(row_end)] {
                            *unknown = None;
                        }
                    }
                }
                // Drawn outside what is known: the rest is not to be trusted.
                None => self.shown = None,
            }
        }
    }

    fn size_now(&self) -> Size {
        self.fixed
            .or_else(|| terminal_size().ok())
            .unwrap_or(Size::new(u16::MAX, u16::MAX))
    }
}

/// The terminal's size. ratatui asks before every frame: asked of standard
/// output directly it is one system call, where crossterm opens `/dev/tty`,
/// asks, and closes it again.
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
    let mut chars = symbol.chars();
    match (chars.next(), chars.next()) {
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
    // Writing to a Vec cannot fail.
    let _ = write!(out, "\x1b[{};{}H", u32::from(to.y) + 1, u32::from(to.x) + 1);
}

/// In raw mode on Unix (no output processing) a line feed only moves the
/// cursor down, in one byte. A Windows console may return to the first
/// column as well, so there the escape sequence is used.
const LINE_FEED_MOVES_DOWN: bool = cfg!(unix);

/// Cursor up/down, then left/right, from `at`, in the fewest bytes: a few
/// line feeds or backspaces are shorter than an escape sequence.
fn relative(at: Position, to: Position, out: &mut Vec<u8>) {
    let mut step = |n: u16, code: char, short: Option<u8>| match (n, short) {
        (0, _) => {}
        (1..=3, Some(c)) => out.extend(std::iter::repeat_n(c, usize::from(n))),
        (1, None) => {
            let _ = write!(out, "\x1b[{code}");
        }
        (n, _) => {
            let _ = write!(out, "\x1b[{n}{code}");
        }
    };
    if to.y > at.y {
        step(to.y - at.y, 'B', LINE_FEED_MOVES_DOWN.then_some(b'\n'));
    } else {
        step(at.y - to.y, 'A', None);
    }
    if to.x > at.x {
        step(to.x - at.x, 'C', None);
    } else {
        step(at.x - to.x, 'D', Some(0x08));
    }
}

/// `cells` reordered so that each pen's cells are written together, those
/// in the pen the terminal has already first: a countdown's second writes
/// its colour once, not once a run. Within a pen, cells keep their order,
/// so the cursor mostly moves forward and down. A frame with a symbol of
/// uncertain width keeps ratatui's order (see `wrote`).
fn by_pen(cells: &mut [(u16, u16, &Cell)], current: Option<Pen>) {
    if cells
        .iter()
        .any(|(_, _, cell)| certain_width(cell.symbol()) == 0)
    {
        return;
    }
    let mut pens: Vec<Pen> = current.into_iter().collect();
    for &(_, _, cell) in cells.iter() {
        let pen = Pen::of(cell);
        if !pens.contains(&pen) {
            pens.push(pen);
        }
    }
    if pens.len() > 1 {
        cells.sort_by_cached_key(|&(_, _, cell)| pens.iter().position(|&p| p == Pen::of(cell)));
    }
}

impl<W: Write> ratatui::backend::Backend for Lean<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        if self.width.is_none() {
            self.width = Some(self.size_now().width);
        }
        let mut cells: Vec<_> = content.collect();
        by_pen(&mut cells, self.pen);
        self.bytes.clear();
        for (x, y, cell) in cells {
            self.go_to(x, y);
            self.set_pen(Pen::of(cell));
            self.bytes.extend_from_slice(cell.symbol().as_bytes());
            self.wrote(x, y, cell);
        }
        self.out.write_all(&self.bytes)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden != Some(true) {
            self.out.write_all(b"\x1b[?25l")?;
            self.cursor_hidden = Some(true);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_hidden != Some(false) {
            self.out.write_all(b"\x1b[?25h")?;
            self.cursor_hidden = Some(false);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.out.flush()?;
        let (x, y) = crossterm::cursor::position()?;
        Ok(Position::new(x, y))
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        self.bytes.clear();
        self.go_to(x, y);
        self.out.write_all(&self.bytes)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Erasing fills with the pen's background: erase with the plain one.
        // Whatever happened to the terminal before (a suspend, an editor),
        // after a clear everything is written afresh.
        let erase: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.forget();
        self.bytes.clear();
        self.set_pen(Pen::PLAIN);
        self.bytes.extend_from_slice(erase);
        self.out.write_all(&self.bytes)?;
        if matches!(clear_type, ClearType::All) {
            let size = self.size_now();
            self.width = Some(size.width);
            self.shown = Some(Shown::blank(size));
        }
        // Now, as ratatui's own backend does: left in the buffer, a clear
        // could reach the shell's screen after the terminal is given back
        // (a panic while drawing, say), erasing what is there.
        self.out.flush()
    }

    fn size(&self) -> io::Result<Size> {
        match self.fixed {
            Some(size) => Ok(size),
            None => terminal_size(),
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        match self.fixed {
            Some(size) => Ok(WindowSize {
                columns_rows: size,
                pixels: Size::new(0, 0),
            }),
            None => {
                let w = terminal::window_size()?;
                Ok(WindowSize {
                    columns_rows: Size::new(w.columns, w.rows),
                    pixels: Size::new(w.width, w.height),
                })
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ratatui::Terminal;
    use ratatui::backend::{Backend as _, CrosstermBackend};
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier, Style};

    use super::*;

    const W: u16 = 12;
    const H: u16 = 5;

    fn terminal() -> Terminal<Lean<Vec<u8>>> {
        let mut lean = Lean::sized(Vec::new(), Size::new(W, H));
        lean.clear().unwrap();
        Terminal::new(lean).unwrap()
    }

    /// Two terminals show the same: the same characters, and every colour
    /// and attribute that can be seen.
    fn assert_alike(got: &vt100::Screen, want: &vt100::Screen) {
        for y in 0..H {
            for x in 0..W {
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
        /// Frame after frame of random changes, written lean, leave on the
        /// terminal exactly what ratatui's own crossterm backend leaves.
        #[test]
        fn lean_frames_show_what_ratatuis_backend_shows(
            frames in prop::collection::vec(prop::collection::vec(write(), 0..12), 1..8),
        ) {
            let mut terminal = terminal();
            let tap = Tap::default();
            let mut reference = Terminal::new(CrosstermBackend::new(tap.clone())).unwrap();
            let mut model = Buffer::empty(Rect::new(0, 0, W, H));
            let mut screen = vt100::Parser::new(H, W, 0);
            let mut want = vt100::Parser::new(H, W, 0);
            for frame in frames {
                for (x, y, s, fg, bg, m) in frame {
                    let style = Style::new()
                        .fg(COLORS[fg])
                        .bg(COLORS[bg])
                        .add_modifier(MODIFIERS[m]);
                    model.set_string(x, y, SYMBOLS[s], style);
                }
                terminal
                    .draw(|f| f.buffer_mut().merge(&model))
                    .unwrap();
                let lean = terminal.backend_mut();
                screen.process(lean.writer());
                lean.writer_mut().clear();
                reference
                    .draw(|f| f.buffer_mut().merge(&model))
                    .unwrap();
                want.process(&std::mem::take(&mut *tap.0.borrow_mut()));
                assert_alike(screen.screen(), want.screen());
            }
        }
    }

    /// Frames of (x, y, text) in the plain style, through both backends.
    fn both(frames: &[&[(u16, u16, &str)]]) -> (vt100::Parser, vt100::Parser) {
        let mut terminal = terminal();
        let tap = Tap::default();
        let mut reference = Terminal::new(CrosstermBackend::new(tap.clone())).unwrap();
        let mut model = Buffer::empty(Rect::new(0, 0, W, H));
        let (mut got, mut want) = (vt100::Parser::new(H, W, 0), vt100::Parser::new(H, W, 0));
        for frame in frames {
            for &(x, y, text) in frame.iter() {
                model.set_string(x, y, text, Style::new());
            }
            terminal.draw(|f| f.buffer_mut().merge(&model)).unwrap();
            got.process(&std::mem::take(terminal.backend_mut().writer_mut()));
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

    /// After an emoji with a variation selector, whose width terminals
    /// disagree on, the next cell is written where the cursor was left, as
    /// ratatui's backend writes it: a move could erase the emoji's second
    /// half in a terminal that draws it two cells wide.
    #[test]
    fn the_cell_after_an_emoji_is_written_without_a_move() {
        let mut terminal = terminal();
        terminal
            .draw(|f| {
                f.buffer_mut().set_string(2, 1, "❤\u{fe0f}", Style::new());
                f.buffer_mut().set_string(3, 1, "x", Style::new());
            })
            .unwrap();
        let written = String::from_utf8(terminal.backend().writer().clone()).unwrap();
        assert!(written.contains("❤\u{fe0f}x"), "{written:?}");
    }

    /// A clear is on the terminal at once: left in the buffer, it could
    /// reach the shell's screen after the terminal is given back.
    #[test]
    fn a_clear_is_written_at_once() {
        let mut lean = Lean::sized(std::io::BufWriter::new(Vec::new()), Size::new(W, H));
        lean.clear().unwrap();
        assert_eq!(lean.writer().buffer(), b"");
        assert_eq!(lean.writer().get_ref(), b"\x1b[0m\x1b[2J");
    }

    /// One digit's rows changing, as a countdown does every second: with
    /// the pen and cursor remembered, no colour is set again and rows are
    /// reached with short relative moves.
    #[test]
    fn a_second_ticking_costs_few_bytes() {
        let teal = Style::new().fg(Color::Rgb(143, 188, 187));
        let mut terminal = terminal();
        let mut written = Vec::new();
        for digit in [["█▀█", "█ █", "▀▀▀"], ["▀▀█", "  █", "  ▀"]] {
            terminal
                .draw(|f| {
                    for (row, line) in digit.iter().enumerate() {
                        f.buffer_mut().set_string(4, row as u16 + 1, line, teal);
                    }
                })
                .unwrap();
            written.push(std::mem::take(terminal.backend_mut().writer_mut()));
        }
        let tick = String::from_utf8(written[1].clone()).unwrap();
        assert!(!tick.contains("38;2"), "no colour set again: {tick:?}");
        assert!(!tick.contains("?25l"), "the cursor stays hidden: {tick:?}");
        assert!(tick.len() <= 30, "{} bytes: {tick:?}", tick.len());
    }

    #[test]
    fn clearing_forgets_the_pen_and_erases_with_the_plain_one() {
        let mut lean = Lean::sized(Vec::new(), Size::new(W, H));
        lean.clear().unwrap();
        let cell = Cell::new("x").set_bg(Color::Red).clone();
        lean.draw([(0, 0, &cell)].into_iter()).unwrap();
        lean.writer_mut().clear();
        lean.clear().unwrap();
        assert_eq!(lean.writer(), b"\x1b[0m\x1b[2J");
    }
}
