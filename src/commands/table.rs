//! Plain-text tables whose columns line up with wide characters (CJK,
//! emoji) too.

use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Lay out `rows` under `header`, two spaces between columns, no trailing
/// spaces. A row shorter than the header ends in a free cell that runs on
/// without widening its column (a note under a row). Cells must already be
/// safe to print.
pub fn render(header: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|(h, _)| h.width()).collect();
    for row in rows {
        let measured = if row.len() < header.len() {
            row.len() - 1
        } else {
            row.len()
        };
        for (w, cell) in widths.iter_mut().zip(&row[..measured]) {
            *w = (*w).max(cell.width());
        }
    }
    let heading: Vec<String> = header.iter().map(|(h, _)| (*h).to_owned()).collect();
    let mut out = String::new();
    for row in std::iter::once(&heading).chain(rows) {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.width());
            if i > 0 {
                line.push_str("  ");
            }
            if i + 1 == row.len() && row.len() < header.len() {
                line.push_str(cell);
                break;
            }
            match header[i].1 {
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad));
                }
                Align::Right => {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(cell);
                }
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_line_up() {
        let t = render(
            &[("NAME", Align::Left), ("LEN", Align::Right)],
            &[
                vec!["肩こり".into(), "5:00".into()],
                vec!["abc".into(), "12:00".into()],
            ],
        );
        assert_eq!(t, "NAME      LEN\n肩こり   5:00\nabc     12:00\n");
    }

    #[test]
    fn short_rows_run_on_without_widening() {
        let t = render(
            &[("A", Align::Left), ("B", Align::Left), ("C", Align::Left)],
            &[
                vec!["x".into(), "y".into(), "z".into()],
                vec!["".into(), "a long note".into()],
            ],
        );
        assert_eq!(t, "A  B  C\nx  y  z\n   a long note\n");
    }
}
