//! Soft audio prompts: the sounds themselves, and the output that plays
//! them. A leaf: it knows nothing of sessions or routines (which moment
//! plays which sound is the app's, in `app/prompts.rs`).
//!
//! - `names`, `volume`, `file`, `player`: always built; pure, or plain
//!   file checks (what a sound file may hold), used by routine files and
//!   the settings.
//! - `synth`: the built-in sounds, made from decaying partials and
//!   rendered offline into samples (pure, testable without a sound card).
//! - `player`: the handle the app uses; `worker`: the sound thread it
//!   feeds through a bounded queue that drops rather than blocks, and
//!   `serve`: what that thread does at each step (taking `now`); `bank`:
//!   the sounds ready to play; `output`: the native PulseAudio protocol on
//!   Linux (`pulse`), or rodio's own playback (`device`) on macOS, Windows
//!   and with the `alsa` feature.
//! - `mix`: what every playing sound looks at: a newer sound hushes it,
//!   speech lowers it (never cuts it).
//! - `sink`: what an output is (the trait the backends implement);
//!   `command`: what the player and the sound thread say to each other;
//!   `once`: one sound played and waited for (`knotless sounds play`);
//!   `error`: why it could not be heard.
//! - `speech`: a speech engine's WAV file played like a prompt, at the
//!   voice's own volume, never overlapping other speech.
//! - `terminal_bell`: when the terminal's bell and title stand in for
//!   sound.
//! - `block`: waiting on the PulseAudio crate's futures, never past a time
//!   limit; `guard`: a panic on a sound thread never reaches the screen.
//! - Built without the `sound` feature, `Player` is a silent twin with the
//!   same interface: no thread, no output, no rodio.

mod command;
pub mod config;
mod error;
pub mod file;
mod names;
mod player;
pub mod speech;
mod terminal_bell;
mod volume;

#[cfg(feature = "sound")]
mod bank;
// Only the PulseAudio client waits on futures.
#[cfg(all(feature = "sound", target_os = "linux"))]
mod block;
#[cfg(all(feature = "sound", any(feature = "alsa", not(target_os = "linux"))))]
mod device;
#[cfg(feature = "sound")]
mod guard;
#[cfg(feature = "sound")]
mod mix;
#[cfg(feature = "sound")]
mod once;
#[cfg(feature = "sound")]
mod output;
#[cfg(all(feature = "sound", target_os = "linux"))]
mod pulse;
#[cfg(feature = "sound")]
mod serve;
#[cfg(feature = "sound")]
mod sink;
#[cfg(feature = "sound")]
pub mod synth;
#[cfg(feature = "sound")]
pub mod wav;
#[cfg(feature = "sound")]
pub(crate) mod worker;

pub use command::SoundState;
pub use error::PlayError;
pub use names::{Builtin, Play};
pub use player::Player;
pub use speech::Speech;
pub use terminal_bell::TerminalBell;
pub use volume::Volume;

#[cfg(feature = "sound")]
pub use guard::guard_panics;
#[cfg(feature = "sound")]
pub use once::play_and_wait;
#[cfg(feature = "sound")]
pub use output::describe_output;

/// A build without sound has no sound threads to keep quiet.
#[cfg(not(feature = "sound"))]
pub fn guard_panics() {}

/// What `knotless sounds` says about output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputReport {
    /// The output sound would go to, when one could be opened.
    pub output: Option<String>,
    /// Why sound would be off, in words a user can act on.
    pub off: Option<String>,
}

/// A build without sound says so.
#[cfg(not(feature = "sound"))]
pub fn describe_output() -> OutputReport {
    OutputReport {
        output: None,
        off: Some(
            "this knotless was built without sound (`--no-default-features`); build it with the default features to hear prompts".into(),
        ),
    }
}

/// A build without sound cannot speak.
#[cfg(not(feature = "sound"))]
pub fn speak_and_wait(_: &Speech) -> Result<String, PlayError> {
    Err(PlayError::NoOutput(
        describe_output().off.unwrap_or_default(),
    ))
}

#[cfg(feature = "sound")]
pub use speech::speak_and_wait;

/// A build without sound cannot play.
#[cfg(not(feature = "sound"))]
pub fn play_and_wait(_: &Play, _: Volume) -> Result<String, PlayError> {
    Err(PlayError::NoOutput(
        describe_output().off.unwrap_or_default(),
    ))
}

/// True when this build can make sound at all.
pub const BUILT_WITH_SOUND: bool = cfg!(feature = "sound");

/// What the player needs to know from the settings and the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SoundSettings {
    /// `false` (`--mute`, `sound.enabled = false`): no output is opened.
    pub enabled: bool,
    pub volume: Volume,
}

impl Default for SoundSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            volume: Volume::default(),
        }
    }
}
