//! `knotless check [FILE|DIR]...`

use std::path::PathBuf;

use crate::routine::library::routine_files;
use crate::routine::load::load_file;
use crate::routine::{FileProblems, Library, Problem};
use crate::text::escape_inline;

/// The outcome of a check: the report to print and whether all was clean.
pub struct CheckReport {
    pub text: String,
    pub clean: bool,
}

/// Check the given paths, or (with none) everything the library holds.
pub fn check(paths: &[PathBuf], library: impl FnOnce() -> Library, color: bool) -> CheckReport {
    let mut files = 0usize;
    let mut reports: Vec<FileProblems> = Vec::new();
    if paths.is_empty() {
        let lib = library();
        files = lib.entries.len();
        reports.extend(lib.problems().cloned());
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
                        reports.extend(list.iter().filter_map(|p| load_file(p).err()));
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
                reports.extend(load_file(path).err());
            }
        }
    }
    let mut text = String::new();
    for report in &reports {
        text.push_str(&report.render(color));
    }
    let problems: usize = reports.iter().map(|r| r.problems.len()).sum();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if reports.is_empty() {
        text.push_str(&match files {
            1 => "The routine file is fine.\n".to_owned(),
            n => format!("All {n} routine files are fine.\n"),
        });
    } else {
        let names: Vec<String> = reports
            .iter()
            .map(|r| escape_inline(&r.file).into_owned())
            .collect();
        text.push_str(&format!(
            "{problems} problem{} in {} of {files} file{}: {}\n",
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
