//! JSON output for scripts: pretty, one object, and safe to print.

use anyhow::{Context, Result};
use serde::Serialize;

use crate::text::is_unsafe;

/// The shape of every `--json` output; raised when a field changes meaning
/// or goes away (new fields may come without it).
pub const VERSION: u64 = 1;

/// `value` as pretty JSON with a final newline, with `"version"` added to
/// an object (every `--json` output is one). serde_json already escapes
/// C0 control characters; the others a terminal may act on (DEL, C1,
/// bidi overrides) are escaped here too, so `knotless list --json` printed
/// to a terminal can never be an escape sequence. Parsers read the same
/// strings either way.
pub fn to_text(value: &impl Serialize) -> Result<String> {
    let text = serde_json::to_string_pretty(value).context("cannot write JSON")?;
    // First, and without re-ordering the fields (serde_json's maps sort
    // their keys): a pretty object starts "{\n" and is "{}" when empty.
    let text = match text.strip_prefix("{\n") {
        Some(rest) => format!("{{\n  \"version\": {VERSION},\n{rest}"),
        None if text == "{}" => format!("{{\n  \"version\": {VERSION}\n}}"),
        None => text,
    };
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
    fn every_object_carries_the_version() {
        let text = to_text(&serde_json::json!({"streak": 3})).unwrap();
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["version"], 1);
        assert_eq!(back["streak"], 3);
        let empty: serde_json::Value =
            serde_json::from_str(&to_text(&serde_json::json!({})).unwrap()).unwrap();
        assert_eq!(empty["version"], 1);
        assert!(to_text(&[1, 2]).unwrap().starts_with('['), "only objects");
    }

    #[test]
    fn terminal_controls_are_escaped_and_still_parse() {
        let text = to_text(&serde_json::json!({"name": "a\u{1b}[2J\u{9b}\u{202e}b"})).unwrap();
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text:?}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "a\u{1b}[2J\u{9b}\u{202e}b");
    }
}
