use ratatui::Frame;
use ratatui::layout::Rect;

use super::{PickerView, Theme};

pub fn draw(
    _frame: &mut Frame,
    _area: Rect,
    _view: &PickerView,
    _status: Option<&str>,
    _theme: &Theme,
) {
    // TODO(ui helper): the picker screen.
}
