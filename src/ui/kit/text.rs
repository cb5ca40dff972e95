//! Text that fits: wrapping by display width, cutting with "…", and
//! keeping to a number of rows. Counted in terminal cells, so wide
//! characters (CJK, emoji) never spill over and combining marks stay with
//! their letter.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Greedy word wrap by display width. A word wider than the line, or a run
/// of CJK (which has no spaces), is broken between characters, never
/// before a zero-width one (a combining mark stays with its letter).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    if width == 0 {
        return lines;
    }
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split_whitespace() {
            let w = word.width();
            if used > 0 && used + 1 + w <= width {
                line.push(' ');
                line.push_str(word);
                used += 1 + w;
                continue;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if used > 0 && cw > 0 && used + cw > width {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
        }
        lines.push(line);
    }
    lines
}

/// Parts joined by " · ", wrapped between parts rather than inside one.
pub fn wrap_parts(parts: &[String], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for part in parts {
        if !line.is_empty() && line.width() + 3 + part.width() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push_str(" · ");
        }
        line.push_str(part);
    }
    lines.push(line);
    lines
}

/// At most `rows` lines; when some are cut, the last one kept ends in "…".
pub fn fit(mut lines: Vec<String>, rows: u16, width: u16) -> Vec<String> {
    let rows = usize::from(rows);
    if lines.len() > rows {
        lines.truncate(rows);
        if let Some(last) = lines.last_mut() {
            *last = with_ellipsis(last, width);
        }
    }
    lines.into_iter().map(|l| truncate(&l, width)).collect()
}

/// `s` as it is if it fits `width` cells, else cut and ended with "…".
pub fn truncate(s: &str, width: u16) -> String {
    if s.width() <= usize::from(width) {
        s.to_owned()
    } else {
        with_ellipsis(s, width)
    }
}

/// `s` as it is if it fits `width` cells, else its end after a "…": for
/// text being typed, whose end is what the user is looking at.
pub fn truncate_start(s: &str, width: u16) -> String {
    if s.width() <= usize::from(width) {
        return s.to_owned();
    }
    let mut used = 1;
    let mut tail: Vec<char> = s
        .chars()
        .rev()
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used <= usize::from(width)
        })
        .collect();
    tail.push('…');
    tail.into_iter().rev().collect()
}

/// `s` cut to leave room for "…" within `width` cells, and the "…".
pub fn with_ellipsis(s: &str, width: u16) -> String {
    let room = usize::from(width).saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > room {
            break;
        }
        out.push(c);
        used += cw;
    }
    let mut out = out.trim_end().to_owned();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_cells_not_bytes() {
        assert_eq!(truncate("肩こりほぐし", 7), "肩こり…");
        assert_eq!(truncate("肩こりほぐし", 12), "肩こりほぐし");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("ab cdef", 4), "ab…", "no space before the …");
    }

    #[test]
    fn text_being_typed_keeps_its_end() {
        assert_eq!(truncate_start("a long filter", 13), "a long filter");
        assert_eq!(truncate_start("a long filter", 8), "… filter");
        assert_eq!(truncate_start("肩こりほぐし", 7), "…ほぐし");
        assert_eq!(truncate_start("abc", 0), "…");
    }
}
