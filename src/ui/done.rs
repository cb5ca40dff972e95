//! After a session: how it went, in a few quiet lines.

use crate::ui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Theme;
use super::kit::area::column;
use super::kit::stack::{Item, stack, stack_height, wrapped};
use super::view::DoneView;

const MAX_COLUMN: u16 = 60;
/// Room for "Time practised" and a gap.
const LABEL: u16 = 16;

/// Draw the screen in `body`, the rows above the key hints.
pub fn draw(frame: &mut Frame, body: Rect, view: &DoneView, theme: &Theme) {
    let items = items(view, theme);
    let column = column(body, MAX_COLUMN);
    // A little above the middle, where the eye lands first.
    let height = stack_height(&items, column.width, LABEL).min(column.height);
    let top = (column.height - height) / 3;
    stack(
        frame,
        Rect {
            y: column.y + top,
            height: column.height - top,
            ..column
        },
        &items,
        LABEL,
        theme,
    );
}

fn items<'a>(view: &'a DoneView, theme: &Theme) -> Vec<Item<'a>> {
    let title = if view.finished {
        "Well done"
    } else {
        "Session stopped"
    };
    let mut items = vec![
        Item::Text(Paragraph::new(Line::styled(title, theme.accent()))),
        Item::Text(wrapped(view.name.clone(), theme.dim())),
        Item::Gap,
    ];
    for (label, value) in &view.facts {
        items.push(Item::Fact(
            Span::styled(*label, theme.dim()),
            Paragraph::new(Line::styled(value.as_str(), theme.text())).wrap(Wrap { trim: true }),
        ));
    }
    if !view.finished {
        items.push(Item::Gap);
        items.push(Item::Text(wrapped(
            "The time so far is recorded.".to_owned(),
            theme.dim(),
        )));
    }
    items
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use proptest::prelude::*;

    use super::super::testing::{plain, render};
    use crate::app::views;
    use crate::routine::Routine;
    use crate::session::Summary;
    use crate::ui::ScreenView;

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

    fn done(routine: &Routine, summary: &Summary) -> ScreenView {
        ScreenView::Done(views::done(routine, summary, None, None))
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

    #[test]
    fn the_streak_and_today_show_once_recorded() {
        let glance = crate::history::Glance {
            current_streak: 4,
            today_seconds: 900,
            ..Default::default()
        };
        let view = ScreenView::Done(views::done(&daily_back(), &finished(), Some(&glance), None));
        let text = render(&plain(view), 80, 24);
        assert!(text.contains("Streak          4 days"), "{text}");
        assert!(text.contains("Today           15 min"), "{text}");
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
