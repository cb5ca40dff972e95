//! The log: `<state dir>/knotless.log`, plain text (no colour codes), at the
//! level `KNOTLESS_LOG` names (`warn` by default; `off` for none).
//!
//! The screen is never written to while it is up, so everything worth
//! knowing after the fact (a dropped sound, a sound server that went away,
//! a routine that failed to reload, a torn history line, a hook's output)
//! goes here instead. Nothing is created until there is something to
//! say, so a quiet run leaves no file behind. The file is kept small: one older generation
//! (`knotless.log.1`) is kept when it passes 1 MiB at start, and one run
//! writes at most 4 MiB. It is opened without following a symlink.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing::level_filters::LevelFilter;

/// Past this size at start, the log is moved to `knotless.log.1`.
const ROTATE_AT: u64 = 1024 * 1024;
/// What one run may write, however chatty it gets.
const RUN_CAP: u64 = 4 * 1024 * 1024;

/// The level from `KNOTLESS_LOG`: error, warn, info, debug, trace or off.
/// Anything else is `warn`.
pub fn level_from_env() -> LevelFilter {
    std::env::var("KNOTLESS_LOG")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(LevelFilter::WARN)
}

/// Start logging to `file` (opened at the first line). Returns `None` when
/// the level is off. A file that cannot be opened means no log: the
/// program never fails over one.
pub fn init(file: &Path) -> Option<PathBuf> {
    let level = level_from_env();
    if level == LevelFilter::OFF {
        return None;
    }
    tracing_subscriber::fmt()
        .with_ansi(false)
        .with_target(false)
        .with_max_level(level)
        .with_writer(Mutex::new(Capped::new(file.to_path_buf(), RUN_CAP)))
        .try_init()
        .ok()?;
    Some(file.to_path_buf())
}

/// Open the log for appending, as the logger does (also for hooks' output).
pub(crate) fn open(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let meta = fs::symlink_metadata(path);
    if meta.as_ref().is_ok_and(|m| !m.file_type().is_file()) {
        return Err(io::Error::other("the log is not a regular file"));
    }
    if meta.is_ok_and(|m| m.len() > ROTATE_AT) {
        let mut old = path.as_os_str().to_owned();
        old.push(".1");
        fs::rename(path, old)?;
    }
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// A file opened at its first line, that stops taking lines once this run
/// has written its share.
struct Capped {
    path: PathBuf,
    /// `None` until the first line; `Some(None)` when it could not be opened.
    file: Option<Option<File>>,
    left: u64,
}

impl Capped {
    fn new(path: PathBuf, cap: u64) -> Self {
        Self {
            path,
            file: None,
            left: cap,
        }
    }
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len() as u64;
        // Swallowed, not refused: a full or missing log never becomes an
        // error anywhere else.
        if n > self.left {
            self.left = 0;
            return Ok(buf.len());
        }
        self.left -= n;
        let path = &self.path;
        if let Some(file) = self.file.get_or_insert_with(|| open(path).ok()) {
            file.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(Some(f)) => f.flush(),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_log_is_moved_aside_and_a_symlink_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("state/knotless.log");
        fs::create_dir_all(log.parent().unwrap()).unwrap();
        fs::write(&log, vec![b'x'; (ROTATE_AT + 1) as usize]).unwrap();
        let f = open(&log).unwrap();
        assert_eq!(f.metadata().unwrap().len(), 0);
        assert!(dir.path().join("state/knotless.log.1").exists());

        #[cfg(unix)]
        {
            let target = dir.path().join("elsewhere");
            let link = dir.path().join("link.log");
            std::os::unix::fs::symlink(&target, &link).unwrap();
            assert!(open(&link).is_err());
            assert!(!target.exists(), "nothing is created through the link");
        }
    }

    #[test]
    fn one_run_writes_no_more_than_its_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.log");
        let mut w = Capped::new(path.clone(), 10);
        assert!(!path.exists(), "nothing is created before the first line");
        w.write_all(b"12345").unwrap();
        w.write_all(b"123456").unwrap();
        w.write_all(b"1").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"12345");
    }
}
