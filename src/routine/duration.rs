//! Durations as routine files write them: "45s", "1m30s", "2 min", a clock
//! reading ("1:30", "1:02:30", as `show` prints lengths), or a whole number
//! of seconds.

use std::fmt;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};

/// The longest any one step (or one side of it) may last.
pub const MAX_STEP: Duration = Duration::from_secs(2 * 60 * 60);

pub const HOW: &str = "write a number with a unit, like \"45s\", \"1m30s\" or \"2 min\", a clock reading like \"1:30\", or whole seconds like 90";

/// Why a duration could not be read; `HOW` says how to write one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("this duration is empty")]
    Empty,
    #[error("this duration has no unit: write \"{0}s\", or {0} without quotes for seconds")]
    NoUnit(String),
    #[error("cannot read this as a duration")]
    Unreadable,
    #[error("cannot read \"{0}\" as a clock reading: write m:ss or h:mm:ss, like 1:30")]
    Clock(String),
}

/// Parse a duration string with humantime.
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DurationError::Empty);
    }
    if trimmed.chars().all(|c| c.is_ascii_digit()) {
        return Err(DurationError::NoUnit(trimmed.to_owned()));
    }
    if trimmed.contains(':') {
        return clock_reading(trimmed);
    }
    humantime::parse_duration(trimmed).map_err(|_| DurationError::Unreadable)
}

/// `HOW`, when serde's `message` says a duration could not be read: for
/// any file with durations in it (routines, settings).
pub fn help_for(message: &str) -> Option<&'static str> {
    let about_a_duration = message.contains("as a duration")
        || message.contains("duration has no unit")
        || message.contains("duration is empty")
        || message.contains("as a clock reading")
        || message.contains("duration cannot be negative")
        || message.contains("number of seconds must be whole");
    about_a_duration.then_some(HOW)
}

/// "m:ss" or "h:mm:ss": the seconds (and the minutes of h:mm:ss) are two
/// digits below 60, as a clock shows them.
fn clock_reading(text: &str) -> Result<Duration, DurationError> {
    let bad = || DurationError::Clock(text.to_owned());
    let parts: Vec<&str> = text.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let mut seconds: u64 = 0;
    for (i, part) in parts.iter().enumerate() {
        let digits = part.len();
        let leading = i == 0;
        let valid = part.chars().all(|c| c.is_ascii_digit())
            && match leading {
                true => (1..=3).contains(&digits),
                false => digits == 2,
            };
        let value: u64 = part.parse().ok().filter(|_| valid).ok_or_else(bad)?;
        if !leading && value >= 60 {
            return Err(bad());
        }
        seconds = seconds * 60 + value;
    }
    Ok(Duration::from_secs(seconds))
}

pub use crate::format::{clock, words};

/// A duration read from a routine file: a string with a unit, or an
/// integer number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Length(pub Duration);

impl schemars::JsonSchema for Length {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A number with a unit, like \"45s\", \"1m30s\" or \"2 min\", a clock reading like \"1:30\" or \"1:02:30\", or whole seconds like 90.",
            "oneOf": [
                { "type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*[a-zA-Zµ]+(\\s*[0-9]+(\\.[0-9]+)?\\s*[a-zA-Zµ]+)*\\s*$" },
                { "type": "string", "pattern": "^\\s*[0-9]{1,3}(:[0-5][0-9]){1,2}\\s*$" },
                { "type": "integer", "minimum": 0 }
            ]
        })
    }
}

impl<'de> de::Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LengthVisitor)
    }
}

struct LengthVisitor;

impl<'de> Visitor<'de> for LengthVisitor {
    type Value = Length;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a duration like \"45s\", \"1m30s\" or whole seconds")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Length, E> {
        parse(v).map(Length).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Length, E> {
        u64::try_from(v)
            .map(|s| Length(Duration::from_secs(s)))
            .map_err(|_| E::custom(format!("a duration cannot be negative ({v})")))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Length, E> {
        Ok(Length(Duration::from_secs(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Length, E> {
        Err(E::custom(format!(
            "a bare number of seconds must be whole ({v}): write it with a unit, like \"{v}s\""
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_forms_routine_files_use() {
        assert_eq!(parse("45s"), Ok(Duration::from_secs(45)));
        assert_eq!(parse("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("1m 30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("2 min"), Ok(Duration::from_secs(120)));
        assert_eq!(parse("2min"), Ok(Duration::from_secs(120)));
        assert_eq!(parse(" 1h "), Ok(Duration::from_secs(3600)));
        assert_eq!(parse("1.5m"), Ok(Duration::from_secs(90)));
    }

    /// What `show` prints is read back as written.
    #[test]
    fn reads_clock_readings() {
        assert_eq!(parse("1:30"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("0:45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse(" 12:00 "), Ok(Duration::from_secs(720)));
        assert_eq!(parse("1:02:03"), Ok(Duration::from_secs(3723)));
        assert_eq!(
            parse(&clock(Duration::from_secs(3723))),
            Ok(Duration::from_secs(3723))
        );
        for bad in [
            "1:5", "1:60", ":30", "1:", "1:30:", "1::30", "a:30", "1:2:3:4", "1:-3", "1234:00",
        ] {
            let message = parse(bad).unwrap_err().to_string();
            assert!(message.contains("m:ss"), "{bad}: {message}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_read_with_a_hint() {
        let no_unit = parse("90").unwrap_err().to_string();
        assert!(no_unit.contains("\"90s\""), "{no_unit}");
        assert!(parse("").unwrap_err().to_string().contains("empty"));
        assert_eq!(
            parse("ten minutes").unwrap_err().to_string(),
            "cannot read this as a duration"
        );
        assert_eq!(help_for(&no_unit), Some(HOW));
    }

    #[test]
    fn formats_for_tables_and_text() {
        assert_eq!(clock(Duration::from_secs(65)), "1:05");
        assert_eq!(clock(Duration::from_secs(720)), "12:00");
        assert_eq!(clock(Duration::from_secs(3723)), "1:02:03");
        assert_eq!(words(Duration::from_secs(45)), "45 s");
        assert_eq!(words(Duration::from_secs(120)), "2 min");
        assert_eq!(words(Duration::from_secs(90)), "1 min 30 s");
    }
}
