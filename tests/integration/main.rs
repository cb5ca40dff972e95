//! Tests that run the real `knotless` binary, the way a user would.
//!
//! Unix only: they drive the binary through ptys, signals and fake speech
//! engines written as shell scripts. On Windows the library's unit tests
//! run (under Wine in `.ci/run`).
#![cfg(unix)]
// Tests may unwrap, expect and panic: a failed test says where.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
mod json_outputs;
mod light;
mod picker_today;
mod plan_today;
mod pty;
#[cfg(target_os = "linux")]
mod remind;
mod session_screen;
mod sound;
mod sound_server;
mod support;
mod today;
mod tools;
mod voice;
