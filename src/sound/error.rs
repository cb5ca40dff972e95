//! Why one sound played on its own (`knotless sounds play`, `knotless voice
//! say`) could not be heard: typed, with words a user can act on.

/// Why a sound played and waited for was not heard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlayError {
    /// No output could be opened (or it went away while playing); the
    /// advice says what to do about it.
    #[error("{0}")]
    NoOutput(String),
    /// The sound file no longer decodes (it was checked before, but may
    /// have changed since).
    #[cfg(feature = "sound")]
    #[error("that sound file could not be decoded")]
    Undecodable,
    /// The speech engine wrote a file that does not decode.
    #[cfg(feature = "sound")]
    #[error("the speech engine's file could not be decoded")]
    UndecodableSpeech,
}
