//! What every playing sound looks at while the mixer pulls its samples:
//! a few counters the sound thread (and muting) move on, read with an
//! atomic load per frame, which costs next to nothing.
//!
//! - A newer sound, or muting, fades out what plays (`hush`): one sound at
//!   a time, as with voice off.
//! - Speech never cuts a sound: while words play, sounds are lowered by
//!   `DUCK_DB` (a `DUCK_RAMP` ramp each way) and their tails kept, so a
//!   bell under speech rings its whole length.
//! - Speech never overlaps speech: words that begin fade out the words
//!   before them (`talk`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use rodio::{ChannelCount, Sample, SampleRate, Source};

/// A newer sound, or muting, fades what is playing out over this long:
/// shorter than any sound's fade-in, so that the mix never peaks above the
/// loudest sound in it.
pub const HUSH_FADE: Duration = Duration::from_millis(3);

/// How far sounds are lowered under speech. About -12 dB would do for the
/// ear; -16 dB keeps the mix under the bells' -12 dBFS ceiling whatever
/// lines up (a bell's -12.5 dBFS peak lowered, plus speech's own peak at
/// `speech::SPEECH_PEAK_DBFS`; see the test below).
pub const DUCK_DB: f32 = -16.0;
/// How long sounds take to go down under speech and to come back after it.
pub const DUCK_RAMP: Duration = Duration::from_millis(40);

/// The counters, shared by the sound thread, the app's handle and every
/// voice in the mixer.
#[derive(Debug, Default)]
pub struct Mix {
    /// Moved on by every sound and by muting: older sounds and speech fade.
    pub hush: AtomicU32,
    /// Moved on by every speech asked for and by muting: an older speech
    /// that has not begun never begins.
    pub speeches: AtomicU32,
    /// Moved on when a speech's words begin: the words before fade out.
    pub talk: AtomicU32,
    /// Speeches whose words play (or are a ramp away): sounds are lowered.
    pub ducking: AtomicU32,
}

impl Mix {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Everything playing fades out, and no speech waiting begins (muting).
    pub fn hush_all(&self) {
        self.hush.fetch_add(1, Ordering::Relaxed);
        self.speeches.fetch_add(1, Ordering::Relaxed);
    }

    fn ducked(&self) -> bool {
        self.ducking.load(Ordering::Relaxed) > 0
    }
}

/// The gain of `DUCK_DB`.
pub fn duck_gain() -> f32 {
    10f32.powf(DUCK_DB / 20.0)
}

/// `d` of sound at `rate`, in frames (at least one).
pub fn frames(d: Duration, rate: SampleRate) -> u64 {
    ((d.as_secs_f64() * f64::from(rate.get())) as u64).max(1)
}

/// A sound as the mixer plays it: it fades out and ends when a newer sound
/// starts or the player is muted (the hush counter moves on from the
/// value it was born with), and it is lowered while speech plays.
pub struct Hushable<S> {
    inner: S,
    mix: Arc<Mix>,
    born: u32,
    n: u64,
    frame: u64,
    /// Samples left in the fade, once hushed.
    fading: Option<u64>,
    fade_len: u64,
    /// The ducking gain now, and how far it moves per frame.
    duck: f32,
    duck_step: f32,
}

impl<S: Source> Hushable<S> {
    pub fn new(inner: S, mix: Arc<Mix>) -> Self {
        let frame = u64::from(inner.channels().get());
        let rate = inner.sample_rate();
        let fade_len = frames(HUSH_FADE, rate) * frame;
        Self {
            born: mix.hush.load(Ordering::Relaxed),
            inner,
            mix,
            n: 0,
            frame,
            fading: None,
            fade_len,
            duck: 1.0,
            duck_step: (1.0 - duck_gain()) / frames(DUCK_RAMP, rate) as f32,
        }
    }

    /// Once a frame: hushed yet? Lowered or not?
    fn look(&mut self) {
        if self.fading.is_none() && self.mix.hush.load(Ordering::Relaxed) != self.born {
            self.fading = Some(self.fade_len);
        }
        let target = if self.mix.ducked() { duck_gain() } else { 1.0 };
        self.duck = if self.duck > target {
            (self.duck - self.duck_step).max(target)
        } else {
            (self.duck + self.duck_step).min(target)
        };
    }
}

impl<S: Source> Iterator for Hushable<S> {
    type Item = Sample;

    fn next(&mut self) -> Option<Sample> {
        // On a frame boundary, so a fade ends with a whole frame and the
        // channels stay at one gain.
        if self.n.is_multiple_of(self.frame) {
            self.look();
        }
        self.n += 1;
        let fade = match &mut self.fading {
            None => 1.0,
            Some(0) => return None,
            Some(left) => {
                let g = *left as f32 / self.fade_len as f32;
                *left -= 1;
                g
            }
        };
        self.inner.next().map(|s| s * fade * self.duck)
    }
}

impl<S: Source> Source for Hushable<S> {
    fn current_span_len(&self) -> Option<usize> {
        None
    }

    fn channels(&self) -> ChannelCount {
        self.inner.channels()
    }

    fn sample_rate(&self) -> SampleRate {
        self.inner.sample_rate()
    }

    fn total_duration(&self) -> Option<Duration> {
        self.inner.total_duration()
    }
}

/// A speech's hold on the ducking counter: taken once, given back once
/// (when the words end, fade, or are dropped by the mixer).
#[derive(Debug)]
pub struct DuckHold {
    mix: Arc<Mix>,
    held: bool,
}

impl DuckHold {
    pub fn new(mix: Arc<Mix>) -> Self {
        Self { mix, held: false }
    }

    pub fn take(&mut self) {
        if !self.held {
            self.held = true;
            self.mix.ducking.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn give_back(&mut self) {
        if std::mem::take(&mut self.held) {
            self.mix.ducking.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

impl Drop for DuckHold {
    fn drop(&mut self) {
        self.give_back();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sound::speech::SPEECH_PEAK_DBFS;
    use crate::sound::{Builtin, Volume, synth};

    #[test]
    fn hushed_sounds_fade_out_quickly_and_end() {
        let mix = Mix::new();
        let mut voice = Hushable::new(synth::source(Builtin::Bell, Volume::MAX), mix.clone());
        let before: Vec<f32> = voice.by_ref().take(4800).collect();
        assert_eq!(before.len(), 4800);
        mix.hush.fetch_add(1, Ordering::Relaxed);
        let after: Vec<f32> = voice.collect();
        // Noticed at once, then a 3 ms fade.
        assert!(after.len() <= 144, "{} more samples", after.len());
        let last = after.last().copied().unwrap_or(0.0).abs();
        assert!(last < 0.01, "fades to silence, ends on {last}");
    }

    #[test]
    fn a_sound_born_after_the_hush_plays_whole() {
        let mix = Mix::new();
        mix.hush.store(3, Ordering::Relaxed);
        let voice = Hushable::new(synth::source(Builtin::Tick, Volume::MAX), mix);
        assert_eq!(voice.count(), synth::render(Builtin::Tick).len());
    }

    #[test]
    fn under_speech_a_sound_is_lowered_and_comes_back_whole() {
        let mix = Mix::new();
        let bell = synth::render(Builtin::Bell);
        let mut voice = Hushable::new(synth::source(Builtin::Bell, Volume::MAX), mix.clone());
        let ramp = frames(DUCK_RAMP, synth::SAMPLE_RATE) as usize;
        let mut heard: Vec<f32> = voice.by_ref().take(12_000).collect();
        let mut hold = DuckHold::new(mix.clone());
        hold.take();
        heard.extend(voice.by_ref().take(48_000));
        hold.give_back();
        heard.extend(voice);
        // The whole bell: nothing cut.
        assert_eq!(heard.len(), bell.len());
        let gain = |i: usize| heard[i] / bell[i];
        assert!((gain(11_000) - 1.0).abs() < 1e-4);
        // Down by DUCK_DB after the ramp, and stays there.
        for i in [12_000 + ramp + 10, 40_000, 59_000] {
            assert!((gain(i) - duck_gain()).abs() < 1e-3, "{i}: {}", gain(i));
        }
        // Halfway down halfway through the ramp: no click.
        let mid = gain(12_000 + ramp / 2);
        assert!(mid < 0.75 && mid > 0.45, "{mid}");
        // Back to full after the words, the tail kept.
        assert!((gain(60_000 + ramp + 10) - 1.0).abs() < 1e-3);
        assert!((gain(bell.len() - 30_000) - 1.0).abs() < 1e-3);
    }

    #[test]
    fn a_lowered_bell_and_speech_together_stay_under_the_bells_level() {
        let loudest_bell = 10f32.powf(-12.5 / 20.0);
        let speech = 10f32.powf(SPEECH_PEAK_DBFS / 20.0);
        let together = 20.0 * (loudest_bell * duck_gain() + speech).log10();
        assert!(together <= -12.0, "{together:.2} dBFS");
    }
}
