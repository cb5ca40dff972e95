//! The guided session: a pure state machine over a routine's timeline.
//!
//! It never reads the clock and never does I/O. Every call takes `now`;
//! `handle` returns the effects that came due, `next_wake` says when the
//! next thing will, and `view` describes what the screen shows. Time is kept
//! as monotonic deadlines: a segment's end is computed from its start, never
//! by adding up the intervals the app happened to sleep.

mod effect;
pub mod settings;
mod view;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use effect::{Effect, Summary};
pub use view::{BreathView, SessionView, ViewPhase};

use crate::routine::Routine;
use crate::routine::duration::MAX_STEP;
use crate::timeline::{Segment, SegmentKind, Timeline};

/// What `+` and `-` add or take.
pub const ADJUST_STEP: Duration = Duration::from_secs(15);
/// Taking time never leaves less than this.
pub const MIN_LEFT_AFTER_TAKE: Duration = Duration::from_secs(5);
/// "Back" within this much of a step's start goes to the previous step.
pub const BACK_RESTART_AFTER: Duration = Duration::from_secs(3);
/// What the screen says when `-` can take no more.
pub const AT_THE_FLOOR: &str = "5 s is the least a step can keep";
/// The last-seconds count covers this many seconds.
pub const LAST_SECONDS: u32 = 3;

/// Something the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    /// Only let time pass: fire what came due.
    Tick,
    TogglePause,
    Pause,
    Resume,
    Next,
    Back,
    AddTime,
    TakeTime,
    Quit,
}

#[derive(Debug, Clone)]
pub struct Session {
    routine: Arc<Routine>,
    timeline: Timeline,
    /// Index of the current segment.
    seg: usize,
    /// The current segment's length, after any `+`/`-`.
    length: Duration,
    /// Running time in this segment before `since`.
    acc: Duration,
    /// When the segment last started running; `None` while paused.
    since: Option<Instant>,
    paused_at: Option<Instant>,
    paused_total: Duration,
    fired: Fired,
    latest_cue: Option<String>,
    /// A word from the session itself ("5 s is the least"), until the
    /// segment ends.
    note: Option<&'static str>,
    /// Time spent in steps (get-ready pauses and pauses left out), up to
    /// the start of the current segment.
    worked: Duration,
    completed: BTreeSet<usize>,
    skipped: BTreeSet<usize>,
    outcome: Option<Summary>,
}

/// What has already fired in the current run of the current segment, so
/// each effect fires exactly once however the loop wakes.
#[derive(Debug, Clone, Default)]
struct Fired {
    cues: usize,
    /// (cycle, phase index) of the last breath phase announced.
    breath: Option<(u32, usize)>,
    /// The lowest last-seconds count announced (0 = none yet).
    last_seconds: Option<u32>,
}

impl Session {
    /// Begin `routine` at `now`, at its first step or, for a resumed run,
    /// at the step its run note names; the effects are those of its first
    /// moment.
    pub fn start(routine: Arc<Routine>, now: Instant) -> (Self, Vec<Effect>) {
        let step = routine.run.first_step();
        Self::start_at(routine, step, now)
    }

    /// Begin `routine` at `now` from the start of `step` (its get-ready
    /// pause, if any). A step past the end starts at the last one.
    pub fn start_at(routine: Arc<Routine>, step: usize, now: Instant) -> (Self, Vec<Effect>) {
        let timeline = Timeline::new(&routine);
        let first = timeline
            .first_segment_of(step.min(routine.steps.len().saturating_sub(1)))
            .unwrap_or(0);
        let mut session = Self {
            routine,
            length: timeline
                .segments
                .get(first)
                .map_or(Duration::ZERO, |s| s.length),
            timeline,
            seg: first,
            acc: Duration::ZERO,
            since: Some(now),
            paused_at: None,
            paused_total: Duration::ZERO,
            fired: Fired::default(),
            latest_cue: None,
            note: None,
            worked: Duration::ZERO,
            completed: BTreeSet::new(),
            skipped: BTreeSet::new(),
            outcome: None,
        };
        let mut effects = Vec::new();
        if session.timeline.segments.is_empty() {
            session.finish(now, true, &mut effects);
        } else {
            session.enter(first, now, &mut effects);
            session.fire_due(now, &mut effects);
        }
        (session, effects)
    }

    pub fn routine(&self) -> &Routine {
        &self.routine
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    pub fn is_paused(&self) -> bool {
        self.since.is_none() && self.outcome.is_none()
    }

    /// The summary, once the session has finished or been stopped.
    pub fn outcome(&self) -> Option<&Summary> {
        self.outcome.as_ref()
    }

    /// Let time pass up to `now`, then apply `msg`.
    pub fn handle(&mut self, msg: Msg, now: Instant) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.outcome.is_some() {
            return effects;
        }
        self.advance(now, &mut effects);
        if self.outcome.is_some() {
            return effects;
        }
        match msg {
            Msg::Tick => {}
            Msg::TogglePause if self.since.is_some() => self.pause(now),
            Msg::TogglePause => self.resume(now),
            Msg::Pause => self.pause(now),
            Msg::Resume => self.resume(now),
            Msg::AddTime => {
                self.length = (self.length + ADJUST_STEP).min(MAX_STEP);
                // The step now ends later: its last seconds come again.
                self.fired.last_seconds = None;
            }
            Msg::TakeTime => self.take_time(now, &mut effects),
            Msg::Next => self.next(now, &mut effects),
            Msg::Back => self.back(now, &mut effects),
            Msg::Quit => self.finish(now, false, &mut effects),
        }
        if self.outcome.is_none() {
            self.fire_due(now, &mut effects);
        }
        effects
    }

    /// When something next comes due: a segment end, a cue, a breath phase,
    /// one of the last seconds, or a change of a displayed whole second.
    /// `None` while paused or once over: nothing will happen by itself.
    pub fn next_wake(&self, now: Instant) -> Option<Instant> {
        let since = self.since?;
        if self.outcome.is_some() {
            return None;
        }
        let e = self.elapsed(now);
        let seg = self.segment();
        let left = self.length.saturating_sub(e);
        let later = self.later_total();
        let mut next = self.length;
        let mut consider = |at: Duration| {
            if at > e && at < next {
                next = at;
            }
        };
        consider(e + until_whole_second(left));
        consider(e + until_whole_second(left + later));
        if let Some(cue) = seg.cues.get(self.fired.cues) {
            consider(cue.at);
        }
        if let Some(b) = self.active_breath() {
            consider(b.next_boundary(e));
        }
        if seg.kind == SegmentKind::Work {
            for k in 1..=LAST_SECONDS {
                consider(self.length.saturating_sub(Duration::from_secs(k.into())));
            }
        }
        Some(since + next.saturating_sub(self.acc))
    }

    /// Where the breath pattern of the running step is at `now`, if it has
    /// one (without building the whole view).
    pub fn breath_at(&self, now: Instant) -> Option<crate::breath::BreathState> {
        if self.outcome.is_some() {
            return None;
        }
        let e = self.elapsed(now).min(self.length);
        self.active_breath().map(|b| b.at(e))
    }

    // --- time -------------------------------------------------------------

    fn segment(&self) -> &Segment {
        &self.timeline.segments[self.seg]
    }

    /// Running time in the current segment at `now`.
    fn elapsed(&self, now: Instant) -> Duration {
        match self.since {
            Some(since) => self.acc + now.saturating_duration_since(since),
            None => self.acc,
        }
    }

    /// The planned length of every segment after the current one.
    fn later_total(&self) -> Duration {
        self.timeline.segments[self.seg + 1..]
            .iter()
            .map(|s| s.length)
            .sum()
    }

    fn active_breath(&self) -> Option<&crate::breath::BreathPattern> {
        let seg = self.segment();
        (seg.kind == SegmentKind::Work)
            .then_some(seg.breath.as_ref())
            .flatten()
    }

    /// Move through every segment end that has passed by `now`, each next
    /// segment starting exactly when the one before it ended.
    fn advance(&mut self, now: Instant, effects: &mut Vec<Effect>) {
        while let Some(since) = self.since {
            let e = self.elapsed(now);
            if e < self.length {
                break;
            }
            let ended_at = since + self.length.saturating_sub(self.acc);
            // Every cue of the segment, even one that time taken pushed
            // past its end: its words are never lost.
            self.fire_cues(Duration::MAX, effects);
            let (kind, step) = (self.segment().kind, self.segment().step);
            let last_of_step = self
                .timeline
                .segments
                .get(self.seg + 1)
                .is_none_or(|n| n.step != step);
            if kind == SegmentKind::Work && last_of_step {
                self.completed.insert(step);
                self.skipped.remove(&step);
            }
            if self.seg + 1 == self.timeline.segments.len() {
                self.finish(ended_at, true, effects);
                return;
            }
            self.enter(self.seg + 1, ended_at, effects);
            self.fire_due(now, effects);
        }
    }

    /// Start segment `index` at `at`, running unless paused.
    fn enter(&mut self, index: usize, at: Instant, effects: &mut Vec<Effect>) {
        self.count_work(at);
        self.seg = index;
        self.length = self.timeline.segments[index].length;
        self.acc = Duration::ZERO;
        if self.since.is_some() {
            self.since = Some(at);
        }
        self.fired = Fired::default();
        self.latest_cue = None;
        self.note = None;
        let seg = self.segment();
        // The switch is announced as soon as the second side begins: at the
        // start of the pause between sides, so the hand has that pause to move.
        effects.push(match (seg.kind, seg.is_side_switch()) {
            (_, true) => Effect::SideSwitch {
                step: seg.step,
                side: seg.side.unwrap_or(crate::routine::Side::Right),
            },
            (SegmentKind::GetReady, false) => Effect::GetReady { step: seg.step },
            (SegmentKind::Work, false) => Effect::StepStarted {
                step: seg.step,
                side: seg.side,
            },
        });
    }

    fn fire_due(&mut self, now: Instant, effects: &mut Vec<Effect>) {
        let e = self.elapsed(now);
        if e < self.length {
            self.fire_cues(e, effects);
            self.fire_timed(e, effects);
        }
    }

    /// Fire the cues due by `e`. A cue the loop slept past (the machine was
    /// suspended) still fires: it carries words the user should see.
    fn fire_cues(&mut self, e: Duration, effects: &mut Vec<Effect>) {
        let seg = &self.timeline.segments[self.seg];
        while let Some(cue) = seg.cues.get(self.fired.cues).filter(|c| c.at <= e) {
            effects.push(Effect::Cue {
                step: seg.step,
                side: seg.side,
                text: cue.text.clone(),
            });
            self.latest_cue = Some(cue.text.clone());
            self.fired.cues += 1;
        }
    }

    /// Fire the breath phase and last-seconds count of the moment `e`. These
    /// only make sense on time, so a moment slept past is not announced.
    fn fire_timed(&mut self, e: Duration, effects: &mut Vec<Effect>) {
        let seg = &self.timeline.segments[self.seg];
        let (step, side) = (seg.step, seg.side);
        if let Some(b) = (seg.kind == SegmentKind::Work)
            .then_some(seg.breath.as_ref())
            .flatten()
        {
            let state = b.at(e);
            let key = (state.cycle, state.phase_index);
            if self.fired.breath.is_none_or(|k| k < key) {
                self.fired.breath = Some(key);
                effects.push(Effect::BreathPhase {
                    step,
                    side,
                    kind: state.kind,
                    cycle: state.cycle,
                });
            }
        }
        if seg.kind == SegmentKind::Work {
            let left = self.length.saturating_sub(e);
            let count = left.as_nanos().div_ceil(1_000_000_000) as u32;
            if (1..=LAST_SECONDS).contains(&count)
                && self.fired.last_seconds.is_none_or(|c| count < c)
            {
                self.fired.last_seconds = Some(count);
                effects.push(Effect::LastSeconds {
                    step,
                    side,
                    left: count,
                });
            }
        }
    }

    // --- what the user asks ----------------------------------------------

    fn pause(&mut self, now: Instant) {
        if let Some(since) = self.since.take() {
            self.acc += now.saturating_duration_since(since);
            self.paused_at = Some(now);
        }
    }

    fn resume(&mut self, now: Instant) {
        if let Some(at) = self.paused_at.take() {
            self.paused_total += now.saturating_duration_since(at);
            self.since = Some(now);
        }
    }

    /// Time spent in the current segment up to `at` counts as practised
    /// when it is a step (not a get-ready).
    fn count_work(&mut self, at: Instant) {
        if self.segment().kind == SegmentKind::Work {
            self.worked += self.elapsed(at).min(self.length);
        }
    }

    /// `-`: take 15 s, never leaving less than 5 s. A cue that no longer
    /// fits fires now rather than never; at the floor, the screen says so.
    fn take_time(&mut self, now: Instant, effects: &mut Vec<Effect>) {
        let e = self.elapsed(now);
        let floor = e + MIN_LEFT_AFTER_TAKE;
        if self.length <= floor {
            self.note = Some(AT_THE_FLOOR);
            return;
        }
        self.length = self.length.saturating_sub(ADJUST_STEP).max(floor);
        if self.length == floor {
            self.note = Some(AT_THE_FLOOR);
        }
        let seg = &self.timeline.segments[self.seg];
        if seg
            .cues
            .get(self.fired.cues)
            .is_some_and(|c| c.at >= self.length)
        {
            self.fire_cues(Duration::MAX, effects);
        }
    }

    fn next(&mut self, now: Instant, effects: &mut Vec<Effect>) {
        let seg = self.segment();
        let step = seg.step;
        if seg.kind == SegmentKind::GetReady {
            let work = self.seg + 1;
            self.enter(work, now, effects);
            return;
        }
        if !self.completed.contains(&step) {
            self.skipped.insert(step);
        }
        match self.timeline.first_segment_of(step + 1) {
            Some(index) => self.enter(index, now, effects),
            // Skipping the last step ends the session short of its end.
            None => self.finish(now, false, effects),
        }
    }

    /// `b`: restart the current side or step; within its first 3 s, go to
    /// the previous side or step. During a get-ready, go back to the step
    /// before (or, between two sides, to the first side): never forward.
    fn back(&mut self, now: Instant, effects: &mut Vec<Effect>) {
        let seg = self.segment();
        let step = seg.step;
        let segments = &self.timeline.segments;
        let previous_of_step = segments[..self.seg]
            .iter()
            .rposition(|s| s.step == step && s.kind == SegmentKind::Work);
        let previous_step = |step: usize| {
            step.checked_sub(1)
                .and_then(|p| self.timeline.first_segment_of(p))
        };
        let target = match seg.kind {
            SegmentKind::GetReady => match previous_of_step {
                // The pause between two sides: back to the first side.
                Some(first_side) => first_side,
                None => previous_step(step).unwrap_or(self.seg),
            },
            SegmentKind::Work if self.elapsed(now) > BACK_RESTART_AFTER => self.seg,
            SegmentKind::Work => match previous_of_step {
                Some(side) => side,
                None => previous_step(step).unwrap_or(self.seg),
            },
        };
        self.enter(target, now, effects);
    }

    fn finish(&mut self, now: Instant, finished: bool, effects: &mut Vec<Effect>) {
        if !self.timeline.segments.is_empty() {
            self.count_work(now);
        }
        if let Some(at) = self.paused_at.take() {
            self.paused_total += now.saturating_duration_since(at);
        }
        if let Some(since) = self.since.take() {
            self.acc += now.saturating_duration_since(since);
        }
        let summary = Summary {
            planned: self.timeline.total,
            practised: self.worked,
            paused: self.paused_total,
            completed_steps: self.completed.len(),
            skipped: self.skipped.iter().copied().collect(),
            finished,
        };
        self.outcome = Some(summary.clone());
        effects.push(if finished {
            Effect::Finished(summary)
        } else {
            Effect::Stopped(summary)
        });
    }
}

/// Time until a countdown showing whole seconds (rounded up) changes.
fn until_whole_second(left: Duration) -> Duration {
    match left.subsec_nanos() {
        0 => Duration::from_secs(1),
        frac => Duration::from_nanos(frac.into()),
    }
}

#[cfg(test)]
mod resume_tests;
#[cfg(test)]
mod tests;
