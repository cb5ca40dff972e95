//! What wakes the driver besides its own deadline.

use std::path::PathBuf;

use crossterm::event::KeyEvent;

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    Resize,
    Signal(i32),
    /// The terminal's input closed: nobody is there any more.
    InputGone,
    /// A watched routine directory changed.
    Reload,
    /// The editor closed (whether it could run).
    Edited(PathBuf, Result<bool, crate::app::NotEdited>),
}
