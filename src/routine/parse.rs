//! Text of a routine file -> a validated `Routine`, or every problem in it.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::diagnostic::{
    FileProblems, Problem, Table, from_toml_error_in, meant_key, parse_document,
};
use super::model::Routine;
use super::raw::{RawHeader, RawStep, StepsFound};
use super::validate::{self, SoundFiles};

/// Parse and validate one routine. `file` is how errors name the file.
/// Sound files are taken as written, unchecked (see `parse_routine_with`).
pub fn parse_routine(id: &str, file: &str, text: &str) -> Result<Routine, FileProblems> {
    parse_routine_with(id, file, text, &|written| Ok(PathBuf::from(written)))
}

/// Parse and validate one routine, finding and checking the sound files it
/// names with `files`.
pub fn parse_routine_with(
    id: &str,
    file: &str,
    text: &str,
    files: SoundFiles,
) -> Result<Routine, FileProblems> {
    parse_routine_linted(id, file, text, files).map(|(routine, _)| routine)
}

/// Parse and validate one routine; with it, its authoring warnings (which
/// may be none).
pub fn parse_routine_linted(
    id: &str,
    file: &str,
    text: &str,
    files: SoundFiles,
) -> Result<(Routine, FileProblems), FileProblems> {
    let problems = |problems| FileProblems::new(file, Some(Arc::from(text)), problems);
    // Bounded: a file of a million syntax errors is not listed in full.
    let document = parse_document(text).map_err(problems)?;
    let whole = document.span();
    let mut root = document.into_inner();
    let steps_key = root.keys().find(|k| k.get_ref() == "steps").cloned();
    let steps = steps_key.and_then(|k| root.remove(&k));

    let mut found = Vec::new();
    let header = read_lenient::<RawHeader>(whole, root, Table::Routine, &mut found).map(
        |(mut header, unreadable)| {
            header.unreadable = unreadable;
            header
        },
    );
    let raw_steps = read_steps(steps, &mut found);
    if let Some(header) = header {
        match validate::routine(id, header, raw_steps, files) {
            Ok((routine, warnings)) if found.is_empty() => {
                return Ok((routine, problems(warnings)));
            }
            Ok(_) => {}
            Err(mut more) => found.append(&mut more),
        }
    }
    found.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
    // The report shows the first few and counts the rest (FileProblems).
    Err(problems(found))
}

/// Past this many problems the rest of a file's steps are not even read:
/// a hostile file cannot make checking it slow.
pub const READ_LIMIT: usize = 100;

/// The `[[steps]]` array, each step read on its own. A step that fails to
/// read is reported and left out; the others are still checked.
fn read_steps(steps: Option<Spanned<DeValue<'_>>>, found: &mut Vec<Problem>) -> StepsFound {
    let Some(steps) = steps else {
        return StepsFound {
            span: None,
            steps: Vec::new(),
            unreadable: 0,
        };
    };
    let span = steps.span();
    let DeValue::Array(items) = steps.into_inner() else {
        found.push(
            Problem::at(span, "`steps` must be a list of tables")
                .help("write each step as a [[steps]] table with kind, title and duration"),
        );
        // Counted as one unreadable step so that "no steps" is not said too.
        return StepsFound {
            span: None,
            steps: Vec::new(),
            unreadable: 1,
        };
    };
    let mut out = Vec::with_capacity(items.len());
    let mut unreadable = 0;
    for item in items {
        if found.len() > READ_LIMIT {
            // Enough to fix first; the rest are not even read.
            unreadable += 1;
            continue;
        }
        let item_span = item.span();
        let DeValue::Table(table) = item.into_inner() else {
            unreadable += 1;
            found.push(
                Problem::at(item_span, "each step must be a table")
                    .help("write each step as a [[steps]] table with kind, title and duration"),
            );
            continue;
        };
        match read_lenient::<RawStep>(item_span.clone(), table, Table::Step, found) {
            Some((mut step, keys)) => {
                step.unreadable = keys;
                out.push((item_span, step));
            }
            None => unreadable += 1,
        }
    }
    StepsFound {
        span: Some(span),
        steps: out,
        unreadable,
    }
}

/// At most this many mistakes are reported in one table.
const MAX_ROUNDS: usize = 64;

/// Read `table` as a `T`, reporting every key that cannot be read rather
/// than the first only: a key with a value of the wrong kind, or an unknown
/// key, is reported and left out, and a missing required key is reported
/// and given a stand-in, until the rest reads. Returns the value and the
/// keys left out, or `None` when it still cannot be read.
pub fn read_lenient<T: DeserializeOwned>(
    span: Range<usize>,
    mut table: DeTable<'_>,
    which: Table,
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
                found.push(from_toml_error_in(&err, span.clone(), which, None));
            }
            let stand_in = stand_in(&key, &table)?;
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
            found.push(from_toml_error_in(&err, span.clone(), which, None));
            return None;
        };
        let name = key.get_ref().to_string();
        let inner = at.as_ref().and_then(|at| innermost_key(&table, at));
        let named = match &inner {
            Some((inner, true)) => Some(inner.as_str()),
            _ => whole_value.then_some(name.as_str()),
        };
        found.push(from_toml_error_in(&err, span.clone(), which, named));
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

/// A value that lets the rest of a table be checked once a required key is
/// reported missing; `None` when no stand-in makes sense.
fn stand_in(key: &str, table: &DeTable<'_>) -> Option<DeValue<'static>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_full_of_mistakes_gets_a_bounded_report() {
        let mut text = String::from("name = \"x\"\n");
        for _ in 0..300 {
            text.push_str("[[steps]]\nkind = \"rest\"\ntitle = \"t\"\nduration = \"1m\"\n");
            for k in 0..70 {
                text.push_str(&format!("bad{k} = 1\n"));
            }
        }
        let err = parse_routine("x", "x.toml", &text).unwrap_err();
        let shown = crate::routine::diagnostic::MAX_PROBLEMS;
        assert_eq!(err.problems.len(), shown);
        assert!(err.more > 0, "the rest are counted, not listed");
        assert!(
            err.render(false).contains("more problems"),
            "{}",
            err.render(false)
        );
    }

    #[test]
    fn a_wrong_value_inside_a_custom_breath_names_its_key() {
        let text = "name = \"x\"\n[[steps]]\nkind = \"breathing\"\ntitle = \"b\"\ncycles = 3\nbreath = { in = \"4\", out = 6 }\n";
        let err = parse_routine("x", "x.toml", text).unwrap_err();
        let messages: Vec<&str> = err.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            ["`in` takes a number of seconds without quotes; fractions are fine"]
        );
    }

    #[test]
    fn a_wrong_value_is_not_also_reported_missing() {
        let text = "name = \"x\"\n[[steps]]\nkind = \"kneeding\"\ntitle = 5\nduration = \"1m\"\n";
        let err = parse_routine("x", "x.toml", text).unwrap_err();
        let messages: Vec<&str> = err.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("`kneeding` is not one of the allowed values"));
        assert_eq!(messages[1], "`title` takes text in double quotes");
    }
}
