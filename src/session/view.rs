//! What the session screen shows at a moment, in whole seconds: two views
//! that are equal draw the same screen, so the app draws only on a change.

use std::time::{Duration, Instant};

use super::Session;
use crate::breath::BreathState;
use crate::routine::{Area, Position, Pressure, Side, Sides, StepKind};
use crate::timeline::SegmentKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewPhase {
    /// The pause before a step (the step shown is the one coming), or
    /// between its two sides (then `switch_to` says which side comes).
    GetReady,
    Work,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionView {
    pub routine_name: String,
    /// 1-based.
    pub step_number: usize,
    pub step_count: usize,
    pub phase: ViewPhase,
    pub kind: StepKind,
    pub title: String,
    pub area: Option<Area>,
    pub side: Option<Side>,
    /// During the get-ready pause between the two sides of a step: the side
    /// that comes next. `None` at any other moment.
    pub switch_to: Option<Side>,
    /// True during the second side of a two-sided step (the work itself,
    /// after any pause): the screen may keep a "switched" banner for its
    /// first seconds, counted from `length_secs - left_secs`.
    pub second_side: bool,
    pub pressure: Pressure,
    /// The one thing to do now, in a few words: drawn large.
    pub glance: Option<String>,
    /// Where the body is during the step, when the routine says.
    pub position: Option<Position>,
    pub instructions: String,
    pub caution: Option<String>,
    pub latest_cue: Option<String>,
    /// A word from the session itself, such as why `-` took nothing.
    pub note: Option<&'static str>,
    /// Title of the step after this one ("Right side" during a left side).
    pub next_title: Option<String>,
    /// Whole seconds left in the current segment, rounded up.
    pub left_secs: u64,
    pub length_secs: u64,
    /// Whole seconds left in the whole routine, rounded up.
    pub total_left_secs: u64,
    pub total_secs: u64,
    pub breath: Option<BreathView>,
    pub paused: bool,
}

impl SessionView {
    /// "Step 3 of 10", kind, area, side, pressure: the parts of the step
    /// line. Pressure is left out where nothing is pressed.
    pub fn step_line_parts(&self) -> Vec<String> {
        let mut parts = vec![
            format!("Step {} of {}", self.step_number, self.step_count),
            self.kind.word().to_owned(),
        ];
        parts.extend(self.area.map(|a| a.word().to_owned()));
        parts.extend(self.side.map(|s| format!("{} side", s.word())));
        if !matches!(self.kind, StepKind::Breathing | StepKind::Rest) {
            parts.push(format!("{} pressure", self.pressure.word()));
        }
        parts
    }

    /// Whether `other` shows the same screen but for the breath (its
    /// progress, phase, words and seconds: all drawn inside the pacer), both
    /// having one.
    pub fn same_but_breath(&self, other: &SessionView) -> bool {
        self.breath.is_some()
            && self.left_secs == other.left_secs
            && self.total_left_secs == other.total_left_secs
            && self.same_but_time(other)
    }

    /// Whether `other` shows the same screen but for what time alone moves:
    /// the seconds left in the segment and the routine, and the breath
    /// (there is one in both or in neither). Every field is named, so a new
    /// one cannot be forgotten.
    pub fn same_but_time(&self, other: &SessionView) -> bool {
        let SessionView {
            routine_name,
            step_number,
            step_count,
            phase,
            kind,
            title,
            area,
            side,
            switch_to,
            second_side,
            pressure,
            glance,
            position,
            instructions,
            caution,
            latest_cue,
            note,
            next_title,
            left_secs: _,
            length_secs,
            total_left_secs: _,
            total_secs,
            breath,
            paused,
        } = self;
        breath.is_some() == other.breath.is_some()
            && *paused == other.paused
            && *step_number == other.step_number
            && *phase == other.phase
            && *side == other.side
            && *switch_to == other.switch_to
            && *second_side == other.second_side
            && *length_secs == other.length_secs
            && *total_secs == other.total_secs
            && *step_count == other.step_count
            && *kind == other.kind
            && *area == other.area
            && *pressure == other.pressure
            && *position == other.position
            && *note == other.note
            && *latest_cue == other.latest_cue
            && *title == other.title
            && *glance == other.glance
            && *caution == other.caution
            && *next_title == other.next_title
            && *instructions == other.instructions
            && *routine_name == other.routine_name
    }

    /// A breathing step with its pattern (the pacer takes the screen).
    pub fn is_breathing_step(&self) -> bool {
        self.kind == StepKind::Breathing && self.breath.is_some()
    }

    /// Share of the current segment done, 0.0 to 1.0.
    pub fn step_ratio(&self) -> f64 {
        ratio(
            self.length_secs - self.left_secs.min(self.length_secs),
            self.length_secs,
        )
    }

    /// Share of the routine done, 0.0 to 1.0.
    pub fn total_ratio(&self) -> f64 {
        ratio(
            self.total_secs - self.total_left_secs.min(self.total_secs),
            self.total_secs,
        )
    }
}

fn ratio(done: u64, all: u64) -> f64 {
    if all == 0 {
        1.0
    } else {
        done as f64 / all as f64
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BreathView {
    pub state: BreathState,
    /// Seconds left in the phase, rounded up.
    pub phase_left_secs: u64,
    /// Cycles in the step, when it is a breathing step.
    pub cycles: Option<u32>,
}

/// Whole seconds, rounded up: "5" stays on screen until exactly 4 s are left.
pub fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

impl Session {
    /// The segment the session is in and the whole seconds left in it
    /// (rounded up, as the view shows them): a glance, without building
    /// the view.
    pub fn place(&self, now: Instant) -> (usize, u64) {
        let left = self.length - self.elapsed(now).min(self.length);
        (self.seg, ceil_secs(left))
    }

    pub fn view(&self, now: Instant) -> SessionView {
        let seg = self.segment();
        let step = &self.routine().steps[seg.step];
        let e = self.elapsed(now).min(self.length);
        let left = self.length - e;
        let later = self.later_total();
        let done_before: Duration = self.timeline().segments[..self.seg]
            .iter()
            .map(|s| s.length)
            .sum();
        let breath = match (seg.kind, &seg.breath) {
            (SegmentKind::Work, Some(b)) => {
                let state = b.at(e);
                Some(BreathView {
                    phase_left_secs: state.shown_secs(),
                    state,
                    cycles: step.cycles,
                })
            }
            _ => None,
        };
        SessionView {
            routine_name: self.routine().name.clone(),
            step_number: seg.step + 1,
            step_count: self.routine().steps.len(),
            phase: match seg.kind {
                SegmentKind::GetReady => ViewPhase::GetReady,
                SegmentKind::Work => ViewPhase::Work,
            },
            kind: step.kind,
            title: step.title.clone(),
            area: step.area,
            side: seg.side,
            switch_to: seg.is_switch_pause().then_some(seg.side).flatten(),
            second_side: seg.kind == SegmentKind::Work
                && step.sides == Sides::Both
                && seg.side == Some(Side::Right),
            pressure: step.pressure,
            glance: step.glance.clone(),
            position: step.position,
            instructions: step.instructions.clone(),
            caution: step.caution.clone(),
            latest_cue: self.latest_cue.clone(),
            note: self.note,
            // During the left side of a two-sided step, what comes next is
            // its right side, not the next step.
            next_title: if self.other_side_follows() {
                Some("Right side".to_owned())
            } else {
                self.routine()
                    .steps
                    .get(seg.step + 1)
                    .map(|s| s.title.clone())
            },
            left_secs: ceil_secs(left),
            length_secs: ceil_secs(self.length),
            total_left_secs: ceil_secs(left + later),
            total_secs: ceil_secs(done_before + self.length + later),
            breath,
            paused: self.is_paused(),
        }
    }
}
