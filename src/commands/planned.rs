//! `knotless today`: today's practice by `[plan]`, started the way `knotless
//! run` starts a routine; and today's plan for `status` and the reminder.

use std::process::ExitCode;

use anyhow::{Context, Result};
use jiff::Zoned;

use super::{Env, color_for};
use crate::cli::TodayArgs;
use crate::compose::{self, Request};
use crate::history::Record;
use crate::paths::Paths;
use crate::plan::{self, Planned, What};
use crate::routine::{Library, Routine};
use crate::text::escape_inline;

/// How a plan is written, for the message when there is none.
const EXAMPLE: &str = "[plan]
monday = \"daily-back\"                               # a routine by id (`knotless list`)
rotate = [\"neck,shoulders\", \"lower-back\", \"hips\"]   # the other days, composed in turn
minutes = 10                                        # the minutes of a rotation day";

/// The exit status of a command that cannot do what it was asked as
/// things are set up (as clap's usage errors).
const USAGE: u8 = 2;

pub fn today(args: &TodayArgs, env: &Env) -> Result<ExitCode> {
    let now = Zoned::now();
    let records = records(env);
    let Some(planned) = planned(env, &records, &now) else {
        eprint!("{}", nothing_planned(env, &now));
        return Ok(ExitCode::from(USAGE));
    };
    let run = args.run_args(planned.id());
    let routine = routine(&planned, env, &now)?;
    let routine = super::today::for_run(routine, None, args.resume, env)?;
    super::print(&format!(
        "Planned for {}: {}{}.\n",
        plan::weekday_word(now.weekday()),
        escape_inline(&planned.name),
        if planned.done {
            " (done already today)"
        } else {
            ""
        }
    ))?;
    super::start_run(routine, &run, env)
}

/// Today's practice by the settings' plan, if any.
pub fn planned(env: &Env, records: &[Record], now: &Zoned) -> Option<Planned> {
    let plan = &env.settings.plan;
    let user = env.paths.as_ref().map(Paths::user_routines);
    // Only the routine named is read: `status` runs at every prompt.
    let name_of = |id: &str| {
        let entry = Library::find_one(user.as_deref(), &env.extra_dirs, id)?;
        Some(entry.routine.ok()?.name)
    };
    plan::today(plan, now.date(), records, name_of)
}

/// Every session of every machine's history; an unreadable history is
/// said and read as empty (the rotation starts over, nothing is lost).
fn records(env: &Env) -> Vec<Record> {
    let Some(file) = env.history_file() else {
        return Vec::new();
    };
    match crate::history::load(&file) {
        Ok(loaded) => loaded.records,
        Err(e) => {
            eprintln!(
                "knotless: the history cannot be read ({}), so the rotation starts at its first entry",
                crate::io_words::without_numbers(&e.to_string())
            );
            Vec::new()
        }
    }
}

/// The routine `planned` runs: the weekday's routine, or the rotation's
/// areas composed for today (recorded under the entry's id, so the
/// rotation knows it was done).
fn routine(planned: &Planned, env: &Env, now: &Zoned) -> Result<Routine> {
    let mut routine = match &planned.what {
        What::Routine(id) => {
            super::resolve(id, env)
                .with_context(|| {
                    format!(
                        "[plan] names `{}` for {}",
                        escape_inline(id),
                        plan::weekday_word(now.weekday())
                    )
                })?
                .0
        }
        What::Compose { areas, minutes, .. } => {
            let request = Request {
                minutes: *minutes,
                focus: areas.clone(),
                tools: Vec::new(),
                position: None,
                avoid: Vec::new(),
                level: None,
                body: env.settings.body,
                seed: compose::seed_for(now.date()),
            };
            let pool = compose::candidates(&super::compose::step_files(env));
            let mut routine = compose::compose(&request, &pool).with_context(|| {
                format!(
                    "today's areas in [plan] rotate ({}) cannot be composed",
                    escape_inline(&planned.name)
                )
            })?;
            routine.id = planned.id();
            routine
        }
    };
    if let Some(t) = env.settings.session.transition {
        routine.transition = t;
    }
    Ok(routine)
}

/// Why nothing runs today, and how to plan something.
fn nothing_planned(env: &Env, now: &Zoned) -> String {
    let mut text = String::new();
    if let Some(problems) = &env.settings_problems {
        text.push_str(&problems.render(color_for(&std::io::stderr())));
        text.push_str("(the keys above are left out)\n\n");
    }
    let file = env.paths.as_ref().map_or_else(
        || "config.toml".to_owned(),
        |p| escape_inline(&p.config_dir.join("config.toml").display().to_string()).into_owned(),
    );
    let plan = &env.settings.plan;
    if plan.is_empty() {
        text.push_str(&format!(
            "knotless: nothing is planned: add a [plan] table to {file}, like\n\n{EXAMPLE}\n\nor start a routine with `knotless run ROUTINE`.\n"
        ));
    } else {
        let days: Vec<&str> = (0..7)
            .filter(|&i| plan.days[i].is_some())
            .map(|i| plan::WEEKDAYS[i])
            .collect();
        let day = plan::weekday_word(now.weekday());
        text.push_str(&format!(
            "knotless: nothing is planned for {day}: [plan] in {file} names a routine for {} only; add `{day} = \"ROUTINE\"` or a `rotate` list of areas, or start one with `knotless run ROUTINE`.\n",
            days.join(", ")
        ));
    }
    text
}
