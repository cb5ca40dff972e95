//! JSON output for scripts: pretty, one object, and safe to print.

use anyhow::{Context, Result};
use serde::Serialize;

use crate::text::is_unsafe;

/// `value` as pretty JSON with a final newline. serde_json already escapes
/// C0 control characters; the others a terminal may act on (DEL, C1,
/// bidi overrides) are escaped here too, so `knotless list --json` printed
/// to a terminal can never be an escape sequence. Parsers read the same
/// strings either way.
pub fn to_text(value: &impl Serialize) -> Result<String> {
    let text = serde_json::to_string_pretty(value).context("cannot write JSON")?;
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if is_unsafe(c) && c != '\n' {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_escaped_and_still_parse() {
        let text = to_text(&serde_json::json!({"name": "a\u{1b}[2J\u{9b}\u{202e}b"})).unwrap();
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text:?}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "a\u{1b}[2J\u{9b}\u{202e}b");
    }
}
