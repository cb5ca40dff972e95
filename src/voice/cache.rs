//! Rendered speech kept on disk, `<cache dir>/voice/KEY.wav`, the key made
//! from the engine, its voice, its rate and the words: a routine said once
//! is said again without running the engine. Size-capped: the files used
//! least recently go first. Files are written beside their place and
//! renamed in; nothing is written or read through a symlink.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::audio::{self, Audio};
use super::engine::{Engine, RenderError, Speaking};

/// The most the voice cache holds: thousands of prompts.
pub const CACHE_CAP: u64 = 64 * 1024 * 1024;
/// Half-written files older than this are left from a crash.
const STALE_TMP: Duration = Duration::from_secs(3600);

/// A speech file ready to play.
#[derive(Debug, Clone, PartialEq)]
pub struct Kept {
    pub path: PathBuf,
    /// True when the engine ran for it (not found in the cache).
    pub rendered: bool,
    /// How long it sounds, and its format.
    pub audio: Audio,
}

#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The voice cache under `cache_dir`, created if missing.
    pub fn open(cache_dir: &Path) -> io::Result<Self> {
        let dir = cache_dir.join("voice");
        fs::create_dir_all(&dir)?;
        if !fs::symlink_metadata(&dir)?.is_dir() {
            return Err(io::Error::other(format!(
                "{} is not a directory",
                dir.display()
            )));
        }
        Ok(Self { dir })
    }

    /// The voice cache under `cache_dir` if it exists (nothing is created).
    pub fn existing(cache_dir: &Path) -> Option<Self> {
        let dir = cache_dir.join("voice");
        fs::symlink_metadata(&dir)
            .is_ok_and(|m| m.is_dir())
            .then_some(Self { dir })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file `text` said by `engine` at `how` is kept in.
    pub fn path(&self, engine: &Engine, how: &Speaking, text: &str) -> PathBuf {
        let name = how.name.as_deref().unwrap_or("");
        let rate = how.rate.to_string();
        let key = key(&[&engine.id(), name, &rate, text]);
        self.dir.join(format!("{key}.wav"))
    }

    /// The kept file for `text`, if there is one that plays whole and
    /// lasts about as long as its words (marked as just used). One that
    /// does not is removed, so it is rendered again.
    pub fn lookup(&self, engine: &Engine, how: &Speaking, text: &str) -> Option<Kept> {
        let path = self.path(engine, how, text);
        let meta = fs::symlink_metadata(&path).ok()?;
        match audio::check_for(&path, text, how.rate) {
            Ok(audio) => {
                // Least recently used goes first when trimming.
                let _ = fs::File::options()
                    .append(true)
                    .open(&path)
                    .and_then(|f| f.set_modified(SystemTime::now()));
                Some(Kept {
                    path,
                    rendered: false,
                    audio,
                })
            }
            Err(why) => {
                tracing::warn!("voice: {} is {why}; rendering it again", path.display());
                let _ = if meta.is_dir() {
                    fs::remove_dir_all(&path)
                } else {
                    fs::remove_file(&path)
                };
                None
            }
        }
    }

    /// The file for `text`: kept, or rendered now (and kept only when it
    /// plays whole; a refused render leaves nothing behind).
    pub fn get_or_render(
        &self,
        engine: &Engine,
        how: &Speaking,
        text: &str,
        limit: Duration,
        stop: &std::sync::atomic::AtomicBool,
    ) -> Result<Kept, RenderError> {
        if let Some(kept) = self.lookup(engine, how, text) {
            return Ok(kept);
        }
        let path = self.path(engine, how, text);
        let tmp = self.tmp_path();
        let _ = fs::remove_file(&tmp);
        let rendered = engine.render(text, &tmp, how, limit, stop);
        let kept = rendered.and_then(|audio| {
            fs::rename(&tmp, &path)
                .map(|()| audio)
                .map_err(|e| RenderError::CannotKeep(e.kind().to_string()))
        });
        if kept.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        kept.map(|audio| Kept {
            path,
            rendered: true,
            audio,
        })
    }

    /// A new name to render into, in the same directory (so renaming it
    /// into place is atomic).
    fn tmp_path(&self) -> PathBuf {
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        self.dir.join(format!("tmp-{}-{n}.wav", std::process::id()))
    }

    /// Every kept file with its size and last use.
    fn entries(&self) -> Vec<(PathBuf, u64, SystemTime)> {
        let Ok(read) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        read.filter_map(Result::ok)
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                let at = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                meta.is_file().then(|| (e.path(), meta.len(), at))
            })
            .collect()
    }

    /// How many files are kept, and their bytes.
    pub fn size(&self) -> (usize, u64) {
        let entries = self.entries();
        (entries.len(), entries.iter().map(|e| e.1).sum())
    }

    /// Remove the least recently used files until at most `cap` bytes are
    /// kept, never one of `keep` (the session's own); and half-written
    /// files a crash left behind.
    pub fn trim(&self, cap: u64, keep: &HashSet<PathBuf>) {
        let mut entries = self.entries();
        let now = SystemTime::now();
        entries.retain(|(path, _, at)| {
            let tmp = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("tmp-"));
            let old = now.duration_since(*at).unwrap_or_default() > STALE_TMP;
            if tmp && old {
                let _ = fs::remove_file(path);
            }
            !tmp
        });
        let mut total: u64 = entries.iter().map(|e| e.1).sum();
        entries.sort_by_key(|e| e.2);
        for (path, len, _) in entries {
            if total <= cap {
                break;
            }
            if !keep.contains(&path) && fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
    }
}

/// A stable 128-bit key (two FNV-1a hashes from different bases), the
/// same in every build: std's hasher may change between Rust versions.
fn key(parts: &[&str]) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x6c62_272e_07bb_0142;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            a = (a ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
            b = (b ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
            b = b.rotate_left(5);
        }
    }
    format!("{a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_tell_every_part_apart() {
        assert_eq!(
            key(&["espeak-ng", "", "160", "Rest."]),
            key(&["espeak-ng", "", "160", "Rest."])
        );
        assert_eq!(key(&["a", "b"]).len(), 32);
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
        assert_ne!(
            key(&["x", "", "160", "Rest."]),
            key(&["x", "", "161", "Rest."])
        );
        // Pinned: a change here throws every user's cache away.
        assert_eq!(
            key(&["espeak-ng", "", "160", "Rest."]),
            "2ca78481f41df82fb08298bac4c230db"
        );
    }

    #[test]
    fn trimming_removes_the_least_recently_used_but_never_the_session_s() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let t0 = SystemTime::now() - Duration::from_secs(1000);
        let mut paths = Vec::new();
        for i in 0..4u64 {
            let p = cache.dir().join(format!("{i}.wav"));
            fs::write(&p, vec![0u8; 100]).unwrap();
            fs::File::options()
                .append(true)
                .open(&p)
                .unwrap()
                .set_modified(t0 + Duration::from_secs(i * 10))
                .unwrap();
            paths.push(p);
        }
        let keep: HashSet<PathBuf> = [paths[0].clone()].into();
        cache.trim(250, &keep);
        let left: Vec<bool> = paths.iter().map(|p| p.exists()).collect();
        assert_eq!(left, vec![true, false, false, true]);
        assert_eq!(cache.size(), (2, 200));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_cache_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("voice")).unwrap();
        assert!(Cache::open(dir.path()).is_err());
    }
}
