//! Muted colours, or none at all under NO_COLOR.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to anything non-empty.
    pub fn from_env() -> Self {
        Self {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// Ordinary text.
    pub fn text(&self) -> Style {
        Style::new()
    }

    /// Secondary text: labels, hints, key help.
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Rgb(128, 132, 140))
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    /// What the eye should find first: the countdown, the step title.
    pub fn accent(&self) -> Style {
        self.fg(Color::Rgb(143, 188, 187))
            .add_modifier(Modifier::BOLD)
    }

    /// Cautions and "stop if it hurts".
    pub fn caution(&self) -> Style {
        self.fg(Color::Rgb(208, 170, 112))
    }

    /// Progress bars' filled part.
    pub fn bar(&self) -> Style {
        self.fg(Color::Rgb(110, 150, 150))
    }

    /// The highlighted row of a list.
    pub fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Rgb(52, 60, 66))
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
}
