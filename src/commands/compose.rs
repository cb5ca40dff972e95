//! `knotless compose`: a routine for today, printed as a routine file,
//! saved with `--save NAME`, started with `--run`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
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
        posture: args.position,
        avoid: args.avoid.clone(),
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
    };
    if let Some(t) = env.settings.session.transition {
        routine.transition = t;
    }
    super::start_run(routine, &run, env)
}

/// The shipped step files and the user's; a user file with problems is
/// reported and left out.
fn step_files(env: &Env) -> Vec<Routine> {
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

/// Write `routine` as `NAME` into the user's routines directory: a new
/// file, never over an existing one, never through a symlink. Gives the
/// routine its id and name.
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
    let path = dir.join(format!("{id}.toml"));
    write_new_file(&dir, &path, &to_toml(routine))?;
    super::edit::write_schema_beside(&dir);
    Ok((id, path))
}

/// Publish `text` at `path` only if nothing is there: written in full to a
/// new temporary file, then linked into place (which fails rather than
/// replace anything, a symlink included), so a reader never sees half a
/// file and nothing is written through a link.
fn write_new_file(dir: &Path, path: &Path, text: &str) -> Result<()> {
    let shown = || escape_inline(&path.display().to_string()).into_owned();
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the directory {}", dir.display()))?;
    if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        bail!(
            "{} is a symbolic link: knotless does not write through links",
            escape_inline(&dir.display().to_string())
        );
    }
    if fs::symlink_metadata(path).is_ok() {
        bail!(
            "{} already exists: choose another name, or `knotless edit` it",
            shown()
        );
    }
    let tmp = dir.join(format!(".{}.{}.tmp", std::process::id(), unique()));
    let written = (|| -> std::io::Result<()> {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    })();
    let linked = written.and_then(|()| fs::hard_link(&tmp, path));
    let _ = fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists: choose another name, or `knotless edit` it",
            shown()
        ),
        Err(e) => Err(e).with_context(|| format!("cannot write {}", shown())),
    }
}

/// Nanoseconds now: with the process id, a temporary name no other writer
/// uses.
fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_never_replaces_anything() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.toml");
        write_new_file(dir.path(), &path, "one").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "one");
        let again = write_new_file(dir.path(), &path, "two").unwrap_err();
        assert!(again.to_string().contains("already exists"), "{again}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "one");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_written_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.toml");
        let link = dir.path().join("mine.toml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(write_new_file(dir.path(), &link, "x").is_err());
        assert!(!target.exists(), "the link's target was not created");
        let real = tempfile::tempdir().unwrap();
        let linked_dir = dir.path().join("routines");
        std::os::unix::fs::symlink(real.path(), &linked_dir).unwrap();
        let err = write_new_file(&linked_dir, &linked_dir.join("a.toml"), "x").unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(fs::read_dir(real.path()).unwrap().count(), 0);
    }
}
