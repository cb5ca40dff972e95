//! A routine fitted to the minutes the user has: pure, no clock, no files.
//!
//! The rules, each in one place below:
//! - a massage step (anything but breathing) scales in proportion, in whole
//!   seconds per side, never under 15 s per side nor under three times the
//!   time its instructions take to read (so they are read in the first
//!   third, as `knotless check --strict` asks), nor under its written
//!   length when that is shorter; never over three times as written, and
//!   a side of tapping or of a stretch never over a minute (`longest_side`)
//!   unless written longer;
//! - a breathing step changes by whole cycles, with the same floor, at
//!   most three times as written; 4-7-8 breathing never grows;
//! - cues move with their step, in proportion;
//! - get-ready and switch pauses stay as written (whatever the timeline
//!   adds besides the steps' own lengths is kept as it is).
//!
//! One factor scales every step; steps held at a bound stop following it.
//! The factor is found by bisection, then whole seconds left over by the
//! rounding are handed out one step at a time, so the total lands within
//! `TOLERANCE` of the minutes asked whenever the bounds allow.

use std::fmt;
use std::ops::RangeInclusive;
use std::time::Duration;

use crate::routine::lint::reading_seconds;
use crate::routine::{Cue, Fitted, Routine, Step, StepKind};
use crate::timeline::Timeline;

/// The minutes `--minutes` and the picker offer.
pub const MINUTES: RangeInclusive<u32> = 3..=60;
/// How close to the minutes asked a fitted routine lands, when it can.
pub const TOLERANCE: Duration = Duration::from_secs(5);
/// No side of a massage step is fitted shorter than this.
pub const MIN_SIDE: Duration = Duration::from_secs(15);
/// No step is fitted longer than this many times its written length.
pub const MAX_STRETCH: u32 = 3;

/// The longest a side of a step of this kind is fitted to, when its kind
/// has a limit: tapping past a minute numbs rather than wakes, and a
/// stretch held longer than a minute a side is no longer a gentle one.
/// A step written longer keeps its written length.
pub fn longest_side(kind: StepKind) -> Option<Duration> {
    match kind {
        StepKind::Tapping | StepKind::Stretch => Some(Duration::from_secs(60)),
        _ => None,
    }
}

/// The steps of a fitted routine held at their kind's limit
/// (`longest_side`): the indexes `show --minutes` names.
pub fn at_limit(fitted: &Routine) -> Vec<usize> {
    fitted
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| longest_side(s.kind).is_some_and(|l| s.duration >= l))
        .map(|(i, _)| i)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FitError {
    /// The minutes are outside `MINUTES`.
    Minutes(u32),
    /// The routine's bounds do not reach the minutes asked.
    Bounds {
        name: String,
        asked: u32,
        /// The whole minutes it can be fitted to; `None` when there are none
        /// in `MINUTES`.
        range: Option<RangeInclusive<u32>>,
        shortest: Duration,
        longest: Duration,
    },
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitError::Minutes(n) => write!(
                f,
                "{n} minutes is not a length knotless fits to: give {} to {} minutes",
                MINUTES.start(),
                MINUTES.end()
            ),
            FitError::Bounds {
                name,
                asked,
                range: Some(range),
                ..
            } => write!(
                f,
                "{name} can be fitted between {} and {} minutes, not {asked}",
                range.start(),
                range.end()
            ),
            FitError::Bounds {
                name,
                shortest,
                longest,
                ..
            } => write!(
                f,
                "{name} cannot be fitted to {} to {} minutes: it runs from {} to {} at most",
                MINUTES.start(),
                MINUTES.end(),
                crate::routine::duration::words(*shortest),
                crate::routine::duration::words(*longest)
            ),
        }
    }
}

impl std::error::Error for FitError {}

/// The shortest and longest total a routine can be fitted to.
pub fn bounds(routine: &Routine) -> (Duration, Duration) {
    let plan = Plan::new(routine, &|_| f64::from(MAX_STRETCH));
    (plan.total(&plan.lows()), plan.total(&plan.highs()))
}

/// The whole minutes in `MINUTES` a routine can be fitted to, for the
/// picker's `[`/`]`; `None` when there are none.
pub fn minutes_range(routine: &Routine) -> Option<RangeInclusive<u32>> {
    let (lo, hi) = bounds(routine);
    let first = lo.saturating_sub(TOLERANCE).as_secs().div_ceil(60);
    let last = (hi + TOLERANCE).as_secs() / 60;
    let first = (first as u32).max(*MINUTES.start());
    let last = u32::try_from(last).unwrap_or(u32::MAX).min(*MINUTES.end());
    (first <= last).then_some(first..=last)
}

/// `routine` fitted to `minutes`, with a run note saying so.
pub fn fit(routine: &Routine, minutes: u32) -> Result<Routine, FitError> {
    if !MINUTES.contains(&minutes) {
        return Err(FitError::Minutes(minutes));
    }
    let range = minutes_range(routine);
    if !range.as_ref().is_some_and(|r| r.contains(&minutes)) {
        let (shortest, longest) = bounds(routine);
        return Err(FitError::Bounds {
            name: routine.name.clone(),
            asked: minutes,
            range,
            shortest,
            longest,
        });
    }
    let target = Duration::from_secs(u64::from(minutes) * 60);
    let mut fitted = fit_to(routine, target);
    fitted.run.fitted = Some(Fitted {
        minutes,
        written: Timeline::new(routine).total,
    });
    Ok(fitted)
}

/// `routine` brought as near `target` as the rules allow (no run note):
/// what `fit` does once the minutes are known to be in reach, and how
/// `compose` lands on its minutes.
pub fn fit_to(routine: &Routine, target: Duration) -> Routine {
    fit_to_within(routine, target, &|_| f64::from(MAX_STRETCH))
}

/// `fit_to` with each step stretched at most `stretch(step)` times its
/// written length (and at most `MAX_STRETCH` times): `compose` keeps the
/// quiet steps that frame a routine from swelling.
pub fn fit_to_within(
    routine: &Routine,
    target: Duration,
    stretch: &dyn Fn(&Step) -> f64,
) -> Routine {
    let plan = Plan::new(routine, stretch);
    let mut units = plan.scaled(plan.factor_for(target));
    plan.settle(&mut units, target);
    tracing::debug!(
        routine = %routine.id,
        ?target,
        total = ?plan.total(&units),
        "fitted"
    );
    plan.apply(routine, &units)
}

/// What one step can become: a number of units (seconds per side, or
/// breathing cycles), each `unit` long in the total.
#[derive(Debug, Clone)]
struct Knob {
    /// As written, in units (fractional for a massage step written with
    /// fractions of a second).
    written: f64,
    low: u32,
    high: u32,
    /// What one unit adds to the total.
    unit: Duration,
}

impl Knob {
    fn new(step: &Step, stretch: f64) -> Self {
        // 4-7-8 breathing never grows: beginners keep to a few cycles in a
        // row, and the routine as written already has as many as it should.
        let stretch = if is_478(step) {
            1.0
        } else {
            stretch.clamp(1.0, f64::from(MAX_STRETCH))
        };
        let shortest = shortest(step);
        match (step.kind, &step.breath, step.cycles) {
            (StepKind::Breathing, Some(pattern), Some(cycles)) => {
                let cycle = pattern.cycle_length().max(Duration::from_millis(1));
                let low = shortest.as_nanos().div_ceil(cycle.as_nanos()) as u32;
                Knob {
                    written: f64::from(cycles),
                    low: low.clamp(1, cycles),
                    high: ((f64::from(cycles) * stretch).floor() as u32).max(cycles),
                    unit: cycle,
                }
            }
            _ => {
                let side = step.duration.as_secs_f64();
                // Whole seconds: a written 10.5 s may become 11 s, never 10.
                let low = (shortest.as_secs_f64().ceil() as u32).max(1);
                let mut high = (side * stretch).floor() as u32;
                if let Some(limit) = longest_side(step.kind) {
                    high = high.min((limit.as_secs() as u32).max(side.ceil() as u32));
                }
                Knob {
                    written: side,
                    low,
                    high: high.max(low),
                    unit: Duration::from_secs(1) * step.sides.count(),
                }
            }
        }
    }

    fn at(&self, factor: f64) -> u32 {
        let wished = (self.written * factor).round();
        (wished.clamp(0.0, f64::from(u32::MAX)) as u32).clamp(self.low, self.high)
    }
}

struct Plan {
    knobs: Vec<Knob>,
    /// Everything in the timeline besides the steps' own lengths: get-ready
    /// and switch pauses, kept as written.
    fixed: Duration,
}

impl Plan {
    fn new(routine: &Routine, stretch: &dyn Fn(&Step) -> f64) -> Self {
        let written = Timeline::new(routine).total;
        let work: Duration = routine
            .steps
            .iter()
            .map(|s| s.duration * s.sides.count())
            .sum();
        Plan {
            knobs: routine
                .steps
                .iter()
                .map(|s| Knob::new(s, stretch(s)))
                .collect(),
            fixed: written.saturating_sub(work),
        }
    }

    fn lows(&self) -> Vec<u32> {
        self.knobs.iter().map(|k| k.low).collect()
    }

    fn highs(&self) -> Vec<u32> {
        self.knobs.iter().map(|k| k.high).collect()
    }

    fn scaled(&self, factor: f64) -> Vec<u32> {
        self.knobs.iter().map(|k| k.at(factor)).collect()
    }

    fn total(&self, units: &[u32]) -> Duration {
        self.fixed
            + self
                .knobs
                .iter()
                .zip(units)
                .map(|(k, &n)| k.unit * n)
                .sum::<Duration>()
    }

    /// The factor whose rounded total comes closest to `target`: the total
    /// never falls as the factor grows, so bisection finds it.
    fn factor_for(&self, target: Duration) -> f64 {
        let (mut lo, mut hi) = (0.0_f64, f64::from(MAX_STRETCH) + 1.0);
        for _ in 0..60 {
            let mid = (lo + hi) / 2.0;
            if self.total(&self.scaled(mid)) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let gap = |f: f64| self.total(&self.scaled(f)).abs_diff(target);
        if gap(lo) <= gap(hi) { lo } else { hi }
    }

    /// Hand out what rounding left over, one unit at a time, to the steps
    /// with room, taking turns so no one step takes it all.
    fn settle(&self, units: &mut [u32], target: Duration) {
        let mut turn = 0;
        for _ in 0..units.len() * 8 {
            let total = self.total(units);
            let gap = total.abs_diff(target);
            if gap < Duration::from_millis(500) {
                return;
            }
            let longer = total < target;
            // A unit helps when it is less than twice the gap; the largest
            // that is no more than the gap helps most.
            let helps = |i: usize| {
                let k = &self.knobs[i];
                let room = if longer {
                    units[i] < k.high
                } else {
                    units[i] > k.low
                };
                room && k.unit < gap * 2
            };
            let order = (0..units.len()).map(|i| (turn + i) % units.len());
            let best = order
                .clone()
                .filter(|&i| helps(i) && self.knobs[i].unit <= gap)
                .max_by_key(|&i| self.knobs[i].unit)
                .or_else(|| order.clone().find(|&i| helps(i)));
            // Stuck outside the tolerance (the steps with small units are
            // at a bound): overshoot with the smallest unit that has room,
            // and let the small units come back the other way.
            let best = best.or_else(|| {
                (gap > TOLERANCE)
                    .then(|| {
                        order
                            .clone()
                            .filter(|&i| {
                                if longer {
                                    units[i] < self.knobs[i].high
                                } else {
                                    units[i] > self.knobs[i].low
                                }
                            })
                            .min_by_key(|&i| self.knobs[i].unit)
                    })
                    .flatten()
            });
            let Some(i) = best else { return };
            if longer {
                units[i] += 1;
            } else {
                units[i] -= 1;
            }
            turn = i + 1;
        }
    }

    fn apply(&self, routine: &Routine, units: &[u32]) -> Routine {
        let mut out = routine.clone();
        for ((step, knob), &n) in out.steps.iter_mut().zip(&self.knobs).zip(units) {
            let before = step.duration;
            if step.kind == StepKind::Breathing && step.cycles.is_some() {
                step.cycles = Some(n);
                step.duration = knob.unit * n;
            } else {
                step.duration = Duration::from_secs(n.into());
            }
            step.cues = moved_cues(&step.cues, before, step.duration);
        }
        out
    }
}

/// The shortest a step (a side of it) is fitted to: 15 s, and long
/// enough to read its instructions in the first third (as `knotless check`
/// asks), but never shorter than written.
fn shortest(step: &Step) -> Duration {
    let reading = Duration::from_secs_f64(3.0 * reading_seconds(&step.instructions));
    MIN_SIDE.max(reading).min(step.duration)
}

fn is_478(step: &Step) -> bool {
    step.breath.as_ref().is_some_and(|b| {
        b.name == Some("4-7-8")
            || crate::breath::BreathPattern::named("4-7-8").is_some_and(|n| n.phases == b.phases)
    })
}

/// Cues keep their place in proportion, in whole seconds, and stay inside
/// the step (a cue before the end stays before the end). A cue that counts
/// what is left ("Two more breaths") keeps its distance from the end
/// instead, so it stays true.
fn moved_cues(cues: &[Cue], before: Duration, after: Duration) -> Vec<Cue> {
    if before == after {
        return cues.to_vec();
    }
    let ratio = after.as_secs_f64() / before.as_secs_f64().max(f64::MIN_POSITIVE);
    let mut moved: Vec<Cue> = cues
        .iter()
        .map(|c| {
            let at = if c.counts() {
                after.saturating_sub(before.saturating_sub(c.at))
            } else {
                Duration::from_secs((c.at.as_secs_f64() * ratio).floor() as u64)
            };
            let last = after.saturating_sub(Duration::from_secs(1));
            Cue {
                at: at.min(last),
                text: c.text.clone(),
            }
        })
        .collect();
    moved.sort_by_key(|c| c.at);
    moved
}

#[cfg(test)]
mod tests;
