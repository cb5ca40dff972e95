//! Against real sound servers: speech lowers a bell instead of cutting it,
//! and a healthy server is never given up on when prompts come close
//! together.

#[cfg(feature = "sound")]
mod real_server {
    use std::fs;
    use std::io::{BufRead, BufReader, Read};
    use std::path::{Path, PathBuf};
    use std::process::Stdio;
    use std::thread;
    use std::time::{Duration, Instant};

    use crate::sound::real_server::{PrivatePulse, Recorder};
    use crate::support::Home;

    const RATE: f64 = 48_000.0;

    fn dbfs(x: f64) -> f64 {
        20.0 * x.log10()
    }

    /// RMS of `samples[from..from + span s]`, in dBFS.
    fn rms_dbfs(samples: &[f32], from: usize, span: f64) -> f64 {
        let end = (from + (span * RATE) as usize).min(samples.len());
        let part = &samples[from.min(end)..end];
        let sum: f64 = part.iter().map(|s| f64::from(*s).powi(2)).sum();
        dbfs((sum / part.len().max(1) as f64).sqrt())
    }

    /// A speech engine that writes half a second of a 250 Hz tone (the
    /// bell's base is 523 Hz), whatever it is asked to say.
    fn short_speech_engine(home: &Home) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let rate: u32 = 16_000;
        let samples: Vec<i16> = (0..rate / 2)
            .map(|i| {
                ((f64::from(i) * 250.0 * std::f64::consts::TAU / f64::from(rate)).sin() * 16000.0)
                    as i16
            })
            .collect();
        let wav = crate::support::wav_mono16(rate, &samples);
        fs::write(home.path("tone.wav"), wav).unwrap();
        let engine = home.path("bin/short-tts");
        fs::create_dir_all(engine.parent().unwrap()).unwrap();
        fs::write(
            &engine,
            format!(
                "#!/bin/sh\n/bin/cat > /dev/null\n/bin/cp '{}' \"$1\"\n",
                home.path("tone.wav").display()
            ),
        )
        .unwrap();
        fs::set_permissions(&engine, fs::Permissions::from_mode(0o755)).unwrap();
        engine
    }

    /// Run knotless in plain mode against `pulse`: its lines with when
    /// each arrived, and its exit code.
    fn run_plain(home: &Home, pulse: &PrivatePulse, args: &[&str]) -> Vec<(String, Instant)> {
        let mut child = home
            .knotless()
            .current_dir(home.root())
            .env("PULSE_SERVER", pulse.server())
            .args(args)
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
        assert!(child.wait().unwrap().success(), "{stderr}{lines:?}");
        assert_eq!(stderr, "");
        lines
    }

    #[test]
    #[ignore = "needs pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_a_bell_under_speech_keeps_sounding() {
        let pulse = PrivatePulse::start();
        let home = Home::new();
        let engine = short_speech_engine(&home);
        home.settings(&format!(
            "[voice]\nvolume = 100\ncommand = \"{} {{wav}}\"\n",
            engine.display()
        ));
        home.write(
            "one.toml",
            "name = \"One\"\nsummary = \"One step.\"\n[defaults]\ntransition = \"0s\"\n\
             [[steps]]\nkind = \"rest\"\ntitle = \"Rest\"\nduration = \"6s\"\n",
        );
        let rec = Recorder::start(&pulse);
        let lines = run_plain(
            &home,
            &pulse,
            &["run", "one.toml", "--plain", "--voice", "--volume", "100"],
        );
        thread::sleep(Duration::from_millis(200));
        let (samples, t0) = rec.stop();
        assert!(!lines.iter().any(|(l, _)| l.contains("off")), "{lines:?}");
        let step = lines
            .iter()
            .find(|(l, _)| l.contains("] Step "))
            .map(|(_, at)| *at)
            .expect("the step started");
        let from = (step.saturating_duration_since(t0).as_secs_f64() * RATE) as usize;
        let from = from.saturating_sub(4800);
        let onset = samples[from..]
            .iter()
            .position(|s| s.abs() > 1e-3)
            .map(|i| i + from)
            .expect("the bell was never heard");
        let at = |secs: f64| onset + (secs * RATE) as usize;
        // The words: 0.25 s after the bell, for half a second.
        let words = rms_dbfs(&samples, at(0.35), 0.3);
        // After them the bell alone, its tail kept.
        let after = rms_dbfs(&samples, at(1.0), 0.2);
        let tail = rms_dbfs(&samples, at(2.3), 0.2);
        let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        eprintln!(
            "bell under speech: words {words:.1} dBFS; bell alone 1.0 s after its onset {after:.1} dBFS, at 2.3 s {tail:.1} dBFS; peak {:.2} dBFS",
            dbfs(f64::from(peak))
        );
        assert!(words > -40.0, "the words were not heard: {words:.1} dBFS");
        assert!(after > -40.0, "the bell was cut: {after:.1} dBFS at 1 s");
        assert!(tail > -40.0, "the bell's tail was cut: {tail:.1} dBFS");
        assert!(dbfs(f64::from(peak)) <= -12.0, "{peak}");
    }

    /// A step of 12 s with a cue every second (each plays the chime),
    /// then a short one: prompts as close as a routine allows.
    fn close_cues(dir: &Path) -> PathBuf {
        let cues: Vec<String> = (1..12)
            .map(|i| format!("{{ at = \"{i}s\", text = \"Cue {i}\" }}"))
            .collect();
        let path = dir.join("cues.toml");
        fs::write(
            &path,
            format!(
                "name = \"Cues\"\nsummary = \"A cue every second.\"\n[defaults]\ntransition = \"0s\"\n\
                 [[steps]]\nkind = \"rest\"\ntitle = \"One\"\nduration = \"12s\"\ncues = [{}]\n\
                 [[steps]]\nkind = \"rest\"\ntitle = \"Two\"\nduration = \"3s\"\n",
                cues.join(", ")
            ),
        )
        .unwrap();
        path
    }

    /// Cues a second apart, and the same at x10 and x50 (a preview): the
    /// server answers throughout, so sound is never said to be off.
    fn close_prompts_keep_a_healthy_server(pulse: &PrivatePulse, name: &str) {
        let home = Home::new();
        let routine = close_cues(home.root());
        let routine = routine.to_str().unwrap();
        for speed in ["1", "10", "50"] {
            let lines = run_plain(&home, pulse, &["run", routine, "--plain", "--speed", speed]);
            let off: Vec<&String> = lines
                .iter()
                .map(|(l, _)| l)
                .filter(|l| l.contains("Sound off"))
                .collect();
            eprintln!("{name}, x{speed}: {} \"Sound off\"", off.len());
            assert!(off.is_empty(), "{name} at x{speed}: {off:?}");
            assert!(
                lines.iter().any(|(l, _)| l.contains("Finished")),
                "{lines:?}"
            );
        }
    }

    #[test]
    #[ignore = "needs pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_close_prompts_never_give_up_on_a_healthy_server() {
        close_prompts_keep_a_healthy_server(&PrivatePulse::start(), "PulseAudio");
    }

    #[test]
    #[ignore = "needs pipewire, pipewire-pulse, wireplumber, dbus and pulseaudio-utils; .ci/run runs it"]
    fn real_server_pipewire_close_prompts_never_give_up_on_a_healthy_server() {
        close_prompts_keep_a_healthy_server(&PrivatePulse::pipewire(), "PipeWire");
    }
}
