//! `knotless voice`: the speech engine in use (or why there is none, and
//! what to do about it); `say TEXT` speaks a sentence; `--export ROUTINE
//! DIR` writes what a routine says as numbered WAV files and a text index,
//! to hear it or read it with a screen reader.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result, bail};

use super::{Env, print, resolve};
use crate::cli::{VoiceAction, VoiceArgs};
use crate::routine::Routine;
use crate::settings::Settings;
use crate::sound::{self, Speech, Volume};
use crate::text::escape_inline;
use crate::voice::engine::Engine;
use crate::voice::script::speakable;
use crate::voice::{Cache, CommandTemplate, RENDER_LIMIT, Script, Speaking, Voice, VoiceSettings};

/// What to do when no engine is found.
const INSTALL: &str = "Install espeak-ng (`apt install espeak-ng`, `brew install espeak-ng`) or flite, \
or name a speech program in the settings: [voice] command = \"piper --model ~/voices/en.onnx --output_file {wav}\".";

pub fn voice(args: &VoiceArgs, env: &Env) -> Result<ExitCode> {
    let settings = voice_settings(&env.settings, None);
    if let Some(export_args) = &args.export {
        let [routine, dir] = export_args.as_slice() else {
            bail!("--export takes a routine and a directory");
        };
        print(&export(env, &settings, routine, Path::new(dir))?)?;
        return Ok(ExitCode::SUCCESS);
    }
    match &args.action {
        None => {
            let engine = Engine::find(settings.command.as_ref(), std::env::var_os("PATH"));
            let cache = env
                .paths
                .as_ref()
                .map(|p| (Cache::existing(&p.cache_dir), p.cache_dir.join("voice")));
            let mut text = listing(&engine, &settings, cache.as_ref());
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
            let wav = render(&engine, &cache(env)?, &settings.speaking, &words)?;
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
        breath_words: v.breath_words,
    }
}

/// A session's voice for `routine`, rendering its script from now on a
/// thread of its own; `None` when there is no cache directory.
pub fn session_voice(env: &Env, routine: &Routine, choice: Option<bool>) -> Option<Voice> {
    let settings = voice_settings(&env.settings, choice);
    let paths = env.paths.as_ref()?;
    let script = Script::for_routine(routine, settings.breath_words);
    Some(Voice::start(&settings, script, &paths.cache_dir))
}

/// What `knotless voice` says.
pub fn listing(
    engine: &Result<Engine, String>,
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
            let _ = writeln!(s, "Voice is off: {}.", escape_inline(why));
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
    Engine::find(settings.command.as_ref(), std::env::var_os("PATH"))
        .or_else(|why| bail!("voice is off: {}. {INSTALL}", escape_inline(&why)))
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

fn render(engine: &Engine, cache: &Cache, how: &Speaking, text: &str) -> Result<PathBuf> {
    let never = AtomicBool::new(false);
    cache
        .get_or_render(engine, how, text, RENDER_LIMIT, &never)
        .map(|(path, _)| path)
        .map_err(|e| anyhow::anyhow!("{} could not say {text:?}: {e}", engine.id()))
}

/// Write `routine`'s script into `dir`: `001.wav`, ... and `index.txt`.
fn export(env: &Env, settings: &VoiceSettings, routine: &str, dir: &Path) -> Result<String> {
    let (routine, _) = resolve(routine, env)?;
    let script = Script::for_routine(&routine, settings.breath_words);
    if script.prompts.is_empty() {
        return Ok(format!(
            "{} says nothing (voice = false).\n",
            escape_inline(&routine.name)
        ));
    }
    let engine = find(settings)?;
    let cache = cache(env)?;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut index = String::new();
    for (i, prompt) in script.prompts.iter().enumerate() {
        let wav = render(&engine, &cache, &settings.speaking, &prompt.text)?;
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
        let none = listing(
            &Err("no speech engine found (install espeak-ng)".into()),
            &settings,
            None,
        );
        assert!(
            none.starts_with("Voice is off: no speech engine found (install espeak-ng).\n"),
            "{none}"
        );
        assert!(none.contains("bells only"), "{none}");
        let line = "espeak-ng {wav}";
        let command = CommandTemplate::parse(line).unwrap();
        let engine = Engine::find(Some(&command), None);
        assert!(engine.is_err(), "not on an empty PATH");
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
