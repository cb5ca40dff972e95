//! `run --minutes N`, `run --resume` and `show --minutes N`: the routine as
//! it will run today, fitted and picking up where it stopped.

use anyhow::{Result, bail};
use jiff::Zoned;

use super::Env;
use crate::history::{self, NoResume, ResumePoint};
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
    let id = escape_inline(&routine.id).into_owned();
    let routine = match (minutes, point.fitted_minutes) {
        (Some(asked), _) => fitted(routine, Some(asked))?,
        // The minutes come from the history line, not from the user: a
        // line edited by hand (or by another machine) says so.
        (None, Some(recorded)) => crate::fit::fit(&routine, recorded).map_err(|e| {
            anyhow::anyhow!(
                "the history line of the stopped session says it was fitted to {recorded} minutes, which cannot be done ({e}); `knotless run {id} --resume --minutes N` continues it fitted to N minutes"
            )
        })?,
        (None, None) => routine,
    };
    claim(&point, &routine, env)?;
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
    history::resume_check(&records, routine, &Zoned::now()).map_err(|why| match why {
        NoResume::Nothing => anyhow::anyhow!(
            "no stopped session of `{id}` to continue from the last 12 hours: `knotless run {id}` starts it from the beginning"
        ),
        NoResume::Edited => anyhow::anyhow!(
            "cannot continue `{id}`: {why}; `knotless run {id}` starts it again from the beginning"
        ),
    })
}

/// The claim on a stopped session, held until this process ends: two
/// `--resume` at once would both continue it, and both write a line
/// continuing it. The first to claim it wins; a claim ends with its
/// process, however that ends (a lock, not a file left behind).
static CLAIM: std::sync::Mutex<Option<std::fs::File>> = std::sync::Mutex::new(None);

fn claim(point: &ResumePoint, routine: &Routine, env: &Env) -> Result<()> {
    let Some(paths) = &env.paths else {
        return Ok(());
    };
    // In the state directory, not the data directory: a sync tool carries
    // the data directory to other machines.
    let dir = paths.state_dir.join("resume");
    let name = history::steps_fingerprint(routine);
    let key = format!("{}\u{0}{}\u{0}{name}", routine.id, point.record);
    let path = dir.join(format!("{:016x}.lock", fnv(&key)));
    let opened = std::fs::create_dir_all(&dir).and_then(|()| {
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
        options.open(&path)
    });
    let file = match opened {
        Ok(f) => f,
        Err(e) => {
            // A claim that cannot be made must not stop the session.
            tracing::warn!("resume claim {} cannot be made: {e}", path.display());
            return Ok(());
        }
    };
    match file.try_lock() {
        Ok(()) => {
            if let Ok(mut held) = CLAIM.lock() {
                *held = Some(file);
            }
            Ok(())
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let id = escape_inline(&routine.id);
            bail!(
                "the stopped session of `{id}` is already being continued by another knotless; finish or quit that one first (`knotless run {id}` starts over)"
            )
        }
        Err(std::fs::TryLockError::Error(e)) => {
            tracing::warn!("resume claim {} cannot be locked: {e}", path.display());
            Ok(())
        }
    }
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
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
