//! Wrapped text stacked top to bottom in a known number of rows: a title,
//! paragraphs, labelled facts and bullet items, each cut with "…" rather
//! than stopping mid-sentence when the rows run out.
//!
//! ratatui counts wrapped lines only behind an unstable feature, so a
//! paragraph is measured by drawing it off screen. The screens that stack
//! text are drawn only when something changes, so the cost does not matter.

use crate::ui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::area::split_at_column;
use super::text::truncate;
use crate::ui::Theme;

/// Wrapped text in one style; `text` must already be made safe.
pub fn wrapped<'a>(text: String, style: Style) -> Paragraph<'a> {
    Paragraph::new(Text::styled(text, style)).wrap(Wrap { trim: true })
}

/// Taller than any terminal: a routine file (up to 1 MiB) could hold a
/// note far longer, and measuring all of it would only cost memory.
const MEASURE_LIMIT: u16 = 1024;

/// The rows `paragraph` takes when wrapped to `width`, up to
/// `MEASURE_LIMIT`.
pub fn text_height(paragraph: &Paragraph, width: u16) -> u16 {
    if width == 0 {
        return 0;
    }
    // Most text here takes a row or two: start small (each try costs its
    // whole buffer), and grow fourfold while the last row is full.
    let mut rows: u16 = 4;
    loop {
        let mut buf = Buffer::empty(Rect::new(0, 0, width, rows));
        paragraph.render(buf.area, &mut buf);
        let used = (0..rows)
            .rev()
            .find(|&y| (0..width).any(|x| buf[(x, y)].symbol() != " "));
        match used {
            // The last row is full: there may be more below it.
            Some(y) if y + 1 == rows && rows < MEASURE_LIMIT => rows = rows.saturating_mul(4),
            Some(y) => return y + 1,
            None => return 0,
        }
    }
}

/// Draw `paragraph` in `area`; when it does not fit, its last row becomes
/// `more`, so that text never just stops mid-sentence.
pub fn render_fitted(
    frame: &mut Frame,
    area: Rect,
    paragraph: &Paragraph,
    more: &str,
    theme: &Theme,
) {
    let rows = text_height(paragraph, area.width);
    render_measured(frame, area, (paragraph, rows), more, theme);
}

/// `render_fitted` for a paragraph already measured: it takes `rows` rows
/// at `area`'s width.
fn render_measured(
    frame: &mut Frame,
    area: Rect,
    (paragraph, rows): (&Paragraph, u16),
    more: &str,
    theme: &Theme,
) {
    if area.is_empty() {
        return;
    }
    if rows <= area.height {
        frame.render_widget(paragraph, area);
        return;
    }
    let last = area.height - 1;
    frame.render_widget(
        paragraph,
        Rect {
            height: last,
            ..area
        },
    );
    let more = Line::styled(truncate(more, area.width), theme.dim());
    frame.render_widget(
        Paragraph::new(more),
        Rect {
            y: area.y + last,
            height: 1,
            ..area
        },
    );
}

/// One piece of a stack.
pub enum Item<'a> {
    /// An empty row between groups.
    Gap,
    Text(Paragraph<'a>),
    /// A label and a value that wraps under itself.
    Fact(Span<'a>, Paragraph<'a>),
    /// A list item that wraps under itself, after a bullet.
    Bullet(Paragraph<'a>),
}

const BULLET: u16 = 2;

impl Item<'_> {
    /// Rows at `width`, facts' values starting `label` columns in.
    pub fn height(&self, width: u16, label: u16) -> u16 {
        match self {
            Item::Gap => 1,
            Item::Text(p) => text_height(p, width),
            Item::Fact(_, p) => text_height(p, width.saturating_sub(label)).max(1),
            Item::Bullet(p) => text_height(p, width.saturating_sub(BULLET)),
        }
    }

    /// Draw in `area`, having measured `rows` rows (`height`) for it.
    fn render(&self, frame: &mut Frame, (area, rows): (Rect, u16), label: u16, theme: &Theme) {
        match self {
            Item::Gap => {}
            Item::Text(p) => render_measured(frame, area, (p, rows), "…", theme),
            Item::Fact(name, p) => {
                let (left, right) = split_at_column(area, label);
                frame.render_widget(Line::from(name.clone()), Rect { height: 1, ..left });
                render_measured(frame, right, (p, rows), "…", theme);
            }
            Item::Bullet(p) => {
                let (bullet, text) = split_at_column(area, BULLET);
                frame.render_widget(
                    Line::styled("•", theme.dim()),
                    Rect {
                        height: 1,
                        ..bullet
                    },
                );
                render_measured(frame, text, (p, rows), "…", theme);
            }
        }
    }
}

/// Rows the whole stack takes.
pub fn stack_height(items: &[Item], width: u16, label: u16) -> u16 {
    items
        .iter()
        .map(|p| p.height(width, label))
        .fold(0, u16::saturating_add)
}

/// Lay `items` out from the top of `area`; the first that does not fit is
/// cut (marked "…") and the rest are left out.
pub fn stack(frame: &mut Frame, area: Rect, items: &[Item], label: u16, theme: &Theme) {
    let mut y = area.y;
    for item in items {
        let room = area.bottom().saturating_sub(y);
        if room == 0 {
            break;
        }
        let rows = item.height(area.width, label);
        // An item cut to one row would be only its "…": leave it out.
        if rows > room && room < 2 {
            break;
        }
        let place = Rect {
            y,
            height: rows.min(room),
            ..area
        };
        item.render(frame, (place, rows), label, theme);
        y += place.height;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measuring_wrapped_text_agrees_with_drawing_it() {
        let p = wrapped("one two three four five six".to_owned(), Style::new());
        assert_eq!(text_height(&p, 9), 4); // "one two" "three" "four five" "six"
        assert_eq!(text_height(&p, 100), 1);
        assert_eq!(text_height(&p, 0), 0);
        let tall = wrapped("word ".repeat(200), Style::new());
        assert_eq!(text_height(&tall, 4), 200);
        let huge = wrapped("word ".repeat(5000), Style::new());
        assert_eq!(text_height(&huge, 4), 1024);
    }

    #[test]
    fn a_stack_is_as_tall_as_its_items() {
        let items = [
            Item::Text(wrapped("one two three".to_owned(), Style::new())),
            Item::Gap,
            Item::Fact(
                Span::raw("Length"),
                wrapped("2 min".to_owned(), Style::new()),
            ),
            Item::Bullet(wrapped("a b c d".to_owned(), Style::new())),
        ];
        // "one two" "three", the gap, the fact, "a b c" "d".
        assert_eq!(stack_height(&items, 7, 2), 6);
    }
}
