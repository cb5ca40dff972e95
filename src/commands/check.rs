//! `knotless check [FILE|DIR]...`: every problem in every file, printed
//! file by file as each is read (a slow or broken file never holds back
//! the report on the others), or as one JSON document with `--json`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::routine::library::{looks_like_path, routine_files};
use crate::routine::report::{report_entry, report_file, report_stdin};
use crate::routine::{FileProblems, Library, Problem};
use crate::text::escape_inline;

/// The outcome of a check: the report to print and whether all was clean.
pub struct CheckReport {
    pub text: String,
    pub clean: bool,
}

/// Check the given paths, or (with none) everything the library holds.
/// Authoring warnings are shown; `strict` makes them errors.
pub fn check(
    paths: &[PathBuf],
    library: impl FnOnce() -> Library,
    strict: bool,
    color: bool,
) -> CheckReport {
    let mut out = Vec::new();
    let format = Format::Text { color };
    let clean = check_to(&mut out, paths, library, strict, format).unwrap_or(false);
    CheckReport {
        text: String::from_utf8_lossy(&out).into_owned(),
        clean,
    }
}

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text { color: bool },
    Json,
}

/// Check and write the report to `out` as it goes; true when all was clean.
pub fn check_to(
    out: &mut dyn Write,
    paths: &[PathBuf],
    library: impl FnOnce() -> Library,
    strict: bool,
    format: Format,
) -> std::io::Result<bool> {
    let mut tally = Tally::new(out, format);
    if paths.is_empty() {
        let lib = library();
        tally.files = lib.entries.len();
        for report in &lib.dir_problems {
            tally.report(report)?;
        }
        for entry in &lib.entries {
            if let Some(report) = report_entry(entry, strict) {
                tally.report(&report)?;
            }
        }
    } else {
        // Read only when an argument is a routine id, not a path.
        let mut library = Some(library);
        let mut lib: Option<Library> = None;
        for path in paths {
            match as_id(path) {
                Some(id) => {
                    let lib =
                        lib.get_or_insert_with(|| library.take().map(|f| f()).unwrap_or_default());
                    check_id(id, lib, strict, &mut tally)?;
                }
                None => check_path(path, strict, &mut tally)?,
            }
        }
    }
    tally.finish()
}

/// `check my-neck`: an argument that is no file and does not look like a
/// path is a routine id, as `run` and `show` take it.
fn as_id(path: &Path) -> Option<&str> {
    let text = path.to_str()?;
    let id = text != "-" && !looks_like_path(text) && !path.exists();
    id.then_some(text)
}

fn check_id(id: &str, lib: &Library, strict: bool, tally: &mut Tally<'_>) -> std::io::Result<()> {
    tally.files += 1;
    match lib.find(id) {
        Some(entry) => match report_entry(entry, strict) {
            Some(report) => tally.report(&report),
            None => Ok(()),
        },
        None => {
            let hint = match crate::diag::did_you_mean(id, lib.ids()) {
                Some(m) => format!("did you mean `{m}`? "),
                None => String::new(),
            };
            let problem = Problem::whole_file("no such file, and no routine with this id").help(
                format!("{hint}`knotless list` shows the routine ids; a path names a file"),
            );
            tally.report(&FileProblems::new(
                escape_inline(id).into_owned(),
                None,
                vec![problem],
            ))
        }
    }
}

fn check_path(path: &Path, strict: bool, tally: &mut Tally<'_>) -> std::io::Result<()> {
    let whole = |problem| FileProblems::new(path.display().to_string(), None, vec![problem]);
    if path == Path::new("-") {
        tally.files += 1;
        if let Some(report) = report_stdin(strict) {
            tally.report(&report)?;
        }
        return Ok(());
    }
    if !path.is_dir() {
        tally.files += 1;
        if let Some(report) = report_file(path, strict) {
            tally.report(&report)?;
        }
        return Ok(());
    }
    match routine_files(path) {
        Ok(list) if list.is_empty() => {
            tally.files += 1;
            tally.report(&whole(Problem::whole_file(
                "no routine files (*.toml) in this directory",
            )))
        }
        Ok(list) => {
            for file in list {
                tally.files += 1;
                if let Some(report) = report_file(&file, strict) {
                    tally.report(&report)?;
                }
            }
            Ok(())
        }
        Err(problem) => {
            tally.files += 1;
            tally.report(&whole(problem))
        }
    }
}

/// One problem in `--json` output (`check`, `list`), for editors and CI.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic {
    file: String,
    /// 1-based; absent for a problem with the whole file.
    line: Option<usize>,
    /// 1-based, in characters.
    column: Option<usize>,
    severity: &'static str,
    message: String,
    label: Option<String>,
    help: Option<String>,
}

#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    files: usize,
    clean: bool,
    errors: usize,
    warnings: usize,
    problems: &'a [JsonDiagnostic],
}

/// What has been found so far, and where it goes.
struct Tally<'a> {
    out: &'a mut dyn Write,
    format: Format,
    files: usize,
    /// Errors, and authoring warnings (which leave a file clean).
    problems: usize,
    warnings: usize,
    broken: Vec<String>,
    /// `--json`: the diagnostics, bounded per file like the text report.
    json: Vec<JsonDiagnostic>,
}

impl<'a> Tally<'a> {
    fn new(out: &'a mut dyn Write, format: Format) -> Self {
        Self {
            out,
            format,
            files: 0,
            problems: 0,
            warnings: 0,
            broken: Vec::new(),
            json: Vec::new(),
        }
    }

    fn report(&mut self, report: &FileProblems) -> std::io::Result<()> {
        let errors = report.count() - (report.problems.len() - report.error_count());
        self.problems += errors;
        self.warnings += report.count() - errors;
        if errors > 0 {
            self.broken.push(escape_inline(&report.file).into_owned());
        }
        match self.format {
            Format::Text { color } => {
                report.write_to(self.out, color)?;
                self.out.flush()
            }
            Format::Json => {
                self.json.extend(json_diagnostics(report));
                Ok(())
            }
        }
    }

    fn finish(self) -> std::io::Result<bool> {
        let clean = self.broken.is_empty();
        if self.format == Format::Json {
            let doc = JsonReport {
                files: self.files,
                clean,
                errors: self.problems,
                warnings: self.warnings,
                problems: &self.json,
            };
            let text = super::json::to_text(&doc).map_err(std::io::Error::other)?;
            write!(self.out, "{text}")?;
            return Ok(clean);
        }
        let s = |n: usize| if n == 1 { "" } else { "s" };
        let warned = match self.warnings {
            0 => String::new(),
            n => format!("; {n} warning{} (`--strict` makes warnings errors)", s(n)),
        };
        if clean {
            match (self.files, self.warnings) {
                (1, 0) => writeln!(self.out, "The routine file is fine.")?,
                (n, 0) => writeln!(self.out, "All {n} routine files are fine.")?,
                (n, _) => writeln!(self.out, "No errors in {n} routine file{}{warned}.", s(n))?,
            }
        } else {
            // Name the broken files, but not thousands of them.
            const NAMED: usize = 100;
            let mut names = self.broken.iter().take(NAMED).cloned().collect::<Vec<_>>();
            if self.broken.len() > NAMED {
                names.push(format!("and {} more", self.broken.len() - NAMED));
            }
            writeln!(
                self.out,
                "{} problem{} in {} of {} file{}: {}{warned}",
                self.problems,
                s(self.problems),
                self.broken.len(),
                self.files,
                s(self.files),
                names.join(", ")
            )?;
        }
        self.out.flush()?;
        Ok(clean)
    }
}

/// A file's problems as JSON diagnostics; text from the file is escaped,
/// since whoever reads the JSON may print it to a terminal.
pub fn json_diagnostics(report: &FileProblems) -> Vec<JsonDiagnostic> {
    let file = escape_inline(&report.file).into_owned();
    let mut out: Vec<JsonDiagnostic> = report
        .problems
        .iter()
        .map(|p| {
            let place = report.location(p);
            JsonDiagnostic {
                file: file.clone(),
                line: place.map(|(l, _)| l),
                column: place.map(|(_, c)| c),
                severity: if p.is_warning() { "warning" } else { "error" },
                message: clipped(&p.message),
                label: p.label.as_deref().map(clipped),
                help: p.help.as_deref().map(clipped),
            }
        })
        .collect();
    if report.more > 0 {
        out.push(JsonDiagnostic {
            file,
            line: None,
            column: None,
            severity: "note",
            message: format!(
                "{} more problems in this file not shown: fix these first, then check again",
                report.more
            ),
            label: None,
            help: None,
        });
    }
    out
}

/// Escaped, and at most a few hundred characters, like the text report.
fn clipped(text: &str) -> String {
    const MAX: usize = 300;
    let text = escape_inline(text);
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.into_owned(),
    }
}
