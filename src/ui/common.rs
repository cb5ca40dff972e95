//! Pieces every screen uses: the key-hint line at the bottom, with the
//! status message on its right.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::Theme;
use crate::text::escape_inline;

/// `[("space", "pause"), ("?", "help")]` as "space pause · ? help", cut
/// from the right to fit, with `status` (if any) right-aligned.
pub fn key_hints(
    frame: &mut Frame,
    area: Rect,
    hints: &[(&str, &str)],
    status: Option<&str>,
    theme: &Theme,
) {
    let status = status.map(|s| escape_inline(s).into_owned());
    let room = (area.width as usize).saturating_sub(status.as_deref().map_or(0, |s| s.width() + 2));
    let mut spans = Vec::new();
    let mut used = 0;
    for (i, (key, what)) in hints.iter().enumerate() {
        let sep = if i == 0 { "" } else { " · " };
        let width = sep.width() + key.width() + 1 + what.width();
        if used + width > room {
            break;
        }
        used += width;
        spans.push(Span::styled(sep, theme.dim()));
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
