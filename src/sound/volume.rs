//! The volume the user asks for: 0 to 100.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A volume from 0 (silent) to 100 (the sounds as made: peaks at -12 dBFS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Volume(u8);

impl Volume {
    pub const MAX: Volume = Volume(100);
    pub const SILENT: Volume = Volume(0);

    /// Any number, clamped to 0-100.
    pub fn new(percent: i64) -> Self {
        Volume(percent.clamp(0, 100) as u8)
    }

    pub fn percent(self) -> u8 {
        self.0
    }

    /// The factor samples are multiplied by. Loudness is heard roughly on a
    /// log scale, so the factor falls with the square: 50 is about -12 dB,
    /// 10 is -40 dB.
    pub fn gain(self) -> f32 {
        let v = f32::from(self.0) / 100.0;
        v * v
    }
}

impl Default for Volume {
    fn default() -> Self {
        Volume(70)
    }
}

impl fmt::Display for Volume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// "70" or "70%"; anything outside 0-100 is refused with the reason.
impl FromStr for Volume {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let digits = t.strip_suffix('%').unwrap_or(t).trim();
        let n: i64 = digits
            .parse()
            .map_err(|_| format!("`{s}` is not a volume: give a whole number from 0 to 100"))?;
        if (0..=100).contains(&n) {
            Ok(Volume(n as u8))
        } else {
            Err(format!("the volume must be from 0 to 100, not {n}"))
        }
    }
}

impl Serialize for Volume {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for Volume {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        if (0..=100).contains(&n) {
            Ok(Volume(n as u8))
        } else {
            Err(serde::de::Error::custom(format!(
                "the volume must be from 0 to 100, not {n}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_clamps_and_refuses() {
        assert_eq!("70".parse::<Volume>(), Ok(Volume(70)));
        assert_eq!(" 35% ".parse::<Volume>(), Ok(Volume(35)));
        assert!("101".parse::<Volume>().is_err());
        assert!("-1".parse::<Volume>().is_err());
        assert!("loud".parse::<Volume>().is_err());
        assert_eq!(Volume::new(250), Volume::MAX);
        assert_eq!(Volume::new(-3), Volume::SILENT);
    }

    #[test]
    fn gain_falls_with_the_square() {
        assert_eq!(Volume::MAX.gain(), 1.0);
        assert_eq!(Volume::SILENT.gain(), 0.0);
        assert!((Volume::new(50).gain() - 0.25).abs() < 1e-6);
    }

    #[test]
    fn reads_from_settings() {
        #[derive(Deserialize)]
        struct S {
            volume: Volume,
        }
        let s: S = toml::from_str("volume = 40").unwrap();
        assert_eq!(s.volume, Volume(40));
        assert!(toml::from_str::<S>("volume = 140").is_err());
    }
}
