//! The command line as a user meets it: `check`, `list`, `show`, and what
//! they print for good files, broken files and files carrying terminal
//! escape sequences.

use std::fs;
use std::path::{Path, PathBuf};

use unicode_width::UnicodeWidthStr;

use crate::support::{Home, Out, Run, fixture, routine, stable};

fn fixtures() -> PathBuf {
    crate::support::root().join("tests/fixtures")
}

/// One invalid fixture: where the mistake is, what the message says, and
/// the suggestion, if the mistake is close to something allowed.
struct Invalid {
    file: &'static str,
    line: usize,
    col: usize,
    message: &'static str,
    suggestion: Option<&'static str>,
}

const fn bad(file: &'static str, line: usize, col: usize, message: &'static str) -> Invalid {
    Invalid {
        file,
        line,
        col,
        message,
        suggestion: None,
    }
}

const fn bad_with_hint(
    file: &'static str,
    line: usize,
    col: usize,
    message: &'static str,
    suggestion: &'static str,
) -> Invalid {
    Invalid {
        file,
        line,
        col,
        message,
        suggestion: Some(suggestion),
    }
}

/// Every file in tests/fixtures/invalid, each with exactly one mistake.
/// Lines and columns were read off the fixtures by hand: they point at the
/// offending key or value, or at `[[steps]]` for something missing from a
/// step.
const INVALID: &[Invalid] = &[
    bad_with_hint(
        "unknown-step-key.toml",
        7,
        1,
        "unknown key `duraton`",
        "did you mean `duration`?",
    ),
    bad_with_hint(
        "unknown-top-level-key.toml",
        2,
        1,
        "unknown key `sumary`",
        "did you mean `summary`?",
    ),
    bad_with_hint(
        "unknown-kind.toml",
        10,
        8,
        "`kneeding` is not one of the allowed values",
        "did you mean `kneading`?",
    ),
    bad_with_hint(
        "unknown-area.toml",
        7,
        8,
        "`shoulder` is not one of the allowed values",
        "did you mean `shoulders`?",
    ),
    bad(
        "unknown-pressure.toml",
        8,
        12,
        "`strong` is not one of the allowed values",
    ),
    bad(
        "unreadable-duration.toml",
        6,
        12,
        "cannot read this as a duration",
    ),
    bad(
        "duration-without-unit.toml",
        6,
        12,
        "this duration has no unit: write \"90s\"",
    ),
    bad(
        "zero-duration.toml",
        6,
        12,
        "a step cannot last zero seconds",
    ),
    bad(
        "duration-over-two-hours.toml",
        6,
        12,
        "a step may last at most two hours",
    ),
    bad(
        "cue-past-end-of-step.toml",
        10,
        10,
        "this cue at 1:00 is at or past the end of its step, which lasts 1:00",
    ),
    bad("cue-with-empty-text.toml", 8, 30, "the cue's text is empty"),
    bad(
        "breathing-without-pattern.toml",
        4,
        8,
        "a breathing step needs a pattern",
    ),
    bad(
        "breathing-with-cycles-and-duration.toml",
        7,
        10,
        "a breathing step takes `cycles` or `duration`, not both",
    ),
    bad(
        "breathing-without-length.toml",
        4,
        8,
        "a breathing step needs `cycles` or `duration`",
    ),
    bad(
        "cycles-on-massage-step.toml",
        8,
        10,
        "only breathing steps take `cycles`; this is a warm-up step",
    ),
    bad_with_hint(
        "unknown-breath-pattern.toml",
        6,
        10,
        "there is no breathing pattern called \"boxx\"",
        "did you mean `box`?",
    ),
    bad(
        "custom-breath-zero-in.toml",
        6,
        17,
        "`in` must be from 0.5 to 60 seconds",
    ),
    bad(
        "custom-breath-negative-in.toml",
        6,
        17,
        "`in` must be from 0.5 to 60 seconds",
    ),
    bad_with_hint(
        "custom-breath-unknown-key.toml",
        6,
        39,
        "unknown key `hodl_out`",
        "did you mean `hold_out`?",
    ),
    bad(
        "sides-on-breathing-step.toml",
        8,
        9,
        "a breathing step has no sides",
    ),
    bad("sides-on-rest-step.toml", 7, 9, "a rest step has no sides"),
    bad(
        "sides-on-whole-body-step.toml",
        8,
        9,
        "`sides` needs a part of the body that has two sides; whole-body does not",
    ),
    bad("empty-name.toml", 1, 8, "the routine's name is empty"),
    bad("empty-title.toml", 5, 9, "the step's title is empty"),
    bad("no-steps.toml", 1, 1, "the routine has no steps"),
    bad("missing-title.toml", 3, 1, "missing key `title`"),
    bad("missing-duration.toml", 3, 1, "the step has no duration"),
    bad(
        "tools-not-a-list.toml",
        2,
        9,
        "`tools` takes a list of text in square brackets",
    ),
    bad("unterminated-string.toml", 5, 24, "string"),
    bad("duplicate-key.toml", 7, 1, "is set twice in this table"),
    bad(
        "transition-over-a-minute.toml",
        4,
        14,
        "a get-ready pause of 1 min 30 s is too long",
    ),
    bad(
        "too-many-steps.toml",
        2503,
        1,
        "a routine may have at most 500 steps; this one has 501",
    ),
    bad("not-utf8.toml", 5, 20, "this file is not UTF-8 text"),
    bad(
        "glance-too-long.toml",
        7,
        10,
        "the glance line is 69 characters; it may have at most 60",
    ),
    bad(
        "say-true.toml",
        7,
        7,
        "`say` takes the words to say, or false",
    ),
    bad(
        "switch-on-one-sided-step.toml",
        8,
        10,
        "`switch` is the pause between the two sides of a step; this step has only one",
    ),
    bad(
        "get-ready-over-a-minute.toml",
        8,
        13,
        "a get-ready pause of 2 min is too long",
    ),
    bad(
        "sides-not-a-word.toml",
        8,
        9,
        "`sides` takes \"both\" (left, then right), \"left\" or \"right\"",
    ),
    bad(
        "cycles-in-quotes.toml",
        7,
        10,
        "`cycles` takes a whole number of 1 or more, without quotes",
    ),
    bad_with_hint(
        "unknown-position.toml",
        7,
        12,
        "`flor` is not one of the allowed values",
        "did you mean `floor`?",
    ),
];

/// The `*.toml` entries of a fixture directory (files and directories).
fn toml_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    names
}

/// The column (1-based, in characters) of the first `^` under source line
/// `line` in a rendered diagnostic.
fn caret_column(report: &str, line: usize) -> Option<usize> {
    let mut lines = report.lines();
    let prefix = format!("{line} │ ");
    lines.find(|l| l.trim_start().starts_with(&prefix))?;
    let under = lines.next()?;
    let (_, after_bar) = under.split_once('│')?;
    let after_bar = after_bar.strip_prefix(' ')?;
    after_bar.chars().position(|c| c == '^').map(|i| i + 1)
}

#[test]
fn every_invalid_fixture_is_covered_by_the_table() {
    let mut in_table: Vec<String> = INVALID.iter().map(|f| f.file.to_owned()).collect();
    in_table.push("a-directory.toml".to_owned());
    in_table.sort();
    assert_eq!(toml_entries(&fixtures().join("invalid")), in_table);
    assert!(INVALID.len() >= 24);
}

#[test]
fn five_different_mistakes_are_reported_in_one_run() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.current_dir(fixtures().join("many"))
        .args(["check", "five-mistakes.toml"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    for (at, message) in [
        ("6:1", "unknown key `duraton`"),
        ("11:12", "cannot read this as a duration"),
        (
            "17:9",
            "`sides` takes \"both\" (left, then right), \"left\" or \"right\"",
        ),
        (
            "23:16",
            "this cue at 0:45 is at or past the end of its step",
        ),
        ("25:1", "missing key `title`"),
    ] {
        assert!(
            out.stdout.contains(&format!("five-mistakes.toml:{at}\n")),
            "no {at}\n{}",
            out.stdout
        );
        assert!(out.stdout.contains(message), "no {message}\n{}", out.stdout);
    }
    assert_eq!(out.stdout.matches("error: ").count(), 5, "{}", out.stdout);
    assert!(
        out.stdout.contains("5 problems in 1 of 1 file"),
        "{}",
        out.stdout
    );
}

#[test]
fn authoring_warnings_pass_unless_strict() {
    let home = Home::new();
    for fixture in [
        "long-instructions",
        "long-glance",
        "long-hold-without-caution",
        "too-many-4-7-8",
        "floor-without-get-ready",
    ] {
        let file = format!("{fixture}.toml");
        let check = |strict: &[&str]| {
            let mut cmd = home.knotless();
            cmd.current_dir(fixtures().join("warnings"))
                .arg("check")
                .args(strict)
                .arg(&file);
            cmd.run()
        };
        let out = check(&[]);
        assert_eq!(out.code, Some(0), "{fixture}\n{}", out.stdout);
        let strict = check(&["--strict"]);
        assert_eq!(strict.code, Some(1), "{fixture}\n{}", strict.stdout);
        // One warning, passed; the same one, an error under --strict.
        insta::assert_snapshot!(
            format!("warning_{fixture}"),
            format!("{}--- with --strict:\n{}", out.stdout, strict.stdout)
        );
    }
}

#[test]
fn every_built_in_passes_check_strict() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.args(["check", "--strict"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert!(!out.stdout.contains("warning"), "{}", out.stdout);
}

#[test]
fn each_mistake_is_reported_at_its_line_and_column_with_a_caret() {
    let home = Home::new();
    let mut failures = Vec::new();
    for case in INVALID {
        let mut cmd = home.knotless();
        cmd.current_dir(fixtures().join("invalid"))
            .args(["check", case.file]);
        let out = cmd.run();
        let where_ = format!("{}:{}:{}\n", case.file, case.line, case.col);
        let mut wrong = Vec::new();
        if out.code != Some(1) {
            wrong.push(format!("exit status {:?}, expected 1", out.code));
        }
        if !out.stdout.contains(&format!("┌─ {where_}")) {
            wrong.push(format!("no `{}` location", where_.trim_end()));
        }
        if !out.stdout.contains(case.message) {
            wrong.push(format!("no message `{}`", case.message));
        }
        if let Some(hint) = case.suggestion
            && !out.stdout.contains(hint)
        {
            wrong.push(format!("no suggestion `{hint}`"));
        }
        // The offending line is quoted, with the caret under the mistake.
        let text = fs::read(fixture("invalid", case.file)).unwrap();
        let text = String::from_utf8_lossy(&text);
        let source_line = text.lines().nth(case.line - 1).unwrap();
        if !out
            .stdout
            .contains(&format!("{} │ {}\n", case.line, source_line))
        {
            wrong.push(format!("line {} is not quoted", case.line));
        }
        if caret_column(&out.stdout, case.line) != Some(case.col) {
            wrong.push(format!(
                "caret at column {:?}, expected {}",
                caret_column(&out.stdout, case.line),
                case.col
            ));
        }
        // One mistake per fixture, so exactly one problem.
        if !out
            .stdout
            .contains(&format!("1 problem in 1 of 1 file: {}\n", case.file))
        {
            wrong.push("summary is not `1 problem in 1 of 1 file`".to_owned());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{}: {}\n--- stdout:\n{}--- stderr:\n{}",
                case.file,
                wrong.join("; "),
                out.stdout,
                out.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_problem_comes_with_a_hint_on_how_to_fix_it() {
    let home = Home::new();
    for case in INVALID {
        let mut cmd = home.knotless();
        cmd.current_dir(fixtures().join("invalid"))
            .args(["check", case.file]);
        let out = cmd.run();
        let hinted = out.stdout.contains("= help: ")
            || out.stdout.contains("write ")
            || out.stdout.contains("did you mean");
        assert!(hinted, "{}: no hint\n{}", case.file, out.stdout);
    }
}

#[test]
fn a_directory_named_like_a_routine_is_refused_with_a_clear_message() {
    let home = Home::new();
    let dir = fixture("invalid", "a-directory.toml");
    assert!(dir.is_dir(), "the fixture must be a directory");

    let mut cmd = home.knotless();
    cmd.arg("show").arg(&dir);
    let out = cmd.run();
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("this is a directory, not a routine file"),
        "{}",
        out.stderr
    );

    // `check` takes directories, so it looks inside and finds nothing.
    let mut cmd = home.knotless();
    cmd.arg("check").arg(&dir);
    let out = cmd.run();
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("no routine files (*.toml) in this directory"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_missing_file_is_reported_not_a_crash() {
    let home = Home::new();
    let missing = home.dir("empty").join("no-such-routine.toml");

    let mut cmd = home.knotless();
    cmd.arg("check").arg(&missing);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert!(
        out.stdout.contains("no-such-routine.toml: no such file"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("1 problem in 1 of 1 file"),
        "{}",
        out.stdout
    );

    let mut cmd = home.knotless();
    cmd.arg("show").arg(&missing);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("no such file"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn a_file_over_one_mebibyte_is_refused_unread() {
    let home = Home::new();
    let big = home.dir("big").join("huge.toml");
    let mut text = String::from("name = \"Huge\"\n");
    text.push_str(&"# padding\n".repeat(1024 * 1024 / 10 + 10));
    assert!(text.len() > 1024 * 1024);
    fs::write(&big, text).unwrap();

    let mut cmd = home.knotless();
    cmd.arg("check").arg(&big);
    let out = cmd.run();
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stdout.contains("huge.toml: this file is"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("routine files may be at most 1 MiB"),
        "{}",
        out.stdout
    );

    let mut cmd = home.knotless();
    cmd.arg("show").arg(&big);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("at most 1 MiB"), "{}", out.stderr);
}

#[test]
fn checking_the_invalid_directory_reports_every_file() {
    let home = Home::new();
    let dir = fixtures().join("invalid");
    let names = toml_entries(&dir);
    let n = names.len();

    let mut cmd = home.knotless();
    cmd.current_dir(&dir).args(["check", "."]);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    let summary = out.stdout.lines().last().unwrap();
    let expected = format!("{n} problems in {n} of {n} files: ");
    assert!(
        summary.starts_with(&expected),
        "expected `{expected}...`, got `{summary}`"
    );
    for name in &names {
        assert!(
            summary.contains(&format!("./{name}")),
            "{name} missing from `{summary}`"
        );
    }
    // Every file's own diagnostic is there too, not only its name.
    for case in INVALID {
        let where_ = format!("./{}:{}:{}\n", case.file, case.line, case.col);
        assert!(out.stdout.contains(&where_), "no {where_}");
    }
    assert!(
        out.stdout
            .contains("./a-directory.toml: this is a directory, not a routine file")
    );
}

#[test]
fn the_valid_fixtures_pass_check() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.args(["check", "tests/fixtures/valid"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    let n = toml_entries(&fixtures().join("valid")).len();
    assert_eq!(out.stdout, format!("All {n} routine files are fine.\n"));
}

#[test]
fn check_with_no_arguments_checks_the_built_ins() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.arg("check");
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert_eq!(out.stdout, "All 18 routine files are fine.\n");
}

#[test]
fn check_with_no_arguments_also_checks_the_users_routines() {
    let home = Home::new();
    home.routine_from("invalid", "unknown-step-key.toml", "mine");
    let mut cmd = home.knotless();
    cmd.arg("check");
    let out = cmd.run();
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(out.stdout.contains("mine.toml:7:1\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("1 problem in 1 of 19 files"),
        "{}",
        out.stdout
    );
}

/// The cells of a table row, split on runs of two or more spaces.
fn cells(line: &str) -> Vec<&str> {
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

fn row<'a>(table: &'a str, id: &str) -> Option<&'a str> {
    table
        .lines()
        .find(|l| l.split_whitespace().next() == Some(id))
}

/// What knotless `args` printed on success, the home's path made stable.
fn printed(home: &Home, args: &[&str]) -> String {
    let out = home.knotless().args(args).run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // Snapshots ignore a missing last newline.
    assert!(out.stdout.ends_with('\n'), "{}", out.stdout);
    stable(home, &out.stdout)
}

#[test]
fn list_shows_the_eleven_built_ins_with_their_lengths() {
    let home = Home::new();
    insta::assert_snapshot!(printed(&home, &["list"]));
}

#[test]
fn list_with_routines_dir_shows_the_valid_fixtures_beside_the_built_ins() {
    let home = Home::new();
    let args = ["--routines", "tests/fixtures/valid", "list"];
    insta::assert_snapshot!(printed(&home, &args));
}

#[test]
fn a_broken_file_is_listed_as_broken_and_hides_nothing() {
    let home = Home::new();
    let dir = home.dir("mixed");
    for (group, name, to) in [
        ("valid", "custom-breath.toml", "custom-breath.toml"),
        (
            "valid",
            "two-sided-with-cues.toml",
            "two-sided-with-cues.toml",
        ),
        ("invalid", "unknown-kind.toml", "oops.toml"),
    ] {
        fs::copy(fixture(group, name), dir.join(to)).unwrap();
    }
    let dir = dir.display().to_string();
    insta::assert_snapshot!(printed(&home, &["--routines", &dir, "list"]));
}

#[test]
fn a_user_routine_with_a_built_in_id_replaces_the_built_in() {
    let home = Home::new();
    home.routine(
        "desk-break",
        &routine("My own desk break").rest("Sit back", "1m").text(),
    );
    insta::assert_snapshot!("user_desk_break_list", printed(&home, &["list"]));
    insta::assert_snapshot!(
        "user_desk_break_show",
        printed(&home, &["show", "desk-break"])
    );
}

#[test]
fn show_prints_the_timeline_with_a_total() {
    let home = Home::new();
    insta::assert_snapshot!(printed(&home, &["show", "daily-back"]));
}

#[test]
fn show_of_an_unknown_id_suggests_the_closest_one() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.args(["show", "daily-bak"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("no routine called `daily-bak`"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `daily-back`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn show_of_a_broken_routine_prints_its_problems() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.args(["show", "tests/fixtures/invalid/unknown-kind.toml"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("unknown-kind.toml:10:8\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `kneading`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn show_by_path_works_and_wide_titles_line_up() {
    let home = Home::new();
    let out = printed(&home, &["show", "tests/fixtures/valid/肩こり-evening.toml"]);
    insta::assert_snapshot!(out);

    // The AREA column starts at the same display column after a CJK/emoji
    // title as after a plain one.
    let area_column = |title: &str, area: &str| {
        let line = out
            .lines()
            .find(|l| l.contains(title))
            .unwrap_or_else(|| panic!("no row for {title}\n{out}"));
        let after = line.find(title).unwrap() + title.len();
        let at = after + line[after..].find(area).unwrap();
        line[..at].width()
    };
    let header = out.lines().find(|l| l.starts_with("START")).unwrap();
    let header_area = header[..header.find("AREA").unwrap()].width();
    assert_eq!(area_column("Trapezius squeeze", "shoulders"), header_area);
    assert_eq!(area_column("肩回し 🔄", "shoulders"), header_area);
    assert_eq!(area_column("首のストレッチ", "neck"), header_area);
}

#[test]
fn list_lines_up_wide_names() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.args(["--routines", "tests/fixtures/valid", "list"]);
    let out = cmd.run();
    let header = out.stdout.lines().next().unwrap();
    // LENGTH is right-aligned: every length ends where the heading ends.
    let end = header[..header.find("LENGTH").unwrap() + "LENGTH".len()].width();
    for id in ["肩こり-evening", "daily-back", "custom-breath"] {
        let line = row(&out.stdout, id).unwrap();
        let length = cells(line)[2];
        let at = line.find(&format!(" {length} ")).unwrap() + 1 + length.len();
        assert_eq!(line[..at].width(), end, "{line}");
    }
}

#[test]
fn show_counts_both_sides_and_fractional_breaths() {
    let home = Home::new();
    insta::assert_snapshot!(
        "show_two_sided_with_cues",
        printed(
            &home,
            &["show", "tests/fixtures/valid/two-sided-with-cues.toml"]
        )
    );
    insta::assert_snapshot!(
        "show_custom_breath",
        printed(&home, &["show", "tests/fixtures/valid/custom-breath.toml"])
    );
}

/// Fails on any byte a terminal would act on: C0 controls but newline, DEL,
/// and C1 controls (UTF-8 0xC2 0x80..=0x9F).
fn assert_no_raw_controls(what: &str, bytes: &[u8]) {
    for (i, &b) in bytes.iter().enumerate() {
        let c1 = b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n));
        assert!(
            !((b < 0x20 && b != b'\n') || b == 0x7f || c1),
            "{what}: raw control byte {b:#04x} at {i}:\n{}",
            String::from_utf8_lossy(bytes).escape_debug()
        );
    }
}

fn assert_all_safe(what: &str, out: &Out) {
    assert_no_raw_controls(&format!("{what} stdout"), &out.raw_stdout);
    assert_no_raw_controls(&format!("{what} stderr"), &out.raw_stderr);
}

#[test]
fn control_fixtures_hold_the_control_bytes_they_are_about() {
    let read = |name| fs::read(fixture("control", name)).unwrap();
    let key = read("raw-escape-in-key.toml");
    assert!(key.windows(9).any(|w| w == b"\x1b]0;pwned"));
    assert!(key.contains(&0x07));
    let bad_line = read("raw-escape-in-bad-line.toml");
    assert!(bad_line.contains(&0x1b));
    assert!(bad_line.windows(2).any(|w| w == [0xc2, 0x9b]));
    for name in ["escaped-escape-in-values.toml", "escaped-escape-valid.toml"] {
        let text = read(name);
        assert!(!text.contains(&0x1b), "{name} should use the TOML escape");
        assert!(text.windows(6).any(|w| w == b"\\u001b"));
    }
}

#[test]
fn a_raw_escape_in_a_quoted_key_is_shown_as_a_control_picture() {
    let home = Home::new();
    let file = fixture("control", "raw-escape-in-key.toml");
    let mut cmd = home.knotless();
    cmd.arg("check").arg(&file);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert_all_safe("check", &out);
    assert!(
        out.stdout.contains("raw-escape-in-key.toml:8:8\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\"colour␛]0;pwned␇\" = \"red\""),
        "{}",
        out.stdout
    );

    let mut cmd = home.knotless();
    cmd.arg("show").arg(&file);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert_all_safe("show", &out);
    assert!(out.stderr.contains('␛'), "{}", out.stderr);
}

#[test]
fn escapes_written_in_toml_string_values_are_shown_escaped_in_diagnostics() {
    let home = Home::new();
    let file = fixture("control", "escaped-escape-in-values.toml");
    let mut cmd = home.knotless();
    cmd.arg("check").arg(&file);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert_all_safe("check", &out);
    assert!(
        out.stdout
            .contains("unknown key `colour\\u{1b}]0;pwned\\u{7}`"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("there is no breathing pattern called \"box\\u{1b}[2J\""),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("escaped-escape-in-values.toml:9:1\n"));
    assert!(out.stdout.contains("escaped-escape-in-values.toml:14:10\n"));

    let mut cmd = home.knotless();
    cmd.arg("show").arg(&file);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert_all_safe("show", &out);
    assert!(out.stderr.contains("\\u{1b}"), "{}", out.stderr);
}

#[test]
fn escapes_in_a_valid_routine_are_shown_escaped_by_list_and_show() {
    let home = Home::new();
    let file = fixture("control", "escaped-escape-valid.toml");

    let mut cmd = home.knotless();
    cmd.arg("check").arg(&file);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert_all_safe("check", &out);

    let mut cmd = home.knotless();
    cmd.args(["--routines", "tests/fixtures/control", "list"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(0));
    assert_all_safe("list", &out);
    let line = row(&out.stdout, "escaped-escape-valid").unwrap();
    assert!(line.contains("Neck \\u{1b}[2Jbreak"), "{line}");
    for broken in [
        "escaped-escape-in-values",
        "raw-escape-in-bad-line",
        "raw-escape-in-key",
    ] {
        assert!(row(&out.stdout, broken).unwrap().contains("BROKEN"));
    }

    let mut cmd = home.knotless();
    cmd.arg("show").arg(&file);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_all_safe("show", &out);
    assert!(
        out.stdout
            .starts_with("Neck \\u{1b}[2Jbreak (escaped-escape-valid, file)\n")
    );
    assert!(
        out.stdout
            .contains("Clears your screen \\u{1b}]0;pwned\\u{7} if printed raw.")
    );
    assert!(
        out.stdout.contains("Shoulder \\u{1b}[31mrolls"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("cue: Now \\u{9b}2Jforwards"),
        "{}",
        out.stdout
    );

    let mut cmd = home.knotless();
    cmd.args([
        "--routines",
        "tests/fixtures/control",
        "show",
        "escaped-escape-valid",
    ]);
    let out = cmd.run();
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_all_safe("show by id", &out);
}

#[test]
fn raw_escape_and_c1_bytes_in_a_line_that_fails_to_parse_are_made_visible() {
    let home = Home::new();
    let file = fixture("control", "raw-escape-in-bad-line.toml");
    let mut cmd = home.knotless();
    cmd.arg("check").arg(&file);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert_all_safe("check", &out);
    assert!(
        out.stdout.contains("raw-escape-in-bad-line.toml:4:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("kind = warm-up␛[31m\\u{9b}2J\n"),
        "{}",
        out.stdout
    );

    let mut cmd = home.knotless();
    cmd.arg("show").arg(&file);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert_all_safe("show", &out);
    assert!(out.stderr.contains('␛'), "{}", out.stderr);
}

#[test]
fn checking_the_whole_control_directory_prints_no_raw_control_bytes() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.args(["check", "tests/fixtures/control"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(1));
    assert_all_safe("check", &out);
    assert!(out.stdout.contains("in 3 of 4 files"), "{}", out.stdout);
}

#[test]
fn version_and_help_work() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.arg("--version");
    let out = cmd.run();
    assert_eq!(out.code, Some(0));
    assert!(
        out.stdout
            .starts_with(&format!("knotless {} (", env!("CARGO_PKG_VERSION"))),
        "the version, then the build features: {}",
        out.stdout
    );

    let mut cmd = home.knotless();
    cmd.arg("--help");
    let out = cmd.run();
    assert_eq!(out.code, Some(0));
    for word in [
        "Usage:",
        "list",
        "check",
        "show",
        "completions",
        "--routines",
    ] {
        assert!(out.stdout.contains(word), "no {word} in\n{}", out.stdout);
    }
}

#[test]
fn an_unknown_subcommand_is_a_usage_error() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.arg("lsit");
    let out = cmd.run();
    assert_eq!(out.code, Some(2));
    assert!(out.stderr.contains("lsit"), "{}", out.stderr);
}

#[test]
fn completions_for_bash_name_the_program() {
    let home = Home::new();
    let mut cmd = home.knotless();
    cmd.args(["completions", "bash"]);
    let out = cmd.run();
    assert_eq!(out.code, Some(0));
    assert!(out.stdout.contains("knotless"));
    assert!(out.stdout.contains("complete"), "{}", out.stdout);
}
