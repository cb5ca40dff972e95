//! Finding every routine: built-ins, the user's routines directory, extra
//! directories, and files named directly. A later source replaces an earlier
//! one with the same id; a broken file is kept (with its problems) so that
//! it is reported, and it never hides the others.

use std::fs;
use std::path::{Path, PathBuf};

use super::builtin::{BUILTINS, file_name};
use super::load::{id_of, load_file};
use super::model::{Origin, Routine};
use super::parse::parse_routine;
use crate::diag::{FileProblems, Problem};

/// One routine file, read or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: String,
    pub origin: Origin,
    pub routine: Result<Routine, FileProblems>,
}

/// Every routine knotless knows, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub entries: Vec<Entry>,
    /// Problems with a directory itself (for instance, unreadable).
    pub dir_problems: Vec<FileProblems>,
}

impl Library {
    /// Built-ins, then `user_dir` (which need not exist), then each extra
    /// directory (which must).
    pub fn discover(user_dir: Option<&Path>, extra_dirs: &[PathBuf]) -> Self {
        let mut lib = Self::builtins();
        if let Some(dir) = user_dir
            && dir.exists()
        {
            lib.add_dir(dir, Origin::User);
        }
        for dir in extra_dirs {
            lib.add_dir(dir, Origin::Extra);
        }
        lib
    }

    pub fn builtins() -> Self {
        let entries = BUILTINS
            .iter()
            .map(|(id, text)| Entry {
                id: (*id).to_owned(),
                origin: Origin::BuiltIn,
                routine: parse_routine(id, &file_name(id), text),
            })
            .collect();
        Self {
            entries,
            dir_problems: Vec::new(),
        }
    }

    /// Add every `*.toml` file in `dir`, replacing routines with the same id.
    pub fn add_dir(&mut self, dir: &Path, origin: fn(PathBuf) -> Origin) {
        match routine_files(dir) {
            Ok(files) => {
                for path in files {
                    self.add_file(&path, origin(path.clone()));
                }
            }
            Err(problem) => self.dir_problems.push(FileProblems::new(
                dir.display().to_string(),
                None,
                vec![problem],
            )),
        }
    }

    pub fn add_file(&mut self, path: &Path, origin: Origin) {
        let entry = Entry {
            id: id_of(path),
            origin,
            routine: load_file(path),
        };
        match self
            .entries
            .binary_search_by(|e| e.id.as_str().cmp(&entry.id))
        {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
    }

    /// The routine `id` as `discover` would find it, reading only its own
    /// file: later sources win, as in `discover`.
    pub fn find_one(user_dir: Option<&Path>, extra_dirs: &[PathBuf], id: &str) -> Option<Entry> {
        let dirs = extra_dirs
            .iter()
            .rev()
            .map(|d| (d.as_path(), Origin::Extra as fn(PathBuf) -> Origin))
            .chain(user_dir.map(|d| (d, Origin::User as fn(PathBuf) -> Origin)));
        for (dir, origin) in dirs {
            let files = routine_files(dir).unwrap_or_default();
            if let Some(path) = files.iter().rev().find(|p| id_of(p) == id) {
                return Some(Entry {
                    id: id.to_owned(),
                    origin: origin(path.clone()),
                    routine: load_file(path),
                });
            }
        }
        BUILTINS
            .iter()
            .find(|(b, _)| *b == id)
            .map(|(id, text)| Entry {
                id: (*id).to_owned(),
                origin: Origin::BuiltIn,
                routine: parse_routine(id, &file_name(id), text),
            })
    }

    /// Give every routine this get-ready pause (the `session.transition`
    /// setting), when one is set.
    pub fn with_transition(mut self, transition: Option<std::time::Duration>) -> Self {
        if let Some(t) = transition {
            for routine in self
                .entries
                .iter_mut()
                .filter_map(|e| e.routine.as_mut().ok())
            {
                routine.transition = t;
            }
        }
        self
    }

    pub fn find(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.id.as_str())
    }

    /// Every problem in every file and directory.
    pub fn problems(&self) -> impl Iterator<Item = &FileProblems> {
        self.dir_problems
            .iter()
            .chain(self.entries.iter().filter_map(|e| e.routine.as_ref().err()))
    }
}

/// The `*.toml` files directly inside `dir`, sorted by name.
pub fn routine_files(dir: &Path) -> Result<Vec<PathBuf>, Problem> {
    let entries = fs::read_dir(dir).map_err(|e| {
        let what = if e.kind() == std::io::ErrorKind::NotFound {
            "this directory does not exist".to_owned()
        } else if dir.is_file() {
            "this is a file, not a directory of routines".to_owned()
        } else {
            format!("cannot read this directory: {e}")
        };
        Problem::whole_file(what).help("give a directory that holds .toml routine files")
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        })
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A command-line argument names a file rather than an id when it has a
/// path separator or a `.toml` ending.
pub fn looks_like_path(arg: &str) -> bool {
    arg.contains('/')
        || arg.contains(std::path::MAIN_SEPARATOR)
        || arg.to_ascii_lowercase().ends_with(".toml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_routines_replace_builtins_and_broken_ones_stay_listed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("desk-break.toml"),
            "name = \"My desk break\"\n[[steps]]\nkind = \"rest\"\ntitle = \"Sit\"\nduration = \"1m\"\n",
        )
        .unwrap();
        fs::write(dir.path().join("broken.toml"), "name = \n").unwrap();
        fs::write(dir.path().join("notes.txt"), "not a routine").unwrap();
        let lib = Library::discover(Some(dir.path()), &[]);
        let desk = lib.find("desk-break").unwrap();
        assert!(matches!(desk.origin, Origin::User(_)));
        assert_eq!(desk.routine.as_ref().unwrap().name, "My desk break");
        assert!(lib.find("broken").unwrap().routine.is_err());
        assert!(lib.find("daily-back").unwrap().routine.is_ok());
        assert!(lib.find("notes").is_none());
        assert_eq!(lib.problems().count(), 1);
    }

    #[test]
    fn finding_one_routine_agrees_with_discovering_all() {
        let user = tempfile::tempdir().unwrap();
        let extra = tempfile::tempdir().unwrap();
        let routine = |name: &str| {
            format!("name = \"{name}\"\n[[steps]]\nkind = \"rest\"\ntitle = \"R\"\nduration = 5\n")
        };
        fs::write(user.path().join("desk-break.toml"), routine("User desk")).unwrap();
        fs::write(user.path().join("both.toml"), routine("User both")).unwrap();
        fs::write(extra.path().join("both.toml"), routine("Extra both")).unwrap();
        let extras = [extra.path().to_path_buf()];
        let all = Library::discover(Some(user.path()), &extras);
        for id in ["desk-break", "both", "daily-back", "missing"] {
            let one = Library::find_one(Some(user.path()), &extras, id);
            assert_eq!(one.as_ref(), all.find(id), "{id}");
        }
    }

    #[test]
    fn a_missing_extra_directory_is_a_problem_not_a_crash() {
        let lib = Library::discover(None, &[PathBuf::from("/nonexistent/knotless")]);
        assert_eq!(lib.dir_problems.len(), 1);
        assert!(lib.find("daily-back").is_some());
    }
}
