//! The sounds of a session, ready to play at its volume: the built-in
//! ones made once, the routine's files decoded once within limits (a file
//! that changed since it was checked is checked again, and left silent
//! when it no longer passes).

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use rodio::buffer::SamplesBuffer;
use rodio::{ChannelCount, Sample, SampleRate, Source};

use super::mix::{Hushable, Mix};
use super::names::Play;
use super::sink::Voice;
use super::{Builtin, Volume, guard, synth};

/// A sound file plays for at most this long.
pub const MAX_FILE_PLAY: Duration = Duration::from_secs(10);

/// The sounds, ready to play at the session's volume.
pub struct Bank {
    volume: Volume,
    builtins: HashMap<Builtin, SamplesBuffer>,
    /// `None`: the file could not be read (checked before the session, so
    /// it changed since); it stays silent rather than being tried again.
    files: HashMap<PathBuf, Option<SamplesBuffer>>,
    /// Samples held for files so far, against `MAX_BANK_SAMPLES`.
    pub decoded: usize,
    /// Built-in sounds being made on a thread of their own.
    coming: Option<Receiver<(Builtin, SamplesBuffer)>>,
}

/// All the files of a session together hold at most this many samples
/// (100 MB): forty files at the limit each must not take gigabytes.
pub const MAX_BANK_SAMPLES: usize = 25 * 1024 * 1024;

impl Bank {
    pub fn new(volume: Volume) -> Self {
        Self {
            volume,
            builtins: HashMap::new(),
            files: HashMap::new(),
            decoded: 0,
            coming: None,
        }
    }

    pub fn builtin(&mut self, b: Builtin) -> SamplesBuffer {
        self.take_what_came();
        let volume = self.volume;
        self.builtins
            .entry(b)
            .or_insert_with(|| synth::source(b, volume))
            .clone()
    }

    /// Make `sounds` on a thread of their own, so that none is made when
    /// it is first played (the end bells take a tenth of a second to make
    /// in a debug build: they would ring that late) and none is in the way
    /// of a sound played meanwhile. One still missing when played is made
    /// then, as before.
    pub fn make_in_background(&mut self, sounds: &[Builtin]) {
        let (tx, rx) = channel();
        let volume = self.volume;
        let sounds: Vec<Builtin> = sounds
            .iter()
            .copied()
            .filter(|b| !self.builtins.contains_key(b))
            .collect();
        let made = std::thread::Builder::new()
            .name("knotless-sounds".into())
            .spawn(move || {
                let started = std::time::Instant::now();
                let mut maker = synth::Maker::default();
                for &b in &sounds {
                    if tx.send((b, maker.source(b, volume))).is_err() {
                        return;
                    }
                }
                // What bench/README.md reads for the time sounds take to make.
                tracing::debug!(
                    "made {} built-in sounds in {:?}",
                    sounds.len(),
                    started.elapsed()
                );
            });
        // No thread (the system refused one): each is made when played.
        if made.is_ok() {
            self.coming = Some(rx);
        }
    }

    /// The sounds made in the background so far, kept.
    fn take_what_came(&mut self) {
        if let Some(rx) = &self.coming {
            for (b, samples) in rx.try_iter() {
                self.builtins.entry(b).or_insert(samples);
            }
        }
    }

    /// The built-in sounds made so far, waiting for those being made.
    #[cfg(test)]
    pub fn made(&mut self) -> Vec<Builtin> {
        if let Some(rx) = self.coming.take() {
            for (b, samples) in rx.iter() {
                self.builtins.entry(b).or_insert(samples);
            }
        }
        let mut made: Vec<Builtin> = self.builtins.keys().copied().collect();
        made.sort();
        made
    }

    pub fn file(&mut self, path: &Path) -> Option<SamplesBuffer> {
        if let Some(known) = self.files.get(path) {
            return known.clone();
        }
        let budget = MAX_BANK_SAMPLES.saturating_sub(self.decoded);
        let buffer = decode(path, self.volume, budget);
        match &buffer {
            Some(b) => self.decoded += b.clone().count(),
            None => tracing::warn!(
                "sound file {} left silent: it could not be decoded within the limits",
                path.display()
            ),
        }
        self.files.insert(path.to_path_buf(), buffer.clone());
        buffer
    }

    pub fn voice(&mut self, play: &Play, mix: &Arc<Mix>) -> Option<(Voice, Duration)> {
        let buffer = match play {
            Play::Builtin(b) => self.builtin(*b),
            Play::File(path) => self.file(path)?,
        };
        let length = buffer.total_duration().unwrap_or_default();
        Some((Box::new(Hushable::new(buffer, mix.clone())), length))
    }
}

/// One sound, ready to play on its own (for `knotless sounds play`).
pub fn voice_for(play: &Play, volume: Volume) -> Option<(Voice, Duration)> {
    Bank::new(volume).voice(play, &Mix::new())
}

/// A sound file's first `MAX_FILE_PLAY`, decoded by rodio, at `volume`,
/// in at most `budget` samples. The file was checked before the session,
/// but may have changed since: its claims are checked again here.
pub fn decode(path: &Path, volume: Volume, budget: usize) -> Option<SamplesBuffer> {
    guard::quietly(|| decode_unguarded(path, volume, budget)).flatten()
}

fn decode_unguarded(path: &Path, volume: Volume, budget: usize) -> Option<SamplesBuffer> {
    let decoder = rodio::Decoder::try_from(File::open(path).ok()?).ok()?;
    let (channels, rate) = (decoder.channels(), decoder.sample_rate());
    super::file::claims("", channels.get(), rate.get()).ok()?;
    let gain = volume.gain();
    let limit = ((MAX_FILE_PLAY.as_secs_f64() * f64::from(rate.get())) as usize
        * usize::from(channels.get()))
    .min(super::file::MAX_DECODED_SAMPLES)
    .min(budget);
    // Whole frames only, so the channels stay in step.
    let limit = limit - limit % usize::from(channels.get());
    let mut samples: Vec<Sample> = decoder
        .fade_in(synth::MIN_FADE_IN)
        .take(limit)
        .map(|s| s * gain)
        .collect();
    if samples.len() == limit {
        fade_out_tail(&mut samples, channels, rate);
    }
    (!samples.is_empty()).then(|| SamplesBuffer::new(channels, rate, samples))
}

/// A file cut short ends with a short fade rather than a click.
fn fade_out_tail(samples: &mut [Sample], channels: ChannelCount, rate: SampleRate) {
    let n = (0.05 * f64::from(rate.get())) as usize * usize::from(channels.get());
    let len = samples.len();
    let n = n.min(len);
    for (i, s) in samples[len - n..].iter_mut().enumerate() {
        *s *= 1.0 - (i as f32 / n as f32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lying_flac() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sound/lying.flac")
    }

    #[test]
    fn a_file_that_claims_too_much_is_refused_before_and_during_a_session() {
        // 7 KB that claims 8 channels at 655,350 Hz: 100 million samples.
        let refused = super::super::file::check(&lying_flac(), "lying.flac").unwrap_err();
        assert!(refused.message.contains("655350 Hz"), "{}", refused.message);
        let mut bank = Bank::new(Volume::MAX);
        assert!(bank.file(&lying_flac()).is_none());
        assert_eq!(bank.decoded, 0);
    }

    #[test]
    fn decoding_never_goes_past_the_budget() {
        let dir = tempfile::tempdir().unwrap();
        let files = super::super::wav::export_all(dir.path()).unwrap();
        let whole = decode(&files[0], Volume::MAX, usize::MAX).unwrap().count();
        let cut = decode(&files[0], Volume::MAX, 1001).unwrap();
        // Whole frames, within the budget.
        assert_eq!(
            cut.clone().count(),
            1001 - 1001 % usize::from(cut.channels().get())
        );
        assert!(whole > 1001);
        // A bank that has spent its budget leaves further files silent.
        let mut bank = Bank::new(Volume::MAX);
        bank.decoded = MAX_BANK_SAMPLES;
        assert!(bank.file(&files[1]).is_none());
    }

    #[test]
    fn files_are_decoded_at_the_volume_and_missing_ones_stay_silent() {
        let dir = tempfile::tempdir().unwrap();
        let files = super::super::wav::export_all(dir.path()).unwrap();
        let mut bank = Bank::new(Volume::new(50));
        let chime = bank.file(&files[1]).expect("decodes");
        let peak = chime.clone().fold(0.0f32, |m, s| m.max(s.abs()));
        let made = synth::render(Builtin::Chime)
            .iter()
            .fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((peak - 0.25 * made).abs() < 1e-3, "{peak} vs {made}");
        assert!(bank.file(&dir.path().join("gone.wav")).is_none());
        assert!(
            bank.voice(&Play::File(dir.path().join("gone.wav")), &Mix::new())
                .is_none()
        );
    }
}
