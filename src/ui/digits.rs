//! A compact big-digit font for the countdown: three rows tall, each digit
//! three cells wide, drawn with half blocks so it reads from arm's length.
//!
//! Our own rather than a big-text crate because of the bytes budget
//! (PRODUCT.md section 9): when one second ticks, only the glyphs that
//! changed are rewritten, and a 3×3 digit changes at most 9 cells.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// Rows the big digits take.
pub const HEIGHT: u16 = 3;

/// Cells between two glyphs.
const GAP: u16 = 1;

/// A 3×5 pixel font, two pixel rows per cell row (the sixth pixel row is
/// empty), so `▀` is a pixel on top, `▄` one below and `█` both.
fn glyph(c: char) -> &'static [&'static str; 3] {
    match c {
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
        // Anything else (a space, say) keeps its place as a blank digit.
        _ => &["   ", "   ", "   "],
    }
}

fn glyph_width(c: char) -> u16 {
    glyph(c)[0].chars().count() as u16
}

/// Cells `text` takes when drawn big, gaps included.
pub fn width(text: &str) -> u16 {
    let glyphs: u16 = text.chars().map(glyph_width).sum();
    let gaps = (text.chars().count() as u16).saturating_sub(1) * GAP;
    glyphs + gaps
}

/// `text` ("12:05") in big digits, centred in the area. When the area is
/// too small it falls back to ordinary text on the middle row, so the
/// countdown is never lost.
#[derive(Debug, Clone, Copy)]
pub struct BigDigits<'a> {
    text: &'a str,
    style: Style,
}

impl<'a> BigDigits<'a> {
    pub fn new(text: &'a str, style: Style) -> Self {
        Self { text, style }
    }
}

impl Widget for BigDigits<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let w = width(self.text);
        if area.width < w || area.height < HEIGHT {
            let middle = Rect::new(area.x, area.y + area.height / 2, area.width, 1);
            Line::styled(self.text, self.style)
                .centered()
                .render(middle, buf);
            return;
        }
        let mut x = area.x + (area.width - w) / 2;
        let y = area.y + (area.height - HEIGHT) / 2;
        for (i, c) in self.text.chars().enumerate() {
            if i > 0 {
                x += GAP;
            }
            for (row, cells) in glyph(c).iter().enumerate() {
                for (col, symbol) in cells.chars().enumerate() {
                    if let Some(cell) = buf.cell_mut((x + col as u16, y + row as u16)) {
                        cell.set_char(symbol).set_style(self.style);
                    }
                }
            }
            x += glyph_width(c);
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
        assert_eq!(width("12:05"), 17);
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
