//! What each subcommand does, given the parsed command line.

mod check;
mod config;
pub mod edit;
mod history;
mod list;
mod show;
pub mod sounds;
pub mod table;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::CommandFactory;

use std::sync::Arc;

use crate::app::{App, Exit, Recorder, event_loop};
use crate::cli::{Cli, Command, RunArgs};
use crate::clock::SystemClock;
use crate::paths::Paths;
use crate::routine::library::looks_like_path;
use crate::routine::load::load_file;
use crate::routine::{FileProblems, Library, Origin, Routine};
use crate::settings::Settings;
use crate::sound::{Player, SoundSettings, Volume};
use crate::ui::Theme;

pub use check::check;
pub use history::{Report as HistoryReport, history, report as history_report};
pub use list::list;
pub use show::show;

/// What every command may need: where files live, and the settings.
pub struct Env {
    pub paths: Option<Paths>,
    pub settings: Settings,
    /// The settings file could not be used (the defaults are in force).
    pub settings_problems: Option<FileProblems>,
    /// `--routines` directories, then the settings' ones.
    pub extra_dirs: Vec<PathBuf>,
}

impl Env {
    pub fn load(cli_dirs: &[PathBuf]) -> Self {
        let paths = Paths::from_env();
        // A wrong key is reported and left at its default; the rest apply.
        let (settings, settings_problems) = match paths
            .as_ref()
            .map(|p| Settings::load_lenient(&p.config_dir))
        {
            Some((settings, _, problems)) => (settings, problems),
            None => (Settings::default(), None),
        };
        let mut extra_dirs = settings.routine_dirs.clone();
        extra_dirs.extend(cli_dirs.iter().cloned());
        Self {
            paths,
            settings,
            settings_problems,
            extra_dirs,
        }
    }

    pub fn library(&self) -> Library {
        let user = self.paths.as_ref().map(Paths::user_routines);
        Library::discover(user.as_deref(), &self.extra_dirs)
            .with_transition(self.settings.session.transition)
    }

    /// `<data dir>/history.jsonl`, when there is a data directory.
    pub fn history_file(&self) -> Option<PathBuf> {
        self.paths.as_ref().map(crate::history::file)
    }

    /// A line for the status bar when the settings file has problems.
    fn settings_status(&self) -> Option<String> {
        self.settings_problems
            .as_ref()
            .map(|_| "Settings file has problems: run `knotless config`".to_owned())
    }
}

/// Run the command line; the exit code says whether all went well.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let env = Env::load(&cli.routines);
    if let Some(paths) = &env.paths {
        crate::logging::init(&paths.log_file());
    }
    let library = || env.library();
    let Some(command) = cli.command else {
        return picker(&env);
    };
    match command {
        Command::Run(args) => return run_routine(&args, &env),
        Command::List => print(&list(&library()))?,
        Command::Check { paths, json } => {
            let format = match json {
                true => check::Format::Json,
                false => check::Format::Text {
                    color: color_for(&std::io::stdout()),
                },
            };
            // Printed as each file is read; a closed pipe ends it quietly.
            let clean = match check::check_to(&mut std::io::stdout(), &paths, library, format) {
                Ok(clean) => clean,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => false,
                Err(e) => return Err(e).context("cannot write to standard output"),
            };
            if !clean {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Show { routine } => {
            let (routine, origin) = resolve(&routine, &env)?;
            print(&show(&routine, &origin))?;
        }
        Command::Config { init } => return config::config(&env, init),
        Command::New { name } => return edit::new(&env, &name),
        Command::Edit { routine } => return edit::edit(&env, &routine),
        Command::Schema => print(&crate::routine::schema::json())?,
        Command::History { json } => history(env.paths.as_ref(), json)?,
        Command::Sounds(args) => return sounds::sounds(&args, &sound_settings(&env, false, None)),
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
fn picker(env: &Env) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "the routine picker needs a terminal; try `knotless list`, or `knotless run ROUTINE --plain`"
        );
    }
    let clock = SystemClock::new(1.0);
    let mut app = App::picker(env.library());
    app.source = crate::app::LibrarySource {
        user_dir: env.paths.as_ref().map(Paths::user_routines),
        extra_dirs: env.extra_dirs.clone(),
        transition: env.settings.session.transition,
    };
    apply_display(&mut app, env, false);
    let mut sound = Player::start(sound_settings(env, false, None));
    app.history_file = env.history_file();
    let recorder = Recorder {
        file: env.history_file(),
        speed: 1.0,
    };
    let exit = event_loop::run(app, &clock, &mut sound, &recorder)?;
    finish_sound(sound, exit);
    Ok(ExitCode::from(exit.code()))
}

/// `knotless run ROUTINE`: preflight then the session, or plain lines.
fn run_routine(args: &RunArgs, env: &Env) -> Result<ExitCode> {
    let (mut routine, _origin) = resolve(&args.routine, env)?;
    if let Some(t) = env.settings.session.transition {
        routine.transition = t;
    }
    let routine = Arc::new(routine);
    let clock = SystemClock::new(args.speed);
    // Connects on its own thread: never delays the first frame.
    let mut sound = Player::start(sound_settings(env, args.mute, args.volume));
    let plain = args.plain || !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal();
    let recorder = Recorder {
        file: env.history_file(),
        speed: args.speed,
    };
    let exit = if plain {
        if let Some(problems) = &env.settings_problems {
            eprint!("{}", problems.render(color_for(&std::io::stderr())));
            eprintln!("(the keys above are left at their defaults)");
        }
        let heard = routine.clone();
        let exit = crate::plain::run(routine, &clock, &mut std::io::stdout(), |e| {
            sound.on_effect(e, &heard);
            if let Some(status) = sound.status() {
                let _ = print(&format!("{status}\n"));
            }
            if let Some(Err(why)) = recorder.effect(e, &heard, None, Default::default()) {
                eprintln!("{why}");
            }
        })?;
        if let Some(status) = sound.status() {
            print(&format!("{status}\n"))?;
        }
        exit
    } else {
        let mut app = App::direct(routine, Library::default());
        app.autostart = !env.settings.session.preflight;
        apply_display(&mut app, env, args.reduced_motion);
        app.history_file = env.history_file();
        event_loop::run(app, &clock, &mut sound, &recorder)?
    };
    finish_sound(sound, exit);
    Ok(ExitCode::from(exit.code()))
}

/// Sound settings from the command line. (Merge the settings file here.)
/// The sound settings in force: the settings file, then the flags.
fn sound_settings(env: &Env, mute: bool, volume: Option<Volume>) -> SoundSettings {
    let file = &env.settings;
    SoundSettings {
        enabled: file.sound.enabled && !mute,
        volume: volume.unwrap_or(Volume::new(file.sound.volume.into())),
        breath_tones: file.sound.breath_tones,
        last_seconds_ticks: file.session.last_seconds_ticks,
    }
}

/// A normal exit lets the last sound (the end bells) be heard; Ctrl-C or a
/// signal cuts it at once.
fn finish_sound(sound: Player, exit: Exit) {
    match exit {
        Exit::Normal => sound.finish(),
        _ => drop(sound),
    }
}

/// Theme, motion and the settings warning, from the settings and flags.
fn apply_display(app: &mut App, env: &Env, reduced_motion_flag: bool) {
    app.theme = Theme::new(env.settings.display.theme);
    app.reduced_motion = reduced_motion_flag || env.settings.display.reduced_motion;
    app.ask_tension = env.settings.session.ask_tension;
    app.status = env.settings_status();
}

/// A routine named on the command line, by path or by id.
pub fn resolve(arg: &str, env: &Env) -> Result<(Routine, Origin)> {
    let path = Path::new(arg);
    if looks_like_path(arg) || path.is_file() {
        let routine =
            load_file(path).map_err(|p| Reported(p.render(color_for(&std::io::stderr()))))?;
        return Ok((routine, Origin::Direct(path.to_path_buf())));
    }
    // Only the one file is read: starting a routine stays quick however
    // many routines the user has.
    let user = env.paths.as_ref().map(Paths::user_routines);
    let found = Library::find_one(user.as_deref(), &env.extra_dirs, arg);
    let lib;
    let entry = match &found {
        Some(entry) => entry,
        None => {
            lib = env.library();
            lib.find(arg).ok_or_else(|| not_found(arg, &lib))?
        }
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

/// No routine has the id `arg`: suggest the closest one.
fn not_found(arg: &str, lib: &Library) -> anyhow::Error {
    let hint = match crate::routine::diagnostic::did_you_mean(arg, lib.ids()) {
        Some(m) => format!("did you mean `{m}`? "),
        None => String::new(),
    };
    anyhow::anyhow!(
        "no routine called `{}`: {hint}`knotless list` shows them all",
        crate::text::escape_inline(arg)
    )
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
pub(crate) fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}
