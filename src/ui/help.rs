use ratatui::Frame;
use ratatui::layout::Rect;

use super::{ScreenView, Theme};

pub fn draw(_frame: &mut Frame, _area: Rect, _screen: &ScreenView, _theme: &Theme) {
    // TODO(ui helper): the help overlay.
}
