//! The machinery every file a user writes goes through: reading a text file
//! within bounds (`read`), TOML documents with spans and errors in an
//! author's words (`document`), what is wrong and where, shown as
//! file:line:column with a caret (`problem`), and one settings table read
//! by its owner (`section`). Used by routines, settings and compose alike;
//! it knows nothing of any of them.

pub mod document;
pub mod problem;
pub mod read;
pub mod section;

pub use problem::{FileProblems, Problem};
pub use read::{TextFile, read_text};

/// The closest of `candidates` to a misspelt `word`, if one is close enough
/// to be what was meant.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, c), c))
        .filter(|&(score, _)| score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_only_when_close() {
        assert_eq!(
            did_you_mean("duraton", ["duration", "title"]),
            Some("duration")
        );
        assert_eq!(
            did_you_mean("Kneeding", ["kneading", "tapping"]),
            Some("kneading")
        );
        assert_eq!(did_you_mean("zzz", ["duration", "title"]), None);
    }
}
