//! The one place compose reads and writes files: the user's own step
//! library, `<config dir>/steps/*.toml`, in the routine file format; and a
//! composed routine saved as a new routine file.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::fsx::{self, Existing};

use crate::diag::FileProblems;
use crate::routine::Routine;
use crate::routine::library::routine_files;
use crate::routine::load::load_file;

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

/// Why a composed routine was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{} already exists: choose another name, or `knotless edit` it", shown(.0))]
    Exists(PathBuf),
    #[error("{} is a symbolic link: knotless does not write through links", shown(.0))]
    Link(PathBuf),
    #[error("cannot write {}: {}", shown(.0), .1)]
    Io(PathBuf, io::Error),
}

fn shown(path: &Path) -> String {
    crate::text::escape_inline(&path.display().to_string()).into_owned()
}

/// Save `routine` as `<dir>/<its id>.toml`, a new file: never over an
/// existing one, never through a symlink. Returns the path.
pub fn save(dir: &Path, routine: &Routine) -> Result<PathBuf, SaveError> {
    let path = dir.join(format!("{}.toml", routine.id));
    write_new_file(dir, &path, &crate::routine::write::to_toml(routine))?;
    Ok(path)
}

/// Publish `text` at `path` only if nothing is there (a dangling symlink
/// included), through the one safe writer (`fsx::write_file`): written in
/// full to a new file, then linked into place, never through a link.
fn write_new_file(dir: &Path, path: &Path, text: &str) -> Result<(), SaveError> {
    fs::create_dir_all(dir).map_err(|e| SaveError::Io(dir.to_path_buf(), e))?;
    if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(SaveError::Link(dir.to_path_buf()));
    }
    if fs::symlink_metadata(path).is_ok() {
        return Err(SaveError::Exists(path.to_path_buf()));
    }
    match fsx::write_file(path, text.as_bytes(), Existing::Keep) {
        Ok(()) => Ok(()),
        // Something took the place since the look above.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Err(SaveError::Exists(path.to_path_buf()))
        }
        Err(e) => Err(SaveError::Io(path.to_path_buf(), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_never_replaces_anything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.toml");
        write_new_file(dir.path(), &path, "one").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "one");
        let again = write_new_file(dir.path(), &path, "two").unwrap_err();
        assert!(matches!(again, SaveError::Exists(_)), "{again}");
        assert!(again.to_string().contains("already exists"), "{again}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "one");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_written_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.toml");
        let link = dir.path().join("mine.toml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(matches!(
            write_new_file(dir.path(), &link, "x"),
            Err(SaveError::Exists(_))
        ));
        assert!(!target.exists(), "the link's target was not created");
        let real = tempfile::tempdir().unwrap();
        let linked_dir = dir.path().join("routines");
        std::os::unix::fs::symlink(real.path(), &linked_dir).unwrap();
        let err = write_new_file(&linked_dir, &linked_dir.join("a.toml"), "x").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(fs::read_dir(real.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_saved_routine_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut routine = crate::routine::builtin::routine("desk-break");
        routine.id = "mine".into();
        let path = save(dir.path(), &routine).unwrap();
        let back = crate::routine::load::load_file(&path).unwrap();
        assert_eq!(back.steps, routine.steps);
    }
}
