//! `[plan]` in the settings: what today's practice is, and which one that
//! is today. Pure: the caller reads the settings, the history and the
//! routines; `today` takes them and the date.
//!
//! ```toml
//! [plan]
//! monday = "daily-back"                               # a routine by id
//! thursday = "desk-break"
//! rotate = ["neck,shoulders", "lower-back", "hips"]   # areas `compose` fills
//! minutes = 12                                        # on rotation days
//! ```
//!
//! A weekday that names a routine runs that routine; every other day takes
//! the next entry of the rotation (composed for the day, as `knotless
//! compose --focus AREAS --minutes N` would). The weekday entry wins, so a
//! fixed day never moves the rotation. The rotation continues from the
//! last entry *done* (a finished session, previews aside) on a day before
//! today: a missed day moves nothing, and today's entry stays today's
//! after it is done.

use std::ops::Range;

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize, Serializer};
use toml::Spanned;

use crate::diag::Problem;
use crate::history::{Outcome, Record};
use crate::routine::{Area, Library};

/// A routine's name by id from `library`, for `today`.
pub fn name_in(library: &Library) -> impl Fn(&str) -> Option<String> + '_ {
    |id| {
        let routine = library.find(id)?.routine.as_ref().ok()?;
        Some(routine.name.clone())
    }
}

/// The keys of the weekdays, Monday first.
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The minutes of a rotation day when `minutes` is not set: compose's own.
pub const DEFAULT_MINUTES: u32 = 10;

/// The id a composed routine of the rotation is recorded under: the same
/// areas give the same id, so the history says which entry was done.
pub const ID_PREFIX: &str = "plan-";

/// `[plan]` as the program uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The routine id for each weekday, Monday first.
    pub days: [Option<String>; 7],
    /// The areas of each rotation entry, in order.
    #[serde(serialize_with = "rotation_words")]
    pub rotate: Vec<Vec<Area>>,
    /// Minutes of a rotation day.
    pub minutes: u32,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            days: Default::default(),
            rotate: Vec::new(),
            minutes: DEFAULT_MINUTES,
        }
    }
}

/// `[plan]` as written in the settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlan {
    monday: Option<Spanned<String>>,
    tuesday: Option<Spanned<String>>,
    wednesday: Option<Spanned<String>>,
    thursday: Option<Spanned<String>>,
    friday: Option<Spanned<String>>,
    saturday: Option<Spanned<String>>,
    sunday: Option<Spanned<String>>,
    rotate: Option<Vec<Spanned<String>>>,
    minutes: Option<Spanned<i64>>,
}

impl crate::diag::section::Section for Plan {
    const NAME: &'static str = "plan";
    type Raw = RawPlan;

    fn read(raw: RawPlan, _: &std::path::Path, problems: &mut Vec<Problem>) -> Self {
        let mut plan = Plan::default();
        let days = [
            raw.monday,
            raw.tuesday,
            raw.wednesday,
            raw.thursday,
            raw.friday,
            raw.saturday,
            raw.sunday,
        ];
        for (i, day) in days.into_iter().enumerate() {
            plan.days[i] = day.and_then(|id| routine_id(WEEKDAYS[i], id, problems));
        }
        for entry in raw.rotate.unwrap_or_default() {
            if let Some(areas) = areas(entry.span(), entry.get_ref(), problems) {
                plan.rotate.push(areas);
            }
        }
        if let Some(m) = raw.minutes {
            match u32::try_from(*m.get_ref()) {
                Ok(n) if crate::fit::MINUTES.contains(&n) => plan.minutes = n,
                _ => problems.push(
                    Problem::at(
                        m.span(),
                        format!(
                            "a rotation day of {} minutes cannot be composed",
                            m.get_ref()
                        ),
                    )
                    .help(format!(
                        "write a whole number of minutes from {} to {}, like `minutes = 12`",
                        crate::fit::MINUTES.start(),
                        crate::fit::MINUTES.end()
                    )),
                ),
            }
        }
        plan
    }
}

/// A weekday's routine id, or `None` with the problem reported.
fn routine_id(day: &str, id: Spanned<String>, problems: &mut Vec<Problem>) -> Option<String> {
    let span = id.span();
    let id = id.into_inner();
    if id.trim().is_empty() {
        problems.push(
            Problem::at(span, format!("`{day}` names no routine"))
                .help(format!("write a routine id from `knotless list`, like `{day} = \"daily-back\"`, or remove the line")),
        );
        return None;
    }
    Some(id.trim().to_owned())
}

/// The areas of one rotation entry ("neck,shoulders"), or `None` with the
/// problem reported at the entry.
fn areas(span: Range<usize>, text: &str, problems: &mut Vec<Problem>) -> Option<Vec<Area>> {
    let words: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        problems.push(
            Problem::at(span, "this rotation entry names no area").help(
                "write the areas of one day, separated by commas, like \"neck,shoulders\", or remove the entry",
            ),
        );
        return None;
    }
    let mut areas = Vec::new();
    for word in words {
        let lower = word.to_ascii_lowercase();
        match Area::ALL.iter().copied().find(|a| a.word() == lower) {
            Some(a) if !areas.contains(&a) => areas.push(a),
            Some(_) => {}
            None => {
                let all: Vec<&str> = Area::ALL.iter().map(|a| a.word()).collect();
                let hint = match crate::diag::did_you_mean(&lower, all.iter().copied()) {
                    Some(m) => format!("did you mean `{m}`? "),
                    None => String::new(),
                };
                problems.push(
                    Problem::at(
                        span,
                        format!("`{}` is not an area", crate::text::escape_inline(word)),
                    )
                    .help(format!("{hint}the areas are {}", all.join(", "))),
                );
                return None;
            }
        }
    }
    Some(areas)
}

fn rotation_words<S: Serializer>(rotate: &[Vec<Area>], s: S) -> Result<S::Ok, S::Error> {
    let words: Vec<String> = rotate.iter().map(|a| comma_list(a)).collect();
    words.serialize(s)
}

fn comma_list(areas: &[Area]) -> String {
    let words: Vec<&str> = areas.iter().map(|a| a.word()).collect();
    words.join(",")
}

impl Plan {
    /// Whether the settings plan anything at all.
    pub fn is_empty(&self) -> bool {
        self.days.iter().all(Option::is_none) && self.rotate.is_empty()
    }
}

/// Today's practice by the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub what: What,
    /// What it is called: the routine's name (its id when it cannot be
    /// read), or "Today: neck and shoulders" for a rotation day.
    pub name: String,
    /// A session of it was finished today.
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A weekday's routine, by id.
    Routine(String),
    /// A rotation day: entry `entry` (from 0), composed from `areas`.
    Compose {
        entry: usize,
        areas: Vec<Area>,
        minutes: u32,
    },
}

impl Planned {
    /// The id the history records it under.
    pub fn id(&self) -> String {
        match &self.what {
            What::Routine(id) => id.clone(),
            What::Compose { areas, .. } => rotation_id(areas),
        }
    }
}

/// The id a rotation entry's routine is recorded under: "plan-neck-shoulders".
pub fn rotation_id(areas: &[Area]) -> String {
    let words: Vec<&str> = areas.iter().map(|a| a.word()).collect();
    format!("{ID_PREFIX}{}", words.join("-"))
}

/// The name compose gives a routine for `areas` ("Today: neck and
/// shoulders"): a routine composed by hand for the same areas is the same
/// practice.
pub fn rotation_name(areas: &[Area]) -> String {
    format!("Today: {}", crate::compose::area_list(areas))
}

/// Whether `record` is a session of rotation entry `areas`: recorded by
/// `knotless today` under its id, or composed by hand for these areas.
fn is_entry(record: &Record, areas: &[Area]) -> bool {
    record.routine_id == rotation_id(areas)
        || record.routine_id == "composed" && record.routine_name == rotation_name(areas)
}

fn done(record: &Record) -> bool {
    record.outcome == Outcome::Finished && record.counts()
}

/// Today's practice on `date` by `plan`, given the history; `name_of`
/// gives a routine's name by id (only the one routine is looked up, so a
/// status bar asking often never reads the whole library). `None` when
/// the plan has nothing for that day.
pub fn today(
    plan: &Plan,
    date: Date,
    records: &[Record],
    name_of: impl Fn(&str) -> Option<String>,
) -> Option<Planned> {
    let weekday = date.weekday().to_monday_zero_offset();
    let done_today = |is: &dyn Fn(&Record) -> bool| {
        records
            .iter()
            .any(|r| done(r) && r.started.date() == date && is(r))
    };
    if let Some(id) = &plan.days[usize::try_from(weekday).unwrap_or(0)] {
        let name = name_of(id).unwrap_or_else(|| id.clone());
        return Some(Planned {
            what: What::Routine(id.clone()),
            name,
            done: done_today(&|r| r.routine_id == *id),
        });
    }
    if plan.rotate.is_empty() {
        return None;
    }
    let entry = next_entry(&plan.rotate, date, records);
    let areas = plan.rotate[entry].clone();
    Some(Planned {
        name: rotation_name(&areas),
        done: done_today(&|r| is_entry(r, &areas)),
        what: What::Compose {
            entry,
            areas,
            minutes: plan.minutes,
        },
    })
}

/// The rotation entry for `date`: the one after the entry done last on a
/// day before it (days without practice move nothing); the first when no
/// entry was ever done.
fn next_entry(rotate: &[Vec<Area>], date: Date, records: &[Record]) -> usize {
    records
        .iter()
        .filter(|r| done(r) && r.started.date() < date)
        .filter_map(|r| {
            let i = rotate.iter().position(|areas| is_entry(r, areas))?;
            Some((r.started.timestamp(), i))
        })
        .max_by_key(|(t, _)| *t)
        .map_or(0, |(_, i)| (i + 1) % rotate.len())
}

/// Weekday words for messages: "monday".
pub fn weekday_word(day: Weekday) -> &'static str {
    WEEKDAYS[usize::try_from(day.to_monday_zero_offset()).unwrap_or(0)]
}

#[cfg(test)]
mod tests;
