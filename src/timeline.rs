//! A routine laid out in time: a flat list of segments (get-ready pauses
//! before steps and between sides, one segment per side of each step), each
//! with its start, length, cues and breathing pattern. The session plays it;
//! `knotless show` prints it.

use std::time::Duration;

use crate::breath::BreathPattern;
use crate::routine::{Cue, Routine, Side};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// The pause before a step, time to get into position; or, between the
    /// two sides of a step, time to move the hands to the other side.
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
    /// The first segment of the second side of a two-sided step (the pause
    /// between sides, or the side itself when there is no pause): the side
    /// switch is announced when it begins.
    pub switches_side: bool,
}

impl Segment {
    fn pause(
        step: usize,
        side: Option<Side>,
        start: Duration,
        length: Duration,
        switches_side: bool,
    ) -> Self {
        Self {
            kind: SegmentKind::GetReady,
            step,
            side,
            start,
            length,
            cues: Vec::new(),
            breath: None,
            switches_side,
        }
    }

    pub fn end(&self) -> Duration {
        self.start + self.length
    }

    /// True where the second side of a two-sided step begins (not for a
    /// step done on the right side only, which starts like any other step).
    pub fn is_side_switch(&self) -> bool {
        self.switches_side
    }

    /// True for the get-ready pause between the two sides of a step.
    pub fn is_switch_pause(&self) -> bool {
        self.switches_side && self.kind == SegmentKind::GetReady
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
            let sides = step.sides.list();
            let ready = routine.get_ready_before(index);
            if !ready.is_zero() {
                segments.push(Segment::pause(index, sides[0], at, ready, false));
                at += ready;
            }
            for (n, side) in sides.into_iter().enumerate() {
                let switch = n > 0;
                if switch && !step.switch.is_zero() {
                    segments.push(Segment::pause(index, side, at, step.switch, true));
                    at += step.switch;
                }
                segments.push(Segment {
                    kind: SegmentKind::Work,
                    step: index,
                    side,
                    start: at,
                    length: step.duration,
                    cues: placed_cues(&step.cues, step.duration, step.breath.as_ref()),
                    breath: step.breath.clone(),
                    switches_side: switch && step.switch.is_zero(),
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
    /// Whether the first step begins the moment the session does (no
    /// get-ready before it).
    pub fn starts_at_once(&self) -> bool {
        self.segments
            .first()
            .is_some_and(|s| s.kind == SegmentKind::Work)
    }

    pub fn first_segment_of(&self, step: usize) -> Option<usize> {
        self.segments.iter().position(|s| s.step == step)
    }

    /// All get-ready pauses before steps (`false`) or between sides (`true`).
    pub fn pauses(&self, between_sides: bool) -> impl Iterator<Item = &Segment> {
        self.segments.iter().filter(move |s| {
            s.kind == SegmentKind::GetReady && s.is_switch_pause() == between_sides
        })
    }
}

/// `cues` as a segment of `length` runs them (see `cue_at`), in order.
fn placed_cues(cues: &[Cue], length: Duration, breath: Option<&BreathPattern>) -> Vec<Cue> {
    let mut out: Vec<Cue> = cues
        .iter()
        .map(|c| Cue {
            at: cue_at(c, length, length, breath),
            text: c.text.clone(),
        })
        .collect();
    out.sort_by_key(|c| c.at);
    out
}

/// When `cue` comes in a segment planned to last `planned` that now lasts
/// `length` (after `+`/`-`). A cue that counts what is left ("Two more
/// breaths") keeps its distance from the end, so it stays true; others
/// keep their place. Over a breathing pattern a cue comes with the start
/// of the phase it falls in, so its words never straddle a change of
/// breath.
pub fn cue_at(
    cue: &Cue,
    planned: Duration,
    length: Duration,
    breath: Option<&BreathPattern>,
) -> Duration {
    // Whether the step's length moved first: reading the cue's words
    // takes an allocation, and this is asked on every wake.
    let at = if planned != length && cue.counts() {
        length.saturating_sub(planned.saturating_sub(cue.at))
    } else {
        cue.at
    };
    match breath.filter(|b| !b.cycle_length().is_zero()) {
        Some(b) => {
            let state = b.at(at);
            at.saturating_sub(state.length.saturating_sub(state.left))
        }
        None => at,
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
switch = "0s"
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
        let text = TWO_STEPS
            .replace("sides = \"both\"", "sides = \"right\"")
            .replace("switch = \"0s\"\n", "");
        let t = Timeline::new(&routine(&text));
        assert_eq!(t.segments[1].side, Some(Side::Right));
        assert!(!t.segments.iter().any(Segment::is_side_switch));
    }

    #[test]
    fn a_pause_between_sides_is_a_get_ready_that_announces_the_switch() {
        // The routine's default switch pause: 5 s, unless [defaults] says.
        let text = TWO_STEPS.replace("switch = \"0s\"\n", "");
        let t = Timeline::new(&routine(&text));
        let shape: Vec<_> = t.segments[..4]
            .iter()
            .map(|s| (s.kind, s.side, s.start.as_secs(), s.length.as_secs()))
            .collect();
        use SegmentKind::*;
        assert_eq!(
            shape,
            vec![
                (GetReady, Some(Side::Left), 0, 5),
                (Work, Some(Side::Left), 5, 45),
                (GetReady, Some(Side::Right), 50, 5),
                (Work, Some(Side::Right), 55, 45),
            ]
        );
        assert!(t.segments[2].is_switch_pause() && t.segments[2].is_side_switch());
        assert!(!t.segments[3].is_side_switch());
        assert_eq!(t.total, Duration::from_secs(153));
        assert_eq!((t.pauses(false).count(), t.pauses(true).count()), (2, 1));

        let longer = text.replace("[defaults]\n", "[defaults]\nswitch = \"8s\"\n");
        let t = Timeline::new(&routine(&longer));
        assert_eq!(t.segments[2].length, Duration::from_secs(8));
        assert_eq!(t.total, Duration::from_secs(156));

        // A step's own `switch` wins over the routine's.
        let own = longer.replace("sides = \"both\"\n", "sides = \"both\"\nswitch = \"12s\"\n");
        let t = Timeline::new(&routine(&own));
        assert_eq!(t.segments[2].length, Duration::from_secs(12));
        assert_eq!(t.segments[3].start, Duration::from_secs(62));
    }

    #[test]
    fn a_step_with_its_own_get_ready_waits_that_long_before_it_only() {
        let text = TWO_STEPS.replace("cycles = 3", "cycles = 3\nget_ready = \"20s\"");
        let t = Timeline::new(&routine(&text));
        let ready: Vec<_> = t
            .pauses(false)
            .map(|s| (s.step, s.length.as_secs()))
            .collect();
        assert_eq!(ready, vec![(0, 5), (1, 20)]);
        assert_eq!(t.segments[4].start, Duration::from_secs(115));
        assert_eq!(t.total, Duration::from_secs(163));

        // Even with no get-ready between steps, a step that asks for one has it.
        let none = text.replace("transition = \"5s\"", "transition = \"0s\"");
        let t = Timeline::new(&routine(&none));
        let ready: Vec<_> = t
            .pauses(false)
            .map(|s| (s.step, s.length.as_secs()))
            .collect();
        assert_eq!(ready, vec![(1, 20)]);
    }

    #[test]
    fn no_transition_means_no_get_ready() {
        let t = Timeline::new(&routine(&TWO_STEPS.replace("\"5s\"", "\"0s\"")));
        assert_eq!(t.pauses(false).count(), 0);
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
            let ready: Duration = (0..r.steps.len()).map(|i| r.get_ready_before(i)).sum();
            assert_eq!(t.total, steps + ready);
            for pair in t.segments.windows(2) {
                assert_eq!(pair[0].end(), pair[1].start);
            }
        }
    }
}
