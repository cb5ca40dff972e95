//! A routine composed for today from tagged steps: pure, no clock, no
//! files. The steps come from routine files (the built-ins, the shipped
//! step library, the user's own library files); each step is tagged by its
//! kind, area, sides, pressure, level and family, and by what its file
//! says around it (tools, how the body is placed).
//!
//! It is planned the way a therapist plans a session:
//!
//! | rule | where |
//! |---|---|
//! | positions come in blocks, standing, wall, chair, floor, bed in that order; at most one change of position per ten minutes, more only when an asked area needs it; `standing` means standing and wall | `allowed`, `blocks` |
//! | each block opens with a warm-up (a warm-up written without a position goes in any block); breathing and rest close the last | `pick` |
//! | within a block: the arc (warm-up, gliding, kneading/circles/pressure with pressure rising, tapping, stretch, breathing, rest), then areas top-down and from the centre outward | `phase`, `arc_key`, `area_rank` |
//! | a family of steps (variants of one move) is used once; one tapping step per area; no more than `PER_AREA` steps for an area | `Picks::allows` |
//! | areas: the focus (whole-body stands for the main areas), plus whole-body or area-less warm-up, breathing and rest; never an avoided area | `area_fits`, `expand` |
//! | tools: a step needs a tool of its file when its text names it; a tool no step uses is refused with the list | `gear_needed`, `has_gear`, `tool_words` |
//! | level and `[body]`: `--level` is a ceiling; a condition in `[body]` leaves out every step it makes unsuitable and takes gentle ones first | `level_of`, `unsuitable` |
//! | a focus area no step serves here is named in the summary, never dropped in silence | `compose` |
//! | get-ready: only a change of position gets one long enough to move | `time_to_move` |
//! | safety: the general page, then the risk line of each kind of risk its steps carry | `risks_of`, `safety_for` |
//! | length: picked by priority while the written total stays under 1.2× the minutes, then fitted to within 15 s: 15 s a side at least, 2× at most (1.5× for warm-up, breathing, rest), tapping and stretches a minute a side at most | `pick`, `stretch`, `compose` |
//! | variety: the seed shuffles the order candidates are tried in; the same seed gives the same routine | `Rng` |

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use crate::body::{Body, Condition};
use crate::fit::fit_to_within;
use crate::routine::{Area, Level, Position, Pressure, Routine, Sides, Step, StepKind};
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
/// One change of position is allowed per this many minutes.
pub const MINUTES_PER_CHANGE: u32 = 10;
/// The most work steps for one area when several are asked: more reads
/// as a list, not a plan. A wish for one or two areas may have more
/// (`per_area`).
pub const PER_AREA: usize = 4;

/// The most work steps for one area of `areas`.
pub fn per_area(areas: usize) -> usize {
    PER_AREA.max(12 / areas.max(1))
}

/// The order blocks come in: on your feet first, lying down last.
pub const BLOCK_ORDER: [Position; 5] = [
    Position::Standing,
    Position::Wall,
    Position::Chair,
    Position::Floor,
    Position::Bed,
];

/// The positions a wish allows, in block order: `standing` and `wall` go
/// together; a chair, the floor and bed each alone; with none asked, any
/// but bed (which is asked for, never chosen).
pub fn allowed(position: Option<Position>) -> Vec<Position> {
    match position {
        None => vec![
            Position::Standing,
            Position::Wall,
            Position::Chair,
            Position::Floor,
        ],
        Some(Position::Standing | Position::Wall) => vec![Position::Standing, Position::Wall],
        Some(p) => vec![p],
    }
}

fn block_rank(p: Position) -> usize {
    BLOCK_ORDER.iter().position(|b| *b == p).unwrap_or(0)
}

/// `--position` words.
pub fn parse_position(word: &str) -> Option<Position> {
    let word = word.trim().to_ascii_lowercase();
    Position::ALL.iter().copied().find(|p| p.word() == word)
}

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub minutes: u32,
    pub focus: Vec<Area>,
    /// Tools at hand besides hands and furniture, as the user words them
    /// ("ball", "foam roller").
    pub tools: Vec<String>,
    pub position: Option<Position>,
    pub avoid: Vec<Area>,
    /// The deepest work wanted (`--level`); standard when not said.
    pub level: Option<Level>,
    /// `[body]` from the settings.
    pub body: Body,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeError {
    Minutes(u32),
    NoFocus,
    /// A focus area is also avoided.
    FocusAvoided(Area),
    /// A tool no step uses, with the ones that are.
    UnknownTool {
        word: String,
        known: Vec<String>,
    },
    /// No step serves any focus area: why, area by area.
    NoSteps(Vec<String>),
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
            ComposeError::UnknownTool { word, known } => write!(
                f,
                "no step uses a `{word}`: the tools steps use are {} (hands and furniture are always at hand)",
                known.join(", ")
            ),
            ComposeError::NoSteps(why) => write!(
                f,
                "{}: try other tools (--tools ball,roller), another --position, or other areas",
                why.join("; ")
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

/// The order steps run in within a block: by phase, and in the middle by
/// rising pressure.
pub fn arc_key(step: &Step) -> (u8, u8) {
    let pressure = match (phase(step.kind), step.pressure) {
        (2, Pressure::Light) => 0,
        (2, Pressure::Medium) => 1,
        (2, Pressure::Firm) => 2,
        _ => 0,
    };
    (phase(step.kind), pressure)
}

/// Top down, and from the trunk out to the hands and feet.
pub fn area_rank(area: Option<Area>) -> u8 {
    match area {
        None | Some(Area::WholeBody) => 0,
        Some(Area::Scalp) => 1,
        Some(Area::Face) => 2,
        Some(Area::Jaw) => 3,
        Some(Area::Neck) => 4,
        Some(Area::Shoulders) => 5,
        Some(Area::UpperBack) => 6,
        Some(Area::Chest) => 7,
        Some(Area::Arms) => 8,
        Some(Area::Hands) => 9,
        Some(Area::Abdomen) => 10,
        Some(Area::LowerBack) => 11,
        Some(Area::Hips) => 12,
        Some(Area::Legs) => 13,
        Some(Area::Feet) => 14,
    }
}

/// The areas `whole-body` stands for as a focus.
const WHOLE_BODY: [Area; 9] = [
    Area::Neck,
    Area::Shoulders,
    Area::UpperBack,
    Area::LowerBack,
    Area::Arms,
    Area::Hands,
    Area::Hips,
    Area::Legs,
    Area::Feet,
];

/// The focus with `whole-body` opened into the main areas (less the
/// avoided ones); the areas the user named themselves come first.
pub fn expand(focus: &[Area], avoid: &[Area]) -> Vec<Area> {
    let mut out: Vec<Area> = focus
        .iter()
        .copied()
        .filter(|a| *a != Area::WholeBody)
        .collect();
    if focus.contains(&Area::WholeBody) {
        for a in WHOLE_BODY {
            if !out.contains(&a) && !avoid.contains(&a) {
                out.push(a);
            }
        }
    }
    out
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
    const FURNITURE: [&str; 13] = [
        "hands", "hand", "chair", "seat", "mat", "rug", "cushion", "wall", "bed", "stool", "table",
        "pillow", "pillows",
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

/// The tools the steps ask for, as a user would say them ("ball" for
/// "massage ball or tennis ball"), in order of first use.
pub fn tool_words(pool: &[Candidate]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for gear in pool.iter().flat_map(|c| &c.gear) {
        for alt in gear.to_lowercase().split(" or ") {
            if let Some(word) = alt.split_whitespace().last()
                && !words.iter().any(|w| w == word)
            {
                words.push(word.to_owned());
            }
        }
    }
    words
}

fn words_of(step: &Step) -> String {
    format!("{} {}", step.title, step.instructions).to_lowercase()
}

/// Where a step is done: its `position`; for a step that does not say,
/// on the floor when it has you lying down, on your back or on a foam
/// roller, else on a chair.
pub fn position_of(step: &Step, gear: &[String]) -> Position {
    if let Some(p) = step.position {
        return p;
    }
    let text = words_of(step);
    let lying = text
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "lie" | "lying" | "lay"));
    let floor = lying
        || text.contains("on your back")
        || text.contains("sit on the floor")
        || gear.iter().any(|g| g.to_lowercase().contains("roller"));
    if floor {
        Position::Floor
    } else {
        Position::Chair
    }
}

/// How deep a step goes: its `level`, and a light step that does not say
/// (other than tapping) counts as gentle.
pub fn level_of(step: &Step) -> Level {
    match step.level {
        Level::Standard if step.pressure == Pressure::Light && step.kind != StepKind::Tapping => {
            Level::Gentle
        }
        level => level,
    }
}

/// A kind of risk a step carries, each with one line of safety text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Risk {
    /// Work on the neck.
    Neck,
    /// Firm pressure, balls, rollers.
    Spine,
    /// Calf and thigh work.
    Clots,
    /// Twists, forward folds, rollers.
    Bones,
    /// Breath holds, lying flat or face down.
    Pregnancy,
    /// A breathing pattern.
    Breath,
}

impl Risk {
    /// The line a composed routine's safety note holds for this risk.
    pub fn line(self) -> &'static str {
        match self {
            Risk::Neck => {
                "On the neck, work only the muscles at the back; keep off the front and sides of the throat, where the carotid arteries run."
            }
            Risk::Spine => {
                "Keep firm pressure, balls and rollers off the spine and the bony points of joints."
            }
            Risk::Clots => {
                "Skip the leg work with a swollen, warm or painful calf or a known clot; sudden pain and swelling in one leg needs a doctor today."
            }
            Risk::Bones => {
                "With osteoporosis, leave out the twists, forward folds and rollers, or keep them small and gentle."
            }
            Risk::Pregnancy => {
                "If pregnant, skip breath holds, and after the first months lie on your side, not flat on your back or face down."
            }
            Risk::Breath => {
                "If the breathing makes you light-headed, let the pattern go and breathe normally."
            }
        }
    }
}

/// The risks a step carries, from its tags and words.
pub fn risks_of(step: &Step, gear: &[String]) -> Vec<Risk> {
    let text = words_of(step);
    let has = |w: &str| text.contains(w);
    let mut out = Vec::new();
    if step.area == Some(Area::Neck) {
        out.push(Risk::Neck);
    }
    let roller = gear.iter().any(|g| g.to_lowercase().contains("roller"));
    if step.pressure == Pressure::Firm || !gear.is_empty() {
        out.push(Risk::Spine);
    }
    let massage = !matches!(
        step.kind,
        StepKind::Stretch | StepKind::Breathing | StepKind::Rest | StepKind::WarmUp
    );
    if massage && (step.area == Some(Area::Legs) || has("calf") || has("thigh")) {
        out.push(Risk::Clots);
    }
    if roller || has("twist") || has("fold") || has("knee drop") {
        out.push(Risk::Bones);
    }
    let holds = step.breath.as_ref().is_some_and(|b| {
        b.phases.iter().any(|p| {
            matches!(
                p.kind,
                crate::breath::PhaseKind::Hold | crate::breath::PhaseKind::HoldOut
            )
        })
    });
    if holds || has("on your back") || has("face down") || has("lie flat") {
        out.push(Risk::Pregnancy);
    }
    if step.kind == StepKind::Breathing {
        out.push(Risk::Breath);
    }
    out
}

/// Why a step is unsuitable for one of the conditions in `[body]`, if it is.
pub fn unsuitable(c: &Candidate, body: Body) -> Option<Condition> {
    let step = &c.step;
    let deep = step.pressure == Pressure::Firm || step.level == Level::Deeper;
    let back = matches!(step.area, Some(Area::UpperBack | Area::LowerBack));
    body.conditions().into_iter().find(|cond| match cond {
        Condition::Osteoporosis => {
            deep || c.risks.contains(&Risk::Bones) || (step.kind == StepKind::Tapping && back)
        }
        Condition::Pregnant => {
            deep || c.risks.contains(&Risk::Pregnancy) || step.area == Some(Area::Abdomen)
        }
        Condition::BloodThinners => deep || step.kind == StepKind::Tapping || !c.gear.is_empty(),
    })
}

/// What `[body]` says about `routine`: the steps it makes unsuitable, by
/// condition, for the preflight to name first; `None` when there are none.
pub fn body_warning(routine: &Routine, body: Body) -> Option<String> {
    if !body.any() {
        return None;
    }
    let pool = candidates(std::slice::from_ref(routine));
    let mut out = Vec::new();
    for condition in body.conditions() {
        let mut titles: Vec<&str> = pool
            .iter()
            .filter(|c| unsuitable(c, body) == Some(condition))
            .map(|c| c.step.title.as_str())
            .collect();
        titles.dedup();
        if !titles.is_empty() {
            out.push(format!(
                "With {} (your settings), skip: {}.",
                condition.words(),
                titles.join(", ")
            ));
        }
    }
    (!out.is_empty()).then(|| out.join(" "))
}

/// One step that could be used, with its tags.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub step: Step,
    pub gear: Vec<String>,
    /// Where it is done; `None` for a warm-up written without a position,
    /// which opens a block anywhere.
    pub position: Option<Position>,
    /// Its family, or its title when it names none.
    pub family: String,
    pub risks: Vec<Risk>,
}

impl Candidate {
    fn fits_in(&self, p: Position) -> bool {
        self.position.is_none_or(|q| q == p)
    }
}

/// Every step of `files`, tagged; a title once per position (the first
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
            let portable = step.kind == StepKind::WarmUp && step.position.is_none();
            let position = (!portable).then(|| position_of(step, &gear));
            if !seen.insert((title.clone(), position)) {
                continue;
            }
            let mut step = step.clone();
            // The pause between sides is the step's own; a one-sided step
            // holds the composed routine's default, which it never uses.
            if step.sides != Sides::Both {
                step.switch = SWITCH;
            }
            // A routine's own get-ready ("time to lie down") belongs to
            // where it was written; a composed one adds its own.
            step.get_ready = None;
            let family = step.family.clone().unwrap_or(title);
            let risks = risks_of(&step, &gear);
            out.push(Candidate {
                position,
                step,
                gear,
                family,
                risks,
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

fn is_work(c: &Candidate) -> bool {
    (1..=4).contains(&phase(c.step.kind))
}

fn works_on(c: &Candidate, a: Area) -> bool {
    is_work(c) && c.step.area == Some(a)
}

/// One block of a composed routine: a position and the focus areas it was
/// chosen for.
#[derive(Debug, Clone)]
struct Block {
    position: Position,
    areas: Vec<Area>,
}

/// The blocks for `focus` from `usable`: the position serving the most
/// areas still unserved first, while changes stay within one per
/// `MINUTES_PER_CHANGE` minutes, and past that only for an area the user
/// named that no block serves yet. Returned in block order, with the named
/// areas no block serves.
fn blocks(usable: &[&Candidate], req: &Request, focus: &[Area]) -> (Vec<Block>, Vec<Area>) {
    let most = 1 + (req.minutes / MINUTES_PER_CHANGE) as usize;
    let named: Vec<Area> = expand(&req.focus, &[])
        .into_iter()
        .filter(|a| req.focus.contains(a))
        .collect();
    let serves = |p: Position, a: Area| usable.iter().any(|c| c.fits_in(p) && works_on(c, a));
    let mut left: Vec<Area> = focus.to_vec();
    let mut out: Vec<Block> = Vec::new();
    loop {
        let over = out.len() >= most;
        let best = allowed(req.position)
            .into_iter()
            .filter(|p| !out.iter().any(|b| b.position == *p))
            .map(|p| {
                let areas: Vec<Area> = left.iter().copied().filter(|&a| serves(p, a)).collect();
                let counted = areas.iter().filter(|a| !over || named.contains(a)).count();
                let steps = usable
                    .iter()
                    .filter(|c| c.fits_in(p) && c.step.area.is_some_and(|a| areas.contains(&a)))
                    .count();
                (counted, steps, std::cmp::Reverse(block_rank(p)), p, areas)
            })
            .filter(|(counted, ..)| *counted > 0)
            .max_by_key(|(counted, steps, rank, ..)| (*counted, *steps, *rank));
        let Some((_, _, _, position, areas)) = best else {
            break;
        };
        left.retain(|a| !areas.contains(a));
        out.push(Block { position, areas });
    }
    // The position asked for is used whenever it serves an area, even when
    // another covered them all (a wish for the wall, with a ball, wants the
    // wall), as long as changes stay within the limit.
    if let Some(p) = req.position
        && out.len() < most
        && !out.iter().any(|b| b.position == p)
    {
        let areas: Vec<Area> = focus.iter().copied().filter(|&a| serves(p, a)).collect();
        if !areas.is_empty() {
            out.push(Block { position: p, areas });
        }
    }
    out.sort_by_key(|b| block_rank(b.position));
    left.retain(|a| named.contains(a));
    (out, left)
}

/// What has been picked so far, and what a further pick may not repeat.
struct Picks<'a> {
    chosen: Vec<(usize, &'a Candidate)>,
    /// `per_area` for this wish.
    most: usize,
    /// Which of the usable steps are taken, by index.
    used: Vec<bool>,
    families: HashSet<String>,
    tapping: HashSet<Option<Area>>,
}

impl<'a> Picks<'a> {
    /// A family once, one tapping step per area, at most `most` work
    /// steps for an area.
    fn allows(&self, c: &Candidate) -> bool {
        let per_area = self
            .chosen
            .iter()
            .filter(|(_, p)| is_work(p) && p.step.area == c.step.area)
            .count();
        let family_used = self.families.contains(&c.family);
        let tapped = c.step.kind == StepKind::Tapping && self.tapping.contains(&c.step.area);
        let full = is_work(c) && per_area >= self.most;
        !(family_used || tapped || full)
    }

    fn add(&mut self, block: usize, c: &'a Candidate) {
        self.families.insert(c.family.clone());
        if c.step.kind == StepKind::Tapping {
            self.tapping.insert(c.step.area);
        }
        self.chosen.push((block, c));
    }

    fn written(&self) -> Duration {
        self.chosen
            .iter()
            .map(|(_, c)| c.step.total() + TRANSITION)
            .sum()
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
    let known = tool_words(pool);
    if let Some(word) = request.tools.iter().find(|t| {
        let t = t.trim().to_lowercase();
        !t.is_empty()
            && !always_at_hand(&t)
            && !known
                .iter()
                .any(|k| k.contains(&t) || t.contains(k.as_str()))
    }) {
        return Err(ComposeError::UnknownTool {
            word: word.trim().to_owned(),
            known,
        });
    }
    let focus = expand(&request.focus, &request.avoid);
    let ceiling = request.level.unwrap_or(Level::Standard);
    let places = allowed(request.position);
    let mut usable: Vec<&Candidate> = pool
        .iter()
        .filter(|c| c.position.is_none_or(|p| places.contains(&p)))
        .filter(|c| {
            area_fits(&c.step, &focus, &request.avoid)
                || c.step.area == Some(Area::WholeBody)
                    && request.focus.contains(&Area::WholeBody)
                    && !request.avoid.contains(&Area::WholeBody)
        })
        .filter(|c| c.gear.iter().all(|g| has_gear(g, &request.tools)))
        .filter(|c| level_of(&c.step).depth() <= ceiling.depth())
        .filter(|c| unsuitable(c, request.body).is_none())
        .collect();
    Rng(request.seed).shuffle(&mut usable);
    // Gentle variants first for a body that asks for care; the deepest
    // first when asked for deeper work.
    if request.body.any() {
        usable.sort_by_key(|c| level_of(&c.step).depth());
    } else if ceiling == Level::Deeper {
        usable.sort_by_key(|c| std::cmp::Reverse(level_of(&c.step).depth()));
    }
    let (blocks, unserved) = blocks(&usable, request, &focus);
    let where_ = |a: Area| match request.position {
        Some(p) => format!("no {} steps for {a}", p.word()),
        None => format!("no steps for {a}"),
    };
    let mut why: Vec<String> = unserved.iter().map(|&a| where_(a)).collect();
    if blocks.is_empty() {
        if why.is_empty() {
            why = focus.iter().map(|&a| where_(a)).collect();
        }
        let suffix = if request.tools.is_empty() {
            " with hands alone"
        } else {
            " with these tools"
        };
        if let Some(last) = why.last_mut() {
            last.push_str(suffix);
        }
        return Err(ComposeError::NoSteps(why));
    }
    let mut blocks = blocks;
    loop {
        match attempt(&usable, request, &blocks, &why) {
            // Too few steps in these positions: another position, while
            // changes stay within the limit, brings more.
            Err(ComposeError::TooShort { .. })
                if let Some(more) = extra_block(&usable, request, &focus, &blocks) =>
            {
                blocks.push(more);
                blocks.sort_by_key(|b| block_rank(b.position));
            }
            other => return other,
        }
    }
}

/// One more block for a wish too short in `blocks`: the unused allowed
/// position serving the most focus areas, while changes stay within one
/// per `MINUTES_PER_CHANGE` minutes.
fn extra_block(
    usable: &[&Candidate],
    req: &Request,
    focus: &[Area],
    blocks: &[Block],
) -> Option<Block> {
    if blocks.len() > (req.minutes / MINUTES_PER_CHANGE) as usize {
        return None;
    }
    allowed(req.position)
        .into_iter()
        .filter(|p| !blocks.iter().any(|b| b.position == *p))
        .map(|p| {
            let areas: Vec<Area> = focus
                .iter()
                .copied()
                .filter(|&a| usable.iter().any(|c| c.fits_in(p) && works_on(c, a)))
                .collect();
            Block { position: p, areas }
        })
        .filter(|b| !b.areas.is_empty())
        .max_by_key(|b| (b.areas.len(), std::cmp::Reverse(block_rank(b.position))))
}

/// The routine for these blocks: the picks, less the fewest unimportant
/// ones it takes to land within `TOLERANCE` of the minutes.
fn attempt(
    usable: &[&Candidate],
    request: &Request,
    blocks: &[Block],
    why: &[String],
) -> Result<Routine, ComposeError> {
    let (picks, essential) = pick(usable, request, blocks);
    let target = Duration::from_secs(u64::from(request.minutes) * 60);
    let essential = essential.clamp(1, picks.len());
    let build = |chosen: &[(usize, &Candidate)]| {
        let written = routine_for(chosen, request, blocks, why);
        let fitted = fit_to_within(&written, target, &stretch);
        let total = Timeline::new(&fitted).total;
        (fitted, total)
    };
    let fits = |total: Duration| total.abs_diff(target) <= TOLERANCE;
    let mut chosen = picks;
    // Drop the least important picks until the rest fit; the essential
    // ones (a warm-up and a step per area in each block) are always kept.
    // Each round tries leaving out each pick in turn, the least important
    // first, so one long step does not force a gap no short one fills.
    loop {
        let (fitted, total) = build(&chosen);
        if fits(total) {
            return Ok(fitted);
        }
        if total < target {
            return Err(ComposeError::TooShort { longest: total });
        }
        let mut next = None;
        for j in (essential..chosen.len()).rev() {
            let mut fewer = chosen.clone();
            fewer.remove(j);
            let (fitted, total) = build(&fewer);
            if fits(total) {
                return Ok(fitted);
            }
            if total > target && next.is_none() {
                next = Some(fewer);
            }
        }
        match next {
            Some(fewer) => chosen = fewer,
            None => return Err(ComposeError::TooLong { shortest: total }),
        }
    }
}

/// How far fitting may stretch a step of a composed routine: too few
/// steps would otherwise be drawn out into long, empty minutes, and the
/// quiet steps that frame it (warm-up, breathing, rest) least of all.
/// Tapping and stretches also stop at a minute a side (`fit::longest_side`).
pub fn stretch(step: &Step) -> f64 {
    match step.kind {
        StepKind::WarmUp | StepKind::Breathing | StepKind::Rest => 1.5,
        _ => 2.0,
    }
}

/// The steps to use, most important first, each with its block: a warm-up
/// and one step of the middle of the arc per area in each block, the rest
/// and (from six minutes) the breathing that close the last block, a
/// stretch per focus area, then more middle steps area by area, while
/// their written lengths stay near the minutes (fitting stretches or
/// shortens them afterwards). Also says how many of the first picks are
/// essential.
fn pick<'a>(
    usable: &[&'a Candidate],
    request: &Request,
    blocks: &[Block],
) -> (Vec<(usize, &'a Candidate)>, usize) {
    let target = Duration::from_secs(u64::from(request.minutes) * 60);
    let areas: usize = blocks.iter().map(|b| b.areas.len()).sum();
    let mut picks = Picks {
        chosen: Vec::new(),
        most: per_area(areas),
        used: vec![false; usable.len()],
        families: HashSet::new(),
        tapping: HashSet::new(),
    };
    let take = |picks: &mut Picks<'a>, b: usize, pred: &dyn Fn(&Candidate) -> bool| {
        let p = blocks[b].position;
        let found = (0..usable.len()).find(|&i| {
            !picks.used[i] && usable[i].fits_in(p) && pred(usable[i]) && picks.allows(usable[i])
        });
        if let Some(i) = found {
            picks.used[i] = true;
            picks.add(b, usable[i]);
        }
        found.is_some()
    };
    let last = blocks.len() - 1;
    // A step per area named (for whole-body alone, the first area) is
    // essential; the rest of what whole-body stands for is not.
    let named: Vec<Area> = match request.focus.as_slice() {
        [Area::WholeBody] => blocks
            .iter()
            .flat_map(|b| b.areas.first())
            .copied()
            .collect(),
        focus => focus.to_vec(),
    };
    let first = |a: &Area| named.contains(a);
    let work = |picks: &mut Picks<'a>, b: usize, a: Area| {
        if !take(picks, b, &|c| phase(c.step.kind) == 2 && works_on(c, a)) {
            take(picks, b, &|c| works_on(c, a));
        }
    };
    for (b, block) in blocks.iter().enumerate() {
        let warm = |c: &Candidate| c.step.kind == StepKind::WarmUp;
        let own = |c: &Candidate| c.position.is_some();
        // Its own warm-up for one of its areas, else its own whole-body
        // one, else one written for anywhere.
        let _ = take(&mut picks, b, &|c| {
            warm(c) && own(c) && c.step.area.is_some_and(|a| block.areas.contains(&a))
        }) || take(&mut picks, b, &|c| {
            warm(c) && own(c) && matches!(c.step.area, None | Some(Area::WholeBody))
        }) || take(&mut picks, b, &|c| warm(c) && !own(c))
            || take(&mut picks, b, &warm);
        for &a in block.areas.iter().filter(|a| first(a)) {
            work(&mut picks, b, a);
        }
    }
    let essential = picks.chosen.len();
    // The areas whole-body stands for come after what was asked by name.
    for (b, block) in blocks.iter().enumerate() {
        for &a in block.areas.iter().filter(|a| !first(a)) {
            work(&mut picks, b, a);
        }
    }
    take(&mut picks, last, &|c| c.step.kind == StepKind::Rest);
    if request.minutes >= BREATHING_FROM_MINUTES {
        take(&mut picks, last, &|c| c.step.kind == StepKind::Breathing);
    }
    for (b, block) in blocks.iter().enumerate() {
        for &a in &block.areas {
            take(&mut picks, b, &|c| {
                c.step.kind == StepKind::Stretch && c.step.area == Some(a)
            });
        }
    }
    // More of the middle, area by area, while the written total is short of
    // the minutes; each pick must leave it under a fifth over.
    let mut progress = true;
    while progress && picks.written() < target {
        progress = false;
        for (b, block) in blocks.iter().enumerate() {
            for &a in &block.areas {
                if picks.written() >= target {
                    break;
                }
                let room = (target + target / 5).saturating_sub(picks.written());
                progress |= take(&mut picks, b, &|c| {
                    works_on(c, a) && c.step.total() + TRANSITION <= room
                });
            }
        }
    }
    (picks.chosen, essential)
}

/// The routine of `picks`, block by block in arc order, at their written
/// lengths; `notes` say which asked areas it cannot serve.
fn routine_for(
    picks: &[(usize, &Candidate)],
    request: &Request,
    blocks: &[Block],
    notes: &[String],
) -> Routine {
    let mut ordered: Vec<(usize, &(usize, &Candidate))> = picks.iter().enumerate().collect();
    ordered.sort_by_key(|(i, (b, c))| (*b, arc_key(&c.step), area_rank(c.step.area), *i));
    let mut tools = vec!["hands".to_owned()];
    for (_, (_, c)) in &ordered {
        for g in &c.gear {
            if !tools.contains(g) {
                tools.push(g.clone());
            }
        }
    }
    let steps: Vec<Step> = ordered
        .iter()
        .map(|(_, (b, c))| {
            let mut step = c.step.clone();
            step.position = Some(blocks[*b].position);
            step
        })
        .collect();
    let mut steps = steps;
    time_to_move(&mut steps);
    let mut risks: Vec<Risk> = ordered
        .iter()
        .flat_map(|(_, (_, c))| c.risks.clone())
        .collect();
    risks.sort();
    risks.dedup();
    let safety = safety_for(&risks);
    let areas = area_list(&request.focus);
    let mut used: Vec<Position> = Vec::new();
    for s in &steps {
        if let Some(p) = s.position
            && !used.contains(&p)
        {
            used.push(p);
        }
    }
    let mut prepare: Vec<String> = used.iter().map(|&p| prepare_for(p).to_owned()).collect();
    for g in tools.iter().skip(1) {
        prepare.push(format!("Keep the {g} within reach"));
    }
    let mut tags = vec!["composed".to_owned()];
    tags.extend(request.focus.iter().map(|a| a.word().to_owned()));
    let mut summary = format!(
        "{} minutes for the {areas}, composed for today (seed {}).",
        request.minutes, request.seed
    );
    if !notes.is_empty() {
        summary.push_str(&format!(" Left out: {}.", notes.join("; ")));
    }
    Routine {
        id: "composed".to_owned(),
        name: format!("Today: {areas}"),
        summary,
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

/// The prepare line for a block in `p`.
fn prepare_for(p: Position) -> &'static str {
    match p {
        Position::Standing => "Clear a space to stand with your arms out",
        Position::Wall => "Find a clear patch of wall to lean on",
        Position::Chair => "Sit on a firm chair with your feet flat",
        Position::Floor => "Lay a mat or rug on the floor, with room to lie down",
        Position::Bed => "Sit up in bed, ready to lie down for the end",
    }
}

/// Only a change of position gets a get-ready, long enough to move
/// (`MOVE`), as `knotless check` asks; steps in the same position follow
/// each other with the routine's short pause.
fn time_to_move(steps: &mut [Step]) {
    let mut last = None;
    for step in steps {
        step.get_ready = None;
        if let Some(p) = step.position {
            if last.is_some_and(|l| l != p) {
                step.get_ready = Some(MOVE);
            }
            last = Some(p);
        }
    }
}

/// The first line of every composed routine's safety note.
pub const GENERAL: &str = "Read the general safety page first: `knotless safety`.";

/// The safety note of a composed routine: the general page, then the line
/// of each kind of risk its steps carry (each step keeps its own caution
/// too).
pub fn safety_for(risks: &[Risk]) -> String {
    let mut out = vec![GENERAL];
    out.extend(risks.iter().map(|r| r.line()));
    out.join("\n")
}

/// "neck", "neck and shoulders", "neck, shoulders and jaw".
/// "neck, shoulders and hips".
pub fn area_list(areas: &[Area]) -> String {
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
