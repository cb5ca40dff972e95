//! `knotless sounds`: the built-in sounds and the output in use (or why
//! sound is off, in words a user can act on); `play` one; `--export` them.

use crate::routine::SoundChoice;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Result, bail};

use crate::cli::{SoundsAction, SoundsArgs};
use crate::sound::{self, BUILT_WITH_SOUND, Builtin, OutputReport, Play, SoundSettings};
use crate::text::escape_inline;

pub fn sounds(args: &SoundsArgs, settings: &SoundSettings) -> Result<ExitCode> {
    if let Some(dir) = &args.export {
        super::print(&export(dir)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    match &args.action {
        None => {
            super::print(&listing(&sound::describe_output(), settings))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(SoundsAction::Play { sound, volume }) => {
            let play = what_to_play(sound)?;
            let volume = volume.unwrap_or(settings.volume);
            match sound::play_and_wait(&play, volume) {
                Ok(output) => {
                    super::print(&format!("Played {} on {output}.\n", escape_inline(sound)))?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(why) => bail!("no sound: {why}"),
            }
        }
    }
}

/// The list of sounds, then the output (or why there is none).
pub fn listing(report: &OutputReport, settings: &SoundSettings) -> String {
    let mut s = String::from("Built-in sounds:\n");
    let width = Builtin::ALL
        .iter()
        .map(|b| b.name().len())
        .max()
        .unwrap_or(0);
    for b in Builtin::ALL {
        let _ = writeln!(s, "  {:width$}  {}", b.name(), b.when());
    }
    s += "\nA routine or a step may choose its sound: sound = \"chime\", \"none\", or a\n";
    s += "WAV, OGG, FLAC or MP3 file (a path relative to the routine file).\n\n";
    match (&report.output, &report.off) {
        (Some(output), _) => {
            let _ = writeln!(s, "Output: {output}");
        }
        (None, Some(off)) => {
            let _ = writeln!(s, "Sound is off: {off}.");
        }
        (None, None) => s += "Sound is off.\n",
    }
    if !settings.enabled {
        s += "Sound is turned off in the settings (`m` turns it on during a session).\n";
    }
    let _ = writeln!(s, "Volume: {}", settings.volume);
    s
}

fn what_to_play(name: &str) -> Result<Play> {
    match SoundChoice::parse(name) {
        Some(SoundChoice::Builtin(b)) => Ok(Play::Builtin(b)),
        Some(SoundChoice::File(path)) => {
            if let Err(refused) = sound::file::check(&path, name) {
                bail!("{} ({})", refused.message, refused.help);
            }
            Ok(Play::File(path))
        }
        Some(SoundChoice::None) | None => bail!(
            "there is no built-in sound called `{}`: use one of {}, or a sound file",
            escape_inline(name),
            Builtin::names()
        ),
    }
}

fn export(dir: &Path) -> Result<String> {
    if !BUILT_WITH_SOUND {
        bail!(
            "{}",
            sound::describe_output()
                .off
                .unwrap_or_else(|| "this build has no sound".into())
        );
    }
    export_wavs(dir)
}

#[cfg(feature = "sound")]
fn export_wavs(dir: &Path) -> Result<String> {
    use anyhow::Context as _;
    let written = sound::wav::export_all(dir)
        .with_context(|| format!("cannot write the sounds into {}", dir.display()))?;
    let mut s = String::new();
    for path in written {
        let _ = writeln!(s, "{}", escape_inline(&path.display().to_string()));
    }
    Ok(s)
}

#[cfg(not(feature = "sound"))]
fn export_wavs(_: &Path) -> Result<String> {
    unreachable!("checked by `export`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listing_names_every_sound_and_the_output() {
        let report = OutputReport {
            output: None,
            off: Some("no sound server found: start PulseAudio".into()),
        };
        let text = listing(&report, &SoundSettings::default());
        for b in Builtin::ALL {
            assert!(text.contains(b.name()), "{text}");
        }
        assert!(
            text.contains("Sound is off: no sound server found: start PulseAudio."),
            "{text}"
        );
        let on = OutputReport {
            output: Some("PulseAudio protocol at unix:/x".into()),
            off: None,
        };
        assert!(listing(&on, &SoundSettings::default()).contains("Output: PulseAudio"));
    }

    #[test]
    fn unknown_names_are_refused_with_the_list() {
        let e = what_to_play("gong").unwrap_err().to_string();
        assert!(e.contains("bell, chime"), "{e}");
        assert!(what_to_play("bell").is_ok());
        let e = what_to_play("missing/gong.ogg").unwrap_err().to_string();
        assert!(e.contains("no sound file"), "{e}");
    }
}
