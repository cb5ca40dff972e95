//! What wakes the driver besides its own deadline.

use std::path::PathBuf;

use crossterm::event::KeyEvent;

#[derive(Debug)]
pub enum Event {
    Key(KeyEvent),
    /// The terminal said what its background is (it may answer at any time,
    /// or never: the screen is drawn at once, and again in its colours).
    /// Only the Unix input reader hears it.
    #[cfg(unix)]
    Background(crate::ui::theme::Background),
    Resize,
    Signal(i32),
    /// The terminal's input closed: nobody is there any more.
    InputGone,
    /// A watched routine directory changed.
    Reload,
    /// The editor closed (whether it could run).
    Edited(PathBuf, Result<bool, crate::app::NotEdited>),
}
