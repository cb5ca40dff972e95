//! The first bell of a session is as prompt as the later ones when the
//! first step starts the moment the session does (no get-ready before it):
//! the sound output is woken while the preflight screen is up (and a run
//! with no preflight waits a moment for it), so the first bell does not
//! wait for the stream, and the device behind it, to start.
//!
//! Sound is timed against sound, not against the wall clock: the routine
//! has two steps of 5 s, so on the sink's monitor bell 2 follows bell 1 by
//! 5 s when both are equally prompt; a first bell late by `x` (relative to
//! its step) shortens that to `5 s - x`.

#[cfg(feature = "sound")]
mod real_server {
    use std::io::{BufRead, BufReader};
    use std::path::{Path, PathBuf};
    use std::process::Stdio;
    use std::thread;
    use std::time::Duration;

    use crate::pty::Pty;
    use crate::sound::real_server::{PrivatePulse, Recorder, onsets};

    const RATE: f64 = 48_000.0;
    /// The planned time between the bells of `two-steps.toml`.
    const PLANNED: f64 = 5.0;
    /// How much later than bell 2 (each against its step) bell 1 may come.
    const WITHIN: f64 = 0.100;

    fn routine() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sound/two-steps.toml")
    }

    /// Bell 1 reached the sink no later (against its step) than bell 2,
    /// give or take `WITHIN`.
    fn first_bell_is_prompt(what: &str, samples: &[f32]) {
        let at = onsets(samples);
        // The two steps' bells, then the end bells.
        assert!(at.len() >= 3, "{what}: heard {} sounds, not 3", at.len());
        let gaps: Vec<f64> = at.windows(2).map(|w| (w[1] - w[0]) as f64 / RATE).collect();
        let lag = PLANNED - gaps[0];
        eprintln!(
            "{what}: bell 2 came {:.1} ms after bell 1 (planned {:.0}): the first bell was {:.1} ms later than the second",
            gaps[0] * 1000.0,
            PLANNED * 1000.0,
            lag * 1000.0,
        );
        // Bell 2 → the end bells: both from a stream at rest, as planned.
        assert!((gaps[1] - PLANNED).abs() < WITHIN, "{what}: gaps {gaps:?}");
        assert!(
            lag.abs() < WITHIN,
            "{what}: the first bell reached the sink {:.0} ms later than the second (against their steps)",
            lag * 1000.0
        );
    }

    /// `knotless run two-steps.toml` on the full screen, its preflight up
    /// for `reading` (as long as a user takes to read it), then Enter.
    /// With `config`, the settings in that directory (no preflight: the
    /// session starts at once).
    fn full_screen(
        pulse: &PrivatePulse,
        reading: Option<Duration>,
        config: Option<&Path>,
    ) -> Vec<f32> {
        let rec = Recorder::start(pulse);
        let server = pulse.server();
        let routine = routine();
        let args = [
            "run",
            routine.to_str().unwrap(),
            "--volume",
            "100",
            "--no-voice",
        ];
        let mut env = vec![("PULSE_SERVER", server.as_str())];
        if let Some(dir) = config.and_then(Path::to_str) {
            env.push(("KNOTLESS_CONFIG_DIR", dir));
        }
        let mut pty = Pty::spawn_with(&args, &env);
        if let Some(reading) = reading {
            pty.wait_for("Stop at sharp");
            thread::sleep(reading);
            pty.send("\r");
        }
        pty.wait_for("Well done");
        // The end bells.
        thread::sleep(Duration::from_millis(800));
        let screen = pty.screen();
        pty.send("\r");
        assert_eq!(pty.finish(), 0, "{screen}");
        assert!(!screen.contains("Sound off"), "{screen}");
        rec.stop().0
    }

    /// `knotless run two-steps.toml --plain`: the session starts at once.
    fn plain(pulse: &PrivatePulse) -> Vec<f32> {
        let rec = Recorder::start(pulse);
        let home = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_knotless"))
            .args([
                "run",
                routine().to_str().unwrap(),
                "--plain",
                "--volume",
                "100",
            ])
            .env("KNOTLESS_CONFIG_DIR", home.path().join("config"))
            .env("KNOTLESS_DATA_DIR", home.path().join("data"))
            .env("NO_COLOR", "1")
            .env("PULSE_SERVER", pulse.server())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run knotless");
        let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
            .lines()
            .map_while(Result::ok)
            .collect();
        assert!(child.wait().unwrap().success(), "{lines:?}");
        assert!(!lines.iter().any(|l| l.contains("Sound off")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("Finished")), "{lines:?}");
        // The end bells' tail.
        thread::sleep(Duration::from_millis(200));
        rec.stop().0
    }

    #[test]
    #[ignore = "needs pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_first_bell_of_a_plain_run_is_as_prompt_as_the_next() {
        let pulse = PrivatePulse::start();
        first_bell_is_prompt("PulseAudio, --plain", &plain(&pulse));
    }

    #[test]
    #[ignore = "needs pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_first_bell_after_preflight_is_as_prompt_as_the_next() {
        let pulse = PrivatePulse::start();
        let samples = full_screen(&pulse, Some(Duration::from_secs(2)), None);
        first_bell_is_prompt("PulseAudio, after 2 s of preflight", &samples);
        let config = tempfile::tempdir().unwrap();
        std::fs::write(
            config.path().join("config.toml"),
            "[session]\npreflight = false\n",
        )
        .unwrap();
        let samples = full_screen(&pulse, None, Some(config.path()));
        first_bell_is_prompt("PulseAudio, no preflight", &samples);
    }

    /// Enter the moment the preflight shows, as a daily user does: the
    /// output woken with the preflight may not be awake yet, so the
    /// session waits for it (a moment at most) before its first step.
    #[test]
    #[ignore = "needs pulseaudio and pulseaudio-utils; .ci/run runs it"]
    fn real_server_first_bell_after_an_instant_enter_is_as_prompt_as_the_next() {
        let pulse = PrivatePulse::start();
        for run in 1..=3 {
            let samples = full_screen(&pulse, Some(Duration::ZERO), None);
            first_bell_is_prompt(&format!("PulseAudio, Enter at once (run {run})"), &samples);
        }
    }

    #[test]
    #[ignore = "needs pipewire, pipewire-pulse, wireplumber, dbus and pulseaudio-utils; .ci/run runs it"]
    fn real_server_pipewire_first_bell_is_as_prompt_as_the_next() {
        let pulse = PrivatePulse::pipewire();
        first_bell_is_prompt("PipeWire, --plain", &plain(&pulse));
        let samples = full_screen(&pulse, Some(Duration::from_secs(2)), None);
        first_bell_is_prompt("PipeWire, after 2 s of preflight", &samples);
        let samples = full_screen(&pulse, Some(Duration::ZERO), None);
        first_bell_is_prompt("PipeWire, Enter at once", &samples);
    }
}
