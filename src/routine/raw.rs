//! The routine file exactly as written: serde types that refuse unknown
//! keys and keep the position of every value a later check may point at.

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use toml::Spanned;

use super::duration::Length;
use super::model::{Area, Ending, Level, Position, Pressure, SideChoice, StepKind};

/// Everything but the steps, which are read one at a time so that a mistake
/// in one step does not hide the mistakes in the others.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "knotless routine",
    description = "A knotless self-massage and breathing routine (format 1)."
)]
pub struct RawHeader {
    /// Shown in the routine list and at the top of the session screen.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub tools: Vec<String>,
    #[serde(default)]
    pub prepare: Vec<String>,
    #[serde(default)]
    pub safety: String,
    #[serde(default)]
    pub defaults: RawDefaults,
    /// The sound each step starts with: a built-in sound ("bell", "chime",
    /// ...), "none", or a WAV, OGG, FLAC or MP3 file relative to this file.
    #[schemars(with = "Option<String>")]
    pub sound: Option<Spanned<String>>,
    /// Rising and falling tones for breathing in and out, on steps with a
    /// breathing pattern.
    #[schemars(with = "Option<bool>")]
    pub breath_tones: Option<Spanned<bool>>,
    /// false: nothing of this routine is spoken (the bell and chimes stay).
    #[schemars(with = "Option<bool>")]
    pub voice: Option<Spanned<bool>>,
    /// How the routine ends: "bells" (three bells and a word of praise),
    /// "soft" (a soft fading tone and a quiet close, for sleep), or
    /// "silent".
    #[schemars(with = "Option<Ending>")]
    pub end: Option<Spanned<Ending>>,
    /// Keys that could not be read (already reported); their checks are
    /// left out rather than reported again as missing.
    #[serde(skip)]
    #[schemars(skip)]
    pub unreadable: Vec<String>,
    // Taken out before the header is read; named here so that a misspelt
    // `step` is told "did you mean `steps`".
    #[serde(default)]
    #[allow(dead_code)]
    #[schemars(
        with = "Vec<RawStep>",
        description = "The steps, in order: each a [[steps]] table."
    )]
    steps: Option<IgnoredAny>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    /// The pressure of steps that do not say.
    pub pressure: Option<Pressure>,
    /// The get-ready pause before each step; "0s" for none.
    #[schemars(with = "Option<Length>")]
    pub transition: Option<Spanned<Length>>,
    /// The get-ready pause between the two sides of a `sides = "both"`
    /// step, so the hand can move; "5s" unless set, "0s" for none.
    #[schemars(with = "Option<Length>")]
    pub switch: Option<Spanned<Length>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    #[schemars(with = "StepKind")]
    pub kind: Spanned<StepKind>,
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    /// How long the step (each side of it) lasts. Breathing steps may give
    /// `cycles` instead.
    #[schemars(with = "Option<Length>")]
    pub duration: Option<Spanned<Length>>,
    #[schemars(with = "Option<Area>")]
    pub area: Option<Spanned<Area>>,
    /// "both" runs the step once per side, left then right.
    #[schemars(with = "Option<SideChoice>")]
    pub sides: Option<Spanned<SideChoice>>,
    pub pressure: Option<Pressure>,
    /// The one thing to do now, in at most 8 words (60 characters): drawn
    /// large under the title and spoken.
    #[schemars(with = "Option<String>", length(max = 60))]
    pub glance: Option<Spanned<String>>,
    /// Start with the action; about 35 words at most, so it can be read in
    /// a glance.
    #[schemars(with = "Option<String>")]
    pub instructions: Option<Spanned<String>>,
    #[schemars(with = "Option<String>")]
    pub caution: Option<Spanned<String>>,
    /// Where the body is during the step.
    #[schemars(with = "Option<Position>")]
    pub position: Option<Spanned<Position>>,
    /// How deep the work goes: "gentle", "standard" (unless set) or
    /// "deeper"; `knotless compose --level` and `[body]` choose by it.
    #[schemars(with = "Option<Level>")]
    pub level: Option<Spanned<Level>>,
    /// The move this step is a variant of, like "shoulder-squeeze": a
    /// composed routine uses one step of each family.
    #[schemars(with = "Option<String>")]
    pub family: Option<Spanned<String>>,
    /// This step's own get-ready pause (time to get into position),
    /// instead of the routine's `transition`.
    #[schemars(with = "Option<Length>")]
    pub get_ready: Option<Spanned<Length>>,
    /// The get-ready pause between the sides of a `sides = "both"` step,
    /// instead of the routine's `[defaults] switch`.
    #[schemars(with = "Option<Length>")]
    pub switch: Option<Spanned<Length>>,
    /// What is spoken as the step starts (instead of its title and glance),
    /// false for nothing, or { left = "...", right = "..." } for each side
    /// of a two-sided step.
    #[schemars(with = "Option<RawSay>")]
    pub say: Option<Spanned<RawSay>>,
    /// What is spoken as the get-ready before this step begins: where to
    /// go and what to hold ("Lie back, head on the pillow").
    #[schemars(with = "Option<String>")]
    pub get_ready_say: Option<Spanned<String>>,
    #[serde(default)]
    pub cues: Vec<RawCue>,
    /// A breathing pattern: required on breathing steps, a pacer laid over
    /// any other step.
    #[schemars(with = "Option<RawBreath>")]
    pub breath: Option<Spanned<RawBreath>>,
    /// Whole breathing cycles, on breathing steps only.
    #[schemars(with = "Option<u32>", range(min = 1))]
    pub cycles: Option<Spanned<u32>>,
    /// The sound this step starts with: a built-in sound, "none", or a
    /// WAV, OGG, FLAC or MP3 file relative to the routine file.
    #[schemars(with = "Option<String>")]
    pub sound: Option<Spanned<String>>,
    /// Rising and falling tones for breathing in and out during this step
    /// (it needs a breathing pattern).
    #[schemars(with = "Option<bool>")]
    pub breath_tones: Option<Spanned<bool>>,
    /// Keys that could not be read (already reported).
    #[serde(skip)]
    #[schemars(skip)]
    pub unreadable: Vec<String>,
}

impl RawStep {
    /// True when `key` was written but could not be read.
    pub fn unreadable_key(&self, key: &str) -> bool {
        self.unreadable.iter().any(|k| k == key)
    }
}

/// `say = "words"`, `say = false` or `say = { left = "...", right = "..." }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawSay {
    Text(String),
    Silent,
    Sides(RawSaySides),
    /// `say = true`: refused by validation (say the default by leaving it out).
    True,
}

impl JsonSchema for RawSay {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Say".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "The words spoken as the step starts, false for silence, or each side's words.",
            "oneOf": [
                { "type": "string" },
                { "const": false },
                {
                    "type": "object",
                    "properties": {
                        "left": { "type": "string" },
                        "right": { "type": "string" }
                    },
                    "required": ["left", "right"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl<'de> Deserialize<'de> for RawSay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SayVisitor)
    }
}

struct SayVisitor;

/// Each side's words.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSaySides {
    pub left: String,
    pub right: String,
}

impl<'de> Visitor<'de> for SayVisitor {
    type Value = RawSay;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the words to say in quotes, false, or { left = \"...\", right = \"...\" }")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawSay, A::Error> {
        RawSaySides::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawSay::Sides)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawSay, E> {
        Ok(RawSay::Text(v.to_owned()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawSay, E> {
        Ok(if v { RawSay::True } else { RawSay::Silent })
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCue {
    /// From the start of the step (of each side).
    #[schemars(with = "Length")]
    pub at: Spanned<Length>,
    #[schemars(with = "String")]
    pub text: Spanned<String>,
}

/// `breath = "box"` or `breath = { in = 4, hold = 7, out = 8 }`.
#[derive(Debug)]
pub enum RawBreath {
    Named(String),
    Custom(RawCustomBreath),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCustomBreath {
    /// Seconds breathing in.
    #[serde(rename = "in")]
    #[schemars(with = "f64", range(min = 0.5, max = 60.0))]
    pub inhale: Spanned<f64>,
    /// Seconds holding after breathing in.
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 60.0))]
    pub hold: Option<Spanned<f64>>,
    /// Seconds breathing out.
    #[serde(rename = "out")]
    #[schemars(with = "f64", range(min = 0.5, max = 60.0))]
    pub exhale: Spanned<f64>,
    /// Seconds holding after breathing out.
    #[schemars(with = "Option<f64>", range(min = 0.0, max = 60.0))]
    pub hold_out: Option<Spanned<f64>>,
}

impl JsonSchema for RawBreath {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Breath".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let custom = generator.subschema_for::<RawCustomBreath>();
        schemars::json_schema!({
            "description": "A named breathing pattern, or seconds for each phase.",
            "oneOf": [
                { "type": "string", "enum": crate::breath::NAMED_PATTERNS },
                custom
            ]
        })
    }
}

impl<'de> Deserialize<'de> for RawBreath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BreathVisitor)
    }
}

struct BreathVisitor;

impl<'de> Visitor<'de> for BreathVisitor {
    type Value = RawBreath;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a pattern name like \"box\", or a table like { in = 4, out = 6 }")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawBreath, E> {
        Ok(RawBreath::Named(v.to_owned()))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawBreath, A::Error> {
        RawCustomBreath::deserialize(de::value::MapAccessDeserializer::new(map))
            .map(RawBreath::Custom)
    }
}

/// The `[[steps]]` of a file as far as they could be read.
pub struct StepsFound {
    /// Where `steps` is, when the file has it.
    pub span: Option<std::ops::Range<usize>>,
    pub steps: Vec<(std::ops::Range<usize>, RawStep)>,
    /// Steps that were there but could not be read (already reported).
    pub unreadable: usize,
}
