//! Starting a session partway: `start_at`, and `start` on a resumed run.

use std::sync::Arc;
use std::time::Instant;

use super::*;
use crate::routine::Resumes;

fn daily() -> Routine {
    crate::routine::builtin::routine("daily-back")
}

/// Run to the end, collecting what started.
fn run_out(session: &mut Session, mut now: Instant, mut effects: Vec<Effect>) -> Vec<Effect> {
    let mut all = Vec::new();
    loop {
        all.append(&mut effects);
        match session.next_wake(now) {
            Some(at) => {
                now = at;
                effects = session.handle(Msg::Tick, now);
            }
            None => return all,
        }
    }
}

#[test]
fn a_session_can_start_at_any_step_and_runs_the_rest_exactly() {
    let routine = Arc::new(daily());
    let t0 = Instant::now();
    for k in 0..routine.steps.len() {
        let (mut session, effects) = Session::start_at(routine.clone(), k, t0);
        assert_eq!(effects[0], Effect::GetReady { step: k });
        let all = run_out(&mut session, t0, effects);
        let started: Vec<usize> = all
            .iter()
            .filter_map(|e| match e {
                Effect::StepStarted { step, .. } => Some(*step),
                _ => None,
            })
            .collect();
        let mut steps = started.clone();
        // The second side of a step starts again after its switch pause.
        steps.dedup();
        assert_eq!(steps, (k..routine.steps.len()).collect::<Vec<_>>());
        let summary = session.outcome().unwrap();
        assert!(summary.finished);
        assert_eq!(summary.completed_steps, routine.steps.len() - k);
        let timeline = Timeline::new(&routine);
        let first = timeline.first_segment_of(k).unwrap();
        // Practised time is the work from step k on, pauses left out.
        let work: std::time::Duration = timeline.segments[first..]
            .iter()
            .filter(|s| s.kind == crate::timeline::SegmentKind::Work)
            .map(|s| s.length)
            .sum();
        assert_eq!(summary.practised, work);
        assert_eq!(summary.planned, timeline.total);
    }
}

#[test]
fn a_step_past_the_end_starts_the_last_one() {
    let routine = Arc::new(daily());
    let (session, _) = Session::start_at(routine.clone(), 99, Instant::now());
    let view = session.view(Instant::now());
    assert_eq!(view.step_number, routine.steps.len());
}

#[test]
fn start_follows_the_run_note_of_a_resumed_routine() {
    let mut routine = daily();
    routine.run.resumes = Some(Resumes {
        record: "2026-03-10T07:30:00+01:00".into(),
        step: 6,
    });
    let (_, effects) = Session::start(Arc::new(routine), Instant::now());
    assert_eq!(effects[0], Effect::GetReady { step: 6 });
}
