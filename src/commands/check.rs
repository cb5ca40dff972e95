//! `knotless check [FILE|DIR]...`

use std::path::PathBuf;

use crate::routine::library::routine_files;
use crate::routine::lint::{report_entry, report_file};
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
    let mut files = 0usize;
    let mut reports: Vec<FileProblems> = Vec::new();
    if paths.is_empty() {
        let lib = library();
        files = lib.entries.len();
        reports.extend(lib.dir_problems.iter().cloned());
        reports.extend(lib.entries.iter().filter_map(|e| report_entry(e, strict)));
    } else {
        for path in paths {
            if path.is_dir() {
                match routine_files(path) {
                    Ok(list) if list.is_empty() => {
                        files += 1;
                        reports.push(FileProblems::new(
                            path.display().to_string(),
                            None,
                            vec![Problem::whole_file(
                                "no routine files (*.toml) in this directory",
                            )],
                        ));
                    }
                    Ok(list) => {
                        files += list.len();
                        reports.extend(list.iter().filter_map(|p| report_file(p, strict)));
                    }
                    Err(problem) => {
                        files += 1;
                        reports.push(FileProblems::new(
                            path.display().to_string(),
                            None,
                            vec![problem],
                        ));
                    }
                }
            } else {
                files += 1;
                reports.extend(report_file(path, strict));
            }
        }
    }
    let mut text = String::new();
    for report in &reports {
        text.push_str(&report.render(color));
    }
    let problems: usize = reports.iter().map(|r| r.error_count()).sum();
    let warnings: usize = reports.iter().map(|r| r.problems.len()).sum::<usize>() - problems;
    // Files with warnings only still pass.
    reports.retain(|r| r.error_count() > 0);
    let s = |n: usize| if n == 1 { "" } else { "s" };
    let warned = match warnings {
        0 => String::new(),
        n => format!("; {n} warning{} (`--strict` makes warnings errors)", s(n)),
    };
    if reports.is_empty() {
        text.push_str(&match (files, warnings) {
            (1, 0) => "The routine file is fine.\n".to_owned(),
            (n, 0) => format!("All {n} routine files are fine.\n"),
            (n, _) => format!("No errors in {n} routine file{}{warned}.\n", s(n)),
        });
    } else {
        let names: Vec<String> = reports
            .iter()
            .map(|r| escape_inline(&r.file).into_owned())
            .collect();
        text.push_str(&format!(
            "{problems} problem{} in {} of {files} file{}: {}{warned}\n",
            s(problems),
            reports.len(),
            s(files),
            names.join(", ")
        ));
    }
    CheckReport {
        text,
        clean: reports.is_empty(),
    }
}
