//! The practice history as the app meets it: recording each session when it
//! ends, and opening the history screen.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Zoned;

use super::{App, Screen};
use crate::history::{self, Record, Stats};
use crate::routine::Routine;
use crate::session::{Effect, Summary};

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
        now: std::time::Instant,
    ) -> Vec<Effect> {
        match self.tension.asking.take() {
            Some(When::Before) => {
                self.tension.before = answer;
                self.start_session(now)
            }
            Some(When::After) => {
                self.tension.after = answer;
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// Whether the end of a session should wait for the "after" answer: only
    /// when the question is on, the session was not a preview, and the user
    /// is still here (not Ctrl-C or a signal).
    pub fn holds_back(&self, effect: &Effect) -> bool {
        self.ask_tension
            && self.exit.is_none()
            && self.preview.is_none()
            && self.deferred.is_none()
            && matches!(effect, Effect::Finished(_) | Effect::Stopped(_))
    }

    /// `h` in the picker: read the history and show it.
    pub(super) fn open_history(&mut self) {
        let loaded = match &self.history_file {
            Some(path) => history::load(path),
            None => Ok(history::Loaded::default()),
        };
        match loaded {
            Ok(loaded) => {
                let stats = Stats::compute(&loaded.records, &Zoned::now());
                let note = history::warnings_note(&loaded.warnings);
                self.screen = Screen::History {
                    stats: Box::new(stats),
                    note,
                };
            }
            Err(e) => self.status = Some(format!("Cannot read the history: {e}")),
        }
    }
}

/// Writes one history line per session, when it finishes or stops for any
/// reason (quit, Ctrl-C, a signal, a lost terminal).
#[derive(Debug, Clone)]
pub struct Recorder {
    pub file: Option<PathBuf>,
    /// How much faster than real time the clock runs (`--speed`).
    pub speed: f64,
}

impl Recorder {
    /// Record the session if `effect` ends it. Returns the streak and today's
    /// minutes for the done screen, or why the record could not be written.
    pub fn effect(
        &self,
        effect: &Effect,
        routine: &Routine,
        preview_speed: Option<f64>,
        tension: Tension,
    ) -> Option<Result<history::Glance, String>> {
        let (Effect::Finished(summary) | Effect::Stopped(summary)) = effect else {
            return None;
        };
        let file = self.file.as_deref()?;
        let speed = self.speed * preview_speed.unwrap_or(1.0);
        Some(record(file, routine, summary, speed, tension))
    }
}

fn record(
    file: &Path,
    routine: &Routine,
    summary: &Summary,
    speed: f64,
    tension: Tension,
) -> Result<history::Glance, String> {
    let now = Zoned::now();
    // The session's own time ran `speed` times faster than the wall clock.
    let wall = (summary.practised + summary.paused).div_f64(speed.max(1.0));
    let started = now
        .checked_sub(Duration::from_secs(wall.as_secs()))
        .unwrap_or_else(|_| now.clone());
    let mut record = Record::from_summary(routine, summary, &started, speed);
    record.tension_before = tension.before;
    record.tension_after = tension.after;
    history::append(file, &record).map_err(|e| format!("History not saved: {e}"))?;
    let records = history::load(file)
        .map(|l| l.records)
        .unwrap_or_else(|_| vec![record]);
    Ok(history::glance(&records, &now))
}
