//! What each subcommand does, given the parsed command line.

mod check;
mod list;
mod show;
pub mod table;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::CommandFactory;

use std::sync::Arc;

use crate::app::{App, event_loop};
use crate::cli::{Cli, Command, RunArgs};
use crate::clock::SystemClock;
use crate::paths::Paths;
use crate::routine::library::looks_like_path;
use crate::routine::load::load_file;
use crate::routine::{Library, Origin, Routine};

pub use check::check;
pub use list::list;
pub use show::show;

/// Run the command line; the exit code says whether all went well.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let paths = Paths::from_env();
    let library = || {
        let user = paths.as_ref().map(Paths::user_routines);
        Library::discover(user.as_deref(), &cli.routines)
    };
    let Some(command) = cli.command else {
        return picker(library());
    };
    match command {
        Command::Run(args) => return run_routine(&args, library),
        Command::List => print(&list(&library()))?,
        Command::Check { paths } => {
            let report = check(&paths, library, color_for(&std::io::stdout()));
            print(&report.text)?;
            if !report.clean {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Show { routine } => {
            let (routine, origin) = resolve(&routine, library)?;
            print(&show(&routine, &origin))?;
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "knotless",
                &mut std::io::stdout(),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `knotless`: the picker.
fn picker(library: Library) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "the routine picker needs a terminal; try `knotless list`, or `knotless run ROUTINE --plain`"
        );
    }
    let clock = SystemClock::new(1.0);
    let exit = event_loop::run(App::picker(library), &clock, |_| {})?;
    Ok(ExitCode::from(exit.code()))
}

/// `knotless run ROUTINE`: preflight then the session, or plain lines.
fn run_routine(args: &RunArgs, library: impl FnOnce() -> Library) -> Result<ExitCode> {
    let (routine, _origin) = resolve(&args.routine, library)?;
    let routine = Arc::new(routine);
    let clock = SystemClock::new(args.speed);
    let plain = args.plain || !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal();
    let exit = if plain {
        crate::plain::run(routine, &clock, &mut std::io::stdout(), |_| {})?
    } else {
        let mut app = App::direct(routine, Library::default());
        app.reduced_motion = args.reduced_motion;
        event_loop::run(app, &clock, |_| {})?
    };
    Ok(ExitCode::from(exit.code()))
}

/// A routine named on the command line, by path or by id.
pub fn resolve(arg: &str, library: impl FnOnce() -> Library) -> Result<(Routine, Origin)> {
    let path = Path::new(arg);
    if looks_like_path(arg) || path.is_file() {
        let routine =
            load_file(path).map_err(|p| Reported(p.render(color_for(&std::io::stderr()))))?;
        return Ok((routine, Origin::Direct(path.to_path_buf())));
    }
    let lib = library();
    let Some(entry) = lib.find(arg) else {
        let ids: Vec<&str> = lib.ids().collect();
        let hint = match crate::routine::diagnostic::did_you_mean(arg, ids.iter().copied()) {
            Some(m) => format!("did you mean `{m}`? "),
            None => String::new(),
        };
        bail!(
            "no routine called `{}`: {hint}`knotless list` shows them all",
            crate::text::escape_inline(arg)
        );
    };
    match &entry.routine {
        Ok(r) => Ok((r.clone(), entry.origin.clone())),
        Err(p) => Err(Reported(format!(
            "The routine `{}` has problems:\n\n{}",
            crate::text::escape_inline(&entry.id),
            p.render(color_for(&std::io::stderr()))
        ))
        .into()),
    }
}

/// An error already written out in full (diagnostics): printed as it is.
#[derive(Debug)]
pub struct Reported(pub String);

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.trim_end())
    }
}

impl std::error::Error for Reported {}

/// Colour only for a terminal, and never under NO_COLOR.
pub fn color_for(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Print to stdout; a closed pipe (`knotless list | head`) is not an error.
fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}
