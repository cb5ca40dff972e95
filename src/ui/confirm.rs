//! "Quit this session?": asked before a session is given up, since one key
//! pressed by mistake (eyes closed, oily hands) must not end it.

use crate::ui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::Theme;
use super::common::overlay_block;
use super::kit::area::popup;

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme) {
    let lines = vec![
        Line::styled("Quit this session?", theme.accent()),
        Line::styled("The time so far is still recorded.", theme.dim()),
        Line::default(),
        Line::from(vec![
            Span::styled("y", theme.text()),
            Span::styled(" quit · ", theme.dim()),
            Span::styled("n", theme.text()),
            Span::styled(" keep going", theme.dim()),
        ]),
    ];
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16;
    let rect = popup(area, width + 4, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines)
            .block(overlay_block(theme))
            .wrap(Wrap { trim: true }),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Instant;

    use proptest::prelude::*;

    use super::super::testing::{plain, render};
    use crate::routine::Library;
    use crate::session::Session;
    use crate::ui::{ScreenView, View};

    fn asking() -> View<'static> {
        let routine = Library::builtins()
            .find("daily-back")
            .unwrap()
            .routine
            .clone()
            .unwrap();
        let t0 = Instant::now();
        let view = Session::start(Arc::new(routine), t0).0.view(t0);
        plain(ScreenView::Session {
            view,
            confirm_quit: true,
        })
    }

    #[test]
    fn over_the_session_80x24() {
        insta::assert_snapshot!(render(&asking(), 80, 24));
    }

    #[test]
    fn over_the_session_40x12() {
        insta::assert_snapshot!(render(&asking(), 40, 12));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_at_any_size(w in 0u16..=300, h in 0u16..=100, help: bool) {
            render(&View { help, ..asking() }, w, h);
        }
    }
}
