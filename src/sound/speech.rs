//! Speech: a WAV file a speech engine wrote, played through the same
//! output as the bells at its own volume. It starts a moment after the
//! sound it follows (the step's bell), then fades that sound out, so the
//! mix never holds two prompts at once; a newer speech (or muting) fades
//! it out in turn. Speech never overlaps speech.
//!
//! This module knows nothing of where the file came from (the voice
//! module renders and caches it): sound stays a leaf.

use std::path::PathBuf;
use std::time::Duration;

use super::Volume;

/// Where a speech's peak sits at full volume, whatever level the engine
/// wrote it at: under the bells' -12 dBFS, so speech is never the loudest
/// thing knotless plays.
pub const SPEECH_PEAK_DBFS: f32 = -13.0;
/// How long after it is asked for speech starts: the bell it follows is
/// heard first, then the words.
pub const SPEECH_AFTER: Duration = Duration::from_millis(250);
/// A speech plays for at most this long (a runaway engine's output is cut).
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
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use rodio::buffer::SamplesBuffer;
    use rodio::{ChannelCount, Sample, SampleRate, Source};

    use super::{MAX_SPEECH, MAX_SPEECH_FILE, SPEECH_AFTER, SPEECH_PEAK_DBFS, Speech};
    use crate::sound::output;
    use crate::sound::sink::Voice;
    use crate::sound::{guard, synth};

    /// The fade a newer sound, or muting, gives speech that is playing.
    const HUSH_FADE: Duration = Duration::from_millis(3);

    /// `speech` decoded, levelled and ready for the mixer, and how long it
    /// sounds (its lead-in included). `hush` is the sound thread's counter
    /// that every new prompt moves on; `speeches` counts speeches asked
    /// for (and mutes), so an older speech not yet started never starts.
    pub fn voice_for(
        speech: &Speech,
        hush: &Arc<AtomicU32>,
        speeches: &Arc<AtomicU32>,
    ) -> Option<(Voice, Duration)> {
        let buffer = guard::quietly(|| decode(speech)).flatten()?;
        let length = buffer.total_duration().unwrap_or_default() + SPEECH_AFTER;
        let mine = speeches.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        Some((
            Box::new(Spoken::new(buffer, hush.clone(), speeches.clone(), mine)),
            length,
        ))
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
    /// words. Starting moves the hush counter on (the bell before it fades
    /// out); a later move (a newer prompt, muting) fades the words out. A
    /// newer speech asked for during the silence means this one never starts.
    struct Spoken {
        inner: SamplesBuffer,
        hush: Arc<AtomicU32>,
        speeches: Arc<AtomicU32>,
        mine: u32,
        /// Samples of silence still to give before the words.
        lead: u64,
        /// The hush value once the words began.
        born: Option<u32>,
        n: u64,
        frame: u64,
        fading: Option<u64>,
        fade_len: u64,
    }

    impl Spoken {
        fn new(
            inner: SamplesBuffer,
            hush: Arc<AtomicU32>,
            speeches: Arc<AtomicU32>,
            mine: u32,
        ) -> Self {
            let frame = u64::from(inner.channels().get());
            let rate = f64::from(inner.sample_rate().get());
            let lead = (SPEECH_AFTER.as_secs_f64() * rate) as u64 * frame;
            let fade_len = ((HUSH_FADE.as_secs_f64() * rate) as u64 * frame).max(frame);
            Self {
                inner,
                hush,
                speeches,
                mine,
                lead,
                born: None,
                n: 0,
                frame,
                fading: None,
                fade_len,
            }
        }
    }

    impl Iterator for Spoken {
        type Item = Sample;

        fn next(&mut self) -> Option<Sample> {
            let boundary = self.n.is_multiple_of(self.frame);
            self.n += 1;
            if self.lead > 0 {
                if boundary && self.speeches.load(Ordering::Relaxed) != self.mine {
                    return None;
                }
                self.lead -= 1;
                return Some(0.0);
            }
            let born = *self
                .born
                .get_or_insert_with(|| self.hush.fetch_add(1, Ordering::Relaxed).wrapping_add(1));
            if self.fading.is_none() && boundary && self.hush.load(Ordering::Relaxed) != born {
                self.fading = Some(self.fade_len);
            }
            match &mut self.fading {
                None => self.inner.next(),
                Some(0) => None,
                Some(left) => {
                    let g = *left as f32 / self.fade_len as f32;
                    *left -= 1;
                    self.inner.next().map(|s| s * g)
                }
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
    pub fn speak_and_wait(speech: &Speech) -> Result<String, String> {
        let mut out = output::open().map_err(|off| off.advice)?;
        let counters = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
        let (voice, length) = voice_for(speech, &counters.0, &counters.1)
            .ok_or_else(|| "the speech engine's file could not be decoded".to_owned())?;
        out.play(voice).map_err(|off| off.advice)?;
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

        fn counters() -> (Arc<AtomicU32>, Arc<AtomicU32>) {
            (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)))
        }

        #[test]
        fn speech_is_levelled_under_the_bells_and_starts_after_a_moment() {
            let dir = tempfile::tempdir().unwrap();
            // Engines write speech close to full scale.
            let speech = speech_file(dir.path(), 0.99, 1.0);
            let (hush, speeches) = counters();
            let (voice, length) = voice_for(&speech, &hush, &speeches).unwrap();
            let samples: Vec<f32> = voice.collect();
            let lead = (SPEECH_AFTER.as_secs_f64() * 22_050.0) as usize;
            assert!(samples[..lead].iter().all(|s| *s == 0.0));
            assert!(samples[lead + 200].abs() > 0.0);
            let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
            let db = 20.0 * peak.log10();
            assert!((db - SPEECH_PEAK_DBFS).abs() < 0.1, "{db}");
            assert!(length >= Duration::from_millis(1240), "{length:?}");
            // Starting moved the hush counter on: the bell fades.
            assert_eq!(hush.load(Ordering::Relaxed), 1);
            let quiet = Speech {
                volume: Volume::new(50),
                ..speech
            };
            let (voice, _) = voice_for(&quiet, &hush, &speeches).unwrap();
            let peak = voice.fold(0.0f32, |m, s| m.max(s.abs()));
            assert!((20.0 * peak.log10() - (SPEECH_PEAK_DBFS - 12.04)).abs() < 0.1);
        }

        #[test]
        fn a_newer_speech_stops_an_older_one_before_or_while_it_plays() {
            let dir = tempfile::tempdir().unwrap();
            let speech = speech_file(dir.path(), 0.5, 1.0);
            let (hush, speeches) = counters();
            let (old, _) = voice_for(&speech, &hush, &speeches).unwrap();
            let (new, _) = voice_for(&speech, &hush, &speeches).unwrap();
            // Asked for before the old one began: the old one never starts.
            assert_eq!(old.count(), 0);
            let (mut playing, _) = voice_for(&speech, &hush, &speeches).unwrap();
            let lead = (SPEECH_AFTER.as_secs_f64() * 22_050.0) as usize;
            assert_eq!(playing.by_ref().take(lead + 1000).count(), lead + 1000);
            drop(new);
            // A newer prompt starts: the playing words fade out in 3 ms.
            hush.fetch_add(1, Ordering::Relaxed);
            let rest: Vec<f32> = playing.collect();
            assert!(rest.len() <= 67, "{}", rest.len());
        }

        #[test]
        fn silent_missing_and_oversized_files_are_not_played() {
            let dir = tempfile::tempdir().unwrap();
            let (hush, speeches) = counters();
            let silent = speech_file(dir.path(), 0.0, 0.5);
            assert!(voice_for(&silent, &hush, &speeches).is_none());
            let gone = Speech {
                wav: dir.path().join("gone.wav"),
                volume: Volume::MAX,
            };
            assert!(voice_for(&gone, &hush, &speeches).is_none());
            let big = dir.path().join("big.wav");
            std::fs::File::create(&big)
                .unwrap()
                .set_len(MAX_SPEECH_FILE + 1)
                .unwrap();
            let big = Speech {
                wav: big,
                volume: Volume::MAX,
            };
            assert!(voice_for(&big, &hush, &speeches).is_none());
        }
    }
}
