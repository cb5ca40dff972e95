//! Shell completions that know the routines.
//!
//! The scripts `knotless completions SHELL` prints are clap_complete's
//! dynamic ones: at each Tab the shell runs
//! `KNOTLESS_COMPLETE=SHELL knotless -- ...` and the binary answers (see
//! `main.rs`). So routine ids complete as they
//! are when Tab is pressed: a routine written after the script was installed
//! completes too, and nothing needs regenerating after an upgrade.
//!
//! Listing ids reads directory entries only, never a routine file: Tab stays
//! instant however many routines there are, and a broken file still
//! completes (so `knotless edit bro<Tab>` can reach it to fix it).

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::PathBuf;

use clap_complete::engine::{CompletionCandidate, PathCompleter, ValueCompleter};

use crate::paths::Paths;
use crate::routine::builtin::BUILTINS;
use crate::routine::library::{looks_like_path, routine_files};
use crate::settings::Settings;

/// The variable that turns a run into a completion request. Not clap's
/// default `COMPLETE`: a name that common could be set for something else
/// and turn every run into a completion.
pub const ENV_VAR: &str = "KNOTLESS_COMPLETE";

/// Completes a routine argument: the ids of the built-in and user routines,
/// or file paths once the word looks like one.
pub fn routine(current: &OsStr) -> Vec<CompletionCandidate> {
    let word = current.to_string_lossy();
    if looks_like_path(&word) || word.starts_with('.') || word.starts_with('~') {
        return PathCompleter::file().complete(current);
    }
    let dirs = Paths::from_env()
        .map(|paths| routine_dirs(&paths))
        .unwrap_or_default();
    ids(&dirs)
        .into_iter()
        .filter(|id| id.starts_with(word.as_ref()))
        .map(CompletionCandidate::new)
        .collect()
}

/// The user routines directory and the settings' extra directories.
fn routine_dirs(paths: &Paths) -> Vec<PathBuf> {
    let mut dirs = vec![paths.user_routines()];
    // A broken settings file only loses its extra directories here.
    if let Ok((settings, _)) = Settings::load(&paths.config_dir) {
        dirs.extend(settings.routine_dirs);
    }
    dirs
}

/// Every routine id: the built-ins and the `*.toml` file stems in `dirs`,
/// sorted, each once.
pub fn ids(dirs: &[PathBuf]) -> Vec<String> {
    let mut ids: BTreeSet<String> = BUILTINS.iter().map(|(id, _)| (*id).to_owned()).collect();
    for dir in dirs {
        for file in routine_files(dir).unwrap_or_default() {
            if let Some(stem) = file.file_stem().and_then(OsStr::to_str) {
                // A shell would run what a control character in a file name
                // asks for; such a file is left out rather than offered.
                if !stem.chars().any(char::is_control) {
                    ids.insert(stem.to_owned());
                }
            }
        }
    }
    ids.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_files_join_the_builtins_once_each() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("my-neck.toml"), "not even valid").unwrap();
        std::fs::write(dir.path().join("desk-break.toml"), "").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "").unwrap();
        let ids = ids(&[dir.path().to_path_buf(), dir.path().join("missing")]);
        assert!(ids.contains(&"my-neck".to_owned()), "{ids:?}");
        assert!(ids.contains(&"daily-back".to_owned()), "{ids:?}");
        assert_eq!(ids.iter().filter(|i| *i == "desk-break").count(), 1);
        assert!(!ids.iter().any(|i| i.starts_with("notes")), "{ids:?}");
    }
}
