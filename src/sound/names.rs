//! The names of the built-in sounds, and what can be played.

use std::fmt;
use std::path::PathBuf;

/// The sounds knotless makes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Builtin {
    /// A soft bell: a step starts.
    Bell,
    /// A lighter tone: switch side, or a cue.
    Chime,
    /// A gentle rising tone: breathe in.
    BreatheIn,
    /// A gentle falling tone: breathe out.
    BreatheOut,
    /// A soft tick in each of a step's last three seconds (off by default).
    Tick,
    /// Three bells: the routine is over.
    End,
}

impl Builtin {
    pub const ALL: &'static [Builtin] = &[
        Builtin::Bell,
        Builtin::Chime,
        Builtin::BreatheIn,
        Builtin::BreatheOut,
        Builtin::Tick,
        Builtin::End,
    ];

    /// The name used in routine files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Bell => "bell",
            Builtin::Chime => "chime",
            Builtin::BreatheIn => "breathe-in",
            Builtin::BreatheOut => "breathe-out",
            Builtin::Tick => "tick",
            Builtin::End => "end",
        }
    }

    pub fn from_name(name: &str) -> Option<Builtin> {
        Self::ALL.iter().copied().find(|b| b.name() == name)
    }

    /// When knotless plays it.
    pub fn when(self) -> &'static str {
        match self {
            Builtin::Bell => "a step starts",
            Builtin::Chime => "switch side, or a cue",
            Builtin::BreatheIn => "breathe in (when breath tones are on)",
            Builtin::BreatheOut => "breathe out (when breath tones are on)",
            Builtin::Tick => "each of a step's last 3 seconds (off by default)",
            Builtin::End => "the routine is over",
        }
    }

    /// Every name, for messages: "bell, chime, ...".
    pub fn names() -> String {
        Self::ALL
            .iter()
            .map(|b| b.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A sound to play now: a built-in one, or a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Play {
    Builtin(Builtin),
    File(PathBuf),
}

/// The extensions of the files rodio decodes for knotless.
pub const FILE_EXTENSIONS: &[&str] = &["wav", "ogg", "oga", "flac", "mp3"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back() {
        for b in Builtin::ALL {
            assert_eq!(Builtin::from_name(b.name()), Some(*b));
        }
        assert_eq!(Builtin::from_name("bel"), None);
    }
}
