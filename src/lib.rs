//! knotless: a calm terminal guide for self-massage and breathing routines.
//!
//! - `diag`: reading files within bounds, TOML spans, file:line:column reports.
//! - `routine`: the file format, its checks, discovery.
//! - `timeline`: a routine laid out in time.
//! - `breath`: breathing patterns, pure.
//! - `commands`: what each subcommand prints.
//! - `voice`: spoken guidance, rendered ahead by a speech engine.

pub(crate) mod app;
pub(crate) mod body;
pub(crate) mod breath;
pub mod cli;
pub(crate) mod clock;
pub(crate) mod color;
pub mod commands;
pub mod completion;
pub(crate) mod compose;
pub(crate) mod diag;
pub(crate) mod driver;
pub(crate) mod editor;
pub(crate) mod features;
pub(crate) mod fit;
pub mod format;
pub(crate) mod fsx;
pub mod history;
pub(crate) mod hooks;
pub(crate) mod input;
pub(crate) mod io_words;
pub(crate) mod logging;
pub(crate) mod man;
pub(crate) mod paths;
pub mod plan;
pub(crate) mod remind;
pub mod routine;
pub(crate) mod safety;
pub(crate) mod session;
pub mod settings;
pub(crate) mod sound;
pub(crate) mod terminal;
pub mod text;
pub mod timeline;
pub(crate) mod ui;
pub mod voice;
