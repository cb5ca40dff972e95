//! `knotless remind`: a reminder at the hour the user chose, on the days
//! they chose, kept where their system keeps such things (a systemd user
//! timer and service on Linux, a launchd agent on macOS, a Task Scheduler
//! entry on Windows). When it fires (`knotless remind --fire`) and today's
//! practice is not yet done, a desktop notification says what is planned.
//!
//! `units.rs` writes each system's files as text (pure, snapshot-tested),
//! `install.rs` puts them in place and takes them away (only files that
//! carry `MARKER`: it never edits a file it did not write), `fire.rs`
//! decides what a firing says, `notify.rs` says it over D-Bus.

pub mod fire;
pub mod install;
pub mod notify;
pub mod units;

use std::fmt;

use anyhow::{Result, bail};

/// The first line (or comment) of every file `remind` writes; a file
/// without it is not ours and is left alone.
pub const MARKER: &str = "Written by knotless remind; `knotless remind --off` removes it.";

/// When, on which days, and what to suggest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub hour: u8,
    pub minute: u8,
    pub days: Days,
    pub suggest: Suggest,
}

/// What a firing reminder suggests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suggest {
    /// The routine practised last.
    Last,
    /// This routine, by id.
    Routine(String),
    /// Today's practice by `[plan]` in the settings, as it is on the day.
    Plan,
}

/// Days of the week, Monday first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days(pub [bool; 7]);

pub const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Days {
    pub const EVERY: Days = Days([true; 7]);

    pub fn every_day(self) -> bool {
        self.0.iter().all(|&d| d)
    }

    /// Indices (Monday = 0) of the days chosen.
    pub fn indices(self) -> impl Iterator<Item = usize> {
        (0..7).filter(move |&i| self.0[i])
    }

    /// "mon-fri", "mon,wed,fri", "sat-sun" or "daily".
    pub fn parse(text: &str) -> Result<Days> {
        let text = text.trim().to_ascii_lowercase();
        if matches!(text.as_str(), "daily" | "every-day" | "all") {
            return Ok(Days::EVERY);
        }
        let mut days = [false; 7];
        for part in text.split(',').map(str::trim) {
            match part.split_once('-') {
                Some((from, to)) => {
                    let (from, to) = (day(from)?, day(to)?);
                    // A range may wrap past Sunday: "fri-mon".
                    let mut d = from;
                    loop {
                        days[d] = true;
                        if d == to {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                None => days[day(part)?] = true,
            }
        }
        Ok(Days(days))
    }
}

impl fmt::Display for Days {
    /// "daily", "mon-fri", or the days listed: "mon,wed,fri".
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.every_day() {
            return f.write_str("daily");
        }
        let chosen: Vec<usize> = self.indices().collect();
        let contiguous = chosen.len() > 2 && chosen.windows(2).all(|w| w[1] == w[0] + 1);
        match (contiguous, chosen.first(), chosen.last()) {
            (true, Some(&a), Some(&b)) => write!(f, "{}-{}", DAY_NAMES[a], DAY_NAMES[b]),
            _ => {
                let names: Vec<&str> = chosen.iter().map(|&i| DAY_NAMES[i]).collect();
                f.write_str(&names.join(","))
            }
        }
    }
}

fn day(name: &str) -> Result<usize> {
    let short = name.get(..3).unwrap_or(name);
    match DAY_NAMES.iter().position(|d| *d == short) {
        Some(i) if name.len() >= 3 => Ok(i),
        _ => bail!(
            "`{}` is not a day: write mon, tue, wed, thu, fri, sat or sun, a range like mon-fri, or daily",
            crate::text::escape_inline(name)
        ),
    }
}

/// "18:30" (or "7:05").
pub fn parse_time(text: &str) -> Result<(u8, u8)> {
    let parsed = text.trim().split_once(':').and_then(|(h, m)| {
        let (h, m): (u8, u8) = (h.parse().ok()?, m.parse().ok()?);
        (h < 24 && m < 60 && text.trim().len() <= 5).then_some((h, m))
    });
    match parsed {
        Some(t) => Ok(t),
        None => bail!(
            "`{}` is not a time of day: write it as HH:MM, like 18:30",
            crate::text::escape_inline(text)
        ),
    }
}

impl fmt::Display for Reminder {
    /// "18:30 mon-fri, Daily back reset".
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:02}:{:02} {}", self.hour, self.minute, self.days)?;
        match &self.suggest {
            Suggest::Routine(id) => write!(f, ", routine {}", crate::text::escape_inline(id)),
            Suggest::Last => f.write_str(", the routine practised last"),
            Suggest::Plan => f.write_str(", today's plan"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_as_ranges_lists_or_daily() {
        assert_eq!(Days::parse("mon-fri").unwrap().to_string(), "mon-fri");
        assert_eq!(
            Days::parse("Mon,Wed,friday").unwrap().to_string(),
            "mon,wed,fri"
        );
        assert_eq!(Days::parse("sat-sun").unwrap().to_string(), "sat,sun");
        assert_eq!(
            Days::parse("fri-mon").unwrap().to_string(),
            "mon,fri,sat,sun"
        );
        assert_eq!(Days::parse("daily").unwrap(), Days::EVERY);
        assert_eq!(Days::parse("mon-sun").unwrap().to_string(), "daily");
        let e = Days::parse("mon-fry").unwrap_err().to_string();
        assert!(e.contains("`fry` is not a day"), "{e}");
        assert!(Days::parse("mo").is_err());
    }

    #[test]
    fn times_are_hours_and_minutes() {
        assert_eq!(parse_time("18:30").unwrap(), (18, 30));
        assert_eq!(parse_time("7:05").unwrap(), (7, 5));
        for bad in ["24:00", "18:60", "1830", "18:30:00", "", "-1:00"] {
            let e = parse_time(bad).unwrap_err().to_string();
            assert!(e.contains("HH:MM"), "{bad}: {e}");
        }
    }
}
