//! The progress charts, on the history screen after `c` and printed by
//! `knotless history --chart`: minutes per day over 12 weeks (a sparkline),
//! the average tension before and after each week with its change (pairs
//! of bars, before left, after right, each with its number, so the pairs
//! read without colour), and minutes per body area this month (bars).
//!
//! Parts are laid out top to bottom and each takes the rows it needs; on a
//! short screen the charts shrink first, then the areas lose rows.

use crate::ui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Sparkline, Widget};

use super::Theme;
use super::kit::area::column;
use super::kit::text::truncate;
use super::view::ProgressView;

/// Wide enough for a column per day of the 84.
const MAX_COLUMN: u16 = 120;
/// Each week's pair of bars and the gap after it.
const WEEK_WIDTH: u16 = 5;
/// Rows of text around the charts: the title, three labels, the day
/// axis, the change row, the week axis, two gaps and the areas' note.
const TEXT_ROWS: u16 = 11;

/// Draw the charts in `body`, the rows above the key hints.
pub fn draw(frame: &mut Frame, body: Rect, view: &ProgressView, theme: &Theme) {
    let sizes = Sizes::fit(body.height, view.areas.len());
    render(frame.buffer_mut(), body, view, sizes, theme);
}

/// Rows for each chart.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    spark: u16,
    bars: u16,
    areas: u16,
}

impl Sizes {
    /// The charts in `height` rows: the areas a quarter of what the text
    /// leaves, then two fifths of the rest for the days, the rest for the
    /// tension (each at least one row, and no taller than reads well).
    fn fit(height: u16, areas: usize) -> Self {
        let spare = height.saturating_sub(TEXT_ROWS);
        let wanted = (areas.max(1) as u16).min((spare / 4).max(1));
        let spark = (spare.saturating_sub(wanted) * 2 / 5).clamp(1, 8);
        let bars = spare.saturating_sub(wanted + spark).clamp(1, 11);
        let areas = spare.saturating_sub(spark + bars).min(areas as u16).max(1);
        Sizes { spark, bars, areas }
    }
}

/// The charts as plain text lines, `width` wide and as tall as needed for
/// every area, for `history --chart`.
pub fn text(view: &ProgressView, width: u16) -> String {
    let sizes = Sizes {
        spark: 4,
        bars: 6,
        areas: view.areas.len().max(1) as u16,
    };
    let height = TEXT_ROWS + sizes.spark + sizes.bars + sizes.areas;
    let area = Rect::new(0, 0, width, height);
    let mut buffer = Buffer::empty(area);
    render(&mut buffer, area, view, sizes, &Theme::MONO);
    let mut out = String::new();
    for y in 0..height {
        let line: String = (0..width)
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn render(buf: &mut Buffer, body: Rect, view: &ProgressView, sizes: Sizes, theme: &Theme) {
    let body = column(body, MAX_COLUMN);
    if body.is_empty() {
        return;
    }
    let Sizes {
        spark: spark_rows,
        bars: bar_rows,
        areas: area_rows,
    } = sizes;

    let mut rows = Rows {
        buf,
        body,
        y: body.y,
    };
    rows.line(Line::styled("Progress", theme.accent()));
    days(&mut rows, view, spark_rows, theme);
    rows.y += 1;
    tension(&mut rows, view, bar_rows, theme);
    rows.y += 1;
    areas(&mut rows, view, area_rows, theme);
}

/// Rows handed out from the top; nothing is drawn below the body.
struct Rows<'b> {
    buf: &'b mut Buffer,
    body: Rect,
    y: u16,
}

impl Rows<'_> {
    /// The next `n` rows, cut at the body's bottom.
    fn take(&mut self, n: u16) -> Rect {
        let height = n.min(self.body.bottom().saturating_sub(self.y));
        let rect = Rect {
            y: self.y.min(self.body.bottom()),
            height,
            ..self.body
        };
        self.y = self.y.saturating_add(n);
        rect
    }

    fn line(&mut self, line: Line) {
        let rect = self.take(1);
        if !rect.is_empty() {
            line.render(rect, self.buf);
        }
    }

    /// Text at the left and at the right of one row.
    fn ends(&mut self, left: &str, right: &str, width: u16, theme: &Theme) {
        let gap = usize::from(width).saturating_sub(left.chars().count() + right.chars().count());
        self.line(Line::styled(
            format!("{left}{}{right}", " ".repeat(gap)),
            theme.dim(),
        ));
    }
}

/// Minutes a day: one column per day when there is room, else per two.
fn days(rows: &mut Rows, view: &ProgressView, height: u16, theme: &Theme) {
    let per = if rows.body.width as usize >= view.minutes_per_day.len() {
        1
    } else {
        2
    };
    let data: Vec<u64> = view
        .minutes_per_day
        .chunks(per)
        .map(|c| c.iter().sum::<u64>() / c.len() as u64)
        .collect();
    let most = data.iter().copied().max().unwrap_or(0);
    let label = if per == 1 {
        format!("Minutes a day, last 12 weeks (most {most})")
    } else {
        format!("Minutes a day, last 12 weeks, 2 days a column (most {most})")
    };
    rows.line(Line::styled(
        truncate(&label, rows.body.width),
        theme.text(),
    ));
    let width = (data.len() as u16).min(rows.body.width);
    let rect = rows.take(height);
    if !rect.is_empty() {
        Sparkline::default()
            .data(&data)
            .max(most.max(1))
            .style(theme.accent())
            .render(Rect { width, ..rect }, rows.buf);
    }
    rows.ends(&view.first_day, "today", width, theme);
}

/// The tension before and after each week, and the change.
fn tension(rows: &mut Rows, view: &ProgressView, height: u16, theme: &Theme) {
    let fit = usize::from(rows.body.width / WEEK_WIDTH).min(view.weeks.len());
    let weeks = &view.weeks[view.weeks.len() - fit..];
    rows.line(Line::styled(
        truncate(
            "Tension each week, 0-10: before (left) and after (right)",
            rows.body.width,
        ),
        theme.text(),
    ));
    let score = |t: Option<f64>| t.map_or(0, |t| (t * 10.0).round() as u64);
    let number = |t: Option<f64>| t.map_or(String::new(), |t| format!("{t:.0}"));
    let groups: Vec<BarGroup> = weeks
        .iter()
        .map(|w| {
            BarGroup::new([
                Bar::new(score(w.before))
                    .text_value(number(w.before))
                    .style(theme.dim()),
                Bar::new(score(w.after))
                    .text_value(number(w.after))
                    .style(theme.accent()),
            ])
        })
        .collect();
    let rect = rows.take(height);
    if !rect.is_empty() {
        BarChart::grouped(groups)
            .bar_width(2)
            .bar_gap(0)
            .group_gap(WEEK_WIDTH - 4)
            .max(100)
            .value_style(theme.selected())
            .render(rect, rows.buf);
    }
    let change: String = weeks
        .iter()
        .map(|w| {
            let c = w.change.map_or(String::new(), |c| format!("{c:+.1}"));
            format!("{c:<width$}", width = usize::from(WEEK_WIDTH))
        })
        .collect();
    let rect = rows.take(1);
    if !rect.is_empty() {
        Line::from(vec![
            Span::styled(change.trim_end().to_owned(), theme.text()),
            Span::styled("  change", theme.dim()),
        ])
        .render(rect, rows.buf);
    }
    let first = if fit == view.weeks.len() {
        view.first_week.clone()
    } else {
        format!("{fit} weeks ago")
    };
    rows.ends(
        &first,
        "this week",
        (fit as u16 * WEEK_WIDTH).saturating_sub(1),
        theme,
    );
}

/// Minutes per area this month, the most first, as many as fit.
fn areas(rows: &mut Rows, view: &ProgressView, height: u16, theme: &Theme) {
    rows.line(Line::styled(
        truncate(
            &format!("Minutes by body area, {}", view.month),
            rows.body.width,
        ),
        theme.text(),
    ));
    let rect = rows.take(height);
    if view.areas.is_empty() {
        if !rect.is_empty() {
            Line::styled("No sessions this month yet", theme.dim()).render(rect, rows.buf);
        }
    } else if !rect.is_empty() {
        let shown = &view.areas[..view.areas.len().min(usize::from(rect.height))];
        let most = shown.first().map_or(1, |a| a.1.max(1));
        let label = shown.iter().map(|a| a.0.len()).max().unwrap_or(0) as u16;
        let bars: Vec<Bar> = shown
            .iter()
            .map(|(area, minutes)| {
                Bar::new(*minutes)
                    .label(Line::from(format!("{area:>w$}", w = usize::from(label))))
                    .text_value(format!("{minutes} min"))
                    .style(theme.accent())
            })
            .collect();
        let width = rect.width.min(label + 1 + 50);
        BarChart::horizontal(bars)
            .bar_width(1)
            .bar_gap(0)
            .max(most)
            .value_style(theme.selected())
            .label_style(theme.text())
            .render(Rect { width, ..rect }, rows.buf);
    }
    let hidden = view
        .areas
        .len()
        .saturating_sub(usize::from(rect.height.max(1)));
    let mut note = view.areas_note.clone();
    if hidden > 0 && !view.areas.is_empty() {
        note.push_str(&format!(" ({hidden} more)"));
    }
    rows.line(Line::styled(truncate(&note, rows.body.width), theme.dim()));
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use jiff::tz::TimeZone;
    use ratatui::buffer::Buffer;

    use super::*;
    use crate::app::views::progress;
    use crate::history::{Progress, sample};
    use crate::routine::{Routine, builtin};
    use crate::ui::kit::area::split_last_row;

    /// A generated year up to Wednesday 11 March 2026, its routines found
    /// among the built-ins (all but one, deleted since).
    fn year() -> ProgressView {
        let today = date(2026, 3, 11);
        let routines: Vec<Routine> = builtin::BUILTINS
            .iter()
            .map(|(id, _)| builtin::routine(id))
            .collect();
        let now = today.at(20, 0, 0, 0).to_zoned(TimeZone::UTC).unwrap();
        let p = Progress::compute(&sample::year(today, 730), &now, |id| {
            routines.iter().find(|r| r.id == id)
        });
        progress(&p)
    }

    fn render(view: &ProgressView, width: u16, height: u16) -> String {
        let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
        let mut frame = Frame::new(&mut buffer);
        let body = split_last_row(frame.area()).0;
        draw(&mut frame, body, view, &Theme::MONO);
        crate::ui::testing::buffer_text(&buffer)
    }

    #[test]
    fn a_year_80x24() {
        insta::assert_snapshot!(render(&year(), 80, 24));
    }

    #[test]
    fn a_year_200x60() {
        insta::assert_snapshot!(render(&year(), 200, 60));
    }

    #[test]
    fn a_year_as_text_80_wide() {
        insta::assert_snapshot!(text(&year(), 80));
    }

    #[test]
    fn nothing_yet_80x24() {
        let now = date(2026, 3, 11)
            .at(20, 0, 0, 0)
            .to_zoned(TimeZone::UTC)
            .unwrap();
        let view = progress(&Progress::compute(&[], &now, |_| None));
        insta::assert_snapshot!(render(&view, 80, 24));
    }
}
