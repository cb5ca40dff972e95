//! Authoring warnings: a routine that works but will be hard to follow or
//! less safe than it could be. `knotless check` shows them and still
//! passes; `--strict` makes them errors. Every built-in passes `--strict`.

use std::ops::Range;
use std::time::Duration;

use toml::Spanned;

use super::duration::words;
use super::model::{Position, Routine, Step, StepKind};
use super::raw::RawStep;
use crate::breath::{BreathPattern, PhaseKind};
use crate::diag::Problem;

/// Words read in a minute, at an easy pace.
pub const READING_WPM: u64 = 200;
/// The longest glance line, in words.
pub const GLANCE_WORDS: usize = 8;
/// A breath hold longer than this needs a caution on its step.
pub const LONG_HOLD: Duration = Duration::from_secs(7);
/// 4-7-8 breathing: at most this many cycles in a row.
pub const MAX_478_CYCLES: u32 = 4;
/// The least get-ready to get down to the floor or over to a wall.
pub const POSITION_CHANGE: Duration = Duration::from_secs(10);

/// Where a step's keys are written, for pointing at them.
#[derive(Debug, Clone)]
pub struct StepSpans {
    pub step: Range<usize>,
    pub instructions: Option<Range<usize>>,
    pub glance: Option<Range<usize>>,
    pub breath: Option<Range<usize>>,
    pub position: Option<Range<usize>>,
}

impl StepSpans {
    pub fn of(step: &Range<usize>, raw: &RawStep) -> Self {
        let title = raw.title.span();
        Self {
            step: title,
            instructions: raw.instructions.as_ref().map(Spanned::span),
            glance: raw.glance.as_ref().map(Spanned::span),
            breath: raw.breath.as_ref().map(Spanned::span),
            position: raw.position.as_ref().map(Spanned::span),
        }
        .or_whole(step)
    }

    fn or_whole(mut self, step: &Range<usize>) -> Self {
        if self.step.is_empty() {
            self.step = step.clone();
        }
        self
    }
}

/// Every warning for a routine that has no errors. `spans[i]` is where
/// step `i` is written.
pub fn warnings(routine: &Routine, spans: &[StepSpans]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut run_478 = 0u32;
    for (i, (step, at)) in routine.steps.iter().zip(spans).enumerate() {
        reading_time(step, at, &mut out);
        glance_length(step, at, &mut out);
        long_hold(step, at, &mut out);
        let cycles = cycles_478(step);
        let before = run_478;
        run_478 = if cycles == 0 { 0 } else { run_478 + cycles };
        if before <= MAX_478_CYCLES && run_478 > MAX_478_CYCLES {
            out.push(
                Problem::warning(
                    at.breath.clone().unwrap_or(at.step.clone()),
                    format!("{run_478} cycles of 4-7-8 breathing in a row; beginners are advised at most {MAX_478_CYCLES} at a time"),
                )
                .help("use cycles = 4, or put a rest of normal breathing between rounds"),
            );
        }
        position_change(routine, i, at, &mut out);
    }
    out
}

/// Seconds it takes to read `text` at an easy pace.
pub fn reading_seconds(text: &str) -> f64 {
    text.split_whitespace().count() as f64 * 60.0 / READING_WPM as f64
}

/// Instructions should be read in the first third of the step (of a side),
/// leaving the rest of it for doing.
fn reading_time(step: &Step, at: &StepSpans, out: &mut Vec<Problem>) {
    let Some(span) = &at.instructions else { return };
    let read = reading_seconds(&step.instructions);
    let third = step.duration.as_secs_f64() / 3.0;
    if read > third {
        let fits = (third * READING_WPM as f64 / 60.0).floor() as usize;
        out.push(
            Problem::warning(
                span.clone(),
                format!(
                    "these instructions take about {} s to read, more than a third of the step ({} s of {})",
                    tenths(read),
                    tenths(third),
                    words(step.duration)
                ),
            )
            .label(format!("{} words", step.instructions.split_whitespace().count()))
            .help(format!(
                "cut them to about {fits} words, starting with the action, or make the step longer"
            )),
        );
    }
}

/// "6.9", "12": seconds to a tenth, without a trailing ".0".
fn tenths(s: f64) -> String {
    let t = format!("{s:.1}");
    t.strip_suffix(".0").map_or(t.clone(), str::to_owned)
}

fn glance_length(step: &Step, at: &StepSpans, out: &mut Vec<Problem>) {
    let (Some(glance), Some(span)) = (&step.glance, &at.glance) else {
        return;
    };
    let n = glance.split_whitespace().count();
    if n > GLANCE_WORDS {
        out.push(
            Problem::warning(
                span.clone(),
                format!("the glance line has {n} words; it is read in a glance only up to {GLANCE_WORDS}"),
            )
            .help("name only the action, like \"Squeeze, breathe, release\"; details go in `instructions`"),
        );
    }
}

fn long_hold(step: &Step, at: &StepSpans, out: &mut Vec<Problem>) {
    let Some(b) = &step.breath else { return };
    let longest = b
        .phases
        .iter()
        .filter(|p| matches!(p.kind, PhaseKind::Hold | PhaseKind::HoldOut))
        .map(|p| p.length)
        .max()
        .unwrap_or_default();
    if longest > LONG_HOLD && step.caution.is_none() {
        out.push(
            Problem::warning(
                at.breath.clone().unwrap_or(at.step.clone()),
                format!(
                    "a breath hold of {} with no caution on the step",
                    words(longest)
                ),
            )
            .help("add a caution like caution = \"Shorten the hold if you feel light-headed; no holds in pregnancy.\""),
        );
    }
}

fn is_478(b: &BreathPattern) -> bool {
    b.name == Some("4-7-8") || BreathPattern::named("4-7-8").is_some_and(|n| n.phases == b.phases)
}

/// Whole 4-7-8 cycles a step runs (0 when it is not 4-7-8).
fn cycles_478(step: &Step) -> u32 {
    let Some(b) = step.breath.as_ref().filter(|b| is_478(b)) else {
        return 0;
    };
    match (step.kind, step.cycles) {
        (StepKind::Breathing, Some(n)) => n,
        _ => {
            let worked = step.duration * step.sides.count();
            let whole = worked.as_nanos() / b.cycle_length().as_nanos().max(1);
            whole.min(u32::MAX.into()) as u32
        }
    }
}

/// Getting down to the floor or over to a wall takes more than a moment.
fn position_change(routine: &Routine, i: usize, at: &StepSpans, out: &mut Vec<Problem>) {
    let Some(to) = routine.steps[i].position else {
        return;
    };
    if !matches!(to, Position::Floor | Position::Wall) {
        return;
    }
    let Some(from) = routine.steps[..i].iter().rev().find_map(|s| s.position) else {
        return;
    };
    let ready = routine.get_ready_before(i);
    if from != to && ready < POSITION_CHANGE {
        out.push(
            Problem::warning(
                at.position.clone().unwrap_or(at.step.clone()),
                format!(
                    "a move from {} to {} with {} to get there",
                    from.word(),
                    to.word(),
                    if ready.is_zero() {
                        "no time".to_owned()
                    } else {
                        format!("only {}", words(ready))
                    }
                ),
            )
            .help(format!(
                "give this step get_ready = \"{}s\" or more",
                POSITION_CHANGE.as_secs().max(15)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routine::load::load_file_linted;
    use crate::routine::parse::parse_routine_linted;

    fn warnings_of(fixture: &str) -> Vec<Problem> {
        let path = format!(
            "{}/tests/fixtures/warnings/{fixture}.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let (_, report) = load_file_linted(std::path::Path::new(&path)).unwrap();
        assert!(report.problems.iter().all(Problem::is_warning));
        report.problems
    }

    /// Each fixture triggers its own warning, and only that one, at the
    /// line that causes it.
    #[test]
    fn each_warning_has_a_fixture_that_triggers_it_alone() {
        for (fixture, says, line) in [
            (
                "long-instructions",
                "to read, more than a third of the step",
                8,
            ),
            ("long-glance", "the glance line has 10 words", 8),
            ("long-hold-without-caution", "a breath hold of 10 s", 6),
            ("too-many-4-7-8", "6 cycles of 4-7-8 breathing in a row", 12),
            (
                "floor-without-get-ready",
                "a move from chair to floor with only 5 s",
                15,
            ),
        ] {
            let found = warnings_of(fixture);
            assert_eq!(found.len(), 1, "{fixture}: {found:?}");
            assert!(
                found[0].message.contains(says),
                "{fixture}: {}",
                found[0].message
            );
            let path = format!(
                "{}/tests/fixtures/warnings/{fixture}.toml",
                env!("CARGO_MANIFEST_DIR")
            );
            let text = std::fs::read_to_string(path).unwrap();
            let at = found[0].span.clone().unwrap().start;
            assert_eq!(text[..at].matches('\n').count() + 1, line, "{fixture}");
        }
    }

    #[test]
    fn fixing_what_a_warning_says_silences_it() {
        let quiet = |text: &str| {
            let (_, w) = parse_routine_linted("t", "t.toml", text, &|w| Ok(w.into())).unwrap();
            w.problems
        };
        let floor = include_str!("../../tests/fixtures/warnings/floor-without-get-ready.toml");
        assert!(quiet(&format!("{floor}get_ready = \"15s\"\n")).is_empty());
        let hold = include_str!("../../tests/fixtures/warnings/long-hold-without-caution.toml");
        assert!(
            quiet(&format!(
                "{hold}caution = \"Shorten the hold if it strains.\"\n"
            ))
            .is_empty()
        );
        let four = include_str!("../../tests/fixtures/warnings/too-many-4-7-8.toml");
        let rest = four.replace(
            "\n[[steps]]\nkind = \"breathing\"\ntitle = \"4-7-8, once more\"",
            "\n[[steps]]\nkind = \"rest\"\ntitle = \"Breathe normally\"\nduration = \"30s\"\n\n[[steps]]\nkind = \"breathing\"\ntitle = \"4-7-8, once more\"",
        );
        assert!(quiet(&rest).is_empty(), "{:?}", quiet(&rest));
    }

    #[test]
    fn the_new_routine_template_passes_strict() {
        let text = crate::commands::edit::TEMPLATE.replace("{NAME}", "Mine");
        let (_, w) = parse_routine_linted("mine", "mine.toml", &text, &|w| Ok(w.into()))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(w.problems.is_empty(), "{w}");
    }
}
