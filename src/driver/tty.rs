//! Reading the terminal: everything waiting in its queue is read in one go
//! (a paste of any length, a long answer), told apart by `keys::Decoder`,
//! and handed out a key at a time. Ctrl-C jumps the queue, so it acts at
//! once however much was pasted before it.

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keys::{Decoder, Input};

/// How long a lone escape byte waits for the rest of a sequence before it
/// is the Esc key (what the first part of a split answer needs on a slow
/// link; vim's default is 100 ms, neovim's 50 ms).
const ESCAPE_WAIT: Duration = Duration::from_millis(40);

/// How long a half-read answer waits for its rest before it is dropped.
const ANSWER_WAIT: Duration = Duration::from_millis(500);

/// Bytes read in one go before the keys in them are handed out (the rest
/// is read on the next turn): a flood never holds the keys up for long.
const DRAIN: usize = 1 << 20;

/// Keys kept waiting to be handled: past this, a paste is cut (nobody
/// types this far ahead, and each key is a frame).
const QUEUE: usize = 1024;

pub struct Tty {
    fd: OwnedFd,
    decoder: Decoder,
    queue: VecDeque<Input>,
    /// Keys dropped from the last paste that overflowed the queue.
    dropped: usize,
    buf: Box<[u8]>,
}

impl Tty {
    /// The terminal's input: standard input when it is one, else
    /// `/dev/tty` (as crossterm, which put it in raw mode, does).
    pub fn open() -> io::Result<Self> {
        use std::os::fd::AsFd;
        let stdin = io::stdin();
        // SAFETY: isatty on a valid descriptor.
        let fd = if unsafe { libc::isatty(stdin.as_raw_fd()) } == 1 {
            stdin.as_fd().try_clone_to_owned()?
        } else {
            std::fs::File::options().read(true).open("/dev/tty")?.into()
        };
        Ok(Self {
            fd,
            decoder: Decoder::default(),
            queue: VecDeque::new(),
            dropped: 0,
            buf: vec![0u8; 64 * 1024].into_boxed_slice(),
        })
    }

    /// The next key or answer, waiting for it as long as it takes. `Ok(None)`:
    /// the terminal's input closed.
    pub fn next(&mut self) -> io::Result<Option<Input>> {
        loop {
            // Whatever came since the last key first: it may hold a Ctrl-C.
            if !self.drain()? {
                return Ok(None);
            }
            if let Some(input) = self.queue.pop_front() {
                return Ok(Some(input));
            }
            let wait = match (self.decoder.lone_escape(), self.decoder.pending()) {
                (true, _) => Some(ESCAPE_WAIT),
                (false, true) => Some(ANSWER_WAIT),
                (false, false) => None,
            };
            if !self.readable(wait)? {
                let (queue, dropped) = (&mut self.queue, &mut self.dropped);
                self.decoder.quiet(&mut |i| push(queue, dropped, i));
            }
        }
    }

    /// Another program had the terminal: what was half read is stale.
    pub fn reset(&mut self) {
        self.decoder.reset();
    }

    /// Read everything waiting (up to `DRAIN` bytes) without blocking.
    /// `false`: the input closed.
    fn drain(&mut self) -> io::Result<bool> {
        let mut total = 0;
        while total < DRAIN && self.readable(Some(Duration::ZERO))? {
            // SAFETY: reads into a buffer of the length given.
            let buf = &mut self.buf;
            let n = unsafe { libc::read(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n < 0 {
                let e = io::Error::last_os_error();
                match e.kind() {
                    io::ErrorKind::Interrupted => continue,
                    io::ErrorKind::WouldBlock => break,
                    _ => return Err(e),
                }
            }
            if n == 0 {
                return Ok(false);
            }
            let n = n as usize;
            total += n;
            let (queue, dropped) = (&mut self.queue, &mut self.dropped);
            self.decoder
                .feed(&self.buf[..n], &mut |i| push(queue, dropped, i));
        }
        if self.dropped > 0 {
            tracing::info!("a paste too long to type: {} keys dropped", self.dropped);
            self.dropped = 0;
        }
        Ok(true)
    }

    /// Whether the terminal has something to read within `wait` (for ever
    /// when `None`).
    fn readable(&self, wait: Option<Duration>) -> io::Result<bool> {
        let ms = wait.map_or(-1, |w| i32::try_from(w.as_millis()).unwrap_or(i32::MAX));
        let mut fd = libc::pollfd {
            fd: self.fd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        loop {
            // SAFETY: one valid pollfd for the duration of the call.
            let n = unsafe { libc::poll(&mut fd, 1, ms) };
            if n >= 0 {
                // A hang-up with nothing left to read counts as readable:
                // the read then says the input closed.
                return Ok(n > 0);
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

fn interrupt(input: &Input) -> bool {
    *input == Input::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
}

/// Queue `input`: Ctrl-C goes before everything still waiting (which it
/// makes moot: it ends the program); keys past `QUEUE` are dropped.
fn push(queue: &mut VecDeque<Input>, dropped: &mut usize, input: Input) {
    if interrupt(&input) {
        let before = queue.len();
        queue.retain(|i| matches!(i, Input::Background(_)));
        *dropped += before - queue.len();
        queue.push_back(input);
    } else if queue.len() < QUEUE || matches!(input, Input::Background(_)) {
        queue.push_back(input);
    } else {
        *dropped += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(c: char) -> Input {
        Input::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    #[test]
    fn ctrl_c_jumps_a_long_paste_and_a_flood_is_cut() {
        let mut queue = VecDeque::new();
        let mut dropped = 0;
        for _ in 0..5000 {
            push(&mut queue, &mut dropped, ch('x'));
        }
        assert_eq!(queue.len(), QUEUE);
        let ctrl_c = Input::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        push(&mut queue, &mut dropped, ctrl_c);
        assert_eq!(queue.front(), Some(&ctrl_c));
        assert_eq!(queue.len(), 1);
        assert_eq!(dropped, 5000);
    }
}
