//! The terminal standing in for sound (`[sound] terminal_bell`): its bell
//! (BEL) and its window title (OSC 2). Neither moves the cursor nor
//! changes a cell, so the screen model is untouched; they are written
//! between frames, never inside one. The user's own title is saved the
//! first time (xterm's title stack, `CSI 22 t`) and given back at exit.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// The user's title was saved on the terminal's title stack.
static SAVED: AtomicBool = AtomicBool::new(false);

/// The longest title written, in characters.
const MAX_TITLE: usize = 120;

/// Ring the terminal's bell.
pub fn ring(out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"\x07")?;
    out.flush()
}

/// Show `title` in the window's title bar; `None` gives the user's own
/// title back. Control characters are left out: a routine's title must
/// not end the sequence or start another.
pub fn set(out: &mut impl Write, title: Option<&str>) -> io::Result<()> {
    match title {
        Some(text) => {
            if !SAVED.swap(true, Ordering::SeqCst) {
                out.write_all(b"\x1b[22;2t")?;
            }
            let clean: String = text
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_TITLE)
                .collect();
            write!(out, "\x1b]2;{clean}\x07")?;
        }
        None => restore_into(out)?,
    }
    out.flush()
}

/// Give the user's title back, if it was changed.
fn restore_into(out: &mut impl Write) -> io::Result<()> {
    if SAVED.swap(false, Ordering::SeqCst) {
        out.write_all(b"\x1b[23;2t")?;
    }
    Ok(())
}

/// At exit: the user's title back (see `terminal::restore`).
pub fn restore() {
    let mut out = io::stdout();
    let _ = restore_into(&mut out);
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_written_without_its_control_characters_and_given_back() {
        let mut out = Vec::new();
        set(&mut out, Some("Step 1/2 · Neck\x07\x1b]2;evil · 0:45")).unwrap();
        set(&mut out, Some("Step 1/2 · Neck · 0:44")).unwrap();
        set(&mut out, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\x1b[22;2t\x1b]2;Step 1/2 · Neck]2;evil · 0:45\x07\x1b]2;Step 1/2 · Neck · 0:44\x07\x1b[23;2t"
        );
        let mut bell = Vec::new();
        ring(&mut bell).unwrap();
        assert_eq!(bell, b"\x07");
    }
}
