//! The command line: subcommands and flags (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "knotless",
    version,
    about = "A calm terminal guide for self-massage and breathing routines"
)]
pub struct Cli {
    /// Also load routines from this directory (may be given more than once).
    #[arg(long = "routines", value_name = "DIR", global = true)]
    pub routines: Vec<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a routine, by id or path, on the full screen (or as plain text
    /// lines when output is not a terminal).
    Run(RunArgs),
    /// Table of routines: id, name, length, steps, source.
    List,
    /// Check routine files and print every problem; exit 1 on any error.
    ///
    /// With no argument, checks the built-in routines and your own.
    Check {
        /// Routine files or directories of routine files.
        #[arg(value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        /// Print one JSON document: every diagnostic with file, line,
        /// column, severity, message and help.
        #[arg(long)]
        json: bool,
    },
    /// Print a routine's timeline: each step with its start time and length.
    Show {
        /// A routine id (see `knotless list`) or the path of a routine file.
        routine: String,
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
        routine: String,
    },
    /// Print the JSON Schema of routine files, for editors.
    Schema,
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
    },
    /// The built-in sounds, and the sound output in use (or why sound is
    /// off); `play NAME` plays one, `--export DIR` writes them as WAV files.
    Sounds(SoundsArgs),
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A routine id (see `knotless list`) or the path of a routine file.
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

fn parse_speed(s: &str) -> Result<f64, String> {
    let f: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (1.0..=100.0).contains(&f) {
        Ok(f)
    } else {
        Err("the speed must be from 1 to 100".into())
    }
}
