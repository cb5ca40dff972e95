use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::*;
use crate::breath::PhaseKind;
use crate::routine::Side;
use crate::routine::parse::parse_routine;

const ROUTINE: &str = r#"
name = "Three steps"
[defaults]
transition = "5s"
[[steps]]
kind = "warm-up"
title = "Rolls"
duration = "60s"
cues = [{ at = "30s", text = "Forwards now" }]
[[steps]]
kind = "kneading"
title = "Squeeze"
duration = "20s"
sides = "both"
[[steps]]
kind = "breathing"
title = "Box"
breath = "box"
cycles = 2
"#;

fn routine() -> Arc<Routine> {
    Arc::new(parse_routine("three", "three.toml", ROUTINE).unwrap())
}

fn s(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Everything fired from start to `until`, waking only when asked to.
fn run_to(session: &mut Session, t0: Instant, until: Duration) -> Vec<(Duration, Effect)> {
    let mut out = Vec::new();
    let mut now = t0;
    while let Some(wake) = session.next_wake(now) {
        assert!(wake > now, "woke without moving on");
        if wake > t0 + until {
            break;
        }
        now = wake;
        for e in session.handle(Msg::Tick, now) {
            out.push((now - t0, e));
        }
    }
    out
}

#[test]
fn first_moment_is_a_get_ready_then_the_step_starts_on_time() {
    let t0 = Instant::now();
    let (mut session, effects) = Session::start(routine(), t0);
    assert_eq!(effects, vec![Effect::GetReady { step: 0 }]);
    assert_eq!(session.view(t0).phase, ViewPhase::GetReady);
    assert_eq!(session.view(t0).left_secs, 5);
    let fx = session.handle(Msg::Tick, t0 + s(5));
    assert_eq!(
        fx,
        vec![Effect::StepStarted {
            step: 0,
            side: None
        }]
    );
    assert_eq!(session.view(t0 + s(5)).left_secs, 60);
}

#[test]
fn a_whole_routine_fires_everything_once_in_order_and_ends_exactly() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    let fired = run_to(&mut session, t0, s(3600));
    let at = |want: &Effect| fired.iter().find(|(_, e)| e == want).map(|(t, _)| *t);
    assert_eq!(
        at(&Effect::Cue {
            step: 0,
            side: None,
            text: "Forwards now".into()
        }),
        Some(s(35))
    );
    assert_eq!(at(&Effect::GetReady { step: 1 }), Some(s(65)));
    assert_eq!(
        at(&Effect::StepStarted {
            step: 1,
            side: Some(Side::Left)
        }),
        Some(s(70))
    );
    assert_eq!(
        at(&Effect::SideSwitch {
            step: 1,
            side: Side::Right
        }),
        Some(s(90))
    );
    // The pause between the sides (5 s by default) ends with the right side.
    assert_eq!(
        at(&Effect::StepStarted {
            step: 1,
            side: Some(Side::Right)
        }),
        Some(s(95))
    );
    assert_eq!(
        at(&Effect::StepStarted {
            step: 2,
            side: None
        }),
        Some(s(120))
    );
    assert_eq!(
        at(&Effect::BreathPhase {
            step: 2,
            side: None,
            kind: PhaseKind::Out,
            cycle: 2,
            phase: 2,
        }),
        Some(s(120 + 16 + 8))
    );
    assert_eq!(
        at(&Effect::LastSeconds {
            step: 0,
            side: None,
            left: 3
        }),
        Some(s(62))
    );
    let (end, last) = fired.last().unwrap();
    assert_eq!(*end, s(152));
    let Effect::Finished(summary) = last else {
        panic!("{last:?}")
    };
    // Three 5 s get-ready pauses and the 5 s switch pause are not practice.
    assert_eq!(summary.practised, s(132));
    assert_eq!(summary.planned, s(152));
    assert_eq!(summary.completed_steps, 3);
    assert!(summary.skipped.is_empty());
    assert_eq!(session.next_wake(t0 + s(200)), None);
}

#[test]
fn wakes_at_most_once_a_second_outside_breathing() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    let mut wakes = 0;
    let mut now = t0;
    while let Some(w) = session.next_wake(now) {
        if w > t0 + s(115) {
            break;
        }
        assert!(w - now <= s(1), "slept {:?}", w - now);
        assert!(w > now);
        session.handle(Msg::Tick, w);
        now = w;
        wakes += 1;
    }
    assert_eq!(wakes, 115);
}

#[test]
fn a_late_wake_still_starts_the_next_segment_at_its_planned_instant() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    // The app woke 250 ms late for the end of the get-ready.
    session.handle(Msg::Tick, t0 + ms(5_250));
    assert_eq!(session.view(t0 + ms(5_250)).phase, ViewPhase::Work);
    assert_eq!(session.next_wake(t0 + ms(5_250)), Some(t0 + s(6)));
    assert_eq!(session.view(t0 + ms(64_999)).left_secs, 1);
    // Slept through the rest of the step: the cue still shows, the stale
    // last-seconds count does not sound.
    assert_eq!(
        session.handle(Msg::Tick, t0 + s(65)),
        vec![
            Effect::Cue {
                step: 0,
                side: None,
                text: "Forwards now".into()
            },
            Effect::GetReady { step: 1 }
        ]
    );
}

#[test]
fn pause_excludes_paused_time_to_the_millisecond() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    session.handle(Msg::Tick, t0 + s(5));
    session.handle(Msg::Pause, t0 + ms(10_123));
    assert!(session.view(t0 + s(100)).paused);
    assert_eq!(session.next_wake(t0 + s(100)), None);
    session.handle(Msg::Resume, t0 + ms(70_123));
    // 5.123 s into the step when paused; the step ends 54.877 s after resume.
    assert_eq!(
        session.next_wake(t0 + ms(70_123)).map(|w| w - t0),
        Some(s(71))
    );
    let fx = run_to(&mut session, t0, s(135));
    assert_eq!(
        fx.iter()
            .find(|(_, e)| *e == Effect::GetReady { step: 1 })
            .map(|x| x.0),
        Some(s(125))
    );
    let fx = session.handle(Msg::Quit, t0 + s(130));
    let Effect::Stopped(summary) = &fx[0] else {
        panic!()
    };
    assert_eq!(summary.paused, s(60));
    // 70 s, less two 5 s get-ready pauses.
    assert_eq!(summary.practised, s(60));
    assert!(!summary.finished);
}

#[test]
fn a_cue_fires_once_across_pause_and_resume() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    session.handle(Msg::Tick, t0 + s(5));
    let fx = session.handle(Msg::Pause, t0 + s(35));
    assert_eq!(
        fx,
        vec![Effect::Cue {
            step: 0,
            side: None,
            text: "Forwards now".into()
        }]
    );
    assert_eq!(session.handle(Msg::Resume, t0 + s(40)), vec![]);
    assert_eq!(session.handle(Msg::Tick, t0 + s(41)), vec![]);
    assert_eq!(
        session.view(t0 + s(41)).latest_cue.as_deref(),
        Some("Forwards now")
    );
}

#[test]
fn back_restarts_after_three_seconds_and_goes_to_the_previous_step_before() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    run_to(&mut session, t0, s(75)); // 5 s into step 2 (left side)
    let fx = session.handle(Msg::Back, t0 + s(75));
    assert_eq!(
        fx,
        vec![Effect::StepStarted {
            step: 1,
            side: Some(Side::Left)
        }]
    );
    assert_eq!(session.view(t0 + s(75)).left_secs, 20);
    let fx = session.handle(Msg::Back, t0 + s(77));
    assert_eq!(fx, vec![Effect::GetReady { step: 0 }]);
    assert_eq!(session.view(t0 + s(77)).step_number, 1);
}

#[test]
fn the_side_switch_is_announced_as_the_pause_between_sides_begins() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    run_to(&mut session, t0, s(89));
    let v = session.view(t0 + s(89));
    assert_eq!(
        (v.side, v.switch_to, v.second_side),
        (Some(Side::Left), None, false)
    );
    let fx = session.handle(Msg::Tick, t0 + s(90));
    assert_eq!(
        fx,
        vec![Effect::SideSwitch {
            step: 1,
            side: Side::Right
        }]
    );
    let v = session.view(t0 + s(91));
    assert_eq!(v.phase, ViewPhase::GetReady);
    assert_eq!(v.switch_to, Some(Side::Right));
    assert_eq!((v.left_secs, v.step_number), (4, 2));
    let fx = session.handle(Msg::Tick, t0 + s(95));
    assert_eq!(
        fx,
        vec![Effect::StepStarted {
            step: 1,
            side: Some(Side::Right)
        }]
    );
    let v = session.view(t0 + s(96));
    assert_eq!(
        (v.phase, v.switch_to, v.second_side),
        (ViewPhase::Work, None, true)
    );
    assert_eq!(v.left_secs, 19);
}

#[test]
fn with_no_pause_between_sides_the_switch_comes_with_the_second_side() {
    let text = ROUTINE.replace("sides = \"both\"", "sides = \"both\"\nswitch = \"0s\"");
    let r = Arc::new(parse_routine("three", "three.toml", &text).unwrap());
    let t0 = Instant::now();
    let (mut session, _) = Session::start(r, t0);
    run_to(&mut session, t0, s(89));
    let fx = session.handle(Msg::Tick, t0 + s(90));
    assert_eq!(
        fx,
        vec![Effect::SideSwitch {
            step: 1,
            side: Side::Right
        }]
    );
    let v = session.view(t0 + s(90));
    assert_eq!(
        (v.phase, v.switch_to, v.second_side),
        (ViewPhase::Work, None, true)
    );
    assert_eq!(v.left_secs, 20);
}

#[test]
fn back_between_the_sides_restarts_the_first_side() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    run_to(&mut session, t0, s(91)); // 1 s into the pause between sides
    let fx = session.handle(Msg::Back, t0 + s(91));
    assert_eq!(
        fx,
        vec![Effect::StepStarted {
            step: 1,
            side: Some(Side::Left)
        }]
    );
}

#[test]
fn a_step_with_its_own_get_ready_waits_that_long() {
    let text = ROUTINE.replace("cycles = 2", "cycles = 2\nget_ready = \"20s\"");
    let r = Arc::new(parse_routine("three", "three.toml", &text).unwrap());
    let t0 = Instant::now();
    let (mut session, _) = Session::start(r, t0);
    let fired = run_to(&mut session, t0, s(3600));
    let at = |want: &Effect| fired.iter().find(|(_, e)| e == want).map(|(t, _)| *t);
    assert_eq!(at(&Effect::GetReady { step: 2 }), Some(s(115)));
    assert_eq!(
        at(&Effect::StepStarted {
            step: 2,
            side: None
        }),
        Some(s(135))
    );
}

#[test]
fn back_on_the_second_side_restarts_the_whole_step() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    run_to(&mut session, t0, s(96)); // 1 s into the right side
    let fx = session.handle(Msg::Back, t0 + s(96));
    assert_eq!(
        fx,
        vec![Effect::StepStarted {
            step: 1,
            side: Some(Side::Left)
        }]
    );
}

#[test]
fn next_skips_and_remembers_the_skipped_step() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    // During a get-ready, next goes straight to the step: nothing skipped.
    assert_eq!(
        session.handle(Msg::Next, t0 + s(1)),
        vec![Effect::StepStarted {
            step: 0,
            side: None
        }]
    );
    assert_eq!(
        session.handle(Msg::Next, t0 + s(2)),
        vec![Effect::GetReady { step: 1 }]
    );
    session.handle(Msg::Next, t0 + s(3));
    // On the left side of a two-sided step, next goes to its right side
    // (the pause between sides first), and only then to the next step.
    assert_eq!(
        session.view(t0 + s(3)).next_title.as_deref(),
        Some("Right side")
    );
    assert_eq!(
        session.handle(Msg::Next, t0 + s(4)),
        vec![Effect::SideSwitch {
            step: 1,
            side: Side::Right
        }]
    );
    assert_eq!(
        session.handle(Msg::Next, t0 + s(5)),
        vec![Effect::StepStarted {
            step: 1,
            side: Some(Side::Right)
        }]
    );
    assert_eq!(session.view(t0 + s(5)).next_title.as_deref(), Some("Box"));
    session.handle(Msg::Next, t0 + s(6));
    session.handle(Msg::Next, t0 + s(7));
    // Skipping every step is not a finished session: no streak day for it.
    let fx = session.handle(Msg::Next, t0 + s(8));
    let Some(Effect::Stopped(summary)) = fx.last() else {
        panic!("{fx:?}")
    };
    assert_eq!(summary.skipped, vec![0, 1, 2]);
    assert_eq!(summary.completed_steps, 0);
    // One second in each of the three steps and each side; get-readies
    // are not practice.
    assert_eq!(summary.practised, s(4));
}

#[test]
fn next_and_back_mirror_each_other_across_the_sides() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start_at(routine(), 1, t0);
    session.handle(Msg::Next, t0);
    assert_eq!(session.view(t0).side, Some(Side::Left));
    session.handle(Msg::Next, t0 + s(1));
    assert_eq!(session.view(t0 + s(1)).switch_to, Some(Side::Right));
    // Back from the pause before the right side: the left side again.
    session.handle(Msg::Back, t0 + s(2));
    let v = session.view(t0 + s(2));
    assert_eq!((v.side, v.phase), (Some(Side::Left), ViewPhase::Work));
    session.handle(Msg::Next, t0 + s(3));
    session.handle(Msg::Next, t0 + s(4));
    let v = session.view(t0 + s(4));
    assert_eq!((v.side, v.phase), (Some(Side::Right), ViewPhase::Work));
    // Back within the right side's first seconds: the left side.
    session.handle(Msg::Back, t0 + s(5));
    let v = session.view(t0 + s(5));
    assert_eq!((v.side, v.phase), (Some(Side::Left), ViewPhase::Work));
}

#[test]
fn back_during_the_first_get_ready_never_goes_forward() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    let fx = session.handle(Msg::Back, t0 + s(2));
    assert_eq!(fx, vec![Effect::GetReady { step: 0 }]);
    assert_eq!(session.view(t0 + s(2)).phase, ViewPhase::GetReady);
    assert_eq!(session.view(t0 + s(2)).left_secs, 5, "the get-ready again");
}

#[test]
fn back_during_a_later_get_ready_goes_to_the_step_before() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    run_to(&mut session, t0, s(67)); // 2 s into the get-ready of step 2
    let fx = session.handle(Msg::Back, t0 + s(67));
    assert_eq!(fx, vec![Effect::GetReady { step: 0 }]);
}

#[test]
fn back_seven_seconds_into_the_right_side_restarts_the_right_side() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    // 5 + 60 + 5 + 20 + a 5 s switch pause: the right side starts at 95.
    run_to(&mut session, t0, s(102)); // 7 s into the right side
    let fx = session.handle(Msg::Back, t0 + s(102));
    assert_eq!(
        fx,
        vec![Effect::StepStarted {
            step: 1,
            side: Some(Side::Right)
        }]
    );
    assert_eq!(session.view(t0 + s(102)).side, Some(Side::Right));
    assert_eq!(session.view(t0 + s(102)).left_secs, 20);
}

#[test]
fn taking_time_fires_a_cue_that_no_longer_fits_and_says_when_it_can_take_no_more() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    session.handle(Msg::Tick, t0 + s(5));
    // 10 s into a 60 s step whose cue is at 30 s: two takes leave 15 s,
    // so the cue would never come.
    session.handle(Msg::TakeTime, t0 + s(15));
    let fx = session.handle(Msg::TakeTime, t0 + s(15));
    assert_eq!(
        fx,
        vec![Effect::Cue {
            step: 0,
            side: None,
            text: "Forwards now".into()
        }],
        "the cue fires as the time is taken"
    );
    assert_eq!(session.view(t0 + s(15)).note, None);
    let fx = session.handle(Msg::TakeTime, t0 + s(15));
    assert!(fx.is_empty());
    assert_eq!(session.view(t0 + s(15)).left_secs, 5);
    assert_eq!(session.view(t0 + s(15)).note, Some(AT_THE_FLOOR));
    // Never twice, and the note goes with its step.
    let fx = run_to(&mut session, t0, s(25));
    assert!(!fx.iter().any(|(_, e)| matches!(e, Effect::Cue { .. })));
    assert_eq!(session.view(t0 + s(25)).note, None);
}

#[test]
fn time_can_be_added_and_taken_but_never_below_five_seconds() {
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine(), t0);
    session.handle(Msg::Tick, t0 + s(5));
    session.handle(Msg::AddTime, t0 + s(6));
    assert_eq!(session.view(t0 + s(6)).left_secs, 74);
    assert_eq!(session.view(t0 + s(6)).total_left_secs, 74 + 87);
    session.handle(Msg::TakeTime, t0 + s(6));
    session.handle(Msg::TakeTime, t0 + s(6));
    assert_eq!(session.view(t0 + s(6)).left_secs, 44);
    for _ in 0..10 {
        session.handle(Msg::TakeTime, t0 + s(40));
    }
    assert_eq!(session.view(t0 + s(40)).left_secs, 5);
    assert_eq!(session.next_wake(t0 + s(44)), Some(t0 + s(45)));
    let fx = session.handle(Msg::Tick, t0 + s(45));
    assert_eq!(fx, vec![Effect::GetReady { step: 1 }]);
}

#[test]
fn a_two_hour_routine_runs_in_microseconds_and_ends_on_the_nanosecond() {
    let text = format!(
        "name = \"Long\"\n{}",
        "[[steps]]\nkind = \"rest\"\ntitle = \"R\"\nduration = \"59m59s\"\n".repeat(2)
    );
    let r = Arc::new(parse_routine("long", "long.toml", &text).unwrap());
    let t0 = Instant::now();
    let (mut session, _) = Session::start(r, t0);
    let fx = run_to(&mut session, t0, s(3 * 3600));
    assert_eq!(fx.last().map(|x| x.0), Some(s(2 * 3599 + 10)));
}

#[derive(Debug, Clone)]
enum Act {
    Wait(u64),
    Do(Msg),
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        3 => (0u64..40_000).prop_map(Act::Wait),
        1 => prop_oneof![
            Just(Msg::TogglePause),
            Just(Msg::Pause),
            Just(Msg::Resume),
            Just(Msg::Next),
            Just(Msg::Back),
            Just(Msg::AddTime),
            Just(Msg::TakeTime),
            Just(Msg::Tick),
        ]
        .prop_map(Act::Do),
    ]
}

/// Effects that may legitimately repeat after "back" restarts a segment are
/// told apart by how many times the user moved; within one run of a
/// segment, everything fires at most once.
/// Adding time after the last-seconds count began makes a new ending, with
/// a count of its own.
fn key(run: u32, added: u32, e: &Effect) -> String {
    match e {
        Effect::Finished(_) | Effect::Stopped(_) => "end".into(),
        Effect::LastSeconds { .. } => format!("{run}:{added}:{e:?}"),
        other => format!("{run}:{other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_key_sequence_at_any_time_keeps_the_session_sound(acts in prop::collection::vec(act(), 0..80)) {
        let t0 = Instant::now();
        let (mut session, first) = Session::start(routine(), t0);
        let mut now = t0;
        let mut paused = Duration::ZERO;
        let mut paused_since: Option<Instant> = None;
        let (mut run, mut added) = (0u32, 0u32);
        let mut seen = std::collections::HashSet::new();
        let mut ends = 0;
        let mut check = |run: u32, added: u32, fx: &[Effect], ends: &mut u32| {
            for e in fx {
                let k = key(run, added, e);
                prop_assert!(seen.insert(k.clone()), "fired twice: {k}");
                if matches!(e, Effect::Finished(_) | Effect::Stopped(_)) {
                    *ends += 1;
                }
            }
            Ok(())
        };
        check(run, added, &first, &mut ends)?;
        for a in acts.into_iter().chain([Act::Do(Msg::Quit)]) {
            let msg = match a {
                Act::Wait(ms) => { now += Duration::from_millis(ms); Msg::Tick }
                Act::Do(m) => m,
            };
            let was_paused = session.is_paused();
            let fx = session.handle(msg, now);
            if matches!(msg, Msg::Next | Msg::Back) { run += 1; }
            if msg == Msg::AddTime { added += 1; }
            check(run, added, &fx, &mut ends)?;
            match (was_paused, session.is_paused()) {
                (false, true) => paused_since = Some(now),
                (true, false) => { paused += now - paused_since.take().unwrap(); }
                _ => {}
            }
            if session.outcome().is_none() {
                let v = session.view(now);
                prop_assert!(v.left_secs <= v.length_secs);
                prop_assert!(v.length_secs > 0);
                if let Some(w) = session.next_wake(now) { prop_assert!(w > now); }
            }
            if let Some(summary) = session.outcome() {
                if let Some(since) = paused_since.take() { paused += now - since; }
                // Finished by running out of segments ends at the plan's
                // instant, which may be earlier than `now`.
                // Practice leaves out pauses and get-readies.
                prop_assert!(summary.practised <= (now - t0) - paused);
                prop_assert_eq!(summary.paused, paused);
                break;
            }
        }
        prop_assert_eq!(ends, 1);
    }
}

#[test]
fn a_counting_cue_keeps_its_distance_from_the_end_when_time_is_added_or_taken() {
    const COUNTING: &str = r#"
name = "Count"
[defaults]
transition = "0s"
[[steps]]
kind = "breathing"
title = "Box"
breath = "box"
cycles = 5
cues = [
  { at = "32s", text = "Halfway there" },
  { at = "64s", text = "Last breath of the box" },
]
"#;
    let routine = Arc::new(parse_routine("c", "c.toml", COUNTING).unwrap());
    let t0 = Instant::now();
    let (mut session, _) = Session::start(routine.clone(), t0);
    // 30 s more: the last breath keeps its 16 s from the end (110 - 16 =
    // 94), coming with the start of the breath it falls in (92).
    session.handle(Msg::AddTime, t0 + s(1));
    session.handle(Msg::AddTime, t0 + s(1));
    let cues: Vec<_> = run_to(&mut session, t0, s(200))
        .into_iter()
        .filter_map(|(at, e)| match e {
            Effect::Cue { text, .. } => Some((at.as_secs(), text)),
            _ => None,
        })
        .collect();
    assert_eq!(
        cues,
        vec![
            (32, "Halfway there".to_owned()),
            (92, "Last breath of the box".to_owned())
        ]
    );
    // Taken time: 15 s less leaves 65 s; the last box starts at 48 s
    // (a cue comes with the start of the breath it falls in).
    let (mut session, _) = Session::start(routine, t0);
    session.handle(Msg::TakeTime, t0 + s(1));
    let last = run_to(&mut session, t0, s(200))
        .into_iter()
        .find(|(_, e)| matches!(e, Effect::Cue { text, .. } if text.starts_with("Last")));
    assert_eq!(last.map(|(at, _)| at.as_secs()), Some(48));
}
