//! Cells of a frame buffer put back to blank.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// Blank `area` of `buffer`, as ratatui's `Clear` does, a row at a time:
/// the cells a short frame draws again, up to twenty times a second.
pub fn blank(buffer: &mut Buffer, area: Rect) {
    let area = area.intersection(buffer.area);
    if area.is_empty() {
        return;
    }
    let width = usize::from(area.width);
    for y in area.top()..area.bottom() {
        let start = buffer.index_of(area.x, y);
        for cell in &mut buffer.content[start..start + width] {
            cell.reset();
        }
    }
}
