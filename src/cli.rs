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
    /// Table of routines: id, name, length, steps, source.
    List,
    /// Check routine files and print every problem; exit 1 on any error.
    ///
    /// With no argument, checks the built-in routines and your own.
    Check {
        /// Routine files or directories of routine files.
        #[arg(value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
    },
    /// Print a routine's timeline: each step with its start time and length.
    Show {
        /// A routine id (see `knotless list`) or the path of a routine file.
        routine: String,
    },
    /// Print shell completions.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}
