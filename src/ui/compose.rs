//! The compose screen: five short questions on one screen (the one being
//! answered shows its choices under it), then the routine they made, its
//! steps and length, to start or to save under a name.

use crate::ui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::Theme;
use super::kit::area::column;
use super::kit::text::{truncate, truncate_start, wrap};
use super::view::{Choice, ComposeStage, ComposeView, ComposedView, FieldView};

/// Wider lines are hard to follow from arm's length.
const MAX_COLUMN: u16 = 72;
/// The marker and the longest label ("Position") and a gap.
const LABEL: u16 = 12;

/// Draw the screen in `body`, the rows above the key hints.
pub fn draw(frame: &mut Frame, body: Rect, view: &ComposeView, theme: &Theme) {
    let area = column(body, MAX_COLUMN);
    if area.is_empty() {
        return;
    }
    let lines = match (&view.stage, &view.composed) {
        (ComposeStage::Questions, _) | (_, None) => questions(view, area, theme),
        (stage, Some(composed)) => result(stage, composed, area, theme),
    };
    let lines: Vec<Line> = lines.into_iter().take(usize::from(area.height)).collect();
    // On a tall terminal, a little above the middle, as preflight sits.
    let rows = u16::try_from(lines.len()).unwrap_or(area.height);
    let top = (area.height - rows) / 3;
    let area = Rect {
        y: area.y + top,
        height: rows,
        ..area
    };
    frame.render_widget(Paragraph::new(lines), area);
}

/// The title, each question with its answer, the choices of the one being
/// answered, and why the last answers made no routine. Spacing goes first
/// when rows are short.
fn questions<'a>(view: &ComposeView, area: Rect, theme: &Theme) -> Vec<Line<'a>> {
    let width = area.width;
    let mut body = Vec::new();
    for (i, field) in view.fields.iter().enumerate() {
        let active = i == view.active;
        body.push(question(field, active, width, theme));
        if active {
            body.extend(choices(field, width, theme));
        }
    }
    let problem: Vec<Line> = view
        .problem
        .iter()
        .flat_map(|p| wrap(p, usize::from(width)))
        .map(|l| Line::styled(l, theme.caution()))
        .collect();
    let title = Line::styled(
        truncate("Compose a routine for today", width),
        theme.accent(),
    );
    let needed = 1 + body.len() + problem.len();
    let roomy = needed + 2 <= usize::from(area.height);
    let mut lines = vec![title];
    if roomy {
        lines.push(Line::default());
    }
    lines.extend(body);
    if !problem.is_empty() {
        if roomy {
            lines.push(Line::default());
        }
        // The problem is what the user must read next: it keeps its rows,
        // and the choices give way.
        let room = usize::from(area.height).saturating_sub(problem.len());
        lines.truncate(room.max(1));
        lines.extend(problem);
    }
    lines
}

/// "› Focus     neck, shoulders".
fn question<'a>(field: &FieldView, active: bool, width: u16, theme: &Theme) -> Line<'a> {
    let marker = if active { "› " } else { "  " };
    let label = format!("{marker}{:<w$}", field.label, w = usize::from(LABEL) - 2);
    let answer = truncate(&field.answer, width.saturating_sub(LABEL));
    let style = if active {
        theme.selected().add_modifier(Modifier::BOLD)
    } else {
        theme.text()
    };
    Line::from(vec![
        Span::styled(label, if active { style } else { theme.dim() }),
        Span::styled(answer, style),
    ])
}

/// The choices of the question being answered, wrapped under its answer:
/// a chosen one ticked, the highlighted one in brackets. The minutes have
/// no choices: how to change them instead.
fn choices<'a>(field: &FieldView, width: u16, theme: &Theme) -> Vec<Line<'a>> {
    let indent = " ".repeat(usize::from(LABEL));
    let room = usize::from(width.saturating_sub(LABEL));
    if field.choices.is_empty() {
        let how = truncate("← → or type 3 to 60", room as u16);
        return vec![Line::from(vec![
            Span::raw(indent),
            Span::styled(how, theme.dim()),
        ])];
    }
    let mut lines = Vec::new();
    let mut spans: Vec<Span> = vec![Span::raw(indent.clone())];
    let mut used = 0;
    for choice in &field.choices {
        let text = choice_text(choice);
        let w = text.width();
        if used > 0 && used + 1 + w > room {
            lines.push(Line::from(std::mem::replace(
                &mut spans,
                vec![Span::raw(indent.clone())],
            )));
            used = 0;
        }
        if used > 0 {
            spans.push(Span::raw(" "));
            used += 1;
        }
        let style = match (choice.cursor, choice.chosen) {
            (true, _) => theme.selected().add_modifier(Modifier::BOLD),
            (false, true) => theme.accent(),
            (false, false) => theme.dim(),
        };
        spans.push(Span::styled(truncate(&text, room as u16), style));
        used += w;
    }
    lines.push(Line::from(spans));
    lines
}

/// "✓neck", "[jaw]", "[✓neck]".
fn choice_text(choice: &Choice) -> String {
    let tick = if choice.chosen { "✓" } else { "" };
    if choice.cursor {
        format!("[{tick}{}]", choice.word)
    } else {
        format!("{tick}{}", choice.word)
    }
}

/// The routine made: its name and length, the name being typed when
/// saving, then as many of its steps as fit.
fn result<'a>(
    stage: &ComposeStage,
    composed: &ComposedView,
    area: Rect,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let width = area.width;
    let mut lines = vec![
        Line::styled(truncate(&composed.name, width), theme.accent()),
        Line::styled(truncate(&composed.length, width), theme.dim()),
    ];
    if let ComposeStage::Naming(name) = stage {
        let label = "Save as: ";
        let room = width.saturating_sub(label.width() as u16 + 1);
        lines.push(Line::from(vec![
            Span::styled(label, theme.text()),
            Span::styled(truncate_start(name, room), theme.text()),
            Span::styled("▏", theme.accent()),
        ]));
    }
    let height = usize::from(area.height);
    if lines.len() + 1 + composed.steps.len() <= height {
        lines.push(Line::default());
    }
    let room = height.saturating_sub(lines.len());
    let count = composed.steps.len();
    // Every step, or all but the last row's worth and how many more.
    let shown = if count <= room {
        count
    } else {
        room.saturating_sub(1)
    };
    for step in composed.steps.iter().take(shown) {
        lines.push(Line::styled(truncate(step, width), theme.text()));
    }
    if shown < count && room > 0 {
        let more = format!("… and {} more", count - shown);
        lines.push(Line::styled(truncate(&more, width), theme.dim()));
    }
    lines
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::testing::{plain, render};
    use crate::app::Composer;
    use crate::app::views;
    use crate::input::FormKey;
    use crate::ui::ScreenView;

    /// The compose screen with the shipped steps, after `keys`.
    fn composer(setup: impl FnOnce(&mut Composer)) -> ScreenView {
        let mut c = Composer::for_tests();
        setup(&mut c);
        ScreenView::Compose(views::compose(&c))
    }

    fn focus_neck(c: &mut Composer) {
        c.form.minutes = 12;
        // Right to the neck and the shoulders.
        for key in [FormKey::Right, FormKey::Right, FormKey::Right] {
            c.key(key);
        }
        for key in [FormKey::Toggle, FormKey::Right, FormKey::Toggle] {
            c.key(key);
        }
    }

    #[test]
    fn questions_80x24() {
        insta::assert_snapshot!(render(&plain(composer(focus_neck)), 80, 24));
    }

    #[test]
    fn questions_40x12() {
        insta::assert_snapshot!(render(&plain(composer(focus_neck)), 40, 12));
    }

    /// A ball at hand, against a wall, the position's choices showing.
    fn tools_and_position(c: &mut Composer) {
        focus_neck(c);
        for key in [FormKey::Down, FormKey::Toggle, FormKey::Down] {
            c.key(key);
        }
        for _ in 0..4 {
            c.key(FormKey::Right);
        }
    }

    #[test]
    fn tools_and_position_80x24() {
        insta::assert_snapshot!(render(&plain(composer(tools_and_position)), 80, 24));
    }

    #[test]
    fn a_problem_shows_under_the_questions_40x12() {
        let view = composer(|c| c.build());
        insta::assert_snapshot!(render(&plain(view), 40, 12));
    }

    fn composed(c: &mut Composer) {
        focus_neck(c);
        c.build();
    }

    #[test]
    fn composed_80x24() {
        insta::assert_snapshot!(render(&plain(composer(composed)), 80, 24));
    }

    #[test]
    fn composed_40x12() {
        insta::assert_snapshot!(render(&plain(composer(composed)), 40, 12));
    }

    #[test]
    fn naming_40x12() {
        let view = composer(|c| {
            composed(c);
            c.naming_for_tests("Neck, today");
        });
        insta::assert_snapshot!(render(&plain(view), 40, 12));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        #[test]
        fn never_panics_at_any_size(w in 0u16..=200, h in 0u16..=60, field in 0usize..5) {
            let view = composer(|c| {
                for _ in 0..field {
                    c.key(FormKey::Down);
                }
            });
            render(&plain(view), w, h);
            render(&plain(composer(composed)), w, h);
        }
    }
}
