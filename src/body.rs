//! `[body]` in the settings: what the user's body asks of a routine.
//!
//! ```toml
//! [body]
//! osteoporosis = true    # no twists, folds, rollers, firm pressure or back tapping
//! pregnant = true        # no breath holds, no lying flat or face down, nothing deep
//! blood_thinners = true  # no firm pressure, tapping, balls or rollers
//! ```
//!
//! `knotless compose` leaves out every step these make unsuitable (and
//! takes gentle variants first); the preflight of a routine holding one
//! names it. Which steps are unsuitable is `compose::unsuitable`, from the
//! step's own tags, so a new step is judged the same way.

use serde::{Deserialize, Serialize};

/// `[body]` as the program uses it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Body {
    pub osteoporosis: bool,
    pub pregnant: bool,
    pub blood_thinners: bool,
}

/// `[body]` as written in the settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBody {
    osteoporosis: Option<bool>,
    pregnant: Option<bool>,
    blood_thinners: Option<bool>,
}

impl From<RawBody> for Body {
    fn from(raw: RawBody) -> Self {
        Body {
            osteoporosis: raw.osteoporosis.unwrap_or(false),
            pregnant: raw.pregnant.unwrap_or(false),
            blood_thinners: raw.blood_thinners.unwrap_or(false),
        }
    }
}

/// One thing `[body]` can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    Osteoporosis,
    Pregnant,
    BloodThinners,
}

impl Condition {
    /// As the settings key says it, for messages.
    pub fn words(self) -> &'static str {
        match self {
            Condition::Osteoporosis => "osteoporosis",
            Condition::Pregnant => "pregnancy",
            Condition::BloodThinners => "blood thinners",
        }
    }
}

impl crate::diag::section::Section for Body {
    const NAME: &'static str = "body";
    type Raw = RawBody;

    fn read(raw: RawBody, _: &std::path::Path, _: &mut Vec<crate::diag::Problem>) -> Self {
        raw.into()
    }
}

impl Body {
    /// The conditions set, in a fixed order.
    pub fn conditions(self) -> Vec<Condition> {
        [
            (self.osteoporosis, Condition::Osteoporosis),
            (self.pregnant, Condition::Pregnant),
            (self.blood_thinners, Condition::BloodThinners),
        ]
        .into_iter()
        .filter_map(|(on, c)| on.then_some(c))
        .collect()
    }

    pub fn any(self) -> bool {
        !self.conditions().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_keys_are_off_and_set_ones_are_listed_in_order() {
        let raw: RawBody = toml::from_str("blood_thinners = true\npregnant = true").unwrap();
        let body = Body::from(raw);
        assert!(!body.osteoporosis);
        assert_eq!(
            body.conditions(),
            vec![Condition::Pregnant, Condition::BloodThinners]
        );
        assert!(toml::from_str::<RawBody>("pregnantt = true").is_err());
    }
}
