//! What each subcommand does, given the parsed command line.

mod check;
mod compose;
mod config;
mod doctor;
pub mod edit;
mod history;
mod history_csv;
mod json;
mod list;
mod planned;
mod remind;
mod show;
pub mod sounds;
mod status;
pub mod table;
mod term;
mod today;
pub mod voice;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use std::sync::Arc;

use crate::app::{App, Exit, Options};
use crate::cli::{Cli, Command, RunArgs};
use crate::clock::SystemClock;
use crate::driver::{self, FullScreen, LibrarySource, Outside, Plain, TerminalEvents, VoiceLater};
use crate::paths::Paths;
use crate::routine::library::looks_like_path;
use crate::routine::load::load_file;
use crate::routine::{FileProblems, Library, Origin, Routine};
use crate::settings::Settings;
use crate::sound::{Player, SoundSettings, Volume};
use crate::ui::Theme;

pub use check::check;
pub use doctor::{Checkup, doctor};
pub use history::{Report as HistoryReport, history, report as history_report};
pub use list::{list, list_json};
pub use show::{show, show_json};
pub use status::{status, status_line};

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
        self.library_first(usize::MAX)
    }

    /// The first `count` routines by id (see `Library::discover_first`).
    pub fn library_first(&self, count: usize) -> Library {
        let user = self.paths.as_ref().map(Paths::user_routines);
        Library::discover_first(user.as_deref(), &self.extra_dirs, count)
            .with_transition(self.settings.session.transition)
    }

    /// `<data dir>/history-<host>.jsonl`, when there is a data directory.
    pub fn history_file(&self) -> Option<PathBuf> {
        self.paths.as_ref().map(crate::history::file)
    }

    /// A line for the status bar when the settings file has problems.
    fn settings_status(&self) -> Option<crate::app::Status> {
        self.settings_problems
            .as_ref()
            .map(|_| crate::app::Status::SettingsProblems)
    }
}

/// Run the command line; the exit code says whether all went well.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let result = run_command(cli);
    // A hook's processes do not outlive knotless (unless the hook detached
    // on purpose): given a moment to finish, then ended.
    crate::hooks::end_all(crate::hooks::EXIT_GRACE);
    result.map_err(|e| {
        // The system's error numbers are for the log, not the user.
        let text = format!("{e:#}");
        match e.downcast_ref::<Reported>() {
            None if text.contains("(os error ") => {
                tracing::warn!("{text}");
                anyhow::anyhow!(crate::io_words::without_numbers(&text))
            }
            _ => e,
        }
    })
}

fn run_command(cli: Cli) -> Result<ExitCode> {
    crate::color::set(cli.color);
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
        Command::List { json: false } => print(&list(&library()))?,
        Command::List { json: true } => print(&list_json(&library())?)?,
        Command::Check {
            paths,
            strict,
            json,
        } => {
            let format = match json {
                true => check::Format::Json,
                false => check::Format::Text {
                    color: color_for(&std::io::stdout()),
                },
            };
            // Printed as each file is read; a closed pipe ends it quietly.
            let out = &mut std::io::stdout();
            let clean = match check::check_to(out, &paths, library, strict, format) {
                Ok(clean) => clean,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => false,
                Err(e) => return Err(e).context("cannot write to standard output"),
            };
            if !clean {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Show {
            routine,
            json,
            minutes,
        } => {
            let (routine, origin) = match routine.as_str() {
                "-" => from_stdin()?,
                arg => resolve(arg, &env)?,
            };
            let routine = today::fitted(routine, minutes)?;
            match json {
                true => print(&show_json(&routine, &origin)?)?,
                false => print(&show(&routine, &origin))?,
            }
        }
        Command::Today(args) => return planned::today(&args, &env),
        Command::Compose(args) => return compose::compose(&args, &env),
        Command::Config { init } => return config::config(&env, init),
        Command::New { name } => return edit::new(&env, &name),
        Command::Edit { routine } => return edit::edit(&env, &routine),
        Command::Schema { output: None } => print(&crate::routine::schema::json())?,
        Command::Schema { output: Some(name) } => {
            let schema = OUTPUT_SCHEMAS
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| *s);
            print(schema.context("no such output")?)?
        }
        Command::History {
            json,
            chart,
            export,
        } => {
            let view = history::View {
                json,
                chart,
                csv: export.is_some(),
            };
            history(env.paths.as_ref(), view, &env.library())?
        }
        Command::Sounds(args) => return sounds::sounds(&args, &sound_settings(&env, false, None)),
        Command::Voice(args) => return voice::voice(&args, &env),
        Command::Completions { shell } => print(&completions(shell)?)?,
        Command::Doctor { json } => return doctor(&env, json),
        Command::Remind(args) => print(&remind::remind(&args, &env)?)?,
        Command::Status { json } => print(&status(&env, json)?)?,
        Command::Safety => print(crate::safety::PAGE)?,
        Command::Man => print(&crate::man::page())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The JSON Schema of each command's `--json` output (`knotless schema
/// --output NAME`); tests validate real outputs against them.
pub const OUTPUT_SCHEMAS: &[(&str, &str)] = &[
    ("list", include_str!("../../assets/json/list.schema.json")),
    ("show", include_str!("../../assets/json/show.schema.json")),
    ("check", include_str!("../../assets/json/check.schema.json")),
    (
        "history",
        include_str!("../../assets/json/history.schema.json"),
    ),
    (
        "status",
        include_str!("../../assets/json/status.schema.json"),
    ),
    (
        "doctor",
        include_str!("../../assets/json/doctor.schema.json"),
    ),
];

/// The script a shell sources for completions. It calls back into
/// `knotless` at each Tab (see `crate::completion`), so routine ids are
/// completed as they are at that moment.
fn completions(shell: clap_complete::Shell) -> Result<String> {
    let name = shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(&name)
        .with_context(|| format!("no completions for {name}"))?;
    let mut script = Vec::new();
    completer.write_registration(
        crate::completion::ENV_VAR,
        "knotless",
        "knotless",
        "knotless",
        &mut script,
    )?;
    Ok(String::from_utf8_lossy(&script).into_owned())
}

/// `knotless`: the picker.
fn picker(env: &Env) -> Result<ExitCode> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "the routine picker needs a terminal; try `knotless list`, or `knotless run ROUTINE --plain`"
        );
    }
    if !term::capable() {
        bail!(
            "the routine picker needs a terminal that can draw a full screen, and TERM={} is not one; try `knotless list`, then `knotless run ROUTINE` (it prints plain lines here)",
            crate::text::escape_inline(&std::env::var("TERM").unwrap_or_default())
        );
    }
    let source = LibrarySource {
        user_dir: env.paths.as_ref().map(Paths::user_routines),
        extra_dirs: env.extra_dirs.clone(),
        transition: env.settings.session.transition,
    };
    // What the first screen shows is read first; the driver reads the
    // rest once it is drawn.
    let most = crate::terminal::MAX_HEIGHT;
    let rows = crossterm::terminal::size().map_or(most, |(_, h)| h.min(most));
    let first = env.library_first(usize::from(rows));
    let mut app = App::picker(first).with_options(options(
        env,
        false,
        false,
        1.0,
        env.settings.voice.enabled,
    ));
    app.status = env.settings_status();
    let mut sound = Player::start(sound_settings(env, false, None));
    let hooks = env.settings.hooks.clone();
    let exit = full_screen(app, env, 1.0, &mut sound, source, None, hooks)?;
    finish_sound(sound, exit, false);
    Ok(ExitCode::from(exit.code()))
}

/// `knotless run ROUTINE`: preflight then the session, or plain lines.
fn run_routine(args: &RunArgs, env: &Env) -> Result<ExitCode> {
    let (mut routine, _origin) = resolve(&args.routine, env)?;
    if let Some(t) = env.settings.session.transition {
        routine.transition = t;
    }
    let routine = today::for_run(routine, args.minutes, args.resume, env)?;
    start_run(routine, args, env)
}

/// The longest a session with no preflight and no get-ready waits for its
/// sound output before it starts: connecting to a sound server that
/// answers takes tens of milliseconds.
const FIRST_SOUND_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Start `routine` as `run` does, on the full screen or as plain lines.
fn start_run(routine: Routine, args: &RunArgs, env: &Env) -> Result<ExitCode> {
    let resume_note = today::resume_note(&routine);
    // TERM=dumb or a terminal the system does not know: cursor movements
    // and colours would come out as garbage there.
    let plain = args.plain
        || !std::io::stdout().is_terminal()
        || !std::io::stdin().is_terminal()
        || !term::capable();
    let routine = Arc::new(routine);
    let mut app = App::direct(routine.clone()).with_options(options(
        env,
        args.reduced_motion,
        plain,
        args.speed,
        args.voice_choice().unwrap_or(env.settings.voice.enabled),
    ));
    // Connects on its own thread: never delays the first frame. Woken at
    // once: the preflight (or, with none, the session) comes next.
    let mut sound = Player::start(sound_settings(env, args.mute, args.volume));
    sound.wake();
    if (plain || !env.settings.session.preflight)
        && crate::timeline::Timeline::new(&routine).starts_at_once()
    {
        // No preflight and no get-ready: the first bell is due the moment
        // the session starts, so the session waits (a moment) for the
        // output to be awake, or it would be late.
        sound.wait_awake(FIRST_SOUND_WAIT);
    }
    let hooks = env
        .settings
        .hooks
        .clone()
        .with_on_finish(args.on_finish.clone());
    let exit = if plain {
        if let Some(problems) = &env.settings_problems {
            eprint!("{}", problems.render(color_for(&std::io::stderr())));
            eprintln!("(the keys above are left at their defaults)");
        }
        if let Some(note) = resume_note {
            print(&note)?;
        }
        let clock = SystemClock::new(args.speed);
        let mut events = TerminalEvents::start(false, &[]).context("cannot listen for signals")?;
        let mut out = Plain::new(std::io::stdout());
        let mut outside = outside(env, &mut sound, args.speed, LibrarySource::default());
        outside.hooks = hooks.clone();
        // Plain lines are what screen readers read: speech only when asked.
        // Nothing rendered where no sound output works.
        if args.voice_choice() == Some(true) && !crate::sound::BUILT_WITH_SOUND {
            // Asked for by name: say why there is none, once.
            if let Some(why) = crate::sound::describe_output().off {
                eprintln!("Voice off: {why}");
            }
        }
        // The first step may start at once: wait for the output's answer
        // (at once with no server) rather than render what cannot be heard.
        if args.voice_choice() == Some(true)
            && outside.sound.wait_known(std::time::Duration::from_secs(3))
        {
            let heard = outside.sound.heard();
            outside.voice = voice::session_voice(env, &routine, Some(true), heard);
            if let Some(v) = &outside.voice
                && crate::timeline::Timeline::new(&routine).starts_at_once()
            {
                // The first step starts at once: its words must be ready.
                v.wait_first(std::time::Duration::from_secs(3));
            }
        }
        outside.voice_settings = None;
        driver::run(app, &clock, &mut out, &mut events, outside)
    } else {
        app.status = env.settings_status();
        // Rendering starts once the preflight is up, while it is read.
        // Nothing rendered where no sound output works.
        let choice = args.voice_choice();
        let voice = sound.output_works().then(|| {
            let heard = sound.heard();
            Box::new(move || voice::session_voice(env, &routine, choice, heard)) as VoiceLater
        });
        let source = LibrarySource::default();
        full_screen(app, env, args.speed, &mut sound, source, voice, hooks)?
    };
    finish_sound(sound, exit, plain);
    Ok(ExitCode::from(exit.code()))
}

/// Run `app` on the full screen, and always give the terminal back.
fn full_screen(
    app: App,
    env: &Env,
    speed: f64,
    sound: &mut Player,
    source: LibrarySource,
    voice: Option<VoiceLater<'_>>,
    hooks: crate::hooks::HookSettings,
) -> Result<Exit> {
    let clock = SystemClock::new(speed);
    // The screen first: it asks the terminal about its background before
    // the input thread starts reading the answers as keys.
    let mut screen = FullScreen::enter(Theme::new(env.settings.display.theme))
        .context("cannot take over the terminal")?;
    let _guard = crate::terminal::Guard;
    let mut events = TerminalEvents::start(true, &source.watched())
        .context("cannot listen for keys and signals")?;
    // After the terminal's own panic hook: a sound thread's panic must not
    // give the terminal back mid-session.
    crate::sound::guard_panics();
    let mut outside = outside(env, sound, speed, source);
    outside.voice_later = voice;
    outside.hooks = hooks;
    let exit = driver::run(app, &clock, &mut screen, &mut events, outside);
    crate::terminal::restore();
    Ok(exit)
}

fn outside<'a>(env: &Env, sound: &'a mut Player, speed: f64, source: LibrarySource) -> Outside<'a> {
    Outside {
        sound,
        history: env.history_file(),
        speed,
        source,
        voice: None,
        voice_later: None,
        // For routines chosen in the picker: a voice is made for each.
        voice_settings: env.paths.as_ref().map(|p| {
            (
                voice::voice_settings(&env.settings, None),
                p.cache_dir.clone(),
            )
        }),
        hooks: env.settings.hooks.clone(),
        log_file: env.paths.as_ref().map(Paths::log_file),
    }
}

/// The app's options from the settings and flags.
fn options(env: &Env, reduced_motion_flag: bool, plain: bool, speed: f64, voice: bool) -> Options {
    Options {
        autostart: plain || !env.settings.session.preflight,
        reduced_motion: reduced_motion_flag || env.settings.display.reduced_motion,
        ask_tension: env.settings.session.ask_tension && !plain,
        user_dir: env.paths.as_ref().map(Paths::user_routines),
        plain,
        prompts: crate::app::Prompts {
            // With voice on, every breathing step is paced by ear: the
            // tones pace each phase, breath words name those with room.
            breath_tones: env.settings.sound.breath_tones || voice,
            last_seconds_ticks: env.settings.session.last_seconds_ticks,
            terminal_bell: env.settings.sound.terminal_bell,
        },
        speed,
        body: env.settings.body,
        first_session: no_session_yet(env),
        plan: env.settings.plan.clone(),
    }
}

/// Whether the history holds no session yet: no history file in the data
/// directory has a line in it. (A look at the directory, not a read of
/// the history: the first frame does not wait for it.)
fn no_session_yet(env: &Env) -> bool {
    let Some(paths) = &env.paths else {
        return false;
    };
    let Ok(entries) = std::fs::read_dir(&paths.data_dir) else {
        return true;
    };
    !entries.filter_map(Result::ok).take(10_000).any(|e| {
        crate::history::is_history_file(&e.file_name().to_string_lossy())
            && e.metadata().is_ok_and(|m| m.len() > 0)
    })
}

/// Sound settings from the command line. (Merge the settings file here.)
/// The sound settings in force: the settings file, then the flags.
fn sound_settings(env: &Env, mute: bool, volume: Option<Volume>) -> SoundSettings {
    let file = &env.settings;
    SoundSettings {
        enabled: file.sound.enabled && !mute,
        volume: volume.unwrap_or(Volume::new(file.sound.volume.into())),
    }
}

/// A plain run that ends by itself lets the last sound (the end bells) be
/// heard. On the full screen the user left with a key (`q` on the done
/// screen): the prompt comes back at once, the bells fade out. Ctrl-C or a
/// signal cuts it at once too.
fn finish_sound(sound: Player, exit: Exit, plain: bool) {
    match exit {
        Exit::Normal | Exit::Left if plain => sound.finish(),
        _ => sound.cut(),
    }
}

/// `show -`: the routine arriving on standard input (a composed one, say).
fn from_stdin() -> Result<(Routine, Origin)> {
    let (routine, _) = crate::routine::load::load_stdin_linted()
        .map_err(|p| Reported(p.render(color_for(&std::io::stderr()))))?;
    Ok((routine, Origin::Direct(PathBuf::from("-"))))
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
    let hint = match crate::diag::did_you_mean(arg, lib.ids()) {
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

/// Colour for this stream, as `--color`, NO_COLOR, CLICOLOR_FORCE and
/// TERM say (see `crate::color`).
pub fn color_for(stream: &impl IsTerminal) -> bool {
    // An unknown or dumb terminal gets no colour, whatever it claims.
    crate::color::enabled(stream.is_terminal() && term::capable())
}

/// Print to stdout; a closed pipe (`knotless list | head`) is not an error.
pub(crate) fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}
