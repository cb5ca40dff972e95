//! Writing files safely. Routine directories are cloned from shared
//! repositories and may carry symbolic links, so nothing is ever written
//! through one: a file is written whole to a new, private name beside its
//! place, synced, then moved into place in one step (a crash leaves either
//! the old file or the new one, never half of one).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Whether an existing file at the place may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// The place must be free (not even a dangling link may be there).
    Keep,
    /// A regular file there is replaced; a link or anything else is refused.
    Replace,
}

/// Write `bytes` to `path` as described above.
pub fn write_file(path: &Path, bytes: &[u8], existing: Existing) -> io::Result<()> {
    if let Ok(meta) = path.symlink_metadata() {
        if meta.file_type().is_symlink() {
            return Err(refused(
                path,
                "is a symbolic link; knotless never writes through one",
            ));
        }
        if existing == Existing::Keep {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} already exists", path.display()),
            ));
        }
        if !meta.is_file() {
            return Err(refused(path, "is not a regular file"));
        }
    }
    let temp = temp_beside(path)?;
    let written = write_temp(&temp, bytes).and_then(|()| match existing {
        // A hard link fails if anything (a link included) took the place
        // since the check above; rename would silently replace it.
        Existing::Keep => fs::hard_link(&temp, path).and_then(|()| fs::remove_file(&temp)),
        Existing::Replace => fs::rename(&temp, path),
    });
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    }
    written
}

/// A new, exclusive file beside `path`: `create_new` never opens an
/// existing file or follows a link planted under the same name.
fn temp_beside(path: &Path) -> io::Result<PathBuf> {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let stem = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    Ok(dir.join(format!(".{stem}.{}-{n}.tmp", std::process::id())))
}

fn write_temp(temp: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(temp)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn refused(path: &Path, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{} {why}", path.display()),
    )
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_link_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious.txt");
        fs::write(&target, "keep me").unwrap();
        let link = dir.path().join("routine.schema.json");
        symlink(&target, &link).unwrap();
        for existing in [Existing::Keep, Existing::Replace] {
            let e = write_file(&link, b"overwritten", existing).unwrap_err();
            assert!(e.to_string().contains("symbolic link"), "{e}");
        }
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
        // A dangling link does not get its target created.
        let dangling = dir.path().join("config.toml");
        let nowhere = dir.path().join("nowhere");
        symlink(&nowhere, &dangling).unwrap();
        assert!(write_file(&dangling, b"x", Existing::Keep).is_err());
        assert!(!nowhere.exists());
    }

    #[test]
    fn files_are_made_or_replaced_whole_and_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        write_file(&path, b"one", Existing::Keep).unwrap();
        assert_eq!(
            write_file(&path, b"two", Existing::Keep)
                .unwrap_err()
                .kind(),
            io::ErrorKind::AlreadyExists
        );
        write_file(&path, b"three", Existing::Replace).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "three");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.toml")]);
    }
}
