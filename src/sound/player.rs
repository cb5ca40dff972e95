//! The handle the app holds: it turns session effects into sounds and
//! hands them to the sound thread through a bounded queue with `try_send`.
//! A full queue drops the sound; a dead output mutes. Nothing here ever
//! blocks or fails the caller, and nothing wakes the caller's thread.
//!
//! Built without the `sound` feature there is no thread and no output: the
//! same handle is the silent twin.

use std::path::PathBuf;
#[cfg(test)]
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::SoundSettings;
use super::command::{Command, News, SoundState};
use super::names::Play;

/// What a recording twin heard: every sound it was asked to play.
#[cfg(test)]
pub type Recording = Arc<Mutex<Vec<Play>>>;

enum Link {
    /// No output (muted from the start, or a build without sound).
    None,
    #[cfg(feature = "sound")]
    Thread(super::worker::Worker),
    /// Tests: sounds are written down instead of played.
    #[cfg(test)]
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
    #[cfg(feature = "sound")]
    dropped: u64,
    /// Why sound is off now, while the output is away.
    fault: Option<String>,
    /// The status line has news about sound it has not been given yet.
    untold: bool,
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
            #[cfg(feature = "sound")]
            dropped: 0,
            fault: None,
            untold: false,
        };
        if !player.muted {
            player.connect();
        }
        player
    }

    /// A twin that writes down what it would play, for tests.
    #[cfg(test)]
    pub fn recording(settings: SoundSettings) -> (Self, Recording) {
        let heard = Recording::default();
        let player = Self {
            settings,
            muted: !settings.enabled,
            link: Link::Record(heard.clone()),
            prepared: Vec::new(),
            #[cfg(feature = "sound")]
            dropped: 0,
            fault: None,
            untold: false,
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
            Link::None => drop(command),
            #[cfg(feature = "sound")]
            Link::Thread(worker) => {
                if !worker.try_send(command) {
                    self.dropped_one();
                }
            }
            #[cfg(test)]
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

    /// A session may start soon (its preflight is up): make the bell and
    /// start the output now, playing silence, so that the session's first
    /// sound reaches the speakers as promptly as the later ones, not after
    /// the stream (and the device behind it) has started. The output rests
    /// again after the first sound, or after `WAKE_FOR` with none. Muted,
    /// nothing is woken.
    pub fn wake(&mut self) {
        #[cfg(feature = "sound")]
        if !self.muted
            && let Link::Thread(worker) = &mut self.link
            && !worker.wake()
        {
            self.dropped_one();
        }
    }

    /// Wait, at most `limit`, until the output is awake as `wake` asked
    /// (or sound turned out to be off): for a session whose first sound
    /// is due the moment it starts. True when the output is awake.
    pub fn wait_awake(&self, limit: Duration) -> bool {
        #[cfg(feature = "sound")]
        if !self.muted
            && let Link::Thread(worker) = &self.link
        {
            return worker.wait_awake(limit);
        }
        let _ = limit;
        false
    }

    /// What a voice waits on, on its own thread, before it renders: the
    /// output answering (at once, or when it comes back). `None`: no sound
    /// thread to ask (muted from the start, or a build without sound).
    pub fn heard(&self) -> Option<std::sync::Arc<dyn crate::voice::Heard>> {
        match &self.link {
            #[cfg(feature = "sound")]
            Link::Thread(worker) => Some(worker.woken()),
            _ => None,
        }
    }

    /// Wait (at most `limit`) for the output's first answer; false when
    /// nothing can be heard.
    pub fn wait_known(&self, limit: Duration) -> bool {
        match &self.link {
            #[cfg(feature = "sound")]
            Link::Thread(worker) => worker.wait_known(limit),
            _ => {
                let _ = limit;
                self.output_works()
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
    /// playing (with a few milliseconds' fade, so no click). Unmuting while
    /// the output is away says so again: whatever the status line said
    /// about muting must not hide that sound is still off.
    pub fn toggle_mute(&mut self) -> bool {
        self.muted = !self.muted;
        if self.muted {
            self.hush();
        } else {
            self.connect();
            self.untold |= self.fault.is_some();
        }
        self.muted
    }

    /// What the status line should say about sound now: muted, off and
    /// why, or nothing when all is well. (For a status line redrawn from
    /// state rather than from `status` news.)
    pub fn sound_status(&self) -> Option<SoundState> {
        if self.muted {
            return Some(SoundState::Muted);
        }
        self.fault.clone().map(SoundState::Off)
    }

    /// A sound output works (or would, once unmuted): built with sound
    /// and not known to be away. Where none does, the terminal's bell may
    /// stand in for it, and no speech is worth rendering.
    pub fn output_works(&self) -> bool {
        super::BUILT_WITH_SOUND && self.fault.is_none()
    }

    #[cfg(test)]
    pub fn is_muted(&self) -> bool {
        self.muted
    }

    /// What the status line should say about sound, once: why sound is
    /// off, when the output could not be opened or went away; that it is
    /// back, when it answers again.
    pub fn status(&mut self) -> Option<SoundState> {
        let news: Vec<News> = match &self.link {
            #[cfg(feature = "sound")]
            Link::Thread(worker) => std::iter::from_fn(|| worker.news()).collect(),
            _ => Vec::new(),
        };
        self.absorb(news)
    }

    /// Take in the sound thread's news; what the status line should say.
    fn absorb(&mut self, news: Vec<News>) -> Option<SoundState> {
        let mut back = false;
        for n in news {
            self.untold = true;
            match n {
                News::Off(why) => {
                    tracing::warn!("sound off: {why}");
                    self.fault = Some(why);
                    back = false;
                }
                News::Back => {
                    self.fault = None;
                    back = true;
                }
            }
        }
        if !std::mem::take(&mut self.untold) || self.muted {
            return None;
        }
        if back {
            return Some(SoundState::Back);
        }
        self.sound_status()
    }

    #[cfg(feature = "sound")]
    fn dropped_one(&mut self) {
        self.dropped += 1;
        // Logged at the first and then every hundredth: a stuck thread
        // must not fill the log.
        if self.dropped == 1 || self.dropped.is_multiple_of(100) {
            tracing::warn!(
                "sound: {} prompt(s) dropped, the sound thread was behind",
                self.dropped
            );
        }
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
            Link::Thread(worker) => worker.finish(super::command::DRAIN_LIMIT),
            _ => {}
        }
    }
}

impl Player {
    /// Fade out whatever plays (the end bells, when the user leaves the
    /// done screen) and close the output without waiting for it to end:
    /// only the fade is let through, so leaving never clicks and never
    /// waits on a sound.
    pub fn cut(mut self) {
        self.hush();
        match std::mem::replace(&mut self.link, Link::None) {
            #[cfg(feature = "sound")]
            Link::Thread(worker) => worker.cut(),
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
    fn muting_and_unmuting_never_hides_that_sound_is_off() {
        let (mut player, _) = Player::recording(SoundSettings::default());
        let off = SoundState::Off("no sound server found".into());
        let said = player.absorb(vec![News::Off("no sound server found".into())]);
        assert_eq!(said.as_ref(), Some(&off));
        // Told once.
        assert_eq!(player.status(), None);
        // `m` twice: muted is said, then sound being off is said again.
        assert!(player.toggle_mute());
        assert_eq!(player.status(), None);
        assert_eq!(player.sound_status(), Some(SoundState::Muted));
        assert!(!player.toggle_mute());
        assert_eq!(player.status().as_ref(), Some(&off));
        assert_eq!(player.sound_status().as_ref(), Some(&off));
        // The server comes back: said once, then nothing is wrong.
        assert_eq!(player.absorb(vec![News::Back]), Some(SoundState::Back));
        assert_eq!(player.status(), None);
        player.toggle_mute();
        player.toggle_mute();
        assert_eq!(player.status(), None);
        assert_eq!(player.sound_status(), None);
    }

    #[test]
    fn with_nothing_to_wake_nobody_waits() {
        let (mut player, heard) = Player::recording(SoundSettings::default());
        player.wake();
        let start = std::time::Instant::now();
        assert!(!player.wait_awake(Duration::from_secs(5)));
        assert!(start.elapsed() < Duration::from_secs(1));
        assert!(heard.lock().unwrap().is_empty(), "a wake plays nothing");
    }

    #[test]
    fn toggling_reports_the_new_state() {
        let (mut player, _) = Player::recording(SoundSettings::default());
        assert!(player.toggle_mute());
        assert!(player.is_muted());
        assert_eq!(player.sound_status(), Some(SoundState::Muted));
        assert!(!player.toggle_mute());
        assert!(!player.is_muted());
        assert_eq!(player.status(), None);
    }
}
