use ratatui::Frame;
use ratatui::layout::Rect;

use super::{DoneView, Theme};

pub fn draw(
    _frame: &mut Frame,
    _area: Rect,
    _view: &DoneView,
    _status: Option<&str>,
    _theme: &Theme,
) {
    // TODO(ui helper): the done screen.
}
