//! Signals: every one whose default action would end the process is
//! caught, so the session is stopped and recorded and the terminal given
//! back before the program leaves with the usual status (128 + the
//! signal's number). Faults (SIGSEGV, SIGILL, SIGFPE, SIGBUS, SIGABRT) are
//! left alone: the panic hook and the guard cover what can be covered.

use std::sync::mpsc::Sender;
use std::thread;

pub use signal_hook::iterator::Handle;
use signal_hook::iterator::Signals;

use super::event::Event;
use crate::app::Exit;

pub use libc::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP};

/// The signals that end a process unless caught.
const ENDING: &[i32] = &[
    libc::SIGHUP,
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGTERM,
    libc::SIGUSR1,
    libc::SIGUSR2,
    libc::SIGALRM,
    libc::SIGVTALRM,
    libc::SIGPROF,
    libc::SIGXCPU,
    libc::SIGXFSZ,
    libc::SIGIO,
    #[cfg(any(target_os = "linux", target_os = "android"))]
    libc::SIGPWR,
];

/// Forward signals to `tx` from a thread of their own. With `job_control`
/// (the full screen), Ctrl-Z and `fg` come too, and a change of the
/// window's size as `Event::Resize`.
pub fn listen(tx: Sender<Event>, job_control: bool) -> std::io::Result<Handle> {
    let mut wanted = ENDING.to_vec();
    if job_control {
        wanted.extend([SIGTSTP, SIGCONT, libc::SIGWINCH]);
    }
    let mut signals = Signals::new(wanted)?;
    let handle = signals.handle();
    thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let event = match signal {
                    libc::SIGWINCH => Event::Resize,
                    n => Event::Signal(n),
                };
                if tx.send(event).is_err() {
                    return;
                }
            }
        })?;
    Ok(handle)
}

/// How the program leaves after signal `n`.
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
    fn a_window_size_change_is_a_resize() {
        let (tx, rx) = std::sync::mpsc::channel();
        let handle = listen(tx, true).unwrap();
        signal_hook::low_level::raise(libc::SIGWINCH).unwrap();
        let got = rx.recv_timeout(std::time::Duration::from_secs(10));
        handle.close();
        assert!(matches!(got, Ok(Event::Resize)), "{got:?}");
    }

    #[test]
    fn each_ending_signal_leaves_with_128_plus_its_number() {
        for &n in ENDING {
            assert_eq!(i32::from(exit_for(n).code()), 128 + n, "signal {n}");
        }
    }
}
