//! Carving a screen's rectangle: the hint row off the bottom, a readable
//! column, a centred box, a split at a column. Every function saturates,
//! so no size (0×0 included) can make one panic.

use ratatui::layout::Rect;

/// Everything but the bottom row, and the bottom row (for key hints).
pub fn split_last_row(area: Rect) -> (Rect, Rect) {
    let body = area.height.saturating_sub(1);
    (
        Rect {
            height: body,
            ..area
        },
        Rect {
            y: area.y + body,
            height: area.height - body,
            ..area
        },
    )
}

/// A column at most `max` wide, centred, a column clear of the edges
/// and a row below the top when there is room for it.
pub fn column(area: Rect, max: u16) -> Rect {
    let width = area.width.saturating_sub(2).min(max);
    let x = area.x + (area.width - width) / 2;
    let top = u16::from(area.height > 16);
    Rect {
        x,
        y: area.y + top,
        width,
        height: area.height - top,
    }
}

/// `area` split `at` columns from its left (all of it on the left when it
/// is narrower).
pub fn split_at_column(area: Rect, at: u16) -> (Rect, Rect) {
    let at = at.min(area.width);
    (
        Rect { width: at, ..area },
        Rect {
            x: area.x + at,
            width: area.width - at,
            ..area
        },
    )
}

/// A centred box `width`×`height`, made smaller when `area` is.
pub fn popup(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_carved_out_of_nothing() {
        let none = Rect::ZERO;
        assert_eq!(split_last_row(none), (none, none));
        assert_eq!(column(none, 60), none);
        assert_eq!(split_at_column(none, 2), (none, none));
        assert_eq!(popup(none, 40, 6), none);
    }

    #[test]
    fn a_column_is_centred_and_clear_of_the_edges() {
        let area = Rect::new(0, 0, 80, 24);
        assert_eq!(column(area, 60), Rect::new(10, 1, 60, 23));
        assert_eq!(column(Rect::new(0, 0, 40, 12), 60), Rect::new(1, 0, 38, 12));
        assert_eq!(popup(area, 40, 6), Rect::new(20, 9, 40, 6));
    }
}
