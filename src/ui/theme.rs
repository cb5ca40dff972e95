//! Colours: muted by default, a high-contrast set, or none at all (the
//! `mono` theme, and always under NO_COLOR).

use ratatui::style::{Color, Modifier, Style};

use crate::settings::ThemeName;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
    pub high_contrast: bool,
}

impl Theme {
    pub const CALM: Theme = Theme {
        color: true,
        high_contrast: false,
    };
    pub const HIGH_CONTRAST: Theme = Theme {
        color: true,
        high_contrast: true,
    };
    pub const MONO: Theme = Theme {
        color: false,
        high_contrast: false,
    };

    /// The named theme, without colour when `NO_COLOR` is set to anything
    /// non-empty.
    pub fn new(name: ThemeName) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        match name {
            _ if no_color => Self::MONO,
            ThemeName::Calm => Self::CALM,
            ThemeName::HighContrast => Self::HIGH_CONTRAST,
            ThemeName::Mono => Self::MONO,
        }
    }

    /// The calm theme, honouring `NO_COLOR`.
    pub fn from_env() -> Self {
        Self::new(ThemeName::Calm)
    }

    fn fg(&self, calm: Color, high: Color) -> Style {
        match (self.color, self.high_contrast) {
            (false, _) => Style::new(),
            (true, false) => Style::new().fg(calm),
            (true, true) => Style::new().fg(high),
        }
    }

    /// Ordinary text.
    pub fn text(&self) -> Style {
        Style::new()
    }

    /// Secondary text: labels, hints, key help.
    pub fn dim(&self) -> Style {
        match (self.color, self.high_contrast) {
            (false, _) => Style::new().add_modifier(Modifier::DIM),
            (true, false) => Style::new().fg(Color::Rgb(128, 132, 140)),
            (true, true) => Style::new().fg(Color::Gray),
        }
    }

    /// What the eye should find first: the countdown, the step title.
    pub fn accent(&self) -> Style {
        self.fg(Color::Rgb(143, 188, 187), Color::LightCyan)
            .add_modifier(Modifier::BOLD)
    }

    /// Cautions and "stop if it hurts".
    pub fn caution(&self) -> Style {
        self.fg(Color::Rgb(208, 170, 112), Color::LightYellow)
    }

    /// Progress bars' filled part.
    pub fn bar(&self) -> Style {
        self.fg(Color::Rgb(110, 150, 150), Color::White)
    }

    /// The highlighted row of a list.
    pub fn selected(&self) -> Style {
        match (self.color, self.high_contrast) {
            (true, false) => Style::new()
                .bg(Color::Rgb(52, 60, 66))
                .add_modifier(Modifier::BOLD),
            _ => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }
}
