//! Text as a speech engine should read it: numbers as words, breathing
//! patterns as counts ("4-7-8" is "four, seven, eight", never "four dash
//! seven dash eight"), units and abbreviations spelt out. Pure, so every
//! built-in's whole script is checked through it.

/// Units a number may carry, written after it ("30s", "5 min"): the
/// spoken singular and plural.
const UNITS: &[(&[&str], &str, &str)] = &[
    (
        &["s", "sec", "secs", "second", "seconds"],
        "second",
        "seconds",
    ),
    (&["min", "mins", "minute", "minutes"], "minute", "minutes"),
    (&["hr", "hrs", "hour", "hours"], "hour", "hours"),
    (&["kg"], "kilogram", "kilograms"),
    (&["g"], "gram", "grams"),
    (&["cm"], "centimetre", "centimetres"),
    (&["mm"], "millimetre", "millimetres"),
    (&["x"], "time", "times"),
    (&["%"], "percent", "percent"),
];

/// Abbreviations, as written (lower case, with their dots), and what is said.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("e.g.", "for example"),
    ("eg.", "for example"),
    ("i.e.", "that is"),
    ("ie.", "that is"),
    ("etc.", "and so on"),
    ("approx.", "about"),
    ("vs.", "versus"),
    ("vs", "versus"),
    ("w/", "with"),
    ("&", "and"),
    ("min.", "minutes"),
    ("sec.", "seconds"),
];

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// `text` as it should be read aloud.
pub fn natural(text: &str) -> String {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let (lead, core, trail) = split_punct(tokens[i]);
        // A number followed by its unit as the next word: "30 s", "5 min".
        if let Some(n) = number(core)
            && let Some(next) = tokens.get(i + 1)
        {
            let (_, unit, after) = split_punct(next);
            if let Some(word) = unit_word(unit, n) {
                out.push(format!("{lead}{} {word}{after}", number_words(core)));
                i += 2;
                continue;
            }
        }
        out.push(format!("{lead}{}{trail}", word(core)));
        i += 1;
    }
    out.join(" ")
        .replace(" ·", ",")
        .replace('·', ",")
        .replace([' ', ' '], " ")
        .replace(" — ", ", ")
        .replace(" – ", ", ")
}

/// One word, its punctuation taken off.
fn word(core: &str) -> String {
    if core.is_empty() {
        return String::new();
    }
    let lower = core.to_lowercase();
    if let Some((_, said)) = ABBREVIATIONS.iter().find(|(a, _)| *a == lower) {
        return (*said).to_owned();
    }
    if number(core).is_some() {
        return number_words(core);
    }
    // "4-7-8": a breathing pattern; "6-30": a range.
    let parts: Vec<&str> = core.split(['-', '–']).collect();
    if parts.len() >= 2 && parts.iter().all(|p| number(p).is_some()) {
        let words: Vec<String> = parts.iter().map(|p| number_words(p)).collect();
        return if words.len() == 2 {
            words.join(" to ")
        } else {
            words.join(", ")
        };
    }
    // "30s", "2kg", "10x", "50%": a number with its unit.
    let digits = core
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(core.len());
    if digits > 0 && digits < core.len() {
        let (n, unit) = core.split_at(digits);
        if let Some(value) = number(n)
            && let Some(unit) = unit_word(unit, value)
        {
            return format!("{} {unit}", number_words(n));
        }
    }
    // "left/right": either.
    if core.contains('/') && core.split('/').all(|w| w.chars().all(char::is_alphabetic)) {
        return core.split('/').collect::<Vec<_>>().join(" or ");
    }
    core.to_owned()
}

/// The spoken unit for `unit` after `n`, if it is one.
fn unit_word(unit: &str, n: f64) -> Option<&'static str> {
    let lower = unit.to_lowercase();
    UNITS
        .iter()
        .find(|(written, _, _)| written.contains(&lower.as_str()))
        .map(|(_, one, many)| if n == 1.0 { *one } else { *many })
}

/// Leading and trailing punctuation apart from the word ("(4-7-8)," is
/// "(", "4-7-8", "),"). Dots that belong to an abbreviation stay.
fn split_punct(token: &str) -> (&str, &str, &str) {
    let start = token
        .find(|c: char| c.is_alphanumeric() || c == '&' || c == '%')
        .unwrap_or(token.len());
    let lower = token[start..].to_lowercase();
    if ABBREVIATIONS
        .iter()
        .any(|(a, _)| lower == *a || lower.starts_with(a))
    {
        let abbr = ABBREVIATIONS
            .iter()
            .filter(|(a, _)| lower.starts_with(a))
            .map(|(a, _)| a.len())
            .max()
            .unwrap_or(0);
        let end = start + abbr;
        if token.is_char_boundary(end) {
            return (&token[..start], &token[start..end], &token[end..]);
        }
    }
    let end = token
        .rfind(|c: char| c.is_alphanumeric() || c == '%')
        .map_or(start, |i| {
            i + token[i..].chars().next().map_or(1, char::len_utf8)
        });
    if end <= start {
        return (token, "", "");
    }
    (&token[..start], &token[start..end], &token[end..])
}

/// `s` as a number, when it is one ("4", "5.5"), not a version or a time.
fn number(s: &str) -> Option<f64> {
    let ok = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_digit() || c == '.')
        && s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.matches('.').count() <= 1
        && !s.ends_with('.');
    ok.then(|| s.parse().ok()).flatten()
}

/// "5.5" is "five point five"; whole numbers up to 9999 in words, larger
/// ones left in digits (an engine reads those well enough).
fn number_words(s: &str) -> String {
    match s.split_once('.') {
        Some((whole, frac)) => {
            let digits: Vec<&str> = frac
                .chars()
                .filter_map(|c| c.to_digit(10))
                .map(|d| ONES[d as usize])
                .collect();
            format!("{} point {}", number_words(whole), digits.join(" "))
        }
        None => match s.parse::<u64>() {
            Ok(n) if n < 10_000 => whole_words(n),
            _ => s.to_owned(),
        },
    }
}

fn whole_words(n: u64) -> String {
    match n {
        0..=19 => ONES[n as usize].to_owned(),
        20..=99 => match n % 10 {
            0 => TENS[(n / 10) as usize].to_owned(),
            r => format!("{}-{}", TENS[(n / 10) as usize], ONES[r as usize]),
        },
        100..=999 => match n % 100 {
            0 => format!("{} hundred", ONES[(n / 100) as usize]),
            r => format!(
                "{} hundred and {}",
                ONES[(n / 100) as usize],
                whole_words(r)
            ),
        },
        _ => match n % 1000 {
            0 => format!("{} thousand", whole_words(n / 1000)),
            r if r < 100 => format!("{} thousand and {}", whole_words(n / 1000), whole_words(r)),
            r => format!("{} thousand {}", whole_words(n / 1000), whole_words(r)),
        },
    }
}

/// Whether `text` still holds something an engine would read oddly:
/// digits, or an abbreviation spelt with dots.
pub fn reads_oddly(text: &str) -> Option<String> {
    if let Some(c) = text.chars().find(char::is_ascii_digit) {
        return Some(format!("the digit {c}"));
    }
    let lower = text.to_lowercase();
    ABBREVIATIONS
        .iter()
        .filter(|(a, _)| a.len() > 2 && a.contains('.'))
        .find(|(a, _)| lower.split_whitespace().any(|w| w.starts_with(a)))
        .map(|(a, _)| format!("the abbreviation {a}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_numbers_units_and_abbreviations_read_as_words() {
        assert_eq!(natural("4-7-8 breathing"), "four, seven, eight breathing");
        assert_eq!(natural("In 4, hold 7."), "In four, hold seven.");
        assert_eq!(natural("(4-7-8),"), "(four, seven, eight),");
        assert_eq!(natural("Hold for 30s."), "Hold for thirty seconds.");
        assert_eq!(
            natural("Rest 5 min, then 1 min"),
            "Rest five minutes, then one minute"
        );
        assert_eq!(
            natural("5.5 in, 5.5 out"),
            "five point five in, five point five out"
        );
        assert_eq!(natural("Use 2 kg at most"), "Use two kilograms at most");
        assert_eq!(natural("Roll 10x"), "Roll ten times");
        assert_eq!(natural("Fit it to 6-30 min"), "Fit it to six to thirty min");
        assert_eq!(
            natural("Tap lightly, e.g. with fists"),
            "Tap lightly, for example with fists"
        );
        assert_eq!(natural("Neck & shoulders"), "Neck and shoulders");
        assert_eq!(natural("Breathe in · 3"), "Breathe in, three");
        assert_eq!(
            natural("Turn left/right slowly"),
            "Turn left or right slowly"
        );
        assert_eq!(
            natural("You practised for 12 minutes."),
            "You practised for twelve minutes."
        );
        assert_eq!(
            natural("21 breaths, 100 strokes"),
            "twenty-one breaths, one hundred strokes"
        );
        // Words alone are left as they are, punctuation and all.
        let plain = "Now roll them forwards; slowly, gently!";
        assert_eq!(natural(plain), plain);
        assert_eq!(reads_oddly(&natural("4-7-8, e.g. slowly")), None);
        assert!(reads_oddly("box 4-4").is_some());
    }
}
