//! What is said, and when: a pure script computed from a routine's
//! timeline, testable without any engine. The words of each step come in
//! through `RoutineWords`, so the script does not depend on how the routine
//! format spells them.
//!
//! Where a prompt goes depends on how long it takes to say, which only the
//! rendered audio knows: `Script::new` takes that as a function (`Lengths`),
//! and a text whose length is not known is never placed where it could run
//! into what follows. The voice plans again as each text is rendered
//! (`Script::replan`); tests and `knotless show` use `model_length`.
//!
//! - A get-ready says where to go and what to hold ("Next: stand with your
//!   back to a wall, the ball in your hand").
//! - A step's words are its title, side and glance line, then its caution
//!   (once, on the first side). Over a breathing pattern they must end
//!   before the first change of breath: said whole at the start if they
//!   fit, else in the get-ready before, else shortened.
//! - Over a breathing pattern every prompt starts with a phase and ends
//!   within it; with breath words, each free phase is named as the screen
//!   names it ("Top up", "Hold, full").
//! - The end is the routine's: bells and "Well done", a quiet close, or
//!   nothing.

use std::cell::RefCell;
use std::time::Duration;

use super::natural::natural;
use crate::breath::BreathPattern;
use crate::routine::{Ending, Position, Routine, Say, Side};
use crate::session::Effect;
use crate::timeline::{Segment, SegmentKind, Timeline};

/// How long after its moment a prompt is heard (after the bell, through
/// the output): its words must end before the next change with this much
/// taken off the room.
pub const SPEECH_DELAY: Duration = Duration::from_millis(350);
/// Longer user text is cut: a prompt is a few words, not a reading.
pub const MAX_PROMPT_CHARS: usize = 300;
/// Said at the end when the session did not go as planned (skipped or
/// lengthened steps): the planned time would be wrong.
pub const WELL_DONE: &str = "Well done.";
/// A soft ending's close: no praise, no numbers, nothing to wake to.
pub const QUIET_CLOSE: &str = "That is the end. Stay as you are, and rest.";

/// How long a text takes to say, when known (rendered).
pub type Lengths<'a> = &'a dyn Fn(&str) -> Option<Duration>;

/// A model of how long espeak-ng takes to say `text` at `rate` words a
/// minute: 62 ms a letter, 300 ms a pause at each comma or stop and half
/// a second besides at 160 words a minute (fitted to espeak-ng's own
/// renderings of the built-ins' prompts), a tenth on the long side. For
/// tests and for a script shown before anything is rendered; the voice
/// itself never uses it.
pub fn model_length(rate: u16) -> impl Fn(&str) -> Option<Duration> {
    move |text: &str| {
        let letters = text.chars().filter(|c| c.is_alphanumeric()).count() as f64;
        let pauses = text.matches([',', '.', ';', ':', '!', '?']).count() as f64;
        let at_160 = 0.062 * letters + 0.3 * pauses + 0.5;
        Some(Duration::from_secs_f64(
            1.1 * at_160 * 160.0 / f64::from(rate.max(1)),
        ))
    }
}

/// What the voice is asked to say beyond the steps' own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptOptions {
    /// Name each phase of a breath pattern ("Breathe in", "Top up").
    pub breath_words: bool,
    /// Say a step's caution once, after its words (`[voice] cautions`).
    pub cautions: bool,
}

impl Default for ScriptOptions {
    fn default() -> Self {
        Self {
            breath_words: false,
            cautions: true,
        }
    }
}

/// What a step gives the script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepWords {
    pub title: String,
    /// A few words said after the title and side.
    pub glance: Option<String>,
    /// The step's `say`: `None` says the usual words, `Some(None)` (from
    /// `say = false`) says nothing for this step (cues and switch included),
    /// `Some(Some(text))` says `text` in place of title, side and glance
    /// (on the left side, when each side has its own words).
    pub say: Option<Option<String>>,
    /// The right side's own words (`say = { left, right }`).
    pub say_right: Option<String>,
    /// Each cue's text, in the routine's order.
    pub cues: Vec<String>,
    /// Said once, after the step's words on its first side.
    pub caution: Option<String>,
    /// What the get-ready before the step says, when more than its title
    /// ("Next: stand with your back to a wall, the ball in your hand").
    pub ready: Option<String>,
}

/// What a routine gives the script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoutineWords {
    pub steps: Vec<StepWords>,
    /// `false` (a routine's `voice = false`): nothing is said.
    pub voice: bool,
    pub end: Ending,
}

impl RoutineWords {
    /// The words of `routine`. The glance is the first sentence of the
    /// instructions when the step has no `glance`.
    pub fn from_routine(routine: &Routine) -> Self {
        Self {
            steps: routine
                .steps
                .iter()
                .enumerate()
                .map(|(i, s)| StepWords {
                    title: s.title.clone(),
                    glance: s.glance.clone().or_else(|| first_sentence(&s.instructions)),
                    say: match &s.say {
                        Say::Default => None,
                        Say::Text(text) => Some(Some(text.clone())),
                        Say::Sides { left, .. } => Some(Some(left.clone())),
                        Say::Silent => Some(None),
                    },
                    say_right: match &s.say {
                        Say::Sides { right, .. } => Some(right.clone()),
                        _ => None,
                    },
                    cues: s.cues.iter().map(|c| c.text.clone()).collect(),
                    caution: s.caution.clone(),
                    ready: ready_words(routine, i),
                })
                .collect(),
            voice: routine.voice,
            end: routine.end,
        }
    }
}

/// What the get-ready before step `index` says beyond the step's title:
/// the step's own `get_ready_say`, else where to go (when the position
/// changes; the first step's is on the screen before the session) and
/// what to take (a tool the step before did not use).
pub fn ready_words(routine: &Routine, index: usize) -> Option<String> {
    let step = routine.steps.get(index)?;
    if let Some(words) = &step.get_ready_say {
        return Some(words.clone());
    }
    let before = index.checked_sub(1).and_then(|i| routine.steps.get(i));
    let mut parts = Vec::new();
    if let Some(p) = step.position
        && let Some(before) = before
        && before.position != Some(p)
    {
        parts.push(go_to(p).to_owned());
    }
    let held: Vec<String> =
        before.map_or_else(Vec::new, |b| crate::compose::gear_needed(b, &routine.tools));
    for tool in crate::compose::gear_needed(step, &routine.tools) {
        if held.contains(&tool) {
            continue;
        }
        // Only what the hands take is said; furniture is where it is.
        match tool_word(&tool).as_str() {
            "ball" => parts.push("the ball in your hand".to_owned()),
            "roller" => parts.push("the roller beside you".to_owned()),
            _ => {}
        }
    }
    (!parts.is_empty()).then(|| format!("{}: {}.", lead_word(index), parts.join(", ")))
}

/// "First" before the first step, else "Next".
fn lead_word(step: usize) -> &'static str {
    if step == 0 { "First" } else { "Next" }
}

/// Where to go, in words a person can follow with closed eyes.
fn go_to(p: Position) -> &'static str {
    match p {
        Position::Chair => "sit upright on a chair",
        Position::Standing => "stand up",
        Position::Floor => "come down to the floor",
        Position::Wall => "stand with your back to a wall",
        Position::Bed => "settle in bed",
    }
}

/// "tennis ball" and "massage ball or tennis ball" are "ball"; "foam
/// roller" is "roller".
fn tool_word(tool: &str) -> String {
    let first = tool.split(" or ").next().unwrap_or(tool);
    let first = first.replace("(optional)", "");
    first
        .split_whitespace()
        .last()
        .unwrap_or(tool)
        .to_lowercase()
}

/// The moment of a session a prompt belongs to (as the session's effects
/// name it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    GetReady {
        step: usize,
    },
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
        phase: usize,
    },
    Finished,
}

/// What a prompt is, for checks on the script (the ears-only test).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Where to go and what to hold, before a step.
    GetReady,
    /// A step's or a side's own words.
    Intro,
    /// The switch to the other side.
    Switch,
    Caution,
    Cue,
    /// A breath phase named.
    Phase,
    End,
}

/// One thing said: when (from the routine's start, as planned), at which
/// moment, and the words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub at: Duration,
    pub moment: Moment,
    pub text: String,
    /// How long it takes to say, as planned.
    pub length: Duration,
    /// What it carries: a prompt said ahead in a get-ready carries the
    /// step's words too.
    pub roles: Vec<Role>,
    /// The step it speaks of (for a get-ready: the step coming).
    pub step: Option<usize>,
}

/// Everything a routine says, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub prompts: Vec<Prompt>,
    /// Each step's cue texts, to find a cue effect's prompt.
    cues: Vec<Vec<String>>,
    /// The routine's planned time in steps, which the end prompt says.
    planned: Duration,
    words: RoutineWords,
    timeline: Timeline,
    options: ScriptOptions,
}

impl Script {
    /// The script of `routine` with the usual options, placed with
    /// `model_length` at the default rate (for showing; the voice plans
    /// again from rendered lengths).
    pub fn for_routine(routine: &Routine, breath_words: bool) -> Self {
        let options = ScriptOptions {
            breath_words,
            ..ScriptOptions::default()
        };
        Self::with_options(routine, options, &model_length(super::engine::DEFAULT_RATE))
    }

    pub fn with_options(routine: &Routine, options: ScriptOptions, lengths: Lengths) -> Self {
        Self::new(
            &RoutineWords::from_routine(routine),
            &Timeline::new(routine),
            options,
            lengths,
        )
    }

    pub fn new(
        words: &RoutineWords,
        timeline: &Timeline,
        options: ScriptOptions,
        lengths: Lengths,
    ) -> Self {
        // Time practised leaves the get-ready pauses out.
        let worked = timeline
            .segments
            .iter()
            .filter(|s| s.kind == SegmentKind::Work)
            .map(|s| s.length)
            .sum();
        let mut cues: Vec<Vec<String>> = vec![Vec::new(); words.steps.len()];
        for seg in timeline
            .segments
            .iter()
            .filter(|s| s.kind == SegmentKind::Work)
        {
            if let Some(c) = cues.get_mut(seg.step) {
                *c = seg.cues.iter().map(|c| c.text.clone()).collect();
            }
        }
        let mut script = Self {
            prompts: Vec::new(),
            cues,
            planned: worked,
            words: words.clone(),
            timeline: timeline.clone(),
            options,
        };
        if words.voice {
            Planner {
                words,
                timeline,
                options,
                lengths,
                prompts: Vec::new(),
                ahead: None,
            }
            .run(&mut script.prompts);
            let end = match words.end {
                Ending::Bells => Some(practised(worked)),
                Ending::Soft => Some(QUIET_CLOSE.to_owned()),
                Ending::Silent => None,
            };
            if let Some(text) = end.map(|t| spoken(&t)).filter(|t| !t.is_empty()) {
                script.prompts.push(Prompt {
                    at: timeline.total,
                    moment: Moment::Finished,
                    length: lengths(&text).unwrap_or_default(),
                    text,
                    roles: vec![Role::End],
                    step: None,
                });
            }
        }
        script.prompts.sort_by_key(|p| p.at);
        script
    }

    /// The same script placed again with better-known lengths.
    pub fn replan(&self, lengths: Lengths) -> Self {
        Self::new(&self.words, &self.timeline, self.options, lengths)
    }

    /// Every text the script might say, whatever the lengths turn out to
    /// be, each once, in the order first needed: what to render.
    pub fn candidates(&self) -> Vec<String> {
        let asked = RefCell::new(Vec::<String>::new());
        let never_fits = |t: &str| {
            let mut asked = asked.borrow_mut();
            if !asked.iter().any(|a| a == t) {
                asked.push(t.to_owned());
            }
            None
        };
        let placed = self.replan(&never_fits);
        let mut texts = asked.into_inner();
        for t in placed.texts() {
            if !texts.iter().any(|a| a == t) {
                texts.push(t.to_owned());
            }
        }
        texts
    }

    /// The words for `effect`, if anything is said then. The end prompt
    /// says the planned time only when the session took it.
    pub fn text_for(&self, effect: &Effect) -> Option<&str> {
        let moment = match effect {
            Effect::GetReady { step } => Moment::GetReady { step: *step },
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
                cycle,
                phase,
                ..
            } => Moment::Breath {
                step: *step,
                side: *side,
                cycle: *cycle,
                phase: *phase,
            },
            Effect::Finished(summary) => {
                let planned = self.find(Moment::Finished)?;
                let as_planned = minutes(summary.practised) == minutes(self.planned);
                return Some(if as_planned || self.words.end != Ending::Bells {
                    planned
                } else {
                    WELL_DONE
                });
            }
            Effect::LastSeconds { .. } | Effect::Stopped(_) => return None,
        };
        self.find(moment)
    }

    fn find(&self, moment: Moment) -> Option<&str> {
        self.prompts
            .iter()
            .find(|p| p.moment == moment)
            .map(|p| p.text.as_str())
    }

    /// Every text placed, each once, in the order first needed (the short
    /// end prompt last).
    pub fn texts(&self) -> Vec<&str> {
        let mut texts: Vec<&str> = Vec::new();
        let bells = self.words.end == Ending::Bells;
        let has_end = self.prompts.iter().any(|p| p.moment == Moment::Finished);
        let all = self.prompts.iter().map(|p| p.text.as_str());
        for t in all.chain((has_end && bells).then_some(WELL_DONE)) {
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

    /// The timeline the script was placed on.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// How far the prompt `p` runs past the next change of breath after
    /// it begins, if it is said over a breathing pattern (zero when it
    /// ends in time): the measure of a prompt heard across a change.
    pub fn overlap(&self, p: &Prompt, length: Duration) -> Duration {
        let Some(seg) = self
            .timeline
            .segments
            .iter()
            .find(|s| s.kind == SegmentKind::Work && s.start <= p.at && p.at < s.end())
        else {
            return Duration::ZERO;
        };
        let Some(b) = &seg.breath else {
            return Duration::ZERO;
        };
        let into = p.at - seg.start;
        let change = seg.start + b.next_boundary(into);
        (p.at + SPEECH_DELAY + length).saturating_sub(change)
    }
}

/// Places the prompts, segment by segment.
struct Planner<'a> {
    words: &'a RoutineWords,
    timeline: &'a Timeline,
    options: ScriptOptions,
    lengths: Lengths<'a>,
    prompts: Vec<Prompt>,
    /// The work segment whose words the get-ready before it already said,
    /// and whether its caution went with them.
    ahead: Option<(usize, Option<String>, bool)>,
}

/// A slot over a breathing pattern: a phase start, and the room to its end.
struct Slot {
    at: Duration,
    room: Duration,
    cycle: u32,
    phase: usize,
    words: &'static str,
}

impl Planner<'_> {
    fn run(mut self, out: &mut Vec<Prompt>) {
        for (i, seg) in self.timeline.segments.iter().enumerate() {
            let Some(step) = self.words.steps.get(seg.step) else {
                continue;
            };
            if step.say == Some(None) {
                continue;
            }
            match seg.kind {
                SegmentKind::GetReady => self.get_ready(i, seg, step),
                SegmentKind::Work => self.work(i, seg, step),
            }
        }
        *out = self.prompts;
    }

    fn len(&self, text: &str) -> Option<Duration> {
        (self.lengths)(text)
    }

    /// Whether `text` can be said within `room` from its moment.
    fn fits(&self, text: &str, room: Duration) -> bool {
        self.len(text).is_some_and(|l| SPEECH_DELAY + l <= room)
    }

    fn push(&mut self, at: Duration, moment: Moment, text: String, roles: Vec<Role>, step: usize) {
        if text.is_empty() {
            return;
        }
        let length = self.len(&text).unwrap_or_default();
        self.prompts.push(Prompt {
            at,
            moment,
            text,
            length,
            roles,
            step: Some(step),
        });
    }

    /// The step's words on `seg`, richest first: with its caution (first
    /// side only), without, and shortened to the title or side. Each
    /// comes with the roles it carries and whether the caution is said.
    fn intros(&self, seg: &Segment, step: &StepWords) -> Vec<(String, bool)> {
        let first_side = seg.side != Some(Side::Right) || step_sides_once(self.timeline, seg);
        let (words, short) = if seg.is_side_switch() {
            let switch = switch_words(seg.side.unwrap_or(Side::Right));
            (switch.clone(), switch)
        } else {
            (
                start_words(step, seg.side),
                spoken(&short_words(step, seg.side)),
            )
        };
        let words = spoken(&words);
        let mut out = Vec::new();
        if let Some(caution) = step
            .caution
            .as_deref()
            .filter(|_| self.options.cautions && first_side && !seg.is_side_switch())
        {
            out.push((
                spoken(&format!("{} {}", sentence(words.clone()), caution)),
                true,
            ));
        }
        out.push((words.clone(), false));
        if short != words {
            out.push((short, false));
        }
        out
    }

    /// Room for a step's words at its start: to the first change of
    /// breath, else to its first cue, else to its end.
    fn start_room(seg: &Segment) -> Duration {
        let to_cue = seg.cues.first().map_or(seg.length, |c| c.at);
        match &seg.breath {
            Some(b) if !b.cycle_length().is_zero() => b.next_boundary(Duration::ZERO).min(to_cue),
            _ => to_cue,
        }
        .min(seg.length)
    }

    /// Which of `intros` the start of `seg` has room for. Away from a
    /// breath, a caution matters more than a cue: said whole when the
    /// step has room, the cues it covers left to the screen and chime.
    fn start_choice(&self, seg: &Segment, intros: &[(String, bool)]) -> Option<usize> {
        if seg.breath.is_none()
            && let Some((t, true)) = intros.first()
            && self.fits(t, seg.length)
        {
            return Some(0);
        }
        let room = Self::start_room(seg);
        intros.iter().position(|(t, _)| self.fits(t, room))
    }

    fn get_ready(&mut self, i: usize, seg: &Segment, step: &StepWords) {
        let (moment, lead, role) = if seg.is_switch_pause() {
            let side = seg.side.unwrap_or(Side::Right);
            (
                Moment::SideSwitch {
                    step: seg.step,
                    side,
                },
                switch_words(side),
                Role::Switch,
            )
        } else {
            (
                Moment::GetReady { step: seg.step },
                match &step.ready {
                    Some(ready) => spoken(ready),
                    None => spoken(&format!(
                        "{}: {}",
                        lead_word(seg.step),
                        sentence(step.title.trim().to_owned())
                    )),
                },
                Role::GetReady,
            )
        };
        // A get-ready that only names the step says the step's words in
        // its place, never the title twice.
        let join = |t: &str| match (&step.ready, seg.is_switch_pause()) {
            (None, false) => format!("{}: {t}", lead_word(seg.step)),
            _ => format!("{} {t}", sentence(lead.clone())),
        };
        let work = self
            .timeline
            .segments
            .get(i + 1)
            .filter(|n| n.kind == SegmentKind::Work && n.step == seg.step);
        let mut text = lead.clone();
        let mut roles = vec![role];
        // "Next: Box breathing." names the step: it is heard even when its
        // start has no room for more than the bell.
        if step.ready.is_none() && !seg.is_switch_pause() {
            roles.push(Role::Intro);
        }
        if let Some(work) = work {
            let intros = self.intros(work, step);
            // The richest words the step's start has room for; only when
            // richer ones fit here instead are they said ahead.
            let at_start = self.start_choice(work, &intros);
            let ahead = intros
                .iter()
                .take(at_start.unwrap_or(intros.len()))
                .map(|(t, caution)| (join(t), t, *caution))
                .find(|(t, _, _)| self.fits(t, seg.length));
            if let Some((joined, said, caution)) = ahead {
                text = joined;
                if !roles.contains(&Role::Intro) {
                    roles.push(Role::Intro);
                }
                if caution {
                    roles.push(Role::Caution);
                }
                self.ahead = Some((i + 1, Some(said.clone()), caution));
            }
        }
        // Slow speech in a short pause: the title alone, so it ends before
        // the step begins.
        // Slow speech in a short pause: shorter words, or none (the step's
        // start says them), so nothing runs into the step.
        let said_ahead = self.ahead.as_ref().is_some_and(|(at, _, _)| *at == i + 1);
        let plain_lead = step.ready.is_none() || seg.is_switch_pause();
        if !said_ahead && plain_lead && !self.fits(&text, seg.length) {
            text = if seg.is_switch_pause() {
                spoken(&format!("{} side.", seg.side.unwrap_or(Side::Right).word()))
            } else {
                spoken(&sentence(step.title.trim().to_owned()))
            };
            text = capitalised(&text);
            if !self.fits(&text, seg.length) {
                return;
            }
        }
        self.push(seg.start, moment, text, roles, seg.step);
    }

    fn work(&mut self, i: usize, seg: &Segment, step: &StepWords) {
        let moment = match (seg.is_side_switch(), seg.side) {
            (true, Some(side)) => Moment::SideSwitch {
                step: seg.step,
                side,
            },
            _ => Moment::StepStart {
                step: seg.step,
                side: seg.side,
            },
        };
        let intros = self.intros(seg, step);
        let wants_caution = intros.first().is_some_and(|(_, c)| *c);
        let ahead = self.ahead.take().filter(|(at, _, _)| *at == i);
        let said_ahead = ahead.is_some();
        let (start, caution_said) = match ahead {
            Some((_, _, caution)) => (None, caution),
            None => {
                match self.start_choice(seg, &intros).and_then(|k| intros.get(k)) {
                    Some((t, c)) => (Some(t.clone()), *c),
                    // Over a breath pattern nothing may run into the first
                    // change; elsewhere the words are said regardless.
                    None if seg.breath.is_some() => (None, false),
                    None => (
                        intros.iter().find(|(_, c)| !c).map(|(t, _)| t.clone()),
                        false,
                    ),
                }
            }
        };
        let mut busy = seg.start;
        let mut roles = vec![if seg.is_side_switch() {
            Role::Switch
        } else {
            Role::Intro
        }];
        if caution_said && start.is_some() {
            roles.push(Role::Caution);
        }
        let start_said = start.is_some();
        if let Some(text) = start {
            busy = seg.start + SPEECH_DELAY + self.len(&text).unwrap_or_default();
            self.push(seg.start, moment, text, roles, seg.step);
        }
        let caution = step
            .caution
            .as_deref()
            .filter(|_| wants_caution && !caution_said)
            .map(spoken);
        let Some(pattern) = seg.breath.as_ref().filter(|b| !b.cycle_length().is_zero()) else {
            for (n, cue) in seg.cues.iter().enumerate() {
                if seg.start + cue.at < busy {
                    continue;
                }
                let moment = Moment::Cue {
                    step: seg.step,
                    side: seg.side,
                    index: n,
                };
                self.push(
                    seg.start + cue.at,
                    moment,
                    spoken(&cue.text),
                    vec![Role::Cue],
                    seg.step,
                );
            }
            return;
        };
        // Over a breath pattern: what could not be said at the start (the
        // step's words, shortened; the caution; a cue too long for its
        // phase) waits for the first phase with room for it.
        let mut waiting: Vec<(String, Role)> = Vec::new();
        if !start_said
            && !said_ahead
            && let Some((short, _)) = intros.last()
        {
            waiting.push((short.clone(), Role::Intro));
        }
        if let Some(c) = caution {
            // A caution too long for any breath is said clause by clause.
            let widest = slots(pattern, seg).iter().map(|s| s.room).max();
            if widest.is_some_and(|room| self.fits(&c, room)) {
                waiting.push((c, Role::Caution));
            } else {
                waiting.extend(clauses(&c).into_iter().map(|c| (c, Role::Caution)));
            }
        }
        let mut cues = seg.cues.iter().enumerate().peekable();
        for slot in slots(pattern, seg) {
            let free = slot.at >= busy;
            let breath = Moment::Breath {
                step: seg.step,
                side: seg.side,
                cycle: slot.cycle,
                phase: slot.phase,
            };
            // A cue comes with the start of its phase (the timeline put it
            // there); said then if there is room, else it waits.
            while let Some((n, cue)) = cues.next_if(|(_, c)| seg.start + c.at <= slot.at) {
                let text = spoken(&cue.text);
                if free && self.fits(&text, slot.room) && seg.start + cue.at == slot.at {
                    let moment = Moment::Cue {
                        step: seg.step,
                        side: seg.side,
                        index: n,
                    };
                    busy = slot.at + SPEECH_DELAY + self.len(&text).unwrap_or_default();
                    self.push(slot.at, moment, text, vec![Role::Cue], seg.step);
                } else {
                    waiting.push((text, Role::Cue));
                }
            }
            if slot.at < busy || slot.at == seg.start && start_said {
                continue;
            }
            if let Some(k) = waiting.iter().position(|(t, _)| self.fits(t, slot.room)) {
                let (text, role) = waiting.remove(k);
                busy = slot.at + SPEECH_DELAY + self.len(&text).unwrap_or_default();
                self.push(slot.at, breath, text, vec![role], seg.step);
                continue;
            }
            if self.options.breath_words {
                let text = spoken(&sentence(slot.words.to_owned()));
                if self.fits(&text, slot.room) {
                    busy = slot.at + SPEECH_DELAY + self.len(&text).unwrap_or_default();
                    self.push(slot.at, breath, text, vec![Role::Phase], seg.step);
                }
            }
        }
    }
}

/// Whether a step on the right side is the only side the step has (a
/// right-only step: its first side).
fn step_sides_once(timeline: &Timeline, seg: &Segment) -> bool {
    !timeline
        .segments
        .iter()
        .any(|s| s.step == seg.step && s.kind == SegmentKind::Work && s.side == Some(Side::Left))
}

/// Each phase start of `pattern` over `seg`, with its room.
fn slots(pattern: &BreathPattern, seg: &Segment) -> Vec<Slot> {
    let mut out = Vec::new();
    let mut offset = Duration::ZERO;
    let mut cycle = 1;
    while offset < seg.length {
        for (phase, p) in pattern.phases.iter().enumerate() {
            if offset >= seg.length {
                break;
            }
            let state = pattern.at(offset);
            out.push(Slot {
                at: seg.start + offset,
                room: p.length.min(seg.length - offset),
                cycle,
                phase,
                words: state.words,
            });
            offset += p.length;
        }
        cycle += 1;
    }
    out
}

/// `text` with a capital first letter.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// `text` cut at its sentences and semicolons, each a sentence of its own.
fn clauses(text: &str) -> Vec<String> {
    text.split_inclusive(['.', ';', ':', '!', '?'])
        .map(|c| c.trim().trim_end_matches([';', ':']).trim())
        .filter(|c| !c.is_empty())
        .map(|c| sentence(capitalised(c)))
        .collect()
}

/// "Switch to the right side."
fn switch_words(side: Side) -> String {
    format!("Switch to the {} side.", side.word())
}

/// "Shoulder rolls, left side. Sit tall and let your arms hang loosely."
fn start_words(step: &StepWords, side: Option<Side>) -> String {
    if let Some(Some(say)) = &step.say {
        return match (side, &step.say_right) {
            (Some(Side::Right), Some(right)) => right.clone(),
            _ => say.clone(),
        };
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

/// The step's words shortened: its title (and side), or its own `say`.
fn short_words(step: &StepWords, side: Option<Side>) -> String {
    if let Some(Some(_)) = &step.say {
        return start_words(step, side);
    }
    match side {
        Some(Side::Right) => "Right side.".to_owned(),
        Some(side) => format!("{}, {} side.", step.title.trim(), side.word()),
        None => sentence(step.title.trim().to_owned()),
    }
}

/// `text` as it is handed to the engine: safe, then natural to hear.
pub fn spoken(text: &str) -> String {
    sentences_capitalised(&speakable(&natural(&speakable(text))))
}

/// Each sentence begins with a capital ("4-7-8 breathing. In four" is
/// read "Four, seven, eight breathing. In four").
fn sentences_capitalised(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            start = false;
            continue;
        }
        if matches!(c, '.' | '!' | '?') {
            start = true;
        } else if !c.is_whitespace() {
            start = false;
        }
        out.push(c);
    }
    out
}

/// `s` with a full stop, unless it already ends a sentence.
fn sentence(mut s: String) -> String {
    if !s.is_empty() && !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
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

impl Moment {
    /// The breath phase a moment is, if it is one.
    pub fn is_breath(&self) -> bool {
        matches!(self, Moment::Breath { .. })
    }
}

#[cfg(test)]
mod tests;
