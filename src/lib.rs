//! knotless: a calm terminal guide for self-massage and breathing routines.
//!
//! - `diag`: reading files within bounds, TOML spans, file:line:column reports.
//! - `routine`: the file format, its checks, discovery.
//! - `timeline`: a routine laid out in time.
//! - `breath`: breathing patterns, pure.
//! - `commands`: what each subcommand prints.
//! - `voice`: spoken guidance, rendered ahead by a speech engine.

pub mod app;
pub mod body;
pub mod breath;
pub mod cli;
pub mod clock;
pub mod color;
pub mod commands;
pub mod completion;
pub mod compose;
pub mod diag;
pub mod driver;
pub mod editor;
pub mod features;
pub mod fit;
pub mod format;
pub mod fsx;
pub mod history;
pub mod hooks;
pub mod input;
pub mod io_words;
pub mod logging;
pub mod man;
pub mod paths;
pub mod plan;
pub mod remind;
pub mod routine;
pub mod safety;
pub mod session;
pub mod settings;
pub mod sound;
pub mod terminal;
pub mod text;
pub mod timeline;
pub mod ui;
pub mod voice;
