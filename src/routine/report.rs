//! What `knotless check` says of one routine file: its errors, or else its
//! authoring warnings (made errors by `--strict`).

use super::builtin::{BUILTINS, file_name};
use super::library::Entry;
use super::load::load_file_linted;
use super::model::Routine;
use super::parse::parse_routine_linted;
use crate::diag::FileProblems;

/// What `knotless check` reports for one file: its errors, or else its
/// warnings (made errors by `strict`); `None` when there is nothing to say.
pub fn report_file(path: &std::path::Path, strict: bool) -> Option<FileProblems> {
    finish(load_file_linted(path), strict)
}

/// As `report_file`, for a routine read from standard input (`-`).
pub fn report_stdin(strict: bool) -> Option<FileProblems> {
    finish(super::load::load_stdin_linted(), strict)
}

/// As `report_file`, for a routine the library already holds (built-in or
/// from a file, read again for the places its warnings point at).
pub fn report_entry(entry: &Entry, strict: bool) -> Option<FileProblems> {
    if let Err(problems) = &entry.routine {
        return Some(problems.clone());
    }
    match entry.origin.path() {
        Some(path) => report_file(path, strict),
        None => {
            let (id, text) = BUILTINS.iter().find(|(id, _)| *id == entry.id)?;
            let written = |w: &str| Ok(std::path::PathBuf::from(w));
            finish(
                parse_routine_linted(id, &file_name(id), text, &written),
                strict,
            )
        }
    }
}

fn finish(
    result: Result<(Routine, FileProblems), FileProblems>,
    strict: bool,
) -> Option<FileProblems> {
    let report = match result {
        Ok((_, warnings)) if strict => warnings.strict(),
        Ok((_, warnings)) => warnings,
        Err(errors) => errors,
    };
    (!report.problems.is_empty()).then_some(report)
}
