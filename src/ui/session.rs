use ratatui::Frame;
use ratatui::layout::Rect;

use super::Theme;
use crate::session::SessionView;

pub fn draw(
    _frame: &mut Frame,
    _area: Rect,
    _view: &SessionView,
    _reduced_motion: bool,
    _status: Option<&str>,
    _theme: &Theme,
) {
    // TODO(ui helper): the session screen.
}
