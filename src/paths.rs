//! Where settings, user routines, history, the log and the voice cache live.
//!
//! `KNOTLESS_CONFIG_DIR`, `KNOTLESS_DATA_DIR`, `KNOTLESS_STATE_DIR` and
//! `KNOTLESS_CACHE_DIR` override the platform directories (XDG on Linux),
//! which is also how tests keep to a temp dir.
//!
//! On macOS the config directory follows `XDG_CONFIG_HOME`, else
//! `~/.config/knotless`, as terminal tools there do (the `directories`
//! crate would say `~/Library/Application Support`): it is where users look
//! for a dotfile, and what they keep in their dotfiles repository.

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
        let platform_config = dirs.as_ref().map(|d| d.config_dir().to_path_buf());
        // macOS: where users of terminal tools look, not Library/.
        #[cfg(target_os = "macos")]
        let platform_config = macos_config_dir(
            std::env::var_os("XDG_CONFIG_HOME"),
            directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()),
            platform_config,
            |p| p.is_dir(),
        );
        Some(Self {
            config_dir: pick("KNOTLESS_CONFIG_DIR", platform_config)?,
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

/// The config directory on macOS: `$XDG_CONFIG_HOME/knotless` when that is
/// an absolute path (the XDG rule), else `~/.config/knotless`. A settings
/// directory already in `legacy` (Library/Application Support, where
/// earlier versions looked) keeps being used until the new one exists, so
/// an upgrade never loses anyone's settings or routines.
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
fn macos_config_dir(
    xdg_config_home: Option<std::ffi::OsString>,
    home: Option<PathBuf>,
    legacy: Option<PathBuf>,
    is_dir: impl Fn(&std::path::Path) -> bool,
) -> Option<PathBuf> {
    let xdg = xdg_config_home
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home.map(|h| h.join(".config")))
        .map(|base| base.join("knotless"));
    match (xdg, legacy) {
        (Some(new), Some(old)) if !is_dir(&new) && is_dir(&old) => Some(old),
        (Some(new), _) => Some(new),
        (None, old) => old,
    }
}

/// macOS's rule, with macOS's paths (which are not absolute on Windows).
#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;

    #[test]
    fn macos_config_follows_xdg_then_dot_config_and_keeps_an_old_one() {
        let home = Some(PathBuf::from("/Users/a"));
        let legacy = Some(PathBuf::from(
            "/Users/a/Library/Application Support/knotless",
        ));
        let none = |_: &std::path::Path| false;
        assert_eq!(
            macos_config_dir(
                Some("/Users/a/dots".into()),
                home.clone(),
                legacy.clone(),
                none
            ),
            Some(PathBuf::from("/Users/a/dots/knotless"))
        );
        // A relative XDG_CONFIG_HOME is ignored, as the spec says.
        assert_eq!(
            macos_config_dir(Some("dots".into()), home.clone(), legacy.clone(), none),
            Some(PathBuf::from("/Users/a/.config/knotless"))
        );
        let only_old = |p: &std::path::Path| p.starts_with("/Users/a/Library");
        assert_eq!(
            macos_config_dir(None, home.clone(), legacy.clone(), only_old),
            legacy
        );
        let both = |_: &std::path::Path| true;
        assert_eq!(
            macos_config_dir(None, home, legacy.clone(), both),
            Some(PathBuf::from("/Users/a/.config/knotless"))
        );
        assert_eq!(macos_config_dir(None, None, legacy.clone(), none), legacy);
    }
}
