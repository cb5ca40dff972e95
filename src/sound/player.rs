//! The handle the app holds: it turns session effects into sounds and
//! hands them to the sound thread through a bounded queue with `try_send`.
//! A full queue drops the sound; a dead output mutes. Nothing here ever
//! blocks or fails the caller, and nothing wakes the caller's thread.
//!
//! Built without the `sound` feature there is no thread and no output: the
//! same handle is the silent twin.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::names::Play;
use super::{MUTED_STATUS, SoundSettings};

/// Sounds waiting for the sound thread; more are dropped.
pub const QUEUE: usize = 16;
/// The longest `finish` waits for the last sound to be heard.
pub const DRAIN_LIMIT: Duration = Duration::from_secs(6);

/// What the sound thread is asked to do.
#[derive(Debug)]
#[cfg_attr(not(feature = "sound"), allow(dead_code))]
pub enum Command {
    Play(Play),
    /// Read these files now, before they are due.
    Prepare(Vec<PathBuf>),
    /// Say this, a moment after the sound before it (see `speech`).
    Speak(super::speech::Speech),
}

/// What a recording twin heard: every sound it was asked to play.
pub type Recording = Arc<Mutex<Vec<Play>>>;

enum Link {
    /// No output (muted from the start, or a build without sound).
    None,
    #[cfg(feature = "sound")]
    Thread(super::worker::Worker),
    /// Tests: sounds are written down instead of played.
    Record(Recording),
}

pub struct Player {
    /// Read when the output is opened (never, in a build without sound).
    #[cfg_attr(not(feature = "sound"), allow(dead_code))]
    settings: SoundSettings,
    muted: bool,
    link: Link,
    /// The files last prepared, so a routine's files are read once.
    prepared: Vec<PathBuf>,
    /// Sounds dropped because the queue was full.
    dropped: u64,
}

impl Player {
    /// Start the output (on its own thread: this returns at once, and the
    /// connection is made there). Disabled in the settings or by `--mute`,
    /// the player starts muted and opens nothing until unmuted.
    pub fn start(settings: SoundSettings) -> Self {
        let mut player = Self {
            settings,
            muted: !settings.enabled,
            link: Link::None,
            prepared: Vec::new(),
            dropped: 0,
        };
        if !player.muted {
            player.connect();
        }
        player
    }

    /// A twin that writes down what it would play, for tests.
    pub fn recording(settings: SoundSettings) -> (Self, Recording) {
        let heard = Recording::default();
        let player = Self {
            settings,
            muted: !settings.enabled,
            link: Link::Record(heard.clone()),
            prepared: Vec::new(),
            dropped: 0,
        };
        (player, heard)
    }

    #[cfg(feature = "sound")]
    fn connect(&mut self) {
        if matches!(self.link, Link::None) {
            self.link = Link::Thread(super::worker::Worker::spawn(self.settings.volume));
            // A new thread has read no files yet.
            let files = std::mem::take(&mut self.prepared);
            self.prepare(files);
        }
    }

    #[cfg(not(feature = "sound"))]
    fn connect(&mut self) {}

    /// Play `play` now, unless muted.
    pub fn play(&mut self, play: Play) {
        if !self.muted {
            self.send(Command::Play(play));
        }
    }

    /// Read `files` now, so they are ready when they are due. Muted, the
    /// files are read once sound is turned on.
    pub fn prepare(&mut self, files: Vec<PathBuf>) {
        if files != self.prepared {
            self.prepared = files.clone();
            if !self.muted && !files.is_empty() {
                self.send(Command::Prepare(files));
            }
        }
    }

    fn send(&mut self, command: Command) {
        match &mut self.link {
            Link::None => {}
            #[cfg(feature = "sound")]
            Link::Thread(worker) => {
                if !worker.try_send(command) {
                    self.dropped += 1;
                }
            }
            Link::Record(heard) => {
                if let Command::Play(play) = command
                    && let Ok(mut heard) = heard.lock()
                {
                    heard.push(play);
                }
                // Speech is not written down: tests of what is said read
                // the voice's script.
            }
        }
    }

    /// Say `speech` through the same output as the bells, a moment after
    /// the sound just played, unless muted. It fades out whatever plays
    /// when it starts, and a newer speech or prompt fades it out.
    pub fn speak(&mut self, speech: super::speech::Speech) {
        if !self.muted {
            self.send(Command::Speak(speech));
        }
    }

    /// Mute or unmute at once; true when now muted. Muting cuts what is
    /// playing (with a few milliseconds' fade, so no click).
    pub fn toggle_mute(&mut self) -> bool {
        self.muted = !self.muted;
        if self.muted {
            self.hush();
        } else {
            self.connect();
        }
        self.muted
    }

    pub fn is_muted(&self) -> bool {
        self.muted
    }

    /// What the status line should say about sound, once: why sound is
    /// off, when the output could not be opened or went away.
    pub fn status(&mut self) -> Option<String> {
        match &mut self.link {
            #[cfg(feature = "sound")]
            Link::Thread(worker) => worker.news().map(|why| format!("Sound off: {why}")),
            _ => None,
        }
    }

    /// The status line's words for the mute state `muted`.
    pub fn mute_status(muted: bool) -> Option<String> {
        muted.then(|| MUTED_STATUS.to_owned())
    }

    /// Sounds dropped so far because the sound thread was behind.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    fn hush(&mut self) {
        #[cfg(feature = "sound")]
        if let Link::Thread(worker) = &self.link {
            worker.hush();
        }
    }

    /// Let the last sound be heard (at most `DRAIN_LIMIT`), then close the
    /// output. Dropping the player instead cuts sound off at once.
    pub fn finish(mut self) {
        match std::mem::replace(&mut self.link, Link::None) {
            #[cfg(feature = "sound")]
            Link::Thread(worker) => worker.finish(DRAIN_LIMIT),
            _ => {}
        }
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.hush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sound::Builtin;

    #[test]
    fn muted_players_play_nothing_until_unmuted() {
        let settings = SoundSettings {
            enabled: false,
            ..SoundSettings::default()
        };
        let (mut player, heard) = Player::recording(settings);
        assert!(player.is_muted());
        player.play(Play::Builtin(Builtin::Bell));
        assert!(!player.toggle_mute());
        player.play(Play::Builtin(Builtin::Chime));
        assert_eq!(*heard.lock().unwrap(), vec![Play::Builtin(Builtin::Chime)]);
    }

    #[test]
    fn toggling_reports_the_new_state() {
        let (mut player, _) = Player::recording(SoundSettings::default());
        assert!(player.toggle_mute());
        assert_eq!(
            Player::mute_status(player.is_muted()).as_deref(),
            Some(MUTED_STATUS)
        );
        assert!(!player.toggle_mute());
        assert_eq!(Player::mute_status(player.is_muted()), None);
        assert_eq!(player.status(), None);
    }
}
