//! A routine composed for today from tagged steps: pure, no clock, no
//! files. The steps come from routine files (the built-ins, the shipped
//! step library, the user's own library files); each step is tagged by its
//! kind, area, sides and pressure, and by what its file says around it
//! (tools, how the body is placed).
//!
//! The rules, each a small function below:
//!
//! | rule | where |
//! |---|---|
//! | arc: warm-up, gliding, kneading/circles/pressure (pressure rising), tapping, stretch, breathing, rest | `phase`, `arc_key` |
//! | areas: the focus areas, plus whole-body (or no area) warm-up, breathing and rest; never an avoided area | `area_fits` |
//! | tools: a step needs a tool of its file when its text names it; hands and furniture are always at hand | `gear_needed`, `has_gear` |
//! | position: upright (chair, standing, wall), floor and bed steps never mix (a step without `position` is on the floor when it has you lying or on a roller); a change of position gets a 15 s get-ready | `posture_of`, `time_to_move` |
//! | no step twice (by title); each keeps its caution; the safety note names the risks of the steps chosen | `candidates`, `safety_for` |
//! | length: picked by priority while the written total stays under 1.2× the minutes, then fitted to within 15 s: 15 s a side at least, 2× at most (1.5× for warm-up, breathing, rest) | `pick`, `stretch`, `compose` |
//! | variety: the seed shuffles the order candidates are tried in; the same seed gives the same routine | `Rng` |

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use crate::fit::fit_to_within;
use crate::routine::{Area, Position, Pressure, Routine, Sides, Step, StepKind};
use crate::timeline::Timeline;

/// How close to the minutes asked a composed routine lands.
pub const TOLERANCE: Duration = Duration::from_secs(15);
/// The get-ready pause of a composed routine.
pub const TRANSITION: Duration = Duration::from_secs(5);
/// The pause between sides of a composed routine's one-sided steps (which
/// never use it): one value, so the file can say it once.
pub const SWITCH: Duration = Duration::from_secs(5);
/// The get-ready before a step in another position than the one before:
/// time to get down to the floor or over to the wall.
pub const MOVE: Duration = Duration::from_secs(15);
/// From this many minutes a routine closes with breathing before the rest.
const BREATHING_FROM_MINUTES: u32 = 6;

/// Where the body is, in the classes a composed routine never mixes:
/// no floor step in a chair routine, no wall step in bed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Posture {
    /// Sitting on a chair, standing, against a wall.
    Upright,
    /// On the floor.
    Floor,
    /// In bed.
    Bed,
}

impl Posture {
    /// `--position` words: chair, standing and wall are upright.
    pub fn from_position(word: &str) -> Option<Self> {
        let word = word.trim().to_ascii_lowercase();
        Position::ALL
            .iter()
            .find(|p| p.word() == word)
            .map(|&p| Self::of_position(p))
    }

    pub fn of_position(p: Position) -> Self {
        match p {
            Position::Chair | Position::Standing | Position::Wall => Posture::Upright,
            Position::Floor => Posture::Floor,
            Position::Bed => Posture::Bed,
        }
    }
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub minutes: u32,
    pub focus: Vec<Area>,
    /// Tools at hand besides hands and furniture, as the user words them
    /// ("ball", "foam roller").
    pub tools: Vec<String>,
    pub posture: Option<Posture>,
    pub avoid: Vec<Area>,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeError {
    Minutes(u32),
    NoFocus,
    /// A focus area is also avoided.
    FocusAvoided(Area),
    /// No step works these areas with these tools and position.
    NoSteps(Vec<Area>),
    /// Every suitable step, stretched as far as allowed, is too short.
    TooShort {
        longest: Duration,
    },
    /// The fewest steps that still keep the arc are too long.
    TooLong {
        shortest: Duration,
    },
}

impl fmt::Display for ComposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::routine::duration::words;
        match self {
            ComposeError::Minutes(n) => write!(
                f,
                "{n} minutes is not a length knotless composes: give {} to {} minutes",
                crate::fit::MINUTES.start(),
                crate::fit::MINUTES.end()
            ),
            ComposeError::NoFocus => {
                f.write_str("say which areas to work on, like --focus neck,shoulders")
            }
            ComposeError::FocusAvoided(a) => {
                write!(f, "{a} is both a focus and an area to avoid: choose one")
            }
            ComposeError::NoSteps(areas) => write!(
                f,
                "no steps work the {} with these tools and this position: try --tools ball,roller, another --position, or other areas",
                area_list(areas)
            ),
            ComposeError::TooShort { longest } => write!(
                f,
                "the steps that suit this request last {} at most: ask for fewer minutes, add areas, or add tools",
                words(*longest)
            ),
            ComposeError::TooLong { shortest } => write!(
                f,
                "the shortest routine for this request lasts {}: ask for more minutes",
                words(*shortest)
            ),
        }
    }
}

impl std::error::Error for ComposeError {}

/// Where in the arc a kind of step goes.
pub fn phase(kind: StepKind) -> u8 {
    match kind {
        StepKind::WarmUp => 0,
        StepKind::Gliding => 1,
        StepKind::Kneading | StepKind::Circles | StepKind::Pressure => 2,
        StepKind::Tapping => 3,
        StepKind::Stretch => 4,
        StepKind::Breathing => 5,
        StepKind::Rest => 6,
    }
}

/// The order steps run in: by phase, and in the middle by rising pressure.
pub fn arc_key(step: &Step) -> (u8, u8) {
    let pressure = match (phase(step.kind), step.pressure) {
        (2, Pressure::Light) => 0,
        (2, Pressure::Medium) => 1,
        (2, Pressure::Firm) => 2,
        _ => 0,
    };
    (phase(step.kind), pressure)
}

/// A step may be used for these focus areas, never for an avoided one.
pub fn area_fits(step: &Step, focus: &[Area], avoid: &[Area]) -> bool {
    let whole = matches!(step.area, None | Some(Area::WholeBody));
    let frame = matches!(
        step.kind,
        StepKind::WarmUp | StepKind::Breathing | StepKind::Rest
    );
    let avoided = step.area.is_some_and(|a| avoid.contains(&a));
    !avoided && (step.area.is_some_and(|a| focus.contains(&a)) || (whole && frame))
}

/// Hands, furniture and optional things are always at hand.
fn always_at_hand(tool: &str) -> bool {
    const FURNITURE: [&str; 10] = [
        "hands", "hand", "chair", "seat", "mat", "rug", "cushion", "wall", "bed", "stool",
    ];
    let t = tool.to_lowercase();
    t.contains("(optional)")
        || t.split(|c: char| !c.is_alphanumeric())
            .any(|w| FURNITURE.contains(&w))
}

/// The tools of `file` that `step` needs: those its title or instructions
/// name ("tennis ball" is named by "ball").
pub fn gear_needed(step: &Step, file_tools: &[String]) -> Vec<String> {
    let text = format!("{} {}", step.title, step.instructions).to_lowercase();
    let words: HashSet<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
    file_tools
        .iter()
        .filter(|t| !always_at_hand(t))
        .filter(|t| {
            t.to_lowercase()
                .split(" or ")
                .filter_map(|alt| alt.split_whitespace().last())
                .any(|key| words.contains(key))
        })
        .cloned()
        .collect()
}

/// The user has `gear` when one of their words is one of its names or part
/// of one ("ball" has "massage ball or tennis ball").
pub fn has_gear(gear: &str, user_tools: &[String]) -> bool {
    let gear = gear.to_lowercase();
    user_tools.iter().any(|u| {
        let u = u.trim().to_lowercase();
        !u.is_empty() && gear.split(" or ").any(|alt| alt.contains(&u))
    })
}

/// Where a step is done: its `position`; for a step that does not say,
/// on the floor when it has you lying down, on your back or on a foam
/// roller, else upright.
pub fn posture_of(step: &Step, gear: &[String]) -> Posture {
    if let Some(p) = step.position {
        return Posture::of_position(p);
    }
    let text = format!("{} {}", step.title, step.instructions).to_lowercase();
    let lying = text
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "lie" | "lying" | "lay"));
    let floor = lying
        || text.contains("on your back")
        || text.contains("sit on the floor")
        || gear.iter().any(|g| g.to_lowercase().contains("roller"));
    if floor {
        Posture::Floor
    } else {
        Posture::Upright
    }
}

/// One step that could be used, with its tags.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub step: Step,
    pub gear: Vec<String>,
    pub posture: Posture,
}

/// Every step of `files`, tagged; a title once per posture (the first
/// file wins), so no routine has a step twice.
pub fn candidates(files: &[Routine]) -> Vec<Candidate> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for file in files {
        for step in &file.steps {
            let title = step.title.trim().to_lowercase();
            // "4-7-8, once more" only makes sense where it was written.
            if title.contains("once more") || title.contains("again") {
                continue;
            }
            let gear = gear_needed(step, &file.tools);
            let posture = posture_of(step, &gear);
            if !seen.insert((title, posture)) {
                continue;
            }
            let mut step = step.clone();
            // The pause between sides is the step's own; a one-sided step
            // holds the composed routine's default, which it never uses.
            if step.sides != Sides::Both {
                step.switch = SWITCH;
            }
            out.push(Candidate {
                posture,
                step,
                gear,
            });
        }
    }
    out
}

/// A small, fixed pseudo-random generator (SplitMix64): the same seed gives
/// the same routine on every machine and every build.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Compose a routine for `request` from `pool` (see `candidates`).
pub fn compose(request: &Request, pool: &[Candidate]) -> Result<Routine, ComposeError> {
    if !crate::fit::MINUTES.contains(&request.minutes) {
        return Err(ComposeError::Minutes(request.minutes));
    }
    if request.focus.is_empty() {
        return Err(ComposeError::NoFocus);
    }
    if let Some(&a) = request.focus.iter().find(|a| request.avoid.contains(a)) {
        return Err(ComposeError::FocusAvoided(a));
    }
    let usable: Vec<&Candidate> = pool
        .iter()
        .filter(|c| area_fits(&c.step, &request.focus, &request.avoid))
        .filter(|c| c.gear.iter().all(|g| has_gear(g, &request.tools)))
        .collect();
    let posture = request
        .posture
        .unwrap_or_else(|| likelier_posture(&usable, &request.focus));
    let mut usable: Vec<&Candidate> = usable
        .into_iter()
        .filter(|c| c.posture == posture)
        .collect();
    if !usable.iter().any(|c| is_focus_work(c, &request.focus)) {
        return Err(ComposeError::NoSteps(request.focus.clone()));
    }
    Rng(request.seed).shuffle(&mut usable);
    let (picks, essential) = pick(&usable, request);
    let target = Duration::from_secs(u64::from(request.minutes) * 60);
    // Drop the least important picks until the rest fit; the essential
    // ones (a warm-up and a step per focus area) are always kept.
    let essential = essential.clamp(1, picks.len());
    for keep in (essential..=picks.len()).rev() {
        let chosen = &picks[..keep];
        let written = routine_for(chosen, request, posture);
        let fitted = fit_to_within(&written, target, &stretch);
        let total = Timeline::new(&fitted).total;
        if total.abs_diff(target) <= TOLERANCE {
            return Ok(fitted);
        }
        if total < target {
            return Err(ComposeError::TooShort { longest: total });
        }
        if keep == essential {
            return Err(ComposeError::TooLong { shortest: total });
        }
    }
    Err(ComposeError::NoSteps(request.focus.clone()))
}

/// How far fitting may stretch a step of a composed routine: too few
/// steps would otherwise be drawn out into long, empty minutes, and the
/// quiet steps that frame it (warm-up, breathing, rest) least of all.
pub fn stretch(step: &Step) -> f64 {
    match step.kind {
        StepKind::WarmUp | StepKind::Breathing | StepKind::Rest => 1.5,
        _ => 2.0,
    }
}

fn is_focus_work(c: &Candidate, focus: &[Area]) -> bool {
    (1..=4).contains(&phase(c.step.kind)) && c.step.area.is_some_and(|a| focus.contains(&a))
}

/// Without `--position`: the posture with the most steps for the focus
/// areas, upright on a tie.
fn likelier_posture(usable: &[&Candidate], focus: &[Area]) -> Posture {
    let count = |p: Posture| {
        usable
            .iter()
            .filter(|c| c.posture == p && is_focus_work(c, focus))
            .count()
    };
    [Posture::Upright, Posture::Floor, Posture::Bed]
        .into_iter()
        .rev()
        .max_by_key(|&p| count(p))
        .unwrap_or(Posture::Upright)
}

/// The steps to use, most important first: a warm-up, one step of the
/// middle of the arc per focus area, the rest and (from six minutes) the
/// breathing that close it, a stretch per focus area, then more middle
/// steps area by area, while their written lengths stay near the minutes
/// (fitting stretches or shortens them afterwards). Also says how many of
/// the first picks are essential.
fn pick<'a>(usable: &[&'a Candidate], request: &Request) -> (Vec<&'a Candidate>, usize) {
    let target = Duration::from_secs(u64::from(request.minutes) * 60);
    let mut chosen: Vec<&Candidate> = Vec::new();
    let mut used = vec![false; usable.len()];
    let mut take = |pred: &dyn Fn(&Candidate) -> bool, chosen: &mut Vec<&'a Candidate>| {
        if let Some(i) = (0..usable.len()).find(|&i| !used[i] && pred(usable[i])) {
            used[i] = true;
            chosen.push(usable[i]);
            true
        } else {
            false
        }
    };
    let in_focus = |c: &Candidate, a: Area| c.step.area == Some(a);
    let focus_first = |c: &Candidate| c.step.area.is_some_and(|a| request.focus.contains(&a));
    if !take(
        &|c| c.step.kind == StepKind::WarmUp && focus_first(c),
        &mut chosen,
    ) {
        take(&|c| c.step.kind == StepKind::WarmUp, &mut chosen);
    }
    for &a in &request.focus {
        if !take(&|c| phase(c.step.kind) == 2 && in_focus(c, a), &mut chosen) {
            take(&|c| is_focus_work(c, &[a]), &mut chosen);
        }
    }
    let essential = chosen.len();
    take(&|c| c.step.kind == StepKind::Rest, &mut chosen);
    if request.minutes >= BREATHING_FROM_MINUTES {
        take(&|c| c.step.kind == StepKind::Breathing, &mut chosen);
    }
    for &a in &request.focus {
        take(
            &|c| c.step.kind == StepKind::Stretch && in_focus(c, a),
            &mut chosen,
        );
    }
    // More of the middle, area by area, while the written total is short of
    // the minutes; each pick must leave it under a fifth over.
    let written = |chosen: &[&Candidate]| -> Duration {
        chosen
            .iter()
            .map(|c| c.step.total() + TRANSITION)
            .sum::<Duration>()
    };
    let mut progress = true;
    while progress && written(&chosen) < target {
        progress = false;
        for &a in &request.focus {
            if written(&chosen) >= target {
                break;
            }
            let room = (target + target / 5).saturating_sub(written(&chosen));
            progress |= take(
                &|c| is_focus_work(c, &[a]) && c.step.total() + TRANSITION <= room,
                &mut chosen,
            );
        }
    }
    (chosen, essential)
}

/// The routine of `picks`, in arc order, at their written lengths.
fn routine_for(picks: &[&Candidate], request: &Request, posture: Posture) -> Routine {
    let mut ordered: Vec<(usize, &&Candidate)> = picks.iter().enumerate().collect();
    let area_rank = |c: &Candidate| {
        c.step
            .area
            .and_then(|a| request.focus.iter().position(|f| *f == a))
            .unwrap_or(usize::MAX)
    };
    // Within a place in the arc, steps done in one position come together.
    let place = |c: &Candidate| c.step.position.map_or(0, |p| p as u8 + 1);
    ordered.sort_by_key(|(i, c)| (arc_key(&c.step), place(c), area_rank(c), *i));
    let mut tools = vec!["hands".to_owned()];
    for (_, c) in &ordered {
        for g in &c.gear {
            if !tools.contains(g) {
                tools.push(g.clone());
            }
        }
    }
    let mut steps: Vec<Step> = ordered.iter().map(|(_, c)| c.step.clone()).collect();
    time_to_move(&mut steps);
    let safety = safety_for(&steps, tools.len() > 1);
    let areas = area_list(&request.focus);
    let mut prepare = vec![
        match posture {
            Posture::Upright => {
                "Sit on a firm chair with your feet flat, a clear patch of wall nearby"
            }
            Posture::Floor => "Lay a mat or rug on the floor, with room to lie down",
            Posture::Bed => "Sit up in bed, ready to lie down for the end",
        }
        .to_owned(),
    ];
    for g in tools.iter().skip(1) {
        prepare.push(format!("Keep the {g} within reach"));
    }
    let mut tags = vec!["composed".to_owned()];
    tags.extend(request.focus.iter().map(|a| a.word().to_owned()));
    Routine {
        id: "composed".to_owned(),
        name: format!("Today: {areas}"),
        summary: format!(
            "{} minutes for the {areas}, composed for today (seed {}).",
            request.minutes, request.seed
        ),
        tags,
        tools,
        prepare,
        safety,
        transition: TRANSITION,
        steps,
        sound: None,
        breath_tones: None,
        voice: true,
        end: Default::default(),
        run: Default::default(),
    }
}

/// A step in another position than the step before it gets a get-ready
/// long enough to move (`MOVE`), as `knotless check` asks.
fn time_to_move(steps: &mut [Step]) {
    let mut last = None;
    for step in steps {
        if let Some(p) = step.position {
            if last.is_some_and(|l| l != p) {
                step.get_ready = Some(step.get_ready.unwrap_or(TRANSITION).max(MOVE));
            }
            last = Some(p);
        }
    }
}

/// The safety note of a composed routine: the general rule, then a
/// sentence for each kind of risk its steps carry (each step keeps its own
/// caution too).
pub fn safety_for(steps: &[Step], with_tools: bool) -> String {
    let mut out = vec![
        "Skip any area that is injured, inflamed, numb or bruised, and stop if pain sharpens.",
    ];
    let has = |a: Area| steps.iter().any(|s| s.area == Some(a));
    if has(Area::Neck) || has(Area::Shoulders) {
        out.push(
            "On the neck, work only the muscles at the back and sides; never press on the front or sides of the throat, where the carotid arteries run.",
        );
    }
    if with_tools || steps.iter().any(|s| s.pressure == Pressure::Firm) {
        out.push(
            "Keep firm pressure, balls and rollers off the spine and the bony points of joints.",
        );
    }
    if steps.iter().any(|s| s.kind == StepKind::Breathing) {
        out.push(
            "If the breathing makes you light-headed, let the pattern go and breathe normally.",
        );
    }
    out.push(
        "See a clinician first for acute or worsening pain, numbness or tingling, or after an injury or surgery.",
    );
    out.join(" ")
}

/// "neck", "neck and shoulders", "neck, shoulders and jaw".
fn area_list(areas: &[Area]) -> String {
    let words: Vec<&str> = areas.iter().map(|a| a.word()).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The step library shipped inside the binary (`assets/steps.toml`).
pub const STEP_LIBRARY: &str = include_str!("../assets/steps.toml");

/// The files shipped with the program that steps are drawn from: the
/// built-in routines, then the step library. Embedded, so they parse (a
/// test holds them to it); one that did not would be left out, logged.
pub fn shipped_files() -> Vec<Routine> {
    let library = ("steps", STEP_LIBRARY);
    crate::routine::builtin::BUILTINS
        .iter()
        .chain(std::iter::once(&library))
        .filter_map(|(id, text)| {
            crate::routine::parse::parse_routine(id, id, text)
                .map_err(|e| tracing::warn!(file = id, "step library file left out: {e}"))
                .ok()
        })
        .collect()
}

/// The seed when none is given: the date as a number (20261201), so each
/// day brings a fresh routine and the same day the same one.
pub fn seed_for(date: jiff::civil::Date) -> u64 {
    let n = i64::from(date.year()) * 10_000 + i64::from(date.month()) * 100 + i64::from(date.day());
    n.unsigned_abs()
}

pub mod files;
#[cfg(test)]
mod tests;
