use ratatui::Frame;
use ratatui::layout::Rect;

use super::Theme;
use crate::routine::Routine;

pub fn draw(
    _frame: &mut Frame,
    _area: Rect,
    _routine: &Routine,
    _status: Option<&str>,
    _theme: &Theme,
) {
    // TODO(ui helper): the preflight screen.
}
