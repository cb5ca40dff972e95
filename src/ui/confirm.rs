use ratatui::Frame;
use ratatui::layout::Rect;

use super::Theme;

pub fn draw(_frame: &mut Frame, _area: Rect, _theme: &Theme) {
    // TODO(ui helper): the quit confirmation.
}
