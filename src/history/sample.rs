//! A generated history for tests: sessions spread over the year before a
//! date, deterministic (no random numbers), with tension answers that fall
//! a little over the weeks, so charts have something to show.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{ToSpan, Zoned};

use super::Record;

/// Built-in routines the sessions take turns with, and one that no longer
/// exists (its minutes have no known areas).
const ROUTINES: &[(&str, &str)] = &[
    ("daily-back", "Daily back reset"),
    ("desk-break", "Desk break"),
    ("jaw-face", "Jaw and face"),
    ("lower-back", "Lower back"),
    ("gone", "A routine since deleted"),
];

/// `count` sessions over the 365 days up to `today`, in UTC, oldest first.
pub fn year(today: Date, count: usize) -> Vec<Record> {
    (0..count)
        .map(|i| {
            // Spread evenly, a few days left empty now and then.
            let day_back = 364 - (i * 365 / count.max(1)) as i64;
            let day = today.checked_sub(day_back.days()).unwrap_or(today);
            let hour = 7 + (i % 3) as i8 * 5;
            let started = day
                .at(hour, (i % 60) as i8, 0, 0)
                .to_zoned(TimeZone::UTC)
                .unwrap_or_else(|_| Zoned::now());
            let (id, name) = ROUTINES[i % ROUTINES.len()];
            let minutes = 6 + (i * 7 % 11) as u64;
            let finished = i % 9 != 4;
            // Calmer as the weeks go by: up to three points more a year ago.
            let before = 3 + (i % 4) as u8 + (day_back / 90).min(3) as u8;
            let after = before.saturating_sub(1 + (i % 3) as u8);
            let asked = i % 4 != 3;
            let line = format!(
                r#"{{"v":1,"started":"{}","routine_id":"{id}","routine_name":"{name}","planned_seconds":{},"practised_seconds":{},"outcome":"{}","steps":8,"steps_done":{}{}}}"#,
                started.timestamp().display_with_offset(started.offset()),
                minutes * 60,
                if finished { minutes * 60 } else { minutes * 30 },
                if finished { "finished" } else { "stopped" },
                if finished { 8 } else { 3 },
                if asked {
                    format!(r#","tension_before":{before},"tension_after":{after}"#)
                } else {
                    String::new()
                },
            );
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
        })
        .collect()
}
