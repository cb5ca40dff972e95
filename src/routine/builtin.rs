//! The routines that ship inside the binary, so knotless works from any
//! directory with nothing installed beside it.

/// (id, file text) of every file in `routines/`.
pub const BUILTINS: &[(&str, &str)] = &[
    (
        "after-a-run",
        include_str!("../../routines/after-a-run.toml"),
    ),
    ("breathe-5", include_str!("../../routines/breathe-5.toml")),
    ("calm-2", include_str!("../../routines/calm-2.toml")),
    ("calm-down", include_str!("../../routines/calm-down.toml")),
    ("daily-back", include_str!("../../routines/daily-back.toml")),
    ("desk-break", include_str!("../../routines/desk-break.toml")),
    ("desk-reset", include_str!("../../routines/desk-reset.toml")),
    (
        "feet-and-calves",
        include_str!("../../routines/feet-and-calves.toml"),
    ),
    (
        "hands-forearms",
        include_str!("../../routines/hands-forearms.toml"),
    ),
    ("jaw-face", include_str!("../../routines/jaw-face.toml")),
    (
        "long-sitting",
        include_str!("../../routines/long-sitting.toml"),
    ),
    ("lower-back", include_str!("../../routines/lower-back.toml")),
    (
        "morning-wake-up",
        include_str!("../../routines/morning-wake-up.toml"),
    ),
    (
        "pregnancy-friendly",
        include_str!("../../routines/pregnancy-friendly.toml"),
    ),
    (
        "roller-and-ball",
        include_str!("../../routines/roller-and-ball.toml"),
    ),
    (
        "seated-gentle",
        include_str!("../../routines/seated-gentle.toml"),
    ),
    (
        "sleep-wind-down",
        include_str!("../../routines/sleep-wind-down.toml"),
    ),
    (
        "tension-headache",
        include_str!("../../routines/tension-headache.toml"),
    ),
];

/// A built-in routine, parsed: for tests.
#[cfg(test)]
pub fn routine(id: &str) -> crate::routine::Routine {
    crate::routine::Library::builtins()
        .find(id)
        .unwrap()
        .routine
        .clone()
        .unwrap()
}

/// How diagnostics name a built-in file.
pub fn file_name(id: &str) -> String {
    format!("<built-in>/{id}.toml")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::routine::model::{Position, Routine};
    use crate::routine::parse::parse_routine;
    use crate::timeline::Timeline;

    fn all() -> Vec<Routine> {
        BUILTINS.iter().map(|(id, _)| routine(id)).collect()
    }

    fn word_count(s: &str) -> usize {
        s.split_whitespace().count()
    }

    fn minutes(r: &Routine) -> f64 {
        Timeline::new(r).total.as_secs_f64() / 60.0
    }

    #[test]
    fn every_step_can_be_taken_in_at_a_glance() {
        for r in all() {
            for step in &r.steps {
                let at = format!("{} / {}", r.id, step.title);
                let glance = step
                    .glance
                    .as_deref()
                    .unwrap_or_else(|| panic!("{at}: no glance"));
                assert!(word_count(glance) <= 8, "{at}: glance {glance:?}");
                assert!(word_count(&step.instructions) <= 35, "{at}: instructions");
                assert!(!step.instructions.is_empty(), "{at}: no instructions");
                if let Some(c) = &step.caution {
                    assert!(word_count(c) <= 20, "{at}: caution {c:?}");
                }
                assert!(step.position.is_some(), "{at}: no position");
            }
        }
    }

    #[test]
    fn every_routine_keeps_its_own_safety_note_short_and_the_page_holds_the_rest() {
        // The shared list (fever, lumps, clots, osteoporosis, pregnancy...)
        // lives once, on the general safety page; a routine names its own
        // risks first, in at most three lines.
        for r in all() {
            let lines = r.safety.lines().count();
            assert!((1..=3).contains(&lines), "{}: {lines} lines", r.id);
            assert!(
                !r.safety.starts_with("Do not massage over an injury"),
                "{}: the shared paragraph is on the safety page now",
                r.id
            );
            assert!(r.safety.split_whitespace().count() <= 70, "{}", r.id);
        }
    }

    #[test]
    fn there_are_routines_for_a_few_minutes_and_for_a_daily_habit() {
        let routines = all();
        assert!(routines.len() >= 11);
        let daily = routines
            .iter()
            .filter(|r| (10.0..=15.0).contains(&minutes(r)))
            .count();
        assert!(daily >= 4, "{daily} routines of 10-15 minutes");
        let around = |id: &str, low: f64, high: f64| {
            let m = minutes(&routine(id));
            assert!((low..=high).contains(&m), "{id}: {m:.1} min");
        };
        around("desk-reset", 2.5, 3.5);
        around("hands-forearms", 6.0, 8.0);
        around("jaw-face", 4.0, 6.0);
        around("seated-gentle", 9.0, 12.0);
    }

    #[test]
    fn the_seated_routine_never_leaves_the_chair() {
        assert_eq!(routine("seated-gentle").positions(), [Position::Chair]);
        assert_eq!(
            routine("daily-back").positions(),
            [Position::Chair, Position::Wall]
        );
        let r = routine("seated-gentle");
        assert!(r.steps.iter().all(|s| s.position == Some(Position::Chair)));
        assert!(
            !r.tools
                .iter()
                .any(|t| t.contains("ball") || t.contains("roller"))
        );
    }

    #[test]
    fn the_jaw_step_warns_about_the_jaw_joint() {
        let r = routine("jaw-face");
        let jaw = r
            .steps
            .iter()
            .find(|s| {
                s.area == Some(crate::routine::Area::Jaw)
                    && s.kind == crate::routine::StepKind::Circles
            })
            .unwrap();
        assert!(jaw.caution.as_deref().unwrap_or("").contains("joint"));
    }

    #[test]
    fn routines_that_end_on_the_floor_end_with_sitting_up_slowly_and_water() {
        for r in all() {
            let last = r.steps.last().unwrap();
            if last.position != Some(Position::Floor) {
                continue;
            }
            let said = last
                .cues
                .iter()
                .map(|c| c.text.to_lowercase())
                .collect::<Vec<_>>()
                .join(" ");
            for words in ["open your eyes", "sit up slowly", "water"] {
                assert!(said.contains(words), "{}: {said}", r.id);
            }
        }
    }

    #[test]
    fn calm_routines_turn_breath_tones_on() {
        for r in all() {
            if r.tags.iter().any(|t| t == "calm" || t == "sleep") {
                assert_eq!(r.breath_tones, Some(true), "{}", r.id);
            }
        }
    }

    #[test]
    fn getting_to_the_floor_or_a_wall_has_time_to_do_it() {
        for r in all() {
            for (i, step) in r.steps.iter().enumerate().skip(1) {
                let moved = r.steps[i - 1].position != step.position;
                if moved && matches!(step.position, Some(Position::Floor | Position::Wall)) {
                    assert!(
                        r.get_ready_before(i) >= Duration::from_secs(15),
                        "{} / {}",
                        r.id,
                        step.title
                    );
                }
            }
        }
    }

    #[test]
    fn every_builtin_passes_check_strict() {
        for entry in crate::routine::Library::builtins().entries {
            if let Some(report) = crate::routine::report::report_entry(&entry, true) {
                panic!("{report}");
            }
        }
    }

    #[test]
    fn every_builtin_parses_and_validates() {
        for (id, text) in BUILTINS {
            if let Err(e) = parse_routine(id, &file_name(id), text) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn every_file_in_routines_is_built_in() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/routines");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let built_in: Vec<&str> = BUILTINS.iter().map(|(id, _)| *id).collect();
        assert_eq!(on_disk, built_in);
    }
}
