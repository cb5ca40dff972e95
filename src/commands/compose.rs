//! `knotless compose`: a routine for today, printed as a routine file,
//! saved with `--save NAME`, started with `--run`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{Env, color_for, print};
use crate::cli::{ComposeArgs, RunArgs};
use crate::compose::{self, Request};
use crate::paths::Paths;
use crate::routine::Routine;
use crate::routine::builtin::BUILTINS;
use crate::routine::write::to_toml;
use crate::text::escape_inline;

pub fn compose(args: &ComposeArgs, env: &Env) -> Result<ExitCode> {
    let request = Request {
        minutes: args.minutes,
        focus: args.focus.clone(),
        tools: args.tools.clone(),
        position: args.position,
        avoid: args.avoid.clone(),
        level: args.level,
        body: env.settings.body,
        seed: args
            .seed
            .unwrap_or_else(|| compose::seed_for(jiff::Zoned::now().date())),
    };
    let pool = compose::candidates(&step_files(env));
    let mut routine = compose::compose(&request, &pool)?;
    let saved = match &args.save {
        Some(name) => {
            let (id, path) = save(env, name, &mut routine)?;
            print(&format!(
                "Saved {}. Run it with `knotless run {id}`.\n",
                escape_inline(&path.display().to_string())
            ))?;
            Some(id)
        }
        None if !args.run => {
            print(&to_toml(&routine))?;
            None
        }
        None => None,
    };
    if !args.run {
        return Ok(ExitCode::SUCCESS);
    }
    let run = RunArgs {
        routine: saved.unwrap_or_else(|| routine.id.clone()),
        speed: 1.0,
        plain: args.plain,
        reduced_motion: false,
        mute: false,
        volume: None,
        minutes: None,
        resume: false,
        voice: false,
        no_voice: false,
        on_finish: None,
    };
    if let Some(t) = env.settings.session.transition {
        routine.transition = t;
    }
    super::start_run(routine, &run, env)
}

/// The shipped step files and the user's; a user file with problems is
/// reported and left out.
pub(super) fn step_files(env: &Env) -> Vec<Routine> {
    let dir = env
        .paths
        .as_ref()
        .map(|p| compose::files::user_steps_dir(&p.config_dir));
    let (files, problems) = compose::files::step_files(dir.as_deref());
    for p in problems {
        eprint!("{}", p.render(color_for(&std::io::stderr())));
        eprintln!("(this step library file is left out)");
    }
    files
}

/// Save `routine` as `NAME` in the user's routines directory (see
/// `compose::files::save`), giving it its id and name.
fn save(env: &Env, name: &str, routine: &mut Routine) -> Result<(String, PathBuf)> {
    let id = super::edit::slug(name);
    if id.is_empty() {
        bail!(
            "`{}` has no letters or digits to make a file name from",
            escape_inline(name)
        );
    }
    if BUILTINS.iter().any(|(b, _)| *b == id) {
        bail!("`{id}` is the id of a built-in routine: choose another name");
    }
    let dir = env.paths.as_ref().map(Paths::user_routines).context(
        "no home directory found: set KNOTLESS_CONFIG_DIR to choose where routines live",
    )?;
    routine.id = id.clone();
    routine.name = name.trim().to_owned();
    let path = compose::files::save(&dir, routine)?;
    crate::routine::user_copy::write_schema_beside(&dir);
    Ok((id, path))
}
