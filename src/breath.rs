//! Breathing patterns and where in a pattern a given moment falls.
//!
//! Pure arithmetic on `Duration`s (nanosecond integers), so that after any
//! number of cycles a phase boundary is exactly where the plan puts it.

use std::fmt;
use std::time::Duration;

/// What the user is asked to do during one phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseKind {
    In,
    Hold,
    Out,
    HoldOut,
}

impl PhaseKind {
    /// The words shown and spoken for the phase. The two holds are told
    /// apart: after breathing in the lungs are full, after breathing out
    /// they are empty.
    pub fn words(self) -> &'static str {
        match self {
            PhaseKind::In => "Breathe in",
            PhaseKind::Hold => "Hold, full",
            PhaseKind::Out => "Breathe out",
            PhaseKind::HoldOut => "Hold, empty",
        }
    }

    fn short(self) -> &'static str {
        match self {
            PhaseKind::In => "in",
            PhaseKind::Hold => "hold",
            PhaseKind::Out => "out",
            PhaseKind::HoldOut => "hold out",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phase {
    pub kind: PhaseKind,
    pub length: Duration,
}

/// A breathing pattern: phases repeated as cycles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreathPattern {
    /// The named pattern this came from, if any (`box`, `4-7-8`, ...).
    pub name: Option<&'static str>,
    pub phases: Vec<Phase>,
}

/// The named patterns routine files may use, in the order help lists them.
pub const NAMED_PATTERNS: [&str; 5] = [
    "box",
    "4-7-8",
    "coherent",
    "long-exhale",
    "physiological-sigh",
];

fn secs(s: f64) -> Duration {
    Duration::from_millis((s * 1000.0).round() as u64)
}

impl BreathPattern {
    /// One of the named patterns, or `None` for an unknown name.
    pub fn named(name: &str) -> Option<Self> {
        use PhaseKind::*;
        let (name, phases): (&'static str, &[(PhaseKind, f64)]) = match name {
            "box" => ("box", &[(In, 4.0), (Hold, 4.0), (Out, 4.0), (HoldOut, 4.0)]),
            "4-7-8" => ("4-7-8", &[(In, 4.0), (Hold, 7.0), (Out, 8.0)]),
            "coherent" => ("coherent", &[(In, 5.5), (Out, 5.5)]),
            "long-exhale" => ("long-exhale", &[(In, 4.0), (Out, 6.0)]),
            // Two inhales through the nose (the second a short top-up), then a
            // long exhale through the mouth.
            "physiological-sigh" => ("physiological-sigh", &[(In, 2.0), (In, 1.0), (Out, 6.0)]),
            _ => return None,
        };
        Some(Self {
            name: Some(name),
            phases: phases
                .iter()
                .map(|&(kind, s)| Phase {
                    kind,
                    length: secs(s),
                })
                .collect(),
        })
    }

    /// A custom pattern in seconds; holds that round to nothing (under
    /// half a millisecond) are left out, as a hold of zero is.
    /// The caller has already checked that `inhale` and `exhale` are positive.
    pub fn custom(inhale: f64, hold: f64, exhale: f64, hold_out: f64) -> Self {
        let phases = [
            (PhaseKind::In, inhale),
            (PhaseKind::Hold, hold),
            (PhaseKind::Out, exhale),
            (PhaseKind::HoldOut, hold_out),
        ]
        .into_iter()
        .filter(|&(_, s)| s > 0.0)
        .map(|(kind, s)| Phase {
            kind,
            length: secs(s),
        })
        .filter(|phase| !phase.length.is_zero())
        .collect();
        Self { name: None, phases }
    }

    pub fn cycle_length(&self) -> Duration {
        self.phases.iter().map(|p| p.length).sum()
    }

    /// How long `cycles` whole cycles take.
    pub fn length_of(&self, cycles: u32) -> Duration {
        self.cycle_length() * cycles
    }

    /// How many whole cycles fit a wished-for length, rounded to the nearest
    /// whole cycle and never fewer than one: a step never cuts a breath in half.
    pub fn cycles_for(&self, wished: Duration) -> u32 {
        let cycle = self.cycle_length().as_nanos().max(1);
        let n = (wished.as_nanos() + cycle / 2) / cycle;
        n.clamp(1, u32::MAX as u128) as u32
    }

    /// Where the pattern is `elapsed` after it started.
    pub fn at(&self, elapsed: Duration) -> BreathState {
        // In 64-bit nanoseconds (584 years): the pacer asks this several
        // times a frame, and 128-bit division is a call of its own.
        let nanos = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let cycle_ns = nanos(self.cycle_length()).max(1);
        let done = nanos(elapsed) / cycle_ns;
        let mut into = Duration::from_nanos(nanos(elapsed) % cycle_ns);
        let (inhaled, exhaled) = (self.total(PhaseKind::In), self.total(PhaseKind::Out));
        // How full the lungs are, from 0 to 1: each breath in adds its share
        // of all the breathing in of a cycle, so a second, short inhale (the
        // physiological sigh's top-up) carries on from where the first
        // stopped; each breath out takes its share away.
        let mut level = 0.0;
        for (index, phase) in self.phases.iter().enumerate() {
            let change = match phase.kind {
                PhaseKind::In => share(phase.length, inhaled),
                PhaseKind::Out => -share(phase.length, exhaled),
                PhaseKind::Hold | PhaseKind::HoldOut => 0.0,
            };
            let to = (level + change).clamp(0.0, 1.0);
            if into < phase.length {
                let top_up = phase.kind == PhaseKind::In
                    && index > 0
                    && self.phases[index - 1].kind == PhaseKind::In;
                return BreathState {
                    cycle: done as u32 + 1,
                    phase_index: index,
                    kind: phase.kind,
                    progress: into.as_secs_f64() / phase.length.as_secs_f64(),
                    left: phase.length - into,
                    length: phase.length,
                    fill_from: level,
                    fill_to: to,
                    words: if top_up { "Top up" } else { phase.kind.words() },
                };
            }
            level = to;
            into -= phase.length;
        }
        // Only reachable for an empty pattern, which validation refuses.
        BreathState {
            cycle: done as u32 + 1,
            phase_index: 0,
            kind: PhaseKind::In,
            progress: 0.0,
            left: Duration::ZERO,
            length: Duration::ZERO,
            fill_from: 0.0,
            fill_to: 0.0,
            words: PhaseKind::In.words(),
        }
    }

    /// How long a cycle spends in phases of `kind`.
    fn total(&self, kind: PhaseKind) -> Duration {
        self.phases
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.length)
            .sum()
    }

    /// When, from the pattern's start, the phase after `elapsed` begins.
    pub fn next_boundary(&self, elapsed: Duration) -> Duration {
        elapsed + self.at(elapsed).left
    }
}

/// `part` as a share of `whole`, 0 to 1.
fn share(part: Duration, whole: Duration) -> f64 {
    if whole.is_zero() {
        0.0
    } else {
        part.as_secs_f64() / whole.as_secs_f64()
    }
}

/// "in 4 · hold 7 · out 8", the way `--plain` and `show` print a pattern.
impl fmt::Display for BreathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, phase) in self.phases.iter().enumerate() {
            if i > 0 {
                f.write_str(" · ")?;
            }
            let s = phase.length.as_secs_f64();
            write!(f, "{} {}", phase.kind.short(), trim_float(s))?;
        }
        Ok(())
    }
}

fn trim_float(s: f64) -> String {
    let text = format!("{s:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A moment inside a breathing pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreathState {
    /// 1-based cycle number.
    pub cycle: u32,
    pub phase_index: usize,
    pub kind: PhaseKind,
    /// 0.0 at the start of the phase, approaching 1.0 at its end.
    pub progress: f64,
    /// Time left in the phase.
    pub left: Duration,
    /// The whole phase's length.
    pub length: Duration,
    /// How full the breath is (0 to 1) when the phase starts and ends.
    pub fill_from: f64,
    pub fill_to: f64,
    /// What to do, in words: "Breathe in", "Top up", "Hold, full"...
    pub words: &'static str,
}

impl BreathState {
    /// Whole seconds left in the phase as shown: rounded up, but never more
    /// than the phase's own whole seconds (a 5.5 s phase never shows 6).
    pub fn shown_secs(&self) -> u64 {
        let up = self.left.as_secs() + u64::from(self.left.subsec_nanos() > 0);
        up.min(self.length.as_secs().max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn every_named_pattern_has_its_documented_cycle() {
        let expect = [
            ("box", 16_000),
            ("4-7-8", 19_000),
            ("coherent", 11_000),
            ("long-exhale", 10_000),
            ("physiological-sigh", 9_000),
        ];
        for (name, cycle) in expect {
            let p = BreathPattern::named(name).unwrap();
            assert_eq!(p.cycle_length(), ms(cycle), "{name}");
            assert_eq!(p.name, Some(name));
        }
        assert!(BreathPattern::named("square").is_none());
    }

    #[test]
    fn phase_changes_exactly_at_boundaries() {
        let p = BreathPattern::named("4-7-8").unwrap();
        assert_eq!(p.at(ms(3_999)).kind, PhaseKind::In);
        assert_eq!(p.at(ms(4_000)).kind, PhaseKind::Hold);
        assert_eq!(p.at(ms(10_999)).kind, PhaseKind::Hold);
        assert_eq!(p.at(ms(11_000)).kind, PhaseKind::Out);
        assert_eq!(p.at(ms(18_999)).cycle, 1);
        let next = p.at(ms(19_000));
        assert_eq!(
            (next.cycle, next.kind, next.left),
            (2, PhaseKind::In, ms(4_000))
        );
    }

    #[test]
    fn boundaries_do_not_drift_after_a_hundred_cycles() {
        let p = BreathPattern::named("4-7-8").unwrap();
        let start_101 = p.length_of(100);
        assert_eq!(start_101, ms(1_900_000));
        let s = p.at(start_101);
        assert_eq!((s.cycle, s.kind, s.left), (101, PhaseKind::In, ms(4_000)));
        assert_eq!(p.next_boundary(start_101 + ms(1)), start_101 + ms(4_000));
    }

    #[test]
    fn physiological_sigh_has_two_inhales_the_second_a_top_up() {
        let p = BreathPattern::named("physiological-sigh").unwrap();
        assert_eq!(p.at(ms(1_999)).phase_index, 0);
        assert_eq!(p.at(ms(2_000)).phase_index, 1);
        assert_eq!(p.at(ms(2_000)).kind, PhaseKind::In);
        assert_eq!(p.at(ms(3_000)).kind, PhaseKind::Out);
        let (first, second, out) = (p.at(ms(0)), p.at(ms(2_000)), p.at(ms(3_000)));
        assert_eq!((first.words, second.words), ("Breathe in", "Top up"));
        // The top-up carries on from where the first breath in stopped.
        assert_eq!(first.fill_from, 0.0);
        assert!((first.fill_to - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(second.fill_from, first.fill_to);
        assert_eq!(second.fill_to, 1.0);
        assert_eq!((out.fill_from, out.fill_to), (1.0, 0.0));
    }

    #[test]
    fn shown_seconds_never_exceed_the_phase() {
        let p = BreathPattern::named("coherent").unwrap();
        assert_eq!(p.at(ms(0)).shown_secs(), 5, "5.5 s never shows 6");
        assert_eq!(p.at(ms(600)).shown_secs(), 5);
        assert_eq!(p.at(ms(4_600)).shown_secs(), 1);
        let b = BreathPattern::named("box").unwrap();
        assert_eq!(b.at(ms(0)).shown_secs(), 4);
        assert_eq!(b.at(ms(4_000)).words, "Hold, full");
        assert_eq!(b.at(ms(12_000)).words, "Hold, empty");
    }

    /// Just before, at and just after every phase change of every named
    /// pattern, over three cycles.
    #[test]
    fn every_named_pattern_changes_phase_exactly_on_its_boundaries() {
        for name in NAMED_PATTERNS {
            let p = BreathPattern::named(name).unwrap();
            let mut at = Duration::ZERO;
            for cycle in 1..=3u32 {
                for (index, phase) in p.phases.iter().enumerate() {
                    let here = p.at(at);
                    assert_eq!(
                        (here.cycle, here.phase_index, here.kind),
                        (cycle, index, phase.kind),
                        "{name} at {at:?}"
                    );
                    assert_eq!(here.left, phase.length, "{name}: a phase starts whole");
                    let after = p.at(at + ms(1));
                    assert_eq!(
                        (after.cycle, after.phase_index),
                        (cycle, index),
                        "{name} just after {at:?}"
                    );
                    at += phase.length;
                    let before = p.at(at - ms(1));
                    assert_eq!(
                        (before.cycle, before.phase_index),
                        (cycle, index),
                        "{name} just before {at:?}"
                    );
                    assert_eq!(before.left, ms(1));
                }
            }
            assert_eq!(at, p.length_of(3));
        }
    }

    /// Found by the property below: a hold of a quarter of a millisecond
    /// became a phase of no length, which the pacer can never leave.
    #[test]
    fn a_hold_that_rounds_to_nothing_is_left_out() {
        let p = BreathPattern::custom(0.1, 0.000_257, 0.1, 0.0);
        assert_eq!(p.phases.len(), 2);
        assert_eq!(p.cycle_length(), ms(200));
    }

    proptest::proptest! {
        #[test]
        fn custom_patterns_keep_time(
            inhale in 0.1f64..20.0,
            hold in 0.0f64..20.0,
            exhale in 0.1f64..20.0,
            hold_out in 0.0f64..20.0,
            steps in proptest::collection::vec(0u64..30_000, 1..50),
        ) {
            let p = BreathPattern::custom(inhale, hold, exhale, hold_out);
            let cycle = p.cycle_length();
            proptest::prop_assert_eq!(cycle, p.phases.iter().map(|x| x.length).sum::<Duration>());
            proptest::prop_assert!(p.phases.iter().all(|x| !x.length.is_zero()));
            let mut t = Duration::ZERO;
            let mut last = (1u32, 0usize);
            for step in steps {
                t += ms(step);
                let s = p.at(t);
                proptest::prop_assert!((0.0..1.0).contains(&s.progress), "progress {}", s.progress);
                proptest::prop_assert!(!s.left.is_zero() && s.left <= p.phases[s.phase_index].length);
                proptest::prop_assert!((s.cycle, s.phase_index) >= last, "never goes back");
                proptest::prop_assert_eq!(s.cycle as u128, t.as_nanos() / cycle.as_nanos() + 1);
                last = (s.cycle, s.phase_index);
            }
            let n = p.cycles_for(cycle * 7 + cycle / 3);
            proptest::prop_assert_eq!(n, 7);
        }
    }

    #[test]
    fn custom_patterns_drop_empty_holds_and_keep_fractions() {
        let p = BreathPattern::custom(4.5, 0.0, 6.25, 0.0);
        assert_eq!(p.phases.len(), 2);
        assert_eq!(p.cycle_length(), ms(10_750));
        assert_eq!(p.to_string(), "in 4.5 · out 6.25");
    }

    #[test]
    fn cycles_round_to_whole_breaths() {
        let p = BreathPattern::named("box").unwrap();
        assert_eq!(p.cycles_for(Duration::from_secs(60)), 4); // 3.75 -> 4
        assert_eq!(p.cycles_for(Duration::from_secs(40)), 3); // 2.5 -> 3
        assert_eq!(p.cycles_for(Duration::from_secs(1)), 1);
        assert_eq!(
            BreathPattern::named("4-7-8").unwrap().to_string(),
            "in 4 · hold 7 · out 8"
        );
    }
}
