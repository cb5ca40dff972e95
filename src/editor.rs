//! Opening a file in the user's own editor: `$VISUAL`, then `$EDITOR`,
//! which may carry arguments (`code --wait`).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

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
pub fn open(path: &Path) -> Result<bool> {
    let Some(words) = command() else {
        return Ok(false);
    };
    let status = Command::new(&words[0])
        .args(&words[1..])
        .arg(path)
        .status()
        .with_context(|| {
            format!(
                "cannot start the editor `{}` (from $VISUAL or $EDITOR)",
                words[0]
            )
        })?;
    if !status.success() {
        bail!("the editor `{}` exited with {status}", words[0]);
    }
    Ok(true)
}
