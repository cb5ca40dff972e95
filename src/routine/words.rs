//! The routine format's own words for TOML errors: what each key takes,
//! what a missing key needs, and stand-ins that let the rest of a step be
//! checked. The machinery that uses them is `crate::diag::document`.

use std::borrow::Cow;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::diag::document::{Words, type_help};

/// Which table of a routine file is read, for the words of its problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Routine,
    Step,
}

impl Words for Table {
    fn form(&self, key: &str) -> Option<(String, String)> {
        expected_form(key)
    }

    fn missing(&self, key: &str, span: Range<usize>) -> (Range<usize>, String, String) {
        let (span, label) = match (self, key) {
            // The whole document has no single place: point at its start.
            (Table::Routine, _) => (0..0, format!("the routine has no `{key}`")),
            (Table::Step, "kind" | "title") => (span, format!("this step has no `{key}`")),
            _ => (span, format!("this table has no `{key}`")),
        };
        (span, label, missing_key_help(key))
    }

    fn value_help(&self, message: &str) -> Option<&'static str> {
        value_help(message)
    }

    fn stand_in(&self, key: &str, table: &DeTable<'_>) -> Option<DeValue<'static>> {
        let text = |s: &'static str| Some(DeValue::String(Cow::Borrowed(s)));
        match key {
            "name" | "title" => text("(missing)"),
            "kind" => {
                let has = |k: &str| table.keys().any(|key| key.get_ref() == k);
                if has("cycles") || (has("breath") && !has("duration")) {
                    text("breathing")
                } else {
                    text("warm-up")
                }
            }
            _ => None,
        }
    }
}

/// What a key takes, and an example line: for values of the wrong type.
pub fn expected_form(key: &str) -> Option<(String, String)> {
    use super::model::{Area, Position, Pressure, StepKind};
    fn list<T: Copy>(all: &[T], word: fn(T) -> &'static str) -> String {
        let words: Vec<String> = all.iter().map(|w| format!("\"{}\"", word(*w))).collect();
        format!("one of {}", words.join(", "))
    }
    let duration = || "a duration, like \"45s\", \"1m30s\" or \"2 min\", or whole seconds like 90";
    let text = "text in double quotes";
    Some(match key {
        "kind" => (
            list(StepKind::ALL, StepKind::word),
            "kind = \"kneading\"".into(),
        ),
        "area" => (list(Area::ALL, Area::word), "area = \"shoulders\"".into()),
        "pressure" => (
            list(Pressure::ALL, Pressure::word),
            "pressure = \"medium\"".into(),
        ),
        "position" => (
            list(Position::ALL, Position::word),
            "position = \"chair\"".into(),
        ),
        "sides" => (
            "\"both\" (left, then right), \"left\" or \"right\"".into(),
            "sides = \"both\"".into(),
        ),
        "cycles" => (
            "a whole number of 1 or more, without quotes".into(),
            "cycles = 6".into(),
        ),
        "duration" | "transition" | "switch" | "get_ready" | "at" => {
            (duration().into(), format!("{key} = \"30s\""))
        }
        "name" | "title" | "summary" | "safety" | "instructions" | "caution" | "glance"
        | "text" | "sound" => (text.into(), format!("{key} = \"...\"")),
        "tags" | "tools" | "prepare" => (
            "a list of text in square brackets".into(),
            format!("{key} = [\"hands\", \"tennis ball\"]"),
        ),
        "breath" => (
            format!(
                "a pattern name ({}) or seconds for each phase",
                crate::breath::NAMED_PATTERNS.join(", ")
            ),
            "breath = \"box\" or breath = { in = 4, out = 6 }".into(),
        ),
        "in" | "hold" | "out" | "hold_out" => (
            "a number of seconds without quotes; fractions are fine".into(),
            "breath = { in = 4, hold = 2, out = 5.5 }".into(),
        ),
        "breath_tones" | "voice" => ("true or false".into(), format!("{key} = true")),
        "say" => (
            "the words to say in double quotes, or false for silence".into(),
            "say = \"Lie down on your back\"".into(),
        ),
        "cues" => (
            "a list of cues, each with `at` and `text`".into(),
            "cues = [{ at = \"30s\", text = \"Now the other way\" }]".into(),
        ),
        "defaults" => (
            "a table of pressure, transition and switch".into(),
            "[defaults] then transition = \"5s\" on the next line".into(),
        ),
        _ => return None,
    })
}

fn missing_key_help(key: &str) -> String {
    match key {
        "name" => "add a line like name = \"Evening neck release\" at the top of the file".into(),
        "kind" => format!(
            "add kind = \"...\", one of: {}",
            super::model::StepKind::ALL
                .iter()
                .map(|k| k.word())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "title" => "add title = \"...\": a few words shown in large type during the step".into(),
        "at" | "text" => {
            "every cue needs both: { at = \"30s\", text = \"Now the other way\" }".into()
        }
        "in" | "out" => {
            "a custom breath needs at least in and out, in seconds: { in = 4, out = 6 }".into()
        }
        other => format!("add `{other}`"),
    }
}

fn value_help(message: &str) -> Option<&'static str> {
    if let Some(how) = super::duration::help_for(message) {
        return Some(how);
    }
    if message.contains("wanted string or table") {
        return Some("put the value in double quotes, like kind = \"kneading\"");
    }
    if message.starts_with("invalid value") && message.contains("expected u32") {
        return Some("write a whole number of 1 or more, without quotes, like 6");
    }
    if !message.starts_with("invalid type") {
        return None;
    }
    Some(if message.contains("expected a sequence") {
        "write a list in square brackets, like [\"hands\", \"tennis ball\"]"
    } else if message.contains("expected a string") {
        "put the text in double quotes"
    } else if message.contains("expected u32") || message.contains("expected integer") {
        "write a whole number without quotes, like 6"
    } else if message.contains("expected f64") {
        "write a number of seconds without quotes, like 4 or 5.5"
    } else if message.contains("expected struct") {
        "this key takes a table: a [section] or { key = value, ... }"
    } else {
        return type_help(message);
    })
}
