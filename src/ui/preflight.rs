//! The screen before a session: what the routine is, what to have ready,
//! and its safety note, which stays on screen at every size.

use crate::ui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::Theme;
use super::kit::area::column;
use super::kit::stack::{Item, render_fitted, stack, stack_height, text_height, wrapped};
use super::view::RoutineView;

/// Wider lines are hard to follow from arm's length.
const MAX_COLUMN: u16 = 72;

/// Draw the screen in `body`, the rows above the key hints.
pub fn draw(frame: &mut Frame, body: Rect, routine: &RoutineView, theme: &Theme) {
    let column = column(body, MAX_COLUMN);
    let safety = wrapped(routine.safety.clone(), theme.caution());
    // The note sits right of a caution-coloured bar: two columns narrower.
    let note_rows = if routine.safety.is_empty() {
        0
    } else {
        text_height(&safety, column.width.saturating_sub(2))
    };
    // The stop line wraps onto a second row on a narrow screen.
    let stop = wrapped(stop_line(), theme.caution().add_modifier(Modifier::BOLD));
    let stop_rows = text_height(&stop, column.width.saturating_sub(2)).max(1);
    let whole_note = note_rows + stop_rows;

    let items = fitting(items(routine, theme), column, whole_note, stop_rows);
    // The note's last line (`safety::STOP_LINE`) keeps its rows.
    let top = stack_height(&items, column.width, 0).min(column.height.saturating_sub(stop_rows));
    let note = (column.height - top).min(whole_note);
    // On a tall terminal, start a little above the middle rather than
    // leaving every empty row at the bottom.
    let y = column.y + (column.height - top - note) / 3;
    stack(
        frame,
        Rect {
            y,
            height: top,
            ..column
        },
        &items,
        0,
        theme,
    );
    let below = Rect {
        y: y + top,
        height: note,
        ..column
    };
    draw_safety(frame, below, &safety, note_rows, &stop, theme);
}

/// The items that fit above a safety note of `note` rows in `column`.
///
/// Rows run short on small terminals. What the user has most likely read
/// already (the summary, in the picker) gives way first, then the prepare
/// list, then the spacing; the safety note comes before all of them, and
/// the length and tools go only to keep two lines of it.
fn fitting(
    mut items: Vec<(u8, Item<'_>)>,
    column: Rect,
    note: u16,
    stop_rows: u16,
) -> Vec<Item<'_>> {
    let fits = |items: &[(u8, Item)], note: u16| {
        let rows = items.iter().map(|(_, p)| p.height(column.width, 0));
        rows.fold(note, u16::saturating_add) <= column.height
    };
    for rank in [DROP_FIRST, DROP_SECOND, DROP_THIRD] {
        if fits(&items, note) {
            break;
        }
        items.retain(|(r, _)| *r != rank);
    }
    // Two lines of the note, its "…" and its stop line.
    if !fits(&items, note.min(3 + stop_rows)) {
        items.retain(|(r, _)| *r != DROP_LAST);
    }
    items.into_iter().map(|(_, p)| p).collect()
}

const DROP_FIRST: u8 = 4;
const DROP_SECOND: u8 = 3;
const DROP_THIRD: u8 = 2;
const DROP_LAST: u8 = 1;
const KEEP: u8 = 0;

/// Everything above the safety note, each with how soon it gives way.
fn items<'a>(routine: &RoutineView, theme: &Theme) -> Vec<(u8, Item<'a>)> {
    let name = Paragraph::new(Line::styled(routine.name.clone(), theme.accent()))
        .wrap(Wrap { trim: true });
    let mut items = vec![(KEEP, Item::Text(name))];
    if let Some(resume) = &routine.resume {
        let resume = wrapped(resume.clone(), theme.accent().add_modifier(Modifier::BOLD));
        items.push((KEEP, Item::Text(resume)));
    }
    if !routine.summary.is_empty() {
        let summary = wrapped(routine.summary.clone(), theme.text());
        items.push((DROP_FIRST, Item::Text(summary)));
    }
    items.push((DROP_THIRD, Item::Gap));

    let mut facts = vec![Line::styled(routine.length.clone(), theme.dim())];
    if let Some(fitted) = &routine.fitted {
        facts.push(Line::styled(fitted.clone(), theme.dim()));
    }
    if !routine.tools.is_empty() {
        facts.push(Line::from(vec![
            Span::styled("You will need: ", theme.dim()),
            Span::styled(routine.tools.join(", "), theme.text()),
        ]));
    }
    items.push((
        DROP_LAST,
        Item::Text(Paragraph::new(facts).wrap(Wrap { trim: true })),
    ));

    if !routine.prepare.is_empty() {
        items.push((DROP_SECOND, Item::Gap));
        for item in &routine.prepare {
            let item = wrapped(item.clone(), theme.text());
            items.push((DROP_SECOND, Item::Bullet(item)));
        }
    }
    items.push((DROP_THIRD, Item::Gap));
    items
}

/// The line under every safety note, whatever the routine says.
fn stop_line() -> String {
    format!("{}.", crate::safety::STOP_LINE)
}

/// The note behind a bar in the caution colour, ending with the one line
/// that is always there, whatever the routine says.
fn draw_safety(
    frame: &mut Frame,
    area: Rect,
    note: &Paragraph,
    note_rows: u16,
    stop: &Paragraph,
    theme: &Theme,
) {
    if area.is_empty() {
        return;
    }
    frame.render_widget(
        Block::new()
            .borders(Borders::LEFT)
            .border_style(theme.caution()),
        area,
    );
    let inner = Rect {
        x: area.x + 2,
        width: area.width.saturating_sub(2),
        ..area
    };
    let rows = text_height(stop, inner.width).clamp(1, inner.height);
    let last = inner.height - rows;
    frame.render_widget(
        stop.clone(),
        Rect {
            y: inner.y + last,
            height: rows,
            ..inner
        },
    );
    if note_rows > 0 {
        let room = Rect {
            height: last,
            ..inner
        };
        render_fitted(
            frame,
            room,
            note,
            "… enlarge the window for the rest",
            theme,
        );
    }
}

#[cfg(test)]
pub(super) mod tests {
    use proptest::prelude::*;

    use super::super::testing::{plain, render};
    use crate::app::views;
    use crate::routine::parse::parse_routine;
    use crate::routine::{Library, Routine};
    use crate::ui::ScreenView;

    /// A routine in Japanese with emoji: wide characters must line up.
    pub const WIDE: &str = r#"
name = "肩こりほぐし 🌿"
summary = "首と肩のための短いルーティン。🙆 Gentle strokes for the neck."
tags = ["首", "肩", "😌"]
tools = ["手", "テニスボール 🎾"]
prepare = ["椅子に深く座り、足を床につける", "水を用意する 💧"]
safety = "痛みが強くなったらすぐに中止してください。喉の前側は押さないこと。"

[[steps]]
kind = "gliding"
title = "首のストローク 🖐"
duration = "1m"
area = "neck"
"#;

    pub fn wide() -> Routine {
        parse_routine("katakori", "katakori.toml", WIDE).unwrap()
    }

    fn daily_back() -> Routine {
        crate::routine::builtin::routine("daily-back")
    }

    fn preflight(r: &Routine) -> ScreenView {
        ScreenView::Preflight(views::routine(r))
    }

    #[test]
    fn daily_back_80x24() {
        let r = daily_back();
        insta::assert_snapshot!(render(&plain(preflight(&r)), 80, 24));
    }

    #[test]
    fn daily_back_40x12() {
        let r = daily_back();
        insta::assert_snapshot!(render(&plain(preflight(&r)), 40, 12));
    }

    #[test]
    fn wide_characters_80x24() {
        let r = wide();
        insta::assert_snapshot!(render(&plain(preflight(&r)), 80, 24));
    }

    #[test]
    fn wide_characters_40x12() {
        let r = wide();
        insta::assert_snapshot!(render(&plain(preflight(&r)), 40, 12));
    }

    /// Daily back reset fitted to 9 minutes, continuing at step 6.
    fn continued() -> Routine {
        let mut r = crate::fit::fit(&daily_back(), 9).unwrap();
        r.run.resumes = Some(crate::routine::Resumes {
            record: "2026-03-10T07:30:00+01:00".into(),
            step: 5,
        });
        r
    }

    #[test]
    fn fitted_and_continued_80x24() {
        let r = continued();
        insta::assert_snapshot!(render(&plain(preflight(&r)), 80, 24));
    }

    #[test]
    fn fitted_and_continued_40x12() {
        let r = continued();
        insta::assert_snapshot!(render(&plain(preflight(&r)), 40, 12));
    }

    #[test]
    fn the_stop_line_and_keys_show_at_every_size() {
        for r in Library::builtins()
            .entries
            .iter()
            .filter_map(|e| e.routine.as_ref().ok())
        {
            for (w, h) in [(40, 12), (41, 13), (60, 15), (80, 24), (200, 60)] {
                let text = render(&plain(preflight(r)), w, h);
                assert!(
                    text.contains("Stop at sharp, spreading or tingling"),
                    "{}, {w}×{h}:\n{text}",
                    r.id
                );
                assert!(text.contains("enter begin"), "{}, {w}×{h}:\n{text}", r.id);
                assert!(text.contains(&r.name), "{}, {w}×{h}:\n{text}", r.id);
            }
        }
    }

    #[test]
    fn control_characters_in_a_routine_are_shown_not_sent() {
        let text = "name = \"Evil \\u001b]0;pwned\\u0007\"\nsafety = \"a\\u009bb\"\ntools = [\"\\u001b[2J\"]\n\
                    [[steps]]\nkind = \"rest\"\ntitle = \"x\"\nduration = \"1m\"\n";
        let r = parse_routine("evil", "evil.toml", text).unwrap();
        let out = render(&plain(preflight(&r)), 80, 24);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("Evil \\u{1b}]0;pwned\\u{7}"), "{out}");
        assert!(out.contains("a\\u{9b}b"), "{out}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_at_any_size(w in 0u16..=300, h in 0u16..=100) {
            let (a, b) = (daily_back(), wide());
            render(&plain(preflight(&a)), w, h);
            render(&plain(preflight(&b)), w, h);
        }
    }
}
