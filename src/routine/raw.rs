//! The routine file exactly as written: serde types that refuse unknown
//! keys and keep the position of every value a later check may point at.

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use toml::Spanned;

use super::duration::Length;
use super::model::{Area, Pressure, SideChoice, StepKind};

/// Everything but the steps, which are read one at a time so that a mistake
/// in one step does not hide the mistakes in the others.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
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
    /// Taken out before the header is read; named here so that a misspelt
    /// `step` is told "did you mean `steps`".
    #[serde(default)]
    #[allow(dead_code)]
    steps: Option<IgnoredAny>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub pressure: Option<Pressure>,
    pub transition: Option<Spanned<Length>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub kind: Spanned<StepKind>,
    pub title: Spanned<String>,
    pub duration: Option<Spanned<Length>>,
    pub area: Option<Spanned<Area>>,
    pub sides: Option<Spanned<SideChoice>>,
    pub pressure: Option<Pressure>,
    pub instructions: Option<String>,
    pub caution: Option<String>,
    #[serde(default)]
    pub cues: Vec<RawCue>,
    pub breath: Option<Spanned<RawBreath>>,
    pub cycles: Option<Spanned<u32>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCue {
    pub at: Spanned<Length>,
    pub text: Spanned<String>,
}

/// `breath = "box"` or `breath = { in = 4, hold = 7, out = 8 }`.
#[derive(Debug)]
pub enum RawBreath {
    Named(String),
    Custom(RawCustomBreath),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCustomBreath {
    #[serde(rename = "in")]
    pub inhale: Spanned<f64>,
    pub hold: Option<Spanned<f64>>,
    #[serde(rename = "out")]
    pub exhale: Spanned<f64>,
    pub hold_out: Option<Spanned<f64>>,
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
