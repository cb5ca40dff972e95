//! What the session asks the outside world to do: the only way out of the
//! pure core. The app turns effects into sounds, plain-text lines and
//! history records; tests record them.

use std::time::Duration;

use crate::breath::PhaseKind;
use crate::routine::Side;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A get-ready pause began before `step`.
    GetReady { step: usize },
    /// A step began (its first side, for two-sided steps).
    StepStarted { step: usize, side: Option<Side> },
    /// A two-sided step moved on to its second side.
    SideSwitch { step: usize, side: Side },
    /// A cue inside the current step came due.
    Cue {
        step: usize,
        side: Option<Side>,
        text: String,
    },
    /// A breathing phase began.
    BreathPhase {
        step: usize,
        side: Option<Side>,
        kind: PhaseKind,
        cycle: u32,
        /// Which phase of the cycle (from 0): a pattern may breathe in twice
        /// (the sigh's top-up), and each is said apart.
        phase: usize,
    },
    /// One of the last three seconds of a step began (3, 2, 1).
    LastSeconds {
        step: usize,
        side: Option<Side>,
        left: u32,
    },
    /// The routine ran to its end.
    Finished(Summary),
    /// The user stopped before the end.
    Stopped(Summary),
}

/// How a session went, for the done screen and the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The routine's length as planned.
    pub planned: Duration,
    /// Time spent in steps: get-ready pauses and pauses left out.
    pub practised: Duration,
    /// Time spent paused.
    pub paused: Duration,
    /// Steps run to their end.
    pub completed_steps: usize,
    /// Steps skipped with "next", by index.
    pub skipped: Vec<usize>,
    /// True when the routine ran to its end.
    pub finished: bool,
}
