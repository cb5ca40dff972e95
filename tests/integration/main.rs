//! Tests that run the real `knotless` binary, the way a user would.

mod cli;
mod editing;
mod fuzz;
mod history;
mod hostile;
mod pty;
mod sound;
