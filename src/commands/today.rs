//! `run --minutes N`, `run --resume` and `show --minutes N`: the routine as
//! it will run today, fitted and picking up where it stopped.

use anyhow::{Result, bail};
use jiff::Zoned;

use super::Env;
use crate::history::{self, ResumePoint};
use crate::routine::Routine;
use crate::text::escape_inline;

/// `routine` fitted to `minutes`, when given.
pub fn fitted(routine: Routine, minutes: Option<u32>) -> Result<Routine> {
    match minutes {
        None => Ok(routine),
        Some(n) => Ok(crate::fit::fit(&routine, n)?),
    }
}

/// The routine to run for `run`: fitted to `--minutes`, and with
/// `--resume`, set to continue the session that stopped (fitted as that
/// session was, unless `--minutes` says otherwise).
pub fn for_run(routine: Routine, minutes: Option<u32>, resume: bool, env: &Env) -> Result<Routine> {
    if !resume {
        return fitted(routine, minutes);
    }
    let point = stopped_session(&routine, env)?;
    let routine = fitted(routine, minutes.or(point.fitted_minutes))?;
    tracing::info!(routine = %routine.id, step = point.step, continues = %point.record, "resuming");
    Ok(point.apply(routine))
}

/// The stopped session `--resume` continues, or why there is none.
fn stopped_session(routine: &Routine, env: &Env) -> Result<ResumePoint> {
    let id = escape_inline(&routine.id);
    let records = match env.history_file() {
        Some(file) => history::load(&file)?.records,
        None => Vec::new(),
    };
    match history::resume_point(&records, routine, &Zoned::now()) {
        Some(point) => Ok(point),
        None => bail!(
            "no stopped session of `{id}` to continue from the last 12 hours: `knotless run {id}` starts it from the beginning"
        ),
    }
}

/// The line `--plain` prints before a continued session.
pub fn resume_note(routine: &Routine) -> Option<String> {
    let r = routine.run.resumes.as_ref()?;
    Some(format!(
        "Continuing from step {} of {}.\n",
        r.step + 1,
        routine.steps.len()
    ))
}
