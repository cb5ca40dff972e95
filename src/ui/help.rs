//! The help overlay: the keys of the screen under it, and nothing else.

use crate::ui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::Theme;
use super::common::overlay_block;
use super::kit::area::popup;
use crate::input::KeyHelp;

const CLOSE: &str = "Press any key to close";

/// The keys, and the status message in full (the status line may show only
/// its mark).
pub fn draw(frame: &mut Frame, area: Rect, keys: &[KeyHelp], status: Option<&str>, theme: &Theme) {
    // The key that opened help (`?`, or `h` on the preflight) needs no
    // row in it. On a short screen the
    // keys the hint line leaves out (moving in the list) go first.
    let room = usize::from(area.height.saturating_sub(5));
    let all = keys.iter().filter(|k| k.label != "help").count() + 1;
    let rows: Vec<(&str, &str)> = keys
        .iter()
        .filter(|k| k.label != "help")
        .filter(|k| all <= room || k.hint.is_some())
        .map(|k| (k.keys.as_str(), k.label))
        .chain([("Ctrl-C", "quit at once")])
        .collect();
    let key_width = rows.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|(key, what)| {
            Line::from(vec![
                // Padded by display width, not by characters.
                Span::styled(
                    format!("{key}{}", " ".repeat(key_width - key.width() + 2)),
                    theme.text(),
                ),
                Span::styled(*what, theme.dim()),
            ])
        })
        .collect();
    lines.push(Line::default());
    if let Some(status) = status {
        let status = crate::text::escape_inline(status).into_owned();
        lines.push(Line::styled(status, theme.caution()));
    }
    lines.push(Line::styled(CLOSE, theme.dim()));

    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16;
    let rect = popup(
        area,
        width.saturating_add(4),
        (lines.len() as u16).saturating_add(2),
    );
    let block = overlay_block(theme).title(Line::styled(" Keys ", theme.accent()));
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Instant;

    use proptest::prelude::*;

    use super::super::testing::{plain, render};
    use crate::app::{Picker, views};
    use crate::routine::{Library, Routine};
    use crate::session::Session;
    use crate::ui::{ScreenView, View};

    fn with_help(screen: ScreenView) -> View<'static> {
        View {
            help: true,
            ..plain(screen)
        }
    }

    fn picker(lib: &Library) -> ScreenView {
        ScreenView::Picker(views::picker(&Picker::default(), lib))
    }

    fn preflight(r: &Routine) -> ScreenView {
        ScreenView::Preflight(views::routine(r))
    }

    fn daily_back() -> Routine {
        crate::routine::builtin::routine("daily-back")
    }

    fn session() -> ScreenView {
        let t0 = Instant::now();
        let view = Session::start(Arc::new(daily_back()), t0).0.view(t0);
        ScreenView::Session {
            view,
            confirm_quit: false,
        }
    }

    #[test]
    fn over_the_picker_80x24() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&with_help(picker(&lib)), 80, 24));
    }

    #[test]
    fn over_the_picker_40x12() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&with_help(picker(&lib)), 40, 12));
    }

    #[test]
    fn over_preflight_80x24() {
        let r = daily_back();
        insta::assert_snapshot!(render(&with_help(preflight(&r)), 80, 24));
    }

    #[test]
    fn over_preflight_40x12() {
        let r = daily_back();
        insta::assert_snapshot!(render(&with_help(preflight(&r)), 40, 12));
    }

    #[test]
    fn session_keys_follow_the_product_spec_and_fit_the_smallest_screen() {
        let text = render(&with_help(session()), 40, 12);
        for key in [
            "space",
            "pause / resume",
            "→ / n",
            "← / b",
            "restart (early: go back)",
            "15 s more",
            "15 s less",
            "sound off / on",
            "q / esc",
            "Ctrl-C",
            "Press any key to close",
        ] {
            assert!(text.contains(key), "{key} missing:\n{text}");
        }
    }

    #[test]
    fn sized_to_fit_and_centred() {
        let r = daily_back();
        let text = render(&with_help(preflight(&r)), 200, 60);
        let top = text.lines().position(|l| l.contains('╭')).unwrap();
        let bottom = text.lines().position(|l| l.contains('╰')).unwrap();
        // Nine preflight keys (the safety page's among them) and its frame.
        assert_eq!(bottom - top + 1, 11, "{text}");
        assert_eq!(top, (60 - 11) / 2, "{text}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_at_any_size(w in 0u16..=300, h in 0u16..=100) {
            let lib = Library::builtins();
            let r = daily_back();
            render(&with_help(picker(&lib)), w, h);
            render(&with_help(preflight(&r)), w, h);
            render(&with_help(session()), w, h);
        }
    }
}
