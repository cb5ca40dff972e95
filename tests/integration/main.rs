//! Tests that run the real `knotless` binary, the way a user would.

mod by_ear;
mod cli;
mod editing;
mod first_bell;
mod fuzz;
mod history;
mod hooks;
mod hostile;
mod hostile_history;
mod input;
mod light;
mod picker_today;
mod pty;
mod session_screen;
mod sound;
mod sound_server;
mod support;
mod today;
mod tools;
mod voice;
