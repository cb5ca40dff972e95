//! The general safety page (`assets/safety.md`), under the routine's own
//! warnings: shown before a user's first session and by `?` on the
//! preflight. It scrolls: at 80×24 it is two screens long.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::kit::area::column;
use super::kit::text::wrap;
use super::view::SafetyView;
use super::{Frame, Theme};

/// Running text keeps to a readable column.
const MAX_WIDTH: u16 = 76;

/// The page's lines at `width`: the routine's warnings under their own
/// heading, then the page (its title as the heading).
fn lines(view: &SafetyView, width: u16) -> Vec<(String, bool)> {
    let w = usize::from(width);
    let mut out = Vec::new();
    if !view.routine.trim().is_empty() {
        out.push(("This routine".to_owned(), true));
        out.extend(wrap(view.routine.trim(), w).into_iter().map(|l| (l, false)));
        out.push((String::new(), false));
    }
    let mut page = crate::safety::PAGE.lines();
    if let Some(title) = page.next() {
        out.push((title.to_owned(), true));
    }
    for paragraph in paragraphs(page) {
        if paragraph.is_empty() {
            out.push((String::new(), false));
        } else if let Some(item) = paragraph.strip_prefix("• ") {
            // A list item's later lines hang under its first word.
            for (i, line) in wrap(item, w.saturating_sub(2).max(1))
                .into_iter()
                .enumerate()
            {
                let mark = if i == 0 { "• " } else { "  " };
                out.push((format!("{mark}{line}"), false));
            }
        } else {
            out.extend(wrap(&paragraph, w).into_iter().map(|l| (l, false)));
        }
    }
    out
}

/// The page's lines joined into paragraphs and list items (`- ` starts
/// one, shown as `• `), so they wrap to any width; "" between paragraphs.
fn paragraphs<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            out.push(String::new());
            open = false;
        } else if let Some(item) = line.strip_prefix("- ") {
            out.push(format!("• {item}"));
            open = true;
        } else if open && let Some(last) = out.last_mut() {
            last.push(' ');
            last.push_str(line);
        } else {
            out.push(line.to_owned());
            open = true;
        }
    }
    out
}

/// Lines that can be scrolled past on a screen `area` tall and wide.
pub fn max_scroll(view: &SafetyView, area: Rect) -> u16 {
    let body = column(area, MAX_WIDTH);
    (lines(view, body.width).len() as u16).saturating_sub(body.height)
}

pub fn draw(frame: &mut Frame, area: Rect, view: &SafetyView, theme: &Theme) {
    let body = column(area, MAX_WIDTH);
    let scroll = view.scroll.min(max_scroll(view, area));
    let lines: Vec<Line> = lines(view, body.width)
        .into_iter()
        .skip(usize::from(scroll))
        .take(usize::from(body.height))
        .map(|(text, heading)| match heading {
            true => Line::styled(text, theme.accent()),
            false if text.starts_with("Stop at") || text.starts_with("Get help") => {
                Line::styled(text, theme.caution())
            }
            false => Line::styled(text, theme.text()),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
}

#[cfg(test)]
mod tests {
    use super::super::testing::{plain, render};
    use super::*;
    use crate::ui::ScreenView;

    fn page(scroll: u16) -> ScreenView {
        ScreenView::Safety(SafetyView {
            routine: "Stop if anything hurts.".into(),
            scroll,
        })
    }

    #[test]
    fn the_routine_comes_first_then_the_page_scrolls_to_its_end() {
        let top = render(&plain(page(0)), 80, 24);
        assert!(top.contains("This routine"), "{top}");
        assert!(top.contains("Stop if anything hurts."), "{top}");
        assert!(top.contains("Safety: before you start"), "{top}");
        assert!(top.contains("enter begin"), "{top}");
        // Scrolled as far as it goes (and further): the end is in view.
        let end = render(&plain(page(500)), 80, 24);
        assert!(end.contains("knotless safety"), "{end}");
        assert!(!end.contains("This routine"), "{end}");
        // Every size draws without panic.
        for (w, h) in [(40, 12), (200, 60), (41, 13)] {
            render(&plain(page(3)), w, h);
        }
    }
}
