//! The practice history as the app meets it: the tension question, asking
//! for each session's history line when it ends, and the history screen.

use std::sync::Arc;
use std::time::Instant;

use jiff::Zoned;

use super::{App, Command, RecordRequest, Screen, Status};
use crate::history::{self, Progress, Stats};
use crate::session::Summary;

/// "How tense do you feel, 0-10?", asked before and after a session when
/// the setting is on; each answer is one key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tension {
    pub before: Option<u8>,
    pub after: Option<u8>,
    pub asking: Option<When>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Before,
    After,
}

impl When {
    pub fn question(self) -> &'static str {
        match self {
            When::Before => "How tense do you feel, 0-10?",
            When::After => "And now: how tense do you feel, 0-10?",
        }
    }
}

impl App {
    /// The answer to the tension question: before, it starts the session;
    /// after, it completes the held-back history line.
    pub(super) fn answer_tension(
        &mut self,
        answer: Option<u8>,
        now: Instant,
        out: &mut Vec<Command>,
    ) {
        match self.tension.asking.take() {
            Some(When::Before) => {
                self.tension.before = answer;
                self.start_session(now, out);
            }
            Some(When::After) => {
                self.tension.after = answer;
                if let Some(request) = &mut self.deferred {
                    request.tension_after = answer;
                }
            }
            None => {}
        }
    }

    /// A session ended: ask for its history line, or hold it back for the
    /// "after" answer when the question is on, the session was not a
    /// preview, and the user is still here (not Ctrl-C or a signal).
    pub(super) fn session_ended(&mut self, summary: Summary) {
        let Screen::Session { session, .. } = &self.screen else {
            return;
        };
        let request = RecordRequest {
            routine: Arc::new(session.routine().clone()),
            summary,
            preview_speed: self.preview.map_or(1.0, |p| p.speed),
            tension_before: self.tension.before,
            tension_after: None,
        };
        let ask = self.options.ask_tension && self.exit.is_none() && self.preview.is_none();
        if ask {
            self.tension.asking = Some(When::After);
        }
        self.deferred = Some(request);
    }

    /// Hand over a held-back history line once the "after" answer is in (or
    /// the program is leaving).
    pub(super) fn flush_deferred(&mut self, out: &mut Vec<Command>) {
        if (self.tension.asking.is_none() || self.exit.is_some())
            && let Some(request) = self.deferred.take()
        {
            out.push(Command::Record(Box::new(request)));
        }
    }

    /// The history was read for its screen.
    pub(super) fn history_loaded(
        &mut self,
        loaded: std::io::Result<history::Loaded>,
        today: &Zoned,
    ) {
        match loaded {
            Ok(loaded) => {
                let stats = Stats::compute(&loaded.records, today);
                let progress = Progress::compute(&loaded.records, today, |id| {
                    self.library
                        .entries
                        .iter()
                        .find(|e| e.id == id)
                        .and_then(|e| e.routine.as_ref().ok())
                });
                let note = history::warnings_note(&loaded);
                self.screen = Screen::History {
                    stats: Box::new(stats),
                    note,
                    progress: Box::new(progress),
                    charts: false,
                };
            }
            Err(e) => self.status = Some(Status::Trouble(format!("Cannot read the history: {e}"))),
        }
    }
}
