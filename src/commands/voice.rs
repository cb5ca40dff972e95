//! `knotless voice`: the speech engine in use (or why there is none, and
//! what to do about it); `--list` every engine looked for, found or why
//! not; `say TEXT` speaks a sentence; `--export ROUTINE DIR` writes what a
//! routine says as numbered WAV files and a text index, to hear it or read
//! it with a screen reader. Interrupted (Ctrl-C, SIGTERM, a hang-up), an
//! engine still rendering is killed with all it started before knotless
//! leaves.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
#[cfg(unix)]
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::{Env, print, resolve};
use crate::cli::{VoiceAction, VoiceArgs};
use crate::routine::Routine;
use crate::settings::Settings;
use crate::sound::{self, Speech, Volume};
use crate::text::escape_inline;
use crate::voice::engine::{Candidate, Engine, FindError};
use crate::voice::script::speakable;
use crate::voice::{
    Cache, CommandTemplate, RENDER_LIMIT, RenderError, Script, Search, Speaking, Voice,
    VoiceSettings,
};

/// What to do when no engine is found.
const INSTALL: &str = "Install espeak-ng (`apt install espeak-ng`, `brew install espeak-ng`), or for a natural voice \
Piper with a voice in ~/.local/share/piper/voices, or name a speech program in the settings: \
[voice] command = \"piper --model ~/voices/en.onnx --output_file {wav}\". `knotless voice --list` shows what was looked for.";

pub fn voice(args: &VoiceArgs, env: &Env) -> Result<ExitCode> {
    let settings = voice_settings(&env.settings, None);
    if let Some(export_args) = &args.export {
        let [routine, dir] = export_args.as_slice() else {
            bail!("--export takes a routine and a directory");
        };
        print(&export(env, &settings, routine, Path::new(dir))?)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.list {
        print(&list(&search(&settings).survey()))?;
        return Ok(ExitCode::SUCCESS);
    }
    match &args.action {
        None => {
            let engine = search(&settings).find();
            let cache = env
                .paths
                .as_ref()
                .map(|p| (Cache::existing(&p.cache_dir), p.cache_dir.join("voice")));
            let mut text = listing(&engine, &settings, cache.as_ref());
            if let (Some(t), Ok(e)) = (&settings.command, &engine)
                && e.kind != crate::voice::engine::Kind::Command
            {
                let _ = writeln!(
                    text,
                    "The speech command `{}` was not found: {} speaks instead.",
                    escape_inline(t.program()),
                    escape_inline(&e.id())
                );
            }
            if env.settings_problems.is_some() {
                text += "The settings file has problems (the defaults are in force): run `knotless config`.\n";
            }
            print(&text)?;
        }
        Some(VoiceAction::Say { text }) => {
            let words = speakable(text);
            if words.is_empty() {
                bail!("there is nothing to say in `{}`", escape_inline(text));
            }
            let engine = find(&settings)?;
            let stop = Interrupt::listen();
            let wav = render(&engine, &cache(env)?, &settings.speaking, &words, &stop)?;
            let speech = Speech {
                wav,
                volume: settings.volume,
            };
            match sound::speak_and_wait(&speech) {
                Ok(output) => print(&format!("Said with {} on {output}.\n", engine.id()))?,
                Err(why) => bail!("no sound: {why}"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The voice settings in force: the settings file, then `--voice` or
/// `--no-voice` (`choice`).
pub fn voice_settings(settings: &Settings, choice: Option<bool>) -> VoiceSettings {
    let v = &settings.voice;
    VoiceSettings {
        enabled: choice.unwrap_or(v.enabled),
        volume: Volume::new(v.volume.into()),
        speaking: Speaking {
            name: v.name.clone(),
            rate: v.rate,
        },
        // Checked when the settings were read: a broken one never gets here.
        command: v
            .command
            .as_deref()
            .and_then(|c| CommandTemplate::parse(c).ok()),
        model: v.model.clone(),
        breath_words: v.breath_words,
        cautions: v.cautions,
    }
}

/// A session's voice for `routine`, rendering its script on a thread of
/// its own once `heard` says it can be heard; `None` when there is no
/// cache directory.
pub fn session_voice(
    env: &Env,
    routine: &Routine,
    choice: Option<bool>,
    heard: Option<crate::voice::Gate>,
) -> Option<Voice> {
    let settings = voice_settings(&env.settings, choice);
    let paths = env.paths.as_ref()?;
    let script = Script::with_options(routine, settings.script_options(), &|_| None);
    Some(Voice::start_if_heard(
        &settings,
        script,
        &paths.cache_dir,
        heard,
    ))
}

/// Where the engines are looked for, with the settings' command and voice.
pub fn search(settings: &VoiceSettings) -> Search {
    Search::here(
        settings.command.clone(),
        settings.model.clone(),
        settings.speaking.name.clone(),
    )
}

/// What `knotless voice --list` says: every engine in the order tried,
/// found (and which is used) or why not.
pub fn list(survey: &[Candidate]) -> String {
    let mut s = String::from("Speech engines, in the order they are tried:\n");
    let mut used = false;
    for c in survey {
        let name = match c.kind {
            crate::voice::engine::Kind::Command => "[voice] command",
            k => k.name(),
        };
        let line = match &c.found {
            Ok(e) => {
                let mark = if used { "" } else { "  <- speaks" };
                used = true;
                format!(
                    "found: {} ({}){mark}",
                    escape_inline(&e.id()),
                    escape_inline(&e.program.display().to_string())
                )
            }
            Err(why) => format!("no: {why}"),
        };
        let _ = writeln!(s, "  {name:<16} {line}");
    }
    if !used {
        let _ = writeln!(s, "{INSTALL}");
    }
    s
}

/// What `knotless voice` says.
pub fn listing(
    engine: &Result<Engine, FindError>,
    settings: &VoiceSettings,
    cache: Option<&(Option<Cache>, PathBuf)>,
) -> String {
    let mut s = String::new();
    match engine {
        Ok(e) => {
            let _ = writeln!(
                s,
                "Speech engine: {} ({})",
                escape_inline(&e.id()),
                escape_inline(&e.program.display().to_string())
            );
            let name = settings
                .speaking
                .name
                .as_deref()
                .unwrap_or("the engine's default");
            let _ = writeln!(
                s,
                "Voice: {} · {} words a minute · volume {}",
                escape_inline(name),
                settings.speaking.rate,
                settings.volume
            );
            s += if settings.enabled {
                "Sessions speak each step, side switch and cue (`v` turns voice off, or --no-voice).\n"
            } else {
                "Voice is off in the settings (`v` turns it on during a session, or --voice).\n"
            };
        }
        Err(why) => {
            let _ = writeln!(s, "Voice is off: {}.", escape_inline(&why.to_string()));
            let _ = writeln!(s, "{INSTALL}");
            s += "Sessions use the bells only.\n";
        }
    }
    if let Some((cache, dir)) = cache {
        let (files, bytes) = cache.as_ref().map_or((0, 0), Cache::size);
        let _ = writeln!(
            s,
            "Cache: {} ({files} prompts, {:.1} MB)",
            escape_inline(&dir.display().to_string()),
            bytes as f64 / 1e6
        );
    }
    s
}

fn find(settings: &VoiceSettings) -> Result<Engine> {
    search(settings)
        .find()
        .or_else(|why| bail!("voice is off: {why}. {INSTALL}"))
}

/// A stop for the engine that Ctrl-C, SIGTERM and a hang-up set: the
/// render sees it within a few milliseconds and kills the engine's group;
/// knotless then leaves with the signal's usual status (also if nothing is
/// rendering, after at most a second).
struct Interrupt {
    stop: Arc<AtomicBool>,
    /// True while an engine may be running.
    busy: Arc<AtomicBool>,
    /// The signal that came (0: none yet).
    signal: Arc<AtomicI32>,
}

impl Interrupt {
    fn listen() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let busy = Arc::new(AtomicBool::new(false));
        let signal = Arc::new(AtomicI32::new(0));
        #[cfg(unix)]
        {
            let signals = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];
            if let Ok(mut incoming) = signal_hook::iterator::Signals::new(signals) {
                let (stop, busy, came) = (stop.clone(), busy.clone(), signal.clone());
                let _ = std::thread::Builder::new()
                    .name("voice-signals".into())
                    .spawn(move || {
                        if let Some(signal) = incoming.forever().next() {
                            came.store(signal, Ordering::Relaxed);
                            stop.store(true, Ordering::Relaxed);
                            let deadline = std::time::Instant::now() + Duration::from_secs(1);
                            while busy.load(Ordering::Relaxed)
                                && std::time::Instant::now() < deadline
                            {
                                std::thread::sleep(Duration::from_millis(5));
                            }
                            std::process::exit(128 + signal);
                        }
                    });
            }
        }
        Self { stop, busy, signal }
    }

    /// Leave as the signal asks, the engine being gone.
    fn leave(&self) -> ! {
        std::process::exit(128 + self.signal.load(Ordering::Relaxed))
    }
}

fn cache(env: &Env) -> Result<Cache> {
    let Some(paths) = &env.paths else {
        bail!("no cache directory: set KNOTLESS_CACHE_DIR or HOME");
    };
    Cache::open(&paths.cache_dir).with_context(|| {
        format!(
            "cannot use the voice cache in {}",
            paths.cache_dir.display()
        )
    })
}

fn render(
    engine: &Engine,
    cache: &Cache,
    how: &Speaking,
    text: &str,
    interrupt: &Interrupt,
) -> Result<PathBuf> {
    interrupt.busy.store(true, Ordering::Relaxed);
    let kept = cache.get_or_render(engine, how, text, RENDER_LIMIT, &interrupt.stop);
    interrupt.busy.store(false, Ordering::Relaxed);
    match kept {
        Ok(k) => Ok(k.path),
        Err(RenderError::Stopped) => interrupt.leave(),
        Err(e) => bail!(
            "{} could not say {}: {e}",
            escape_inline(&engine.id()),
            escape_inline(text)
        ),
    }
}

/// Write `routine`'s script into `dir`: `001.wav`, ... and `index.txt`.
fn export(env: &Env, settings: &VoiceSettings, routine: &str, dir: &Path) -> Result<String> {
    let (routine, _) = resolve(routine, env)?;
    let script = Script::with_options(&routine, settings.script_options(), &|_| None);
    if script.candidates().is_empty() {
        return Ok(format!(
            "{} says nothing (voice = false).\n",
            escape_inline(&routine.name)
        ));
    }
    let engine = find(settings)?;
    let cache = cache(env)?;
    let interrupt = Interrupt::listen();
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // Every text the script may say, rendered: where each prompt goes
    // depends on how long its words really take.
    let mut lengths = std::collections::HashMap::new();
    for text in script.candidates() {
        let wav = render(&engine, &cache, &settings.speaking, &text, &interrupt)?;
        if let Some(length) = crate::voice::length::wav_length(&wav) {
            lengths.insert(text, length);
        }
    }
    let script = script.replan(&|t| lengths.get(t).copied());
    let mut index = String::new();
    for (i, prompt) in script.prompts.iter().enumerate() {
        let wav = render(
            &engine,
            &cache,
            &settings.speaking,
            &prompt.text,
            &interrupt,
        )?;
        let name = format!("{:03}.wav", i + 1);
        write_new(&dir.join(&name), &fs::read(&wav)?)?;
        let at = prompt.at.as_secs();
        let _ = writeln!(
            index,
            "{name}  {}:{:02}  {}",
            at / 60,
            at % 60,
            escape_inline(&prompt.text)
        );
    }
    write_new(&dir.join("index.txt"), index.as_bytes())?;
    Ok(format!(
        "Wrote {} prompts of {} to {} (index.txt lists them), said with {}.\n",
        script.prompts.len(),
        escape_inline(&routine.name),
        escape_inline(&dir.display().to_string()),
        engine.id()
    ))
}

/// Written by the one safe writer: whole, then moved into place; a file
/// from an earlier export is replaced, a symlink is refused.
fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::fsx::write_file(path, bytes, crate::fsx::Existing::Replace)
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_says_which_engine_or_why_none() {
        let settings = VoiceSettings::default();
        let none = listing(&Err(FindError::NoEngine), &settings, None);
        assert!(
            none.starts_with("Voice is off: no speech engine found (install espeak-ng).\n"),
            "{none}"
        );
        assert!(none.contains("bells only"), "{none}");
        let line = "espeak-ng {wav}";
        let command = CommandTemplate::parse(line).unwrap();
        let engine = Search {
            command: Some(command),
            ..Search::default()
        }
        .find();
        assert_eq!(engine, Err(FindError::CommandNotFound("espeak-ng".into())));
    }

    #[test]
    fn flags_win_over_the_settings_file() {
        let mut file = Settings::default();
        file.voice.enabled = false;
        file.voice.command = Some("piper --output_file {wav}".into());
        assert!(!voice_settings(&file, None).enabled);
        assert!(voice_settings(&file, Some(true)).enabled);
        assert!(!voice_settings(&Settings::default(), Some(false)).enabled);
        assert_eq!(
            voice_settings(&file, None)
                .command
                .map(|c| c.program().to_owned()),
            Some("piper".into())
        );
        assert_eq!(voice_settings(&file, None).volume, Volume::new(80));
    }
}
