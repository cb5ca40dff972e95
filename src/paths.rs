//! Where settings, user routines, history, the log and the voice cache live.
//!
//! `KNOTLESS_CONFIG_DIR`, `KNOTLESS_DATA_DIR`, `KNOTLESS_STATE_DIR` and
//! `KNOTLESS_CACHE_DIR` override the platform directories (XDG on Linux),
//! which is also how tests keep to a temp dir.

use std::path::PathBuf;

use directories::ProjectDirs;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    /// The log (`knotless.log`).
    pub state_dir: PathBuf,
    /// Rendered speech, and anything else that may be thrown away.
    pub cache_dir: PathBuf,
}

impl Paths {
    /// The directories for this user, or `None` when no home directory can
    /// be found and no override is set.
    pub fn from_env() -> Option<Self> {
        let dirs = ProjectDirs::from("", "", "knotless");
        let pick = |var: &str, platform: Option<PathBuf>| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or(platform)
        };
        let data_override = std::env::var_os("KNOTLESS_DATA_DIR").is_some_and(|v| !v.is_empty());
        let data_dir = pick(
            "KNOTLESS_DATA_DIR",
            dirs.as_ref().map(|d| d.data_dir().to_path_buf()),
        )?;
        // An overridden data directory carries the log and the cache with
        // it (tests stay inside their temp dir). Not every platform has a
        // state directory (only XDG does): the log then sits beside the
        // history.
        let platform = |f: fn(&ProjectDirs) -> Option<PathBuf>| {
            dirs.as_ref().and_then(f).filter(|_| !data_override)
        };
        let state = platform(|d| d.state_dir().map(|s| s.to_path_buf()))
            .unwrap_or_else(|| data_dir.clone());
        let cache = platform(|d| Some(d.cache_dir().to_path_buf()))
            .unwrap_or_else(|| data_dir.join("cache"));
        Some(Self {
            config_dir: pick(
                "KNOTLESS_CONFIG_DIR",
                dirs.as_ref().map(|d| d.config_dir().to_path_buf()),
            )?,
            state_dir: pick("KNOTLESS_STATE_DIR", Some(state))?,
            cache_dir: pick("KNOTLESS_CACHE_DIR", Some(cache))?,
            data_dir,
        })
    }

    pub fn user_routines(&self) -> PathBuf {
        self.config_dir.join("routines")
    }

    /// `<state dir>/knotless.log`.
    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("knotless.log")
    }
}
