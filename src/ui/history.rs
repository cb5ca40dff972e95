//! The history screen: a calendar of the last 16 weeks shaded by minutes
//! practised, the streaks, the totals, the last session and the routines.
//!
//! At 80×24 the totals sit right of the calendar; on a narrower screen they
//! flow under it, and on a smaller one the calendar keeps fewer weeks and
//! the less important parts are left out, in a fixed order.

use crate::ui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::Theme;
use super::kit::area::column;
use super::kit::layout::{Part, plan_spaced};
use super::kit::text::truncate;
use super::view::{CalendarWeek, HistoryView, RoutineRow, Totals};

/// "Mo " before each calendar row.
const DAY_LABEL: u16 = 3;
/// Month labels and seven days.
const CALENDAR_ROWS: u16 = 8;
/// The totals beside the calendar: "Current streak" and a value.
const FACTS_LABEL: u16 = 16;
const FACTS_WIDTH: u16 = FACTS_LABEL + 14;
const GUTTER: u16 = 4;
const MAX_COLUMN: u16 = 76;

/// Draw the screen in `body`, the rows above the key hints.
pub fn draw(frame: &mut Frame, body: Rect, view: &HistoryView, theme: &Theme) {
    if view.charts {
        return super::progress::draw(frame, body, &view.progress, theme);
    }
    let body = column(body, MAX_COLUMN);
    if body.is_empty() {
        return;
    }
    let shown = view.weeks.len().min(usize::from(weeks_for(body.width)));
    let weeks = &view.weeks[view.weeks.len() - shown..];
    let calendar_width = calendar_width(weeks.len() as u16);
    // Beside the calendar only when the calendar is drawn: it comes first.
    let beside =
        body.width >= calendar_width + GUTTER + FACTS_WIDTH && body.height >= CALENDAR_ROWS;
    let facts = if beside {
        Vec::new()
    } else {
        flow(&short_facts(&view.totals), body.width)
    };
    let parts = parts(view, !weeks.is_empty(), facts.len() as u16);
    let rows = plan_spaced(&parts, body.height, |b| b == Block::Gap);
    let mut y = body.y;
    for (part, rows) in parts.iter().zip(rows) {
        let rect = Rect {
            y,
            height: rows,
            ..body
        };
        y += rows;
        if rows == 0 {
            continue;
        }
        match part.piece {
            Block::Gap => {}
            Block::Title => frame.render_widget(Line::styled("History", theme.accent()), rect),
            Block::Calendar => {
                calendar(frame, rect, weeks, theme);
                if beside {
                    let x = rect.x + calendar_width + GUTTER;
                    let right = Rect {
                        x,
                        y: rect.y + 1,
                        width: rect.right().saturating_sub(x),
                        height: rect.height.saturating_sub(1),
                    };
                    facts_table(frame, right, &view.totals, theme);
                }
            }
            Block::Legend => legend(frame, rect, theme),
            Block::Facts => {
                let lines: Vec<Line> = facts.iter().map(|items| fact_line(items, theme)).collect();
                frame.render_widget(Paragraph::new(lines), rect);
            }
            Block::Last => last_session(frame, rect, view.last.as_deref(), theme),
            Block::Routines => routines(frame, rect, &view.routines, theme),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Gap,
    Title,
    Calendar,
    Legend,
    Facts,
    Last,
    Routines,
}

/// The blocks top to bottom, for `plan_spaced`: the calendar and the totals
/// come first; the title, legend, last session and routines follow as room
/// allows (the totals may be cut to their first lines, the streak first,
/// and the routines to their heading and a row); the gaps come last, and
/// only between two shown blocks.
fn parts(view: &HistoryView, calendar: bool, facts: u16) -> [Part<Block>; 10] {
    let routines = if view.routines.is_empty() {
        0
    } else {
        view.routines.len().min(usize::from(u16::MAX) - 1) as u16 + 1
    };
    let calendar_rows = if calendar { CALENDAR_ROWS } else { 0 };
    [
        Part::fixed(Block::Title, 1, 3),
        Part::gap(Block::Gap, 7),
        Part::fixed(Block::Calendar, calendar_rows, 1),
        Part::fixed(Block::Legend, u16::from(calendar), 5),
        Part::gap(Block::Gap, 7),
        Part::new(Block::Facts, facts.min(1), facts, 2, 2),
        Part::gap(Block::Gap, 7),
        Part::fixed(Block::Last, 1, 4),
        Part::gap(Block::Gap, 8),
        Part::new(Block::Routines, routines.min(2), routines, 6, 6),
    ]
}

/// Weeks that fit in `width`: a day label, then two columns a week.
fn weeks_for(width: u16) -> u16 {
    width.saturating_sub(DAY_LABEL).div_ceil(2)
}

fn calendar_width(weeks: u16) -> u16 {
    (DAY_LABEL + weeks * 2).saturating_sub(1)
}

/// The shade of a day: muted dots for none, then denser blocks. The legend
/// below says the same in words.
fn shade(minutes: u64) -> &'static str {
    match minutes {
        0 => "·",
        1..5 => "░",
        5..10 => "▒",
        10..20 => "▓",
        _ => "█",
    }
}

const DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

/// Month names over the weeks they begin in, then a row per weekday and a
/// column per week, this week on the right.
fn calendar(frame: &mut Frame, area: Rect, weeks: &[CalendarWeek], theme: &Theme) {
    let mut months: Vec<Span> = vec![Span::raw(" ".repeat(usize::from(DAY_LABEL)))];
    let mut used = DAY_LABEL;
    for (w, week) in weeks.iter().enumerate() {
        let x = DAY_LABEL + 2 * w as u16;
        let label = if w == 0 {
            &week.month_if_first
        } else {
            &week.month
        };
        if let Some(name) = label
            && x >= used
        {
            months.push(Span::raw(" ".repeat(usize::from(x - used))));
            used = x + name.width() as u16;
            months.push(Span::styled(name.clone(), theme.dim()));
        }
    }
    let mut lines = vec![Line::from(months)];
    for (row, day_name) in DAYS.iter().enumerate() {
        let mut spans = vec![Span::styled(format!("{day_name} "), theme.dim())];
        for (w, week) in weeks.iter().enumerate() {
            let (symbol, style) = match week.days[row] {
                Some(day) => {
                    let style = if day.today {
                        theme.accent()
                    } else if day.minutes == 0 {
                        theme.dim()
                    } else {
                        theme.bar()
                    };
                    (shade(day.minutes), style)
                }
                None => (" ", Style::new()),
            };
            if w > 0 {
                spans.push(Span::raw(" "));
            }
            spans.push(Span::styled(symbol, style));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn legend(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut spans = vec![Span::raw(" ".repeat(usize::from(DAY_LABEL)))];
    let steps = [
        ("·", "0"),
        ("░", "1+"),
        ("▒", "5+"),
        ("▓", "10+"),
        ("█", "20+ min"),
    ];
    for (i, (symbol, words)) in steps.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        let style = if i == 0 { theme.dim() } else { theme.bar() };
        spans.push(Span::styled(*symbol, style));
        spans.push(Span::styled(format!(" {words}"), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The totals as a label column and a value column, beside the calendar.
fn facts_table(frame: &mut Frame, area: Rect, totals: &Totals, theme: &Theme) {
    let rows = [
        Some(("Current streak", &totals.streak)),
        Some(("Longest streak", &totals.longest)),
        None,
        Some(("Today", &totals.today)),
        Some(("This week", &totals.week)),
        Some(("This month", &totals.month)),
        Some(("All time", &totals.all_time)),
    ];
    let room = area.width.saturating_sub(FACTS_LABEL);
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|row| match row {
            None => Line::raw(""),
            Some((label, value)) => Line::from(vec![
                Span::styled(
                    format!("{label:<width$}", width = usize::from(FACTS_LABEL)),
                    theme.dim(),
                ),
                Span::styled(truncate(value, room), theme.text()),
            ]),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The totals in pairs that belong together, short enough for two to
/// share a line at 40 columns.
fn short_facts(totals: &Totals) -> [[(&'static str, &str); 2]; 3] {
    [
        [("Streak", &totals.streak), ("longest", &totals.longest)],
        [("Today", &totals.today), ("this week", &totals.week)],
        [("Month", &totals.month), ("in all", &totals.all_time)],
    ]
}

/// Each pair on one line when it fits in `width`, else on two.
fn flow<'a>(
    pairs: &[[(&'static str, &'a str); 2]],
    width: u16,
) -> Vec<Vec<(&'static str, &'a str)>> {
    let item_width = |(label, value): &(&str, &str)| label.width() + 1 + value.width();
    let mut lines = Vec::new();
    for [a, b] in pairs {
        if item_width(a) + 3 + item_width(b) <= usize::from(width) {
            lines.push(vec![*a, *b]);
        } else {
            lines.push(vec![*a]);
            lines.push(vec![*b]);
        }
    }
    lines
}

fn fact_line<'a>(items: &[(&'static str, &str)], theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    for (i, (label, value)) in items.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        let mut label = (*label).to_owned();
        if i == 0 {
            // A line's first item starts with a capital, wherever it falls.
            label = capitalise(&label);
        }
        spans.push(Span::styled(format!("{label} "), theme.dim()));
        spans.push(Span::styled((*value).to_owned(), theme.text()));
    }
    Line::from(spans)
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Last session  Tue 10 Mar 07:30 · Daily back reset · finished", or a
/// word to begin with when there is no session yet.
fn last_session(frame: &mut Frame, area: Rect, last: Option<&str>, theme: &Theme) {
    let line = match last {
        None => Line::styled(
            truncate(
                "No sessions yet: finish a routine and it shows here.",
                area.width,
            ),
            theme.dim(),
        ),
        Some(last) => {
            let label = "Last session  ";
            let room = area.width.saturating_sub(label.width() as u16);
            Line::from(vec![
                Span::styled(label, theme.dim()),
                Span::styled(truncate(last, room), theme.text()),
            ])
        }
    };
    frame.render_widget(line, area);
}

/// A heading, then a row per routine, the most practised first: name,
/// sessions, time, and the average change in tension when it was asked.
/// The columns are as wide as the rows that fit need.
fn routines(frame: &mut Frame, area: Rect, rows: &[RoutineRow], theme: &Theme) {
    let rows = &rows[..rows.len().min(usize::from(area.height.saturating_sub(1)))];
    let col =
        |cell: fn(&RoutineRow) -> &str| rows.iter().map(|r| cell(r).width()).max().unwrap_or(0);
    let sessions_w = col(|r| &r.sessions);
    let time_w = col(|r| &r.time);
    let tension_w = col(|r| &r.tension);
    let numbers = 2 + sessions_w + 2 + time_w + if tension_w > 0 { 2 + tension_w } else { 0 };
    let width = usize::from(area.width);
    let name_w = width
        .saturating_sub(numbers)
        .min(col(|r| &r.name))
        .max(width.min(12));
    let mut lines = vec![Line::styled("Routines", theme.dim())];
    for r in rows {
        let name = truncate(&r.name, name_w as u16);
        let pad = name_w.saturating_sub(name.width());
        let (sessions, time) = (&r.sessions, &r.time);
        let mut text = format!(
            "{name}{:pad$}  {sessions:>sessions_w$}  {time:>time_w$}",
            ""
        );
        if !r.tension.is_empty() {
            text.push_str(&format!("  {}", r.tension));
        }
        lines.push(Line::styled(truncate(&text, area.width), theme.text()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use jiff::civil::DateTime;
    use jiff::tz::TimeZone;
    use jiff::{ToSpan, Zoned};
    use proptest::prelude::*;
    use ratatui::buffer::Buffer;

    use super::*;
    use crate::app::views;
    use crate::history::{Progress, Record, Stats};
    use crate::ui::kit::area::split_last_row;

    fn berlin() -> TimeZone {
        TimeZone::get("Europe/Berlin")
            .unwrap_or_else(|_| TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap())
    }

    fn at(local: &str) -> Zoned {
        local
            .parse::<DateTime>()
            .unwrap()
            .to_zoned(berlin())
            .unwrap()
    }

    fn record(local: &str, id: &str, name: &str, seconds: u64, finished: bool) -> Record {
        let started = at(local);
        let line = serde_json::json!({
            "v": 1,
            "started": started.timestamp().display_with_offset(started.offset()).to_string(),
            "routine_id": id,
            "routine_name": name,
            "planned_seconds": 729,
            "practised_seconds": seconds,
            "outcome": if finished { "finished" } else { "stopped" },
            "steps": 10,
            "steps_done": 10,
        });
        serde_json::from_value(line).unwrap()
    }

    /// Sixteen weeks up to Wednesday 11 March 2026: a habit that grows,
    /// with gaps, a stopped session, a preview and two routines.
    fn history() -> Vec<Record> {
        let mut records = Vec::new();
        let start = jiff::civil::date(2025, 11, 10);
        for n in 0..122i64 {
            let day = start.checked_add(n.days()).unwrap();
            // Skip some days, fewer as the weeks go by.
            if (n * 7 + 3) % 11 < 4 - n / 40 {
                continue;
            }
            let minutes = [3, 6, 12, 12, 15, 25, 4][(n % 7) as usize];
            let local = format!("{day}T07:30");
            let mut r = record(&local, "daily-back", "Daily back reset", minutes * 60, true);
            if n % 9 == 0 {
                r.outcome = crate::history::Outcome::Stopped;
            }
            if n > 100 {
                r.tension_before = Some(6);
                r.tension_after = Some(if n % 2 == 0 { 3 } else { 4 });
            }
            records.push(r);
            if n % 5 == 0 {
                let local = format!("{day}T21:00");
                records.push(record(&local, "wind-down", "肩こり evening", 600, true));
            }
        }
        let mut preview = record("2026-03-11T12:00", "draft", "Draft", 900, true);
        preview.preview = true;
        preview.speed = Some(10.0);
        records.push(preview);
        records
    }

    fn now() -> Zoned {
        at("2026-03-11T20:00")
    }

    /// The screen alone, over an empty hint row (as `ui::draw` lays it out),
    /// at any size: below the minimum too.
    fn render(stats: &Stats, width: u16, height: u16) -> String {
        let view = views::history(
            stats,
            &Progress::compute(&[], &now(), |_| None),
            None,
            false,
        );
        let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
        let mut frame = Frame::new(&mut buffer);
        let body = split_last_row(frame.area()).0;
        draw(&mut frame, body, &view, &Theme::MONO);
        crate::ui::testing::buffer_text(&buffer)
    }

    #[test]
    fn sixteen_weeks_80x24() {
        let stats = Stats::compute(&history(), &now());
        insta::assert_snapshot!(render(&stats, 80, 24));
    }

    #[test]
    fn sixteen_weeks_40x12() {
        let stats = Stats::compute(&history(), &now());
        insta::assert_snapshot!(render(&stats, 40, 12));
    }

    #[test]
    fn sixteen_weeks_60x18() {
        let stats = Stats::compute(&history(), &now());
        insta::assert_snapshot!(render(&stats, 60, 18));
    }

    #[test]
    fn no_sessions_yet_80x24() {
        let stats = Stats::compute(&[], &now());
        insta::assert_snapshot!(render(&stats, 80, 24));
    }

    #[test]
    fn the_calendar_ends_with_this_week_and_shades_by_minutes() {
        let records = [
            record("2026-03-09T08:00", "a", "A", 3 * 60, true),
            record("2026-03-10T08:00", "a", "A", 25 * 60, true),
        ];
        let stats = Stats::compute(&records, &now());
        // Narrow enough that the totals are not beside the calendar.
        let text = render(&stats, 40, 20);
        let row = |day: &str| {
            text.lines()
                .find(|l| l.trim_start().starts_with(day))
                .unwrap()
                .trim_end()
                .to_owned()
        };
        // This week is the last column: Monday 3 min, Tuesday 25 min,
        // Wednesday (today) nothing yet, Thursday still to come.
        assert!(row("Mo").ends_with("· ░"), "{text}");
        assert!(row("Tu").ends_with("· █"), "{text}");
        assert!(row("We").ends_with("· ·"), "{text}");
        assert!(row("Th").ends_with('·'), "{text}");
        assert_eq!(row("Mo").matches(['·', '░']).count(), 16);
    }

    #[test]
    fn too_short_for_the_calendar_the_totals_still_show() {
        let stats = Stats::compute(&history(), &now());
        let text = render(&stats, 80, 6);
        assert!(text.contains("Streak 2 days · longest 7 days"), "{text}");
        assert!(!text.contains("Mo "), "{text}");
    }

    #[test]
    fn plans_never_take_more_rows_than_there_are() {
        let view = views::history(
            &Stats::compute(&history(), &now()),
            &Progress::compute(&[], &now(), |_| None),
            None,
            false,
        );
        for rows in 0..40 {
            for facts in 0..5 {
                let parts = parts(&view, true, facts);
                let plan: Vec<(Block, u16)> = parts
                    .iter()
                    .zip(plan_spaced(&parts, rows, |b| b == Block::Gap))
                    .filter(|&(_, rows)| rows > 0)
                    .map(|(p, rows)| (p.piece, rows))
                    .collect();
                let used: u16 = plan.iter().map(|(_, r)| r).sum();
                assert!(used <= rows, "{rows} {facts} {plan:?}");
                assert_ne!(plan.first().map(|b| b.0), Some(Block::Gap));
                assert_ne!(plan.last().map(|b| b.0), Some(Block::Gap));
                let doubled = plan
                    .windows(2)
                    .any(|w| w[0].0 == Block::Gap && w[1].0 == Block::Gap);
                assert!(!doubled, "{rows} {facts} {plan:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn any_size_draws_without_panicking(width in 0u16..120, height in 0u16..40) {
            let stats = Stats::compute(&history(), &now());
            render(&stats, width, height);
        }
    }
}
