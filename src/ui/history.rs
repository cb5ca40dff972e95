//! The history screen: a calendar of the last 16 weeks shaded by minutes
//! practised, the streaks, the totals, the last session and the routines.
//!
//! At 80×24 the totals sit right of the calendar; on a narrower screen they
//! flow under it, and on a smaller one the calendar keeps fewer weeks and
//! the less important parts are left out, in a fixed order.

use crate::input::KeyHelp;
use jiff::civil::Date;
use jiff::{Span, ToSpan};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span as Text};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::Theme;
use super::common::key_hints;
use super::preflight::fit::{column, split_last_row, truncate};
use crate::history::{Record, Stats, days_words, duration_words};
use crate::text::escape_inline;

/// Weeks the calendar shows when there is room.
pub const WEEKS: u16 = 16;
/// "Mo " before each calendar row.
const DAY_LABEL: u16 = 3;
/// Month labels and seven days.
const CALENDAR_ROWS: u16 = 8;
/// The totals beside the calendar: "Current streak" and a value.
const FACTS_LABEL: u16 = 16;
const FACTS_WIDTH: u16 = FACTS_LABEL + 14;
const GUTTER: u16 = 4;
const MAX_COLUMN: u16 = 76;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    stats: &Stats,
    status: Option<&str>,
    keys: &[KeyHelp],
    theme: &Theme,
) {
    let (body, hints) = split_last_row(area);
    key_hints(frame, hints, keys, status, theme);
    let body = column(body, MAX_COLUMN);
    if body.is_empty() {
        return;
    }
    let weeks = WEEKS.min(weeks_for(body.width));
    let calendar_width = calendar_width(weeks);
    // Beside the calendar only when the calendar is drawn: it comes first.
    let beside =
        body.width >= calendar_width + GUTTER + FACTS_WIDTH && body.height >= CALENDAR_ROWS;
    let facts = if beside {
        Vec::new()
    } else {
        flow(&short_facts(stats), body.width)
    };
    let blocks = plan(stats, body.height, weeks > 0, facts.len() as u16);
    let mut y = body.y;
    for (block, rows) in blocks {
        let rect = Rect {
            y,
            height: rows,
            ..body
        };
        y += rows;
        match block {
            Block::Gap => {}
            Block::Title => frame.render_widget(Line::styled("History", theme.accent()), rect),
            Block::Calendar => {
                calendar(frame, rect, stats, weeks, theme);
                if beside {
                    let x = rect.x + calendar_width + GUTTER;
                    let right = Rect {
                        x,
                        y: rect.y + 1,
                        width: rect.right().saturating_sub(x),
                        height: rect.height.saturating_sub(1),
                    };
                    facts_table(frame, right, stats, theme);
                }
            }
            Block::Legend => legend(frame, rect, theme),
            Block::Facts => {
                let lines: Vec<Line> = facts.iter().map(|items| fact_line(items, theme)).collect();
                frame.render_widget(Paragraph::new(lines), rect);
            }
            Block::Last => last_session(frame, rect, stats, theme),
            Block::Routines => routines(frame, rect, stats, theme),
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

/// The blocks that fit in `rows`, top to bottom, with their heights. The
/// calendar and the totals come first; the title, legend, last session and
/// routines follow as room allows, and gaps only between two shown blocks.
fn plan(stats: &Stats, rows: u16, calendar: bool, facts: u16) -> Vec<(Block, u16)> {
    let routines = if stats.routines.is_empty() {
        0
    } else {
        stats.routines.len().min(usize::from(u16::MAX) - 1) as u16 + 1
    };
    // (block, rows, priority); lower priorities are placed first.
    let order = [
        (Block::Title, 1, 3),
        (Block::Gap, 1, 7),
        (Block::Calendar, if calendar { CALENDAR_ROWS } else { 0 }, 1),
        (Block::Legend, u16::from(calendar), 5),
        (Block::Gap, 1, 7),
        (Block::Facts, facts, 2),
        (Block::Gap, 1, 7),
        (Block::Last, 1, 4),
        (Block::Gap, 1, 8),
        (Block::Routines, routines, 6),
    ];
    let mut chosen = [0u16; 10];
    let mut left = rows;
    let mut by_priority: Vec<usize> = (0..order.len()).collect();
    by_priority.sort_by_key(|&i| order[i].2);
    for i in by_priority {
        let (block, want, _) = order[i];
        if want == 0 {
            continue;
        }
        let shown = |j: usize| chosen[j] > 0 && order[j].0 != Block::Gap;
        if block == Block::Gap {
            let before = (0..i).rev().find(|&j| shown(j));
            let after = (i + 1..order.len()).find(|&j| shown(j));
            let doubled = (0..i)
                .rev()
                .take_while(|&j| !shown(j))
                .any(|j| chosen[j] > 0);
            if before.is_none() || after.is_none() || doubled {
                continue;
            }
        }
        // The totals may be cut to their first lines (the streak first), and
        // the routines list too if its heading and one row fit.
        let take = match block {
            Block::Facts => want.min(left),
            Block::Routines if left >= 2 => want.min(left),
            _ if want <= left => want,
            _ => 0,
        };
        chosen[i] = take;
        left -= take;
    }
    order
        .iter()
        .zip(chosen)
        .filter(|&(_, rows)| rows > 0)
        .map(|((block, _, _), rows)| (*block, rows))
        .collect()
}

/// Weeks that fit in `width`: a day label, then two columns a week.
fn weeks_for(width: u16) -> u16 {
    width.saturating_sub(DAY_LABEL).div_ceil(2)
}

fn calendar_width(weeks: u16) -> u16 {
    (DAY_LABEL + weeks * 2).saturating_sub(1)
}

/// The shade of a day: muted dots for none, then denser blocks.
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
fn calendar(frame: &mut Frame, area: Rect, stats: &Stats, weeks: u16, theme: &Theme) {
    let today = stats.date;
    let monday = today
        .checked_sub(i64::from(today.weekday().to_monday_zero_offset()).days())
        .unwrap_or(today);
    let first = monday
        .checked_sub((7 * i64::from(weeks.saturating_sub(1))).days())
        .ok();
    let week_start =
        |w: u16| -> Option<Date> { first?.checked_add((7 * i64::from(w)).days()).ok() };

    let mut months: Vec<Text> = vec![Text::raw(" ".repeat(usize::from(DAY_LABEL)))];
    let mut used = DAY_LABEL;
    for w in 0..weeks {
        let x = DAY_LABEL + 2 * w;
        let Some(start) = week_start(w) else { continue };
        let label = month_starting(start).or_else(|| {
            // Name the month the calendar opens in, unless one starts at once.
            let next_starts = week_start(1).and_then(month_starting).is_some();
            (w == 0 && !next_starts).then_some(start)
        });
        if let Some(date) = label
            && x >= used
        {
            months.push(Text::raw(" ".repeat(usize::from(x - used))));
            let name = date.strftime("%b").to_string();
            used = x + name.width() as u16;
            months.push(Text::styled(name, theme.dim()));
        }
    }
    let mut lines = vec![Line::from(months)];
    for (row, day_name) in DAYS.iter().enumerate() {
        let mut spans = vec![Text::styled(format!("{day_name} "), theme.dim())];
        for w in 0..weeks {
            let day = week_start(w).and_then(|s| s.checked_add((row as i64).days()).ok());
            let (symbol, style) = match day {
                Some(d) if d <= today => {
                    let minutes = stats.minutes_on(d);
                    let style = if d == today {
                        theme.accent()
                    } else if minutes == 0 {
                        theme.dim()
                    } else {
                        theme.bar()
                    };
                    (shade(minutes), style)
                }
                _ => (" ", Style::new()),
            };
            if w > 0 {
                spans.push(Text::raw(" "));
            }
            spans.push(Text::styled(symbol, style));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The date of the 1st of a month if one falls in the week from `monday`.
fn month_starting(monday: Date) -> Option<Date> {
    (0..7)
        .filter_map(|d| monday.checked_add(Span::new().days(d)).ok())
        .find(|d| d.day() == 1)
}

fn legend(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut spans = vec![Text::raw(" ".repeat(usize::from(DAY_LABEL)))];
    let steps = [
        ("·", "0"),
        ("░", "1+"),
        ("▒", "5+"),
        ("▓", "10+"),
        ("█", "20+ min"),
    ];
    for (i, (symbol, words)) in steps.iter().enumerate() {
        if i > 0 {
            spans.push(Text::raw("  "));
        }
        let style = if i == 0 { theme.dim() } else { theme.bar() };
        spans.push(Text::styled(*symbol, style));
        spans.push(Text::styled(format!(" {words}"), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The totals as a label column and a value column, beside the calendar.
fn facts_table(frame: &mut Frame, area: Rect, stats: &Stats, theme: &Theme) {
    let rows = [
        Some(("Current streak", days_words(stats.current_streak))),
        Some(("Longest streak", days_words(stats.longest_streak))),
        None,
        Some(("Today", duration_words(stats.today.seconds))),
        Some(("This week", duration_words(stats.week.seconds))),
        Some(("This month", duration_words(stats.month.seconds))),
        Some(("All time", duration_words(stats.all_time.seconds))),
    ];
    let width = usize::from(area.width);
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|row| match row {
            None => Line::raw(""),
            Some((label, value)) => Line::from(vec![
                Text::styled(
                    format!("{label:<width$}", width = usize::from(FACTS_LABEL)),
                    theme.dim(),
                ),
                Text::styled(
                    truncate(&value, width.saturating_sub(usize::from(FACTS_LABEL))),
                    theme.text(),
                ),
            ]),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The totals in pairs that belong together, short enough for two to
/// share a line at 40 columns.
fn short_facts(stats: &Stats) -> [[(&'static str, String); 2]; 3] {
    [
        [
            ("Streak", days_words(stats.current_streak)),
            ("longest", days_words(stats.longest_streak)),
        ],
        [
            ("Today", duration_words(stats.today.seconds)),
            ("this week", duration_words(stats.week.seconds)),
        ],
        [
            ("Month", duration_words(stats.month.seconds)),
            ("in all", duration_words(stats.all_time.seconds)),
        ],
    ]
}

/// Each pair on one line when it fits in `width`, else on two.
fn flow(pairs: &[[(&'static str, String); 2]], width: u16) -> Vec<Vec<(&'static str, String)>> {
    let item_width = |(label, value): &(&str, String)| label.width() + 1 + value.width();
    let mut lines = Vec::new();
    for [a, b] in pairs {
        if item_width(a) + 3 + item_width(b) <= usize::from(width) {
            lines.push(vec![a.clone(), b.clone()]);
        } else {
            lines.push(vec![a.clone()]);
            lines.push(vec![b.clone()]);
        }
    }
    lines
}

fn fact_line<'a>(items: &[(&'static str, String)], theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    for (i, (label, value)) in items.iter().enumerate() {
        if i > 0 {
            spans.push(Text::styled(" · ", theme.dim()));
        }
        let mut label = (*label).to_owned();
        if i == 0 {
            // A line's first item starts with a capital, wherever it falls.
            label = capitalise(&label);
        }
        spans.push(Text::styled(format!("{label} "), theme.dim()));
        spans.push(Text::styled(value.clone(), theme.text()));
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

/// "Last   Tue 10 Mar 07:30 · Daily back reset · finished", or a word to
/// begin with when there is no session yet.
fn last_session(frame: &mut Frame, area: Rect, stats: &Stats, theme: &Theme) {
    let width = usize::from(area.width);
    let line = match &stats.last {
        None => Line::styled(
            truncate(
                "No sessions yet: finish a routine and it shows here.",
                width,
            ),
            theme.dim(),
        ),
        Some(record) => {
            let label = "Last session  ";
            let text = truncate(&describe(record), width.saturating_sub(label.width()));
            Line::from(vec![
                Text::styled(label, theme.dim()),
                Text::styled(text, theme.text()),
            ])
        }
    };
    frame.render_widget(line, area);
}

fn describe(record: &Record) -> String {
    let outcome = if record.finished() {
        "finished"
    } else {
        "stopped"
    };
    format!(
        "{} · {} · {outcome}",
        record.started.strftime("%a %-d %b %H:%M"),
        escape_inline(&record.routine_name)
    )
}

/// A heading, then a row per routine, the most practised first: name,
/// sessions, time, and the average change in tension when it was asked.
fn routines(frame: &mut Frame, area: Rect, stats: &Stats, theme: &Theme) {
    let rows: Vec<[String; 4]> = stats
        .routines
        .iter()
        .take(usize::from(area.height.saturating_sub(1)))
        .map(|r| {
            let sessions = if r.sessions == 1 {
                "1 session".to_owned()
            } else {
                format!("{} sessions", r.sessions)
            };
            let tension = r
                .tension
                .map(|t| format!("tension {:+.1}", t.average))
                .unwrap_or_default();
            [
                escape_inline(&r.name).into_owned(),
                sessions,
                duration_words(r.seconds),
                tension,
            ]
        })
        .collect();
    let col = |i: usize| rows.iter().map(|r| r[i].width()).max().unwrap_or(0);
    let (sessions_w, time_w, tension_w) = (col(1), col(2), col(3));
    let numbers = 2 + sessions_w + 2 + time_w + if tension_w > 0 { 2 + tension_w } else { 0 };
    let width = usize::from(area.width);
    let name_w = width.saturating_sub(numbers).min(col(0)).max(width.min(12));
    let mut lines = vec![Line::styled("Routines", theme.dim())];
    for [name, sessions, time, tension] in &rows {
        let name = truncate(name, name_w);
        let pad = name_w.saturating_sub(name.width());
        let mut text = format!(
            "{name}{:pad$}  {sessions:>sessions_w$}  {time:>time_w$}",
            ""
        );
        if !tension.is_empty() {
            text.push_str(&format!("  {tension}"));
        }
        lines.push(Line::styled(truncate(&text, width), theme.text()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The done screen's lines about the history, as (label, value): the
/// current streak and the time practised today ("Streak", "4 days").
pub fn done_facts(glance: &crate::history::Glance) -> Vec<(&'static str, String)> {
    vec![
        ("Streak", days_words(glance.current_streak)),
        ("Today", duration_words(glance.today_seconds)),
    ]
}

#[cfg(test)]
mod tests {
    use jiff::Zoned;
    use jiff::civil::DateTime;
    use jiff::tz::TimeZone;
    use proptest::prelude::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::history::Record;

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

    fn render(stats: &Stats, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| draw(f, f.area(), stats, None, &[], &Theme::MONO))
            .unwrap();
        crate::ui::testing::buffer_text(terminal.backend().buffer())
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
        let stats = Stats::compute(&history(), &now());
        for rows in 0..40 {
            for facts in 0..5 {
                let plan = plan(&stats, rows, true, facts);
                let used: u16 = plan.iter().map(|(_, r)| r).sum();
                assert!(used <= rows, "{rows} {facts} {plan:?}");
                assert_ne!(plan.first().map(|b| b.0), Some(Block::Gap));
                assert_ne!(plan.last().map(|b| b.0), Some(Block::Gap));
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
