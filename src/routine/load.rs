//! Reading a routine file from disk, refusing what is not a routine file
//! (a directory, a huge file, a file that is not UTF-8) with a clear reason.

use std::io::Read;
use std::path::Path;

use super::model::Routine;
use super::parse::parse_routine_linted;
use crate::diag::{FileProblems, Problem, TextFile};

/// Routine files larger than this are refused unread.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The routine id of a file: its stem.
pub fn id_of(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Read and check one routine file, and the sound files it names (a path
/// in a `sound` key is relative to the routine file).
pub fn load_file(path: &Path) -> Result<Routine, FileProblems> {
    load_file_linted(path).map(|(routine, _)| routine)
}

/// As `load_file`, with the routine's authoring warnings.
pub fn load_file_linted(path: &Path) -> Result<(Routine, FileProblems), FileProblems> {
    let name = path.display().to_string();
    let text = read_text(path)?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let files = |written: &str| {
        let resolved = dir.join(written);
        crate::sound::file::check(&resolved, written).map(|()| resolved)
    };
    parse_routine_linted(&id_of(path), &name, &text, &files)
}

/// How routine files are read: at most 1 MiB, with help in a routine
/// author's words when the file is not one.
pub const ROUTINE_FILE: TextFile = TextFile {
    noun: "routine file",
    max_bytes: MAX_FILE_BYTES,
    missing_help: "check the path, or run `knotless list` to see the routines knotless knows",
    directory_help: "name a .toml file inside it, or run `knotless check` on the directory to check every routine in it",
};

/// The text of a file that should be a routine, or why it cannot be one.
/// How a routine read from standard input (`-`) is named in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// A routine from standard input (`knotless check -`, `show -`), read
/// within the same bound as a file; sound files it names are looked for
/// from the current directory.
pub fn load_stdin_linted() -> Result<(Routine, FileProblems), FileProblems> {
    let text = read_bounded(std::io::stdin().lock(), STDIN_NAME)?;
    let files = |written: &str| {
        let resolved = Path::new(written).to_path_buf();
        crate::sound::file::check(&resolved, written).map(|()| resolved)
    };
    parse_routine_linted("stdin", STDIN_NAME, &text, &files)
}

/// At most 1 MiB of UTF-8 from `reader`.
fn read_bounded(reader: impl Read, name: &str) -> Result<String, FileProblems> {
    let fail = |problem: Problem| FileProblems::new(name.to_owned(), None, vec![problem]);
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(Problem::whole_file(format!("cannot read it: {e}"))))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(
            Problem::whole_file(format!("more than 1 MiB ({MAX_FILE_BYTES} bytes) arrived"))
                .help("a routine needs far less: check that this is the right input"),
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        fail(Problem::whole_file("this is not UTF-8 text").help("a routine is a UTF-8 TOML text"))
    })
}

pub fn read_text(path: &Path) -> Result<String, FileProblems> {
    crate::diag::read_text(path, &ROUTINE_FILE)
}
