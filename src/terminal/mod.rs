//! Taking the terminal over and always giving it back: on a normal exit, an
//! error, a panic (the message is printed after the terminal is restored),
//! a signal, and around a suspend.

use std::io::{self, BufWriter, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::style::{Attribute, ResetColor, SetAttribute};
use crossterm::{cursor, execute, terminal};
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::{Terminal, TerminalOptions, Viewport};

mod known;
mod lean;
mod pen;
mod query;
pub mod title;

pub use lean::Lean;
/// Two terminal emulators' screens show the same (tests).
#[cfg(test)]
pub(crate) use lean::tests::assert_alike;
pub use query::ask_background;
#[cfg(unix)]
pub use query::parse_background;

/// The real terminal, as this program knows it.
pub type Screen = Lean<BufWriter<Out>>;

/// Where the full screen's frames go: the terminal's model (`Lean`), or
/// ratatui's own terminal, which compares every cell itself (the
/// `KNOTLESS_BACKEND=crossterm` escape hatch for bug reports, and tests on
/// `TestBackend`).
pub trait Output {
    /// The screen's size, capped at `MAX_WIDTH`×`MAX_HEIGHT`.
    fn size(&self) -> io::Result<Size>;
    /// Show `frame`. Only cells within `dirty` differ from the frame last
    /// presented, unless the frame's size changed or `forget` was called
    /// since (then all of it is written).
    fn present(&mut self, frame: &Buffer, dirty: &[Rect]) -> io::Result<()>;
    /// Something else wrote to the screen (an editor, the shell around a
    /// suspend): the next frame clears it and is written whole.
    fn forget(&mut self);
}

impl<W: Write> Output for Lean<W> {
    fn size(&self) -> io::Result<Size> {
        Lean::size(self).map(cap)
    }

    fn present(&mut self, frame: &Buffer, dirty: &[Rect]) -> io::Result<()> {
        Lean::present(self, frame, dirty)
    }

    fn forget(&mut self) {
        Lean::forget(self);
    }
}

impl<O: Output + ?Sized> Output for Box<O> {
    fn size(&self) -> io::Result<Size> {
        (**self).size()
    }

    fn present(&mut self, frame: &Buffer, dirty: &[Rect]) -> io::Result<()> {
        (**self).present(frame, dirty)
    }

    fn forget(&mut self) {
        (**self).forget();
    }
}

/// ratatui's own terminal, on a viewport of the capped size.
pub fn ratatui_on<B: ratatui::backend::Backend>(backend: B) -> io::Result<Terminal<B>> {
    let size = backend.size().map(cap).map_err(other)?;
    let viewport = Viewport::Fixed(Rect::new(0, 0, size.width, size.height));
    Terminal::with_options(backend, TerminalOptions { viewport }).map_err(other)
}

impl<B: ratatui::backend::Backend> Output for Terminal<B> {
    fn size(&self) -> io::Result<Size> {
        self.backend().size().map(cap).map_err(other)
    }

    fn present(&mut self, frame: &Buffer, _dirty: &[Rect]) -> io::Result<()> {
        if self.get_frame().area() != frame.area {
            self.resize(frame.area).map_err(other)?;
        }
        self.draw(|f| f.buffer_mut().content.clone_from_slice(&frame.content))
            .map_err(other)?;
        Ok(())
    }

    fn forget(&mut self) {
        // A resize to the same size clears the screen and the back buffer
        // without asking the terminal anything (`Terminal::clear` would ask
        // where its cursor is, and the answer would race the input thread).
        let area = self.get_frame().area();
        let _ = self.resize(area);
    }
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

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

/// Take the terminal: raw mode, the alternate screen, no cursor. Frames
/// go through the terminal's model, or with `KNOTLESS_BACKEND=crossterm`
/// through ratatui's own crossterm backend (to tell, in a bug report,
/// whether the model is at fault).
pub fn enter() -> io::Result<Box<dyn Output>> {
    install_panic_hook();
    take()?;
    let out = raw_stdout().inspect_err(|_| restore())?;
    let out = BufWriter::with_capacity(FRAME_BUFFER, out);
    if std::env::var_os("KNOTLESS_BACKEND").is_some_and(|b| b == "crossterm") {
        let backend = ratatui::backend::CrosstermBackend::new(out);
        let mut terminal = ratatui_on(backend).inspect_err(|_| restore())?;
        Output::forget(&mut terminal);
        return Ok(Box::new(terminal));
    }
    Ok(Box::new(Screen::new(out)))
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

fn cap(size: Size) -> Size {
    Size::new(size.width.min(MAX_WIDTH), size.height.min(MAX_HEIGHT))
}

#[cfg(test)]
mod tests {
    use ratatui::backend::TestBackend;

    use super::*;

    #[test]
    fn a_huge_window_is_drawn_at_the_capped_size() {
        let terminal = ratatui_on(TestBackend::new(u16::MAX, 3)).unwrap();
        assert_eq!(Output::size(&terminal).unwrap(), Size::new(MAX_WIDTH, 3));
        assert_eq!(terminal.backend().buffer().area.width, u16::MAX);
        let lean = Lean::sized(Vec::new(), Size::new(u16::MAX, u16::MAX));
        assert_eq!(
            Output::size(&lean).unwrap(),
            Size::new(MAX_WIDTH, MAX_HEIGHT)
        );
    }
}
