//! Tests that run the real `knotless` binary, the way a user would.

mod cli;
mod editing;
mod history;
mod pty;
mod sound;
mod today;
mod voice;
