//! The routine picker: the list on the left, the highlighted routine's
//! details on the right (under the list on narrow terminals), and `/` to
//! filter.

use crate::ui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::Theme;
use super::kit::area::split_at_column;
use super::kit::stack::{Item, stack, wrapped};
use super::kit::text::{truncate, truncate_start};
use super::view::{Details, PickerRow, PickerView, ProblemsView, RoutineView};

/// Narrower than this, the details go under the list instead of beside it.
const SIDE_BY_SIDE: u16 = 64;
/// Beyond these, extra width is only more distance for the eye to travel.
const MAX_LIST: u16 = 40;
const MAX_DETAILS: u16 = 76;
/// Room for the facts' labels ("Length", "Source") and a gap.
const LABEL: u16 = 8;

/// Draw the screen in `body`, the rows above the key hints.
pub fn draw(frame: &mut Frame, body: Rect, view: &PickerView, theme: &Theme) {
    match &view.details {
        // Nothing to show details of: the message gets the whole width.
        None => draw_list(frame, trim_right(body), view, theme),
        Some(details) if body.width >= SIDE_BY_SIDE => {
            side_by_side(frame, body, view, details, theme)
        }
        Some(details) => stacked(frame, body, view, details, theme),
    }
}

/// The list on the left, a thin rule, the details on the right.
fn side_by_side(
    frame: &mut Frame,
    body: Rect,
    view: &PickerView,
    details: &Details,
    theme: &Theme,
) {
    let list_width = list_width(view, body.width);
    draw_list(
        frame,
        Rect {
            width: list_width,
            ..body
        },
        view,
        theme,
    );
    let rule = Rect {
        x: body.x + list_width + 1,
        width: 1,
        ..body
    };
    let rule_style = Block::new()
        .borders(Borders::LEFT)
        .border_style(theme.dim());
    frame.render_widget(rule_style, rule);
    let x = rule.x + 2;
    let width = body.right().saturating_sub(x + 1).min(MAX_DETAILS);
    let items = items(details, true, theme);
    stack(frame, Rect { x, width, ..body }, &items, LABEL, theme);
}

/// Half the rows for the list (at least a few), the rest for the details
/// of the highlighted routine, under a thin rule.
fn stacked(frame: &mut Frame, body: Rect, view: &PickerView, details: &Details, theme: &Theme) {
    let wanted = u16::try_from(view.rows.len())
        .unwrap_or(u16::MAX)
        .saturating_add(1);
    let list_height = wanted
        .min((body.height.saturating_sub(1) / 2).max(4))
        .min(body.height);
    draw_list(
        frame,
        trim_right(Rect {
            height: list_height,
            ..body
        }),
        view,
        theme,
    );
    let rest = Rect {
        y: body.y + list_height,
        height: body.height - list_height,
        ..body
    };
    if rest.height < 2 {
        return;
    }
    frame.render_widget(
        Block::new().borders(Borders::TOP).border_style(theme.dim()),
        rest,
    );
    let inner = Rect {
        x: rest.x + 2,
        y: rest.y + 1,
        width: rest.width.saturating_sub(3),
        height: rest.height - 1,
    };
    let items = items(details, false, theme);
    stack(frame, inner, &items, LABEL, theme);
}

/// `area` less its last column, so the list's right edge does not touch
/// the terminal's.
fn trim_right(area: Rect) -> Rect {
    Rect {
        width: area.width.saturating_sub(1),
        ..area
    }
}

/// `area` without the column the selection marker takes.
fn indent(area: Rect) -> Rect {
    split_at_column(area, 2).1
}

/// Wide enough for the longest name and its length, within limits.
fn list_width(view: &PickerView, width: u16) -> u16 {
    let longest = view
        .rows
        .iter()
        .map(|r| {
            2 + r.label.width()
                + 2
                + r.length.width()
                + 2 * usize::from(r.resumable)
                + TODAY.width() * usize::from(r.today)
        })
        .max()
        .unwrap_or(0);
    let longest = u16::try_from(longest).unwrap_or(u16::MAX);
    longest.clamp(24, MAX_LIST).min(width * 2 / 5)
}

/// The header (the filter, or "Routines") and as many rows as fit, scrolled
/// so that the highlighted one shows.
fn draw_list(frame: &mut Frame, area: Rect, view: &PickerView, theme: &Theme) {
    if area.is_empty() {
        return;
    }
    let count = view.rows.len();
    let selected = view.selected.min(count.saturating_sub(1));
    let position = if count > 0 {
        format!("{}/{count}", selected + 1)
    } else {
        String::new()
    };
    let room = (area.width as usize).saturating_sub(2 + position.width() + 1);
    let top = Rect { height: 1, ..area };
    frame.render_widget(Paragraph::new(header(view, room, theme)), indent(top));
    frame.render_widget(
        Paragraph::new(Line::styled(position, theme.dim())).right_aligned(),
        top,
    );

    let rows = Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    };
    if count == 0 {
        draw_no_match(frame, indent(rows), view, theme);
        return;
    }
    let visible = rows.height as usize;
    // Keep the highlighted row near the middle, so there is context on
    // both sides of it whichever way the user is moving.
    let offset = selected
        .saturating_sub(visible.saturating_sub(1) / 2)
        .min(count.saturating_sub(visible));
    for (i, entry) in view.rows.iter().enumerate().skip(offset).take(visible) {
        let rect = Rect {
            y: rows.y + (i - offset) as u16,
            height: 1,
            ..rows
        };
        let line = row(entry, rect.width, i == selected, theme);
        let style = if i == selected {
            theme.selected()
        } else {
            theme.text()
        };
        frame.render_widget(Paragraph::new(line).style(style), rect);
    }
}

/// The filter matched nothing (or there is nothing at all): say so, and
/// how to get the routines back.
fn draw_no_match(frame: &mut Frame, area: Rect, view: &PickerView, theme: &Theme) {
    let what = if view.filter.is_empty() {
        "No routines found.".to_owned()
    } else {
        format!("No routine matches “{}”.", view.filter)
    };
    // The keys named here are the keymap's own.
    use crate::input::{Action, Context, key_for};
    let hint = match (view.filter.is_empty(), view.filtering) {
        (true, _) => String::new(),
        (false, true) => key_for(Context::Filtering, Action::FilterClear)
            .map(|k| format!("{k} clears the filter."))
            .unwrap_or_default(),
        (false, false) => key_for(Context::Picker, Action::StartFilter)
            .map(|k| format!("Press {k} to change the filter."))
            .unwrap_or_default(),
    };
    let lines = vec![
        Line::styled(what, theme.text()),
        Line::styled(hint, theme.dim()),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

/// "/ neck▏" while typing, "/ neck" when a filter is kept, else "Routines".
fn header<'a>(view: &PickerView, room: usize, theme: &Theme) -> Line<'a> {
    if view.filter.is_empty() && !view.filtering {
        return Line::styled("Routines", theme.dim());
    }
    let cursor = if view.filtering { "▏" } else { "" };
    let budget = room.saturating_sub(2 + cursor.width());
    // The end of a long filter is what is being typed: keep that part.
    let text = truncate_start(&view.filter, u16::try_from(budget).unwrap_or(u16::MAX));
    Line::from(vec![
        Span::styled("/ ", theme.dim()),
        Span::styled(text, theme.text()),
        Span::styled(cursor, theme.accent()),
    ])
}

/// A stopped session of the routine can be continued.
const RESUMABLE: &str = "↺ ";
/// Today's practice by the plan.
const TODAY: &str = "today ";

/// "› Daily back reset      12:30", the name cut to leave the length room;
/// "↺" before the length when a stopped session can be continued, "today"
/// when the plan says it is today's.
fn row<'a>(entry: &PickerRow, width: u16, selected: bool, theme: &Theme) -> Line<'a> {
    let marker = if selected { "› " } else { "  " };
    let mut style = if entry.broken {
        theme.caution()
    } else {
        theme.text()
    };
    let mark = match (entry.today, entry.resumable) {
        (true, true) => "today ↺ ",
        (true, false) => TODAY,
        (false, true) => RESUMABLE,
        (false, false) => "",
    };
    let used = marker.width() + mark.width() + entry.length.width() + 2;
    let room = usize::from(width).saturating_sub(used);
    let name = truncate(&entry.label, u16::try_from(room).unwrap_or(u16::MAX));
    let pad = usize::from(width)
        .saturating_sub(marker.width() + name.width() + mark.width() + entry.length.width());
    if selected {
        style = style.add_modifier(Modifier::BOLD);
    }
    Line::from(vec![
        Span::styled(marker, theme.accent()),
        Span::styled(name, style),
        Span::raw(" ".repeat(pad)),
        Span::styled(mark, theme.accent()),
        Span::styled(entry.length.clone(), theme.dim()),
    ])
}

/// The highlighted entry's details. Beside the list there is room for all
/// of them; under it, the name (already in the list), tags and source go.
fn items<'a>(details: &Details, roomy: bool, theme: &Theme) -> Vec<Item<'a>> {
    match details {
        Details::Routine { routine, source } => routine_items(routine, source, roomy, theme),
        Details::Broken(problems) => problem_items(problems, roomy, theme),
    }
}

fn routine_items<'a>(r: &RoutineView, source: &str, roomy: bool, theme: &Theme) -> Vec<Item<'a>> {
    let mut items = Vec::new();
    if roomy {
        items.push(Item::Text(
            Paragraph::new(Line::styled(r.name.clone(), theme.accent())).wrap(Wrap { trim: true }),
        ));
    }
    // A stopped session is what the user most likely came back for.
    if let Some(resume) = &r.resume {
        items.push(Item::Text(wrapped(resume.clone(), theme.accent())));
    }
    if !r.summary.is_empty() {
        items.push(Item::Text(wrapped(r.summary.clone(), theme.text())));
    }
    if roomy {
        items.push(Item::Gap);
    }
    items.push(fact("Length", r.length.clone(), theme));
    if let Some(fitted) = &r.fitted {
        items.push(fact("", fitted.clone(), theme));
    }
    if let (true, Some(keys)) = (roomy, &r.fit_keys) {
        items.push(Item::Fact(
            Span::raw(""),
            wrapped(keys.clone(), theme.dim()),
        ));
    }
    if !r.tools.is_empty() {
        items.push(fact("Tools", r.tools.join(", "), theme));
    }
    if roomy {
        if !r.tags.is_empty() {
            items.push(fact("Tags", r.tags.join(", "), theme));
        }
        items.push(fact("Source", source.to_owned(), theme));
    }
    if !r.safety.is_empty() {
        if roomy {
            items.push(Item::Gap);
        }
        items.push(Item::Text(wrapped(r.safety.clone(), theme.caution())));
    }
    items
}

fn problem_items<'a>(problems: &ProblemsView, roomy: bool, theme: &Theme) -> Vec<Item<'a>> {
    let mut items = Vec::new();
    if roomy {
        let title = format!("✗ {}", problems.id);
        items.push(Item::Text(
            Paragraph::new(Line::styled(title, theme.caution())).wrap(Wrap { trim: true }),
        ));
    }
    items.push(Item::Text(wrapped(
        "This file cannot be opened:".to_owned(),
        theme.text(),
    )));
    // A whole path would wrap mid-name under the list; there, its name will do.
    let file = if roomy {
        &problems.path
    } else {
        &problems.file_name
    };
    items.push(Item::Text(wrapped(file.clone(), theme.dim())));
    for problem in &problems.problems {
        items.push(Item::Bullet(wrapped(problem.clone(), theme.caution())));
    }
    items.push(Item::Gap);
    let check = "`knotless check` shows each problem in place, with how to fix it.";
    items.push(Item::Text(wrapped(check.to_owned(), theme.dim())));
    items
}

fn fact<'a>(label: &'a str, value: String, theme: &Theme) -> Item<'a> {
    Item::Fact(
        Span::styled(label, theme.dim()),
        wrapped(value, theme.text()),
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::super::preflight::tests::WIDE;
    use super::super::testing::{plain, render};
    use crate::app::views;
    use crate::routine::parse::parse_routine;
    use crate::routine::{Entry, Library, Origin};
    use crate::ui::ScreenView;

    fn picker(entries: Vec<&Entry>, selected: usize, filter: &str, filtering: bool) -> ScreenView {
        ScreenView::Picker(views::picker_list(
            &entries,
            selected,
            filter,
            filtering,
            &Default::default(),
        ))
    }

    const BROKEN_PATH: &str = "/home/me/.config/knotless/routines/broken.toml";

    fn broken() -> Entry {
        let text = "name = \"Broken\"\nsumary = \"typo\"\n[[steps]]\nkind = \"rub\"\ntitle = \"x\"\nduration = \"1m\"\n";
        Entry {
            id: "broken".into(),
            origin: Origin::User(PathBuf::from(BROKEN_PATH)),
            routine: parse_routine("broken", BROKEN_PATH, text),
        }
    }

    fn wide() -> Entry {
        Entry {
            id: "katakori".into(),
            origin: Origin::User(PathBuf::from(
                "/home/me/.config/knotless/routines/katakori.toml",
            )),
            routine: parse_routine("katakori", "katakori.toml", WIDE),
        }
    }

    /// Built-ins with a broken user file and a wide-character one, in id
    /// order as the library keeps them.
    fn library() -> Library {
        let mut lib = Library::builtins();
        lib.entries.push(broken());
        lib.entries.push(wide());
        lib.entries.sort_by(|a, b| a.id.cmp(&b.id));
        lib
    }

    fn all(lib: &Library) -> Vec<&Entry> {
        lib.entries.iter().collect()
    }

    fn index(lib: &Library, id: &str) -> usize {
        lib.entries.iter().position(|e| e.id == id).unwrap()
    }

    #[test]
    fn first_selected_80x24() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&plain(picker(all(&lib), 0, "", false)), 80, 24));
    }

    #[test]
    fn first_selected_40x12() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&plain(picker(all(&lib), 0, "", false)), 40, 12));
    }

    #[test]
    fn later_selected_80x24() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&plain(picker(all(&lib), 5, "", false)), 80, 24));
    }

    #[test]
    fn later_selected_40x12() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&plain(picker(all(&lib), 5, "", false)), 40, 12));
    }

    fn neck(lib: &Library) -> Vec<&Entry> {
        lib.entries
            .iter()
            .filter(|e| {
                e.routine
                    .as_ref()
                    .is_ok_and(|r| r.tags.iter().any(|t| t == "neck"))
            })
            .collect()
    }

    #[test]
    fn filtering_80x24() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&plain(picker(neck(&lib), 1, "neck", true)), 80, 24));
    }

    #[test]
    fn filtering_40x12() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&plain(picker(neck(&lib), 1, "neck", true)), 40, 12));
    }

    #[test]
    fn a_kept_filter_still_shows() {
        let lib = Library::builtins();
        let text = render(&plain(picker(neck(&lib), 0, "neck", false)), 80, 24);
        assert!(text.lines().next().unwrap().contains("/ neck"), "{text}");
        assert!(!text.contains('▏'), "{text}");
        assert!(text.contains("/ filter"), "{text}");
    }

    #[test]
    fn a_long_filter_shows_its_end() {
        let filter = &format!("{}until it ends", "a very long filter ".repeat(5));
        let text = render(&plain(picker(vec![], 0, filter, true)), 80, 24);
        let first = text.lines().next().unwrap();
        assert!(
            first.starts_with("  / …") && first.ends_with("filter until it ends▏"),
            "{text}"
        );
    }

    #[test]
    fn no_match_80x24() {
        insta::assert_snapshot!(render(&plain(picker(vec![], 0, "xyz", true)), 80, 24));
    }

    #[test]
    fn no_match_40x12() {
        insta::assert_snapshot!(render(&plain(picker(vec![], 0, "xyz", false)), 40, 12));
    }

    #[test]
    fn broken_selected_80x24() {
        let lib = library();
        let at = index(&lib, "broken");
        insta::assert_snapshot!(render(&plain(picker(all(&lib), at, "", false)), 80, 24));
    }

    #[test]
    fn broken_selected_40x12() {
        let lib = library();
        let at = index(&lib, "broken");
        insta::assert_snapshot!(render(&plain(picker(all(&lib), at, "", false)), 40, 12));
    }

    #[test]
    fn wide_characters_80x24() {
        let lib = library();
        let at = index(&lib, "katakori");
        insta::assert_snapshot!(render(&plain(picker(all(&lib), at, "", false)), 80, 24));
    }

    #[test]
    fn wide_characters_40x12() {
        let lib = library();
        let at = index(&lib, "katakori");
        insta::assert_snapshot!(render(&plain(picker(all(&lib), at, "", false)), 40, 12));
    }

    /// Daily back reset fitted to 9 minutes and stopped at step 6.
    fn today() -> crate::app::Today {
        let mut today = crate::app::Today::default();
        today.minutes.insert("daily-back".into(), 9);
        today.resumes.insert(
            "daily-back".into(),
            crate::history::ResumePoint {
                record: "2026-03-10T07:30:00+01:00".into(),
                step: 5,
                steps: 10,
                stopped: "2026-03-10T07:35:00+01:00[+01:00]".parse().unwrap(),
                fitted_minutes: Some(9),
            },
        );
        today
    }

    fn for_today(lib: &Library) -> ScreenView {
        let at = index(lib, "daily-back");
        ScreenView::Picker(views::picker_list(&all(lib), at, "", false, &today()))
    }

    #[test]
    fn fitted_and_stopped_80x24() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&plain(for_today(&lib)), 80, 24));
    }

    #[test]
    fn fitted_and_stopped_40x12() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&plain(for_today(&lib)), 40, 12));
    }

    /// Desk break planned for today, Daily back reset stopped: the plan's
    /// routine leads the list, marked, and the cursor is on the stopped one.
    fn planned_today(lib: &Library) -> ScreenView {
        let mut today = today();
        today.planned = Some(crate::plan::Planned {
            what: crate::plan::What::Routine("desk-break".into()),
            name: "Desk break".into(),
            done: false,
        });
        let picker = crate::app::Picker {
            today,
            ..Default::default()
        };
        let entries = picker.matching(lib);
        let at = entries.iter().position(|e| e.id == "daily-back").unwrap();
        ScreenView::Picker(views::picker_list(&entries, at, "", false, &picker.today))
    }

    #[test]
    fn planned_today_80x24() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&plain(planned_today(&lib)), 80, 24));
    }

    #[test]
    fn planned_today_40x12() {
        let lib = Library::builtins();
        insta::assert_snapshot!(render(&plain(planned_today(&lib)), 40, 12));
    }

    #[test]
    fn the_selected_row_is_always_on_screen() {
        let lib = library();
        for h in 12..30 {
            for w in [40, 63, 64, 80] {
                for (i, e) in lib.entries.iter().enumerate() {
                    let text = render(&plain(picker(all(&lib), i, "", false)), w, h);
                    let row = text.lines().find(|l| l.contains('›'));
                    assert!(row.is_some(), "row {i} at {w}×{h}:\n{text}");
                    let name = match &e.routine {
                        Ok(r) => r.name.chars().take(4).collect::<String>(),
                        Err(_) => e.id.clone(),
                    };
                    assert!(row.unwrap().contains(&name), "row {i} at {w}×{h}:\n{text}");
                }
            }
        }
    }

    #[test]
    fn names_from_files_are_escaped() {
        let text = "name = \"Evil \\u001b[2J\"\n[[steps]]\nkind = \"rest\"\ntitle = \"x\"\nduration = \"1m\"\n";
        let entry = Entry {
            id: "evil\u{1b}".into(),
            origin: Origin::User(PathBuf::from("/tmp/evil\u{7}.toml")),
            routine: parse_routine("evil", "evil.toml", text),
        };
        let bad = Entry {
            routine: parse_routine("evil", "evil\u{1b}.toml", "name = 1\n"),
            ..entry.clone()
        };
        for e in [&entry, &bad] {
            let out = render(&plain(picker(vec![e], 0, "\u{1b}x", true)), 80, 24);
            assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
            assert!(out.contains("\\u{1b}"), "{out}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_at_any_size(w in 0u16..=300, h in 0u16..=100, selected in 0usize..12, filtering: bool) {
            let lib = library();
            render(&plain(picker(all(&lib), selected, "", filtering)), w, h);
            render(&plain(picker(vec![], 0, "nothing at all matches this", filtering)), w, h);
        }
    }
}
