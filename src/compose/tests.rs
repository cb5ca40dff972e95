use std::time::Duration;

use super::*;
use crate::routine::write::{read_back_strict, to_toml};

fn pool() -> Vec<Candidate> {
    candidates(&shipped_files())
}

fn request(minutes: u32, focus: &[Area]) -> Request {
    Request {
        minutes,
        focus: focus.to_vec(),
        tools: Vec::new(),
        position: None,
        avoid: Vec::new(),
        level: None,
        body: Body::default(),
        seed: 7,
    }
}

/// The pool entry a composed step came from (a portable warm-up takes the
/// block's position).
fn source<'a>(pool: &'a [Candidate], step: &Step) -> &'a Candidate {
    pool.iter()
        .find(|c| c.step.title == step.title && c.position == step.position)
        .or_else(|| {
            pool.iter()
                .find(|c| c.step.title == step.title && c.position.is_none())
        })
        .unwrap_or_else(|| panic!("{} comes from the pool", step.title))
}

/// Every rule a composed routine keeps, checked from the printed file read
/// back, as `knotless check --strict` reads it.
fn assert_composed_well(req: &Request, pool: &[Candidate], routine: &Routine) {
    let what = format!("{req:?}");
    let text = to_toml(routine);
    let back = read_back_strict(routine).unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
    assert_eq!(back.steps, routine.steps, "{what}");
    let target = Duration::from_secs(u64::from(req.minutes) * 60);
    let total = Timeline::new(&back).total;
    assert!(
        total.abs_diff(target) <= TOLERANCE,
        "{what}: {total:?}\n{text}"
    );
    let places = allowed(req.position);
    let focus = expand(&req.focus, &req.avoid);
    // Blocks: each position in one run, in block order, each opening with
    // a warm-up, and only a change of position gets a get-ready.
    let mut runs: Vec<Position> = Vec::new();
    for (i, step) in back.steps.iter().enumerate() {
        let p = step.position.expect("every composed step says where");
        assert!(places.contains(&p), "{what}: {} in {p}", step.title);
        let change = runs.last() != Some(&p);
        if change {
            assert!(!runs.contains(&p), "{what}: back to {p}\n{text}");
            runs.push(p);
            assert_eq!(
                step.kind,
                StepKind::WarmUp,
                "{what}: block {p} opens with {}",
                step.title
            );
        }
        assert_eq!(
            step.get_ready.is_some(),
            change && i > 0,
            "{what}: get-ready before {}",
            step.title
        );
    }
    assert!(
        runs.is_sorted_by_key(|p| block_rank(*p)),
        "{what}: {runs:?}"
    );
    let changes = runs.len() - 1;
    let allowed_changes = (req.minutes / MINUTES_PER_CHANGE) as usize;
    assert!(
        changes <= allowed_changes.max(req.focus.len().saturating_sub(1)),
        "{what}: {changes} changes\n{text}"
    );
    // Within a block: the arc, then areas top-down.
    for run in back.steps.chunk_by(|a, b| a.position == b.position) {
        let keys: Vec<_> = run
            .iter()
            .map(|s| (arc_key(s), area_rank(s.area)))
            .collect();
        assert!(keys.is_sorted(), "{what}: order {keys:?}");
    }
    let mut families = HashSet::new();
    let mut tapping = HashSet::new();
    for step in &back.steps {
        let c = source(pool, step);
        assert!(
            families.insert(c.family.clone()),
            "{what}: {} twice",
            c.family
        );
        if step.kind == StepKind::Tapping {
            assert!(
                tapping.insert(step.area),
                "{what}: two tapping steps for {:?}",
                step.area
            );
        }
        assert!(
            area_fits(step, &focus, &req.avoid),
            "{what}: {} ({:?})",
            step.title,
            step.area
        );
        assert!(
            c.gear.iter().all(|g| has_gear(g, &req.tools)),
            "{what}: {} needs {:?}",
            step.title,
            c.gear
        );
        assert!(unsuitable(c, req.body).is_none(), "{what}: {}", step.title);
        assert_eq!(c.step.caution, step.caution, "cautions travel");
        for risk in &c.risks {
            assert!(
                back.safety.contains(risk.line()),
                "{what}: {} needs {risk:?} in the safety note",
                step.title
            );
        }
        let (written, now) = (c.step.duration.as_secs_f64(), step.duration.as_secs_f64());
        assert!(
            now <= written * stretch(step) + 1e-9,
            "{what}: {} stretched from {written} to {now}",
            step.title
        );
        if let Some(limit) = crate::fit::longest_side(step.kind) {
            assert!(
                step.duration <= limit.max(c.step.duration),
                "{what}: {} past its limit",
                step.title
            );
        }
        assert!(
            now + 1e-9 >= written.min(crate::fit::MIN_SIDE.as_secs_f64()),
            "{what}: {} shrunk from {written} to {now}",
            step.title
        );
    }
    assert!(back.safety.starts_with(GENERAL), "{what}");
    // The prepare list names only the places and tools used.
    for (p, line) in BLOCK_ORDER.iter().map(|&p| (p, prepare_for(p))) {
        assert_eq!(
            back.prepare.iter().any(|l| l == line),
            runs.contains(&p),
            "{what}: prepare {line}"
        );
    }
    assert!(
        back.steps
            .iter()
            .any(|s| s.area.is_some_and(|a| focus.contains(&a))),
        "{what}: nothing for the focus"
    );
}

#[test]
fn the_shipped_step_library_parses_and_is_tagged() {
    let files = shipped_files();
    assert_eq!(files.len(), crate::routine::builtin::BUILTINS.len() + 1);
    let pool = pool();
    let find = |t: &str| pool.iter().find(|c| c.step.title == t).unwrap();
    assert_eq!(
        find("Ball between the blades").gear,
        vec!["tennis ball".to_owned()]
    );
    assert!(find("Shoulder rolls").gear.is_empty());
    assert_eq!(find("Calf roll").position, Some(Position::Floor));
    assert_eq!(find("Shoulder rolls").position, Some(Position::Chair));
    assert_eq!(find("One knee to chest").position, Some(Position::Floor));
    // The same title in bed, on a chair and anywhere: one of each.
    let warm: Vec<Option<Position>> = pool
        .iter()
        .filter(|c| c.step.title == "Warm your hands")
        .map(|c| c.position)
        .collect();
    assert_eq!(warm, vec![Some(Position::Chair), Some(Position::Bed), None]);
    // Near-duplicates are one family.
    assert_eq!(
        find("Shoulder squeeze").family,
        find("Trapezius squeeze").family
    );
    assert_eq!(
        find("Neck strokes").family,
        find("Neck and shoulder strokes").family
    );
    assert!(find("Knee drop twist").risks.contains(&Risk::Bones));
    assert!(find("Calf kneading").risks.contains(&Risk::Clots));
    assert!(find("Box breathing").risks.contains(&Risk::Pregnancy));
}

#[test]
fn every_library_step_has_a_short_glance_line_that_starts_with_the_action() {
    let library = crate::routine::parse::parse_routine("steps", "steps", STEP_LIBRARY).unwrap();
    for step in &library.steps {
        let glance = step
            .glance
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no glance", step.title));
        assert!(
            glance.split_whitespace().count() <= 8,
            "{}: {glance}",
            step.title
        );
        let first = glance.split_whitespace().next().unwrap_or_default();
        assert!(
            !matches!(first, "Find" | "Sit" | "Stand" | "The" | "Your" | "This"),
            "{}: {glance} starts with setup, not the action",
            step.title
        );
    }
}

#[test]
fn tools_are_matched_by_name_and_hands_are_always_there() {
    assert!(has_gear("tennis ball", &["ball".into()]));
    assert!(has_gear(
        "massage ball or tennis ball",
        &["Tennis Ball".into()]
    ));
    assert!(has_gear("foam roller", &["roller".into()]));
    assert!(!has_gear("foam roller", &["ball".into()]));
    assert!(!has_gear("foam roller", &["".into()]));
    assert!(always_at_hand("hands"));
    assert!(always_at_hand("small cushion (optional)"));
    assert!(always_at_hand("mat or rug"));
    assert!(!always_at_hand("tennis ball"));
}

/// Every area × every position × tools × 5, 10, 15, 30 minutes × seeds.
#[test]
fn the_compose_grid_keeps_every_rule_and_every_refusal_says_why() {
    let pool = pool();
    let tools: &[&[&str]] = &[&[], &["ball"], &["ball", "roller"]];
    let positions = std::iter::once(None).chain(Position::ALL.iter().copied().map(Some));
    let (mut made, mut refused) = (0, 0);
    let mut problems = Vec::new();
    for position in positions {
        for &area in Area::ALL {
            for tool in tools {
                for minutes in [5, 10, 15, 30] {
                    for seed in [1, 2] {
                        let req = Request {
                            tools: tool.iter().map(|t| t.to_string()).collect(),
                            position,
                            seed,
                            ..request(minutes, &[area])
                        };
                        match compose(&req, &pool) {
                            Ok(r) => {
                                made += 1;
                                assert_composed_well(&req, &pool, &r);
                            }
                            Err(e) => {
                                refused += 1;
                                let why = e.to_string();
                                match &e {
                                    ComposeError::NoSteps(reasons) => {
                                        let place = position.map_or("", |p| p.word());
                                        assert!(
                                            reasons
                                                .iter()
                                                .any(|r| r.contains(area.word())
                                                    && r.contains(place)),
                                            "{req:?}: {why}"
                                        );
                                    }
                                    ComposeError::TooShort { .. }
                                    | ComposeError::TooLong { .. } => {
                                        assert!(why.contains("minutes"), "{why}")
                                    }
                                    other => panic!("{req:?}: {other:?}"),
                                }
                                // Refused only where the library is thin:
                                // never an everyday wish.
                                // (A quarter of an hour on one area in a chair
                                // may run out of moves: that is said.)
                                let everyday = (minutes <= 10
                                    && position.is_none_or(|p| p == Position::Chair)
                                    || minutes == 15 && position.is_none())
                                    && matches!(
                                        area,
                                        Area::Neck
                                            | Area::Shoulders
                                            | Area::UpperBack
                                            | Area::LowerBack
                                            | Area::Legs
                                            | Area::Feet
                                            | Area::Hands
                                            | Area::WholeBody
                                    );
                                if everyday {
                                    problems.push(format!(
                                        "{area} {minutes} min {position:?} {tool:?}: {why}"
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "everyday wishes refused:\n{}",
        problems.join("\n")
    );
    assert!(made >= 600, "made {made}, refused {refused}");
}

#[test]
fn many_areas_at_once_keep_to_few_blocks_and_no_near_duplicates() {
    let pool = pool();
    for minutes in [20, 30, 45, 60] {
        for seed in 0..6 {
            let req = Request {
                tools: vec!["ball".into(), "roller".into()],
                seed,
                ..request(
                    minutes,
                    &[
                        Area::Neck,
                        Area::Shoulders,
                        Area::UpperBack,
                        Area::LowerBack,
                        Area::Hips,
                        Area::Legs,
                    ],
                )
            };
            let r = compose(&req, &pool).unwrap_or_else(|e| panic!("{req:?}: {e}"));
            assert_composed_well(&req, &pool, &r);
            let neck = r
                .steps
                .iter()
                .filter(|s| s.area == Some(Area::Neck) && (1..=4).contains(&phase(s.kind)))
                .count();
            assert!(neck <= PER_AREA, "{neck} neck steps");
        }
    }
}

#[test]
fn the_seed_brings_variety_and_the_same_seed_the_same_routine() {
    let pool = pool();
    let mut seen = HashSet::new();
    for seed in 0..20 {
        let req = Request {
            seed,
            ..request(12, &[Area::Neck, Area::Shoulders])
        };
        let r = compose(&req, &pool).unwrap();
        assert_eq!(compose(&req, &pool).unwrap(), r);
        let titles: Vec<String> = r.steps.iter().map(|s| s.title.clone()).collect();
        seen.insert(titles);
    }
    assert!(seen.len() >= 5, "only {} different routines", seen.len());
}

#[test]
fn the_arc_opens_warm_and_closes_quiet() {
    let pool = pool();
    let r = compose(&request(12, &[Area::Neck, Area::Shoulders]), &pool).unwrap();
    assert_eq!(r.steps.first().unwrap().kind, StepKind::WarmUp);
    assert_eq!(r.steps.last().unwrap().kind, StepKind::Rest);
    assert!(r.steps.iter().any(|s| s.kind == StepKind::Breathing));
    let short = compose(&request(3, &[Area::Neck]), &pool).unwrap();
    assert!(short.steps.len() >= 2);
    assert!(short.steps.iter().all(|s| s.kind != StepKind::Breathing));
}

#[test]
fn plain_answers_for_impossible_requests() {
    let pool = pool();
    assert_eq!(
        compose(&request(12, &[]), &pool).unwrap_err(),
        ComposeError::NoFocus
    );
    assert_eq!(
        compose(&request(2, &[Area::Neck]), &pool).unwrap_err(),
        ComposeError::Minutes(2)
    );
    let both = Request {
        avoid: vec![Area::Neck],
        ..request(10, &[Area::Neck])
    };
    assert_eq!(
        compose(&both, &pool).unwrap_err(),
        ComposeError::FocusAvoided(Area::Neck)
    );
    let floor_jaw = Request {
        position: Some(Position::Floor),
        ..request(10, &[Area::Jaw])
    };
    let err = compose(&floor_jaw, &pool).unwrap_err();
    assert!(
        err.to_string().starts_with("no floor steps for jaw"),
        "{err}"
    );
    let banana = Request {
        tools: vec!["banana".into()],
        ..request(10, &[Area::Neck])
    };
    let err = compose(&banana, &pool).unwrap_err().to_string();
    assert!(
        err.contains("`banana`") && err.contains("ball, roller"),
        "{err}"
    );
    let long_jaw = compose(&request(60, &[Area::Jaw]), &pool).unwrap_err();
    assert!(
        matches!(long_jaw, ComposeError::TooShort { .. }),
        "{long_jaw:?}"
    );
}

#[test]
fn an_area_a_position_cannot_serve_is_named_never_dropped() {
    let pool = pool();
    let req = Request {
        position: Some(Position::Floor),
        ..request(10, &[Area::LowerBack, Area::Jaw])
    };
    let r = compose(&req, &pool).unwrap();
    assert!(
        r.summary.contains("no floor steps for jaw"),
        "{}",
        r.summary
    );
    assert_composed_well(&req, &pool, &r);
}

#[test]
fn standing_means_standing_and_the_wall_and_whole_body_is_a_focus() {
    let pool = pool();
    let standing = Request {
        position: Some(Position::Standing),
        ..request(10, &[Area::Shoulders, Area::LowerBack])
    };
    let r = compose(&standing, &pool).unwrap();
    assert!(
        r.steps
            .iter()
            .all(|s| matches!(s.position, Some(Position::Standing | Position::Wall)))
    );
    assert!(
        !r.prepare.iter().any(|l| l.contains("chair")),
        "{:?}",
        r.prepare
    );
    for position in [
        None,
        Some(Position::Chair),
        Some(Position::Floor),
        Some(Position::Bed),
    ] {
        let whole = Request {
            position,
            ..request(15, &[Area::WholeBody])
        };
        let r = compose(&whole, &pool).unwrap_or_else(|e| panic!("{position:?}: {e}"));
        assert_composed_well(&whole, &pool, &r);
    }
}

#[test]
fn body_settings_never_let_an_unsuitable_step_through() {
    let pool = pool();
    let find = |t: &str| pool.iter().find(|c| c.step.title == t).unwrap();
    let bones = Body {
        osteoporosis: true,
        ..Body::default()
    };
    let pregnant = Body {
        pregnant: true,
        ..Body::default()
    };
    let thinners = Body {
        blood_thinners: true,
        ..Body::default()
    };
    assert_eq!(
        unsuitable(find("Knee drop twist"), bones),
        Some(Condition::Osteoporosis)
    );
    assert_eq!(
        unsuitable(find("Calf roll"), bones),
        Some(Condition::Osteoporosis)
    );
    assert_eq!(
        unsuitable(find("Box breathing"), pregnant),
        Some(Condition::Pregnant)
    );
    assert_eq!(
        unsuitable(find("Belly circles"), pregnant),
        Some(Condition::Pregnant)
    );
    assert_eq!(
        unsuitable(find("Ball between the blades"), thinners),
        Some(Condition::BloodThinners)
    );
    assert_eq!(
        unsuitable(find("Shoulder tapping"), thinners),
        Some(Condition::BloodThinners)
    );
    assert_eq!(unsuitable(find("Chin tuck"), bones), None);
    let all = Body {
        osteoporosis: true,
        pregnant: true,
        blood_thinners: true,
    };
    let mut made = 0;
    for body in [bones, pregnant, thinners, all] {
        for &area in Area::ALL {
            for position in [None, Some(Position::Floor), Some(Position::Wall)] {
                for minutes in [5, 15] {
                    let req = Request {
                        tools: vec!["ball".into(), "roller".into()],
                        position,
                        body,
                        ..request(minutes, &[area])
                    };
                    if let Ok(r) = compose(&req, &pool) {
                        made += 1;
                        for step in &r.steps {
                            assert_eq!(
                                unsuitable(source(&pool, step), body),
                                None,
                                "{req:?}: {}",
                                step.title
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(made >= 100, "made {made}");
}

#[test]
fn level_is_a_ceiling_and_gentle_work_is_light() {
    let pool = pool();
    let gentle = Request {
        level: Some(Level::Gentle),
        ..request(10, &[Area::Neck, Area::Shoulders, Area::Legs])
    };
    let r = compose(&gentle, &pool).unwrap();
    assert!(r.steps.iter().all(|s| level_of(s) == Level::Gentle));
    let standard = compose(&request(20, &[Area::Neck, Area::Shoulders]), &pool).unwrap();
    assert!(standard.steps.iter().all(|s| s.level != Level::Deeper));
}

#[test]
fn without_a_seed_each_day_has_its_own() {
    assert_eq!(seed_for(jiff::civil::date(2026, 12, 1)), 20261201);
    assert_ne!(
        seed_for(jiff::civil::date(2026, 12, 1)),
        seed_for(jiff::civil::date(2026, 12, 2))
    );
}

/// Three composed routines, read as a therapist would read them.
#[test]
fn three_composed_routines_read_well() {
    let pool = pool();
    let wall = Request {
        tools: vec!["ball".into()],
        position: Some(Position::Wall),
        ..request(15, &[Area::Hips, Area::LowerBack])
    };
    let whole = Request {
        tools: vec!["ball".into(), "roller".into()],
        ..request(30, &[Area::WholeBody])
    };
    let gentle = Request {
        position: Some(Position::Chair),
        body: Body {
            blood_thinners: true,
            ..Body::default()
        },
        ..request(10, &[Area::Neck, Area::Shoulders, Area::Feet])
    };
    for (name, req) in [
        ("wall_hips_lower_back_15", wall),
        ("whole_body_30", whole),
        ("chair_blood_thinners_10", gentle),
    ] {
        let r = compose(&req, &pool).unwrap();
        assert_composed_well(&req, &pool, &r);
        insta::assert_snapshot!(name, to_toml(&r));
    }
}

#[test]
fn the_pregnancy_routine_holds_nothing_unsuitable_and_travel_warns_of_clots_first() {
    let pool = candidates(&shipped_files());
    let pregnant = Body {
        pregnant: true,
        ..Body::default()
    };
    let routine = crate::routine::builtin::routine("pregnancy-friendly");
    for step in &routine.steps {
        let c = pool
            .iter()
            .find(|c| c.step.title == step.title && c.position == step.position)
            .unwrap();
        assert_eq!(unsuitable(c, pregnant), None, "{}", step.title);
    }
    let travel = crate::routine::builtin::routine("long-sitting");
    assert!(
        travel
            .safety
            .starts_with("Long sitting raises the risk of a clot")
    );
    // Every routine's own safety note is at most three lines, and the one
    // with no massage does not open with a massage warning.
    for (id, _) in crate::routine::builtin::BUILTINS {
        let r = crate::routine::builtin::routine(id);
        assert!(r.safety.lines().count() <= 3, "{id}: {}", r.safety);
    }
    assert!(
        !crate::routine::builtin::routine("breathe-5")
            .safety
            .contains("massage")
    );
}

#[test]
fn the_preflight_names_the_steps_body_settings_rule_out() {
    let thinners = Body {
        blood_thinners: true,
        ..Body::default()
    };
    let daily = crate::routine::builtin::routine("daily-back");
    let warning = body_warning(&daily, thinners).unwrap();
    assert!(
        warning.starts_with("With blood thinners (your settings), skip:"),
        "{warning}"
    );
    assert!(warning.contains("Ball between the blades") && warning.contains("Lower back tapping"));
    assert_eq!(body_warning(&daily, Body::default()), None);
    let gentle = crate::routine::builtin::routine("pregnancy-friendly");
    let pregnant = Body {
        pregnant: true,
        ..Body::default()
    };
    assert_eq!(body_warning(&gentle, pregnant), None);
}
