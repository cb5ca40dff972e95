//! The one place compose reads files: the user's own step library,
//! `<config dir>/steps/*.toml`, in the routine file format.

use std::path::{Path, PathBuf};

use crate::routine::library::routine_files;
use crate::routine::load::load_file;
use crate::routine::{FileProblems, Routine};

/// Where the user's step library files live, under the config directory.
pub fn user_steps_dir(config_dir: &Path) -> PathBuf {
    config_dir.join("steps")
}

/// The files steps are drawn from: the shipped ones (`shipped_files`),
/// then each readable file of `user_dir` (which need not exist). A file
/// with problems is returned with them and left out; it never hides the
/// others.
pub fn step_files(user_dir: Option<&Path>) -> (Vec<Routine>, Vec<FileProblems>) {
    let mut files = super::shipped_files();
    let mut problems = Vec::new();
    let Some(dir) = user_dir.filter(|d| d.is_dir()) else {
        return (files, problems);
    };
    match routine_files(dir) {
        Ok(paths) => {
            for path in paths {
                match load_file(&path) {
                    Ok(r) => files.push(r),
                    Err(p) => problems.push(p),
                }
            }
        }
        Err(problem) => problems.push(FileProblems::new(
            dir.display().to_string(),
            None,
            vec![problem],
        )),
    }
    (files, problems)
}
