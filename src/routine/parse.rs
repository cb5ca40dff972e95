//! Text of a routine file -> a validated `Routine`, or every problem in it.

use std::path::PathBuf;
use std::sync::Arc;

use toml::Spanned;
use toml::de::DeValue;

use super::model::Routine;
use super::raw::{RawHeader, RawStep, StepsFound};
use super::validate::{self, SoundFiles};
use super::words::Table;
use crate::diag::document::{parse_document, read_lenient};
use crate::diag::{FileProblems, Problem};

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
    let header = read_lenient::<RawHeader>(whole, root, &Table::Routine, &mut found).map(
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
        match read_lenient::<RawStep>(item_span.clone(), table, &Table::Step, found) {
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
        let shown = crate::diag::problem::MAX_PROBLEMS;
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
