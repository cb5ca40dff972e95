//! The bytes a terminal sends, told apart: keys, and the terminal's own
//! answers (its background colour, its device attributes, any other report),
//! which are never keys whatever their length. Pure: the reader in
//! `tty.rs` feeds it whatever arrived and says when the input went quiet.
//!
//! crossterm's own reader is not used: it stops after one 1,024-byte read
//! and leaves the rest of a paste unread until the next key, and it reads a
//! long answer as keys.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::ui::theme::Background;

/// What the terminal sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    /// The answer to the background-colour question (OSC 11).
    Background(Background),
}

/// How much of an answer is kept to be read: an OSC 11 answer is about 25
/// bytes. The rest of a longer one is read and dropped.
const KEPT: usize = 64;

#[derive(Debug, Default)]
enum State {
    #[default]
    Ground,
    /// An escape byte, nothing after it yet.
    Escape,
    /// `ESC [`: a control sequence, up to its final byte.
    Csi,
    /// `ESC O`: one more byte names the key.
    Ss3,
    /// A string (`ESC ]`, `ESC P`, `ESC _`, `ESC ^`, `ESC X`), up to BEL or
    /// `ESC \`; `escape`: its last byte was ESC.
    Text { osc: bool, escape: bool },
    /// The rest of a character in UTF-8: how many bytes it still needs.
    Utf8(usize),
}

/// Turns the terminal's bytes into what they mean, across reads.
#[derive(Debug, Default)]
pub struct Decoder {
    state: State,
    /// The sequence or character in hand (at most `KEPT` bytes of it).
    held: Vec<u8>,
}

impl Decoder {
    /// Read `bytes`, handing each key or answer to `out` as it completes.
    pub fn feed(&mut self, bytes: &[u8], out: &mut impl FnMut(Input)) {
        for &b in bytes {
            self.byte(b, out);
        }
    }

    /// Whether a sequence is half read: the reader waits a moment for the
    /// rest before calling `quiet`.
    pub fn pending(&self) -> bool {
        !matches!(self.state, State::Ground)
    }

    /// Whether what is half read is a lone escape byte, which is the Esc
    /// key unless more follows at once.
    pub fn lone_escape(&self) -> bool {
        matches!(self.state, State::Escape)
    }

    /// The input went quiet: a lone escape was the Esc key; anything else
    /// half read was a broken answer, and is dropped.
    pub fn quiet(&mut self, out: &mut impl FnMut(Input)) {
        if matches!(self.state, State::Escape) {
            out(key(KeyCode::Esc, KeyModifiers::NONE));
        }
        self.reset();
    }

    /// Forget anything half read (another program had the terminal).
    pub fn reset(&mut self) {
        self.state = State::Ground;
        self.held.clear();
    }

    fn hold(&mut self, b: u8) {
        if self.held.len() < KEPT {
            self.held.push(b);
        }
    }

    fn byte(&mut self, b: u8, out: &mut impl FnMut(Input)) {
        match self.state {
            State::Ground => self.ground(b, out),
            State::Escape => self.after_escape(b, out),
            State::Csi => self.csi(b, out),
            State::Ss3 => {
                self.state = State::Ground;
                if let Some(code) = ss3_key(b) {
                    out(key(code, KeyModifiers::NONE));
                } else if b < 0x20 {
                    self.ground(b, out);
                }
            }
            State::Text { osc, escape } => self.text(b, osc, escape, out),
            State::Utf8(left) => self.utf8(b, left, out),
        }
    }

    fn ground(&mut self, b: u8, out: &mut impl FnMut(Input)) {
        self.held.clear();
        match b {
            0x1b => self.state = State::Escape,
            0xc0..=0xf7 => {
                self.held.push(b);
                let len = if b >= 0xf0 {
                    3
                } else if b >= 0xe0 {
                    2
                } else {
                    1
                };
                self.state = State::Utf8(len);
            }
            0x80..=0xff => {}
            b => out(Input::Key(control_or_char(b))),
        }
    }

    fn after_escape(&mut self, b: u8, out: &mut impl FnMut(Input)) {
        self.state = match b {
            b'[' => State::Csi,
            b'O' => State::Ss3,
            b']' => State::Text {
                osc: true,
                escape: false,
            },
            b'P' | b'_' | b'^' | b'X' => State::Text {
                osc: false,
                escape: false,
            },
            0x20..=0x7e => {
                let code = KeyCode::Char(char::from(b));
                out(key(code, KeyModifiers::ALT));
                State::Ground
            }
            _ => {
                // Esc, then whatever this is (another escape, a control).
                out(key(KeyCode::Esc, KeyModifiers::NONE));
                self.state = State::Ground;
                self.ground(b, out);
                return;
            }
        };
        self.held.clear();
    }

    fn csi(&mut self, b: u8, out: &mut impl FnMut(Input)) {
        match b {
            0x20..=0x3f => self.hold(b),
            0x40..=0x7e => {
                self.state = State::Ground;
                if let Some(k) = csi_key(&self.held, b) {
                    out(Input::Key(k));
                }
                self.held.clear();
            }
            // A control byte inside a sequence: the sequence was broken,
            // and the byte is a key (Ctrl-C must always get through).
            _ => {
                self.reset();
                self.ground(b, out);
            }
        }
    }

    fn text(&mut self, b: u8, osc: bool, escape: bool, out: &mut impl FnMut(Input)) {
        let done = |this: &mut Self, out: &mut dyn FnMut(Input)| {
            if osc && let Some(bg) = crate::terminal::parse_background(&this.held) {
                out(Input::Background(bg));
            }
            this.reset();
        };
        match b {
            // BEL, or `ESC \`: the end.
            0x07 => done(self, &mut *out),
            b'\\' if escape => done(self, &mut *out),
            0x1b => self.state = State::Text { osc, escape: true },
            // ESC then anything else: the string was cut short, and a new
            // sequence starts.
            _ if escape => {
                self.reset();
                self.state = State::Escape;
                self.after_escape(b, out);
            }
            // No answer holds a control byte: the string was broken, and
            // the byte is a key.
            0x00..=0x1f => {
                self.reset();
                self.ground(b, out);
            }
            _ => self.hold(b),
        }
    }

    fn utf8(&mut self, b: u8, left: usize, out: &mut impl FnMut(Input)) {
        if b & 0xc0 != 0x80 {
            // Not a continuation: the character was broken.
            self.reset();
            self.ground(b, out);
            return;
        }
        self.held.push(b);
        if left > 1 {
            self.state = State::Utf8(left - 1);
            return;
        }
        if let Some(c) = std::str::from_utf8(&self.held)
            .ok()
            .and_then(|s| s.chars().next())
        {
            out(key(KeyCode::Char(c), shift_for(c)));
        }
        self.reset();
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Input {
    Input::Key(KeyEvent::new(code, modifiers))
}

fn shift_for(c: char) -> KeyModifiers {
    if c.is_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    }
}

/// A single byte below 0x80 (not ESC), as crossterm reads it in raw mode.
fn control_or_char(b: u8) -> KeyEvent {
    let ctrl = |c: u8| KeyEvent::new(KeyCode::Char(char::from(c)), KeyModifiers::CONTROL);
    match b {
        b'\r' => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
        b'\t' => KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
        0x7f => KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
        0x00 => ctrl(b' '),
        0x01..=0x1a => ctrl(b - 0x01 + b'a'),
        0x1c..=0x1f => ctrl(b - 0x1c + b'4'),
        b => {
            let c = char::from(b);
            KeyEvent::new(KeyCode::Char(c), shift_for(c))
        }
    }
}

/// `ESC O x`: the arrows and F1-F4 some terminals send.
fn ss3_key(b: u8) -> Option<KeyCode> {
    Some(match b {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(b - b'P' + 1),
        _ => return None,
    })
}

/// The key a control sequence names, if it names one: anything else (a
/// device-attributes answer `ESC [ ? … c`, a cursor report, focus, mouse)
/// is the terminal talking, not a key.
fn csi_key(params: &[u8], last: u8) -> Option<KeyEvent> {
    if params.first().is_some_and(|p| (b'<'..=b'?').contains(p)) {
        return None;
    }
    let text = std::str::from_utf8(params).ok()?;
    let mut numbers = text.split(';').map(|n| n.parse::<u16>().ok());
    let first = numbers.next().flatten();
    let modifiers = numbers
        .next()
        .flatten()
        .map_or(KeyModifiers::NONE, modifiers);
    let code = match last {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'Z' => return Some(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
        b'P' | b'Q' | b'S' if first.is_none_or(|n| n == 1) => KeyCode::F(match last {
            b'P' => 1,
            b'Q' => 2,
            _ => 4,
        }),
        b'~' => match first? {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            n @ 11..=15 => KeyCode::F(u8::try_from(n - 10).ok()?),
            n @ 17..=21 => KeyCode::F(u8::try_from(n - 11).ok()?),
            n @ 23..=24 => KeyCode::F(u8::try_from(n - 12).ok()?),
            _ => return None,
        },
        _ => return None,
    };
    Some(KeyEvent::new(code, modifiers))
}

/// xterm's modifier parameter: 1 + shift 1, alt 2, ctrl 4.
fn modifiers(n: u16) -> KeyModifiers {
    let bits = n.saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    for (bit, modifier) in [
        (1, KeyModifiers::SHIFT),
        (2, KeyModifiers::ALT),
        (4, KeyModifiers::CONTROL),
    ] {
        if bits & bit != 0 {
            m |= modifier;
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(chunks: &[&[u8]]) -> Vec<Input> {
        let mut decoder = Decoder::default();
        let mut got = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk, &mut |i| got.push(i));
        }
        decoder.quiet(&mut |i| got.push(i));
        got
    }

    fn keys(codes: &[KeyCode]) -> Vec<Input> {
        codes.iter().map(|&c| key(c, KeyModifiers::NONE)).collect()
    }

    #[test]
    fn letters_enter_arrows_and_pages_are_the_keys_they_look_like() {
        let got = decode(&[b"q\r \x1b[A\x1b[B\x1bOC\x1b[D\x1b[5~\x1b[6~\x1b[H\x1b[4~\x7f"]);
        assert_eq!(
            got,
            keys(&[
                KeyCode::Char('q'),
                KeyCode::Enter,
                KeyCode::Char(' '),
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Right,
                KeyCode::Left,
                KeyCode::PageUp,
                KeyCode::PageDown,
                KeyCode::Home,
                KeyCode::End,
                KeyCode::Backspace,
            ])
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(decode(&[b"\x03"]), vec![Input::Key(ctrl_c)]);
        assert_eq!(decode(&["é".as_bytes()]), keys(&[KeyCode::Char('é')]));
    }

    #[test]
    fn a_lone_escape_is_the_esc_key_once_the_input_is_quiet() {
        let mut decoder = Decoder::default();
        let mut got = Vec::new();
        decoder.feed(b"\x1b", &mut |i| got.push(i));
        assert!(got.is_empty() && decoder.lone_escape());
        decoder.quiet(&mut |i| got.push(i));
        assert_eq!(got, keys(&[KeyCode::Esc]));
        assert_eq!(decode(&[b"\x1b\x1b"]), keys(&[KeyCode::Esc, KeyCode::Esc]));
    }

    #[test]
    fn the_background_answer_is_read_and_never_typed() {
        let white = decode(&[b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c"]);
        assert_eq!(white, vec![Input::Background(Background::Light)]);
        // Split anywhere, across reads.
        let split = decode(&[b"\x1b", b"]11;rgb:1e1e/1e", b"1e/2e2e\x07\x1b[?1", b";2c"]);
        assert_eq!(split, vec![Input::Background(Background::Dark)]);
    }

    #[test]
    fn an_answer_of_any_length_is_never_read_as_keys() {
        let mut long = b"\x1b]11;rgb:".to_vec();
        long.extend(std::iter::repeat_n(b'q', 1 << 20));
        long.extend(b"\x1b\\");
        assert_eq!(decode(&[&long]), vec![]);
        let mut csi = b"\x1b[?".to_vec();
        csi.extend(std::iter::repeat_n(b'9', 100_000));
        csi.push(b'c');
        assert_eq!(decode(&[&csi, b"q"]), keys(&[KeyCode::Char('q')]));
        assert_eq!(decode(&[b"\x1bP>|xterm(390)\x1b\\"]), vec![]);
        assert_eq!(decode(&[b"\x1b[12;40R\x1b[I"]), vec![]);
    }

    #[test]
    fn ctrl_c_breaks_through_an_answer_that_never_ends() {
        let mut endless = b"\x1b]11;rgb:".to_vec();
        endless.extend(std::iter::repeat_n(b'q', 10_000));
        endless.push(0x03);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(decode(&[&endless]), vec![Input::Key(ctrl_c)]);
    }

    #[test]
    fn a_broken_sequence_left_half_read_is_dropped_when_the_input_goes_quiet() {
        assert_eq!(decode(&[b"\x1b]11;rgb:ffff/ff"]), vec![]);
        assert_eq!(decode(&[b"\x1b[1;"]), vec![]);
    }
}
