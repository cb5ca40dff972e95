//! The screen before a session: what the routine is, what to have ready,
//! and its safety note, which stays on screen at every size.
//!
//! Also home to `fit`, the few helpers that lay long wrapped text out in a
//! fixed number of rows; the picker and done screens use them too.

use crate::input::KeyHelp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Theme, common};
use crate::routine::Routine;
use crate::routine::duration::words;
use crate::text::{escape_inline, escape_multiline};
use crate::timeline::Timeline;
use fit::{Part, text_height};

/// Wider lines are hard to follow from arm's length.
const MAX_COLUMN: u16 = 72;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    routine: &Routine,
    status: Option<&str>,
    keys: &[KeyHelp],
    theme: &Theme,
) {
    let (body, hints) = fit::split_last_row(area);
    common::key_hints(frame, hints, keys, status, theme);

    let column = fit::column(body, MAX_COLUMN);
    let safety = fit::wrapped(
        escape_multiline(&routine.safety).into_owned(),
        theme.caution(),
    );
    // The note sits right of a caution-coloured bar: two columns narrower.
    let note_rows = if routine.safety.is_empty() {
        0
    } else {
        text_height(&safety, column.width.saturating_sub(2))
    };
    let whole_note = note_rows + 1; // and "Stop if anything hurts."

    let parts = fitting(parts(routine, theme), column, whole_note);
    // The note's last line ("Stop if anything hurts.") keeps its row.
    let top = fit::stack_height(&parts, column.width, 0).min(column.height.saturating_sub(1));
    let note = (column.height - top).min(whole_note);
    // On a tall terminal, start a little above the middle rather than
    // leaving every empty row at the bottom.
    let y = column.y + (column.height - top - note) / 3;
    fit::stack(
        frame,
        Rect {
            y,
            height: top,
            ..column
        },
        &parts,
        0,
        theme,
    );
    let below = Rect {
        y: y + top,
        height: note,
        ..column
    };
    draw_safety(frame, below, &safety, note_rows, theme);
}

/// The parts that fit above a safety note of `note` rows in `column`.
///
/// Rows run short on small terminals. What the user has most likely read
/// already (the summary, in the picker) gives way first, then the prepare
/// list, then the spacing; the safety note comes before all of them, and
/// the length and tools go only to keep two lines of it.
fn fitting(mut parts: Vec<(u8, Part<'_>)>, column: Rect, note: u16) -> Vec<Part<'_>> {
    let fits = |parts: &[(u8, Part)], note: u16| {
        let rows = parts.iter().map(|(_, p)| p.height(column.width, 0));
        rows.fold(note, u16::saturating_add) <= column.height
    };
    for rank in [DROP_FIRST, DROP_SECOND, DROP_THIRD] {
        if fits(&parts, note) {
            break;
        }
        parts.retain(|(r, _)| *r != rank);
    }
    // Two lines of the note, its "…" and its stop line.
    if !fits(&parts, note.min(4)) {
        parts.retain(|(r, _)| *r != DROP_LAST);
    }
    parts.into_iter().map(|(_, p)| p).collect()
}

const DROP_FIRST: u8 = 4;
const DROP_SECOND: u8 = 3;
const DROP_THIRD: u8 = 2;
const DROP_LAST: u8 = 1;
const KEEP: u8 = 0;

/// Everything above the safety note, each with how soon it gives way.
fn parts<'a>(routine: &'a Routine, theme: &Theme) -> Vec<(u8, Part<'a>)> {
    let name = Paragraph::new(Line::styled(escape_inline(&routine.name), theme.accent()))
        .wrap(Wrap { trim: true });
    let mut parts = vec![(KEEP, Part::Text(name))];
    if !routine.summary.is_empty() {
        let summary = fit::wrapped(
            escape_multiline(&routine.summary).into_owned(),
            theme.text(),
        );
        parts.push((DROP_FIRST, Part::Text(summary)));
    }
    parts.push((DROP_THIRD, Part::Gap));

    let length = Timeline::new(routine).total;
    let steps = plural(routine.steps.len(), "step", "steps");
    let mut facts = vec![Line::styled(
        format!("{} · {steps}", words(length)),
        theme.dim(),
    )];
    if !routine.tools.is_empty() {
        facts.push(Line::from(vec![
            Span::styled("You will need: ", theme.dim()),
            Span::styled(join(&routine.tools), theme.text()),
        ]));
    }
    parts.push((
        DROP_LAST,
        Part::Text(Paragraph::new(facts).wrap(Wrap { trim: true })),
    ));

    if !routine.prepare.is_empty() {
        parts.push((DROP_SECOND, Part::Gap));
        for item in &routine.prepare {
            let item = fit::wrapped(escape_multiline(item).into_owned(), theme.text());
            parts.push((DROP_SECOND, Part::Bullet(item)));
        }
    }
    parts.push((DROP_THIRD, Part::Gap));
    parts
}

/// The note behind a bar in the caution colour, ending with the one line
/// that is always there, whatever the routine says.
fn draw_safety(frame: &mut Frame, area: Rect, note: &Paragraph, note_rows: u16, theme: &Theme) {
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
    let stop = Line::styled(
        "Stop if anything hurts.",
        theme.caution().add_modifier(Modifier::BOLD),
    );
    let last = inner.height - 1;
    frame.render_widget(
        Paragraph::new(stop).wrap(Wrap { trim: true }),
        Rect {
            y: inner.y + last,
            height: 1,
            ..inner
        },
    );
    if note_rows > 0 {
        let room = Rect {
            height: last,
            ..inner
        };
        fit::render_fitted(
            frame,
            room,
            note,
            "… enlarge the window for the rest",
            theme,
        );
    }
}

/// "hands, tennis ball", each item made safe to show.
pub(super) fn join(items: &[String]) -> String {
    items
        .iter()
        .map(|t| escape_inline(t))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "1 step", "10 steps".
pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Laying wrapped text out in a known number of rows.
///
/// ratatui counts wrapped lines only behind an unstable feature, so a
/// paragraph is measured by drawing it off screen. Frames of these screens
/// are drawn only when something changes, so the cost does not matter.
pub(super) mod fit {
    use ratatui::Frame;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;
    use ratatui::text::{Line, Span, Text};
    use ratatui::widgets::{Paragraph, Widget, Wrap};
    use unicode_width::UnicodeWidthChar;

    use super::Theme;

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
        let mut rows: u16 = 16;
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

    /// Draw `paragraph` in `area`; when it does not fit, its last row
    /// becomes `more`, so that text never just stops mid-sentence.
    pub fn render_fitted(
        frame: &mut Frame,
        area: Rect,
        paragraph: &Paragraph,
        more: &str,
        theme: &Theme,
    ) {
        if area.is_empty() {
            return;
        }
        if text_height(paragraph, area.width) <= area.height {
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
        let more = Line::styled(truncate(more, area.width as usize), theme.dim());
        frame.render_widget(
            Paragraph::new(more),
            Rect {
                y: area.y + last,
                height: 1,
                ..area
            },
        );
    }

    /// One piece of a screen laid out top to bottom.
    pub enum Part<'a> {
        /// An empty row between groups.
        Gap,
        Text(Paragraph<'a>),
        /// A label and a value that wraps under itself.
        Fact(Span<'a>, Paragraph<'a>),
        /// A list item that wraps under itself, after a bullet.
        Bullet(Paragraph<'a>),
    }

    const BULLET: u16 = 2;

    impl Part<'_> {
        /// Rows at `width`, facts' values starting `label` columns in.
        pub fn height(&self, width: u16, label: u16) -> u16 {
            match self {
                Part::Gap => 1,
                Part::Text(p) => text_height(p, width),
                Part::Fact(_, p) => text_height(p, width.saturating_sub(label)).max(1),
                Part::Bullet(p) => text_height(p, width.saturating_sub(BULLET)),
            }
        }

        fn render(&self, frame: &mut Frame, area: Rect, label: u16, theme: &Theme) {
            let (left, right) = indent(area, label);
            match self {
                Part::Gap => {}
                Part::Text(p) => render_fitted(frame, area, p, "…", theme),
                Part::Fact(name, p) => {
                    frame.render_widget(Line::from(name.clone()), Rect { height: 1, ..left });
                    render_fitted(frame, right, p, "…", theme);
                }
                Part::Bullet(p) => {
                    let (bullet, text) = indent(area, BULLET);
                    frame.render_widget(
                        Line::styled("•", theme.dim()),
                        Rect {
                            height: 1,
                            ..bullet
                        },
                    );
                    render_fitted(frame, text, p, "…", theme);
                }
            }
        }
    }

    /// Rows the whole stack takes.
    pub fn stack_height(parts: &[Part], width: u16, label: u16) -> u16 {
        parts
            .iter()
            .map(|p| p.height(width, label))
            .fold(0, u16::saturating_add)
    }

    /// Lay `parts` out from the top of `area`; the first that does not fit
    /// is cut (marked "…") and the rest are left out.
    pub fn stack(frame: &mut Frame, area: Rect, parts: &[Part], label: u16, theme: &Theme) {
        let mut y = area.y;
        for part in parts {
            let room = area.bottom().saturating_sub(y);
            if room == 0 {
                break;
            }
            let rows = part.height(area.width, label);
            // A part cut to one row would be only its "…": leave it out.
            if rows > room && room < 2 {
                break;
            }
            let rows = rows.min(room);
            part.render(
                frame,
                Rect {
                    y,
                    height: rows,
                    ..area
                },
                label,
                theme,
            );
            y += rows;
        }
    }

    /// `area` split `at` columns from its left.
    fn indent(area: Rect, at: u16) -> (Rect, Rect) {
        let at = at.min(area.width);
        (
            Rect { width: at, ..area },
            Rect {
                x: area.x + at,
                width: area.width - at,
                ..area
            },
        )
    }

    /// Everything but the bottom row, and the bottom row (for key hints).
    pub fn split_last_row(area: Rect) -> (Rect, Rect) {
        let body = area.height.saturating_sub(1);
        (
            Rect {
                height: body,
                ..area
            },
            Rect {
                y: area.y + body,
                height: area.height - body,
                ..area
            },
        )
    }

    /// A column at most `max` wide, centred, a column clear of the edges
    /// and a row below the top when there is room for it.
    pub fn column(area: Rect, max: u16) -> Rect {
        let width = area.width.saturating_sub(2).min(max);
        let x = area.x + (area.width - width) / 2;
        let top = u16::from(area.height > 16);
        Rect {
            x,
            y: area.y + top,
            width,
            height: area.height - top,
        }
    }

    /// `text` cut to `width` columns, ending in "…" when cut. Counted in
    /// display columns, so wide characters never spill over.
    pub fn truncate(text: &str, width: usize) -> String {
        if unicode_width::UnicodeWidthStr::width(text) <= width {
            return text.to_owned();
        }
        let mut out = String::new();
        let mut used = 0;
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            used += w;
            out.push(c);
        }
        if width > 0 {
            out.push('…');
        }
        out
    }
}

#[cfg(test)]
pub(super) mod tests {
    use proptest::prelude::*;

    use super::super::testing::{plain, render};
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

    #[test]
    fn daily_back_80x24() {
        let r = daily_back();
        insta::assert_snapshot!(render(&plain(ScreenView::Preflight(&r)), 80, 24));
    }

    #[test]
    fn daily_back_40x12() {
        let r = daily_back();
        insta::assert_snapshot!(render(&plain(ScreenView::Preflight(&r)), 40, 12));
    }

    #[test]
    fn wide_characters_80x24() {
        let r = wide();
        insta::assert_snapshot!(render(&plain(ScreenView::Preflight(&r)), 80, 24));
    }

    #[test]
    fn wide_characters_40x12() {
        let r = wide();
        insta::assert_snapshot!(render(&plain(ScreenView::Preflight(&r)), 40, 12));
    }

    #[test]
    fn the_stop_line_and_keys_show_at_every_size() {
        for r in Library::builtins()
            .entries
            .iter()
            .filter_map(|e| e.routine.as_ref().ok())
        {
            for (w, h) in [(40, 12), (41, 13), (60, 15), (80, 24), (200, 60)] {
                let text = render(&plain(ScreenView::Preflight(r)), w, h);
                assert!(
                    text.contains("Stop if anything hurts."),
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
        let out = render(&plain(ScreenView::Preflight(&r)), 80, 24);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("Evil \\u{1b}]0;pwned\\u{7}"), "{out}");
        assert!(out.contains("a\\u{9b}b"), "{out}");
    }

    #[test]
    fn measuring_wrapped_text_agrees_with_drawing_it() {
        let p = super::fit::wrapped("one two three four five six".to_owned(), Default::default());
        assert_eq!(super::fit::text_height(&p, 9), 4); // "one two" "three" "four five" "six"
        assert_eq!(super::fit::text_height(&p, 100), 1);
        assert_eq!(super::fit::text_height(&p, 0), 0);
        let tall = super::fit::wrapped("word ".repeat(200), Default::default());
        assert_eq!(super::fit::text_height(&tall, 4), 200);
        let huge = super::fit::wrapped("word ".repeat(5000), Default::default());
        assert_eq!(super::fit::text_height(&huge, 4), 1024);
    }

    #[test]
    fn truncation_counts_columns_not_bytes() {
        use super::fit::truncate;
        assert_eq!(truncate("肩こりほぐし", 7), "肩こり…");
        assert_eq!(truncate("肩こりほぐし", 12), "肩こりほぐし");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_at_any_size(w in 0u16..=300, h in 0u16..=100) {
            let (a, b) = (daily_back(), wide());
            render(&plain(ScreenView::Preflight(&a)), w, h);
            render(&plain(ScreenView::Preflight(&b)), w, h);
        }
    }
}
