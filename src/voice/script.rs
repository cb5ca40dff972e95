//! What is said, and when: a pure script computed from a routine's
//! timeline, testable without any engine. The words of each step come in
//! through `RoutineWords`, so the script does not depend on how the routine
//! format spells them.

use std::time::Duration;

use crate::breath::PhaseKind;
use crate::routine::Say;
use crate::routine::{Routine, Side};
use crate::session::Effect;
use crate::timeline::{Segment, SegmentKind, Timeline};

/// A slow speaking pace, to tell how long a prompt may take to say:
/// breathing words wait until the prompt before them is surely over (a
/// newer speech would cut it off).
const SLOW_WORD: Duration = Duration::from_millis(420);
const PAUSE_AFTER: Duration = Duration::from_millis(800);
/// Longer user text is cut: a prompt is a few words, not a reading.
pub const MAX_PROMPT_CHARS: usize = 300;
/// Said at the end when the session did not go as planned (skipped or
/// lengthened steps): the planned time would be wrong.
pub const WELL_DONE: &str = "Well done.";

/// What a step gives the script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepWords {
    pub title: String,
    /// A few words said after the title and side.
    pub glance: Option<String>,
    /// The step's `say`: `None` says the usual words, `Some(None)` (from
    /// `say = false`) says nothing for this step (cues and switch included),
    /// `Some(Some(text))` says `text` in place of title, side and glance.
    pub say: Option<Option<String>>,
    /// Each cue's text, in the routine's order.
    pub cues: Vec<String>,
}

/// What a routine gives the script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoutineWords {
    pub steps: Vec<StepWords>,
    /// `false` (a routine's `voice = false`): nothing is said.
    pub voice: bool,
}

impl RoutineWords {
    /// The words of `routine`. The glance is the first sentence of the
    /// instructions until the format has its own `glance` key.
    pub fn from_routine(routine: &Routine) -> Self {
        Self {
            steps: routine
                .steps
                .iter()
                .map(|s| StepWords {
                    title: s.title.clone(),
                    glance: s.glance.clone().or_else(|| first_sentence(&s.instructions)),
                    say: match &s.say {
                        Say::Default => None,
                        Say::Text(text) => Some(Some(text.clone())),
                        Say::Silent => Some(None),
                    },
                    cues: s.cues.iter().map(|c| c.text.clone()).collect(),
                })
                .collect(),
            voice: routine.voice,
        }
    }
}

/// The moment of a session a prompt belongs to (as the session's effects
/// name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    StepStart {
        step: usize,
        side: Option<Side>,
    },
    SideSwitch {
        step: usize,
        side: Side,
    },
    Cue {
        step: usize,
        side: Option<Side>,
        index: usize,
    },
    Breath {
        step: usize,
        side: Option<Side>,
        cycle: u32,
        kind: PhaseKind,
    },
    Finished,
}

/// One thing said: when (from the routine's start, as planned), at which
/// moment, and the words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub at: Duration,
    pub moment: Moment,
    pub text: String,
}

/// Everything a routine says, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    pub prompts: Vec<Prompt>,
    /// Each step's cue texts, to find a cue effect's prompt.
    cues: Vec<Vec<String>>,
    /// The routine's planned time in steps, which the end prompt says.
    planned: Duration,
}

impl Script {
    /// The script of `routine`; `breath_words` adds "Breathe in", "Hold",
    /// "Breathe out" at each breathing phase.
    pub fn for_routine(routine: &Routine, breath_words: bool) -> Self {
        Self::new(
            &RoutineWords::from_routine(routine),
            &Timeline::new(routine),
            breath_words,
        )
    }

    pub fn new(words: &RoutineWords, timeline: &Timeline, breath_words: bool) -> Self {
        // Time practised leaves the get-ready pauses out.
        let worked = timeline
            .segments
            .iter()
            .filter(|s| s.kind == SegmentKind::Work)
            .map(|s| s.length)
            .sum();
        let mut script = Self {
            prompts: Vec::new(),
            cues: words.steps.iter().map(|s| s.cues.clone()).collect(),
            planned: worked,
        };
        if !words.voice {
            return script;
        }
        for seg in &timeline.segments {
            let Some(step) = words.steps.get(seg.step) else {
                continue;
            };
            if step.say == Some(None) {
                continue;
            }
            // The pause between two sides is where the switch is said, so
            // the hand has the pause to move; other get-readies are silent
            // (the step's own words come when it begins).
            if seg.kind == SegmentKind::GetReady {
                if let (true, Some(side)) = (seg.is_side_switch(), seg.side) {
                    let moment = Moment::SideSwitch {
                        step: seg.step,
                        side,
                    };
                    script.push(
                        seg.start,
                        moment,
                        format!("Switch to the {} side.", side.word()),
                    );
                }
                continue;
            }
            script.segment(seg, step, breath_words);
        }
        script.push(timeline.total, Moment::Finished, practised(worked));
        script.prompts.sort_by_key(|p| p.at);
        script
    }

    fn push(&mut self, at: Duration, moment: Moment, text: String) {
        let text = speakable(&text);
        if !text.is_empty() {
            self.prompts.push(Prompt { at, moment, text });
        }
    }

    fn segment(&mut self, seg: &Segment, step: &StepWords, breath_words: bool) {
        let (index, side) = (seg.step, seg.side);
        let (moment, text) = match (seg.is_side_switch(), side) {
            (true, Some(side)) => (
                Moment::SideSwitch { step: index, side },
                format!("Switch to the {} side.", side.word()),
            ),
            _ => (
                Moment::StepStart { step: index, side },
                start_words(step, side),
            ),
        };
        let mut said = vec![(seg.start, saying(&speakable(&text)))];
        self.push(seg.start, moment, text);
        for (n, cue) in seg.cues.iter().enumerate() {
            let at = seg.start + cue.at;
            said.push((at, saying(&speakable(&cue.text))));
            let moment = Moment::Cue {
                step: index,
                side,
                index: n,
            };
            self.push(at, moment, cue.text.clone());
        }
        let Some(pattern) = seg.breath.as_ref().filter(|_| breath_words) else {
            return;
        };
        let mut offset = Duration::ZERO;
        let mut cycle = 1;
        while offset < seg.length && !pattern.phases.is_empty() {
            for phase in &pattern.phases {
                let at = seg.start + offset;
                let near = said
                    .iter()
                    .any(|&(from, long)| at >= from && at - from < long);
                if offset < seg.length && !near {
                    let moment = Moment::Breath {
                        step: index,
                        side,
                        cycle,
                        kind: phase.kind,
                    };
                    self.push(at, moment, format!("{}.", phase.kind.words()));
                }
                offset += phase.length;
            }
            cycle += 1;
        }
    }

    /// The words for `effect`, if anything is said then. The end prompt
    /// says the planned time only when the session took it.
    pub fn text_for(&self, effect: &Effect) -> Option<&str> {
        let moment = match effect {
            Effect::StepStarted { step, side } => Moment::StepStart {
                step: *step,
                side: *side,
            },
            Effect::SideSwitch { step, side } => Moment::SideSwitch {
                step: *step,
                side: *side,
            },
            Effect::Cue { step, side, text } => Moment::Cue {
                step: *step,
                side: *side,
                index: self.cues.get(*step)?.iter().position(|c| c == text)?,
            },
            Effect::BreathPhase {
                step,
                side,
                kind,
                cycle,
            } => Moment::Breath {
                step: *step,
                side: *side,
                cycle: *cycle,
                kind: *kind,
            },
            Effect::Finished(summary) => {
                let planned = self.find(Moment::Finished)?;
                return Some(if minutes(summary.practised) == minutes(self.planned) {
                    planned
                } else {
                    WELL_DONE
                });
            }
            Effect::GetReady { .. } | Effect::LastSeconds { .. } | Effect::Stopped(_) => {
                return None;
            }
        };
        self.find(moment)
    }

    fn find(&self, moment: Moment) -> Option<&str> {
        self.prompts
            .iter()
            .find(|p| p.moment == moment)
            .map(|p| p.text.as_str())
    }

    /// Every text to render, each once, in the order first needed (the
    /// short end prompt last).
    pub fn texts(&self) -> Vec<&str> {
        let mut texts: Vec<&str> = Vec::new();
        let has_end = self.prompts.iter().any(|p| p.moment == Moment::Finished);
        let all = self.prompts.iter().map(|p| p.text.as_str());
        for t in all.chain(has_end.then_some(WELL_DONE)) {
            if !texts.contains(&t) {
                texts.push(t);
            }
        }
        texts
    }

    /// The script as lines `m:ss  text`, for snapshots and the export index.
    pub fn lines(&self) -> String {
        self.prompts
            .iter()
            .map(|p| format!("{}  {}\n", clock(p.at), p.text))
            .collect()
    }
}

/// "Shoulder rolls, left side. Sit tall and let your arms hang loosely."
fn start_words(step: &StepWords, side: Option<Side>) -> String {
    if let Some(Some(say)) = &step.say {
        return say.clone();
    }
    // The right side comes just after "Switch to the right side": the
    // title again would only crowd it.
    let mut s = match side {
        Some(Side::Right) => "Right side".to_owned(),
        Some(side) => format!("{}, {} side", step.title.trim(), side.word()),
        None => step.title.trim().to_owned(),
    };
    if let Some(glance) = step.glance.as_deref().map(str::trim)
        && !glance.is_empty()
    {
        s = sentence(s);
        s.push(' ');
        s += glance;
    }
    sentence(s)
}

/// `s` with a full stop, unless it already ends a sentence.
fn sentence(mut s: String) -> String {
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// How long `text` may take to say, at a slow pace.
pub fn saying(text: &str) -> Duration {
    let words = text.split_whitespace().count() as u32;
    SLOW_WORD * words + PAUSE_AFTER
}

/// The first sentence of `text`, if any.
pub fn first_sentence(text: &str) -> Option<String> {
    let text = speakable(text);
    let end = text
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?') && text[i + c.len_utf8()..].starts_with([' ', '\n'])
        })
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    let first = text[..end].trim();
    (!first.is_empty()).then(|| first.to_owned())
}

/// User text made safe to hand to a speech engine: control characters
/// become spaces, runs of space one space, and it is cut at a word.
pub fn speakable(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut words = String::new();
    for w in clean.split_whitespace() {
        if words.chars().count() + w.chars().count() + 1 > MAX_PROMPT_CHARS {
            break;
        }
        if !words.is_empty() {
            words.push(' ');
        }
        words += w;
    }
    words
}

/// Whole minutes, rounded (at least one).
fn minutes(d: Duration) -> u64 {
    ((d.as_secs() + 30) / 60).max(1)
}

/// "Well done. You practised for 12 minutes."
fn practised(total: Duration) -> String {
    match minutes(total) {
        1 => "Well done. You practised for one minute.".into(),
        n => format!("Well done. You practised for {n} minutes."),
    }
}

/// `m:ss` from the routine's start.
fn clock(d: Duration) -> String {
    format!("{}:{:02}", d.as_secs() / 60, d.as_secs() % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routine::builtin::{BUILTINS, routine};
    use crate::routine::parse::parse_routine;
    use crate::session::Summary;

    #[test]
    fn the_script_of_every_built_in_routine() {
        for (id, _) in BUILTINS {
            let script = Script::for_routine(&routine(id), false);
            insta::assert_snapshot!(format!("script_{id}"), script.lines());
        }
    }

    #[test]
    fn breath_words_keep_clear_of_other_prompts() {
        let script = Script::for_routine(&routine("daily-back"), true);
        insta::assert_snapshot!("script_daily-back_breath_words", script.lines());
        for pair in script.prompts.windows(2) {
            if matches!(pair[1].moment, Moment::Breath { .. }) {
                assert!(pair[1].at - pair[0].at >= saying(&pair[0].text), "{pair:?}");
            }
        }
        let said = |kind| {
            script
                .prompts
                .iter()
                .filter(|p| matches!(p.moment, Moment::Breath { kind: k, .. } if k == kind))
                .count()
        };
        assert!(
            said(PhaseKind::In) >= 2 && said(PhaseKind::Out) >= 3,
            "{}",
            script.lines()
        );
    }

    const TWO: &str = r#"
name = "Two"
[defaults]
transition = "0s"
[[steps]]
kind = "kneading"
title = "Shoulder"
duration = "20s"
area = "shoulders"
sides = "both"
instructions = "Squeeze slowly. Then let go."
cues = [{ at = "10s", text = "Slower\u001b[31m" }]
[[steps]]
kind = "rest"
title = "Rest"
duration = "40s"
"#;

    fn two() -> (RoutineWords, Timeline) {
        let r = parse_routine("t", "t.toml", TWO).unwrap();
        (RoutineWords::from_routine(&r), Timeline::new(&r))
    }

    fn summary(practised: u64) -> Summary {
        Summary {
            planned: Duration::from_secs(80),
            practised: Duration::from_secs(practised),
            paused: Duration::ZERO,
            completed_steps: 2,
            skipped: vec![],
            finished: true,
        }
    }

    #[test]
    fn each_effect_finds_its_words() {
        let (words, timeline) = two();
        let s = Script::new(&words, &timeline, false);
        assert_eq!(
            s.lines(),
            "0:00  Shoulder, left side. Squeeze slowly.\n\
             0:10  Slower [31m\n\
             0:20  Switch to the right side.\n\
             0:25  Right side. Squeeze slowly.\n\
             0:35  Slower [31m\n\
             0:45  Rest.\n\
             1:25  Well done. You practised for one minute.\n"
        );
        let start = Effect::StepStarted {
            step: 0,
            side: Some(Side::Left),
        };
        assert_eq!(
            s.text_for(&start),
            Some("Shoulder, left side. Squeeze slowly.")
        );
        let cue = Effect::Cue {
            step: 0,
            side: Some(Side::Right),
            text: "Slower\u{1b}[31m".into(),
        };
        assert_eq!(s.text_for(&cue), Some("Slower [31m"));
        let switch = Effect::SideSwitch {
            step: 0,
            side: Side::Right,
        };
        assert_eq!(s.text_for(&switch), Some("Switch to the right side."));
        assert_eq!(s.text_for(&Effect::GetReady { step: 1 }), None);
        let end = Effect::Finished(summary(80));
        assert_eq!(
            s.text_for(&end),
            Some("Well done. You practised for one minute.")
        );
        // Skipped or lengthened: the planned time would be wrong.
        assert_eq!(s.text_for(&Effect::Finished(summary(200))), Some(WELL_DONE));
        assert_eq!(s.text_for(&Effect::Stopped(summary(20))), None);
        assert_eq!(s.texts().last(), Some(&WELL_DONE));
        assert_eq!(s.texts().len(), 7, "each text once: {:?}", s.texts());
    }

    #[test]
    fn say_replaces_or_silences_a_step_and_voice_false_silences_all() {
        let (mut words, timeline) = two();
        words.steps[1].say = Some(Some("Lie back and rest".into()));
        let s = Script::new(&words, &timeline, false);
        let rest = Effect::StepStarted {
            step: 1,
            side: None,
        };
        assert_eq!(s.text_for(&rest), Some("Lie back and rest"));
        words.steps[0].say = Some(None);
        let s = Script::new(&words, &timeline, false);
        assert!(s.prompts.iter().all(|p| !matches!(
            p.moment,
            Moment::StepStart { step: 0, .. } | Moment::SideSwitch { .. } | Moment::Cue { .. }
        )));
        words.voice = false;
        let s = Script::new(&words, &timeline, false);
        assert!(s.prompts.is_empty() && s.texts().is_empty());
        assert_eq!(s.text_for(&Effect::Finished(summary(80))), None);
    }

    #[test]
    fn user_text_is_made_speakable() {
        assert_eq!(speakable(" a\tb\n\u{7}c  "), "a b c");
        let long = "word ".repeat(200);
        assert!(speakable(&long).chars().count() <= MAX_PROMPT_CHARS);
        assert_eq!(
            first_sentence("Sit tall. Roll both.").as_deref(),
            Some("Sit tall.")
        );
        assert_eq!(
            first_sentence("Use 2.5 kg weights").as_deref(),
            Some("Use 2.5 kg weights")
        );
        assert_eq!(first_sentence("  "), None);
    }
}
