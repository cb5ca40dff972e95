//! The voice with fake engines: small shell scripts that write a WAV tone,
//! count their calls, and may be slow or hang.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::*;
use crate::routine::parse::parse_routine;
use crate::routine::{Routine, Side};

const ROUTINE: &str = r#"
name = "Two"
[defaults]
transition = "0s"
[[steps]]
kind = "kneading"
title = "Shoulder"
duration = "20s"
area = "shoulders"
sides = "both"
instructions = "Squeeze slowly."
cues = [{ at = "10s", text = "Slower" }]
[[steps]]
kind = "rest"
title = "Rest"
duration = "10s"
"#;

fn routine() -> Arc<Routine> {
    Arc::new(parse_routine("t", "t.toml", ROUTINE).unwrap())
}

/// A second of 440 Hz at 22.05 kHz, 16-bit mono, like espeak-ng writes.
fn tone() -> Vec<u8> {
    let rate: u32 = 22_050;
    let samples: Vec<i16> = (0..rate)
        .map(|i| ((i as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin() * 20000.0) as i16)
        .collect();
    let data = (samples.len() * 2) as u32;
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// A fake engine in `dir`: reads the words on stdin, notes its call (and
/// its pid), waits `delay`, then writes the tone to its `{wav}` argument.
struct Fake {
    dir: tempfile::TempDir,
}

impl Fake {
    fn new(delay: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("tone.wav"), tone()).unwrap();
        let script = format!(
            "#!/bin/sh\nread words\necho \"$words\" >> '{calls}'\necho $$ >> '{pids}'\nsleep {delay}\ncp '{tone}' \"$1\"\n",
            calls = d.join("calls").display(),
            pids = d.join("pids").display(),
            tone = d.join("tone.wav").display(),
        );
        let engine = d.join("fake-engine");
        fs::write(&engine, script).unwrap();
        fs::set_permissions(&engine, fs::Permissions::from_mode(0o755)).unwrap();
        Self { dir }
    }

    fn settings(&self) -> VoiceSettings {
        let line = format!("{} {{wav}}", self.dir.path().join("fake-engine").display());
        VoiceSettings {
            command: Some(CommandTemplate::parse(&line).unwrap()),
            ..VoiceSettings::default()
        }
    }

    fn calls(&self) -> Vec<String> {
        fs::read_to_string(self.dir.path().join("calls"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn pids(&self) -> Vec<i32> {
        fs::read_to_string(self.dir.path().join("pids"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    fn start(&self, limit: Duration) -> Voice {
        let script = Script::for_routine(&routine(), false);
        Voice::start_with(&self.settings(), script, &self.cache(), limit, None)
    }
}

/// Wait until no text is pending (at most 20 s).
fn settled(voice: &Voice) -> HashMap<String, State> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let states = voice.states();
        if !states.values().any(|s| *s == State::Pending) {
            return states;
        }
        assert!(Instant::now() < deadline, "still rendering: {states:?}");
        thread::sleep(Duration::from_millis(10));
    }
}

fn start_of_step_one() -> Effect {
    Effect::StepStarted {
        step: 0,
        side: Some(Side::Left),
    }
}

#[test]
fn the_whole_script_is_rendered_in_order_once_and_a_second_run_renders_nothing() {
    let fake = Fake::new("0");
    let mut voice = fake.start(RENDER_LIMIT);
    assert!(voice.wait_first(Duration::from_secs(10)));
    let states = settled(&voice);
    assert!(states.values().all(|s| matches!(s, State::Ready { .. })));
    // Every text the script may say (where each goes depends on its
    // rendered length), in the order they are needed, each once.
    let texts = voice.script().candidates();
    assert_eq!(fake.calls(), texts);
    for t in voice.script().texts() {
        assert!(texts.iter().any(|c| c == t), "{t:?} never rendered");
    }
    // Placed from the rendered lengths (a second each): the step's words
    // at its start.
    assert_eq!(
        voice.planned().text_for(&start_of_step_one()),
        Some("Shoulder, left side. Squeeze slowly.")
    );
    let now = Instant::now();
    let speech = voice.prompt_for(&start_of_step_one(), now, now).unwrap();
    assert!(speech.wav.starts_with(fake.cache().join("voice")));
    assert_eq!(fs::read(&speech.wav).unwrap(), tone());
    assert_eq!(speech.volume, VoiceSettings::default().volume);
    drop(voice);

    let mut again = fake.start(RENDER_LIMIT);
    settled(&again);
    assert_eq!(
        fake.calls().len(),
        texts.len(),
        "nothing rendered the second time"
    );
    let now = Instant::now();
    assert_eq!(
        again.prompt_for(&start_of_step_one(), now, now),
        Some(speech)
    );
    // `v` turns it off and on.
    assert!(!again.toggle());
    assert_eq!(again.prompt_for(&start_of_step_one(), now, now), None);
    assert!(again.toggle());
    assert!(again.status().is_none(), "nothing to report");
}

#[test]
fn a_slow_engine_means_skipped_prompts_never_late_ones() {
    let fake = Fake::new("0.4");
    let mut voice = fake.start(RENDER_LIMIT);
    let switch = Effect::SideSwitch {
        step: 0,
        side: Side::Right,
    };
    // Their moments come before the engine is done: skipped.
    let now = Instant::now();
    assert_eq!(voice.prompt_for(&start_of_step_one(), now, now), None);
    assert_eq!(voice.prompt_for(&switch, now, now), None);
    settled(&voice);
    // Ready now, but asked for long after its moment (the loop was held
    // up): still never played late.
    let now = Instant::now();
    let due = now - Duration::from_secs(1);
    assert_eq!(voice.prompt_for(&switch, due, now), None);
    assert!(voice.prompt_for(&switch, now, now).is_some());
}

#[test]
fn the_rule_plays_only_what_was_ready_by_its_moment() {
    let t0 = Instant::now();
    let at = |ms| t0 + Duration::from_millis(ms);
    let ready = |ms| State::Ready {
        wav: "a.wav".into(),
        at: at(ms),
    };
    let play = Decision::Play("a.wav".into());
    assert_eq!(decide(Some(&ready(0)), at(1000), at(1000)), play);
    assert_eq!(decide(Some(&ready(0)), at(1000), at(1100)), play);
    assert_eq!(decide(Some(&ready(0)), at(1000), at(1200)), Decision::Late);
    assert_eq!(
        decide(Some(&State::Pending), at(1000), at(1000)),
        Decision::NotReady
    );
    assert_eq!(decide(None, at(1000), at(1000)), Decision::NotReady);
    assert_eq!(decide(Some(&State::Failed), at(0), at(0)), Decision::Failed);
}

/// Gone, or a zombie nobody has reaped yet (both mean killed).
fn dead(pid: i32) -> bool {
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

#[test]
fn a_hanging_engine_is_killed_and_voice_turns_off_saying_why() {
    let fake = Fake::new("600");
    let started = Instant::now();
    let mut voice = fake.start(Duration::from_millis(300));
    assert!(!voice.wait_first(Duration::from_secs(10)), "never ready");
    let states = settled(&voice);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(states.values().all(|s| *s == State::Failed), "{states:?}");
    let pids = fake.pids();
    assert_eq!(pids.len(), 1, "given up after the first time limit");
    for pid in pids {
        assert!(dead(pid), "engine {pid} still running");
    }
    assert_eq!(
        voice.status().as_deref(),
        Some("Voice off: the speech engine failed: took over 0.3 s and was stopped")
    );
    assert_eq!(voice.status(), None, "said once");
    let now = Instant::now();
    assert_eq!(voice.prompt_for(&start_of_step_one(), now, now), None);
}

#[test]
fn with_no_engine_voice_is_off_and_says_why_once() {
    let empty = tempfile::tempdir().unwrap();
    let script = Script::for_routine(&routine(), false);
    let mut voice = Voice::start_with(
        &VoiceSettings::default(),
        script,
        &empty.path().join("cache"),
        RENDER_LIMIT,
        Some(empty.path().as_os_str().to_owned()),
    );
    assert!(!voice.wait_first(Duration::from_secs(10)));
    settled(&voice);
    assert_eq!(
        voice.status().as_deref(),
        Some("Voice off: no speech engine found (install espeak-ng)")
    );
    assert_eq!(voice.status(), None);
}

/// With no sound output nothing is rendered: the voice waits for the
/// output's first answer on its own thread, and when nothing can be heard
/// no engine ever runs; when it can, the script is rendered.
#[cfg(feature = "sound")]
#[test]
fn nothing_is_rendered_that_cannot_be_heard() {
    let fake = Fake::new("0");
    let script = || Script::for_routine(&routine(), false);
    let woken = Arc::new(crate::sound::worker::Woken::default());
    let voice = Voice::start_if_heard(
        &fake.settings(),
        script(),
        &fake.cache(),
        Some(woken.clone()),
    );
    thread::sleep(Duration::from_millis(100));
    assert!(
        fake.calls().is_empty(),
        "rendered before the sound answered"
    );
    woken.update(|w| w.off = true);
    thread::sleep(Duration::from_millis(100));
    assert!(voice.states().values().all(|s| *s == State::Pending));
    // Ending the voice ends its wait.
    drop(voice);
    assert!(
        fake.calls().is_empty(),
        "an engine ran with nothing to hear"
    );

    // Rendered once the output answers (here after the voice started:
    // a sound server that comes back).
    let voice = Voice::start_if_heard(
        &fake.settings(),
        script(),
        &fake.cache(),
        Some(woken.clone()),
    );
    thread::sleep(Duration::from_millis(50));
    assert!(fake.calls().is_empty());
    woken.update(|w| {
        w.off = false;
        w.heard = true;
    });
    settled(&voice);
    assert_eq!(fake.calls(), voice.script().candidates());
}

#[test]
fn voice_turned_off_in_the_settings_renders_nothing_until_turned_on() {
    let fake = Fake::new("0");
    let settings = VoiceSettings {
        enabled: false,
        ..fake.settings()
    };
    let script = Script::for_routine(&routine(), false);
    let mut voice = Voice::start_with(&settings, script, &fake.cache(), RENDER_LIMIT, None);
    thread::sleep(Duration::from_millis(100));
    assert!(fake.calls().is_empty());
    assert!(voice.toggle());
    settled(&voice);
    assert!(!fake.calls().is_empty());
}

#[test]
fn the_cache_lives_under_voice_in_the_cache_dir() {
    let fake = Fake::new("0");
    let voice = fake.start(RENDER_LIMIT);
    settled(&voice);
    let files: Vec<PathBuf> = fs::read_dir(fake.cache().join("voice"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), voice.script().candidates().len(), "{files:?}");
    assert!(files.iter().all(|f| f.extension() == Some("wav".as_ref())));
}

#[test]
fn a_failing_command_falls_back_to_the_next_engine_saying_so_once() {
    let fake = Fake::new("0");
    let bin = tempfile::tempdir().unwrap();
    // The settings' command fails every time; espeak-ng on PATH works.
    let failing = bin.path().join("broken-tts");
    fs::write(&failing, "#!/bin/sh\nexit 3\n").unwrap();
    fs::set_permissions(&failing, fs::Permissions::from_mode(0o755)).unwrap();
    // espeak-ng is called as `espeak-ng -w WAV ...`.
    let espeak = bin.path().join("espeak-ng");
    let fake_engine = fake.dir.path().join("fake-engine");
    fs::write(
        &espeak,
        format!("#!/bin/sh\nexec '{}' \"$2\"\n", fake_engine.display()),
    )
    .unwrap();
    fs::set_permissions(&espeak, fs::Permissions::from_mode(0o755)).unwrap();
    let settings = VoiceSettings {
        command: Some(CommandTemplate::parse(&format!("{} {{wav}}", failing.display())).unwrap()),
        ..VoiceSettings::default()
    };
    let script = Script::for_routine(&routine(), false);
    let texts = script.candidates().len();
    let path = Some(bin.path().as_os_str().to_owned());
    let mut voice = Voice::start_with(&settings, script, &fake.cache(), RENDER_LIMIT, path);
    let states = settled(&voice);
    assert!(
        states.values().all(|s| matches!(s, State::Ready { .. })),
        "{states:?}"
    );
    assert_eq!(fake.calls().len(), texts, "espeak-ng said every one");
    let news = voice.status().unwrap();
    assert!(
        news.starts_with("Voice: command ")
            && news.ends_with("failed (exit status: 3); speaking with espeak-ng"),
        "{news}"
    );
    assert_eq!(voice.status(), None, "said once");

    // A command that is not there at all: the same, said once.
    let settings = VoiceSettings {
        command: Some(CommandTemplate::parse("no-such-tts {wav}").unwrap()),
        ..VoiceSettings::default()
    };
    let script = Script::for_routine(&routine(), false);
    let path = Some(bin.path().as_os_str().to_owned());
    let mut voice = Voice::start_with(&settings, script, &fake.cache(), RENDER_LIMIT, path);
    settled(&voice);
    assert_eq!(
        voice.status().as_deref(),
        Some("Voice: the speech command `no-such-tts` was not found; speaking with espeak-ng")
    );
    assert_eq!(voice.status(), None);
}

#[test]
fn skipped_prompts_are_told_at_most_once_a_minute() {
    let fake = Fake::new("600");
    let mut voice = fake.start(RENDER_LIMIT);
    let t0 = Instant::now();
    assert_eq!(voice.prompt_for(&start_of_step_one(), t0, t0), None);
    assert_eq!(
        voice.status().as_deref(),
        Some("Voice: prompts skipped, the engine is slow")
    );
    let later = t0 + Duration::from_secs(30);
    assert_eq!(voice.prompt_for(&start_of_step_one(), later, later), None);
    assert_eq!(voice.status(), None, "not again within a minute");
    let much_later = t0 + Duration::from_secs(61);
    assert_eq!(
        voice.prompt_for(&start_of_step_one(), much_later, much_later),
        None
    );
    assert!(voice.status().is_some(), "told again after a minute");
}

#[test]
fn an_engine_that_writes_undecodable_audio_is_never_cached_and_is_told() {
    let fake = Fake::new("0");
    // A header that promises a second of sound over 100 bytes of it.
    let mut lie = tone();
    lie.truncate(144);
    fs::write(fake.dir.path().join("tone.wav"), &lie).unwrap();
    let mut voice = fake.start(RENDER_LIMIT);
    let states = settled(&voice);
    assert!(states.values().all(|s| *s == State::Failed), "{states:?}");
    let news = voice.status().unwrap();
    assert!(
        news.starts_with(
            "Voice off: the speech engine failed: wrote audio that cannot be played: cut short"
        ),
        "{news}"
    );
    let kept: Vec<_> = fs::read_dir(fake.cache().join("voice")).unwrap().collect();
    assert!(kept.is_empty(), "{kept:?}");
    let now = Instant::now();
    assert_eq!(voice.prompt_for(&start_of_step_one(), now, now), None);
    assert_eq!(
        voice.status().as_deref(),
        Some("Voice: prompts skipped, the engine's audio cannot be played")
    );
}
