//! Windows' stand-in for signals: console control events. Ctrl+C and
//! Ctrl+Break (when the console is not in raw mode, e.g. `--plain`),
//! closing the console window, logging off and shutting down all stop the
//! session, record it and give the terminal back, as the Unix signals do.
//! In the full screen crossterm's raw mode delivers Ctrl+C as a key, which
//! the keymap already handles. There is no job control: Ctrl-Z pauses.

use std::io;
use std::sync::Mutex;
use std::sync::mpsc::Sender;
use std::time::Duration;

use windows_sys::Win32::System::Console::{
    CTRL_BREAK_EVENT, CTRL_C_EVENT, CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT,
    SetConsoleCtrlHandler,
};
use windows_sys::core::BOOL;

use super::event::Event;
use crate::app::Exit;

/// The Unix numbers, so that the exit status means the same everywhere
/// (128 + the number): a closed console is a hang-up (129), Ctrl+C and
/// Ctrl+Break an interrupt (130), logging off or shutting down a
/// termination (143).
pub const SIGHUP: i32 = 1;
pub const SIGINT: i32 = 2;
pub const SIGTERM: i32 = 15;

/// Where the handler sends its events; `None` when nobody listens.
static SINK: Mutex<Option<Sender<Event>>> = Mutex::new(None);

/// How long the handler holds on after a close, log-off or shut-down:
/// Windows ends the process as soon as the handler returns, so it waits
/// while the main thread records the session and leaves (Windows itself
/// allows about 5 s before it ends the process anyway).
const GRACE: Duration = Duration::from_secs(10);

/// Stops the forwarding when closed.
pub struct Handle;

impl Handle {
    pub fn close(&self) {
        // SAFETY: removing a handler this module added; no pointers.
        unsafe { SetConsoleCtrlHandler(Some(on_control), 0) };
        if let Ok(mut sink) = SINK.lock() {
            *sink = None;
        }
    }
}

/// Forward console control events to `tx`. `_job_control` has no meaning
/// on Windows (resizes come from crossterm's reader).
pub fn listen(tx: Sender<Event>, _job_control: bool) -> io::Result<Handle> {
    if let Ok(mut sink) = SINK.lock() {
        *sink = Some(tx);
    }
    // SAFETY: `on_control` is a plain function that lives for the whole
    // program.
    if unsafe { SetConsoleCtrlHandler(Some(on_control), 1) } == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Handle)
}

/// Called by Windows on a thread of its own. Returning 0 leaves the event
/// to the next handler (the default one ends the process).
unsafe extern "system" fn on_control(kind: u32) -> BOOL {
    let n = match kind {
        CTRL_C_EVENT | CTRL_BREAK_EVENT => SIGINT,
        CTRL_CLOSE_EVENT => SIGHUP,
        CTRL_LOGOFF_EVENT | CTRL_SHUTDOWN_EVENT => SIGTERM,
        _ => return 0,
    };
    let sent = SINK
        .lock()
        .ok()
        .and_then(|sink| sink.as_ref().map(|tx| tx.send(Event::Signal(n)).is_ok()))
        .unwrap_or(false);
    if !sent {
        return 0;
    }
    if n != SIGINT {
        std::thread::sleep(GRACE);
    }
    1
}

/// How the program leaves after event `n`.
pub fn exit_for(n: i32) -> Exit {
    match n {
        SIGTERM => Exit::Terminated,
        SIGHUP => Exit::HungUp,
        SIGINT => Exit::Interrupted,
        n => Exit::Signal(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_c_and_ctrl_break_interrupt_and_a_closed_console_hangs_up() {
        let (tx, rx) = std::sync::mpsc::channel();
        let handle = listen(tx, true).unwrap();
        let mut got = Vec::new();
        for kind in [CTRL_C_EVENT, CTRL_BREAK_EVENT] {
            // SAFETY: called as Windows would call it.
            assert_eq!(unsafe { on_control(kind) }, 1);
            got.push(rx.recv_timeout(Duration::from_secs(10)).unwrap());
        }
        handle.close();
        // Nobody listens any more: the default handler gets the event.
        assert_eq!(unsafe { on_control(CTRL_C_EVENT) }, 0);
        let codes: Vec<u8> = got
            .iter()
            .map(|e| match e {
                Event::Signal(n) => exit_for(*n).code(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(codes, [130, 130]);
        assert_eq!(exit_for(SIGHUP).code(), 129);
        assert_eq!(exit_for(SIGTERM).code(), 143);
    }
}
