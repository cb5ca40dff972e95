//! Opening a file in the user's own editor: `$VISUAL`, then `$EDITOR`,
//! which may carry arguments (`code --wait`).

use std::path::Path;
use std::process::{Command, ExitStatus};

use crate::text::escape_inline;

#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("cannot start the editor `{}` (from $VISUAL or $EDITOR): {source}", escape_inline(.program))]
    Start {
        program: String,
        source: std::io::Error,
    },
    #[error("the editor `{}` exited with {status}", escape_inline(.program))]
    Failed { program: String, status: ExitStatus },
}

/// The editor command line, if the user has one set.
pub fn command() -> Option<Vec<String>> {
    ["VISUAL", "EDITOR"].iter().find_map(|var| {
        let value = std::env::var(var).ok()?;
        let words = shlex::split(value.trim())?;
        (!words.is_empty()).then_some(words)
    })
}

/// Open `path` and wait for the editor to exit. `Ok(false)` when no editor
/// is set.
pub fn open(path: &Path) -> Result<bool, EditorError> {
    let Some(words) = command() else {
        return Ok(false);
    };
    let program = words[0].clone();
    let status = Command::new(&program)
        .args(&words[1..])
        .arg(path)
        .status()
        .map_err(|source| EditorError::Start {
            program: program.clone(),
            source,
        })?;
    if !status.success() {
        return Err(EditorError::Failed { program, status });
    }
    Ok(true)
}
