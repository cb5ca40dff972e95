//! A session followed by ear alone, on a real sound server: a get-ready
//! that says where to go is heard before the step that moves, and `n` on
//! the left side of a two-sided step lands on its right side (the side
//! switch's chime, then the right side's bell), not on the next step.
//!
//! Sound is timed against sound, never against the wall clock: each test
//! finds the bells on the sink's monitor and looks between them. A bell
//! (523 Hz base) is told from the chime (1046.5 Hz base, no 523 Hz at all)
//! by the power at the two frequencies just after its onset.
//!
//! `.ci/run` runs these with `--ignored` (espeak-ng for the first);
//! `cargo test` needs neither a server nor an engine.

#[cfg(feature = "sound")]
mod real_server {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    use std::thread;
    use std::time::Duration;

    use crate::pty::Pty;
    use crate::sound::real_server::{PrivatePulse, Recorder, onsets};
    use crate::support::Home;

    const RATE: f64 = 48_000.0;

    fn secs(samples: usize) -> f64 {
        samples as f64 / RATE
    }

    fn at(secs: f64) -> usize {
        (secs.max(0.0) * RATE) as usize
    }

    /// How much of `samples[from..to]` is sound a person hears: the time
    /// in 20 ms windows above -45 dBFS RMS.
    fn sounding(samples: &[f32], from: usize, to: usize) -> f64 {
        let to = to.min(samples.len());
        let window = at(0.02);
        let loud = samples[from.min(to)..to]
            .chunks(window)
            .filter(|w| {
                let rms = (w.iter().map(|s| s * s).sum::<f32>() / w.len() as f32).sqrt();
                20.0 * f64::from(rms).log10() > -45.0
            })
            .count();
        loud as f64 * 0.02
    }

    /// The power at `freq` in `samples[from..from + 200 ms]` (Goertzel).
    fn power_at(samples: &[f32], from: usize, freq: f64) -> f64 {
        let part = &samples[from.min(samples.len())..(from + at(0.2)).min(samples.len())];
        let w = std::f64::consts::TAU * freq / RATE;
        let (re, im) = part
            .iter()
            .enumerate()
            .fold((0.0, 0.0), |(re, im), (k, s)| {
                let x = f64::from(*s);
                (re + x * (w * k as f64).cos(), im - x * (w * k as f64).sin())
            });
        (re * re + im * im) / (part.len().max(1) as f64).powi(2)
    }

    /// What begins at `onset`: the bell has its 523 Hz base (and its
    /// octave, weaker); the chime is an octave higher and has no 523 Hz.
    /// Measured from 20 ms in, before any words that follow it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Heard {
        Bell,
        Chime,
        Other,
    }

    fn heard(samples: &[f32], onset: usize) -> (Heard, f64) {
        let from = onset + at(0.02);
        let low = power_at(samples, from, 523.25);
        let high = power_at(samples, from, 1046.5);
        let ratio = 10.0 * (low / high.max(1e-20)).log10();
        let kind = if ratio > 6.0 {
            Heard::Bell
        } else if ratio < -15.0 {
            Heard::Chime
        } else {
            Heard::Other
        };
        (kind, ratio)
    }

    fn espeak_ng_is_here() {
        let espeak = std::process::Command::new("espeak-ng")
            .arg("--version")
            .stdout(Stdio::null())
            .status();
        assert!(
            espeak.is_ok_and(|s| s.success()),
            "needs espeak-ng on PATH: apt-get install espeak-ng"
        );
    }

    /// Three places: a chair, a wall (the get-ready's words derived from
    /// the position) and the floor (the routine's own `get_ready_say`),
    /// each step 6 s after an 8 s get-ready. The first step is silent but
    /// for its bell, so nothing is said before the first get-ready.
    const MOVES: &str = r#"name = "Moves"
summary = "A chair, a wall, the floor."
end = "silent"

[defaults]
transition = "0s"

[[steps]]
kind = "rest"
title = "Sit"
duration = "6s"
position = "chair"
say = false

[[steps]]
kind = "rest"
title = "Lean"
duration = "6s"
position = "wall"
get_ready = "8s"
glance = "Lean back"

[[steps]]
kind = "rest"
title = "Lie"
duration = "6s"
position = "floor"
get_ready = "8s"
get_ready_say = "Lie on your back on the floor, knees bent"
glance = "Let go"
"#;
    /// Between one step's bell and the next: the step and its get-ready.
    const STEP: f64 = 6.0;
    const GET_READY: f64 = 8.0;

    /// `knotless run moves.toml --plain` with `voice` (`--voice` or
    /// `--no-voice`) on the private server: the sink's monitor, and the
    /// lines printed.
    fn run_moves(pulse: &PrivatePulse, home: &Home, voice: &str) -> (Vec<f32>, Vec<String>) {
        let rec = Recorder::start(pulse);
        let mut child = home
            .knotless()
            .current_dir(home.root())
            .env("PULSE_SERVER", pulse.server())
            .args(["run", "moves.toml", "--plain", voice, "--volume", "100"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map_while(Result::ok)
            .collect();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(child.wait().unwrap().success(), "{stderr}{lines:?}");
        assert_eq!(stderr, "");
        // The last step's words.
        thread::sleep(Duration::from_millis(3000));
        let (samples, _) = rec.stop();
        assert!(!lines.iter().any(|l| l.contains(" off")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("Finished")), "{lines:?}");
        (samples, lines)
    }

    /// The three steps' bells in `samples`: the first sound, then the first
    /// sound near where each next one is due (a step and a get-ready
    /// later), each checked to be a bell. Each get-ready's span of sound
    /// after its chime has rung (1.2 s): from 1.3 s into it to 0.2 s
    /// before the next bell.
    fn speech_in_get_readies(what: &str, samples: &[f32]) -> Vec<f64> {
        let all = onsets(samples);
        let first = *all
            .first()
            .unwrap_or_else(|| panic!("{what}: nothing heard"));
        let mut bells = vec![first];
        for _ in 1..3 {
            let due = bells[bells.len() - 1] + at(STEP + GET_READY);
            let bell = *all
                .iter()
                .find(|o| **o + at(0.7) >= due)
                .unwrap_or_else(|| panic!("{what}: no bell after {:.1} s", secs(due)));
            bells.push(bell);
        }
        let gaps: Vec<f64> = bells.windows(2).map(|w| secs(w[1] - w[0])).collect();
        let kinds: Vec<(Heard, f64)> = bells.iter().map(|b| heard(samples, *b)).collect();
        eprintln!(
            "{what}: bells at {:?} s, {gaps:?} s apart, heard as {kinds:?} (523 over 1046 Hz, dB)",
            bells.iter().map(|b| secs(*b)).collect::<Vec<_>>()
        );
        for ((kind, ratio), gap) in kinds.iter().zip(std::iter::once(&0.0).chain(&gaps)) {
            assert_eq!(*kind, Heard::Bell, "{what}: not a bell ({ratio:.1} dB)");
            assert!(
                *gap == 0.0 || (gap - STEP - GET_READY).abs() < 0.5,
                "{what}: the steps' bells came {gaps:?} s apart, planned {}",
                STEP + GET_READY
            );
        }
        bells[1..]
            .iter()
            .map(|bell| {
                let start = bell.saturating_sub(at(GET_READY));
                sounding(samples, start + at(1.3), bell.saturating_sub(at(0.2)))
            })
            .collect()
    }

    /// Where a person must move (to the wall, to the floor), the get-ready
    /// says so, and it is heard: speech fills the get-ready after its
    /// chime, before the bell of the step that moves; with the voice off
    /// the same span is silent, so what is measured is the words.
    #[test]
    #[ignore = "needs espeak-ng, pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_a_get_ready_is_spoken_before_the_step_that_moves() {
        espeak_ng_is_here();
        let pulse = PrivatePulse::start();
        let home = Home::new();
        home.settings("[voice]\nvolume = 100\n");
        home.write("moves.toml", MOVES);
        let (samples, lines) = run_moves(&pulse, &home, "--voice");
        assert_eq!(
            lines.iter().filter(|l| l.contains("Get ready:")).count(),
            2,
            "{lines:?}"
        );
        let spoken = speech_in_get_readies("voice on", &samples);
        let (quiet, _) = run_moves(&pulse, &home, "--no-voice");
        let silent = speech_in_get_readies("voice off", &quiet);
        eprintln!(
            "get-ready after its chime, above -45 dBFS: {spoken:?} s with the voice, {silent:?} s without"
        );
        for (what, s) in ["to the wall", "to the floor"].iter().zip(&spoken) {
            assert!(
                *s >= 0.5,
                "the get-ready {what} was not heard: {s:.2} s of sound"
            );
        }
        for (what, s) in ["to the wall", "to the floor"].iter().zip(&silent) {
            assert!(
                *s <= 0.1,
                "with the voice off the get-ready {what} still sounds for {s:.2} s: \
                 the measure does not tell words from the chime"
            );
        }
    }

    /// A two-sided step and a rest: 30 s a side with a 4 s pause between
    /// the sides, so only `n` moves on while the test listens.
    const SIDES: &str = r#"name = "Sides"
summary = "Both shoulders, then a rest."

[defaults]
transition = "0s"

[[steps]]
kind = "kneading"
title = "Shoulder squeeze"
duration = "30s"
area = "shoulders"
sides = "both"
switch = "4s"

[[steps]]
kind = "rest"
title = "Quiet rest"
duration = "5s"
"#;
    const SWITCH: f64 = 4.0;

    /// The screen once `done` says it is right (within 20 s, else fail).
    fn wait_until(pty: &Pty, done: impl Fn(&str) -> bool) -> String {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let screen = pty.screen();
            if done(&screen) {
                return screen;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "never saw it; the screen was:\n{screen}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// `n` on the left side goes to the right side: the screen says so,
    /// and by ear the side switch's chime comes, then 4 s later (the pause
    /// between sides) the right side's bell, and only the next `n` rings
    /// the next step's bell.
    #[test]
    #[ignore = "needs pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_next_on_the_left_side_lands_on_the_right_side() {
        let pulse = PrivatePulse::start();
        let home = Home::new();
        let routine = home.write("sides.toml", SIDES);
        let rec = Recorder::start(&pulse);
        let server = pulse.server();
        let args = [
            "run",
            routine.to_str().unwrap(),
            "--volume",
            "100",
            "--no-voice",
        ];
        let mut pty = Pty::start(&home, &args, &[("PULSE_SERVER", server.as_str())]);
        pty.wait_for("Stop at sharp");
        pty.send("\r");
        pty.wait_for("left side");
        let left = pty.screen();
        assert!(left.contains("Next: Right side"), "{left}");
        // The left side's bell rings out (3.2 s) before `n`.
        thread::sleep(Duration::from_secs(5));
        pty.send("n");
        pty.wait_for("Switch to the right side");
        let switch = pty.screen();
        assert!(switch.contains("right side"), "{switch}");
        // The pause between sides ends in the right side itself.
        let right = wait_until(&pty, |s| {
            !s.contains("Get ready") && s.contains("right side")
        });
        assert!(right.contains("Next: Quiet rest"), "{right}");
        // The right side's bell rings out before the next `n`.
        thread::sleep(Duration::from_secs(5));
        pty.send("n");
        pty.wait_for("Quiet rest");
        pty.wait_for("Well done");
        thread::sleep(Duration::from_millis(800));
        let done = pty.screen();
        pty.send("\r");
        assert_eq!(pty.finish(), 0, "{done}");
        assert!(!done.contains("Sound off"), "{done}");
        let (samples, _) = rec.stop();

        let all = onsets(&samples);
        let sounds: Vec<(f64, Heard, f64, f64)> = all
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let end = all.get(i + 1).copied().unwrap_or(samples.len());
                let (kind, ratio) = heard(&samples, *o);
                (secs(*o), kind, ratio, sounding(&samples, *o, end))
            })
            .collect();
        eprintln!("sounds (onset s, heard, 523 over 1046 Hz dB, length s): {sounds:#?}");
        assert!(sounds.len() >= 4, "{sounds:?}");
        let kinds: Vec<Heard> = sounds.iter().take(4).map(|s| s.1).collect();
        assert_eq!(
            kinds,
            [Heard::Bell, Heard::Chime, Heard::Bell, Heard::Bell],
            "left side, `n`: the switch, the right side, `n`: the next step; {sounds:?}"
        );
        // The chime is the short one, against the bells of this recording.
        let (bell, chime) = (sounds[0].3, sounds[1].3);
        assert!(chime < bell * 0.6, "chime {chime:.2} s, bell {bell:.2} s");
        // `n` began the pause between sides, which ended in the right side.
        let pause = sounds[2].0 - sounds[1].0;
        assert!(
            (pause - SWITCH).abs() < 0.5,
            "the right side's bell came {pause:.2} s after the switch's chime, planned {SWITCH}"
        );
    }
}
