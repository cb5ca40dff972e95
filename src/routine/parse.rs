//! Text of a routine file -> a validated `Routine`, or every problem in it.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeValue, ValueDeserializer};

use super::diagnostic::{FileProblems, Problem, Table, from_toml_error, parse_document};
use super::model::Routine;
use super::raw::{RawHeader, RawStep};
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
    let problems = |problems| FileProblems::new(file, Some(Arc::from(text)), problems);
    // Bounded: a file of a million syntax errors is not listed in full.
    let document = parse_document(text).map_err(problems)?;
    let whole = document.span();
    let mut root = document.into_inner();
    let steps_key = root.keys().find(|k| k.get_ref() == "steps").cloned();
    let steps = steps_key.and_then(|k| root.remove(&k));

    let mut found = Vec::new();
    let header = RawHeader::deserialize(ValueDeserializer::from(Spanned::new(
        whole.clone(),
        DeValue::Table(root),
    )))
    .map_err(|e| found.push(from_toml_error(&e, 0..0, Table::Routine)))
    .ok();
    let raw_steps = read_steps(steps, &mut found);
    if let Some(header) = header {
        match validate::routine(id, header, raw_steps, files) {
            Ok(routine) if found.is_empty() => return Ok(routine),
            Ok(_) => {}
            Err(mut more) => found.append(&mut more),
        }
    }
    found.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
    Err(problems(found))
}

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
        let item_span = item.span();
        match RawStep::deserialize(ValueDeserializer::from(item)) {
            Ok(step) => out.push((item_span, step)),
            Err(e) => {
                unreadable += 1;
                found.push(from_toml_error(&e, item_span, Table::Step));
            }
        }
    }
    StepsFound {
        span: Some(span),
        steps: out,
        unreadable,
    }
}

pub struct StepsFound {
    /// Where `steps` is, when the file has it.
    pub span: Option<Range<usize>>,
    pub steps: Vec<(Range<usize>, RawStep)>,
    /// Steps that were there but could not be read (already reported).
    pub unreadable: usize,
}
