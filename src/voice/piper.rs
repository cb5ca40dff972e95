//! Piper's voices: a model file (`NAME.onnx`) with its settings beside it
//! (`NAME.onnx.json`), named in `[voice] model` or found in the folders
//! voices are usually kept in. The search is bounded (depth and entries),
//! so a huge or looping folder costs nothing.

use std::fs;
use std::path::{Path, PathBuf};

/// How deep under a voice folder a model may sit (Piper's own layout is
/// `en/en_US/lessac/medium/`).
const DEPTH: usize = 5;
/// At most this many folder entries are looked at in all.
const ENTRIES: usize = 5_000;

/// The folders Piper voices are usually kept in, most personal first:
/// `$XDG_DATA_HOME/piper/voices`, `$XDG_DATA_HOME/piper`,
/// `$XDG_DATA_HOME/piper-voices`, then `piper-voices` and `piper/voices`
/// in each of `$XDG_DATA_DIRS` (where distributions put them).
pub fn voice_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| directories::BaseDirs::new().map(|b| b.data_dir().to_path_buf()));
    if let Some(home) = data_home {
        dirs.push(home.join("piper").join("voices"));
        dirs.push(home.join("piper"));
        dirs.push(home.join("piper-voices"));
    }
    let shared = std::env::var_os("XDG_DATA_DIRS")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".into());
    for dir in std::env::split_paths(&shared).filter(|d| d.is_absolute()) {
        dirs.push(dir.join("piper-voices"));
        dirs.push(dir.join("piper").join("voices"));
    }
    dirs
}

/// Whether `model` is a usable voice: a file, with its `.onnx.json`.
pub fn is_voice(model: &Path) -> bool {
    let mut json = model.as_os_str().to_owned();
    json.push(".json");
    model.is_file() && Path::new(&json).is_file()
}

/// The voice to use from `dirs`: the first whose file name holds `name`
/// when one is given, else the first English one, else the first; in name
/// order within a folder, folders in the order given.
pub fn find_voice(dirs: &[PathBuf], name: Option<&str>) -> Option<PathBuf> {
    let mut budget = ENTRIES;
    let mut all = Vec::new();
    for dir in dirs {
        collect(dir, DEPTH, &mut budget, &mut all);
    }
    let file_name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default()
    };
    if let Some(name) = name.map(str::to_lowercase).filter(|n| !n.is_empty()) {
        return all.iter().find(|p| file_name(p).contains(&name)).cloned();
    }
    all.iter()
        .find(|p| file_name(p).starts_with("en"))
        .or_else(|| all.first())
        .cloned()
}

/// The voices under `dir`, sorted by name, within `depth` and `budget`.
fn collect(dir: &Path, depth: usize, budget: &mut usize, out: &mut Vec<PathBuf>) {
    let Ok(read) = fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = Vec::new();
    for entry in read.filter_map(Result::ok) {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        entries.push(entry.path());
    }
    entries.sort();
    for path in entries {
        // Never through a link: a loop costs nothing, and a voice is a
        // plain file where it is said to be.
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() && depth > 0 {
            collect(&path, depth - 1, budget, out);
        } else if meta.is_file() && path.extension().is_some_and(|e| e == "onnx") && is_voice(&path)
        {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voices_are_found_with_their_settings_english_first_or_by_name() {
        let root = tempfile::tempdir().unwrap();
        let put = |rel: &str| {
            let p = root.path().join(rel);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "x").unwrap();
            p
        };
        let dirs = vec![root.path().join("missing"), root.path().to_path_buf()];
        assert_eq!(find_voice(&dirs, None), None);
        put("de/de_DE-thorsten.onnx");
        put("de/de_DE-thorsten.onnx.json");
        put("en/en_US/joe/medium/en_US-joe-medium.onnx");
        put("en/en_US/joe/medium/en_US-joe-medium.onnx.json");
        // No settings beside it: not a voice.
        put("en/en_GB-alan.onnx");
        let joe = root
            .path()
            .join("en/en_US/joe/medium/en_US-joe-medium.onnx");
        assert_eq!(find_voice(&dirs, None), Some(joe));
        assert_eq!(
            find_voice(&dirs, Some("Thorsten")),
            Some(root.path().join("de/de_DE-thorsten.onnx"))
        );
        assert_eq!(find_voice(&dirs, Some("alan")), None);
    }
}
