//! Events at set instants of a fake clock, for tests: the driver runs the
//! whole app with no terminal and no waiting, moving the clock to each
//! deadline or event instead of sleeping.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::event::Event;
use super::events::Events;
use crate::clock::{Clock, FakeClock};

pub struct Script<'a> {
    clock: &'a FakeClock,
    events: VecDeque<(Instant, Event)>,
    /// What the editor "did" when asked to open a file.
    pub editor: Result<bool, crate::app::NotEdited>,
    /// Files the editor was asked to open.
    pub edited: Vec<PathBuf>,
    /// How many times the driver waited, and so could have drawn.
    pub waits: usize,
}

impl<'a> Script<'a> {
    pub fn new(clock: &'a FakeClock) -> Self {
        Self {
            clock,
            events: VecDeque::new(),
            editor: Ok(false),
            edited: Vec::new(),
            waits: 0,
        }
    }

    /// Deliver `event` at `at` (events are kept in the order given).
    pub fn at(mut self, at: Instant, event: Event) -> Self {
        self.events.push_back((at, event));
        self
    }
}

impl Events for Script<'_> {
    fn next(&mut self, timeout: Option<Duration>) -> Option<Event> {
        self.waits += 1;
        let now = self.clock.now();
        let deadline = timeout.map(|t| now + t);
        match self.events.front() {
            Some((at, _)) if deadline.is_none_or(|d| *at <= d) => {
                let at = (*at).max(now);
                self.clock.set(at);
                self.events.pop_front().map(|(_, e)| e)
            }
            _ => match deadline {
                Some(d) => {
                    self.clock.set(d);
                    None
                }
                // Nothing more will ever happen: like a closed terminal.
                None => Some(Event::InputGone),
            },
        }
    }

    fn key_done(&mut self, edit: Option<PathBuf>) {
        if let Some(path) = edit {
            self.edited.push(path.clone());
            let now = self.clock.now();
            self.events
                .push_front((now, Event::Edited(path, self.editor.clone())));
        }
    }
}
