//! What the sound thread does with an open output, one step at a time:
//! carry out a command, or rest the output when its time comes. Every
//! step takes `now`, so tests drive it on made-up instants and never wait
//! (the thread's loop, in `worker`, reads the clock and waits).

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::bank::Bank;
use super::command::{Command, DRAIN_LIMIT};
use super::mix::Mix;
use super::sink::{Off, Output};
use super::worker::Woken;
use super::{Builtin, speech};

/// After the last sound (and the output's latency), how long the output
/// stays awake in case another sound follows at once.
pub const IDLE_GRACE: Duration = Duration::from_millis(250);

/// The built-in sounds made after the bell, in the order a session meets
/// them.
const LATER: [Builtin; 5] = [
    Builtin::Chime,
    Builtin::End,
    Builtin::BreatheIn,
    Builtin::BreatheOut,
    Builtin::Tick,
];

/// What the sound thread keeps between commands.
pub struct SoundThread {
    out: Box<dyn Output>,
    pub bank: Bank,
    mix: Arc<Mix>,
    woken: Arc<Woken>,
    /// When the output may rest (`None`: it rests).
    awake_until: Option<Instant>,
    /// Woken by `Command::Wake` with no sound since, until when. The first
    /// sound ends the wake: the output rests after it, as after any sound.
    woken_until: Option<Instant>,
    /// How long a wake with no sound keeps the output awake.
    wake_for: Duration,
    /// When the last sound's samples end.
    sounding_until: Instant,
    /// Built-in sounds to make ahead, between commands.
    unmade: Vec<Builtin>,
}

impl SoundThread {
    pub fn new(
        out: Box<dyn Output>,
        bank: Bank,
        mix: Arc<Mix>,
        woken: Arc<Woken>,
        wake_for: Duration,
        now: Instant,
    ) -> Self {
        Self {
            out,
            bank,
            mix,
            woken,
            awake_until: None,
            woken_until: None,
            wake_for,
            sounding_until: now,
            // The bell ahead, here: a session's first sound is a step's
            // bell. The others then on a thread of their own (`make_next`).
            unmade: vec![Builtin::Bell],
        }
    }

    /// Just opened (to learn now whether there is an output): rest until a
    /// sound.
    pub fn start(&mut self) -> Result<(), Off> {
        self.out.idle()
    }

    /// The output answered: say so to whoever waits to know whether
    /// anything can be heard (a voice, before it renders).
    pub fn heard(&self) {
        self.woken.update(|w| w.heard = true);
    }

    /// Make the next built-in sound to be made ahead; false when none is
    /// left.
    /// Called between commands, so a sound asked for early never waits
    /// for the others.
    pub fn make_next(&mut self) -> bool {
        if self.unmade.is_empty() {
            return false;
        }
        let next = self.unmade.remove(0);
        self.bank.builtin(next);
        if self.unmade.is_empty() {
            // Made when first played they would ring late by their making
            // (the end bells most), and made here they would hold up a
            // sound asked for meanwhile.
            self.bank.make_in_background(&LATER);
        }
        true
    }

    /// When the output should rest next, with no command.
    pub fn due(&self) -> Option<Instant> {
        match (self.awake_until, self.woken_until) {
            (Some(a), Some(w)) => Some(a.min(w)),
            (a, w) => a.or(w),
        }
    }

    pub fn handle(&mut self, command: Command, now: Instant) -> Result<(), Off> {
        match command {
            Command::Prepare(files) => {
                for f in files {
                    self.bank.file(&f);
                }
                Ok(())
            }
            Command::Play(play) => {
                // A new prompt damps the one before: one sound at a time.
                self.mix
                    .hush
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((voice, length)) = self.bank.voice(&play, &self.mix) else {
                    return Ok(());
                };
                self.sounding_until = now + length;
                self.awake_for_sound();
                self.out.play(voice)
            }
            Command::Speak(said) => {
                let Some((voice, length)) = speech::voice_for(&said, &self.mix) else {
                    tracing::warn!("speech {} could not be played", said.wav.display());
                    return Ok(());
                };
                self.sounding_until = self.sounding_until.max(now + length);
                self.awake_for_sound();
                self.out.play(voice)
            }
            Command::Wake => {
                // The first sound of a session is a step's bell: made first.
                self.bank.builtin(Builtin::Bell);
                self.woken_until = Some(now + self.wake_for);
                // While a sound plays the output is awake; it is kept awake
                // when the sound is over (see `rest`).
                let woke = match self.awake_until {
                    Some(_) => Ok(()),
                    None => self.out.wake(),
                };
                self.woken.update(|w| {
                    w.answered += 1;
                    w.awake = woke.is_ok();
                });
                woke
            }
        }
    }

    /// A sound was started: stay awake until it has been heard, and a
    /// moment more. Woken with no sound before, the wake is over: the
    /// output rests after this sound.
    fn awake_for_sound(&mut self) {
        let rest = self.sounding_until + self.out.latency() + IDLE_GRACE;
        self.awake_until = Some(self.awake_until.map_or(rest, |a| a.max(rest)));
        self.woken_until = None;
    }

    /// A time to rest came: after the last sound, or at the end of a wake.
    /// Still woken after a sound (a wake came while it played), the output
    /// is kept awake on silence.
    pub fn rest(&mut self, now: Instant) -> Result<(), Off> {
        if self.awake_until.is_some_and(|a| a <= now) {
            self.awake_until = None;
            self.out.idle()?;
            if self.woken_until.is_some_and(|w| w > now) {
                return self.out.wake();
            }
        }
        if self.woken_until.is_some_and(|w| w <= now) {
            self.woken_until = None;
            if self.awake_until.is_none() {
                self.out.idle()?;
            }
        }
        if self.awake_until.is_none() && self.woken_until.is_none() {
            self.woken.update(|w| w.awake = false);
        }
        Ok(())
    }

    /// The program is ending: wait for the last sound to end (at most
    /// `DRAIN_LIMIT`), then let the output play out what it holds.
    pub fn drain(&mut self, now: Instant) {
        // Only woken, with no sound: there is nothing to wait for.
        if self.awake_until.is_some() {
            let left = self.sounding_until.saturating_duration_since(now);
            std::thread::sleep(left.min(DRAIN_LIMIT));
            self.out
                .drain(self.out.latency() + Duration::from_millis(300));
        }
    }

    /// The output went away: the sounds made so far are kept for the next.
    pub fn into_bank(self) -> Bank {
        self.bank
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::sound::{Play, Volume};

    /// An output that writes down what it is asked to do.
    #[derive(Clone, Default)]
    struct Probe {
        log: Arc<Mutex<Vec<&'static str>>>,
    }

    impl Probe {
        fn note(&self, what: &'static str) -> Result<(), Off> {
            self.log.lock().unwrap().push(what);
            Ok(())
        }

        fn asked(&self) -> Vec<&'static str> {
            self.log.lock().unwrap().clone()
        }
    }

    impl Output for Probe {
        fn play(&mut self, _: super::super::sink::Voice) -> Result<(), Off> {
            self.note("play")
        }
        fn wake(&mut self) -> Result<(), Off> {
            self.note("wake")
        }
        fn idle(&mut self) -> Result<(), Off> {
            self.note("idle")
        }
        fn drain(&mut self, _: Duration) {}
        fn latency(&self) -> Duration {
            Duration::ZERO
        }
        fn describe(&self) -> String {
            "probe".into()
        }
    }

    /// A sound thread's steps on a `Probe`, from `t0`.
    fn probed(wake_for: Duration) -> (SoundThread, Probe, Arc<Woken>, Instant) {
        let probe = Probe::default();
        let woken = Arc::new(Woken::default());
        let t0 = Instant::now();
        let mut sound = SoundThread::new(
            Box::new(probe.clone()),
            Bank::new(Volume::MAX),
            Mix::new(),
            woken.clone(),
            wake_for,
            t0,
        );
        sound.start().unwrap();
        (sound, probe, woken, t0)
    }

    fn tick() -> Command {
        Command::Play(Play::Builtin(Builtin::Tick))
    }

    fn awake(woken: &Woken) -> bool {
        woken.state.lock().unwrap().awake
    }

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_woken_output_plays_until_the_first_sound_and_rests_after_it() {
        let (mut sound, probe, woken, t0) = probed(Duration::from_secs(60));
        sound.handle(Command::Wake, t0).unwrap();
        assert!(woken.wait(1, Duration::ZERO), "woken");
        // Opened, put to rest until needed, woken; awake since.
        assert_eq!(probe.asked(), ["idle", "wake"]);
        assert_eq!(sound.due(), Some(t0 + Duration::from_secs(60)));
        let played = t0 + Duration::from_secs(1);
        sound.handle(tick(), played).unwrap();
        // At rest soon after the sound, not at the end of the wake.
        let rest = sound.due().expect("a rest is due");
        assert_eq!(rest, played + Duration::from_millis(150) + IDLE_GRACE);
        sound.rest(rest - MS).unwrap();
        assert_eq!(probe.asked(), ["idle", "wake", "play"], "not yet");
        sound.rest(rest).unwrap();
        assert_eq!(probe.asked(), ["idle", "wake", "play", "idle"]);
        assert!(!awake(&woken), "at rest");
        assert_eq!(sound.due(), None);
    }

    #[test]
    fn a_woken_output_with_no_sound_rests_after_a_while() {
        let wake_for = Duration::from_millis(300);
        let (mut sound, probe, woken, t0) = probed(wake_for);
        sound.handle(Command::Wake, t0).unwrap();
        assert!(woken.wait(1, Duration::ZERO));
        assert_eq!(sound.due(), Some(t0 + wake_for));
        // Not a moment before the wake is over.
        sound.rest(t0 + wake_for - MS).unwrap();
        assert_eq!(probe.asked(), ["idle", "wake"]);
        assert!(awake(&woken));
        sound.rest(t0 + wake_for).unwrap();
        assert_eq!(probe.asked(), ["idle", "wake", "idle"]);
        assert!(!awake(&woken), "at rest");
        // Woken again: awake again.
        sound.handle(Command::Wake, t0 + wake_for * 2).unwrap();
        assert!(woken.wait(2, Duration::ZERO));
        assert_eq!(probe.asked(), ["idle", "wake", "idle", "wake"]);
    }

    #[test]
    fn woken_while_a_sound_plays_the_output_stays_awake_after_it() {
        let wake_for = Duration::from_secs(2);
        let (mut sound, probe, woken, t0) = probed(wake_for);
        sound.handle(tick(), t0).unwrap();
        let woke = t0 + Duration::from_millis(10);
        sound.handle(Command::Wake, woke).unwrap();
        assert!(woken.wait(1, Duration::ZERO));
        // Playing already: no second stream is started.
        assert_eq!(probe.asked(), ["idle", "play"]);
        // The sound ends: at rest a moment, then awake on silence until the
        // wake is over.
        let sound_over = t0 + Duration::from_millis(150) + IDLE_GRACE;
        assert_eq!(sound.due(), Some(sound_over));
        sound.rest(sound_over).unwrap();
        assert_eq!(probe.asked(), ["idle", "play", "idle", "wake"]);
        assert!(awake(&woken));
        assert_eq!(sound.due(), Some(woke + wake_for));
        sound.rest(woke + wake_for).unwrap();
        assert_eq!(probe.asked(), ["idle", "play", "idle", "wake", "idle"]);
        assert!(!awake(&woken), "at rest");
    }

    #[test]
    fn the_bell_is_made_ahead_and_the_rest_beside_it() {
        let (mut sound, _, _, _) = probed(Duration::from_secs(1));
        let mut made = 0;
        while sound.make_next() {
            made += 1;
        }
        assert_eq!(made, 1, "only the bell on the sound thread");
        let mut all = vec![Builtin::Bell];
        all.extend(LATER);
        all.sort();
        assert_eq!(sound.bank.made(), all);
    }
}
