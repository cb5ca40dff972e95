//! The practice history as the app meets it: recording each session when it
//! ends, and opening the history screen.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Zoned;

use super::{App, Screen};
use crate::history::{self, Record, Stats};
use crate::routine::Routine;
use crate::session::{Effect, Summary};

impl App {
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
    ) -> Option<Result<history::Glance, String>> {
        let (Effect::Finished(summary) | Effect::Stopped(summary)) = effect else {
            return None;
        };
        let file = self.file.as_deref()?;
        let speed = self.speed * preview_speed.unwrap_or(1.0);
        Some(record(file, routine, summary, speed))
    }
}

fn record(
    file: &Path,
    routine: &Routine,
    summary: &Summary,
    speed: f64,
) -> Result<history::Glance, String> {
    let now = Zoned::now();
    // The session's own time ran `speed` times faster than the wall clock.
    let wall = (summary.practised + summary.paused).div_f64(speed.max(1.0));
    let started = now
        .checked_sub(Duration::from_secs(wall.as_secs()))
        .unwrap_or_else(|_| now.clone());
    let record = Record::from_summary(routine, summary, &started, speed);
    history::append(file, &record).map_err(|e| format!("History not saved: {e}"))?;
    let records = history::load(file)
        .map(|l| l.records)
        .unwrap_or_else(|_| vec![record]);
    Ok(history::glance(&records, &now))
}
