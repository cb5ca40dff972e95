//! What a routine's (or a step's) `sound` key says: a built-in sound's
//! name, "none", or a file.

use std::path::PathBuf;

use crate::sound::Builtin;

/// What a routine or one of its steps asks to hear with its `sound` key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SoundChoice {
    /// `sound = "none"`: silence.
    None,
    /// `sound = "bell"`.
    Builtin(Builtin),
    /// `sound = "sounds/gong.ogg"`: a file, relative to the routine file
    /// (already resolved when the routine was read from disk).
    File(PathBuf),
}

impl SoundChoice {
    /// Read what a `sound` key says, before any file is looked at: a
    /// built-in name, "none", or a file path. `None` when it is a name
    /// that is not a built-in one.
    pub fn parse(text: &str) -> Option<SoundChoice> {
        let t = text.trim();
        if t == "none" {
            return Some(SoundChoice::None);
        }
        if let Some(b) = Builtin::from_name(t) {
            return Some(SoundChoice::Builtin(b));
        }
        looks_like_file(t).then(|| SoundChoice::File(PathBuf::from(t)))
    }
}

/// A path rather than a name: it has a separator or a file extension.
pub fn looks_like_file(text: &str) -> bool {
    text.contains('/')
        || text.contains('\\')
        || text.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty() && !ext.is_empty() && ext.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back() {
        for b in Builtin::ALL {
            assert_eq!(SoundChoice::parse(b.name()), Some(SoundChoice::Builtin(*b)));
        }
        assert_eq!(SoundChoice::parse("none"), Some(SoundChoice::None));
    }

    #[test]
    fn paths_and_unknown_names() {
        assert_eq!(
            SoundChoice::parse("gong.ogg"),
            Some(SoundChoice::File("gong.ogg".into()))
        );
        assert_eq!(
            SoundChoice::parse("sounds/gong"),
            Some(SoundChoice::File("sounds/gong".into()))
        );
        assert_eq!(SoundChoice::parse("bel"), None);
        assert_eq!(SoundChoice::parse(".hidden"), None);
    }
}
