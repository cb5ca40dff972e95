//! Routine format 1: reading, checking and finding routine files.

pub mod builtin;
pub mod duration;
pub mod library;
pub mod lint;
pub mod load;
pub mod model;
pub mod parse;
mod raw;
pub mod report;
pub mod schema;
pub mod settings;
mod sound_choice;
pub mod user_copy;
mod validate;
mod words;
pub mod write;

pub use crate::diag::{FileProblems, Problem};
pub use library::{Entry, Library};
pub use model::{Area, Cue, Origin, Position, Pressure, Routine, Say, Side, Sides, Step, StepKind};
pub use model::{Fitted, Resumes, RunNote};
pub use sound_choice::SoundChoice;
pub use validate::MAX_STEPS;
