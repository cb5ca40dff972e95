//! The history file, as the driver meets it: writing a session's line when
//! it ends, and reading the file for the history screen.

use std::io;
use std::path::Path;
use std::time::Duration;

use jiff::Zoned;

use crate::app::RecordRequest;
use crate::history::{self, Glance, Loaded, Record};

/// Write the line for `request`; returns the streak and today's minutes
/// for the done screen, or why it could not be written. `None` when there
/// is no history file (no data directory).
///
/// `started` is when the driver saw the session start; without it (it
/// cannot happen, but a history line must never be lost) the start is
/// taken as `now` (the civil time, from the driver's clock) minus the
/// session's length.
pub fn write(
    file: Option<&Path>,
    request: &RecordRequest,
    started: Option<Zoned>,
    speed: f64,
    now: Zoned,
) -> Option<io::Result<Glance>> {
    let file = file?;
    // The session's own time ran `speed` times faster than the wall clock.
    let speed = speed * request.preview_speed;
    let summary = &request.summary;
    let started = started.unwrap_or_else(|| {
        let wall = (summary.practised + summary.paused).div_f64(speed.max(1.0));
        now.checked_sub(Duration::from_secs(wall.as_secs()))
            .unwrap_or_else(|_| now.clone())
    });
    let mut record = Record::from_summary(&request.routine, summary, &started, speed);
    record.tension_before = request.tension_before;
    record.tension_after = request.tension_after;
    if let Err(e) = history::append(file, &record) {
        tracing::error!("history not saved to {}: {e}", file.display());
        return Some(Err(e));
    }
    let records = match history::load(file) {
        Ok(loaded) => {
            log_warnings(file, &loaded);
            loaded.records
        }
        Err(_) => vec![record],
    };
    Some(Ok(history::glance(&records, &now)))
}

/// Read the history for its screen (nothing yet: an empty history).
pub fn read(file: Option<&Path>) -> io::Result<Loaded> {
    let Some(file) = file else {
        return Ok(Loaded::default());
    };
    let loaded = history::load(file)?;
    log_warnings(file, &loaded);
    Ok(loaded)
}

fn log_warnings(file: &Path, loaded: &Loaded) {
    for w in &loaded.warnings {
        tracing::warn!("{}: {w}", file.display());
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::fs;
    use std::os::unix::fs::symlink;
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use crate::session::Summary;

    fn request() -> RecordRequest {
        let routine = crate::routine::builtin::routine("desk-break");
        RecordRequest {
            summary: Summary {
                planned: Duration::from_secs(300),
                practised: Duration::from_secs(300),
                paused: Duration::ZERO,
                completed_steps: routine.steps.len(),
                skipped: Vec::new(),
                finished: true,
            },
            routine: Arc::new(routine),
            preview_speed: 1.0,
            tension_before: None,
            tension_after: None,
        }
    }

    /// The one exception to "writers never follow links" (ARCHITECTURE.md):
    /// a history file linked into a synced folder is appended to where it
    /// lives, and the link stays a link.
    #[test]
    fn a_history_file_that_is_a_link_is_appended_to_through_it() {
        let home = tempfile::tempdir().unwrap();
        let synced = home.path().join("Sync/history-desk.jsonl");
        fs::create_dir_all(synced.parent().unwrap()).unwrap();
        fs::write(&synced, "").unwrap();
        let link = home.path().join("data/history-desk.jsonl");
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        symlink(&synced, &link).unwrap();
        // A fixed noon: five minutes after midnight the session began
        // yesterday, and today's minutes would rightly be none.
        let noon = jiff::civil::date(2026, 6, 15)
            .at(12, 0, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap();
        let glance = write(Some(&link), &request(), None, 1.0, noon)
            .unwrap()
            .unwrap();
        assert_eq!(glance.today_seconds, 300, "{glance:?}");
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        let lines = fs::read_to_string(&synced).unwrap();
        assert_eq!(lines.lines().count(), 1, "{lines}");
        assert!(lines.contains("desk-break"), "{lines}");
    }
}
