//! Voice as a user meets it: `knotless voice` with and without an engine,
//! `--export` with a fake engine named in the settings, a plain run with
//! `--voice` and no engine, a broken `[voice] command`.
//!
//! The `real_server_voice_*` tests need `espeak-ng` as well as the private
//! PulseAudio server of the sound tests: `.ci/run` runs them with
//! `--ignored`; `cargo test` needs neither an engine nor a server.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::support::{Home, Run};

/// A home with an empty `bin` for `PATH`.
fn home() -> Home {
    let home = Home::new();
    home.dir("config");
    home.dir("bin");
    home
}

/// knotless run from the home, with `PATH` holding only its `bin` (no
/// engine, unless a test puts one there).
fn knotless(home: &Home) -> Command {
    let mut cmd = home.knotless();
    cmd.current_dir(home.root()).env("PATH", home.path("bin"));
    cmd
}

#[test]
fn with_no_engine_voice_says_why_and_exits_cleanly() {
    let home = home();
    let mut cmd = knotless(&home);
    cmd.arg("voice");
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout
            .starts_with("Voice is off: no speech engine found (install espeak-ng).\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("[voice] command"), "{}", out.stdout);
    let mut cmd = knotless(&home);
    cmd.args(["voice", "say", "Hello"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("voice is off: no speech engine found"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_plain_run_with_voice_and_no_engine_finishes_and_says_why_once() {
    let home = home();
    let routine = crate::support::fixture("sound", "short.toml");
    let mut cmd = knotless(&home);
    cmd.arg("run")
        .arg(&routine)
        .args(["--plain", "--speed", "10", "--mute", "--voice"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("Finished"), "{}", out.stdout);
    assert_eq!(
        out.stderr
            .matches("Voice off: no speech engine found (install espeak-ng)")
            .count(),
        1,
        "{}",
        out.stderr
    );
    // Without --voice, plain lines stay as they were.
    let mut cmd = knotless(&home);
    cmd.arg("run")
        .arg(&routine)
        .args(["--plain", "--speed", "10", "--mute"]);
    assert!(!cmd.run().stdout.contains("Voice"));
}

#[test]
fn a_broken_voice_command_is_reported_at_its_line_and_column() {
    let home = home();
    home.settings("[voice]\nvolume = 60\ncommand = \"piper --output_file out.wav\"\n");
    let mut cmd = knotless(&home);
    cmd.arg("config");
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert!(out.stdout.contains("config.toml:3:11"), "{}", out.stdout);
    assert!(out.stdout.contains("never names {wav}"), "{}", out.stdout);
    let mut cmd = knotless(&home);
    cmd.arg("voice");
    let out = cmd.run();
    assert_eq!(out.code, Some(0));
    assert!(
        out.stdout.contains("The settings file has problems"),
        "{}",
        out.stdout
    );
}

/// A fake engine: notes each call, writes a short tone as its WAV.
#[cfg(unix)]
fn fake_engine(home: &Home) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let rate: u32 = 16_000;
    let samples: Vec<i16> = (0..rate / 2)
        .map(|i| ((i as f32 * 0.1).sin() * 8000.0) as i16)
        .collect();
    let mut wav = Vec::new();
    let data = (samples.len() * 2) as u32;
    for chunk in [
        &b"RIFF"[..],
        &(36 + data).to_le_bytes(),
        b"WAVEfmt ",
        &16u32.to_le_bytes(),
        &1u16.to_le_bytes(),
        &1u16.to_le_bytes(),
        &rate.to_le_bytes(),
        &(rate * 2).to_le_bytes(),
        &2u16.to_le_bytes(),
        &16u16.to_le_bytes(),
        b"data",
        &data.to_le_bytes(),
    ] {
        wav.extend_from_slice(chunk);
    }
    for s in samples {
        wav.extend_from_slice(&s.to_le_bytes());
    }
    fs::write(home.path("tone.wav"), wav).unwrap();
    let engine = home.path("bin/fake-tts");
    fs::write(
        &engine,
        format!(
            "#!/bin/sh\n/bin/cat >> '{}'\necho >> '{}'\n/bin/cp '{}' \"$1\"\n",
            home.path("said").display(),
            home.path("said").display(),
            home.path("tone.wav").display()
        ),
    )
    .unwrap();
    fs::set_permissions(&engine, fs::Permissions::from_mode(0o755)).unwrap();
    engine
}

#[cfg(unix)]
#[test]
fn export_writes_numbered_wavs_and_an_index_rendering_each_text_once() {
    let home = home();
    let engine = fake_engine(&home);
    home.settings(&format!(
        "[voice]\ncommand = \"{} {{wav}}\"\n",
        engine.display()
    ));
    let out_dir = home.path("spoken");
    let mut cmd = knotless(&home);
    cmd.args(["voice", "--export", "daily-back"]).arg(&out_dir);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let index = fs::read_to_string(out_dir.join("index.txt")).unwrap();
    let lines: Vec<&str> = index.lines().collect();
    assert!(
        out.stdout.starts_with(&format!(
            "Wrote {} prompts of Daily back reset",
            lines.len()
        )),
        "{}",
        out.stdout
    );
    assert!(
        lines[0].starts_with("001.wav  0:05  Shoulder rolls."),
        "{index}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("  Switch to the right side.")),
        "{index}"
    );
    assert!(
        lines[lines.len() - 1].contains("Well done. You practised for"),
        "{index}"
    );
    for n in 1..=lines.len() {
        let wav = fs::read(out_dir.join(format!("{n:03}.wav"))).unwrap();
        assert_eq!(&wav[..4], b"RIFF");
    }
    // "Switch to the right side." and repeated cues were rendered once.
    let texts: std::collections::HashSet<&str> = lines
        .iter()
        .filter_map(|l| l.splitn(3, "  ").nth(2))
        .collect();
    let said = fs::read_to_string(home.path("said")).unwrap();
    assert_eq!(said.lines().count(), texts.len(), "{said}");
    // A second export renders nothing.
    let mut cmd = knotless(&home);
    cmd.args(["voice", "--export", "daily-back"])
        .arg(home.path("again"));
    assert_eq!(cmd.run().code, Some(0));
    assert_eq!(fs::read_to_string(home.path("said")).unwrap(), said);
    let mut cmd = knotless(&home);
    cmd.arg("voice");
    let out = cmd.run();
    assert!(
        out.stdout.contains("Speech engine: command "),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("({} prompts", texts.len())),
        "{}",
        out.stdout
    );
}

#[cfg(feature = "sound")]
mod real_server {
    //! espeak-ng through the private PulseAudio server.

    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    use std::thread;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::sound::real_server::{PrivatePulse, Recorder};
    use crate::support::{Routine, routine};

    const RATE: f64 = 48_000.0;

    fn dbfs(x: f32) -> f64 {
        20.0 * f64::from(x).log10()
    }

    fn with_espeak(home: &Home, pulse: &PrivatePulse, args: &[&str]) -> std::process::Command {
        let mut cmd = home.knotless();
        cmd.current_dir(home.root())
            .env("PULSE_SERVER", pulse.server())
            .args(args);
        let espeak = std::process::Command::new("espeak-ng")
            .arg("--version")
            .stdout(Stdio::null())
            .status();
        assert!(
            espeak.is_ok_and(|s| s.success()),
            "needs espeak-ng on PATH: apt-get install espeak-ng"
        );
        cmd
    }

    /// 20 ms windows above -45 dBFS RMS, from `from` for `span` seconds:
    /// how long the sound there is sustained.
    fn sounding(samples: &[f32], from: usize, span: f64) -> Duration {
        let window = (0.02 * RATE) as usize;
        let end = (from + (span * RATE) as usize).min(samples.len());
        let loud = samples[from.min(end)..end]
            .chunks(window)
            .filter(|w| {
                let rms = (w.iter().map(|s| s * s).sum::<f32>() / w.len() as f32).sqrt();
                dbfs(rms) > -45.0
            })
            .count();
        Duration::from_millis(loud as u64 * 20)
    }

    fn peak(samples: &[f32]) -> f32 {
        samples.iter().fold(0.0f32, |m, s| m.max(s.abs()))
    }

    #[test]
    #[ignore = "needs espeak-ng, pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_voice_say_is_heard_under_the_bells_level() {
        let pulse = PrivatePulse::start();
        let rec = Recorder::start(&pulse);
        let home = home();
        home.settings("[voice]\nvolume = 100\n");
        let out = with_espeak(
            &home,
            &pulse,
            &[
                "voice",
                "say",
                "Switch to the right side, and breathe out slowly.",
            ],
        )
        .output()
        .unwrap();
        let (samples, _) = rec.stop();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.starts_with("Said with espeak-ng on PulseAudio"),
            "{stdout}"
        );
        let onset = samples
            .iter()
            .position(|s| s.abs() > 1e-3)
            .expect("speech heard");
        let heard = sounding(&samples, onset, 10.0);
        let p = dbfs(peak(&samples));
        eprintln!("voice say: {heard:?} of speech, peak {p:.2} dBFS");
        assert!(heard > Duration::from_millis(1500), "{heard:?}");
        assert!(p <= -12.0 && p > -14.0, "peak {p:.2} dBFS");
    }

    /// A plain run with `--voice`: each step's words start within 0.6 s of
    /// the step, and with the bells on, nothing peaks over -12 dBFS.
    #[test]
    #[ignore = "needs espeak-ng, pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_voice_speaks_each_step_soon_after_it_starts() {
        let pulse = PrivatePulse::start();
        let home = home();
        home.settings("[voice]\nvolume = 100\n");
        let steps = |r: Routine| {
            r.quick()
                .rest("Rest with your eyes closed", "4")
                .rest("Let your shoulders drop", "4")
                .text()
        };
        // Silent steps first, so the onset measured is the speech's own.
        home.write(
            "quiet.toml",
            steps(routine("Quiet").top("sound", "\"none\"")),
        );
        home.write("bells.toml", steps(routine("Bells")));
        for (file, bells) in [("quiet.toml", false), ("bells.toml", true)] {
            let rec = Recorder::start(&pulse);
            let mut child = with_espeak(
                &home,
                &pulse,
                &["run", file, "--plain", "--voice", "--volume", "100"],
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
            let lines: Vec<(String, Instant)> = BufReader::new(child.stdout.take().unwrap())
                .lines()
                .map_while(Result::ok)
                .map(|l| (l, Instant::now()))
                .collect();
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            assert!(child.wait().unwrap().success(), "{stderr}");
            assert_eq!(stderr, "");
            thread::sleep(Duration::from_millis(200));
            let (samples, t0) = rec.stop();
            assert!(!lines.iter().any(|(l, _)| l.contains("off")), "{lines:?}");
            let starts: Vec<Instant> = lines
                .iter()
                .filter(|(l, _)| l.contains("] Step "))
                .map(|(_, at)| *at)
                .collect();
            assert_eq!(starts.len(), 2, "{lines:?}");
            let p = dbfs(peak(&samples));
            eprintln!("{file}: peak {p:.2} dBFS");
            assert!(p <= -12.0, "peak {p:.2} dBFS");
            if bells {
                continue;
            }
            for (i, at) in starts.iter().enumerate() {
                let from = (at.saturating_duration_since(t0).as_secs_f64() * RATE) as usize;
                let from = from.saturating_sub(4800);
                let onset = samples[from..]
                    .iter()
                    .position(|s| s.abs() > 1e-3)
                    .map(|n| n + from)
                    .expect("the step's words were never heard");
                let heard = t0 + Duration::from_secs_f64(onset as f64 / RATE);
                let delay = heard.saturating_duration_since(*at);
                let sustained = sounding(&samples, onset, 3.0);
                eprintln!(
                    "step {}: speech {:.0} ms after the step started, {sustained:?} long",
                    i + 1,
                    delay.as_secs_f64() * 1000.0
                );
                assert!(delay < Duration::from_millis(600), "{delay:?}");
                assert!(sustained > Duration::from_millis(500), "{sustained:?}");
            }
        }
    }
}
