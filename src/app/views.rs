//! The views the screens draw (`crate::ui::view`), built from the
//! routines, the session's summary and the history. Timelines are measured,
//! lengths written and text from files escaped here, once a frame, so that
//! ui/ only lays out and never needs to know what a routine is.

mod history;

use crate::format::{clock, minutes_words, plural, words};
use crate::history::{Glance, days_words};
use crate::input::{self, Action, Context};
use crate::routine::{Entry, FileProblems, Library, Routine};
use crate::session::Summary;
use crate::text::{escape_inline, escape_multiline};
use crate::timeline::Timeline;
use crate::ui::view::{
    Choice, ComposeStage, ComposeView, ComposedView, Details, DoneView, FieldView, PickerRow,
    PickerView, ProblemsView, RoutineView,
};

use super::compose::{Composer, Field, Stage, areas, positions};
use super::{Picker, Today};
pub use history::{history, progress};

/// The picker over `library`: the routines its filter lets through.
pub fn picker(picker: &Picker, library: &Library) -> PickerView {
    let entries = picker.matching(library);
    picker_list(
        &entries,
        picker.selected,
        &picker.filter,
        picker.filtering,
        &picker.today,
    )
}

/// The picker showing `entries` (already filtered by `filter`), the one at
/// `selected` highlighted.
pub fn picker_list(
    entries: &[&Entry],
    selected: usize,
    filter: &str,
    filtering: bool,
    today: &Today,
) -> PickerView {
    let selected = selected.min(entries.len().saturating_sub(1));
    PickerView {
        rows: entries.iter().map(|e| picker_row(e, today)).collect(),
        selected,
        filter: escape_inline(filter).into_owned(),
        filtering,
        details: entries.get(selected).map(|e| details(e, today)),
    }
}

/// "[ and ] fit it to 6-30 min": how to change a routine's length, and
/// within what, when it can be fitted at all.
fn fit_keys(r: &Routine) -> Option<String> {
    let range = crate::fit::minutes_range(r)?;
    let key = |a| input::key_for(Context::Picker, a);
    let (shorter, longer) = (key(Action::Shorter)?, key(Action::Longer)?);
    Some(match (range.start(), range.end()) {
        (a, b) if a == b => format!("{shorter} and {longer} fit it to {a} min"),
        (a, b) => format!("{shorter} and {longer} fit it to {a}-{b} min"),
    })
}

/// `routine` at the minutes chosen for it today (as written when none are,
/// or when it no longer fits them).
fn as_chosen(id: &str, routine: &Routine, today: &Today) -> Option<Routine> {
    let minutes = *today.minutes.get(id)?;
    crate::fit::fit(routine, minutes).ok()
}

fn picker_row(entry: &Entry, today: &Today) -> PickerRow {
    match &entry.routine {
        Ok(r) => PickerRow {
            label: escape_inline(&r.name).into_owned(),
            // No copy of every routine on every frame: only a fitted one
            // is made anew.
            length: clock(
                Timeline::new(as_chosen(&entry.id, r, today).as_ref().unwrap_or(r)).total,
            ),
            broken: false,
            resumable: today.resumes.contains_key(&entry.id),
            today: today.planned_routine() == Some(entry.id.as_str()),
        },
        // A file that cannot be read has no name: its id stands in.
        Err(_) => PickerRow {
            label: format!("✗ {}", escape_inline(&entry.id)),
            length: String::new(),
            broken: true,
            resumable: false,
            today: false,
        },
    }
}

fn details(entry: &Entry, today: &Today) -> Details {
    match &entry.routine {
        Ok(r) => {
            let fitted = as_chosen(&entry.id, r, today);
            let mut view = routine(fitted.as_ref().unwrap_or(r));
            view.fit_keys = fit_keys(r);
            view.resume = today.resumes.get(&entry.id).map(|p| {
                let from_start = input::key_for(Context::Picker, Action::FromStart).unwrap_or("s");
                format!(
                    "Stopped at step {} of {} — enter to continue, {from_start} to start over",
                    p.step + 1,
                    p.steps
                )
            });
            Details::Routine {
                routine: view,
                source: source(entry),
            }
        }
        Err(problems) => Details::Broken(broken(&entry.id, problems)),
    }
}

/// A run that continues a stopped session: the step it begins at, and
/// the time from there to the end (what this part will take).
fn part(r: &Routine) -> Option<(usize, std::time::Duration)> {
    let step = r.run.resumes.as_ref()?.step.min(r.steps.len());
    let timeline = Timeline::new(r);
    let start = timeline
        .first_segment_of(step)
        .map_or(timeline.total, |i| timeline.segments[i].start);
    Some((step, timeline.total.saturating_sub(start)))
}

/// "13 min 4 s · 10 steps"; for a continued session what is left of it:
/// "6 min 2 s left · 5 of 10 steps" (short enough for a narrow screen).
fn length_words(r: &Routine) -> String {
    let total = Timeline::new(r).total;
    match part(r) {
        Some((step, left)) => format!(
            "{} left · {} of {} steps",
            words(left),
            r.steps.len() - step,
            r.steps.len()
        ),
        None => format!(
            "{} · {}",
            words(total),
            plural(r.steps.len() as u64, "step", "steps")
        ),
    }
}

/// A routine as the preflight screen and the picker's details show it.
pub fn routine(r: &Routine) -> RoutineView {
    RoutineView {
        name: escape_inline(&r.name).into_owned(),
        summary: escape_multiline(&r.summary).into_owned(),
        length: length_words(r),
        fitted: r
            .run
            .fitted
            .map(|f| format!("fitted to {} min, written {}", f.minutes, words(f.written))),
        fit_keys: None,
        resume: r.run.resumes.as_ref().map(|p| {
            let from_start = input::key_for(Context::Preflight, Action::FromStart).unwrap_or("s");
            format!(
                "Continue from step {} of {} — {from_start} starts over",
                p.step + 1,
                r.steps.len()
            )
        }),
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

/// The compose screen: the questions with their answers, and the routine
/// they made.
pub fn compose(c: &Composer) -> ComposeView {
    let f = &c.form;
    let tools = c.tools();
    let list = |items: Vec<String>, none: &str| {
        if items.is_empty() {
            none.to_owned()
        } else {
            items.join(", ")
        }
    };
    let field_view = |(i, field): (usize, &Field)| {
        let cursor = f.cursor[i];
        let choice = |j: usize, word: String, chosen: bool| Choice {
            word,
            chosen,
            cursor: j == cursor,
        };
        let (answer, choices) = match field {
            Field::Minutes => (f.minutes.to_string(), Vec::new()),
            Field::Focus | Field::Avoid => {
                let picked = if *field == Field::Focus {
                    &f.focus
                } else {
                    &f.avoid
                };
                let answer = list(picked.iter().map(|a| a.word().to_owned()).collect(), "none");
                let choices = areas()
                    .enumerate()
                    .map(|(j, a)| choice(j, a.word().to_owned(), picked.contains(&a)))
                    .collect();
                (answer, choices)
            }
            Field::Tools => {
                let answer = list(f.tools.clone(), "hands only");
                let choices = tools
                    .iter()
                    .enumerate()
                    .map(|(j, t)| choice(j, escape_inline(t).into_owned(), f.tools.contains(t)))
                    .collect();
                (escape_inline(&answer).into_owned(), choices)
            }
            Field::Position => {
                let word = |p: Option<crate::routine::Position>| p.map_or("any", |p| p.word());
                let choices = positions()
                    .enumerate()
                    .map(|(j, p)| choice(j, word(p).to_owned(), p == f.position))
                    .collect();
                (word(f.position).to_owned(), choices)
            }
        };
        FieldView {
            label: field.label(),
            answer,
            choices,
        }
    };
    let composed = match &c.stage {
        Stage::Questions => None,
        Stage::Composed(r) | Stage::Naming(r, _) => Some(composed(r)),
    };
    ComposeView {
        stage: match &c.stage {
            Stage::Questions => ComposeStage::Questions,
            Stage::Composed(_) => ComposeStage::Composed,
            Stage::Naming(_, name) => ComposeStage::Naming(escape_inline(name).into_owned()),
        },
        fields: Field::ALL.iter().enumerate().map(field_view).collect(),
        active: Field::ALL.iter().position(|x| *x == f.field).unwrap_or(0),
        problem: c.problem.clone(),
        composed,
    }
}

fn composed(r: &Routine) -> ComposedView {
    let timeline = Timeline::new(r);
    let steps = plural(r.steps.len() as u64, "step", "steps");
    ComposedView {
        name: escape_inline(&r.name).into_owned(),
        length: format!("{} · {steps}", words(timeline.total)),
        steps: r
            .steps
            .iter()
            .map(|s| {
                let length = clock(s.duration * s.sides.count());
                let area = s.area.map_or(String::new(), |a| format!(" · {a}"));
                format!("{length:>5}  {}{area}", escape_inline(&s.title))
            })
            .collect(),
    }
}

/// After a session of `routine`; `glance` once the session is recorded.
/// `speed`: a preview ran this many times faster than real time; it is not
/// practice, so it says how much routine it covered, and in how long.
pub fn done(
    routine: &Routine,
    summary: &Summary,
    glance: Option<&Glance>,
    speed: Option<f64>,
) -> DoneView {
    let time = match speed {
        Some(speed) => (
            "Preview",
            format!(
                "{} of routine in {}",
                clock(summary.practised),
                clock(summary.practised.div_f64(speed))
            ),
        ),
        // A continued session: this part's time, not the whole routine's.
        None => match (part(routine), summary.finished) {
            (Some(_), true) => (
                "Time practised",
                format!("{} in this part", clock(summary.practised)),
            ),
            (Some((_, left)), false) => (
                "Time practised",
                format!(
                    "{} of {} in this part",
                    clock(summary.practised),
                    clock(left)
                ),
            ),
            (None, true) => ("Time practised", clock(summary.practised)),
            (None, false) => (
                "Time practised",
                format!("{} of {}", clock(summary.practised), clock(summary.planned)),
            ),
        },
    };
    let n = routine.steps.len();
    let steps = match part(routine) {
        Some((step, _)) => format!(
            "{} of {} (steps {}-{n})",
            summary.completed_steps,
            n - step,
            (step + 1).min(n)
        ),
        None => format!("{} of {n}", summary.completed_steps),
    };
    let mut facts = vec![time, ("Steps done", steps)];
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

/// "7 → 4, 3 calmer · average 1.8 calmer over 12 sessions": today's
/// change in tension beside the running average (once the session is
/// recorded), when both answers were given.
pub fn tension_fact(
    before: Option<u8>,
    after: Option<u8>,
    glance: Option<&Glance>,
) -> Option<(&'static str, String)> {
    let (before, after) = (before?, after?);
    let mut text = format!(
        "{before} → {after}, {}",
        change_words(f64::from(after) - f64::from(before))
    );
    if let Some(t) = glance.and_then(|g| g.tension) {
        text += &format!(
            " · average {} over {}",
            change_words(t.average),
            plural(t.sessions, "session", "sessions")
        );
    }
    Some(("Tension", text))
}

/// A change on the 0–10 scale in words: lower is calmer.
fn change_words(change: f64) -> String {
    let size = format!("{:.1}", change.abs());
    let size = size.trim_end_matches(".0");
    match change {
        c if c < -0.05 => format!("{size} calmer"),
        c if c > 0.05 => format!("{size} tenser"),
        _ => "no change".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::*;
    use crate::routine::Origin;
    use crate::routine::parse::parse_routine;

    fn daily_back() -> Routine {
        crate::routine::builtin::routine("daily-back")
    }

    #[test]
    fn a_routine_is_measured_and_counted_once_here() {
        let view = routine(&daily_back());
        assert_eq!(view.name, "Daily back reset");
        assert!(view.length.ends_with(" · 10 steps"), "{}", view.length);
        assert!(view.length.starts_with("13 min 4 s"), "{}", view.length);
    }

    #[test]
    fn text_from_files_arrives_escaped() {
        let text = "name = \"Evil \\u001b[2J\"\nsummary = \"one\\ntwo\\u0007\"\ntags = [\"a\\nb\"]\n\
                    [[steps]]\nkind = \"rest\"\ntitle = \"x\"\nduration = \"1m\"\n";
        let good = Entry {
            id: "evil".into(),
            origin: Origin::User(PathBuf::from("/tmp/evil\u{7}.toml")),
            routine: parse_routine("evil", "evil.toml", text),
        };
        let bad = Entry {
            id: "evil\u{1b}".into(),
            routine: parse_routine("evil", "/tmp/evil\u{1b}.toml", "name = 1\n"),
            ..good.clone()
        };
        let view = picker_list(&[&good, &bad], 0, "\u{1b}", true, &Today::default());
        assert_eq!(view.filter, "\\u{1b}");
        assert_eq!(view.rows[0].label, "Evil \\u{1b}[2J");
        assert_eq!(view.rows[1].label, "✗ evil\\u{1b}");
        let Some(Details::Routine { routine, source }) = &view.details else {
            panic!("{view:?}");
        };
        // Running text keeps its lines; a tag is one line.
        assert_eq!(routine.summary, "one\ntwo\\u{7}");
        assert_eq!(routine.tags, ["a\\nb"]);
        assert_eq!(source, "user · evil\\u{7}.toml");
        let view = picker_list(&[&good, &bad], 1, "", false, &Today::default());
        let Some(Details::Broken(problems)) = &view.details else {
            panic!("{view:?}");
        };
        assert_eq!(problems.id, "evil\\u{1b}");
        assert_eq!(problems.file_name, "evil\\u{1b}.toml");
        assert_eq!(problems.path, "/tmp/evil\\u{1b}.toml");
    }

    #[test]
    fn the_highlight_stays_in_the_list() {
        let lib = Library::builtins();
        let entries: Vec<&Entry> = lib.entries.iter().collect();
        let view = picker_list(&entries, 1000, "", false, &Today::default());
        assert_eq!(view.selected, entries.len() - 1);
        let none = picker_list(&[], 3, "xyz", false, &Today::default());
        assert_eq!((none.selected, none.details), (0, None));
    }

    /// Daily back reset continued from step 6 of 10.
    fn continued() -> (Routine, Duration) {
        let mut r = daily_back();
        r.run.resumes = Some(crate::routine::Resumes {
            record: "2026-03-10T07:30:00+01:00".into(),
            step: 5,
        });
        let timeline = Timeline::new(&r);
        let from = timeline.segments[timeline.first_segment_of(5).unwrap()].start;
        (r, timeline.total - from)
    }

    #[test]
    fn a_continued_session_shows_the_time_left_before_and_this_parts_time_after() {
        let (r, left) = continued();
        assert!(left < Timeline::new(&r).total && left > Duration::ZERO);
        assert_eq!(
            routine(&r).length,
            format!("{} left · 5 of 10 steps", words(left))
        );
        assert_eq!(routine(&daily_back()).length, "13 min 4 s · 10 steps");
        let stopped = Summary {
            planned: Timeline::new(&r).total,
            practised: Duration::from_secs(100),
            paused: Duration::ZERO,
            completed_steps: 2,
            skipped: vec![],
            finished: false,
        };
        let view = done(&r, &stopped, None, None);
        assert_eq!(
            view.facts[0].1,
            format!("1:40 of {} in this part", clock(left))
        );
        assert_eq!(view.facts[1].1, "2 of 5 (steps 6-10)");
        let finished = Summary {
            practised: left,
            completed_steps: 5,
            finished: true,
            ..stopped
        };
        let view = done(&r, &finished, None, None);
        assert_eq!(view.facts[0].1, format!("{} in this part", clock(left)));
        assert_eq!(view.facts[1].1, "5 of 5 (steps 6-10)");
    }

    #[test]
    fn done_lists_what_was_done_and_the_glance_once_recorded() {
        let summary = Summary {
            planned: Duration::from_secs(729),
            practised: Duration::from_secs(312),
            paused: Duration::ZERO,
            completed_steps: 3,
            // A step index the routine does not have is left out.
            skipped: vec![1, 42],
            finished: false,
        };
        let glance = Glance {
            current_streak: 1,
            today_seconds: 900,
            ..Default::default()
        };
        let preview = done(&daily_back(), &summary, None, Some(20.0));
        assert_eq!(
            preview.facts[0],
            ("Preview", "5:12 of routine in 0:16".into())
        );
        let view = done(&daily_back(), &summary, Some(&glance), None);
        let labels: Vec<&str> = view.facts.iter().map(|f| f.0).collect();
        assert_eq!(
            labels,
            ["Time practised", "Steps done", "Skipped", "Streak", "Today"]
        );
        assert_eq!(view.facts[0].1, "5:12 of 12:09");
        assert_eq!(view.facts[1].1, "3 of 10");
        assert!(!view.facts[2].1.contains(','), "one step: {:?}", view.facts);
        assert_eq!(view.facts[3].1, "1 day");
        assert_eq!(view.facts[4].1, "15 min");
    }
}
