//! The views the screens draw (`crate::ui::view`), built from the
//! routines, the session's summary and the history. Timelines are measured,
//! lengths written and text from files escaped here, once a frame, so that
//! ui/ only lays out and never needs to know what a routine is.

mod history;

use crate::format::{clock, minutes_words, plural, words};
use crate::history::{Glance, days_words};
use crate::routine::{Entry, FileProblems, Library, Routine};
use crate::session::Summary;
use crate::text::{escape_inline, escape_multiline};
use crate::timeline::Timeline;
use crate::ui::view::{Details, DoneView, PickerRow, PickerView, ProblemsView, RoutineView};

use super::Picker;
pub use history::history;

/// The picker over `library`: the routines its filter lets through.
pub fn picker(picker: &Picker, library: &Library) -> PickerView {
    let entries = picker.matching(library);
    picker_list(&entries, picker.selected, &picker.filter, picker.filtering)
}

/// The picker showing `entries` (already filtered by `filter`), the one at
/// `selected` highlighted.
pub fn picker_list(
    entries: &[&Entry],
    selected: usize,
    filter: &str,
    filtering: bool,
) -> PickerView {
    let selected = selected.min(entries.len().saturating_sub(1));
    PickerView {
        rows: entries.iter().map(|e| picker_row(e)).collect(),
        selected,
        filter: escape_inline(filter).into_owned(),
        filtering,
        details: entries.get(selected).map(|e| details(e)),
    }
}

fn picker_row(entry: &Entry) -> PickerRow {
    match &entry.routine {
        Ok(r) => PickerRow {
            label: escape_inline(&r.name).into_owned(),
            length: clock(Timeline::new(r).total),
            broken: false,
        },
        // A file that cannot be read has no name: its id stands in.
        Err(_) => PickerRow {
            label: format!("✗ {}", escape_inline(&entry.id)),
            length: String::new(),
            broken: true,
        },
    }
}

fn details(entry: &Entry) -> Details {
    match &entry.routine {
        Ok(r) => Details::Routine {
            routine: routine(r),
            source: source(entry),
        },
        Err(problems) => Details::Broken(broken(&entry.id, problems)),
    }
}

/// A routine as the preflight screen and the picker's details show it.
pub fn routine(r: &Routine) -> RoutineView {
    let steps = plural(r.steps.len() as u64, "step", "steps");
    RoutineView {
        name: escape_inline(&r.name).into_owned(),
        summary: escape_multiline(&r.summary).into_owned(),
        length: format!("{} · {steps}", words(Timeline::new(r).total)),
        tools: each_inline(&r.tools),
        tags: each_inline(&r.tags),
        prepare: r
            .prepare
            .iter()
            .map(|p| escape_multiline(p).into_owned())
            .collect(),
        safety: escape_multiline(&r.safety).into_owned(),
    }
}

fn each_inline(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|t| escape_inline(t).into_owned())
        .collect()
}

/// "built-in", or "user · neck.toml": the file name is enough to find it
/// (`knotless list` has the full path), and a path would wrap mid-word.
fn source(entry: &Entry) -> String {
    match entry.origin.path().and_then(|p| p.file_name()) {
        Some(name) => format!(
            "{} · {}",
            entry.origin.label(),
            escape_inline(&name.to_string_lossy())
        ),
        None => entry.origin.label().to_owned(),
    }
}

/// The problems of a file that cannot be read. The file is named once,
/// above its problems, rather than at the start of every one of them as in
/// `FileProblems::summary_lines`: a narrow pane would wrap each location in
/// the middle.
fn broken(id: &str, problems: &FileProblems) -> ProblemsView {
    let path = std::path::Path::new(&problems.file);
    let file_name = path
        .file_name()
        .map_or(problems.file.as_str().into(), |n| n.to_string_lossy());
    let lines = problems.problems.iter().map(|problem| {
        let message = escape_inline(&problem.message);
        match problems.location(problem) {
            Some((line, column)) => format!("line {line}, column {column}: {message}"),
            None => message.into_owned(),
        }
    });
    ProblemsView {
        id: escape_inline(id).into_owned(),
        path: escape_inline(&problems.file).into_owned(),
        file_name: escape_inline(&file_name).into_owned(),
        problems: lines.collect(),
    }
}

/// After a session of `routine`; `glance` once the session is recorded.
pub fn done(routine: &Routine, summary: &Summary, glance: Option<&Glance>) -> DoneView {
    let practised = if summary.finished {
        clock(summary.practised)
    } else {
        format!("{} of {}", clock(summary.practised), clock(summary.planned))
    };
    let steps = format!("{} of {}", summary.completed_steps, routine.steps.len());
    let mut facts = vec![("Time practised", practised), ("Steps done", steps)];
    // Indices come from the session that ran this very routine; one that
    // does not name a step is left out rather than trusted.
    let skipped: Vec<String> = summary
        .skipped
        .iter()
        .filter_map(|&i| routine.steps.get(i))
        .map(|s| escape_inline(&s.title).into_owned())
        .collect();
    if !skipped.is_empty() {
        facts.push(("Skipped", skipped.join(", ")));
    }
    if let Some(glance) = glance {
        facts.push(("Streak", days_words(glance.current_streak)));
        facts.push(("Today", minutes_words(glance.today_seconds)));
    }
    DoneView {
        finished: summary.finished,
        name: escape_inline(&routine.name).into_owned(),
        facts,
    }
}
