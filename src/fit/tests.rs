use std::time::Duration;

use proptest::prelude::*;

use super::*;
use crate::routine::builtin::BUILTINS;
use crate::routine::parse::parse_routine;
use crate::routine::write::{read_back_strict, to_toml};

fn builtins() -> Vec<Routine> {
    BUILTINS
        .iter()
        .map(|(id, text)| parse_routine(id, id, text).unwrap())
        .collect()
}

/// Everything a fitted routine must keep, against the routine it came from.
fn assert_fitted_well(written: &Routine, fitted: &Routine, minutes: u32) {
    let what = format!("{} at {minutes} min", written.id);
    assert_eq!(fitted.steps.len(), written.steps.len(), "{what}");
    assert_eq!(fitted.transition, written.transition, "{what}");
    for (w, f) in written.steps.iter().zip(&fitted.steps) {
        assert_eq!((w.kind, w.sides, &w.title), (f.kind, f.sides, &f.title));
        match (w.cycles, f.cycles) {
            (Some(wc), Some(fc)) => {
                let pattern = f.breath.as_ref().unwrap();
                assert_eq!(f.duration, pattern.length_of(fc), "{what}: whole cycles");
                assert!(fc >= 1 && fc <= wc * MAX_STRETCH, "{what}: {fc} of {wc}");
                if pattern.length_of(wc) >= MIN_SIDE {
                    assert!(pattern.length_of(fc) >= MIN_SIDE, "{what}: {}", f.title);
                }
            }
            (None, None) => {
                assert_eq!(f.duration.subsec_nanos(), 0, "{what}: whole seconds");
                assert!(
                    f.duration >= w.duration.min(MIN_SIDE),
                    "{what}: {} fell to {:?}",
                    f.title,
                    f.duration
                );
                assert!(f.duration <= w.duration * MAX_STRETCH, "{what}");
            }
            other => panic!("{what}: cycles changed {other:?}"),
        }
        assert_eq!(w.cues.len(), f.cues.len());
        for wc in &w.cues {
            let fc = f.cues.iter().find(|c| c.text == wc.text).unwrap();
            assert!(
                fc.at < f.duration,
                "{what}: cue {:?} outside its step",
                fc.text
            );
            assert_eq!(wc.text, fc.text);
            // In proportion, to the second; a cue that counts what is
            // left, at its distance from the end.
            let wished = if wc.counts() {
                (f.duration.saturating_sub(w.duration - wc.at)).as_secs_f64()
            } else {
                wc.at.as_secs_f64() * f.duration.as_secs_f64() / w.duration.as_secs_f64()
            };
            assert!((fc.at.as_secs_f64() - wished).abs() <= 1.0, "{what}");
        }
    }
    // Get-ready and switch pauses stay as written.
    let pauses = |r: &Routine| {
        Timeline::new(r).total
            - r.steps
                .iter()
                .map(|s| s.duration * s.sides.count())
                .sum::<Duration>()
    };
    assert_eq!(pauses(fitted), pauses(written), "{what}");
    // The same checks a routine file gets from `knotless check --strict`.
    let back =
        read_back_strict(fitted).unwrap_or_else(|e| panic!("{what}: {e}\n{}", to_toml(fitted)));
    assert_eq!(back.steps, fitted.steps, "{what}");
}

#[test]
fn every_built_in_fits_every_minute_its_bounds_allow() {
    for routine in builtins() {
        let range = minutes_range(&routine).expect("every built-in fits some minutes");
        let (lo, hi) = bounds(&routine);
        for minutes in MINUTES {
            let target = Duration::from_secs(u64::from(minutes) * 60);
            match fit(&routine, minutes) {
                Ok(fitted) => {
                    assert!(range.contains(&minutes));
                    let total = Timeline::new(&fitted).total;
                    assert!(
                        total.abs_diff(target) <= TOLERANCE,
                        "{} at {minutes} min: {total:?}",
                        routine.id
                    );
                    assert_fitted_well(&routine, &fitted, minutes);
                    let note = fitted.run.fitted.unwrap();
                    assert_eq!(note.minutes, minutes);
                    assert_eq!(note.written, Timeline::new(&routine).total);
                }
                Err(e) => {
                    assert!(!range.contains(&minutes), "{}: {e}", routine.id);
                    // Truly out of reach, not given up on.
                    assert!(
                        target + TOLERANCE < lo || target > hi + TOLERANCE,
                        "{} at {minutes}: {lo:?}..{hi:?}",
                        routine.id
                    );
                }
            }
        }
    }
}

#[test]
fn out_of_reach_says_plainly_what_is_possible() {
    let daily = crate::routine::builtin::routine("daily-back");
    let range = minutes_range(&daily).unwrap();
    let err = fit(&daily, *range.end() + 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "Daily back reset can be fitted between {} and {} minutes, not {}",
            range.start(),
            range.end(),
            range.end() + 1
        )
    );
    assert!(fit(&daily, 2).unwrap_err().to_string().contains("3 to 60"));
    assert!(fit(&daily, 61).is_err());
}

#[test]
fn the_written_length_fits_to_itself_unchanged() {
    let daily = crate::routine::builtin::routine("daily-back");
    let written = Timeline::new(&daily).total;
    let minutes = (written.as_secs() + 30) / 60;
    let fitted = fit(&daily, minutes as u32).unwrap();
    // Every step moved by the same factor, near 1.
    for (w, f) in daily.steps.iter().zip(&fitted.steps) {
        let ratio = f.duration.as_secs_f64() / w.duration.as_secs_f64();
        assert!((0.6..1.6).contains(&ratio), "{}: {ratio}", w.title);
    }
}

#[test]
fn shorter_means_shorter_steps_in_proportion() {
    let daily = crate::routine::builtin::routine("daily-back");
    let short = fit(&daily, 10).unwrap();
    let long = fit(&daily, 20).unwrap();
    for ((w, s), l) in daily.steps.iter().zip(&short.steps).zip(&long.steps) {
        assert!(
            s.duration <= w.duration && w.duration <= l.duration,
            "{}",
            w.title
        );
    }
}

fn step_text(kind: &str, secs: u64, sides: bool, cue: Option<u64>) -> String {
    let mut s = format!("[[steps]]\nkind = \"{kind}\"\ntitle = \"S\"\n");
    let mut length = secs.max(1);
    if kind == "breathing" {
        // Coherent breathing: 11 s a cycle.
        length = secs.clamp(1, 30) * 11;
        s += &format!("breath = \"coherent\"\ncycles = {}\n", secs.clamp(1, 30));
    } else {
        s += &format!("duration = {secs}\narea = \"hips\"\n");
        if sides {
            s += "sides = \"both\"\n";
        }
    }
    if let Some(at) = cue {
        s += &format!("cues = [{{ at = {}, text = \"c\" }}]\n", at % length);
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any routine: bounds, cues and whole cycles hold at any minutes; the
    /// total lands within the tolerance whenever a one-sided massage step
    /// can take up the last seconds.
    #[test]
    fn any_routine_fits_within_its_rules(
        steps in prop::collection::vec(
            (prop::sample::select(vec!["kneading", "breathing", "rest", "stretch"]),
             1u64..400, any::<bool>(), prop::option::of(0u64..400)),
            1..10),
        transition in 0u64..20,
        minutes in MINUTES,
    ) {
        let mut text = format!("name = \"P\"\n[defaults]\ntransition = {transition}\n");
        for (kind, secs, sides, cue) in &steps {
            text += &step_text(kind, *secs, *sides && *kind != "rest", *cue);
        }
        let routine = parse_routine("p", "p.toml", &text).unwrap();
        match fit(&routine, minutes) {
            Ok(fitted) => {
                assert_fitted_well(&routine, &fitted, minutes);
                let one_sided_massage = routine.steps.iter().any(|s| {
                    s.kind != StepKind::Breathing && s.sides.count() == 1 && s.duration >= MIN_SIDE
                });
                if one_sided_massage {
                    let total = Timeline::new(&fitted).total;
                    let target = Duration::from_secs(u64::from(minutes) * 60);
                    prop_assert!(total.abs_diff(target) <= TOLERANCE, "{total:?} for {minutes} min\n{text}");
                }
            }
            Err(FitError::Bounds { range, .. }) => {
                prop_assert!(range.is_none_or(|r| !r.contains(&minutes)));
            }
            Err(e) => prop_assert!(false, "{e}"),
        }
    }
}

#[test]
fn tapping_and_stretches_stop_at_a_minute_a_side_and_show_says_so() {
    let daily = crate::routine::builtin::routine("daily-back");
    let fitted = fit(&daily, 30).unwrap();
    for step in &fitted.steps {
        if let Some(limit) = longest_side(step.kind) {
            assert!(
                step.duration <= limit,
                "{}: {:?}",
                step.title,
                step.duration
            );
        }
    }
    let held: Vec<&str> = at_limit(&fitted)
        .into_iter()
        .map(|i| fitted.steps[i].title.as_str())
        .collect();
    assert!(held.contains(&"Lower back tapping"), "{held:?}");
    let shown = crate::commands::show(&fitted, &crate::routine::Origin::BuiltIn);
    assert!(
        shown.contains("At its limit of a minute a side: ") && shown.contains("Lower back tapping"),
        "{shown}"
    );
}

/// "Last breath of the box" must come with the last box, and "Two more
/// breaths" with two left, however the routine is fitted.
#[test]
fn counting_cues_stay_true_at_every_fit() {
    for id in ["breathe-5", "sleep-wind-down"] {
        let written = crate::routine::builtin::routine(id);
        let Some(range) = minutes_range(&written) else {
            continue;
        };
        for minutes in range {
            let fitted = fit(&written, minutes).unwrap();
            for step in &fitted.steps {
                let Some(b) = &step.breath else { continue };
                for cue in step.cues.iter().filter(|c| c.count().is_some()) {
                    let at = crate::timeline::cue_at(cue, step.duration, step.duration, Some(b));
                    let left = (step.duration - at).as_nanos() / b.cycle_length().as_nanos();
                    assert_eq!(
                        Some(left as u32),
                        cue.count(),
                        "{id} at {minutes} min: {:?} at {at:?} of {:?}",
                        cue.text,
                        step.duration
                    );
                }
            }
        }
    }
}
