//! A fuzz harness for routine and settings files (cargo-fuzz needs a
//! nightly toolchain; this is a proptest-driven mutator instead). Every
//! input is a built-in routine, a settings file or one of the hostile
//! shapes of issue 11, mutated: bytes flipped, cut, spliced, and slices
//! repeated thousands of times (the shape that once made a 10 KB file
//! print 152 MB). Each input is parsed as a routine and as settings, and the
//! reports rendered as `knotless check` and `knotless config` print them.
//!
//! What is asserted for every input, not only "no panic":
//! - parsing and rendering take at most `TIME_LIMIT` (the budget is 1 s in
//!   a release build; this leaves room for a debug one);
//! - the output is at most `OUTPUT_LIMIT` (1 MB);
//! - no raw control character reaches the output.
//!
//! `cargo test` runs a brief pass; `bench/fuzz.sh` runs the long one
//! (`fuzz_long`, ignored here) with `KNOTLESS_FUZZ_CASES` inputs and prints
//! the executions, the time taken and the worst input seen.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use knotless::routine::builtin::BUILTINS;
use knotless::routine::parse::parse_routine;
use knotless::settings::Settings;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const OUTPUT_LIMIT: usize = 1024 * 1024;
const TIME_LIMIT: Duration = Duration::from_secs(1);
/// Inputs past this are cut: routine files over 1 MiB are refused unread.
const INPUT_LIMIT: usize = 1024 * 1024;

/// The corpus: every built-in, the settings template, and the hostile
/// cases of issue 11.
fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = BUILTINS.iter().map(|(_, t)| (*t).to_owned()).collect();
    seeds.push(knotless::settings::TEMPLATE.to_owned());
    seeds.extend([
        format!("x = {{{}}}\n", "a,".repeat(5_000)),
        format!("name = \"{}\"\nsumary = 1\n", "n".repeat(20_000)),
        format!("{} = 1\n", "k".repeat(30_000)),
        format!("a = {}{}\n", "[".repeat(3_000), "]".repeat(3_000)),
        "name = \"\u{1b}]0;pwned\u{7}\"\n[[steps]]\nkind = \"rest\u{9b}\"\ntitle = \"\u{202e}x\"\nduration = \"1m\"\n".to_owned(),
        "[sound]\nvolume = 101\n[routines]\ndirs = [\"mine\"]\n[display]\ntheme = \"dark\"\n".to_owned(),
        "name = \"x\"\nsteps = [1, \"a\", {kind = 3}]\n".to_owned(),
        "\u{feff}name = \"x\"\r\n[[steps]]\r\nkind = \"breathing\"\r\nbreath = { in = 1e308, out = -0.0 }\r\ncycles = 4294967295\r\n".to_owned(),
    ]);
    seeds
}

/// Bits of TOML to splice in: structure more than noise.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "[[steps]]\n",
    "=",
    "\"",
    "'",
    "\"\"\"",
    ",",
    "a,",
    "\n",
    ".",
    "#",
    "\u{1b}[2J",
    "\u{0}",
    "\r",
    "\\u0000",
    "1e999",
    "-",
    "name",
    "duration = \"",
    "sides = \"both\"",
    "breath = {",
    "cues = [{ at = \"",
    "\u{202e}",
    "9999-12-31T23:59:59Z",
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Insert a token at a position (as a fraction of the length).
    Token(f64, usize),
    /// Insert random bytes.
    Bytes(f64, Vec<u8>),
    /// Delete a range.
    Delete(f64, usize),
    /// Repeat a slice of the input many times in place.
    Repeat(f64, usize, usize),
    /// Splice the start of another seed in.
    Splice(f64, usize, f64),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        4 => (at.clone(), 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Token(a, t)),
        2 => (at.clone(), prop::collection::vec(any::<u8>(), 1..8)).prop_map(|(a, b)| Mutation::Bytes(a, b)),
        2 => (at.clone(), 1..200usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        1 => (at.clone(), 1..12usize, 1..3_000usize).prop_map(|(a, l, n)| Mutation::Repeat(a, l, n)),
        1 => (at.clone(), 0..64usize, at).prop_map(|(a, s, f)| Mutation::Splice(a, s, f)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation], seeds: &[String]) -> Vec<u8> {
    let place = |bytes: &Vec<u8>, f: f64| ((bytes.len() as f64) * f) as usize;
    for m in mutations {
        let at = |f| place(&bytes, f).min(bytes.len());
        match m {
            Mutation::Token(f, t) => {
                let i = at(*f);
                bytes.splice(i..i, TOKENS[*t].bytes());
            }
            Mutation::Bytes(f, b) => {
                let i = at(*f);
                bytes.splice(i..i, b.iter().copied());
            }
            Mutation::Delete(f, n) => {
                let i = at(*f);
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::Repeat(f, len, n) => {
                let i = at(*f);
                let end = (i + len).min(bytes.len());
                let slice = bytes[i..end].to_vec();
                let more: Vec<u8> = slice
                    .iter()
                    .copied()
                    .cycle()
                    .take(slice.len() * n)
                    .collect();
                bytes.splice(end..end, more);
            }
            Mutation::Splice(f, s, g) => {
                let other = seeds[s % seeds.len()].as_bytes();
                let take = place(&other.to_vec(), *g);
                let i = at(*f);
                bytes.splice(i..i, other[..take].iter().copied());
            }
        }
        bytes.truncate(INPUT_LIMIT);
    }
    bytes
}

/// The worst seen so far, for the long run's closing note.
#[derive(Debug, Default, Clone)]
struct Worst {
    runs: u64,
    time: Duration,
    output: usize,
    input_for_time: usize,
}

static WORST: Mutex<Option<Worst>> = Mutex::new(None);

/// Parse `bytes` as a routine file read from disk (the path that finds
/// bytes that are not UTF-8), then as text.
fn exercise_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => exercise(text, None),
        Err(_) => {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("fuzz.toml");
            std::fs::write(&path, bytes).unwrap();
            exercise(&String::from_utf8_lossy(bytes), Some(&path))
        }
    }
}

/// Parse `text` as a routine and as settings (and the file at `path` as
/// a routine, when given), render the reports as the commands print them,
/// and check time, size and safety.
fn exercise(text: &str, path: Option<&Path>) -> Result<(), TestCaseError> {
    let start = Instant::now();
    let mut output = 0;
    let mut reports = Vec::new();
    if let Some(Err(problems)) = path.map(knotless::routine::load::load_file) {
        reports.push(problems.render(false));
    }
    if let Err(problems) = parse_routine("fuzz", "fuzz.toml", text) {
        reports.push(problems.render(false));
        reports.push(problems.summary_lines().join("\n"));
    }
    if let (_, Some(problems)) = Settings::parse_lenient("config.toml", text, Path::new("/cfg")) {
        reports.push(problems.render(false));
    }
    let took = start.elapsed();
    for report in &reports {
        output += report.len();
        if let Some(c) = report.chars().find(|&c| c.is_control() && c != '\n') {
            return Err(TestCaseError::fail(format!(
                "raw control character {c:?} in the output"
            )));
        }
    }
    {
        let mut worst = WORST.lock().unwrap();
        let worst = worst.get_or_insert_with(Worst::default);
        worst.runs += 1;
        if took > worst.time {
            worst.time = took;
            worst.input_for_time = text.len();
            // To study the slowest input: KNOTLESS_FUZZ_WORST=FILE.
            if let Some(path) = std::env::var_os("KNOTLESS_FUZZ_WORST") {
                let _ = std::fs::write(path, text);
            }
        }
        worst.output = worst.output.max(output);
    }
    prop_assert!(took <= TIME_LIMIT, "{took:?} for {} bytes", text.len());
    prop_assert!(
        output <= OUTPUT_LIMIT,
        "{output} bytes of output for {} bytes",
        text.len()
    );
    Ok(())
}

fn fuzz(cases: u32) -> Worst {
    let seeds = seeds();
    let n = seeds.len();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..n, prop::collection::vec(mutation(), 0..6));
    runner
        .run(&strategy, |(seed, mutations)| {
            let bytes = apply(seeds[seed].clone().into_bytes(), &mutations, &seeds);
            exercise_bytes(&bytes)
        })
        .unwrap();
    WORST.lock().unwrap().clone().unwrap_or_default()
}

#[test]
fn every_seed_is_quick_small_and_safe() {
    for seed in seeds() {
        exercise(&seed, None).unwrap();
    }
}

#[test]
fn fuzz_brief() {
    fuzz(200);
}

/// The long run: `KNOTLESS_FUZZ_CASES=100000 cargo test --release --test
/// integration fuzz_long -- --ignored --nocapture` (or `bench/fuzz.sh`).
#[test]
#[ignore = "long; bench/fuzz.sh runs it"]
fn fuzz_long() {
    let cases = std::env::var("KNOTLESS_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let start = Instant::now();
    let worst = fuzz(cases);
    println!(
        "fuzz: {} executions in {:.1} s; worst time {:.1} ms (input of {} bytes); largest output {} bytes",
        worst.runs,
        start.elapsed().as_secs_f64(),
        worst.time.as_secs_f64() * 1e3,
        worst.input_for_time,
        worst.output
    );
}

// History files from other machines: the same mutator over history lines
// (a sync tool may bring anything), read as every command reads them, and
// rendered as `knotless history` prints its warnings.

/// Lines as knotless writes them, and a few hostile ones.
fn history_seeds() -> Vec<String> {
    let line = |started: &str, extra: &str| {
        format!(
            "{{\"v\":1,\"started\":\"{started}\",\"routine_id\":\"daily-back\",\"routine_name\":\"Daily back reset\",\"planned_seconds\":729,\"practised_seconds\":729,\"outcome\":\"finished\",\"steps\":10,\"steps_done\":10{extra}}}\n"
        )
    };
    vec![
        line("2026-03-10T07:30:00+01:00", ""),
        line("2026-03-10T07:30:00+01:00", ",\"session_id\":\"5f3a9c0d2b1e4a77\",\"tension_before\":7,\"tension_after\":3").repeat(3),
        line("2026-03-10T07:30:00+01:00", ",\"outcome\":\"stopped\",\"stopped_at_step\":5,\"continues\":\"2026-03-10T07:00:00+01:00\"").repeat(2),
        line("9999-12-30T07:30:00+00:00", ""),
        line("2026-03-10T07:30:00+01:00", ",\"routine_name\":\"\\u001b]0;x\\u0007 \\u202e\"").repeat(2),
        "x\n".repeat(2_000),
        "{\"v\":1,\"sta".to_owned(),
    ]
}

static WORST_HISTORY: Mutex<Option<Worst>> = Mutex::new(None);

/// Write `bytes` as another machine's history beside this one's, read
/// them as `knotless history` does, render its warnings, and check time,
/// size and safety.
fn exercise_history(bytes: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("history-ci.jsonl");
    std::fs::write(&own, &history_seeds()[0]).unwrap();
    std::fs::write(dir.path().join("history-desk.jsonl"), bytes).unwrap();
    let start = Instant::now();
    let loaded = knotless::history::load(&own).unwrap();
    let mut out = String::new();
    for w in &loaded.warnings {
        out.push_str(&knotless::text::escape_inline(&w.to_string()));
        out.push('\n');
    }
    for n in &loaded.notes {
        out.push_str(&knotless::text::escape_inline(&n.to_string()));
        out.push('\n');
    }
    let stats = knotless::history::Stats::compute(&loaded.records, &jiff::Zoned::now());
    let took = start.elapsed();
    if let Some(c) = out.chars().find(|&c| c.is_control() && c != '\n') {
        return Err(TestCaseError::fail(format!(
            "raw control character {c:?} in the output"
        )));
    }
    {
        let mut worst = WORST_HISTORY.lock().unwrap();
        let worst = worst.get_or_insert_with(Worst::default);
        worst.runs += 1;
        if took > worst.time {
            worst.time = took;
            worst.input_for_time = bytes.len();
        }
        worst.output = worst.output.max(out.len());
    }
    prop_assert!(took <= TIME_LIMIT, "{took:?} for {} bytes", bytes.len());
    prop_assert!(out.len() <= 16 * 1024, "{} bytes of warnings", out.len());
    prop_assert!(
        loaded.warnings.len() <= 2 * knotless::history::WARNINGS_PER_FILE,
        "{} warnings listed",
        loaded.warnings.len()
    );
    // Nothing dated after tomorrow is ever "the last session".
    if let Some(last) = stats.last {
        let tomorrow = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(25);
        prop_assert!(last.started.timestamp() <= tomorrow, "{:?}", last.started);
    }
    Ok(())
}

fn fuzz_history(cases: u32) -> Worst {
    let seeds = history_seeds();
    let n = seeds.len();
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (0..n, prop::collection::vec(mutation(), 0..6));
    runner
        .run(&strategy, |(seed, mutations)| {
            let bytes = apply(seeds[seed].clone().into_bytes(), &mutations, &seeds);
            exercise_history(&bytes)
        })
        .unwrap();
    WORST_HISTORY.lock().unwrap().clone().unwrap_or_default()
}

#[test]
fn every_history_seed_is_quick_small_and_safe() {
    for seed in history_seeds() {
        exercise_history(seed.as_bytes()).unwrap();
    }
}

#[test]
fn fuzz_brief_history() {
    fuzz_history(100);
}

/// The long run over history files: `bench/fuzz.sh` runs it with the
/// routine one (`KNOTLESS_FUZZ_CASES` inputs each).
#[test]
#[ignore = "long; bench/fuzz.sh runs it"]
fn fuzz_long_history() {
    let cases = std::env::var("KNOTLESS_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let start = Instant::now();
    let worst = fuzz_history(cases);
    println!(
        "fuzz: history files: {} executions in {:.1} s; worst time {:.1} ms (input of {} bytes); largest warnings {} bytes",
        worst.runs,
        start.elapsed().as_secs_f64(),
        worst.time.as_secs_f64() * 1e3,
        worst.input_for_time,
        worst.output
    );
}
