//! The user's own routine files beside the built-ins: a built-in copied to
//! be edited, and the JSON Schema that editors find next to them. Never
//! written through a link (a shared routines folder may carry one).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::builtin::BUILTINS;
use crate::fsx::{self, Existing};
use crate::text::escape_inline;

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("there is no built-in routine called `{}`", escape_inline(.0))]
    NoSuchBuiltin(String),
    #[error("cannot create the directory {}: {source}", shown(.dir))]
    Directory { dir: PathBuf, source: io::Error },
    #[error("cannot create {}: {source}", shown(.path))]
    File { path: PathBuf, source: io::Error },
}

fn shown(path: &Path) -> String {
    escape_inline(&path.display().to_string()).into_owned()
}

/// The user's copy of built-in `id` in `dir`, made now if it is not there
/// yet (an existing copy is the user's and is kept as it is).
pub fn copy_builtin(dir: &Path, id: &str) -> Result<PathBuf, CopyError> {
    let path = dir.join(format!("{id}.toml"));
    if path.exists() {
        return Ok(path);
    }
    let text = BUILTINS
        .iter()
        .find(|(b, _)| *b == id)
        .map(|(_, t)| *t)
        .ok_or_else(|| CopyError::NoSuchBuiltin(id.to_owned()))?;
    // In the repository the schema sits in ../assets; beside the user's
    // routines it sits next to the file.
    let text = text.replacen(
        "#:schema ../assets/routine.schema.json",
        "#:schema ./routine.schema.json",
        1,
    );
    write_new(dir, &path, &text)?;
    write_schema_beside(dir);
    Ok(path)
}

/// Create `path` (never replacing a file, never through a link), making
/// its directory if needed.
pub fn write_new(dir: &Path, path: &Path, text: &str) -> Result<(), CopyError> {
    fs::create_dir_all(dir).map_err(|source| CopyError::Directory {
        dir: dir.to_path_buf(),
        source,
    })?;
    fsx::write_file(path, text.as_bytes(), Existing::Keep).map_err(|source| CopyError::File {
        path: path.to_path_buf(),
        source,
    })
}

/// Editors that read `#:schema ./routine.schema.json` find it beside the
/// routines. Refreshed each time, so it follows the installed version; a
/// link or anything but a plain file in its place is left alone.
pub fn write_schema_beside(dir: &Path) {
    let path = dir.join("routine.schema.json");
    let schema = super::schema::json();
    if let Err(e) = fsx::write_file(&path, schema.as_bytes(), Existing::Replace) {
        tracing::warn!("schema not written beside the routines: {e}");
    }
}

/// "Evening Neck Release!" -> "evening-neck-release".
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_builtin_is_copied_once_with_its_schema_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let routines = dir.path().join("routines");
        let path = copy_builtin(&routines, "daily-back").unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("#:schema ./routine.schema.json"));
        assert!(routines.join("routine.schema.json").is_file());
        fs::write(&path, "mine").unwrap();
        copy_builtin(&routines, "daily-back").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "mine", "kept");
        let err = copy_builtin(&routines, "nope").unwrap_err();
        assert_eq!(
            err.to_string(),
            "there is no built-in routine called `nope`"
        );
    }
}
