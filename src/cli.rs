//! The command line: subcommands and flags (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use clap_complete::engine::ArgValueCompleter;

#[derive(Debug, Parser)]
#[command(
    name = "knotless",
    version = crate::features::VERSION,
    about = "A calm terminal guide for self-massage and breathing routines"
)]
pub struct Cli {
    /// Also load routines from this directory (may be given more than once).
    #[arg(long = "routines", value_name = "DIR", global = true)]
    pub routines: Vec<PathBuf>,

    /// Colour: auto (on a terminal, unless NO_COLOR or TERM=dumb; CLICOLOR_FORCE
    /// forces it), always or never.
    #[arg(long, value_enum, value_name = "WHEN", global = true, default_value_t = crate::color::ColorChoice::Auto)]
    pub color: crate::color::ColorChoice,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a routine, by id or path, on the full screen (or as plain text
    /// lines when output is not a terminal).
    Run(RunArgs),
    /// Table of routines: id, name, length, steps, source.
    List {
        /// Print one JSON object, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Check routine files and print every problem; exit 1 on any error.
    ///
    /// With no argument, checks the built-in routines and your own.
    /// Authoring warnings (instructions too long to read in time, a long
    /// glance line, ...) are printed but pass, unless `--strict`.
    Check {
        /// Routine files or directories of routine files.
        #[arg(value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,

        /// Treat authoring warnings as errors (exit 1).
        #[arg(long)]
        strict: bool,

        /// Print one JSON document: every diagnostic with file, line,
        /// column, severity, message and help.
        #[arg(long)]
        json: bool,
    },
    /// Print a routine's timeline: each step with its start time and length.
    Show {
        /// A routine id (see `knotless list`) or the path of a routine file.
        #[arg(add = ArgValueCompleter::new(crate::completion::routine))]
        routine: String,

        /// Print one JSON object, for scripts.
        #[arg(long)]
        json: bool,

        /// Fit the routine to N minutes (3 to 60).
        #[arg(long, value_name = "N")]
        minutes: Option<u32>,
    },
    /// Write a new routine, documented key by key, and open it in your
    /// editor ($VISUAL or $EDITOR).
    New {
        /// The routine's name; its file name is made from it.
        name: String,
    },
    /// Open a routine in your editor, copying a built-in one first, and
    /// check it when the editor closes.
    Edit {
        /// A routine id or the path of a routine file.
        #[arg(add = ArgValueCompleter::new(crate::completion::routine))]
        routine: String,
    },
    /// Print the JSON Schema of routine files, for editors; with `--output
    /// NAME`, the schema of a command's `--json` output instead.
    Schema {
        /// list, show, check, history, status or doctor.
        #[arg(long, value_name = "NAME", value_parser = crate::commands::OUTPUT_SCHEMAS.iter().map(|(n, _)| *n).collect::<Vec<_>>())]
        output: Option<String>,
    },
    /// Print the settings in force and the file they came from.
    Config {
        /// Write a commented settings file with the defaults (never
        /// overwrites an existing one).
        #[arg(long)]
        init: bool,
    },
    /// Streak, minutes this week and month, and the recent sessions.
    History {
        /// Print one JSON object, for scripts.
        #[arg(long)]
        json: bool,
        /// Draw the progress charts: minutes a day over 12 weeks, tension
        /// before and after each week, minutes per body area this month.
        #[arg(long, conflicts_with = "json")]
        chart: bool,
        /// Write one row per session, for a spreadsheet.
        #[arg(long, value_name = "FORMAT", value_parser = ["csv"], conflicts_with_all = ["json", "chart"])]
        export: Option<String>,
    },
    /// The built-in sounds, and the sound output in use (or why sound is
    /// off); `play NAME` plays one, `--export DIR` writes them as WAV files.
    Sounds(SoundsArgs),
    /// A reminder at the hour you choose: `--at 18:30 [--days mon-fri]
    /// [--routine ID | --plan]` sets it (a systemd user timer on Linux, a launchd
    /// agent on macOS, a Task Scheduler entry on Windows), `--off` removes
    /// it, and alone it shows what is set. When it fires and today's
    /// practice is not done yet, a desktop notification says what to do.
    Remind(RemindArgs),
    /// Run today's practice by the plan (`[plan]` in the settings): the
    /// weekday's routine, or the next areas of the rotation, composed.
    ///
    /// The rotation continues from the last entry done: a missed day moves
    /// nothing. With no plan, it says how to write one.
    Today(TodayArgs),
    /// Compose a routine for today from tagged steps, and print it as a
    /// routine file.
    ///
    /// Steps come from the built-in routines, the step library shipped with
    /// knotless, and your own library files in <config dir>/steps/*.toml.
    Compose(ComposeArgs),
    /// The speech engine in use (or why there is none); `say TEXT` speaks
    /// a sentence; `--export ROUTINE DIR` writes what a routine says as
    /// numbered WAV files and a text index.
    Voice(VoiceArgs),
    /// Print shell completions (they complete routine ids too).
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Check the setup: paths, build, routines, history, sound, terminal.
    /// Exit 1 when something a session needs is broken.
    Doctor {
        /// Print one JSON object, for bug reports.
        #[arg(long)]
        json: bool,
    },
    /// One line for a shell prompt or a status bar: streak, done today,
    /// minutes today.
    Status {
        /// Print one JSON object, for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Print the man page (roff), e.g. into ~/.local/share/man/man1/knotless.1.
    Man,
    /// The general safety page: when to skip an area, see a clinician
    /// first, or get help at once.
    Safety,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A routine id (see `knotless list`) or the path of a routine file.
    #[arg(add = ArgValueCompleter::new(crate::completion::routine))]
    pub routine: String,

    /// Run F times faster (1 to 100), to preview an edited routine.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,

    /// Print each step and cue as a line of text instead of the full screen
    /// (automatic when output is not a terminal).
    #[arg(long)]
    pub plain: bool,

    /// Show the breathing pacer as a bar that changes once a second.
    #[arg(long)]
    pub reduced_motion: bool,

    /// Start with sound off (`m` turns it on during the session).
    #[arg(long)]
    pub mute: bool,

    /// Sound volume, 0 to 100.
    #[arg(long, value_name = "0-100")]
    pub volume: Option<crate::sound::Volume>,

    /// Fit the routine to N minutes (3 to 60).
    #[arg(long, value_name = "N")]
    pub minutes: Option<u32>,

    /// Continue the session of this routine stopped in the last 12 hours,
    /// from the start of the step where it stopped.
    #[arg(long)]
    pub resume: bool,

    /// Speak each step, side switch and cue (the default when a speech
    /// engine is found; `v` turns it off during the session).
    #[arg(long, overrides_with = "no_voice")]
    pub voice: bool,

    /// Do not speak (`v` turns voice on during the session).
    #[arg(long, overrides_with = "voice")]
    pub no_voice: bool,

    /// Run CMD (through the shell) when the session runs to its end, in
    /// place of the settings' `hooks.on_finish`; see `[hooks]` in the README.
    #[arg(long, value_name = "CMD")]
    pub on_finish: Option<String>,
}

impl RunArgs {
    /// `--voice` or `--no-voice`, whichever came last; `None`: the settings.
    pub fn voice_choice(&self) -> Option<bool> {
        match (self.voice, self.no_voice) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct TodayArgs {
    /// Run F times faster (1 to 100), to preview it.
    #[arg(long, value_name = "F", default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,

    /// Print each step and cue as a line of text instead of the full screen
    /// (automatic when output is not a terminal).
    #[arg(long)]
    pub plain: bool,

    /// Show the breathing pacer as a bar that changes once a second.
    #[arg(long)]
    pub reduced_motion: bool,

    /// Start with sound off (`m` turns it on during the session).
    #[arg(long)]
    pub mute: bool,

    /// Sound volume, 0 to 100.
    #[arg(long, value_name = "0-100")]
    pub volume: Option<crate::sound::Volume>,

    /// Continue today's session stopped in the last 12 hours, from the
    /// start of the step where it stopped.
    #[arg(long)]
    pub resume: bool,

    /// Speak each step, side switch and cue (the default when a speech
    /// engine is found).
    #[arg(long, overrides_with = "no_voice")]
    pub voice: bool,

    /// Do not speak.
    #[arg(long, overrides_with = "voice")]
    pub no_voice: bool,
}

impl TodayArgs {
    /// The `run` flags for today's routine `id`.
    pub fn run_args(&self, id: String) -> RunArgs {
        RunArgs {
            routine: id,
            speed: self.speed,
            plain: self.plain,
            reduced_motion: self.reduced_motion,
            mute: self.mute,
            volume: self.volume,
            minutes: None,
            resume: self.resume,
            voice: self.voice,
            no_voice: self.no_voice,
            on_finish: None,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct VoiceArgs {
    #[command(subcommand)]
    pub action: Option<VoiceAction>,

    /// Write what ROUTINE says into DIR as numbered WAV files, with
    /// index.txt listing each one's moment and words.
    #[arg(long, num_args = 2, value_names = ["ROUTINE", "DIR"])]
    pub export: Option<Vec<String>>,

    /// List every speech engine looked for, most natural first: found, or
    /// why not.
    #[arg(long, conflicts_with = "export")]
    pub list: bool,
}

#[derive(Debug, Subcommand)]
pub enum VoiceAction {
    /// Speak TEXT with the engine in use, through the sound output.
    Say {
        /// The words to say.
        text: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct ComposeArgs {
    /// How long, in minutes (3 to 60).
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub minutes: u32,

    /// The areas to work on, like neck,shoulders.
    #[arg(long, value_name = "AREAS", value_delimiter = ',', required = true, value_parser = parse_area)]
    pub focus: Vec<crate::routine::Area>,

    /// Tools at hand besides your hands, like ball,roller.
    #[arg(long, value_name = "TOOLS", value_delimiter = ',')]
    pub tools: Vec<String>,

    /// chair, standing (with a wall), wall (with standing), floor or bed.
    /// Without it, steps come in blocks by position, at most one change
    /// per ten minutes.
    #[arg(long, value_name = "WHERE", value_parser = parse_position)]
    pub position: Option<crate::routine::Position>,

    /// The deepest work to use: gentle, standard (unless set) or deeper.
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub level: Option<crate::routine::Level>,

    /// Areas to leave out, like lower-back.
    #[arg(long, value_name = "AREAS", value_delimiter = ',', value_parser = parse_area)]
    pub avoid: Vec<crate::routine::Area>,

    /// The same seed gives the same routine; without it, today's date.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Save it to your routines directory as NAME (never over an existing
    /// file).
    #[arg(long, value_name = "NAME")]
    pub save: Option<String>,

    /// Start it at once (after saving, with --save).
    #[arg(long)]
    pub run: bool,

    /// With --run: print each step as a line of text.
    #[arg(long, requires = "run")]
    pub plain: bool,
}

/// A flag's value that cannot be used, and why (clap shows it).
#[derive(Debug, thiserror::Error)]
pub enum BadValue {
    /// The word, and a hint at what was probably meant (or nothing).
    #[error("`{0}` is not an area{1}: use {all}", all = areas())]
    Area(String, String),
    #[error("`{0}` is not a position: use chair, standing, wall, floor or bed")]
    Position(String),
    #[error("`{0}` is not a level: use gentle, standard or deeper")]
    Level(String),
    #[error("`{0}` is not a number")]
    NotANumber(String),
    #[error("the speed must be from 1 to 100")]
    Speed,
}

fn areas() -> String {
    let all: Vec<&str> = crate::routine::Area::ALL.iter().map(|a| a.word()).collect();
    all.join(", ")
}

fn parse_area(s: &str) -> Result<crate::routine::Area, BadValue> {
    use crate::routine::Area;
    let word = s.trim().to_ascii_lowercase();
    Area::ALL
        .iter()
        .copied()
        .find(|a| a.word() == word)
        .ok_or_else(|| {
            BadValue::Area(
                s.to_owned(),
                area_hint(&word)
                    .map(|h| format!(" (for {word}, try {h})"))
                    .unwrap_or_default(),
            )
        })
}

/// The areas a user probably means by a word that is not one.
fn area_hint(word: &str) -> Option<&'static str> {
    Some(match word.trim_end_matches('s') {
        "back" => "upper-back or lower-back",
        "upper" | "upperback" | "upper back" => "upper-back",
        "lower" | "lowerback" | "lower back" | "lumbar" => "lower-back",
        "glute" | "buttock" | "bum" | "butt" => "hips",
        "calve" | "calf" | "thigh" | "hamstring" | "knee" | "leg" => "legs",
        "head" | "temple" | "forehead" => "scalp or face",
        "belly" | "stomach" | "tummy" | "gut" => "abdomen",
        "wrist" | "finger" | "palm" => "hands",
        "forearm" | "arm" | "elbow" => "arms",
        "toe" | "sole" | "ankle" | "foot" | "feet" => "feet",
        "trap" | "trapezius" | "shoulder" => "shoulders",
        "body" | "all" | "everything" | "whole" => "whole-body",
        "chin" | "cheek" => "jaw or face",
        _ => return None,
    })
}

fn parse_position(s: &str) -> Result<crate::routine::Position, BadValue> {
    crate::compose::parse_position(s).ok_or_else(|| BadValue::Position(s.to_owned()))
}

fn parse_level(s: &str) -> Result<crate::routine::Level, BadValue> {
    use crate::routine::Level;
    let word = s.trim().to_ascii_lowercase();
    Level::ALL
        .iter()
        .copied()
        .find(|l| l.word() == word)
        .ok_or_else(|| BadValue::Level(s.to_owned()))
}

#[derive(Debug, clap::Args)]
pub struct RemindArgs {
    /// The time of day, HH:MM.
    #[arg(long, value_name = "HH:MM", conflicts_with_all = ["off", "fire"])]
    pub at: Option<String>,
    /// The days: mon-fri, mon,wed,fri, sat-sun or daily (the default).
    #[arg(long, value_name = "DAYS", requires = "at")]
    pub days: Option<String>,
    /// The routine to suggest (the default: the one practised last).
    #[arg(long, value_name = "ID")]
    pub routine: Option<String>,
    /// Suggest today's practice by `[plan]` in the settings, as it is on
    /// the day the reminder fires.
    #[arg(long, conflicts_with = "routine")]
    pub plan: bool,
    /// Remove the reminder (only files knotless wrote).
    #[arg(long, conflicts_with_all = ["fire", "routine", "plan"])]
    pub off: bool,
    /// What the reminder runs: notify unless today's practice is done.
    #[arg(long)]
    pub fire: bool,
}

#[derive(Debug, clap::Args)]
pub struct SoundsArgs {
    #[command(subcommand)]
    pub action: Option<SoundsAction>,

    /// Write every built-in sound into DIR as NAME.wav, to audition or to
    /// replace.
    #[arg(long, value_name = "DIR")]
    pub export: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum SoundsAction {
    /// Play one sound and wait for it to end: a built-in sound's name, or a
    /// sound file.
    Play {
        /// bell, chime, breathe-in, breathe-out, tick, end, or a file.
        sound: String,

        /// Volume, 0 to 100.
        #[arg(long, value_name = "0-100")]
        volume: Option<crate::sound::Volume>,
    },
}

/// The command line as clap sees it, for completions and the man page.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

fn parse_speed(s: &str) -> Result<f64, BadValue> {
    let f: f64 = s.parse().map_err(|_| BadValue::NotANumber(s.to_owned()))?;
    if (1.0..=100.0).contains(&f) {
        Ok(f)
    } else {
        Err(BadValue::Speed)
    }
}
