//! Asking the terminal what its background is (OSC 11). The question is
//! asked and never waited for: the answer comes back through the input
//! reader (`driver/keys.rs`), which reads it with `parse_background` and
//! never as keys, whenever it arrives and whatever its length; a terminal
//! that does not answer costs nothing.

use std::io::{self, Write};

/// Ask for the background colour, then the device attributes, which every
/// terminal answers (the reader swallows that answer too). In raw mode, so
/// the answers are not echoed.
pub fn ask_background() {
    let mut out = io::stdout();
    let asked = out
        .write_all(b"\x1b]11;?\x1b\\\x1b[c")
        .and_then(|()| out.flush());
    if let Err(e) = asked {
        tracing::info!("cannot ask the terminal for its background: {e}");
    }
}

/// The background from the body of an OSC 11 answer, with or without its
/// introducer and end: `ESC ] 11 ; rgb:RRRR/GGGG/BBBB` (one to four hex
/// digits a channel), ended by BEL or ESC \. Only the Unix input reader
/// reads the answer.
#[cfg(any(unix, test))]
pub fn parse_background(answer: &[u8]) -> Option<crate::ui::theme::Background> {
    let text = String::from_utf8_lossy(answer);
    let at = text.find("11;rgb:")?;
    let rest = &text[at + "11;rgb:".len()..];
    let end = rest.find(['\x07', '\x1b']).unwrap_or(rest.len());
    let channels: Vec<f64> = rest[..end]
        .split('/')
        .map(|h| {
            let value = u32::from_str_radix(h, 16).ok()?;
            let max = 16u32.checked_pow(u32::try_from(h.len()).ok()?)? - 1;
            (1..=4)
                .contains(&h.len())
                .then(|| f64::from(value) / f64::from(max))
        })
        .collect::<Option<_>>()?;
    match channels[..] {
        [r, g, b] => Some(crate::ui::theme::Background::of_rgb(r, g, b)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_background_is_read_from_the_terminals_answer() {
        use crate::ui::theme::Background;
        let white = b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c";
        assert_eq!(parse_background(white), Some(Background::Light));
        let dark = b"\x1b]11;rgb:1e1e/1e1e/2e2e\x07\x1b[?1;2c";
        assert_eq!(parse_background(dark), Some(Background::Dark));
        assert_eq!(parse_background(b"11;rgb:f/f/f"), Some(Background::Light));
        assert_eq!(parse_background(b"\x1b[?1;2c"), None, "no OSC 11 answer");
        assert_eq!(parse_background(b"\x1b]11;rgb:zz/0/0\x07"), None);
        assert_eq!(parse_background(b"\x1b]11;rgb:fffff/0/0\x07"), None);
    }
}
