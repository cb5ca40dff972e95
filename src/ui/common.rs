//! Pieces every screen uses: the key-hint line at the bottom, with the
//! status message on its right, and the frame of the overlays.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Padding, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::Theme;
use super::kit::text::truncate;
use crate::input::{Hint, KeyHelp};
use crate::text::escape_inline;

/// The keys' hints as "space pause · ? help", with `status` (if any)
/// right-aligned. When the line is too narrow, the least useful hints go
/// first (`Hint::Low`, then `Mid`); the keys that begin or leave stay.
pub fn key_hints(
    frame: &mut Frame,
    area: Rect,
    keys: &[KeyHelp],
    status: Option<&str>,
    theme: &Theme,
) {
    let hints: Vec<(Hint, &str, &str)> = keys
        .iter()
        .filter_map(|k| k.hint.map(|(h, short)| (h, k.key, short)))
        .collect();
    let status = status.and_then(|s| status_within(s, &hints, area.width));
    let room = (area.width as usize).saturating_sub(status.as_deref().map_or(0, |s| s.width() + 2));
    let kept = fitting(&hints, room);
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

/// The status as it fits beside the hints that are never dropped (the keys
/// that begin or leave): cut with "…" when long, left out when no useful
/// part of it fits (help says it in full).
fn status_within(status: &str, hints: &[(Hint, &str, &str)], width: u16) -> Option<String> {
    let kept = hint_width(&fitting(hints, 0));
    let room = usize::from(width).saturating_sub(kept + if kept > 0 { 2 } else { 0 });
    let status = escape_inline(status);
    match u16::try_from(room).unwrap_or(u16::MAX) {
        room if usize::from(room) >= status.width() => Some(status.into_owned()),
        room if room >= 6 => Some(truncate(&status, room)),
        _ => None,
    }
}

/// The width of hints laid out as "key what · key what".
fn hint_width(hints: &[(&str, &str)]) -> usize {
    let cells: usize = hints.iter().map(|(k, w)| k.width() + 1 + w.width()).sum();
    cells + 3 * hints.len().saturating_sub(1)
}

/// The hints that fit in `room` columns: the least useful go first, the
/// later of equals before the earlier. Keys that begin or leave are never
/// dropped.
fn fitting<'a>(hints: &[(Hint, &'a str, &'a str)], room: usize) -> Vec<(&'a str, &'a str)> {
    let width = |list: &[(Hint, &str, &str)]| -> usize {
        let cells: usize = list.iter().map(|(_, k, w)| k.width() + 1 + w.width()).sum();
        cells + 3 * list.len().saturating_sub(1)
    };
    let mut kept = hints.to_vec();
    while width(&kept) > room {
        let drop = kept
            .iter()
            .enumerate()
            .filter(|(_, h)| h.0 != Hint::Keep)
            .min_by_key(|(i, h)| (h.0, std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
        match drop {
            Some(i) => {
                kept.remove(i);
            }
            None => break,
        }
    }
    kept.into_iter().map(|(_, k, w)| (k, w)).collect()
}

/// The quiet frame every overlay shares: rounded, dim, a space inside.
pub fn overlay_block<'a>(theme: &Theme) -> Block<'a> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.dim())
        .padding(Padding::horizontal(1))
}

#[cfg(test)]
mod tests {
    use super::{fitting, status_within};

    #[test]
    fn a_long_status_never_hides_the_keys_that_begin_or_leave() {
        use crate::input::Hint::{Keep, Low};
        let hints = [
            (Keep, "enter", "begin"),
            (Low, "e", "edit"),
            (Keep, "esc", "leave"),
        ];
        let long = "Sound off: the sound server stopped answering and was given up on";
        let said = status_within(long, &hints, 60).unwrap();
        assert!(said.ends_with('…'), "{said}");
        // "enter begin · esc leave" (23 cells), two spaces, the status.
        assert_eq!(
            unicode_width::UnicodeWidthStr::width(said.as_str()),
            60 - 23 - 2
        );
        assert_eq!(status_within("Saved", &hints, 60).as_deref(), Some("Saved"));
        assert_eq!(status_within(long, &hints, 28), None, "no useful part fits");
    }

    #[test]
    fn narrow_lines_drop_the_least_useful_hints_first_and_keep_leaving() {
        use crate::input::Hint::{Keep, Low, Mid};
        let hints = [
            (Keep, "space", "pause"),
            (Mid, "→", "next"),
            (Low, "←", "back"),
            (Keep, "?", "help"),
            (Keep, "q", "quit"),
        ];
        assert_eq!(fitting(&hints, 80).len(), 5);
        let kept: Vec<_> = fitting(&hints, 38).iter().map(|h| h.0).collect();
        assert_eq!(kept, vec!["space", "→", "?", "q"]);
        let kept: Vec<_> = fitting(&hints, 30).iter().map(|h| h.0).collect();
        assert_eq!(kept, vec!["space", "?", "q"]);
        let kept: Vec<_> = fitting(&hints, 5).iter().map(|h| h.0).collect();
        assert_eq!(kept, vec!["space", "?", "q"], "leaving is never dropped");
    }
}
