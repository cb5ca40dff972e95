//! Tests that run the real `knotless` binary, the way a user would.

mod cli;
mod editing;
mod first_bell;
mod fuzz;
mod history;
mod hostile;
mod pty;
mod sound;
mod today;
mod tools;
mod voice;

/// Every history file in a data directory, concatenated in name order ("" when
/// there is none): each machine appends to its own `history-<host>.jsonl`.
pub fn history_text(data_dir: &std::path::Path) -> String {
    let mut files: Vec<_> = std::fs::read_dir(data_dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(knotless::history::is_history_file)
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect()
}
