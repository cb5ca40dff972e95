//! What a frame shows, borrowed from the app's state. Two equal views draw
//! the same frame, so the app draws only when the view changed.

use crate::routine::{Entry, Routine};
use crate::session::{SessionView, Summary};

#[derive(Debug, Clone, PartialEq)]
pub struct View<'a> {
    pub screen: ScreenView<'a>,
    /// The help overlay is open.
    pub help: bool,
    /// A one-line message for the status line (for instance why sound is
    /// off), shown until something replaces it.
    pub status: Option<&'a str>,
    /// Show the breathing pacer as a stepped bar that changes once a
    /// second, with no animation.
    pub reduced_motion: bool,
    /// A one-key question over the screen ("How tense do you feel?").
    pub question: Option<&'a str>,
    /// The keys of the screen (under help, when it is open), from the
    /// keymap: help lists them all, the hint line the most useful.
    pub keys: Vec<crate::input::KeyHelp>,
    /// How much faster than real time the session runs, in a preview.
    pub speed: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "built once per frame on the stack, never stored in bulk"
)]
pub enum ScreenView<'a> {
    Picker(PickerView<'a>),
    Preflight(&'a Routine),
    Session {
        view: SessionView,
        /// "Quit this session?" is being asked.
        confirm_quit: bool,
    },
    Done(DoneView<'a>),
    /// The practice history: streaks, totals and the calendar.
    History {
        stats: &'a crate::history::Stats,
        /// Lines of the history file that could not be read, if any.
        note: Option<&'a str>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct PickerView<'a> {
    /// The routines that match the filter, in list order.
    pub entries: Vec<&'a Entry>,
    /// Index into `entries` of the highlighted one (0 when empty).
    pub selected: usize,
    /// The filter text typed after `/`.
    pub filter: &'a str,
    /// The filter is being typed (keys go to the filter).
    pub filtering: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DoneView<'a> {
    pub routine: &'a Routine,
    pub summary: &'a Summary,
    /// The streak and today's minutes, once the session is recorded.
    pub glance: Option<&'a crate::history::Glance>,
}
