//! The one way lengths, counts and times are written, everywhere: screens,
//! plain output, tables and messages.

use std::time::Duration;

/// "1:05", "12:00", "1:02:03": how lengths and times are shown.
pub fn clock(d: Duration) -> String {
    clock_secs(d.as_secs() + u64::from(d.subsec_millis() >= 500))
}

/// `clock` for whole seconds.
pub fn clock_secs(s: u64) -> String {
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// Whole seconds, rounded as `clock` rounds them: the lengths `--json`
/// gives, so they match what the text shows.
pub fn whole_seconds(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_millis() >= 500)
}

/// "45 s", "2 min", "1 min 30 s": lengths in running text.
pub fn words(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_millis() >= 500);
    match (s / 60, s % 60) {
        (0, sec) => format!("{sec} s"),
        (min, 0) => format!("{min} min"),
        (min, sec) => format!("{min} min {sec} s"),
    }
}

/// Whole minutes, never rounded up: 59 s is not yet a minute practised.
pub fn minutes(seconds: u64) -> u64 {
    seconds / 60
}

/// "6 s", "12 min", "3 h 5 min": time practised, to the minute, and in
/// seconds under a minute (so six seconds never read as a minute).
pub fn minutes_words(seconds: u64) -> String {
    match seconds {
        0 => whole_minutes_words(0),
        s if s < 60 => format!("{s} s"),
        s => whole_minutes_words(minutes(s)),
    }
}

/// Whole minutes for each of `parts` (seconds), rounded once for all of
/// them: they add up to the minutes of their sum, as a list of rows and its
/// total must (largest remainders get the spare minutes).
pub fn minutes_shares(parts: &[u64]) -> Vec<u64> {
    let total: u64 = parts.iter().fold(0u64, |a, s| a.saturating_add(*s));
    let whole = minutes(total);
    let mut shares: Vec<u64> = parts.iter().map(|s| s / 60).collect();
    let given: u64 = shares.iter().sum();
    let mut by_remainder: Vec<usize> = (0..parts.len()).collect();
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(parts[i] % 60));
    let spare = usize::try_from(whole.saturating_sub(given)).unwrap_or(usize::MAX);
    for &i in by_remainder.iter().cycle().take(spare.min(parts.len() * 2)) {
        shares[i] += 1;
    }
    shares
}

/// "0 min", "12 min", "3 h 5 min" for whole minutes.
pub fn whole_minutes_words(m: u64) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// "1 step", "10 steps", "0 days".
pub fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_words_and_counts() {
        let s = Duration::from_secs;
        assert_eq!(clock(s(65)), "1:05");
        assert_eq!(clock(s(3723)), "1:02:03");
        assert_eq!(clock(Duration::from_millis(59_500)), "1:00");
        assert_eq!(words(s(45)), "45 s");
        assert_eq!(words(s(120)), "2 min");
        assert_eq!(words(s(90)), "1 min 30 s");
        assert_eq!(minutes_words(0), "0 min");
        assert_eq!(minutes_words(6), "6 s", "never rounded up to a minute");
        assert_eq!(minutes_words(119), "1 min");
        assert_eq!(minutes_words(3900), "1 h 5 min");
        assert_eq!(
            minutes_words(u64::MAX),
            "5124095576030431 h",
            "never overflows"
        );
        // Three routines of 50 s each: 2 whole minutes in all, shared so
        // the rows add up to the total, not 0 each rounded down.
        assert_eq!(minutes_shares(&[50, 50, 50]).iter().sum::<u64>(), 2);
        let shares = minutes_shares(&[90, 90, 90]);
        assert_eq!(shares.iter().sum::<u64>(), minutes(270), "{shares:?}");
        assert!(shares.iter().all(|m| (1..=2).contains(m)), "{shares:?}");
        assert_eq!(minutes_shares(&[]), Vec::<u64>::new());
        assert_eq!(plural(1u32, "day", "days"), "1 day");
        assert_eq!(plural(0u32, "day", "days"), "0 days");
    }
}
