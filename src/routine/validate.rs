//! The checks serde cannot make: lengths, cues inside their step, breathing
//! steps with a pattern, sides where a body has two sides. Every problem is
//! collected, none stops the others from being found.

use std::ops::Range;
use std::path::PathBuf;
use std::time::Duration;

use toml::Spanned;

use super::duration::{Length, MAX_STEP, clock, words};
use super::lint::{self, StepSpans};
use super::model::{Area, Cue, Pressure, Routine, Say, Side, SideChoice, Sides, Step, StepKind};
use super::raw::{RawBreath, RawCustomBreath, RawHeader, RawSay, RawStep, StepsFound};
use super::sound_choice::SoundChoice;
use crate::breath::{BreathPattern, NAMED_PATTERNS};
use crate::diag::{Problem, did_you_mean};
use crate::sound::Builtin;
use crate::sound::file::{Refused, extensions};

/// Finds a sound file named by a routine (as written) and checks it: the
/// path to play, or why it cannot be used. Reading from disk resolves it
/// next to the routine file; built-ins and tests take it as written.
pub type SoundFiles<'a> = &'a dyn Fn(&str) -> Result<PathBuf, Refused>;

pub const MAX_STEPS: usize = 500;
const DEFAULT_TRANSITION: Duration = Duration::from_secs(5);
/// The pause between the sides of a two-sided step, unless the file says.
pub const DEFAULT_SWITCH: Duration = Duration::from_secs(5);
/// The longest get-ready pause of any kind.
const MAX_TRANSITION: Duration = Duration::from_secs(60);
/// The longest glance line, in characters.
pub const MAX_GLANCE_CHARS: usize = 60;
/// The longest any one breathing phase may be.
const MAX_PHASE: f64 = 60.0;
/// The shortest breathing phase that is not left out.
const MIN_PHASE: f64 = 0.5;

/// The routine, with its authoring warnings; or every problem in it.
pub fn routine(
    id: &str,
    header: RawHeader,
    steps: StepsFound,
    files: SoundFiles,
) -> Result<(Routine, Vec<Problem>), Vec<Problem>> {
    let mut problems = Vec::new();
    if header.name.get_ref().trim().is_empty() {
        problems.push(
            Problem::at(header.name.span(), "the routine's name is empty")
                .help("give it a name people will recognise in the list, like name = \"Evening neck release\""),
        );
    }
    let transition =
        pause(header.defaults.transition.as_ref(), &mut problems).unwrap_or(DEFAULT_TRANSITION);
    let switch = pause(header.defaults.switch.as_ref(), &mut problems).unwrap_or(DEFAULT_SWITCH);
    let pressure = header.defaults.pressure.unwrap_or(Pressure::Light);
    let sound = header
        .sound
        .as_ref()
        .and_then(|s| sound(s, files, &mut problems));

    let total = steps.steps.len() + steps.unreadable;
    if total == 0 && steps.unreadable == 0 {
        let (span, label) = match &steps.span {
            Some(span) => (span.clone(), "this list is empty"),
            None => (0..0, "no [[steps]] in this file"),
        };
        problems.push(
            Problem::at(span, "the routine has no steps")
                .label(label)
                .help("add at least one step:\n[[steps]]\nkind = \"warm-up\"\ntitle = \"Shoulder rolls\"\nduration = \"1m\""),
        );
    }
    if total > MAX_STEPS {
        let span = steps
            .steps
            .get(MAX_STEPS)
            .map(|(s, _)| s.clone())
            .or(steps.span.clone())
            .unwrap_or(0..0);
        problems.push(
            Problem::at(
                span,
                format!("a routine may have at most {MAX_STEPS} steps; this one has {total}"),
            )
            .label("step 501 starts here")
            .help("split it into several routines"),
        );
    }

    let mut out = Vec::with_capacity(steps.steps.len());
    let mut spans = Vec::with_capacity(steps.steps.len());
    for (span, raw) in steps.steps {
        let defaults = StepDefaults { pressure, switch };
        let at = StepSpans::of(&span, &raw);
        if let Some(step) = step(span, raw, defaults, files, &mut problems) {
            out.push(step);
            spans.push(at);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let routine = Routine {
        id: id.to_owned(),
        name: header.name.into_inner().trim().to_owned(),
        summary: header.summary.trim().to_owned(),
        tags: header.tags,
        tools: header.tools,
        prepare: header.prepare,
        safety: header.safety.trim().to_owned(),
        transition,
        steps: out,
        sound,
        breath_tones: header.breath_tones.map(Spanned::into_inner),
        voice: header.voice.is_none_or(Spanned::into_inner),
        run: Default::default(),
    };
    let warnings = lint::warnings(&routine, &spans);
    Ok((routine, warnings))
}

/// A get-ready pause as written: at most a minute, "0s" for none.
fn pause(t: Option<&Spanned<Length>>, problems: &mut Vec<Problem>) -> Option<Duration> {
    let t = t?;
    let value = t.get_ref().0;
    if value > MAX_TRANSITION {
        problems.push(
            Problem::at(
                t.span(),
                format!("a get-ready pause of {} is too long", words(value)),
            )
            .help("use at most \"60s\"; \"0s\" turns the pause off"),
        );
        return None;
    }
    Some(value)
}

/// What a step takes from the routine when it does not say.
#[derive(Clone, Copy)]
struct StepDefaults {
    pressure: Pressure,
    switch: Duration,
}

fn step(
    span: Range<usize>,
    raw: RawStep,
    defaults: StepDefaults,
    files: SoundFiles,
    problems: &mut Vec<Problem>,
) -> Option<Step> {
    let before = problems.len();
    let kind = *raw.kind.get_ref();
    if raw.title.get_ref().trim().is_empty() {
        problems.push(
            Problem::at(raw.title.span(), "the step's title is empty")
                .help("give it a few words, like title = \"Trapezius squeeze\""),
        );
    }
    let breath = raw.breath.as_ref().and_then(|b| breath(b, problems));
    let (duration, cycles) = if kind == StepKind::Breathing {
        breathing_length(&raw, breath.as_ref(), problems)
    } else {
        (massage_length(&span, &raw, problems), None)
    };
    let sides = sides(&raw, problems);
    let cues = cues(&raw, duration, problems);
    let sound = raw.sound.as_ref().and_then(|s| sound(s, files, problems));
    if let Some(tones) = &raw.breath_tones
        && *tones.get_ref()
        && raw.breath.is_none()
        && !raw.unreadable_key("breath")
    {
        problems.push(
            Problem::at(
                tones.span(),
                "breath tones need a breathing pattern on this step",
            )
            .help("add a pattern like breath = \"long-exhale\", or remove `breath_tones`"),
        );
    }
    let glance = raw.glance.as_ref().and_then(|g| glance(g, problems));
    let get_ready = pause(raw.get_ready.as_ref(), problems);
    let switch = pause(raw.switch.as_ref(), problems);
    if let Some(w) = &raw.switch
        && sides != Sides::Both
    {
        problems.push(
            Problem::at(
                w.span(),
                "`switch` is the pause between the two sides of a step; this step has only one",
            )
            .help("remove `switch`, or add sides = \"both\""),
        );
    }
    let say = raw.say.as_ref().and_then(|s| say(s, problems));
    if problems.len() > before {
        return None;
    }
    Some(Step {
        kind,
        title: raw.title.into_inner().trim().to_owned(),
        duration: duration?,
        area: raw.area.map(Spanned::into_inner),
        sides,
        pressure: raw.pressure.unwrap_or(defaults.pressure),
        glance,
        instructions: raw
            .instructions
            .map(Spanned::into_inner)
            .unwrap_or_default()
            .trim()
            .to_owned(),
        caution: raw
            .caution
            .map(|c| c.into_inner().trim().to_owned())
            .filter(|c| !c.is_empty()),
        cues,
        breath,
        cycles,
        sound,
        breath_tones: raw.breath_tones.map(Spanned::into_inner),
        position: raw.position.map(Spanned::into_inner),
        get_ready,
        switch: switch.unwrap_or(defaults.switch),
        say: say.unwrap_or_default(),
    })
}

fn glance(g: &Spanned<String>, problems: &mut Vec<Problem>) -> Option<String> {
    let text = g.get_ref().trim();
    let chars = text.chars().count();
    if text.is_empty() {
        problems.push(Problem::at(g.span(), "the glance line is empty").help(
            "name the action in a few words, like glance = \"Squeeze and release\", or remove it",
        ));
    } else if text.contains('\n') {
        problems.push(
            Problem::at(g.span(), "the glance line must be one line")
                .help("keep it to a few words on one line; the full text goes in `instructions`"),
        );
    } else if chars > MAX_GLANCE_CHARS {
        problems.push(
            Problem::at(
                g.span(),
                format!(
                    "the glance line is {chars} characters; it may have at most {MAX_GLANCE_CHARS}"
                ),
            )
            .help("name only the action, in 8 words at most; the details go in `instructions`"),
        );
    } else {
        return Some(text.to_owned());
    }
    None
}

fn say(s: &Spanned<RawSay>, problems: &mut Vec<Problem>) -> Option<Say> {
    match s.get_ref() {
        RawSay::Silent => Some(Say::Silent),
        RawSay::Text(t) if !t.trim().is_empty() => Some(Say::Text(t.trim().to_owned())),
        RawSay::Text(_) => {
            problems.push(
                Problem::at(s.span(), "`say` is empty")
                    .help("write the words to say, like say = \"Lie down on your back\", or say = false for silence"),
            );
            None
        }
        RawSay::True => {
            problems.push(
                Problem::at(s.span(), "`say` takes the words to say, or false")
                    .help("leave `say` out to hear the step's title and glance line; say = false for silence"),
            );
            None
        }
    }
}

/// `sound = "bell"`, `"none"`, or a file (checked by `files`).
fn sound(
    s: &Spanned<String>,
    files: SoundFiles,
    problems: &mut Vec<Problem>,
) -> Option<SoundChoice> {
    let text = s.get_ref().trim();
    let how = || {
        format!(
            "use a built-in sound ({}), \"none\" for silence, or the path of a sound file ({}) relative to the routine file",
            Builtin::names(),
            extensions()
        )
    };
    if text.is_empty() {
        problems.push(Problem::at(s.span(), "the sound is empty").help(how()));
        return None;
    }
    match SoundChoice::parse(text) {
        Some(SoundChoice::File(_)) => match files(text) {
            Ok(path) => Some(SoundChoice::File(path)),
            Err(refused) => {
                problems.push(Problem::at(s.span(), refused.message).help(refused.help));
                None
            }
        },
        Some(choice) => Some(choice),
        None => {
            let mut p = Problem::at(
                s.span(),
                format!("there is no built-in sound called \"{text}\""),
            );
            let names = Builtin::ALL.iter().map(|b| b.name()).chain(["none"]);
            if let Some(m) = did_you_mean(text, names) {
                p = p.label(format!("did you mean `{m}`?"));
            }
            problems.push(p.help(how()));
            None
        }
    }
}

fn massage_length(
    span: &Range<usize>,
    raw: &RawStep,
    problems: &mut Vec<Problem>,
) -> Option<Duration> {
    if let Some(cycles) = &raw.cycles {
        problems.push(
            Problem::at(
                cycles.span(),
                format!(
                    "only breathing steps take `cycles`; this is a {} step",
                    raw.kind.get_ref()
                ),
            )
            .help("give the step a duration instead, like duration = \"1m\""),
        );
    }
    match &raw.duration {
        Some(d) => checked_length(d, problems),
        None if raw.unreadable_key("duration") => None,
        None => {
            problems.push(
                Problem::at(
                    raw.kind.span().start.min(span.start)..raw.kind.span().end,
                    "the step has no duration",
                )
                .label("in this step")
                .help("add a line like duration = \"1m\" (or \"45s\", \"1m30s\", 90)"),
            );
            None
        }
    }
}

fn checked_length(d: &Spanned<Length>, problems: &mut Vec<Problem>) -> Option<Duration> {
    let value = d.get_ref().0;
    let problem = if value.is_zero() {
        Some((
            "a step cannot last zero seconds",
            "give it a length, like \"30s\"",
        ))
    } else if value < Duration::from_secs(1) {
        Some((
            "a step must last at least one second",
            "give it a length of a second or more",
        ))
    } else if value > MAX_STEP {
        Some((
            "a step may last at most two hours",
            "split it into shorter steps",
        ))
    } else {
        None
    };
    match problem {
        Some((what, how)) => {
            problems.push(Problem::at(d.span(), what).help(how));
            None
        }
        None => Some(value),
    }
}

/// A breathing step lasts a whole number of cycles. Given a `duration`, it
/// takes the nearest whole number of cycles (at least one), so a breath is
/// never cut in half; `knotless show` prints the length it really runs.
fn breathing_length(
    raw: &RawStep,
    breath: Option<&BreathPattern>,
    problems: &mut Vec<Problem>,
) -> (Option<Duration>, Option<u32>) {
    if raw.breath.is_none() && !raw.unreadable_key("breath") {
        problems.push(
            Problem::at(raw.kind.span(), "a breathing step needs a pattern")
                .label("this breathing step")
                .help(format!(
                    "add breath = \"box\" (or one of {}), or a custom pattern like breath = {{ in = 4, hold = 2, out = 6 }}",
                    NAMED_PATTERNS.join(", ")
                )),
        );
    }
    let cycles = match (&raw.cycles, &raw.duration) {
        (Some(c), Some(_)) => {
            problems.push(
                Problem::at(
                    c.span(),
                    "a breathing step takes `cycles` or `duration`, not both",
                )
                .help(
                    "keep one: cycles counts whole breaths, duration is rounded to whole breaths",
                ),
            );
            return (None, None);
        }
        (Some(c), None) if *c.get_ref() == 0 => {
            problems.push(
                Problem::at(c.span(), "a breathing step needs at least one cycle")
                    .help("use cycles = 1 or more"),
            );
            return (None, None);
        }
        (Some(c), None) => *c.get_ref(),
        (None, Some(d)) => match (checked_length(d, problems), breath) {
            (Some(len), Some(b)) => b.cycles_for(len),
            _ => return (None, None),
        },
        (None, None) if raw.unreadable_key("cycles") || raw.unreadable_key("duration") => {
            return (None, None);
        }
        (None, None) => {
            problems.push(
                Problem::at(
                    raw.kind.span(),
                    "a breathing step needs `cycles` or `duration`",
                )
                .label("this breathing step")
                .help("add cycles = 6 (whole breaths), or duration = \"2m\""),
            );
            return (None, None);
        }
    };
    let Some(pattern) = breath else {
        return (None, None);
    };
    let length = pattern.length_of(cycles);
    if length > MAX_STEP {
        let span = raw
            .cycles
            .as_ref()
            .map(Spanned::span)
            .unwrap_or(raw.kind.span());
        problems.push(
            Problem::at(
                span,
                format!(
                    "{cycles} cycles of this pattern last {}, over two hours",
                    clock(length)
                ),
            )
            .help("use fewer cycles, or split the step"),
        );
        return (None, None);
    }
    (Some(length), Some(cycles))
}

fn breath(b: &Spanned<RawBreath>, problems: &mut Vec<Problem>) -> Option<BreathPattern> {
    match b.get_ref() {
        RawBreath::Named(name) => {
            let pattern = BreathPattern::named(name);
            if pattern.is_none() {
                let mut p = Problem::at(
                    b.span(),
                    format!("there is no breathing pattern called \"{name}\""),
                );
                if let Some(m) = did_you_mean(name, NAMED_PATTERNS) {
                    p = p.label(format!("did you mean `{m}`?"));
                }
                problems.push(p.help(format!(
                    "use one of {}, or a custom pattern like {{ in = 4, hold = 2, out = 6 }}",
                    NAMED_PATTERNS.join(", ")
                )));
            }
            pattern
        }
        RawBreath::Custom(custom) => custom_breath(custom, problems),
    }
}

fn custom_breath(c: &RawCustomBreath, problems: &mut Vec<Problem>) -> Option<BreathPattern> {
    let before = problems.len();
    let mut phase = |value: Option<&Spanned<f64>>, name: &str, may_be_zero: bool| -> f64 {
        let Some(v) = value else { return 0.0 };
        let s = *v.get_ref();
        // A phase shorter than half a second cannot be followed, and would
        // wake the program hundreds of times a second.
        let too_short = s < MIN_PHASE && !(may_be_zero && s == 0.0);
        if !s.is_finite() || too_short || s > MAX_PHASE {
            let range = if may_be_zero {
                format!("0 (none), or from {MIN_PHASE} to {MAX_PHASE} seconds")
            } else {
                format!("from {MIN_PHASE} to {MAX_PHASE} seconds")
            };
            problems.push(
                Problem::at(v.span(), format!("`{name}` must be {range}"))
                    .help("phases are in seconds; fractions are fine, like 5.5"),
            );
        }
        s
    };
    let inhale = phase(Some(&c.inhale), "in", false);
    let hold = phase(c.hold.as_ref(), "hold", true);
    let exhale = phase(Some(&c.exhale), "out", false);
    let hold_out = phase(c.hold_out.as_ref(), "hold_out", true);
    (problems.len() == before).then(|| BreathPattern::custom(inhale, hold, exhale, hold_out))
}

fn sides(raw: &RawStep, problems: &mut Vec<Problem>) -> Sides {
    let Some(choice) = &raw.sides else {
        return Sides::None;
    };
    let kind = *raw.kind.get_ref();
    let area = raw.area.as_ref().map(|a| *a.get_ref());
    if matches!(kind, StepKind::Breathing | StepKind::Rest) {
        problems.push(
            Problem::at(choice.span(), format!("a {kind} step has no sides"))
                .help("remove `sides`; it is for massage and stretches done one side at a time"),
        );
    } else if area == Some(Area::WholeBody) {
        problems.push(
            Problem::at(choice.span(), "`sides` needs a part of the body that has two sides; whole-body does not")
                .help("remove `sides`, or name the area worked on one side at a time, like area = \"hips\""),
        );
    }
    match choice.get_ref() {
        SideChoice::Both => Sides::Both,
        SideChoice::Left => Sides::Only(Side::Left),
        SideChoice::Right => Sides::Only(Side::Right),
    }
}

fn cues(raw: &RawStep, length: Option<Duration>, problems: &mut Vec<Problem>) -> Vec<Cue> {
    let mut out = Vec::with_capacity(raw.cues.len());
    for cue in &raw.cues {
        let at = cue.at.get_ref().0;
        if cue.text.get_ref().trim().is_empty() {
            problems.push(
                Problem::at(cue.text.span(), "the cue's text is empty")
                    .help("say what to do now, like \"Now the other way\""),
            );
        }
        if let Some(length) = length
            && at >= length
        {
            let per_side = if raw.sides.is_some() {
                " (cues count from the start of each side)"
            } else {
                ""
            };
            problems.push(
                Problem::at(
                    cue.at.span(),
                    format!(
                        "this cue at {} is at or past the end of its step, which lasts {}",
                        clock(at),
                        clock(length)
                    ),
                )
                .help(format!(
                    "move it before {}{per_side}, or make the step longer",
                    clock(length)
                )),
            );
        }
        out.push(Cue {
            at,
            text: cue.text.get_ref().trim().to_owned(),
        });
    }
    out.sort_by_key(|c| c.at);
    out
}
