//! A routine as the rest of the program sees it: validated, with defaults
//! applied and every length known.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

pub use super::sound_choice::SoundChoice;
use crate::breath::BreathPattern;

#[derive(Debug, Clone, PartialEq)]
pub struct Routine {
    /// The file stem: what `knotless run ID` takes.
    pub id: String,
    pub name: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub tools: Vec<String>,
    pub prepare: Vec<String>,
    pub safety: String,
    /// The get-ready pause before each step.
    pub transition: Duration,
    pub steps: Vec<Step>,
    /// The sound steps start with, unless a step names its own.
    pub sound: Option<SoundChoice>,
    /// Breath tones on steps with a breathing pattern (else the settings).
    pub breath_tones: Option<bool>,
    /// False when the routine asks for nothing to be spoken.
    pub voice: bool,
    /// How the routine ends: bells and praise, a soft fading tone and a
    /// quiet close, or nothing.
    pub end: Ending,
    /// How this run differs from the file (fitted, resumed); never read
    /// from a file, so a routine cannot claim it.
    pub run: RunNote,
}

/// How one run of a routine differs from the routine as written. `fit`
/// and `run --resume` set it; the session starts where it says, and the
/// history line records it, so both stay right whoever starts the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunNote {
    /// Fitted to other minutes than written.
    pub fitted: Option<Fitted>,
    /// Continues a stopped session.
    pub resumes: Option<Resumes>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fitted {
    /// The minutes asked for.
    pub minutes: u32,
    /// The routine's length as written, get-ready pauses included.
    pub written: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resumes {
    /// The `started` of the history line this run continues, as written
    /// there: it names that line.
    pub record: String,
    /// The step (from 0) the run starts at.
    pub step: usize,
}

impl RunNote {
    /// The step a run starts at: 0 unless it resumes.
    pub fn first_step(&self) -> usize {
        self.resumes.as_ref().map_or(0, |r| r.step)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    pub title: String,
    /// Length of one side (or of the whole step when it has no sides).
    pub duration: Duration,
    pub area: Option<Area>,
    pub sides: Sides,
    pub pressure: Pressure,
    /// The one thing to do now, in a few words.
    pub glance: Option<String>,
    pub instructions: String,
    pub caution: Option<String>,
    pub cues: Vec<Cue>,
    pub breath: Option<BreathPattern>,
    /// Whole breathing cycles, for breathing steps.
    pub cycles: Option<u32>,
    /// The sound this step starts with (else the routine's, else the bell).
    pub sound: Option<SoundChoice>,
    /// Breath tones during this step (else the routine's choice).
    pub breath_tones: Option<bool>,
    /// Where the body is during the step, when the routine says.
    pub position: Option<Position>,
    /// This step's own get-ready pause, instead of the routine's transition.
    pub get_ready: Option<Duration>,
    /// The get-ready pause between the two sides (two-sided steps only).
    pub switch: Duration,
    /// What is spoken as the step starts.
    pub say: Say,
    /// How deep the work goes; `compose --level` and `[body]` choose by it.
    pub level: Level,
    /// The move this step is a variant of (seated or standing, with a hand
    /// or a ball): a composed routine uses one step of a family.
    pub family: Option<String>,
    /// What is spoken as the get-ready before this step begins (where to
    /// go, what to hold), instead of the words made from its position and
    /// tools.
    pub get_ready_say: Option<String>,
}

/// What the voice says as a step starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Say {
    /// The step's title, side and glance line.
    #[default]
    Default,
    /// These words instead.
    Text(String),
    /// Nothing.
    Silent,
    /// Each side its own words (a two-sided step).
    Sides { left: String, right: String },
}

impl Step {
    /// The step's whole length, all sides included, with the pause between
    /// sides (not the get-ready before the step).
    pub fn total(&self) -> Duration {
        self.duration * self.sides.count() + self.switch_pause()
    }

    /// The get-ready between sides that the timeline runs: none for a step
    /// done once.
    pub fn switch_pause(&self) -> Duration {
        match self.sides {
            Sides::Both => self.switch,
            _ => Duration::ZERO,
        }
    }
}

impl Routine {
    /// Every position the routine's steps name, each once, in the order
    /// they first come: for filtering routines by where they are done.
    pub fn positions(&self) -> Vec<Position> {
        let mut out = Vec::new();
        for p in self.steps.iter().filter_map(|s| s.position) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    /// The get-ready pause the timeline runs before step `index`.
    pub fn get_ready_before(&self, index: usize) -> Duration {
        self.steps
            .get(index)
            .and_then(|s| s.get_ready)
            .unwrap_or(self.transition)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// Offset from the start of the step (of each side, for two-sided steps).
    pub at: Duration,
    pub text: String,
}

/// Words that say how much is left, and what of ("Last breath of the
/// box", "Two more breaths"): a cue saying both counts from the end.
const COUNT_WORDS: &[&str] = &["last", "final", "more", "remaining", "another"];
const COUNTED_WORDS: &[&str] = &[
    "breath", "breaths", "cycle", "cycles", "round", "rounds", "stroke", "strokes", "circle",
    "circles", "roll", "rolls", "time", "times",
];

impl Cue {
    /// Whether the cue counts what is left of its step ("Two more
    /// breaths"): it must keep its distance from the end when the step's
    /// length changes, or it lies.
    pub fn counts(&self) -> bool {
        let text = self.text.to_lowercase();
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        words.iter().any(|w| COUNT_WORDS.contains(w))
            && words.iter().any(|w| COUNTED_WORDS.contains(w))
    }

    /// How many cycles the cue says are left, counting the one it starts
    /// ("Last breath" 1, "Two more breaths" 2), when it says a number.
    pub fn count(&self) -> Option<u32> {
        if !self.counts() {
            return None;
        }
        let text = self.text.to_lowercase();
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        if words.iter().any(|w| matches!(*w, "last" | "final")) {
            return Some(1);
        }
        const NUMBERS: [&str; 10] = [
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        ];
        words.windows(2).find_map(|pair| {
            (pair[1] == "more")
                .then(|| {
                    NUMBERS
                        .iter()
                        .position(|n| *n == pair[0])
                        .map(|i| i as u32 + 1)
                        .or_else(|| pair[0].parse().ok())
                })
                .flatten()
        })
    }
}

macro_rules! words_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, schemars::JsonSchema)]
        pub enum $name {
            $(#[serde(rename = $word)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word used in routine files and on screen.
            pub fn word(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.word())
            }
        }
    };
}

words_enum!(
    /// What kind of work a step is.
    StepKind {
        WarmUp = "warm-up",
        Gliding = "gliding",
        Kneading = "kneading",
        Circles = "circles",
        Tapping = "tapping",
        Pressure = "pressure",
        Stretch = "stretch",
        Breathing = "breathing",
        Rest = "rest",
    }
);

words_enum!(
    /// The part of the body a step works on.
    Area {
        Scalp = "scalp",
        Face = "face",
        Jaw = "jaw",
        Neck = "neck",
        Shoulders = "shoulders",
        UpperBack = "upper-back",
        LowerBack = "lower-back",
        Chest = "chest",
        Abdomen = "abdomen",
        Arms = "arms",
        Hands = "hands",
        Hips = "hips",
        Legs = "legs",
        Feet = "feet",
        WholeBody = "whole-body",
    }
);

words_enum!(
    /// How firmly to press.
    Pressure {
        Light = "light",
        Medium = "medium",
        Firm = "firm",
    }
);

words_enum!(
    /// How deep a step's work goes.
    Level {
        Gentle = "gentle",
        Standard = "standard",
        Deeper = "deeper",
    }
);

impl Level {
    /// Gentle 0, standard 1, deeper 2: for "at most this deep".
    pub fn depth(self) -> u8 {
        match self {
            Level::Gentle => 0,
            Level::Standard => 1,
            Level::Deeper => 2,
        }
    }
}

words_enum!(
    /// Where the body is during a step.
    Position {
        Chair = "chair",
        Standing = "standing",
        Floor = "floor",
        Wall = "wall",
        Bed = "bed",
    }
);

words_enum!(
    /// How a routine ends.
    Ending {
        Bells = "bells",
        Soft = "soft",
        Silent = "silent",
    }
);

// The enum comes from `words_enum!`, which takes no variant attributes.
#[allow(clippy::derivable_impls)]
impl Default for Ending {
    fn default() -> Self {
        Ending::Bells
    }
}

words_enum!(
    /// Whether a step runs once, or once per side of the body.
    SideChoice {
        Both = "both",
        Left = "left",
        Right = "right",
    }
);

/// The sides a step runs on, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sides {
    /// The step is not about one side of the body.
    #[default]
    None,
    Only(Side),
    /// Left first, then right, each for the step's duration.
    Both,
}

impl Sides {
    pub fn count(self) -> u32 {
        match self {
            Sides::Both => 2,
            _ => 1,
        }
    }

    pub fn list(self) -> Vec<Option<Side>> {
        match self {
            Sides::None => vec![None],
            Sides::Only(side) => vec![Some(side)],
            Sides::Both => vec![Some(Side::Left), Some(Side::Right)],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn word(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

/// Where a routine came from; later sources replace earlier ones by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    /// The user routines directory.
    User(PathBuf),
    /// A directory given with `--routines` (or a settings file).
    Extra(PathBuf),
    /// A file named on the command line.
    Direct(PathBuf),
}

impl Origin {
    /// A short word for tables.
    pub fn label(&self) -> &'static str {
        match self {
            Origin::BuiltIn => "built-in",
            Origin::User(_) => "user",
            Origin::Extra(_) => "--routines",
            Origin::Direct(_) => "file",
        }
    }

    pub fn path(&self) -> Option<&PathBuf> {
        match self {
            Origin::BuiltIn => None,
            Origin::User(p) | Origin::Extra(p) | Origin::Direct(p) => Some(p),
        }
    }
}
