//! `knotless remind`: set, show or remove the reminder, and what it runs
//! when it fires (`--fire`).

use anyhow::{Context, Result, bail};
use jiff::Zoned;

use super::Env;
use crate::cli::RemindArgs;
use crate::plan::What;
use crate::remind::install::{self, Place};
use crate::remind::{Days, Reminder, Suggest, fire, notify, parse_time};
use crate::text::escape_inline;

/// What to print.
pub fn remind(args: &RemindArgs, env: &Env) -> Result<String> {
    if args.fire {
        return fire_now(args, env);
    }
    let place = Place::from_env()?;
    if args.off {
        return install::remove(&place);
    }
    let Some(at) = &args.at else {
        if args.routine.is_some() {
            bail!("--routine goes with --at: `knotless remind --at 18:30 --routine ID`");
        }
        if args.plan {
            bail!("--plan goes with --at: `knotless remind --at 18:30 --plan`");
        }
        return install::show(&place);
    };
    let (hour, minute) = parse_time(at)?;
    let days = match &args.days {
        Some(d) => Days::parse(d)?,
        None => Days::EVERY,
    };
    if let Some(id) = &args.routine {
        let library = env.library();
        if !library
            .entries
            .iter()
            .any(|e| &e.id == id && e.routine.is_ok())
        {
            bail!(
                "no routine `{}`: `knotless list` shows the ones there are",
                escape_inline(id)
            );
        }
    }
    if args.plan && env.settings.plan.is_empty() {
        bail!(
            "--plan suggests today's practice by [plan] in the settings, and there is none: see \"A weekly plan\" in the README, or `knotless today` for an example"
        );
    }
    let suggest = match (&args.routine, args.plan) {
        (Some(id), _) => Suggest::Routine(id.clone()),
        (None, true) => Suggest::Plan,
        (None, false) => Suggest::Last,
    };
    let reminder = Reminder {
        hour,
        minute,
        days,
        suggest,
    };
    let program = std::env::current_exe().context("cannot find the knotless program's path")?;
    install::install(&reminder, &program, &place)
}

/// The reminder fires: a notification unless today's practice is done.
/// Without a notification service, its line goes to the log (and stderr,
/// which the scheduler keeps).
fn fire_now(args: &RemindArgs, env: &Env) -> Result<String> {
    let records = match env.history_file() {
        Some(file) => {
            let dir = file
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default();
            crate::history::load_dir(&dir)
                .map(|m| m.records)
                .unwrap_or_default()
        }
        None => Vec::new(),
    };
    let library = env.library();
    let find = |id: &str| {
        library
            .entries
            .iter()
            .find(|e| e.id == id)
            .and_then(|e| e.routine.as_ref().ok())
    };
    let now = Zoned::now();
    let suggested = if args.plan {
        super::planned::planned(env, &records, &now).map(|p| {
            let minutes = match &p.what {
                What::Compose { minutes, .. } => u64::from(*minutes),
                What::Routine(id) => find(id).map_or(0, |r| fire::Suggestion::of(r).minutes),
            };
            fire::Suggestion {
                name: p.name,
                minutes,
            }
        })
    } else {
        fire::planned(args.routine.as_deref(), &records, find).map(fire::Suggestion::of)
    };
    let Some(notice) = fire::notice_of(&records, &now, suggested) else {
        tracing::info!("reminder: today's practice is done, nothing to say");
        return Ok(String::new());
    };
    match notify::send(&notice) {
        Ok(id) => tracing::info!("reminder sent (notification {id}): {}", notice.body),
        Err(e) => {
            tracing::warn!("reminder: {} (no desktop notification: {e:#})", notice.body);
            eprintln!("knotless: {} (no desktop notification: {e:#})", notice.body);
        }
    }
    Ok(String::new())
}
