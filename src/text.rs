//! Making user text safe to show.
//!
//! Routine files are shared between people, so any text that came from a
//! file may carry terminal escape sequences (ESC, OSC, CSI as C1 bytes) or
//! bidirectional overrides that make a line read differently than it is.
//! Nothing from a file reaches the terminal before passing through here.

use std::borrow::Cow;

/// Bidirectional formatting characters: invisible, and able to reorder what
/// a reader sees ("Trojan Source"), so they are shown escaped too.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// True for every character that must not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// One-line text: every control character (newlines and tabs included) is
/// written as a Rust-style escape such as `\u{1b}`.
pub fn escape_inline(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// Multi-line text (instructions, safety notes): newlines stay, a tab becomes
/// a space, every other control character is escaped.
pub fn escape_multiline(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            '\r' => {}
            c => push_escaped(&mut out, c),
        }
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// A copy of a whole source file that is safe to quote in a diagnostic,
/// with a way to move byte offsets from the original into the copy.
///
/// C0 controls become their Unicode "control picture" (ESC shows as `␛`),
/// which is one character wide, so columns a user counts in their editor
/// still line up with the caret. A `\r` before a newline is dropped.
#[derive(Debug, Clone)]
pub struct VisibleSource {
    pub text: String,
    /// (original offset just after a replaced character, cumulative shift).
    shifts: Vec<(usize, isize)>,
}

impl VisibleSource {
    pub fn new(original: &str) -> Self {
        if !original
            .chars()
            .any(|c| is_unsafe(c) && c != '\n' && c != '\t')
        {
            return Self {
                text: original.to_owned(),
                shifts: Vec::new(),
            };
        }
        let mut text = String::with_capacity(original.len() + 16);
        let mut shifts = Vec::new();
        let mut shift: isize = 0;
        let mut chars = original.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let before = text.len();
            match c {
                '\n' | '\t' => text.push(c),
                '\r' if chars.peek().is_some_and(|&(_, next)| next == '\n') => {}
                c if (c as u32) < 0x20 => {
                    text.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'))
                }
                '\u{7f}' => text.push('\u{2421}'),
                c if is_unsafe(c) => push_escaped(&mut text, c),
                c => text.push(c),
            }
            let delta = (text.len() - before) as isize - c.len_utf8() as isize;
            if delta != 0 {
                shift += delta;
                shifts.push((at + c.len_utf8(), shift));
            }
        }
        Self { text, shifts }
    }

    /// Where byte `offset` of the original lands in the visible copy.
    pub fn offset(&self, offset: usize) -> usize {
        let idx = self.shifts.partition_point(|&(at, _)| at <= offset);
        let shift = if idx == 0 { 0 } else { self.shifts[idx - 1].1 };
        (offset as isize + shift).max(0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(escape_inline("Shoulder rolls"), Cow::Borrowed(_)));
        assert!(matches!(escape_multiline("a\nb"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_and_osc_sequences_are_made_visible() {
        assert_eq!(escape_inline("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(
            escape_inline("\u{1b}]0;title\u{7}"),
            "\\u{1b}]0;title\\u{7}"
        );
        assert_eq!(escape_inline("x\u{9b}y"), "x\\u{9b}y");
        assert_eq!(escape_inline("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(escape_inline("two\nlines"), "two\\nlines");
    }

    #[test]
    fn multiline_keeps_newlines_only() {
        assert_eq!(escape_multiline("a\n\tb\u{1b}"), "a\n b\\u{1b}");
    }

    #[test]
    fn visible_source_keeps_columns_and_maps_offsets() {
        let src = "a = \"x\u{1b}y\"\nbad = 1\n";
        let vis = VisibleSource::new(src);
        assert_eq!(vis.text, "a = \"x\u{241b}y\"\nbad = 1\n");
        let bad = src.find("bad").unwrap();
        assert_eq!(&vis.text[vis.offset(bad)..vis.offset(bad) + 3], "bad");
        assert_eq!(vis.offset(0), 0);
        assert!(!vis.text.chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn crlf_files_lose_the_carriage_return() {
        let src = "a = 1\r\nb = 2\r\n";
        let vis = VisibleSource::new(src);
        assert_eq!(vis.text, "a = 1\nb = 2\n");
        assert_eq!(
            vis.offset(src.find('b').unwrap()),
            vis.text.find('b').unwrap()
        );
    }
}
