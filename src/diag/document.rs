//! TOML documents with spans: parsing, syntax errors in words an author
//! can act on, and reading a table leniently (every wrong key reported and
//! left out, the rest still read). A file format (routines, settings) says
//! what its own keys take through `Words`; the defaults suit a table whose
//! keys are all optional (a settings table).

use std::borrow::Cow;
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::did_you_mean;
use super::problem::{Problem, floor_char};

/// What a file format says about its own keys, for errors in words its
/// authors know. Every part has a plain default.
pub trait Words {
    /// What `key` takes and an example line, for a value of the wrong type.
    fn form(&self, _key: &str) -> Option<(String, String)> {
        None
    }

    /// Where and how to say that the required `key` is missing from the
    /// table at `span`: the place, the label under the caret and the help.
    fn missing(&self, key: &str, span: Range<usize>) -> (Range<usize>, String, String) {
        (
            span,
            format!("this table has no `{key}`"),
            format!("add `{key}`"),
        )
    }

    /// A hint for a value that could not be read, from serde's message.
    fn value_help(&self, message: &str) -> Option<&'static str> {
        type_help(message)
    }

    /// A value standing in for the missing `key` so that the rest of
    /// `table` can still be checked; `None` when none makes sense.
    fn stand_in(&self, _key: &str, _table: &DeTable<'_>) -> Option<DeValue<'static>> {
        None
    }
}

/// Turn a message from toml/serde into a problem an author can act on:
/// unknown keys and values get a "did you mean", missing keys a hint.
/// `key` is the key whose whole value is wrong, when known, so the message
/// can name what that key takes.
pub fn from_serde_error(
    err: &toml::de::Error,
    fallback: Range<usize>,
    words: &dyn Words,
    key: Option<&str>,
) -> Problem {
    let span = err.span().unwrap_or(fallback);
    let message = err.message().trim_end();
    let wrong_type = message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.contains("wanted string or table");
    if let Some(key) = key.filter(|_| wrong_type)
        && let Some((expects, example)) = words.form(key)
    {
        return Problem::at(span, format!("`{key}` takes {expects}"))
            .label("not a value this key takes")
            .help(format!("for example: {example}"));
    }
    if let Some((word, allowed)) = parse_unknown(message, "unknown field `") {
        return unknown_key(span, &word, &allowed);
    }
    if let Some((word, allowed)) = parse_unknown(message, "unknown variant `") {
        let mut p = Problem::at(span, format!("`{word}` is not one of the allowed values"));
        if let Some(m) = did_you_mean(&word, allowed.iter().map(String::as_str)) {
            p = p.label(format!("did you mean `{m}`?"));
        }
        return p.help(format!("use one of: {}", allowed.join(", ")));
    }
    if let Some(key) = missing_key(err) {
        let (span, label, help) = words.missing(&key, span);
        return Problem::at(span, format!("missing key `{key}`"))
            .label(label)
            .help(help);
    }
    let mut p = Problem::at(span, plain_words(message));
    if let Some(help) = words.value_help(message) {
        p = p.help(help);
    }
    p
}

/// "unknown key `word`" at `span`, with the key meant when one is close and
/// the keys `allowed` here.
pub fn unknown_key(span: Range<usize>, word: &str, allowed: &[String]) -> Problem {
    let p = Problem::at(span, format!("unknown key `{word}`"));
    let p = match did_you_mean(word, allowed.iter().map(String::as_str)) {
        Some(m) => p.label(format!("did you mean `{m}`?")),
        None => p.label("not a key here"),
    };
    p.help(format!("the keys allowed here are: {}", allowed.join(", ")))
}

/// Hints for a value of the wrong type, in TOML words.
pub fn type_help(message: &str) -> Option<&'static str> {
    if !message.starts_with("invalid type") {
        return None;
    }
    Some(if message.contains("expected a sequence") {
        "write a list in square brackets, like [\"a\", \"b\"]"
    } else if message.contains("expected a string") {
        "put the text in double quotes"
    } else if message.contains("expected u") || message.contains("expected i") {
        "write a whole number without quotes"
    } else if message.contains("expected a boolean") || message.contains("expected bool") {
        "write true or false, without quotes"
    } else if message.contains("expected struct") {
        "this key takes a table: a [section] or { key = value, ... }"
    } else {
        return None;
    })
}

const SYNTAX_SCAN: usize = 64 * 1024;

/// Parse a TOML document; on a syntax error, the problems to report: the
/// first one exactly, then those the first `SYNTAX_SCAN` bytes hold.
pub fn parse_document(text: &str) -> Result<Spanned<DeTable<'_>>, Vec<Problem>> {
    let first = match DeTable::parse(text) {
        Ok(document) => return Ok(document),
        Err(e) => from_syntax_error(&e, text),
    };
    if text.len() <= SYNTAX_SCAN {
        let (_, errors) = DeTable::parse_recoverable(text);
        let mut found: Vec<Problem> = errors.iter().map(|e| from_syntax_error(e, text)).collect();
        if found.is_empty() {
            found.push(first);
        }
        found.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
        return Err(found);
    }
    let cut = floor_char(text, SYNTAX_SCAN);
    let cut = text[..cut]
        .rfind('\n')
        .filter(|&i| i > cut / 2)
        .unwrap_or(cut);
    let (_, errors) = DeTable::parse_recoverable(&text[..cut]);
    // An error at the very end of the part read may only be the cut (a
    // table or string left open): it is left out.
    let mut found: Vec<Problem> = errors
        .iter()
        .filter(|e| e.span().is_some_and(|s| s.start + 1 < cut))
        .map(|e| from_syntax_error(e, text))
        .collect();
    if !found.iter().any(|p| p.span == first.span) {
        found.push(first);
    }
    found.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
    Err(found)
}

/// A TOML syntax error, in words a routine author can act on.
pub fn from_syntax_error(err: &toml::de::Error, source: &str) -> Problem {
    let end = source.len();
    let span = err.span().unwrap_or(end..end);
    let message = err.message().trim_end();
    let quoted = source.get(span.clone()).unwrap_or_default();
    if message.starts_with("duplicate key") {
        return Problem::at(
            span,
            format!("the key `{quoted}` is set twice in this table"),
        )
        .label("set again here")
        .help("keep one of the two; each key may appear once per table");
    }
    if message.contains("non-double-quote visible characters")
        || message.contains("non-single-quote visible characters")
    {
        return Problem::at(
            span,
            "a control character cannot be written as it is inside a string",
        )
        .label("this character")
        .help("remove it, or write it as an escape such as \\u001b");
    }
    if message.starts_with("invalid basic string") && message.contains("expected `\"`") {
        return Problem::at(span, "this string is not closed")
            .label("the line ends here")
            .help("add a closing \" at the end of the text");
    }
    Problem::at(span, message.to_owned()).help(
        "check the TOML syntax at the caret: keys are `key = value`, text goes in double quotes, lists in [ ]",
    )
}

/// For an unknown key close to an allowed one, the key that was meant.
pub fn meant_key(err: &toml::de::Error) -> Option<String> {
    let (word, allowed) = parse_unknown(err.message().trim_end(), "unknown field `")?;
    did_you_mean(&word, allowed.iter().map(String::as_str)).map(str::to_owned)
}

/// serde's words for what it wanted ("expected struct RawStep", "expected
/// u32") name Rust types; a routine author needs the TOML words.
pub fn plain_words(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("expected ") {
        out.push_str(&rest[..at + "expected ".len()]);
        rest = &rest[at + "expected ".len()..];
        let word_end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ' '))
            .unwrap_or(rest.len());
        let (wanted, after) = rest.split_at(word_end);
        let plain = match wanted.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["struct", ..] | ["map", ..] => Some("a table"),
            ["enum", ..] => Some("one of the allowed values"),
            [
                "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64",
                ..,
            ] => Some("a whole number"),
            ["f32" | "f64", ..] => Some("a number"),
            ["a", "sequence", ..] => Some("a list"),
            ["a", "boolean", ..] | ["bool", ..] => Some("true or false"),
            _ => None,
        };
        match plain {
            Some(words) => out.push_str(words),
            None => out.push_str(wanted),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// "unknown field `x`, expected one of `a`, `b`" -> ("x", ["a", "b"]).
fn parse_unknown(message: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix(prefix)?;
    let (word, rest) = rest.split_once('`')?;
    let allowed = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect::<Vec<_>>();
    Some((word.to_owned(), allowed))
}

/// At most this many mistakes are reported in one table.
const MAX_ROUNDS: usize = 64;

/// Read `table` as a `T`, reporting every key that cannot be read rather
/// than the first only: a key with a value of the wrong kind, or an unknown
/// key, is reported and left out, and a missing required key is reported
/// and given a stand-in (`Words::stand_in`), until the rest reads. Returns
/// the value and the keys left out, or `None` when it still cannot be read.
pub fn read_lenient<T: DeserializeOwned>(
    span: Range<usize>,
    mut table: DeTable<'_>,
    words: &dyn Words,
    found: &mut Vec<Problem>,
) -> Option<(T, Vec<String>)> {
    let mut left_out = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let value = Spanned::new(span.clone(), DeValue::Table(table.clone()));
        let err = match T::deserialize(ValueDeserializer::from(value)) {
            Ok(t) => return Some((t, left_out)),
            Err(e) => e,
        };
        if let Some(key) = missing_key(&err) {
            // A key whose value was wrong is already reported.
            if !left_out.contains(&key) {
                found.push(from_serde_error(&err, span.clone(), words, None));
            }
            let stand_in = words.stand_in(&key, &table)?;
            table.insert(
                Spanned::new(span.start..span.start, Cow::Owned(key)),
                Spanned::new(span.start..span.start, stand_in),
            );
            continue;
        }
        let at = err.span();
        let culprit = at.as_ref().and_then(|at| {
            table.iter().find_map(|(k, v)| {
                let inside = |r: Range<usize>| r.start <= at.start && at.end <= r.end;
                (inside(k.span()) || inside(v.span())).then(|| (k.clone(), v.span() == *at))
            })
        });
        let Some((key, whole_value)) = culprit else {
            found.push(from_serde_error(&err, span.clone(), words, None));
            return None;
        };
        let name = key.get_ref().to_string();
        let inner = at.as_ref().and_then(|at| innermost_key(&table, at));
        let named = match &inner {
            Some((inner, true)) => Some(inner.as_str()),
            _ => whole_value.then_some(name.as_str()),
        };
        found.push(from_serde_error(&err, span.clone(), words, named));
        table.remove(&key);
        // A misspelt `duraton` is not also reported as a missing `duration`.
        left_out.extend(meant_key(&err));
        left_out.push(name);
    }
    None
}

/// The innermost key whose value holds `at`, looking inside inline tables
/// and lists of tables (a cue, a custom breath); with it, whether the value
/// (or an element of a list) is exactly what is wrong, so that the message
/// can say what that key takes.
fn innermost_key(table: &DeTable<'_>, at: &Range<usize>) -> Option<(String, bool)> {
    let inside = |r: Range<usize>| r.start <= at.start && at.end <= r.end;
    for (k, v) in table.iter() {
        if inside(k.span()) {
            return Some((k.get_ref().to_string(), false));
        }
        if !inside(v.span()) {
            continue;
        }
        let key = k.get_ref().to_string();
        return Some(match v.get_ref() {
            DeValue::Table(t) => innermost_key(t, at).unwrap_or((key, v.span() == *at)),
            DeValue::Array(items) => items
                .iter()
                .find(|item| inside(item.span()))
                .and_then(|item| match item.get_ref() {
                    DeValue::Table(t) => innermost_key(t, at),
                    _ => None,
                })
                .unwrap_or((key, true)),
            _ => (key, v.span() == *at),
        });
    }
    None
}

/// The key a "missing field" error names.
fn missing_key(err: &toml::de::Error) -> Option<String> {
    let rest = err.message().strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_type_names_become_toml_words() {
        assert_eq!(
            plain_words("invalid type: integer `1`, expected struct RawStep"),
            "invalid type: integer `1`, expected a table"
        );
        assert_eq!(
            plain_words("invalid type: string \"x\", expected u32"),
            "invalid type: string \"x\", expected a whole number"
        );
        assert_eq!(plain_words("expected a string"), "expected a string");
    }
}
