//! Pieces every screen uses: the key-hint line at the bottom, with the
//! status message on its right.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::Theme;
use crate::text::escape_inline;

/// `[("space", "pause"), ("?", "help")]` as "space pause · ? help", with
/// `status` (if any) right-aligned. When the line is too narrow, hints are
/// dropped from the middle: the first (the main action) and the last two
/// (help and quit) are the ones a user must always be able to find.
pub fn key_hints(
    frame: &mut Frame,
    area: Rect,
    hints: &[(&str, &str)],
    status: Option<&str>,
    theme: &Theme,
) {
    let status = status.map(|s| escape_inline(s).into_owned());
    let room = (area.width as usize).saturating_sub(status.as_deref().map_or(0, |s| s.width() + 2));
    let kept = fitting(hints, room);
    let mut spans = Vec::new();
    for (i, (key, what)) in kept.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        spans.push(Span::styled(*key, theme.text()));
        spans.push(Span::styled(format!(" {what}"), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some(status) = status {
        frame.render_widget(
            Paragraph::new(Line::styled(status, theme.caution())).right_aligned(),
            area,
        );
    }
}

/// The hints that fit in `room` columns, dropping from the middle first.
fn fitting<'a>(hints: &[(&'a str, &'a str)], room: usize) -> Vec<(&'a str, &'a str)> {
    let width = |list: &[(&str, &str)]| -> usize {
        let cells: usize = list.iter().map(|(k, w)| k.width() + 1 + w.width()).sum();
        cells + 3 * list.len().saturating_sub(1)
    };
    let mut kept = hints.to_vec();
    while width(&kept) > room && kept.len() > 3 {
        kept.remove(kept.len() - 3);
    }
    while width(&kept) > room && !kept.is_empty() {
        kept.remove(0);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::fitting;

    #[test]
    fn narrow_lines_keep_the_main_action_help_and_quit() {
        let hints = [
            ("space", "pause"),
            ("→", "next"),
            ("←", "back"),
            ("?", "help"),
            ("q", "quit"),
        ];
        assert_eq!(fitting(&hints, 80).len(), 5);
        let kept: Vec<_> = fitting(&hints, 38).iter().map(|h| h.0).collect();
        assert_eq!(kept, vec!["space", "→", "?", "q"]);
        let kept: Vec<_> = fitting(&hints, 30).iter().map(|h| h.0).collect();
        assert_eq!(kept, vec!["space", "?", "q"]);
        let kept: Vec<_> = fitting(&hints, 15).iter().map(|h| h.0).collect();
        assert_eq!(kept, vec!["?", "q"]);
    }
}
