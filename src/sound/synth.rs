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
    (Duration::from_millis(2200), 523.25),
];

/// The samples of `sound` at full volume: mono, at `RATE`.
pub fn render(sound: Builtin) -> Vec<f32> {
    let mut samples = match sound {
        Builtin::Bell => struck(523.25, BELL, BELL_SHAPE),
        Builtin::Chime => struck(1046.5, CHIME, CHIME_SHAPE),
        Builtin::Tick => struck(1760.0, TICK, TICK_SHAPE),
        Builtin::BreatheIn => glide(293.66, 392.0, BREATH, BREATHE_IN_SHAPE),
        Builtin::BreatheOut => glide(392.0, 293.66, BREATH, BREATHE_OUT_SHAPE),
        Builtin::End => {
            let mut all = vec![0.0f32; frames(length(Builtin::End))];
            for &(at, base) in END_BELLS {
                let from = frames(at);
                for (to, s) in all[from..].iter_mut().zip(struck(base, BELL, BELL_SHAPE)) {
                    *to += s;
                }
            }
            all
        }
    };
    normalise(&mut samples, peak_dbfs(sound));
    samples
}

/// `sound` at `volume`, as a rodio source ready for a mixer.
pub fn source(sound: Builtin, volume: Volume) -> SamplesBuffer {
    let mut samples = render(sound);
    let gain = volume.gain();
    for s in &mut samples {
        *s *= gain;
    }
    SamplesBuffer::new(MONO, SAMPLE_RATE, samples)
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

/// The partials of a sound are stored lane by lane (a structure of
/// arrays), `LANES` of them, so the compiler turns several at once; lanes
/// without a partial are silent. These pick the fewest lanes that hold
/// `partials`.
fn struck(base: f32, partials: &[Partial], shape: Shape) -> Vec<f32> {
    match partials.len() {
        0..=2 => struck_in::<2>(base, partials, shape),
        3..=4 => struck_in::<4>(base, partials, shape),
        _ => struck_in::<8>(base, partials, shape),
    }
}

fn glide(from: f32, to: f32, partials: &[Partial], shape: Shape) -> Vec<f32> {
    match partials.len() {
        0..=2 => glide_in::<2>(from, to, partials, shape),
        3..=4 => glide_in::<4>(from, to, partials, shape),
        _ => glide_in::<8>(from, to, partials, shape),
    }
}

/// A struck sound at `base` Hz, in `LANES` lanes (see `struck`): each
/// partial a sine that dies away at its own rate, under the shape's
/// fade-in and fade-out.
///
/// Made by turning a phasor: each partial is a complex number multiplied,
/// every sample, by one constant (its pitch and its decay together), so a
/// sample costs a few multiplications per partial rather than a sine and
/// an exponential. In f64, the phasor drifts less than a part in a
/// billion over the longest sound.
fn struck_in<const LANES: usize>(base: f32, partials: &[Partial], shape: Shape) -> Vec<f32> {
    let rate = f64::from(RATE);
    let (mut re, mut im) = ([0.0f64; LANES], [0.0f64; LANES]);
    let (mut c, mut s, mut amp) = ([0.0f64; LANES], [0.0f64; LANES], [0.0f64; LANES]);
    for (k, p) in partials.iter().take(LANES).enumerate() {
        let w = std::f64::consts::TAU * f64::from(base * p.ratio) / rate;
        let r = (-1.0 / (f64::from(p.decay) * rate)).exp();
        // Starts at angle 0, full level.
        (re[k], amp[k]) = (1.0, f64::from(p.amp));
        (c[k], s[k]) = (r * w.cos(), r * w.sin());
    }
    Envelope::new(shape)
        .gains()
        .map(|gain| {
            let mut sum = [0.0f64; LANES];
            for k in 0..LANES {
                sum[k] = amp[k] * im[k];
                (re[k], im[k]) = (re[k] * c[k] - im[k] * s[k], re[k] * s[k] + im[k] * c[k]);
            }
            (sum.iter().sum::<f64>() * gain) as f32
        })
        .collect()
}

/// A tone gliding from `from` to `to` Hz over its length, in `LANES`
/// lanes: each partial's pitch moves in a straight line, and its phasor
/// turns by a step that itself turns a little every sample.
fn glide_in<const LANES: usize>(
    from: f32,
    to: f32,
    partials: &[Partial],
    shape: Shape,
) -> Vec<f32> {
    let rate = f64::from(RATE);
    let envelope = Envelope::new(shape);
    let len = envelope.length as f64;
    // Lane by lane, as in `struck`: level and its fall each sample, the
    // phasor, its step, and the step's own turn.
    let zero = [0.0f64; LANES];
    let (mut amp, mut fall, mut level) = (zero, zero, zero);
    let (mut zr, mut zi, mut sr, mut si, mut tr, mut ti) = (zero, zero, zero, zero, zero, zero);
    for (k, p) in partials.iter().take(LANES).enumerate() {
        let f0 = f64::from(from * p.ratio);
        let f1 = f64::from(to * p.ratio);
        // Phase at sample n: 2π (f0 n + (f1 - f0) n² / (2 len)) / rate.
        let a = std::f64::consts::TAU * f0 / rate;
        let b = std::f64::consts::TAU * (f1 - f0) / (2.0 * len * rate);
        // Step from n to n + 1 at n = 0: a + b; it grows by 2b each sample.
        (amp[k], level[k]) = (f64::from(p.amp), 1.0);
        fall[k] = (-1.0 / (f64::from(p.decay) * rate)).exp();
        (zr[k], zi[k]) = (1.0, 0.0);
        (sr[k], si[k]) = ((a + b).cos(), (a + b).sin());
        (tr[k], ti[k]) = ((2.0 * b).cos(), (2.0 * b).sin());
    }
    envelope
        .gains()
        .map(|gain| {
            let mut sum = [0.0f64; LANES];
            for k in 0..LANES {
                sum[k] = amp[k] * level[k] * zi[k];
                level[k] *= fall[k];
                (zr[k], zi[k]) = (zr[k] * sr[k] - zi[k] * si[k], zr[k] * si[k] + zi[k] * sr[k]);
                (sr[k], si[k]) = (sr[k] * tr[k] - si[k] * ti[k], sr[k] * ti[k] + si[k] * tr[k]);
            }
            (sum.iter().sum::<f64>() * gain) as f32
        })
        .collect()
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

    /// The gain of every sample, in order: the raised cosines by turning
    /// phasors too, not a cosine a sample.
    fn gains(self) -> impl Iterator<Item = f64> {
        use std::f64::consts::PI;
        let span = (self.length - self.release_at).max(1) as f64;
        let rising = PI / self.attack as f64;
        let falling = PI / span;
        // cos of the fade-in's angle (from 0) and the fade-out's (from one
        // step in), and the turn each takes a sample.
        let mut up = (1.0f64, 0.0f64);
        let up_turn = (rising.cos(), rising.sin());
        let mut down = (falling.cos(), falling.sin());
        let down_turn = down;
        let turn =
            |z: (f64, f64), by: (f64, f64)| (z.0 * by.0 - z.1 * by.1, z.0 * by.1 + z.1 * by.0);
        (0..self.length).map(move |n| {
            let mut gain = 1.0;
            if n < self.attack {
                gain = 0.5 - 0.5 * up.0;
                up = turn(up, up_turn);
            }
            if n >= self.release_at {
                gain *= 0.5 + 0.5 * down.0;
                down = turn(down, down_turn);
            }
            gain
        })
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
            let mut count = 0;
            for (n, turned) in envelope.gains().enumerate() {
                let computed = envelope.gain(n);
                assert!(
                    (turned - computed).abs() < 1e-9,
                    "{shape:?} at {n}: {turned} against {computed}"
                );
                count += 1;
            }
            assert_eq!(count, envelope.length);
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
