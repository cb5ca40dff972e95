//! After a session: how it went, in a few quiet lines.

use crate::input::KeyHelp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::preflight::fit::{self, Part};
use super::{DoneView, Theme, common};
use crate::routine::duration::clock;
use crate::text::escape_inline;

const MAX_COLUMN: u16 = 60;
/// Room for "Time practised" and a gap.
const LABEL: u16 = 16;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    view: &DoneView,
    status: Option<&str>,
    keys: &[KeyHelp],
    theme: &Theme,
) {
    let (body, hints) = fit::split_last_row(area);
    common::key_hints(frame, hints, keys, status, theme);

    let parts = parts(view, theme);
    let column = fit::column(body, MAX_COLUMN);
    // A little above the middle, where the eye lands first.
    let height = fit::stack_height(&parts, column.width, LABEL).min(column.height);
    let top = (column.height - height) / 3;
    fit::stack(
        frame,
        Rect {
            y: column.y + top,
            height: column.height - top,
            ..column
        },
        &parts,
        LABEL,
        theme,
    );
}

fn parts<'a>(view: &'a DoneView, theme: &Theme) -> Vec<Part<'a>> {
    let summary = view.summary;
    let title = if summary.finished {
        "Well done"
    } else {
        "Session stopped"
    };
    let name = escape_inline(&view.routine.name).into_owned();
    let mut parts = vec![
        Part::Text(Paragraph::new(Line::styled(title, theme.accent()))),
        Part::Text(fit::wrapped(name, theme.dim())),
        Part::Gap,
    ];
    let practised = if summary.finished {
        clock(summary.practised)
    } else {
        format!("{} of {}", clock(summary.practised), clock(summary.planned))
    };
    parts.push(fact("Time practised", practised, theme));
    let total = view.routine.steps.len();
    parts.push(fact(
        "Steps done",
        format!("{} of {total}", summary.completed_steps),
        theme,
    ));
    // Indices come from the session that ran this very routine; one that
    // does not name a step is left out rather than trusted.
    let skipped: Vec<String> = summary
        .skipped
        .iter()
        .filter_map(|&i| view.routine.steps.get(i))
        .map(|s| escape_inline(&s.title).into_owned())
        .collect();
    if !skipped.is_empty() {
        parts.push(fact("Skipped", skipped.join(", "), theme));
    }
    if let Some(glance) = view.glance {
        for (label, value) in super::history::done_facts(glance) {
            parts.push(fact(label, value, theme));
        }
    }
    if !summary.finished {
        parts.push(Part::Gap);
        parts.push(Part::Text(fit::wrapped(
            "The time so far is recorded.".to_owned(),
            theme.dim(),
        )));
    }
    parts
}

fn fact<'a>(label: &'a str, value: String, theme: &Theme) -> Part<'a> {
    Part::Fact(
        Span::styled(label, theme.dim()),
        Paragraph::new(Line::styled(value, theme.text())).wrap(Wrap { trim: true }),
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proptest::prelude::*;

    use super::super::testing::{plain, render};
    use crate::routine::Routine;
    use crate::session::Summary;
    use crate::ui::{DoneView, ScreenView};

    fn daily_back() -> Routine {
        crate::routine::builtin::routine("daily-back")
    }

    fn finished() -> Summary {
        Summary {
            planned: Duration::from_secs(729),
            practised: Duration::from_secs(729),
            paused: Duration::from_secs(40),
            completed_steps: 10,
            skipped: vec![],
            finished: true,
        }
    }

    fn stopped() -> Summary {
        Summary {
            planned: Duration::from_secs(729),
            practised: Duration::from_secs(312),
            paused: Duration::ZERO,
            completed_steps: 3,
            skipped: vec![1, 42],
            finished: false,
        }
    }

    fn done<'a>(routine: &'a Routine, summary: &'a Summary) -> ScreenView<'a> {
        ScreenView::Done(DoneView {
            routine,
            summary,
            glance: None,
        })
    }

    #[test]
    fn finished_80x24() {
        let (r, s) = (daily_back(), finished());
        insta::assert_snapshot!(render(&plain(done(&r, &s)), 80, 24));
    }

    #[test]
    fn finished_40x12() {
        let (r, s) = (daily_back(), finished());
        insta::assert_snapshot!(render(&plain(done(&r, &s)), 40, 12));
    }

    #[test]
    fn stopped_with_a_skipped_step_80x24() {
        let (r, s) = (daily_back(), stopped());
        insta::assert_snapshot!(render(&plain(done(&r, &s)), 80, 24));
    }

    #[test]
    fn stopped_with_a_skipped_step_40x12() {
        let (r, s) = (daily_back(), stopped());
        insta::assert_snapshot!(render(&plain(done(&r, &s)), 40, 12));
    }

    #[test]
    fn wide_characters_40x12() {
        let r = super::super::preflight::tests::wide();
        let s = Summary {
            skipped: vec![0],
            completed_steps: 0,
            ..stopped()
        };
        insta::assert_snapshot!(render(&plain(done(&r, &s)), 40, 12));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn never_panics_at_any_size(w in 0u16..=300, h in 0u16..=100) {
            let r = daily_back();
            let everything_skipped = Summary { skipped: (0..r.steps.len()).collect(), ..stopped() };
            for s in [finished(), stopped(), everything_skipped] {
                render(&plain(done(&r, &s)), w, h);
            }
        }
    }
}
