//! Taking the terminal over and always giving it back: on a normal exit, an
//! error, a panic (the message is printed after the terminal is restored),
//! a signal, and around a suspend.

use std::io::{self, BufWriter, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::style::{Attribute, ResetColor, SetAttribute};
use crossterm::{cursor, execute, terminal};
use ratatui::backend::{Backend as _, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

mod lean;
mod pen;
mod query;
pub mod title;

pub use lean::Lean;
pub use query::{ask_background, parse_background};

pub type Backend = Lean<BufWriter<Out>>;

/// Standard output without Rust's line buffering, which would split every
/// frame at its last line feed into two writes (the frame buffer above it
/// already writes each frame in one go).
#[cfg(unix)]
pub type Out = std::fs::File;
#[cfg(not(unix))]
pub type Out = io::Stdout;

#[cfg(unix)]
fn raw_stdout() -> io::Result<Out> {
    use std::os::fd::AsFd;
    Ok(io::stdout().as_fd().try_clone_to_owned()?.into())
}

#[cfg(not(unix))]
fn raw_stdout() -> io::Result<Out> {
    Ok(io::stdout())
}
pub type Tui = ratatui::Terminal<Capped<Backend>>;

/// Whether the terminal is currently taken over, so restoring twice (a
/// panic during a restore, a guard dropped after a signal) is harmless.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// One frame is written in one go.
const FRAME_BUFFER: usize = 64 * 1024;

/// The largest screen drawn. A terminal may claim any size up to
/// 65535×65535, and a buffer that size would need hundreds of gigabytes;
/// past this the rest of the window is left blank.
pub const MAX_WIDTH: u16 = 1000;
pub const MAX_HEIGHT: u16 = 400;

/// Take the terminal: raw mode, the alternate screen, no cursor.
pub fn enter() -> io::Result<Tui> {
    install_panic_hook();
    take()?;
    let out = raw_stdout().inspect_err(|_| restore())?;
    let mut backend = Lean::new(BufWriter::with_capacity(FRAME_BUFFER, out));
    // The alternate screen starts blank; clearing it once tells the backend
    // so, and it writes the first frames as lean as the rest.
    backend.clear().inspect_err(|_| restore())?;
    ratatui::Terminal::new(Capped(backend)).inspect_err(|_| restore())
}

/// Raw mode, the alternate screen, no cursor (again, after a suspend).
pub fn take() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let entered = execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide);
    if entered.is_err() {
        restore();
    }
    entered
}

/// Give the terminal back: leave the alternate screen, show the cursor,
/// cooked mode. Safe to call any number of times; a terminal that went
/// away is not an error.
pub fn restore() {
    title::restore();
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        // The backend leaves its colours set between frames: reset them, so
        // the shell's prompt is not drawn in them.
        let _ = execute!(
            out,
            ResetColor,
            SetAttribute(Attribute::Reset),
            terminal::LeaveAlternateScreen,
            cursor::Show
        );
        let _ = terminal::disable_raw_mode();
        let _ = out.flush();
    }
}

/// Restores the terminal when dropped, whatever path leaves the loop.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Restore the terminal before the panic message is printed, so it is
/// readable and the shell is usable afterwards.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// A backend whose size is capped at `MAX_WIDTH`×`MAX_HEIGHT`.
pub struct Capped<B>(pub B);

fn cap(size: Size) -> Size {
    Size::new(size.width.min(MAX_WIDTH), size.height.min(MAX_HEIGHT))
}

impl<B: ratatui::backend::Backend> ratatui::backend::Backend for Capped<B> {
    type Error = B::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.0.draw(content)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.0.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.0.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.0.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.0.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        self.0.size().map(cap)
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        let mut size = self.0.window_size()?;
        size.columns_rows = cap(size.columns_rows);
        Ok(size)
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use ratatui::backend::{Backend as _, TestBackend};

    use super::*;

    #[test]
    fn a_huge_window_is_drawn_at_the_capped_size() {
        let backend = Capped(TestBackend::new(u16::MAX, 3));
        assert_eq!(backend.size().unwrap(), Size::new(MAX_WIDTH, 3));
    }
}
