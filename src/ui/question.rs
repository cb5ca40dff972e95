//! A one-key question in a small box over the screen: "How tense do you
//! feel, 0-10?", answered with a digit (t for 10) or skipped with Enter.

use crate::ui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::Theme;
use super::kit::area::popup;
use crate::input::KeyHelp;

/// `keys`: the question's keys, from the keymap, named under it.
pub fn draw(frame: &mut Frame, area: Rect, question: &str, keys: &[KeyHelp], theme: &Theme) {
    let named: Vec<String> = keys
        .iter()
        .filter_map(|k| k.hint.map(|(_, what)| format!("{} {what}", k.key)))
        .collect();
    let lines = vec![
        Line::styled(question.to_owned(), theme.accent()),
        Line::raw(""),
        Line::styled("0 calm … 10 very tense", theme.text()),
        Line::styled(named.join(" · "), theme.dim()),
    ];
    let rect = popup(area, 40, 6);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.dim());
    frame.render_widget(
        Paragraph::new(lines)
            .centered()
            .wrap(Wrap { trim: true })
            .block(block),
        rect,
    );
}

#[cfg(test)]
mod tests {
    use super::super::testing::{plain, render};
    use crate::app::views;
    use crate::routine::Library;
    use crate::ui::{ScreenView, View};

    #[test]
    fn the_tension_question_sits_over_preflight_at_both_sizes() {
        let lib = Library::builtins();
        let routine = lib.find("desk-break").unwrap().routine.as_ref().unwrap();
        for (w, h) in [(80, 24), (40, 12)] {
            let view = View {
                question: Some("How tense do you feel, 0-10?"),
                keys: crate::input::help(
                    crate::input::Context::Tension,
                    crate::input::Mode::Picker,
                ),
                ..plain(ScreenView::Preflight(views::routine(routine)))
            };
            let text = render(&view, w, h);
            assert!(text.contains("How tense do you feel, 0-10?"), "{text}");
            assert!(
                text.contains("t ten") && text.contains("enter skip"),
                "{text}"
            );
        }
    }
}
