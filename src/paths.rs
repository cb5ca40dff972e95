//! Where settings, user routines and history live.
//!
//! `KNOTLESS_CONFIG_DIR` and `KNOTLESS_DATA_DIR` override the platform
//! directories (XDG on Linux), which is also how tests keep to a temp dir.

use std::path::PathBuf;

use directories::ProjectDirs;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
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
        Some(Self {
            config_dir: pick(
                "KNOTLESS_CONFIG_DIR",
                dirs.as_ref().map(|d| d.config_dir().to_path_buf()),
            )?,
            data_dir: pick(
                "KNOTLESS_DATA_DIR",
                dirs.as_ref().map(|d| d.data_dir().to_path_buf()),
            )?,
        })
    }

    pub fn user_routines(&self) -> PathBuf {
        self.config_dir.join("routines")
    }
}
