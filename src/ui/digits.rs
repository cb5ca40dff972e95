//! A big-digit font for the countdown, in three sizes that grow with the
//! terminal: a 3×5 pixel font drawn with half blocks, at scale 1 (three
//! rows tall, each digit three cells wide), 2 (five rows) or 3 (eight
//! rows), so it reads from arm's length on any screen.
//!
//! Our own rather than a big-text crate because of the bytes budget
//! (PRODUCT.md section 9): when one second ticks, only the glyphs that
//! changed are rewritten, and a compact digit changes at most 9 cells.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// Rows the digits take at `scale` (1, 2 or 3): five pixel rows, two to a
/// cell.
pub const fn height(scale: u16) -> u16 {
    (5 * scale).div_ceil(2)
}

/// Cells between two glyphs, at scale 1.
const GAP: u16 = 1;

/// A 3×5 pixel font, two pixel rows per cell row (the sixth pixel row is
/// empty), so `▀` is a pixel on top, `▄` one below and `█` both.
///
/// Capitals too, for the words drawn large ("BREATHE IN", "PAUSED"); a
/// letter in lower case is drawn as its capital.
fn glyph(c: char) -> &'static [&'static str; 3] {
    match c.to_ascii_uppercase() {
        '0' => &["█▀█", "█ █", "▀▀▀"],
        '1' => &["▀█ ", " █ ", "▀▀▀"],
        '2' => &["▀▀█", "█▀▀", "▀▀▀"],
        '3' => &["▀▀█", " ▀█", "▀▀▀"],
        '4' => &["█ █", "▀▀█", "  ▀"],
        '5' => &["█▀▀", "▀▀█", "▀▀▀"],
        '6' => &["█▀▀", "█▀█", "▀▀▀"],
        '7' => &["▀▀█", "  █", "  ▀"],
        '8' => &["█▀█", "█▀█", "▀▀▀"],
        '9' => &["█▀█", "▀▀█", "▀▀▀"],
        // Narrow: the colon only separates, so it gets one cell.
        ':' => &["▄", "▄", " "],
        'A' => &["█▀█", "█▀█", "▀ ▀"],
        'B' => &["█▀▄", "█▀▄", "▀▀ "],
        'D' => &["█▀▄", "█ █", "▀▀ "],
        'E' => &["█▀▀", "█▀ ", "▀▀▀"],
        'F' => &["█▀▀", "█▀ ", "▀  "],
        'H' => &["█ █", "█▀█", "▀ ▀"],
        'I' => &["▀█▀", " █ ", "▀▀▀"],
        'L' => &["█  ", "█  ", "▀▀▀"],
        'M' => &["█▄█", "█▀█", "▀ ▀"],
        'N' => &["█▀▄", "█ █", "▀ ▀"],
        'O' => &["▄▀▄", "█ █", " ▀ "],
        'P' => &["█▀▄", "█▀ ", "▀  "],
        'R' => &["█▀▄", "█▀▄", "▀ ▀"],
        'S' => &["▄▀▀", " ▀▄", "▀▀ "],
        'T' => &["▀█▀", " █ ", " ▀ "],
        'U' => &["█ █", "█ █", "▀▀▀"],
        'Y' => &["█ █", " █ ", " ▀ "],
        // Narrow, like the colon: a space between words, a comma.
        ' ' => &[" ", " ", " "],
        ',' => &[" ", "▄", "▀"],
        // Anything else (a space, say) keeps its place as a blank digit.
        _ => &["   ", "   ", "   "],
    }
}

fn glyph_width(c: char) -> u16 {
    glyph(c)[0].chars().count() as u16
}

/// Cells `text` takes at `scale`.
pub fn scaled_width(text: &str, scale: u16) -> u16 {
    let glyphs: u16 = text.chars().map(glyph_width).sum();
    let gaps = (text.chars().count() as u16).saturating_sub(1) * GAP;
    (glyphs + gaps) * scale
}

/// The lit pixels of `c`, a row of bits (bit `col`) for each of its six
/// pixel rows, read back from the half-block glyph so the three sizes can
/// never disagree. Read once a glyph, not once a pixel: the countdown is
/// drawn every second.
fn pixels(c: char) -> [u8; 6] {
    let mut rows = [0; 6];
    for (cell_row, line) in glyph(c).iter().enumerate() {
        for (col, cell) in line.chars().enumerate() {
            let (top, bottom) = match cell {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                _ => (false, false),
            };
            rows[2 * cell_row] |= u8::from(top) << col;
            rows[2 * cell_row + 1] |= u8::from(bottom) << col;
        }
    }
    rows
}

/// The cell at (`row`, `col`) of a glyph with `pixels`, drawn at `scale`.
fn scaled_cell(pixels: &[u8; 6], scale: u16, row: u16, col: u16) -> &'static str {
    let lit = |half: u16| {
        let bits = pixels.get(usize::from(half / scale)).copied().unwrap_or(0);
        (bits >> (col / scale)) & 1 == 1
    };
    match (lit(2 * row), lit(2 * row + 1)) {
        (true, true) => "█",
        (true, false) => "▀",
        (false, true) => "▄",
        (false, false) => " ",
    }
}

/// The largest scale, at most `most`, at which `text` is `width` cells or
/// narrower; `None` when not even the smallest is.
pub fn widest_scale(text: &str, most: u16, width: u16) -> Option<u16> {
    (1..=most.clamp(1, 3))
        .rev()
        .find(|&k| scaled_width(text, k) <= width)
}

/// Where in `area` `BigDigits` draws `text` at `scale`: the glyphs' box,
/// or the middle row when they do not fit. Nothing outside it is touched.
pub fn drawn_in(text: &str, scale: u16, area: Rect) -> Rect {
    let (w, h) = (scaled_width(text, scale), height(scale));
    if area.width < w || area.height < h {
        return Rect::new(
            area.x,
            area.y + area.height / 2,
            area.width,
            area.height.min(1),
        );
    }
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The glyphs of `now` that differ from those of `was`, both drawn at
/// `scale` in `area`, each with the box it takes: when a second ticks,
/// mostly the last digit alone. `None` when the two are not laid out
/// alike (another length, or too large for the area).
pub fn changed_glyphs(was: &str, now: &str, scale: u16, area: Rect) -> Option<Vec<(char, Rect)>> {
    let drawn = drawn_in(now, scale, area);
    let laid_alike = drawn == drawn_in(was, scale, area)
        && drawn.height == height(scale)
        && was
            .chars()
            .map(glyph_width)
            .eq(now.chars().map(glyph_width));
    if !laid_alike {
        return None;
    }
    let mut x = drawn.x;
    let mut changed = Vec::new();
    for (old, new) in was.chars().zip(now.chars()) {
        let width = glyph_width(new) * scale;
        if old != new {
            changed.push((new, Rect::new(x, drawn.y, width, drawn.height)));
        }
        x += width + GAP * scale;
    }
    Some(changed)
}

/// `text` ("12:05") in big digits, centred in the area. When the area is
/// too small it falls back to ordinary text on the middle row, so the
/// countdown is never lost.
#[derive(Debug, Clone, Copy)]
pub struct BigDigits<'a> {
    text: &'a str,
    style: Style,
    scale: u16,
}

impl<'a> BigDigits<'a> {
    pub fn new(text: &'a str, style: Style) -> Self {
        Self {
            text,
            style,
            scale: 1,
        }
    }

    /// Drawn `scale` times larger (1 to 3).
    pub fn scale(self, scale: u16) -> Self {
        Self {
            scale: scale.clamp(1, 3),
            ..self
        }
    }
}

impl Widget for BigDigits<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let k = self.scale;
        let (w, h) = (scaled_width(self.text, k), height(k));
        let drawn = drawn_in(self.text, k, area);
        if area.width < w || area.height < h {
            Line::styled(self.text, self.style)
                .centered()
                .render(drawn, buf);
            return;
        }
        let (mut x, y) = (drawn.x, drawn.y);
        for (i, c) in self.text.chars().enumerate() {
            if i > 0 {
                x += GAP * k;
            }
            let (pixels, width) = (pixels(c), glyph_width(c) * k);
            for row in 0..h {
                for col in 0..width {
                    if let Some(cell) = buf.cell_mut((x + col, y + row)) {
                        cell.set_symbol(scaled_cell(&pixels, k, row, col))
                            .set_style(self.style);
                    }
                }
            }
            x += width;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(text: &str, width: u16, height: u16) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
        BigDigits::new(text, Style::new()).render(buf.area, &mut buf);
        buf
    }

    /// A second that changes one digit redraws that glyph alone, and the
    /// glyph drawn alone in its box is what the whole text drew there.
    #[test]
    fn a_changed_digit_is_drawn_alone_where_it_was() {
        let area = Rect::new(0, 0, 60, 10);
        for scale in 1..=3 {
            let glyphs = changed_glyphs("12:05", "12:04", scale, area).unwrap();
            assert_eq!(glyphs.len(), 1);
            let (c, rect) = glyphs[0];
            assert_eq!(c, '4');
            let mut whole = Buffer::empty(area);
            BigDigits::new("12:04", Style::new())
                .scale(scale)
                .render(area, &mut whole);
            let mut alone = Buffer::empty(area);
            BigDigits::new("4", Style::new())
                .scale(scale)
                .render(rect, &mut alone);
            for (i, cell) in alone.content.iter().enumerate() {
                let at = alone.pos_of(i);
                if rect.contains(at.into()) {
                    assert_eq!(cell, &whole.content[i], "scale {scale} at {at:?}");
                }
            }
        }
        // Another length, or no room: laid out anew.
        assert_eq!(changed_glyphs("10:00", "9:59", 1, area), None);
        assert_eq!(
            changed_glyphs("0:05", "0:04", 1, Rect::new(0, 0, 5, 3)),
            None
        );
    }

    #[test]
    fn every_digit_is_three_by_three() {
        assert_eq!(
            draw("0123456789", 39, 3),
            Buffer::with_lines([
                "█▀█ ▀█  ▀▀█ ▀▀█ █ █ █▀▀ █▀▀ ▀▀█ █▀█ █▀█",
                "█ █  █  █▀▀  ▀█ ▀▀█ ▀▀█ █▀█   █ █▀█ ▀▀█",
                "▀▀▀ ▀▀▀ ▀▀▀ ▀▀▀   ▀ ▀▀▀ ▀▀▀   ▀ ▀▀▀ ▀▀▀",
            ])
        );
    }

    #[test]
    fn a_time_has_a_narrow_colon_and_is_centred() {
        assert_eq!(scaled_width("12:05", 1), 17);
        assert_eq!(
            draw("12:05", 21, 5),
            Buffer::with_lines([
                "                     ",
                "  ▀█  ▀▀█ ▄ █▀█ █▀▀  ",
                "   █  █▀▀ ▄ █ █ ▀▀█  ",
                "  ▀▀▀ ▀▀▀   ▀▀▀ ▀▀▀  ",
                "                     ",
            ])
        );
    }

    #[test]
    fn one_second_changes_at_most_one_glyph() {
        let (a, b) = (draw("4:10", 13, 3), draw("4:09", 13, 3));
        let changed = a
            .content()
            .iter()
            .zip(b.content())
            .filter(|(x, y)| x != y)
            .count();
        assert!(changed <= 2 * 9, "{changed}");
        let (a, b) = (draw("4:18", 13, 3), draw("4:17", 13, 3));
        let changed = a
            .content()
            .iter()
            .zip(b.content())
            .filter(|(x, y)| x != y)
            .count();
        assert!(changed <= 9, "{changed}");
    }

    #[test]
    fn larger_sizes_are_the_same_font_scaled() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 5));
        BigDigits::new("0", Style::new())
            .scale(2)
            .render(buf.area, &mut buf);
        assert_eq!(
            buf,
            Buffer::with_lines(["██████", "██  ██", "██  ██", "██  ██", "██████"])
        );
        assert_eq!(height(3), 8);
        assert_eq!(scaled_width("12:05", 3), 51);
        let mut buf = Buffer::empty(Rect::new(0, 0, 9, 8));
        BigDigits::new("7", Style::new())
            .scale(3)
            .render(buf.area, &mut buf);
        assert_eq!(
            buf,
            Buffer::with_lines([
                "█████████",
                "▀▀▀▀▀▀███",
                "      ███",
                "      ███",
                "      ███",
                "      ███",
                "      ███",
                "      ▀▀▀",
            ])
        );
    }

    #[test]
    fn too_small_an_area_shows_plain_text() {
        assert_eq!(
            draw("0:45", 8, 3),
            Buffer::with_lines(["        ", "  0:45  ", "        "])
        );
        assert_eq!(
            draw("0:45", 20, 2),
            Buffer::with_lines(["                    ", "        0:45        "])
        );
        // Nothing to draw into, nothing drawn, no panic.
        draw("0:45", 0, 0);
    }
}
