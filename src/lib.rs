//! knotless: a calm terminal guide for self-massage and breathing routines.
//!
//! - `routine`: the file format, its checks and diagnostics, discovery.
//! - `timeline`: a routine laid out in time.
//! - `breath`: breathing patterns, pure.
//! - `commands`: what each subcommand prints.

pub mod app;
pub mod breath;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod editor;
pub mod fsx;
pub mod history;
pub mod input;
pub mod logging;
pub mod paths;
pub mod plain;
pub mod routine;
pub mod session;
pub mod settings;
pub mod sound;
pub mod terminal;
pub mod text;
pub mod timeline;
pub mod ui;
