//! The style the terminal writes with (its "pen"), and the shortest SGR
//! sequence that turns one pen into another.

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};

use super::lean::number;

/// Colours and attributes, as the terminal holds them between writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pen {
    pub fg: Color,
    pub bg: Color,
    pub modifier: Modifier,
}

/// Attributes that show on a blank cell: with any of these, a space is not
/// blank, so it cannot stand in for another space.
const SHOWS_ON_BLANK: Modifier = Modifier::UNDERLINED
    .union(Modifier::REVERSED)
    .union(Modifier::CROSSED_OUT);

impl Pen {
    /// The terminal's own colours, no attributes.
    pub const PLAIN: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        modifier: Modifier::empty(),
    };

    pub fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        }
    }

    /// Whether writing `symbol` with this pen shows exactly what it shows
    /// with `pen`: the same style, or a space, which looks the same
    /// whatever the foreground.
    pub fn draws_alike(self, symbol: char, pen: Pen) -> bool {
        pen == self
            || (symbol == ' '
                && pen.bg == self.bg
                && !pen.modifier.intersects(SHOWS_ON_BLANK)
                && !self.modifier.intersects(SHOWS_ON_BLANK))
    }

    /// Appends to `out` the SGR sequence from `from` (unknown: `None`) to
    /// this pen, or nothing when they are the same. Whichever is shorter:
    /// changing only what differs, or starting over from a reset.
    /// `spare` is scratch space, kept by the caller so nothing is
    /// allocated a frame.
    pub fn write_sgr(self, from: Option<Pen>, out: &mut Vec<u8>, spare: &mut Vec<u8>) {
        if from == Some(self) {
            return;
        }
        spare.clear();
        spare.push(b'0');
        self.set_all(spare);
        out.extend_from_slice(b"\x1b[");
        let start = out.len();
        if let Some(from) = from {
            self.changes_from(from, out);
        }
        if from.is_none() || out.len() - start >= spare.len() {
            out.truncate(start);
            out.extend_from_slice(spare);
        }
        out.push(b'm');
    }

    /// Everything this pen has that a reset pen lacks.
    fn set_all(self, out: &mut Vec<u8>) {
        for &(bit, on, _) in ATTRIBUTES {
            if self.modifier.contains(bit) {
                push(out, on);
            }
        }
        if self.fg != Color::Reset {
            color(self.fg, Layer::Fg, out);
        }
        if self.bg != Color::Reset {
            color(self.bg, Layer::Bg, out);
        }
    }

    fn changes_from(self, from: Pen, out: &mut Vec<u8>) {
        let mut kept = from.modifier;
        // Each "off" code may turn off more than one attribute (22: bold
        // and dim; 25: both blinks), so what stays is set again below.
        for &(bit, _, off) in ATTRIBUTES {
            if from.modifier.contains(bit) && !self.modifier.contains(bit) {
                push(out, off);
                kept.remove(shared_off(bit));
            }
        }
        for &(bit, on, _) in ATTRIBUTES {
            if self.modifier.contains(bit) && !kept.contains(bit) {
                push(out, on);
            }
        }
        if self.fg != from.fg {
            color(self.fg, Layer::Fg, out);
        }
        if self.bg != from.bg {
            color(self.bg, Layer::Bg, out);
        }
    }
}

/// Each attribute, its SGR code on, and its code off.
const ATTRIBUTES: &[(Modifier, &str, &str)] = &[
    (Modifier::BOLD, "1", "22"),
    (Modifier::DIM, "2", "22"),
    (Modifier::ITALIC, "3", "23"),
    (Modifier::UNDERLINED, "4", "24"),
    (Modifier::SLOW_BLINK, "5", "25"),
    (Modifier::RAPID_BLINK, "6", "25"),
    (Modifier::REVERSED, "7", "27"),
    (Modifier::HIDDEN, "8", "28"),
    (Modifier::CROSSED_OUT, "9", "29"),
];

/// Everything the "off" code of `bit` turns off.
fn shared_off(bit: Modifier) -> Modifier {
    if bit.intersects(Modifier::BOLD | Modifier::DIM) {
        Modifier::BOLD | Modifier::DIM
    } else if bit.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        Modifier::SLOW_BLINK | Modifier::RAPID_BLINK
    } else {
        bit
    }
}

/// One parameter, after a `;` unless it is the first.
fn push(out: &mut Vec<u8>, param: &str) {
    if !matches!(out.last(), None | Some(b'[')) {
        out.push(b';');
    }
    out.extend_from_slice(param.as_bytes());
}

#[derive(Clone, Copy)]
enum Layer {
    Fg,
    Bg,
}

/// The SGR parameters for `color`. The sixteen named colours are written
/// as palette entries (`38;5;n`), as crossterm writes them: some terminals
/// brighten bold text in the classic codes (30–37) but not in these, and
/// the screens look as they always did.
fn color(color: Color, layer: Layer, out: &mut Vec<u8>) {
    let (reset, extended) = match layer {
        Layer::Fg => (39, 38),
        Layer::Bg => (49, 48),
    };
    if !matches!(out.last(), None | Some(b'[')) {
        out.push(b';');
    }
    let entry = match color {
        Color::Reset => None,
        Color::Black => Some(0),
        Color::Red => Some(1),
        Color::Green => Some(2),
        Color::Yellow => Some(3),
        Color::Blue => Some(4),
        Color::Magenta => Some(5),
        Color::Cyan => Some(6),
        Color::Gray => Some(7),
        Color::DarkGray => Some(8),
        Color::LightRed => Some(9),
        Color::LightGreen => Some(10),
        Color::LightYellow => Some(11),
        Color::LightBlue => Some(12),
        Color::LightMagenta => Some(13),
        Color::LightCyan => Some(14),
        Color::White => Some(15),
        Color::Indexed(n) => Some(n),
        Color::Rgb(r, g, b) => {
            number(extended, out);
            out.extend_from_slice(b";2");
            for part in [r, g, b] {
                out.push(b';');
                number(u32::from(part), out);
            }
            return;
        }
    };
    match entry {
        Some(n) => {
            number(extended, out);
            out.extend_from_slice(b";5;");
            number(u32::from(n), out);
        }
        None => number(reset, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pen(fg: Color, modifier: Modifier) -> Pen {
        Pen {
            fg,
            bg: Color::Reset,
            modifier,
        }
    }

    impl Pen {
        fn sgr_from(self, from: Option<Pen>) -> String {
            let mut out = Vec::new();
            self.write_sgr(from, &mut out, &mut Vec::new());
            String::from_utf8(out).unwrap()
        }
    }

    #[test]
    fn only_what_changed_is_written() {
        let teal = pen(Color::Rgb(143, 188, 187), Modifier::empty());
        assert_eq!(teal.sgr_from(Some(teal)), "");
        assert_eq!(teal.sgr_from(Some(Pen::PLAIN)), "\x1b[38;2;143;188;187m");
        // "39" would do; a reset is shorter still.
        assert_eq!(Pen::PLAIN.sgr_from(Some(teal)), "\x1b[0m");
        let bold_teal = Pen {
            modifier: Modifier::BOLD,
            ..teal
        };
        assert_eq!(bold_teal.sgr_from(Some(teal)), "\x1b[1m");
        assert_eq!(Pen::PLAIN.sgr_from(None), "\x1b[0m");
        let bold = pen(Color::Reset, Modifier::BOLD);
        assert_eq!(bold.sgr_from(Some(Pen::PLAIN)), "\x1b[1m");
    }

    #[test]
    fn turning_bold_off_keeps_dim() {
        let both = pen(Color::Reset, Modifier::BOLD | Modifier::DIM);
        let dim = pen(Color::Reset, Modifier::DIM);
        // 22 turns off both, so dim is set again; a reset is as short.
        let sgr = dim.sgr_from(Some(both));
        assert!(sgr == "\x1b[22;2m" || sgr == "\x1b[0;2m", "{sgr:?}");
    }

    #[test]
    fn a_reset_is_used_when_it_is_shorter() {
        let busy = Pen {
            fg: Color::Rgb(1, 2, 3),
            bg: Color::Rgb(4, 5, 6),
            modifier: Modifier::BOLD | Modifier::ITALIC | Modifier::UNDERLINED,
        };
        assert_eq!(Pen::PLAIN.sgr_from(Some(busy)), "\x1b[0m");
    }

    #[test]
    fn named_colours_are_the_palette_entries_crossterm_writes() {
        assert_eq!(
            pen(Color::DarkGray, Modifier::empty()).sgr_from(Some(Pen::PLAIN)),
            "\x1b[38;5;8m"
        );
        // Not "1;36": some terminals would brighten that.
        let bold_cyan = pen(Color::Cyan, Modifier::BOLD);
        assert_eq!(bold_cyan.sgr_from(Some(Pen::PLAIN)), "\x1b[1;38;5;6m");
        let on_blue = Pen {
            bg: Color::Blue,
            ..Pen::PLAIN
        };
        assert_eq!(on_blue.sgr_from(Some(Pen::PLAIN)), "\x1b[48;5;4m");
        assert_eq!(
            pen(Color::Indexed(109), Modifier::empty()).sgr_from(Some(Pen::PLAIN)),
            "\x1b[38;5;109m"
        );
    }

    #[test]
    fn a_space_draws_alike_whatever_its_foreground() {
        let red = pen(Color::Red, Modifier::empty());
        assert!(Pen::PLAIN.draws_alike(' ', red));
        let underlined = pen(Color::Red, Modifier::UNDERLINED);
        assert!(!Pen::PLAIN.draws_alike(' ', underlined));
        assert!(Pen::PLAIN.draws_alike('█', Pen::PLAIN));
        assert!(!red.draws_alike('█', Pen::PLAIN));
    }
}
