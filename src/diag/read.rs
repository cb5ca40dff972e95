//! Reading a text file that a user names or a repository ships, within
//! bounds: a directory, a device, a huge file or one that is not UTF-8 is
//! refused with a clear reason, never read whole.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::problem::{FileProblems, Problem};

/// What kind of file is read, for the words of a refusal, and how large it
/// may be.
#[derive(Debug, Clone, Copy)]
pub struct TextFile {
    /// "routine file", "settings file".
    pub noun: &'static str,
    /// Larger files are refused unread.
    pub max_bytes: u64,
    /// The help when there is no such file.
    pub missing_help: &'static str,
    /// The help when a directory is named.
    pub directory_help: &'static str,
}

/// The text of `path`, or why it cannot be a `kind`.
pub fn read_text(path: &Path, kind: &TextFile) -> Result<String, FileProblems> {
    let name = path.display().to_string();
    let fail = |problem: Problem| FileProblems::new(name.clone(), None, vec![problem]);
    let meta = fs::metadata(path).map_err(|e| {
        fail(match e.kind() {
            std::io::ErrorKind::NotFound => {
                Problem::whole_file("no such file").help(kind.missing_help)
            }
            _ => Problem::whole_file(format!("cannot read this file: {e}")),
        })
    })?;
    if meta.is_dir() {
        return Err(fail(
            Problem::whole_file(format!("this is a directory, not a {}", kind.noun))
                .help(kind.directory_help),
        ));
    }
    if !meta.is_file() {
        return Err(fail(
            Problem::whole_file("this is not a regular file")
                .help(format!("name a .toml {}", kind.noun)),
        ));
    }
    let max = kind.max_bytes;
    if meta.len() > max {
        return Err(fail(
            Problem::whole_file(format!(
                "this file is {} bytes; {}s may be at most {} ({max} bytes)",
                meta.len(),
                kind.noun,
                size(max)
            ))
            .help(format!(
                "a {} needs far less: check that this is the right file",
                kind.noun
            )),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(Problem::whole_file(format!("cannot read this file: {e}"))))?;
    if bytes.len() as u64 > max {
        return Err(fail(Problem::whole_file(format!(
            "this file grew past {} while it was read",
            size(max)
        ))));
    }
    String::from_utf8(bytes).map_err(|e| not_utf8(&name, e))
}

/// "1 MiB", "64 KiB": a limit in the words a person reads.
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Point at the first byte that is not UTF-8, in a lossy copy of the text.
fn not_utf8(name: &str, e: std::string::FromUtf8Error) -> FileProblems {
    let good = e.utf8_error().valid_up_to();
    let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
    let at = lossy[..]
        .char_indices()
        .map(|(i, _)| i)
        .find(|&i| i >= good)
        .unwrap_or(lossy.len());
    let end = lossy[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    FileProblems::new(
        name,
        Some(Arc::from(lossy)),
        vec![
            Problem::at(at..end, "this file is not UTF-8 text")
                .label("this byte is not UTF-8")
                .help("save the file as UTF-8 in your editor (most editors offer it under \"Save with encoding\")"),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: TextFile = TextFile {
        noun: "note file",
        max_bytes: 64,
        missing_help: "name a note",
        directory_help: "name a note inside it",
    };

    fn refusal(path: &Path) -> String {
        read_text(path, &NOTE).unwrap_err().render(false)
    }

    #[test]
    fn each_refusal_names_the_kind_of_file_and_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        assert!(refusal(dir.path()).contains("this is a directory, not a note file"));
        assert!(refusal(&dir.path().join("none")).contains("no such file"));
        let big = dir.path().join("big");
        fs::write(&big, "x".repeat(65)).unwrap();
        let said = refusal(&big);
        assert!(
            said.contains("note files may be at most 64 bytes"),
            "{said}"
        );
        let bad = dir.path().join("bad");
        fs::write(&bad, b"ok = 1\nno\xff\n").unwrap();
        assert!(refusal(&bad).contains("bad:2:3"), "{}", refusal(&bad));
        let good = dir.path().join("good");
        fs::write(&good, "x".repeat(64)).unwrap();
        assert_eq!(read_text(&good, &NOTE).unwrap().len(), 64);
        assert_eq!(size(1 << 20), "1 MiB");
    }
}
