//! Speech: a WAV file a speech engine wrote, played through the same
//! output as the bells at its own volume. It starts a moment after the
//! sound it follows (the step's bell), then fades that sound out, so the
//! mix never holds two prompts at once; a newer speech (or muting) fades
//! it out in turn. Speech never overlaps speech.
//!
//! This module knows nothing of where the file came from (the voice
//! module renders and caches it): sound stays a leaf.

use std::path::PathBuf;
#[cfg(feature = "sound")]
use std::time::Duration;

use super::Volume;

/// Where a speech's peak sits at full volume, whatever level the engine
/// wrote it at: under the bells' -12 dBFS, so speech is never the loudest
/// thing knotless plays, even over a bell lowered under it.
#[cfg(feature = "sound")]
pub const SPEECH_PEAK_DBFS: f32 = -13.5;
/// How long after it is asked for speech starts: the bell it follows is
/// heard first, then the words.
#[cfg(feature = "sound")]
pub const SPEECH_AFTER: Duration = Duration::from_millis(250);
/// A speech plays for at most this long (a runaway engine's output is cut).
#[cfg(feature = "sound")]
pub const MAX_SPEECH: Duration = Duration::from_secs(30);
/// A larger speech file is not even opened.
pub const MAX_SPEECH_FILE: u64 = 16 * 1024 * 1024;

/// One spoken prompt, ready to play.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Speech {
    /// A WAV file (any rate, mono or stereo) written by a speech engine.
    pub wav: PathBuf,
    /// The voice's own volume (`[voice] volume`), not the bells'.
    pub volume: Volume,
}

#[cfg(feature = "sound")]
pub use playing::{speak_and_wait, voice_for};

#[cfg(feature = "sound")]
mod playing {
    use std::fs::File;
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use rodio::buffer::SamplesBuffer;
    use rodio::{ChannelCount, Sample, SampleRate, Source};

    use super::{MAX_SPEECH, MAX_SPEECH_FILE, SPEECH_AFTER, SPEECH_PEAK_DBFS, Speech};
    use crate::sound::PlayError;
    use crate::sound::mix::{DUCK_RAMP, DuckHold, HUSH_FADE, Mix, frames};
    use crate::sound::output;
    use crate::sound::sink::Voice;
    use crate::sound::{guard, synth};

    /// `speech` decoded, levelled and ready for the mixer, and how long it
    /// sounds (its lead-in included). Asking moves `mix.speeches` on, so an
    /// older speech not yet begun never begins.
    pub fn voice_for(speech: &Speech, mix: &Arc<Mix>) -> Option<(Voice, Duration)> {
        let buffer = guard::quietly(|| decode(speech)).flatten()?;
        let length = buffer.total_duration().unwrap_or_default() + SPEECH_AFTER;
        let mine = mix.speeches.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        Some((Box::new(Spoken::new(buffer, mix.clone(), mine)), length))
    }

    /// The speech's first `MAX_SPEECH`, faded in, with its peak moved to
    /// `SPEECH_PEAK_DBFS` at the speech's volume.
    fn decode(speech: &Speech) -> Option<SamplesBuffer> {
        let file = File::open(&speech.wav).ok()?;
        if file.metadata().ok()?.len() > MAX_SPEECH_FILE {
            return None;
        }
        let decoder = rodio::Decoder::try_from(file).ok()?;
        let (channels, rate) = (decoder.channels(), decoder.sample_rate());
        let limit = (MAX_SPEECH.as_secs_f64() * f64::from(rate.get())) as usize
            * usize::from(channels.get());
        let mut samples: Vec<Sample> = decoder.take(limit).collect();
        let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        if samples.is_empty() || peak <= f32::EPSILON {
            return None;
        }
        let target = 10f32.powf(SPEECH_PEAK_DBFS / 20.0) * speech.volume.gain();
        let gain = target / peak;
        let cut = samples.len() == limit;
        fade(&mut samples, channels, rate, gain, cut);
        Some(SamplesBuffer::new(channels, rate, samples))
    }

    /// Apply `gain`, a fade-in (no click), and a fade-out when cut short.
    fn fade(
        samples: &mut [Sample],
        channels: ChannelCount,
        rate: SampleRate,
        gain: f32,
        cut: bool,
    ) {
        let per_frame = usize::from(channels.get());
        let fade_in = (synth::MIN_FADE_IN.as_secs_f64() * f64::from(rate.get())) as usize;
        let fade_out = if cut { fade_in * 10 } else { 0 };
        let frames = samples.len() / per_frame;
        for (i, frame) in samples.chunks_mut(per_frame).enumerate() {
            let mut g = gain;
            if i < fade_in {
                g *= i as f32 / fade_in as f32;
            }
            if frames - i <= fade_out {
                g *= (frames - i) as f32 / fade_out as f32;
            }
            for s in frame {
                *s *= g;
            }
        }
    }

    /// Speech as the mixer plays it: silence for `SPEECH_AFTER`, then the
    /// words. A ramp before the words, the sounds playing are lowered
    /// until the words end (never cut). The words fade out when newer
    /// words begin, a newer sound starts, or the player is muted; a newer
    /// speech asked for during the silence means this one never starts.
    struct Spoken {
        inner: SamplesBuffer,
        mix: Arc<Mix>,
        mine: u32,
        /// Samples of silence still to give before the words.
        lead: u64,
        /// From this many samples of silence left, sounds are lowered.
        duck_from: u64,
        duck: DuckHold,
        /// The hush and talk values once the words began.
        born: Option<(u32, u32)>,
        n: u64,
        frame: u64,
        fading: Option<u64>,
        fade_len: u64,
    }

    impl Spoken {
        fn new(inner: SamplesBuffer, mix: Arc<Mix>, mine: u32) -> Self {
            let frame = u64::from(inner.channels().get());
            let rate = inner.sample_rate();
            let lead = (SPEECH_AFTER.as_secs_f64() * f64::from(rate.get())) as u64 * frame;
            Self {
                inner,
                duck: DuckHold::new(mix.clone()),
                mix,
                mine,
                lead,
                duck_from: frames(DUCK_RAMP, rate) * frame,
                born: None,
                n: 0,
                frame,
                fading: None,
                fade_len: frames(HUSH_FADE, rate) * frame,
            }
        }

        /// The words are over (or never came): sounds come back up.
        fn end(&mut self) -> Option<Sample> {
            self.duck.give_back();
            None
        }
    }

    impl Iterator for Spoken {
        type Item = Sample;

        fn next(&mut self) -> Option<Sample> {
            let boundary = self.n.is_multiple_of(self.frame);
            self.n += 1;
            if self.lead > 0 {
                if boundary && self.mix.speeches.load(Ordering::Relaxed) != self.mine {
                    return self.end();
                }
                if self.lead <= self.duck_from {
                    self.duck.take();
                }
                self.lead -= 1;
                return Some(0.0);
            }
            let mix = &self.mix;
            let (hush, talk) = *self.born.get_or_insert_with(|| {
                let talk = mix.talk.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
                (mix.hush.load(Ordering::Relaxed), talk)
            });
            if self.fading.is_none()
                && boundary
                && (mix.hush.load(Ordering::Relaxed) != hush
                    || mix.talk.load(Ordering::Relaxed) != talk)
            {
                self.fading = Some(self.fade_len);
            }
            let sample = match &mut self.fading {
                None => self.inner.next(),
                Some(0) => None,
                Some(left) => {
                    let g = *left as f32 / self.fade_len as f32;
                    *left -= 1;
                    self.inner.next().map(|s| s * g)
                }
            };
            match sample {
                Some(s) => Some(s),
                None => self.end(),
            }
        }
    }

    impl Source for Spoken {
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
            None
        }
    }

    /// Say one speech now and wait for it to end (`knotless voice say`):
    /// which output played it, or why nothing could.
    pub fn speak_and_wait(speech: &Speech) -> Result<String, PlayError> {
        let no_output = |off: crate::sound::sink::Off| PlayError::NoOutput(off.advice);
        let mut out = output::open().map_err(no_output)?;
        let (voice, length) = voice_for(speech, &Mix::new()).ok_or(PlayError::UndecodableSpeech)?;
        out.play(voice).map_err(no_output)?;
        std::thread::sleep(length + out.latency());
        out.drain(out.latency() + Duration::from_millis(300));
        Ok(out.describe())
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::sound::{Volume, wav};

        fn speech_file(dir: &std::path::Path, peak: f32, secs: f32) -> Speech {
            let rate = 22_050;
            let n = (secs * rate as f32) as usize;
            let samples: Vec<f32> = (0..n)
                .map(|i| peak * (i as f32 * 220.0 * std::f32::consts::TAU / rate as f32).sin())
                .collect();
            let wav = dir.join("s.wav");
            std::fs::write(&wav, wav::encode(&samples, rate)).unwrap();
            Speech {
                wav,
                volume: Volume::MAX,
            }
        }

        #[test]
        fn speech_is_levelled_under_the_bells_and_starts_after_a_moment() {
            let dir = tempfile::tempdir().unwrap();
            // Engines write speech close to full scale.
            let speech = speech_file(dir.path(), 0.99, 1.0);
            let mix = Mix::new();
            let (voice, length) = voice_for(&speech, &mix).unwrap();
            let samples: Vec<f32> = voice.collect();
            let lead = (SPEECH_AFTER.as_secs_f64() * 22_050.0) as usize;
            assert!(samples[..lead].iter().all(|s| *s == 0.0));
            assert!(samples[lead + 200].abs() > 0.0);
            let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
            let db = 20.0 * peak.log10();
            assert!((db - SPEECH_PEAK_DBFS).abs() < 0.1, "{db}");
            assert!(length >= Duration::from_millis(1240), "{length:?}");
            // The bell it follows is not hushed, only lowered while the
            // words played, and back up once they ended.
            assert_eq!(mix.hush.load(Ordering::Relaxed), 0);
            assert_eq!(mix.ducking.load(Ordering::Relaxed), 0);
            let quiet = Speech {
                volume: Volume::new(50),
                ..speech
            };
            let (voice, _) = voice_for(&quiet, &mix).unwrap();
            let peak = voice.fold(0.0f32, |m, s| m.max(s.abs()));
            assert!((20.0 * peak.log10() - (SPEECH_PEAK_DBFS - 12.04)).abs() < 0.1);
        }

        #[test]
        fn a_newer_speech_stops_an_older_one_before_or_while_it_plays() {
            let dir = tempfile::tempdir().unwrap();
            let speech = speech_file(dir.path(), 0.5, 1.0);
            let mix = Mix::new();
            let (old, _) = voice_for(&speech, &mix).unwrap();
            let (new, _) = voice_for(&speech, &mix).unwrap();
            // Asked for before the old one began: the old one never starts.
            assert_eq!(old.count(), 0);
            let (mut playing, _) = voice_for(&speech, &mix).unwrap();
            let lead = (SPEECH_AFTER.as_secs_f64() * 22_050.0) as usize;
            assert_eq!(playing.by_ref().take(lead + 1000).count(), lead + 1000);
            // The sounds under the words are lowered.
            assert_eq!(mix.ducking.load(Ordering::Relaxed), 1);
            drop(new);
            // A newer prompt starts: the playing words fade out in 3 ms.
            mix.hush.fetch_add(1, Ordering::Relaxed);
            let rest: Vec<f32> = playing.by_ref().collect();
            assert!(rest.len() <= 67, "{}", rest.len());
            assert_eq!(mix.ducking.load(Ordering::Relaxed), 0);
            // Newer words begin: the words before fade out in 3 ms.
            let (mut first, _) = voice_for(&speech, &mix).unwrap();
            assert_eq!(first.by_ref().take(lead + 1000).count(), lead + 1000);
            mix.talk.fetch_add(1, Ordering::Relaxed);
            assert!(first.by_ref().count() <= 67);
            // Dropped mid-word by the mixer: the sounds come back up.
            let (mut dropped, _) = voice_for(&speech, &mix).unwrap();
            assert_eq!(dropped.by_ref().take(lead + 10).count(), lead + 10);
            assert_eq!(mix.ducking.load(Ordering::Relaxed), 1);
            drop(dropped);
            assert_eq!(mix.ducking.load(Ordering::Relaxed), 0);
        }

        #[test]
        fn silent_missing_and_oversized_files_are_not_played() {
            let dir = tempfile::tempdir().unwrap();
            let mix = Mix::new();
            let silent = speech_file(dir.path(), 0.0, 0.5);
            assert!(voice_for(&silent, &mix).is_none());
            let gone = Speech {
                wav: dir.path().join("gone.wav"),
                volume: Volume::MAX,
            };
            assert!(voice_for(&gone, &mix).is_none());
            let big = dir.path().join("big.wav");
            std::fs::File::create(&big)
                .unwrap()
                .set_len(MAX_SPEECH_FILE + 1)
                .unwrap();
            let big = Speech {
                wav: big,
                volume: Volume::MAX,
            };
            assert!(voice_for(&big, &mix).is_none());
        }
    }
}
