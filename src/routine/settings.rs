//! `[routines]` in the settings file: more directories of routine files,
//! after the user routines directory. Read here, where routines are found;
//! `settings.rs` only hands the table over.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::Problem;
use crate::diag::section::Section;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoutineDirs(pub Vec<PathBuf>);

/// `[routines]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoutines {
    #[serde(default)]
    dirs: Vec<String>,
}

impl Section for RoutineDirs {
    const NAME: &'static str = "routines";
    type Raw = RawRoutines;

    fn read(raw: RawRoutines, base: &Path, _: &mut Vec<Problem>) -> Self {
        Self(raw.dirs.iter().map(|d| expand(d, base)).collect())
    }
}

/// `~/x` from the home directory, a relative path from `base`.
fn expand(dir: &str, base: &Path) -> PathBuf {
    if let Some(rest) = dir.strip_prefix("~/")
        && let Some(home) = directories::BaseDirs::new()
    {
        return home.home_dir().join(rest);
    }
    let path = PathBuf::from(dir);
    if path.is_absolute() {
        path
    } else {
        base.join(path)
    }
}
