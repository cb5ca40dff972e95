//! What the player and the sound thread say to each other: commands down a
//! bounded queue, news back. Neither side imports the other.

use std::path::PathBuf;
#[cfg(feature = "sound")]
use std::time::Duration;

use super::names::Play;

/// What the status line should say about sound: muted, off and why, or
/// back on. The words are the app's (`app::Status`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SoundState {
    Muted,
    Off(String),
    Back,
}

/// Sounds waiting for the sound thread; more are dropped.
#[cfg(feature = "sound")]
pub const QUEUE: usize = 16;
/// The longest `finish` waits for the last sound to be heard.
#[cfg(feature = "sound")]
pub const DRAIN_LIMIT: Duration = Duration::from_secs(6);
/// Woken with no sound (`Player::wake`), the output plays silence for at
/// most this long before it rests again: long enough to read a preflight
/// screen, short enough that a forgotten one costs next to nothing.
#[cfg(feature = "sound")]
pub const WAKE_FOR: Duration = Duration::from_secs(30);

/// What the sound thread is asked to do.
#[derive(Debug)]
#[cfg_attr(not(feature = "sound"), allow(dead_code))]
pub enum Command {
    Play(Play),
    /// Read these files now, before they are due.
    Prepare(Vec<PathBuf>),
    /// Say this, a moment after the sound before it (see `speech`).
    Speak(super::speech::Speech),
    /// A session is about to start: make the bell and start the output
    /// (playing silence) now, so the first sound is as prompt as the rest.
    Wake,
}

/// What the sound thread tells the app.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(feature = "sound"), allow(dead_code))]
pub enum News {
    /// Sound is off, and why (a few words).
    Off(String),
    /// The output answered again after being off.
    Back,
}
