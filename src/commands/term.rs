//! Whether the terminal named by `TERM` can take the full screen and
//! colours. `TERM=dumb` (an editor's shell buffer, some CI logs) and a name
//! the system does not know get plain lines and no colour: the cursor
//! movements and colours of the full screen would come out as garbage.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Whether `TERM` (as in the environment now) is a terminal knotless can
/// draw on.
pub fn capable() -> bool {
    let term = std::env::var_os("TERM");
    let dirs = terminfo_dirs(
        std::env::var_os("TERMINFO").as_deref(),
        std::env::var_os("HOME").as_deref(),
        std::env::var_os("TERMINFO_DIRS").as_deref(),
    );
    capable_with(term.as_deref(), &dirs)
}

/// `term` is known when the terminfo database has it; on a system with no
/// terminfo database at all (a small container), the families every
/// terminal of today belongs to are taken on trust.
fn capable_with(term: Option<&OsStr>, dirs: &[PathBuf]) -> bool {
    let Some(term) = term.and_then(OsStr::to_str).map(str::trim) else {
        // Windows consoles set no TERM and draw the full screen.
        return cfg!(windows);
    };
    if term.is_empty() || term == "dumb" || term.contains(['/', '\\']) || term.starts_with('.') {
        return false;
    }
    let databases: Vec<&PathBuf> = dirs.iter().filter(|d| d.is_dir()).collect();
    if databases.is_empty() {
        return known_family(term);
    }
    let Some(first) = term.chars().next() else {
        return false;
    };
    databases.iter().any(|d| {
        // Linux keeps entries under their first letter, macOS under its
        // hex code.
        d.join(first.to_string()).join(term).is_file()
            || d.join(format!("{:x}", u32::from(first)))
                .join(term)
                .is_file()
    })
}

fn known_family(term: &str) -> bool {
    const FAMILIES: &[&str] = &[
        "xterm",
        "screen",
        "tmux",
        "rxvt",
        "linux",
        "vt100",
        "vt102",
        "vt220",
        "alacritty",
        "kitty",
        "foot",
        "wezterm",
        "st-",
        "konsole",
        "gnome",
        "putty",
        "iterm",
        "ansi",
        "cygwin",
        "ms-terminal",
        "contour",
        "ghostty",
    ];
    FAMILIES.iter().any(|f| term.starts_with(f)) || term == "st"
}

/// Where terminfo looks, in its order.
fn terminfo_dirs(
    terminfo: Option<&OsStr>,
    home: Option<&OsStr>,
    dirs: Option<&OsStr>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    out.extend(terminfo.map(PathBuf::from));
    out.extend(home.map(|h| Path::new(h).join(".terminfo")));
    if let Some(list) = dirs.and_then(OsStr::to_str) {
        out.extend(list.split(':').filter(|d| !d.is_empty()).map(PathBuf::from));
    }
    out.extend(
        [
            "/etc/terminfo",
            "/lib/terminfo",
            "/usr/share/terminfo",
            "/usr/lib/terminfo",
            "/usr/share/lib/terminfo",
        ]
        .map(PathBuf::from),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap();
        for (sub, name) in [("x", "xterm-256color"), ("6d", "mine")] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join(name), "").unwrap();
        }
        let dirs = vec![dir.path().to_path_buf()];
        (dir, dirs)
    }

    #[test]
    fn dumb_unknown_and_unset_terminals_are_not_drawn_on() {
        let (_dir, dirs) = db();
        let yes = |t: &str| capable_with(Some(OsStr::new(t)), &dirs);
        assert!(yes("xterm-256color"));
        assert!(yes("mine"), "macOS's hex directories");
        assert!(!yes("dumb"));
        assert!(!yes(""));
        assert!(!yes("no-such-terminal"));
        assert!(!yes("../x/xterm-256color"), "a name is not a path");
        assert_eq!(capable_with(None, &dirs), cfg!(windows));
    }

    #[test]
    fn with_no_terminfo_at_all_known_families_are_trusted() {
        let none = vec![PathBuf::from("/nonexistent/terminfo")];
        assert!(capable_with(Some(OsStr::new("xterm-kitty")), &none));
        assert!(capable_with(Some(OsStr::new("tmux-256color")), &none));
        assert!(!capable_with(Some(OsStr::new("dumb")), &none));
        assert!(!capable_with(Some(OsStr::new("emacs")), &none));
    }
}
