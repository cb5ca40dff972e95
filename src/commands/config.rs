//! `knotless config [--init]`

use std::fs;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{Env, color_for, print};
use crate::settings::{Settings, Source, TEMPLATE};
use crate::text::escape_inline;

pub fn config(env: &Env, init: bool) -> Result<ExitCode> {
    let Some(paths) = &env.paths else {
        bail!("no home directory found: set KNOTLESS_CONFIG_DIR to choose where settings live");
    };
    let path = paths.config_dir.join("config.toml");
    let shown = escape_inline(&path.display().to_string()).into_owned();
    if init {
        // A dangling link counts as there: its target is never created.
        if path.symlink_metadata().is_ok() {
            bail!("{shown} already exists; nothing was changed");
        }
        fs::create_dir_all(&paths.config_dir).with_context(|| {
            format!(
                "cannot create {}",
                escape_inline(&paths.config_dir.display().to_string())
            )
        })?;
        crate::fsx::write_file(&path, TEMPLATE.as_bytes(), crate::fsx::Existing::Keep)
            .with_context(|| format!("cannot write {shown}"))?;
        print(&format!("Wrote {shown}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let (settings, source, problems) = Settings::load_lenient(&paths.config_dir);
    if let Some(problems) = &problems {
        print(&problems.render(color_for(&std::io::stdout())))?;
        print("The keys above are left at their defaults; the others apply:\n\n")?;
    }
    {
        {
            let heading = match source {
                Source::File(_) => format!("# Settings from {shown}\n"),
                Source::Defaults(_) => {
                    format!(
                        "# No settings file at {shown}: these are the defaults.\n# `knotless config --init` writes one to edit.\n"
                    )
                }
            };
            let shaped = AsWritten {
                sound: &settings.sound,
                session: &settings.session,
                display: &settings.display,
                voice: &settings.voice,
                routines: Routines {
                    dirs: &settings.routine_dirs,
                },
            };
            let body = toml::to_string_pretty(&shaped).context("cannot show the settings")?;
            print(&format!("{heading}\n{}", escape_inline_lines(&body)))?;
            Ok(match problems {
                Some(_) => ExitCode::FAILURE,
                None => ExitCode::SUCCESS,
            })
        }
    }
}

/// The settings in the shape of the file, so the output can be pasted in.
#[derive(serde::Serialize)]
struct AsWritten<'a> {
    sound: &'a crate::settings::SoundConfig,
    session: &'a crate::settings::SessionSettings,
    display: &'a crate::settings::DisplaySettings,
    voice: &'a crate::settings::VoiceConfig,
    routines: Routines<'a>,
}

#[derive(serde::Serialize)]
struct Routines<'a> {
    dirs: &'a [std::path::PathBuf],
}

/// Paths in the settings are user text: keep lines, escape the rest.
fn escape_inline_lines(text: &str) -> String {
    text.lines()
        .map(|l| format!("{}\n", escape_inline(l)))
        .collect()
}
