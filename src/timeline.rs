//! A routine laid out in time: a flat list of segments (get-ready pauses,
//! one segment per side of each step), each with its start, length, cues and
//! breathing pattern. The session plays it; `knotless show` prints it.

use std::time::Duration;

use crate::breath::BreathPattern;
use crate::routine::{Cue, Routine, Side};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// The pause before a step: time to get into position.
    GetReady,
    /// The step itself (one side of it, for two-sided steps).
    Work,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub kind: SegmentKind,
    /// Index into the routine's steps; a get-ready belongs to the step after it.
    pub step: usize,
    pub side: Option<Side>,
    /// From the start of the routine.
    pub start: Duration,
    pub length: Duration,
    /// Offsets from the start of this segment.
    pub cues: Vec<Cue>,
    pub breath: Option<BreathPattern>,
    /// The second side of a two-sided step: it starts with a switch.
    pub switches_side: bool,
}

impl Segment {
    pub fn end(&self) -> Duration {
        self.start + self.length
    }

    /// True for the second side of a two-sided step (not for a step done on
    /// the right side only, which starts like any other step).
    pub fn is_side_switch(&self) -> bool {
        self.switches_side
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub segments: Vec<Segment>,
    pub total: Duration,
}

impl Timeline {
    pub fn new(routine: &Routine) -> Self {
        let mut segments = Vec::with_capacity(routine.steps.len() * 2);
        let mut at = Duration::ZERO;
        for (index, step) in routine.steps.iter().enumerate() {
            if !routine.transition.is_zero() {
                segments.push(Segment {
                    kind: SegmentKind::GetReady,
                    step: index,
                    side: step.sides.list()[0],
                    start: at,
                    length: routine.transition,
                    cues: Vec::new(),
                    breath: None,
                    switches_side: false,
                });
                at += routine.transition;
            }
            for (n, side) in step.sides.list().into_iter().enumerate() {
                segments.push(Segment {
                    kind: SegmentKind::Work,
                    step: index,
                    side,
                    start: at,
                    length: step.duration,
                    cues: step.cues.clone(),
                    breath: step.breath.clone(),
                    switches_side: n > 0,
                });
                at += step.duration;
            }
        }
        Self {
            segments,
            total: at,
        }
    }

    /// Index of the first segment of `step` (its get-ready, if any).
    pub fn first_segment_of(&self, step: usize) -> Option<usize> {
        self.segments.iter().position(|s| s.step == step)
    }

    /// Number of get-ready pauses.
    pub fn get_ready_count(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| s.kind == SegmentKind::GetReady)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routine::parse::parse_routine;

    fn routine(text: &str) -> Routine {
        parse_routine("t", "t.toml", text).unwrap_or_else(|e| panic!("{e}"))
    }

    const TWO_STEPS: &str = r#"
name = "T"
[defaults]
transition = "5s"
[[steps]]
kind = "kneading"
title = "Shoulder"
duration = "45s"
area = "shoulders"
sides = "both"
cues = [{ at = "30s", text = "Slower" }]
[[steps]]
kind = "breathing"
title = "Box"
breath = "box"
cycles = 3
"#;

    #[test]
    fn sides_become_segments_after_one_get_ready() {
        let t = Timeline::new(&routine(TWO_STEPS));
        let shape: Vec<_> = t
            .segments
            .iter()
            .map(|s| {
                (
                    s.kind,
                    s.step,
                    s.side,
                    s.start.as_secs(),
                    s.length.as_secs(),
                )
            })
            .collect();
        use SegmentKind::*;
        assert_eq!(
            shape,
            vec![
                (GetReady, 0, Some(Side::Left), 0, 5),
                (Work, 0, Some(Side::Left), 5, 45),
                (Work, 0, Some(Side::Right), 50, 45),
                (GetReady, 1, None, 95, 5),
                (Work, 1, None, 100, 48),
            ]
        );
        assert_eq!(t.total, Duration::from_secs(148));
        assert!(t.segments[2].is_side_switch());
        assert_eq!(t.segments[2].cues[0].at, Duration::from_secs(30));
        assert!(t.segments[4].breath.is_some());
    }

    #[test]
    fn a_step_on_the_right_side_only_is_not_a_switch() {
        let text = TWO_STEPS.replace("sides = \"both\"", "sides = \"right\"");
        let t = Timeline::new(&routine(&text));
        assert_eq!(t.segments[1].side, Some(Side::Right));
        assert!(!t.segments.iter().any(Segment::is_side_switch));
    }

    #[test]
    fn no_transition_means_no_get_ready() {
        let t = Timeline::new(&routine(&TWO_STEPS.replace("\"5s\"", "\"0s\"")));
        assert_eq!(t.get_ready_count(), 0);
        assert_eq!(t.total, Duration::from_secs(138));
    }

    #[test]
    fn total_is_the_sum_of_its_parts() {
        for (id, text) in crate::routine::builtin::BUILTINS {
            let r = parse_routine(id, id, text).unwrap();
            let t = Timeline::new(&r);
            assert_eq!(
                t.total,
                t.segments.iter().map(|s| s.length).sum::<Duration>()
            );
            let steps: Duration = r.steps.iter().map(|s| s.total()).sum();
            assert_eq!(t.total, steps + r.transition * r.steps.len() as u32);
            for pair in t.segments.windows(2) {
                assert_eq!(pair[0].end(), pair[1].start);
            }
        }
    }
}
