//! Taking the terminal over and always giving it back: on a normal exit, an
//! error, a panic (the message is printed after the terminal is restored),
//! a signal, and around a suspend.

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

pub type Tui = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Whether the terminal is currently taken over, so restoring twice (a
/// panic during a restore, a guard dropped after a signal) is harmless.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// One frame is written in one go.
const FRAME_BUFFER: usize = 64 * 1024;

/// Take the terminal: raw mode, the alternate screen, no cursor.
pub fn enter() -> io::Result<Tui> {
    install_panic_hook();
    take()?;
    let backend = CrosstermBackend::new(BufWriter::with_capacity(FRAME_BUFFER, io::stdout()));
    Terminal::new(backend).inspect_err(|_| restore())
}

fn take() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let entered = execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide);
    if entered.is_err() {
        restore();
    }
    entered
}

/// Give the terminal back: leave the alternate screen, show the cursor,
/// cooked mode. Safe to call any number of times.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
        let _ = terminal::disable_raw_mode();
        let _ = out.flush();
    }
}

/// Back after a suspend: take the terminal again and redraw everything.
///
/// `Terminal::clear` would ask the terminal where its cursor is, and the
/// answer would race the input thread; a resize to the current size clears
/// the screen and the back buffer without asking anything.
pub fn resume(tui: &mut Tui) -> io::Result<()> {
    take()?;
    let size = tui.size()?;
    tui.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
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
