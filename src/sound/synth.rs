//! The built-in sounds. Each is a sum of sine partials (turning phasors:
//! a few multiplications a sample, so all six are ready in milliseconds at
//! the start of a session) under a soft envelope, rendered offline into
//! samples and handed to rodio: pure and deterministic, so tests check
//! every sound from its samples and `knotless sounds --export` writes
//! exactly what is played.
//!
//! Soft and pleasant, not beeps: each sound is a few partials that decay at
//! their own rates, with a raised-cosine fade-in of at least 5 ms and a
//! fade to silence, normalised so that its peak sits at a fixed level at
//! or below -12 dBFS at full volume.

use std::num::NonZero;
use std::time::Duration;

use rodio::buffer::SamplesBuffer;
use rodio::{ChannelCount, SampleRate};

use super::{Builtin, Volume};

/// The rate every built-in sound is made at.
pub const RATE: u32 = 48_000;
pub const SAMPLE_RATE: SampleRate = NonZero::new(RATE).unwrap();
const MONO: ChannelCount = NonZero::new(1).unwrap();

/// The shortest fade-in any sound has.
pub const MIN_FADE_IN: Duration = Duration::from_millis(5);

/// One sine partial: a multiple of the sound's base frequency, its share of
/// the sound, and how fast it dies away (seconds to fall to 1/e).
#[derive(Debug, Clone, Copy)]
struct Partial {
    ratio: f32,
    amp: f32,
    decay: f32,
}

const fn p(ratio: f32, amp: f32, decay: f32) -> Partial {
    Partial { ratio, amp, decay }
}

/// The shape of a sound over time.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// Raised-cosine fade-in.
    attack: Duration,
    /// Raised-cosine fade to silence at the end.
    release: Duration,
    /// The whole length, release included.
    length: Duration,
}

/// Where the peak of each sound sits at full volume, in dBFS.
fn peak_dbfs(b: Builtin) -> f32 {
    match b {
        Builtin::Bell | Builtin::End => -12.5,
        Builtin::Chime => -16.0,
        Builtin::BreatheIn | Builtin::BreatheOut => -17.0,
        Builtin::Tick => -20.0,
    }
}

/// A soft bell: a warm base with a slightly detuned twin (a slow shimmer)
/// and a few higher partials that fade first.
const BELL: &[Partial] = &[
    p(1.0, 1.0, 1.4),
    p(1.0027, 0.5, 1.2),
    p(2.0, 0.45, 0.8),
    p(3.0, 0.18, 0.45),
    p(4.16, 0.10, 0.25),
    p(5.43, 0.05, 0.15),
];
const BELL_SHAPE: Shape = Shape {
    attack: Duration::from_millis(8),
    release: Duration::from_millis(600),
    length: Duration::from_millis(3200),
};

const CHIME: &[Partial] = &[p(1.0, 1.0, 0.5), p(2.0, 0.3, 0.25), p(3.0, 0.12, 0.12)];
const CHIME_SHAPE: Shape = Shape {
    attack: Duration::from_millis(6),
    release: Duration::from_millis(300),
    length: Duration::from_millis(1200),
};

const TICK: &[Partial] = &[p(1.0, 1.0, 0.03), p(2.0, 0.3, 0.015)];
const TICK_SHAPE: Shape = Shape {
    attack: MIN_FADE_IN,
    release: Duration::from_millis(50),
    length: Duration::from_millis(150),
};

/// Breath tones glide: the partials of a soft, round tone.
const BREATH: &[Partial] = &[p(1.0, 1.0, 1.6), p(2.0, 0.25, 0.9), p(3.0, 0.08, 0.6)];
const BREATHE_IN_SHAPE: Shape = Shape {
    attack: Duration::from_millis(300),
    release: Duration::from_millis(500),
    length: Duration::from_millis(1600),
};
const BREATHE_OUT_SHAPE: Shape = Shape {
    attack: Duration::from_millis(200),
    release: Duration::from_millis(700),
    length: Duration::from_millis(2000),
};

/// The three end bells: when each starts, and its base frequency (a gentle
/// falling line: E5, D5, C5).
const END_BELLS: &[(Duration, f32)] = &[
    (Duration::from_millis(0), 659.25),
    (Duration::from_millis(1100), 587.33),
    (Duration::from_millis(2200), BELL_BASE),
];

/// The bell's own pitch, C5: also the end's last bell.
const BELL_BASE: f32 = 523.25;

/// The samples of `sound` at full volume: mono, at `RATE`. (A session and
/// the export make theirs through one `Maker`.)
#[cfg(test)]
pub fn render(sound: Builtin) -> Vec<f32> {
    Maker::default().render(sound)
}

/// `sound` at `volume`, as a rodio source ready for a mixer.
pub fn source(sound: Builtin, volume: Volume) -> SamplesBuffer {
    Maker::default().source(sound, volume)
}

/// Makes built-in sounds one after another, and keeps the bell struck at
/// its own pitch: the bell and the end's last bell are the same sound, a
/// fifth of all the work when a session wants both.
#[derive(Debug, Default)]
pub struct Maker {
    bell: Option<Vec<f32>>,
}

impl Maker {
    /// The samples of `sound` at full volume: mono, at `RATE`.
    pub fn render(&mut self, sound: Builtin) -> Vec<f32> {
        let mut samples = match sound {
            Builtin::Bell => self.bell().to_vec(),
            Builtin::Chime => struck(1046.5, CHIME, CHIME_SHAPE),
            Builtin::Tick => struck(1760.0, TICK, TICK_SHAPE),
            Builtin::BreatheIn => glide(293.66, 392.0, BREATH, BREATHE_IN_SHAPE),
            Builtin::BreatheOut => glide(392.0, 293.66, BREATH, BREATHE_OUT_SHAPE),
            Builtin::End => {
                let mut all = vec![0.0f32; frames(length(Builtin::End))];
                for &(at, base) in END_BELLS {
                    let from = frames(at);
                    let mut add = |bell: &[f32]| {
                        for (to, s) in all[from..].iter_mut().zip(bell) {
                            *to += s;
                        }
                    };
                    if base == BELL_BASE {
                        add(self.bell());
                    } else {
                        add(&struck(base, BELL, BELL_SHAPE));
                    }
                }
                all
            }
        };
        normalise(&mut samples, peak_dbfs(sound));
        samples
    }

    /// `sound` at `volume`, as a rodio source ready for a mixer.
    pub fn source(&mut self, sound: Builtin, volume: Volume) -> SamplesBuffer {
        let mut samples = self.render(sound);
        let gain = volume.gain();
        for s in &mut samples {
            *s *= gain;
        }
        SamplesBuffer::new(MONO, SAMPLE_RATE, samples)
    }

    /// The bell at its own pitch, before it is brought to its level.
    fn bell(&mut self) -> &[f32] {
        self.bell
            .get_or_insert_with(|| struck(BELL_BASE, BELL, BELL_SHAPE))
    }
}

/// The length of `sound`.
pub fn length(sound: Builtin) -> Duration {
    match sound {
        Builtin::Bell => BELL_SHAPE.length,
        Builtin::Chime => CHIME_SHAPE.length,
        Builtin::Tick => TICK_SHAPE.length,
        Builtin::BreatheIn => BREATHE_IN_SHAPE.length,
        Builtin::BreatheOut => BREATHE_OUT_SHAPE.length,
        Builtin::End => END_BELLS.last().map_or(Duration::ZERO, |(at, _)| *at) + BELL_SHAPE.length,
    }
}

/// `d` in samples at `RATE`.
fn frames(d: Duration) -> usize {
    (d.as_secs_f64() * f64::from(RATE)).round() as usize
}

/// A struck sound at `base` Hz: each partial a sine that dies away at its
/// own rate, under the shape's fade-in and fade-out.
fn struck(base: f32, partials: &[Partial], shape: Shape) -> Vec<f32> {
    tone(base, base, partials, shape)
}

/// A tone gliding from `from` to `to` Hz over its length: each partial's
/// pitch moves in a straight line, and dies away at its own rate.
fn glide(from: f32, to: f32, partials: &[Partial], shape: Shape) -> Vec<f32> {
    tone(from, to, partials, shape)
}

/// Samples are made a block at a time in f64, then kept as f32: a block
/// stays in the first-level cache.
const BLOCK: usize = 512;

/// `partials` from `from` to `to` Hz, summed under the shape's envelope.
fn tone(from: f32, to: f32, partials: &[Partial], shape: Shape) -> Vec<f32> {
    let envelope = Envelope::new(shape);
    let mut voices: Vec<Turning> = partials
        .iter()
        .map(|p| Turning::new(p, from, to, envelope.length))
        .collect();
    let mut samples = Vec::with_capacity(envelope.length);
    let mut block = [0.0f64; BLOCK];
    while samples.len() < envelope.length {
        let block = &mut block[..BLOCK.min(envelope.length - samples.len())];
        block.fill(0.0);
        for voice in &mut voices {
            // A steady pitch skips the work of turning its jump.
            if from == to {
                voice.add_to::<false>(block);
            } else {
                voice.add_to::<true>(block);
            }
        }
        samples.extend(block.iter().map(|&s| s as f32));
    }
    envelope.apply(&mut samples);
    samples
}

/// How many samples of one partial are made side by side.
const SIDE: usize = 4;

/// One partial, made by turning phasors: a complex number multiplied,
/// every sample, by a step that holds its pitch and its decay together, so
/// a sample costs a few multiplications rather than a sine and an
/// exponential. A gliding partial's step itself turns a little every
/// sample, so its pitch moves in a straight line.
///
/// `SIDE` samples in a row are made at once, each by a phasor of its own
/// that jumps `SIDE` samples a time: they do not wait on each other, so the
/// compiler turns them together. In f64, the phasors drift less than a
/// part in a billion over the longest sound.
#[derive(Debug, Clone, Copy)]
struct Turning {
    amp: f64,
    /// Each lane's phasor (real, imaginary).
    re: [f64; SIDE],
    im: [f64; SIDE],
    /// Each lane's jump of `SIDE` samples.
    step_re: [f64; SIDE],
    step_im: [f64; SIDE],
    /// What every jump turns by, from one to the next.
    turn: (f64, f64),
}

/// `a` times `b`, as complex numbers.
fn times(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

impl Turning {
    /// Partial `p` of a tone from `from` to `to` Hz over `length` samples.
    fn new(p: &Partial, from: f32, to: f32, length: usize) -> Self {
        use std::f64::consts::TAU;
        let rate = f64::from(RATE);
        let f0 = f64::from(from * p.ratio);
        let f1 = f64::from(to * p.ratio);
        // Phase at sample n: 2π (f0 n + (f1 - f0) n² / (2 length)) / rate.
        // The turn from n to n + 1 is a + b (2n + 1): it grows by 2b a
        // sample. The decay shrinks each sample by r.
        let a = TAU * f0 / rate;
        let b = TAU * (f1 - f0) / (2.0 * length.max(1) as f64 * rate);
        let r = (-1.0 / (f64::from(p.decay) * rate)).exp();
        let polar = |angle: f64, radius: f64| (radius * angle.cos(), radius * angle.sin());
        // Sample by sample, the first 2 × SIDE steps: lane j starts where
        // sample j is, and jumps by the product of steps j to j + SIDE - 1.
        let steps: [(f64, f64); 2 * SIDE] =
            std::array::from_fn(|n| polar(a + b * (2 * n + 1) as f64, r));
        let product =
            |from: usize, to: usize| steps[from..to].iter().fold((1.0, 0.0), |z, &s| times(z, s));
        let (mut re, mut im, mut step_re, mut step_im) =
            ([0.0; SIDE], [0.0; SIDE], [0.0; SIDE], [0.0; SIDE]);
        for j in 0..SIDE {
            (re[j], im[j]) = product(0, j);
            (step_re[j], step_im[j]) = product(j, j + SIDE);
        }
        Self {
            amp: f64::from(p.amp),
            re,
            im,
            step_re,
            step_im,
            // Each of a jump's SIDE steps grows by SIDE × 2b.
            turn: polar(2.0 * b * (SIDE * SIDE) as f64, 1.0),
        }
    }

    /// Add this partial's next `block.len()` samples into `block`. A
    /// steady partial (`GLIDES` false) never turns its jump.
    fn add_to<const GLIDES: bool>(&mut self, block: &mut [f64]) {
        let mut chunks = block.chunks_exact_mut(SIDE);
        for chunk in &mut chunks {
            for (j, out) in chunk.iter_mut().enumerate() {
                *out += self.amp * self.im[j];
                (self.re[j], self.im[j]) =
                    times((self.re[j], self.im[j]), (self.step_re[j], self.step_im[j]));
                if GLIDES {
                    (self.step_re[j], self.step_im[j]) =
                        times((self.step_re[j], self.step_im[j]), self.turn);
                }
            }
        }
        // The last few samples of a sound: the lanes that reach them.
        for (j, s) in chunks.into_remainder().iter_mut().enumerate() {
            *s += self.amp * self.im[j];
        }
    }
}

/// Scale so that the largest sample sits at `dbfs`.
fn normalise(samples: &mut [f32], dbfs: f32) {
    let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    if peak > 0.0 {
        let k = 10f32.powf(dbfs / 20.0) / peak;
        for s in samples {
            *s *= k;
        }
    }
}

/// A soft envelope: raised-cosine fade-in, raised-cosine fade to silence
/// at the end, then the end. (Each partial's decay is its own.)
#[derive(Debug, Clone, Copy)]
struct Envelope {
    attack: usize,
    release_at: usize,
    length: usize,
}

impl Envelope {
    fn new(shape: Shape) -> Self {
        let length = frames(shape.length);
        Self {
            attack: frames(shape.attack).max(1),
            release_at: length.saturating_sub(frames(shape.release)),
            length,
        }
    }

    /// Fade `samples`, the whole sound, in and out. Between the fades the
    /// gain is 1: only the fades' samples are touched.
    fn apply(self, samples: &mut [f32]) {
        let (fade_in, fade_out) = self.fades();
        let fade = |(s, g): (&mut f32, f64)| *s = (f64::from(*s) * g) as f32;
        samples.iter_mut().zip(fade_in).for_each(fade);
        samples
            .iter_mut()
            .skip(self.release_at)
            .zip(fade_out)
            .for_each(fade);
    }

    /// The gains of the fade-in, from the first sample, and of the
    /// fade-out, from `release_at` to the end: raised cosines made by
    /// turning phasors, not a cosine a sample.
    fn fades(self) -> (impl Iterator<Item = f64>, impl Iterator<Item = f64>) {
        use std::f64::consts::PI;
        let cosines = |from: f64, by: f64| {
            let turn = (by.cos(), by.sin());
            std::iter::successors(Some((from.cos(), from.sin())), move |&z| {
                Some(times(z, turn))
            })
            .map(|z| z.0)
        };
        let rising = PI / self.attack as f64;
        let span = self.length - self.release_at;
        // The fade-out's first sample is already one step down.
        let falling = PI / span.max(1) as f64;
        (
            cosines(0.0, rising)
                .take(self.attack)
                .map(|c| 0.5 - 0.5 * c),
            cosines(falling, falling).take(span).map(|c| 0.5 + 0.5 * c),
        )
    }

    #[cfg(test)]
    fn gain(&self, n: usize) -> f64 {
        use std::f64::consts::PI;
        let x = n as f64;
        let attack = if n < self.attack {
            0.5 - 0.5 * (PI * x / self.attack as f64).cos()
        } else {
            1.0
        };
        let release = if n >= self.release_at {
            let span = (self.length - self.release_at).max(1) as f64;
            0.5 + 0.5 * (PI * (x - self.release_at as f64 + 1.0) / span).cos()
        } else {
            1.0
        };
        attack * release
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> usize {
        (n * u64::from(RATE) / 1000) as usize
    }

    fn peak(s: &[f32]) -> f32 {
        s.iter().fold(0.0f32, |m, x| m.max(x.abs()))
    }

    fn dbfs(x: f32) -> f32 {
        20.0 * x.log10()
    }

    #[test]
    fn every_sound_peaks_at_or_below_minus_12_dbfs() {
        for &b in Builtin::ALL {
            let s = render(b);
            let level = dbfs(peak(&s));
            assert!(level <= -12.0, "{b}: peak {level:.2} dBFS");
            assert!(
                (level - peak_dbfs(b)).abs() < 0.01,
                "{b}: peak {level:.2} dBFS, made for {}",
                peak_dbfs(b)
            );
        }
    }

    #[test]
    fn every_sound_fades_in_over_at_least_5_ms() {
        for &b in Builtin::ALL {
            let s = render(b);
            let top = peak(&s);
            assert_eq!(s[0], 0.0, "{b} starts from silence");
            let first_2ms = peak(&s[..ms(2)]);
            assert!(
                first_2ms <= 0.4 * top,
                "{b}: {first_2ms} in the first 2 ms, peak {top}"
            );
            // No click: in the first millisecond neighbouring samples stay
            // close, however high the partials.
            let jump = s[..ms(1)]
                .windows(2)
                .fold(0.0f32, |m, w| m.max((w[1] - w[0]).abs()));
            assert!(jump < 0.05 * top, "{b}: a jump of {jump} in the fade-in");
        }
    }

    #[test]
    fn every_sound_has_its_length_and_ends_in_silence() {
        for &b in Builtin::ALL {
            let s = render(b);
            let expected = (length(b).as_secs_f64() * f64::from(RATE)).round() as usize;
            assert_eq!(s.len(), expected, "{b}: length");
            let top = peak(&s);
            let tail = peak(&s[s.len() - ms(1)..]);
            assert!(
                tail < 0.01 * top,
                "{b}: the last millisecond reaches {tail}"
            );
            let last = s[s.len() - 1].abs();
            assert!(last < 1e-4 * top, "{b}: ends on {last}");
        }
    }

    /// The fades made by turning phasors are the raised cosines they
    /// stand for, sample by sample.
    #[test]
    fn the_envelope_turned_is_the_envelope_computed() {
        for shape in [
            BELL_SHAPE,
            CHIME_SHAPE,
            TICK_SHAPE,
            BREATHE_IN_SHAPE,
            BREATHE_OUT_SHAPE,
        ] {
            let envelope = Envelope::new(shape);
            let mut gains = vec![1.0; envelope.length];
            let (fade_in, fade_out) = envelope.fades();
            gains.iter_mut().zip(fade_in).for_each(|(g, f)| *g *= f);
            let fading_out = gains.iter_mut().skip(envelope.release_at);
            assert_eq!(
                fading_out.zip(fade_out).map(|(g, f)| *g *= f).count(),
                envelope.length - envelope.release_at
            );
            for (n, turned) in gains.into_iter().enumerate() {
                let computed = envelope.gain(n);
                assert!(
                    (turned - computed).abs() < 1e-9,
                    "{shape:?} at {n}: {turned} against {computed}"
                );
            }
        }
    }

    /// The partials made by turning phasors, several samples side by side,
    /// are the decaying sines they stand for, sample by sample: steady and
    /// gliding, and on a length that does not fill the last jump.
    #[test]
    fn the_turned_tones_are_the_sines_computed() {
        use std::f64::consts::TAU;
        // No fade at the end, so the last samples count.
        let odd = Shape {
            length: Duration::from_micros(10_021),
            release: Duration::ZERO,
            ..TICK_SHAPE
        };
        let rate = f64::from(RATE);
        for (from, to, partials, shape) in [
            (523.25, 523.25, BELL, BELL_SHAPE),
            (1760.0, 1760.0, TICK, odd),
            (293.66, 392.0, BREATH, BREATHE_IN_SHAPE),
            (392.0, 293.66, BREATH, BREATHE_OUT_SHAPE),
            (440.0, 660.0, BREATH, odd),
        ] {
            let envelope = Envelope::new(shape);
            let made = tone(from, to, partials, shape);
            assert_eq!(made.len(), envelope.length);
            let len = envelope.length as f64;
            for (n, &turned) in made.iter().enumerate() {
                let x = n as f64;
                let sines: f64 = partials
                    .iter()
                    .map(|p| {
                        let (f0, f1) = (f64::from(from * p.ratio), f64::from(to * p.ratio));
                        let phase = TAU * (f0 * x + (f1 - f0) * x * x / (2.0 * len)) / rate;
                        let decay = (-x / (f64::from(p.decay) * rate)).exp();
                        f64::from(p.amp) * decay * phase.sin()
                    })
                    .sum();
                let computed = sines * envelope.gain(n);
                assert!(
                    (f64::from(turned) - computed).abs() < 1e-5,
                    "{from}-{to} Hz at {n} of {}: {turned} against {computed}",
                    made.len()
                );
            }
        }
    }

    /// A maker that keeps the bell makes each sound as a fresh one does,
    /// to the bit, whichever of the bell and the end comes first.
    #[test]
    fn a_bell_kept_is_the_bell_made_afresh() {
        let same = |a: &[f32], b: &[f32]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
        };
        for order in [[Builtin::Bell, Builtin::End], [Builtin::End, Builtin::Bell]] {
            let mut maker = Maker::default();
            for b in order {
                assert!(same(&maker.render(b), &render(b)), "{b} after {order:?}");
            }
            assert!(maker.bell.is_some(), "the bell is kept");
        }
    }

    #[test]
    fn every_sound_is_the_same_each_time() {
        for &b in Builtin::ALL {
            let (a, c) = (render(b), render(b));
            assert!(
                a.iter().zip(&c).all(|(x, y)| x.to_bits() == y.to_bits()),
                "{b} differs between renders"
            );
        }
    }

    #[test]
    fn no_sound_has_a_dc_offset() {
        for &b in Builtin::ALL {
            let s = render(b);
            let mean = s.iter().map(|&x| f64::from(x)).sum::<f64>() / s.len() as f64;
            let top = f64::from(peak(&s));
            assert!(mean.abs() < 1e-3 * top, "{b}: mean {mean}");
        }
    }

    #[test]
    fn partials_decay_the_bell_is_loud_early_and_soft_late() {
        let s = render(Builtin::Bell);
        let rms = |a: usize, b: usize| {
            (s[a..b].iter().map(|x| x * x).sum::<f32>() / (b - a) as f32).sqrt()
        };
        let early = rms(ms(10), ms(110));
        let late = rms(ms(2000), ms(2100));
        assert!(late < early / 3.0, "early {early}, late {late}");
    }

    #[test]
    fn breath_tones_rise_and_fall() {
        // Zero crossings count the pitch: more at the end of a rising tone.
        let crossings = |s: &[f32]| s.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
        for (b, rising) in [(Builtin::BreatheIn, true), (Builtin::BreatheOut, false)] {
            let s = render(b);
            let first = crossings(&s[ms(300)..ms(500)]);
            let last = crossings(&s[s.len() - ms(700)..s.len() - ms(500)]);
            assert_eq!(last > first, rising, "{b}: {first} then {last} crossings");
        }
    }

    #[test]
    fn three_bells_at_the_end() {
        let s = render(Builtin::End);
        let rms = |at: u64| {
            let (a, b) = (ms(at), ms(at + 30));
            (s[a..b].iter().map(|x| x * x).sum::<f32>() / (b - a) as f32).sqrt()
        };
        for &(at, _) in END_BELLS {
            let at = at.as_millis() as u64;
            if at > 0 {
                assert!(
                    rms(at + 20) > 1.5 * rms(at - 40),
                    "a bell strikes at {at} ms"
                );
            }
        }
    }

    #[test]
    fn volume_scales_the_source() {
        let full: Vec<f32> = source(Builtin::Chime, Volume::MAX).collect();
        let half: Vec<f32> = source(Builtin::Chime, Volume::new(50)).collect();
        assert!((peak(&half) - 0.25 * peak(&full)).abs() < 1e-6);
        let none: Vec<f32> = source(Builtin::Chime, Volume::SILENT).collect();
        assert_eq!(peak(&none), 0.0);
    }
}
