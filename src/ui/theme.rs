//! Colours: muted by default, a high-contrast set, or none at all (the
//! `mono` theme, and always under NO_COLOR).

use ratatui::style::{Color, Modifier, Style};

use super::display::ThemeName;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub high_contrast: bool,
    /// The terminal's background, when it said: colours are chosen for it.
    /// Unknown, the terminal's own palette is used (its named colours,
    /// which it keeps readable on its own background).
    pub background: Option<Background>,
}

/// Whether the terminal's background is dark or light. Only the Unix
/// input reader hears the terminal say so (`terminal::parse_background`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Background {
    Dark,
    #[cfg(any(unix, test))]
    Light,
}

impl Background {
    /// From the background colour's channels (0 to 1): light when its
    /// relative luminance is past the middle.
    #[cfg(any(unix, test))]
    pub fn of_rgb(r: f64, g: f64, b: f64) -> Self {
        let lin = |c: f64| {
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
        if luminance > 0.18 {
            Background::Light
        } else {
            Background::Dark
        }
    }
}

impl Theme {
    pub const CALM: Theme = Theme {
        color: true,
        high_contrast: false,
        background: Some(Background::Dark),
    };
    pub const HIGH_CONTRAST: Theme = Theme {
        color: true,
        high_contrast: true,
        background: Some(Background::Dark),
    };
    pub const MONO: Theme = Theme {
        color: false,
        high_contrast: false,
        background: None,
    };

    /// The same theme, with colours for `background` (or the terminal's
    /// own palette when it is unknown).
    pub fn on(self, background: Option<Background>) -> Self {
        Self { background, ..self }
    }

    /// The named theme, without colour when `--color never`, `NO_COLOR`
    /// or `TERM=dumb` says so (see `crate::color`). Its colours are for a
    /// dark background until the terminal says otherwise (see `on`).
    pub fn new(name: ThemeName) -> Self {
        let no_color = !crate::color::enabled(true);
        match name {
            _ if no_color => Self::MONO,
            ThemeName::Calm => Self::CALM,
            ThemeName::HighContrast => Self::HIGH_CONTRAST,
            ThemeName::Mono => Self::MONO,
        }
    }

    /// A colour by background: for a dark one, a light one, and unknown
    /// (a named colour of the terminal's own palette).
    fn fg(&self, [dark, light, unknown]: [Color; 3]) -> Style {
        if !self.color {
            return Style::new();
        }
        // Never light where the background is never heard.
        #[cfg(not(any(unix, test)))]
        let _ = light;
        Style::new().fg(match self.background {
            Some(Background::Dark) => dark,
            #[cfg(any(unix, test))]
            Some(Background::Light) => light,
            None => unknown,
        })
    }

    /// `calm` or `high` colours, by the theme.
    fn pick(&self, calm: [Color; 3], high: [Color; 3]) -> Style {
        self.fg(if self.high_contrast { high } else { calm })
    }

    /// Ordinary text.
    pub fn text(&self) -> Style {
        Style::new()
    }

    /// Secondary text: labels, hints, key help. At least 4.5:1 against
    /// the background it was chosen for.
    pub fn dim(&self) -> Style {
        match (self.color, self.background) {
            (true, Some(_)) => self.pick(
                [
                    Color::Rgb(138, 142, 150),
                    Color::Rgb(92, 96, 104),
                    Color::Reset,
                ],
                [Color::Gray, Color::DarkGray, Color::Reset],
            ),
            // The terminal's own text, dimmed: readable on any background.
            _ => Style::new().add_modifier(Modifier::DIM),
        }
    }

    /// What the eye should find first: the step title, the countdown. At
    /// least 4.5:1 against the background it was chosen for.
    pub fn accent(&self) -> Style {
        self.pick(
            [
                Color::Rgb(143, 188, 187),
                Color::Rgb(0, 108, 110),
                Color::Cyan,
            ],
            [Color::LightCyan, Color::Blue, Color::Cyan],
        )
        .add_modifier(Modifier::BOLD)
    }

    /// Cautions and "stop if it hurts".
    pub fn caution(&self) -> Style {
        self.pick(
            [
                Color::Rgb(208, 170, 112),
                Color::Rgb(138, 84, 0),
                Color::Yellow,
            ],
            [Color::LightYellow, Color::Red, Color::Yellow],
        )
    }

    /// Progress bars' filled part.
    pub fn bar(&self) -> Style {
        self.pick(
            [
                Color::Rgb(110, 150, 150),
                Color::Rgb(40, 116, 116),
                Color::Cyan,
            ],
            [Color::White, Color::Black, Color::Reset],
        )
    }

    /// The highlighted row of a list.
    pub fn selected(&self) -> Style {
        let bg = match self.background {
            Some(Background::Dark) => Some(Color::Rgb(52, 60, 66)),
            #[cfg(any(unix, test))]
            Some(Background::Light) => Some(Color::Rgb(216, 224, 228)),
            None => None,
        };
        match (self.color, self.high_contrast, bg) {
            (true, false, Some(bg)) => Style::new().bg(bg).add_modifier(Modifier::BOLD),
            _ => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG contrast ratio of two sRGB colours.
    fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
        let lum = |(r, g, b): (u8, u8, u8)| {
            let lin = |c: u8| {
                let c = f64::from(c) / 255.0;
                if c <= 0.04045 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    fn rgb(style: Style) -> (u8, u8, u8) {
        match style.fg {
            Some(Color::Rgb(r, g, b)) => (r, g, b),
            other => panic!("not a true colour: {other:?}"),
        }
    }

    #[test]
    fn colours_keep_their_contrast_on_the_background_they_are_for() {
        for (bg, theme) in [
            ((0, 0, 0), Theme::CALM),
            ((30, 30, 30), Theme::CALM),
            ((255, 255, 255), Theme::CALM.on(Some(Background::Light))),
            ((250, 248, 240), Theme::CALM.on(Some(Background::Light))),
        ] {
            for (name, style, least) in [
                ("dim", theme.dim(), 4.5),
                ("accent", theme.accent(), 4.5),
                ("caution", theme.caution(), 4.5),
                ("bar", theme.bar(), 3.0),
            ] {
                let c = contrast(rgb(style), bg);
                assert!(c >= least, "{name} on {bg:?}: {c:.2}");
            }
        }
    }

    #[test]
    fn an_unknown_background_uses_the_terminals_own_palette() {
        let t = Theme::CALM.on(None);
        assert_eq!(t.text(), Style::new());
        assert!(t.dim().add_modifier.contains(Modifier::DIM));
        assert_eq!(t.accent().fg, Some(Color::Cyan));
        assert_eq!(Background::of_rgb(1.0, 1.0, 1.0), Background::Light);
        assert_eq!(Background::of_rgb(0.0, 0.17, 0.21), Background::Dark);
    }
}
