//! What is wrong with a routine file, where, and how to fix it; and how that
//! is shown: file:line:column, the line itself with a caret, and a hint.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

use crate::text::{VisibleSource, escape_inline, escape_multiline};

/// How bad a problem is: an error stops the file from being used; a
/// warning is advice to the routine's author (`check --strict` refuses it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Severity {
    #[default]
    Error,
    Warning,
}

/// One thing wrong in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// Byte range in the file's text, when the problem has a place.
    pub span: Option<Range<usize>>,
    /// What is wrong.
    pub message: String,
    /// A few words under the caret.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Problem {
    pub fn at(span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            span: Some(span),
            message: message.into(),
            label: None,
            help: None,
        }
    }

    /// Advice to the author at `span`: the file still works.
    pub fn warning(span: Range<usize>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::at(span, message)
        }
    }

    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    pub fn whole_file(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            span: None,
            message: message.into(),
            label: None,
            help: None,
        }
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Every problem found in one file, with what is needed to show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblems {
    /// The file as the user would name it.
    pub file: String,
    /// The file's text, when it could be read.
    pub source: Option<Arc<str>>,
    pub problems: Vec<Problem>,
}

impl FileProblems {
    pub fn new(file: impl Into<String>, source: Option<Arc<str>>, problems: Vec<Problem>) -> Self {
        Self {
            file: file.into(),
            source,
            problems,
        }
    }

    /// The problems that are errors (not warnings).
    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| !p.is_warning()).count()
    }

    /// Every warning made an error: `check --strict`.
    pub fn strict(mut self) -> Self {
        for p in &mut self.problems {
            p.severity = Severity::Error;
        }
        self
    }

    /// 1-based line and column (in characters) of a problem.
    pub fn location(&self, problem: &Problem) -> Option<(usize, usize)> {
        let (source, span) = (self.source.as_deref()?, problem.span.as_ref()?);
        let start = span.start.min(source.len());
        let before = source.get(..start)?;
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Some((line, before[line_start..].chars().count() + 1))
    }

    /// "file:line:col: message" for each problem, one line each: for the
    /// picker's details pane and for logs.
    pub fn summary_lines(&self) -> Vec<String> {
        self.problems
            .iter()
            .map(|p| {
                let place = match self.location(p) {
                    Some((l, c)) => format!("{}:{l}:{c}", escape_inline(&self.file)),
                    None => escape_inline(&self.file).into_owned(),
                };
                format!("{place}: {}", escape_inline(&p.message))
            })
            .collect()
    }

    /// The full report, coloured or not. Control characters from the file
    /// are made visible here, whatever their source.
    pub fn render(&self, color: bool) -> String {
        let mut out = if color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        let config = term::Config::default();
        let name = escape_inline(&self.file).into_owned();
        let visible = VisibleSource::new(self.source.as_deref().unwrap_or(""));
        let file = SimpleFile::new(name.clone(), visible.text.as_str());
        for problem in &self.problems {
            let mut diagnostic = match problem.severity {
                Severity::Error => Diagnostic::error(),
                Severity::Warning => Diagnostic::warning(),
            };
            let message = escape_multiline(&problem.message);
            match (&problem.span, &self.source) {
                (Some(span), Some(source)) => {
                    let range = first_line(source, span.clone());
                    let range = visible.offset(range.start)..visible.offset(range.end);
                    let mut label = Label::primary((), range);
                    if let Some(text) = &problem.label {
                        label = label.with_message(escape_inline(text));
                    }
                    diagnostic = diagnostic.with_message(message).with_labels(vec![label]);
                }
                _ => diagnostic = diagnostic.with_message(format!("{name}: {message}")),
            }
            if let Some(help) = &problem.help {
                diagnostic =
                    diagnostic.with_notes(vec![format!("help: {}", escape_multiline(help))]);
            }
            // Writing into a memory buffer only fails on an out-of-range
            // span, which `first_line` and `offset` rule out.
            let _ = term::emit(&mut out, &config, &file, &diagnostic);
        }
        String::from_utf8_lossy(out.as_slice()).into_owned()
    }
}

impl fmt::Display for FileProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for FileProblems {}

/// A span that runs over several lines (a whole `[[steps]]` table) is shown
/// on its first line only, so the caret stays on what matters.
fn first_line(source: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char(source, span.start.min(source.len()));
    let end = floor_char(source, span.end.clamp(start, source.len()));
    match source[start..end].find('\n') {
        Some(0) => start..start,
        Some(i) => start..start + i,
        None => start..end,
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The closest of `candidates` to a misspelt `word`, if one is close enough
/// to be what was meant.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word, c), c))
        .filter(|&(score, _)| score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Which table a serde error came from, for the words of its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Routine,
    Step,
}

/// Turn a message from toml/serde into a problem a routine author can act
/// on: unknown keys and values get a "did you mean", missing keys a hint.
pub fn from_toml_error(err: &toml::de::Error, fallback: Range<usize>, table: Table) -> Problem {
    from_toml_error_in(err, fallback, table, None)
}

/// As `from_toml_error`, knowing the key whose whole value is wrong, so the
/// message can name that key's allowed values or form.
pub fn from_toml_error_in(
    err: &toml::de::Error,
    fallback: Range<usize>,
    table: Table,
    key: Option<&str>,
) -> Problem {
    let span = err.span().unwrap_or(fallback);
    let message = err.message().trim_end();
    let wrong_type = message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.contains("wanted string or table");
    if let Some((expects, example)) = key.filter(|_| wrong_type).and_then(expected_form) {
        let key = key.unwrap_or_default();
        return Problem::at(span, format!("`{key}` takes {expects}"))
            .label("not a value this key takes")
            .help(format!("for example: {example}"));
    }
    if let Some((word, allowed)) = parse_unknown(message, "unknown field `") {
        let mut p = Problem::at(span, format!("unknown key `{word}`"));
        p = match did_you_mean(&word, allowed.iter().map(String::as_str)) {
            Some(m) => p.label(format!("did you mean `{m}`?")),
            None => p.label("not a key here"),
        };
        return p.help(format!("the keys allowed here are: {}", allowed.join(", ")));
    }
    if let Some((word, allowed)) = parse_unknown(message, "unknown variant `") {
        let mut p = Problem::at(span, format!("`{word}` is not one of the allowed values"));
        if let Some(m) = did_you_mean(&word, allowed.iter().map(String::as_str)) {
            p = p.label(format!("did you mean `{m}`?"));
        }
        return p.help(format!("use one of: {}", allowed.join(", ")));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or_default();
        let (span, label) = match (table, key) {
            // The whole document has no single place: point at its start.
            (Table::Routine, _) => (0..0, format!("the routine has no `{key}`")),
            (Table::Step, "kind" | "title") => (span, format!("this step has no `{key}`")),
            _ => (span, format!("this table has no `{key}`")),
        };
        return Problem::at(span, format!("missing key `{key}`"))
            .label(label)
            .help(missing_key_help(key));
    }
    let mut p = Problem::at(span, message.to_owned());
    if let Some(help) = value_help(message) {
        p = p.help(help);
    }
    p
}

/// A TOML syntax error, in words a routine author can act on.
pub fn from_syntax_error(err: &toml::de::Error, source: &str) -> Problem {
    let end = source.len();
    let span = err.span().unwrap_or(end..end);
    let message = err.message().trim_end();
    let quoted = source.get(span.clone()).unwrap_or_default();
    if message.starts_with("duplicate key") {
        return Problem::at(
            span,
            format!("the key `{quoted}` is set twice in this table"),
        )
        .label("set again here")
        .help("keep one of the two; each key may appear once per table");
    }
    if message.contains("non-double-quote visible characters")
        || message.contains("non-single-quote visible characters")
    {
        return Problem::at(
            span,
            "a control character cannot be written as it is inside a string",
        )
        .label("this character")
        .help("remove it, or write it as an escape such as \\u001b");
    }
    if message.starts_with("invalid basic string") && message.contains("expected `\"`") {
        return Problem::at(span, "this string is not closed")
            .label("the line ends here")
            .help("add a closing \" at the end of the text");
    }
    Problem::at(span, message.to_owned()).help(
        "check the TOML syntax at the caret: keys are `key = value`, text goes in double quotes, lists in [ ]",
    )
}

/// For an unknown key close to an allowed one, the key that was meant.
pub fn meant_key(err: &toml::de::Error) -> Option<String> {
    let (word, allowed) = parse_unknown(err.message().trim_end(), "unknown field `")?;
    did_you_mean(&word, allowed.iter().map(String::as_str)).map(str::to_owned)
}

/// "unknown field `x`, expected one of `a`, `b`" -> ("x", ["a", "b"]).
fn parse_unknown(message: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix(prefix)?;
    let (word, rest) = rest.split_once('`')?;
    let allowed = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect::<Vec<_>>();
    Some((word.to_owned(), allowed))
}

/// What a key takes, and an example line: for values of the wrong type.
pub fn expected_form(key: &str) -> Option<(String, String)> {
    use super::model::{Area, Position, Pressure, StepKind};
    fn list<T: Copy>(all: &[T], word: fn(T) -> &'static str) -> String {
        let words: Vec<String> = all.iter().map(|w| format!("\"{}\"", word(*w))).collect();
        format!("one of {}", words.join(", "))
    }
    let duration = || "a duration, like \"45s\", \"1m30s\" or \"2 min\", or whole seconds like 90";
    let text = "text in double quotes";
    Some(match key {
        "kind" => (
            list(StepKind::ALL, StepKind::word),
            "kind = \"kneading\"".into(),
        ),
        "area" => (list(Area::ALL, Area::word), "area = \"shoulders\"".into()),
        "pressure" => (
            list(Pressure::ALL, Pressure::word),
            "pressure = \"medium\"".into(),
        ),
        "position" => (
            list(Position::ALL, Position::word),
            "position = \"chair\"".into(),
        ),
        "sides" => (
            "\"both\" (left, then right), \"left\" or \"right\"".into(),
            "sides = \"both\"".into(),
        ),
        "cycles" => (
            "a whole number of 1 or more, without quotes".into(),
            "cycles = 6".into(),
        ),
        "duration" | "transition" | "switch" | "get_ready" | "at" => {
            (duration().into(), format!("{key} = \"30s\""))
        }
        "name" | "title" | "summary" | "safety" | "instructions" | "caution" | "glance"
        | "text" | "sound" => (text.into(), format!("{key} = \"...\"")),
        "tags" | "tools" | "prepare" => (
            "a list of text in square brackets".into(),
            format!("{key} = [\"hands\", \"tennis ball\"]"),
        ),
        "breath" => (
            format!(
                "a pattern name ({}) or seconds for each phase",
                crate::breath::NAMED_PATTERNS.join(", ")
            ),
            "breath = \"box\" or breath = { in = 4, out = 6 }".into(),
        ),
        "in" | "hold" | "out" | "hold_out" => (
            "a number of seconds without quotes; fractions are fine".into(),
            "breath = { in = 4, hold = 2, out = 5.5 }".into(),
        ),
        "breath_tones" | "voice" => ("true or false".into(), format!("{key} = true")),
        "say" => (
            "the words to say in double quotes, or false for silence".into(),
            "say = \"Lie down on your back\"".into(),
        ),
        "cues" => (
            "a list of cues, each with `at` and `text`".into(),
            "cues = [{ at = \"30s\", text = \"Now the other way\" }]".into(),
        ),
        "defaults" => (
            "a table of pressure, transition and switch".into(),
            "[defaults] then transition = \"5s\" on the next line".into(),
        ),
        _ => return None,
    })
}

fn missing_key_help(key: &str) -> String {
    match key {
        "name" => "add a line like name = \"Evening neck release\" at the top of the file".into(),
        "kind" => format!(
            "add kind = \"...\", one of: {}",
            super::model::StepKind::ALL
                .iter()
                .map(|k| k.word())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "title" => "add title = \"...\": a few words shown in large type during the step".into(),
        "at" | "text" => {
            "every cue needs both: { at = \"30s\", text = \"Now the other way\" }".into()
        }
        "in" | "out" => {
            "a custom breath needs at least in and out, in seconds: { in = 4, out = 6 }".into()
        }
        other => format!("add `{other}`"),
    }
}

fn value_help(message: &str) -> Option<&'static str> {
    if message.contains("as a duration")
        || message.contains("duration has no unit")
        || message.contains("duration is empty")
        || message.contains("duration cannot be negative")
        || message.contains("number of seconds must be whole")
    {
        return Some(super::duration::HOW);
    }
    if message.contains("wanted string or table") {
        return Some("put the value in double quotes, like kind = \"kneading\"");
    }
    if message.starts_with("invalid value") && message.contains("expected u32") {
        return Some("write a whole number of 1 or more, without quotes, like 6");
    }
    if !message.starts_with("invalid type") {
        return None;
    }
    Some(if message.contains("expected a sequence") {
        "write a list in square brackets, like [\"hands\", \"tennis ball\"]"
    } else if message.contains("expected a string") {
        "put the text in double quotes"
    } else if message.contains("expected u32") || message.contains("expected integer") {
        "write a whole number without quotes, like 6"
    } else if message.contains("expected f64") {
        "write a number of seconds without quotes, like 4 or 5.5"
    } else if message.contains("expected struct") {
        "this key takes a table: a [section] or { key = value, ... }"
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(src: &str, problem: Problem) -> FileProblems {
        FileProblems::new("r.toml", Some(Arc::from(src)), vec![problem])
    }

    #[test]
    fn points_at_line_and_column_with_a_caret() {
        let src = "name = \"x\"\n[[steps]]\nduraton = \"1m\"\n";
        let at = src.find("duraton").unwrap();
        let fp = report(
            src,
            Problem::at(at..at + 7, "unknown key `duraton`").label("did you mean `duration`?"),
        );
        assert_eq!(fp.location(&fp.problems[0]), Some((3, 1)));
        let text = fp.render(false);
        assert!(text.contains("r.toml:3:1"), "{text}");
        assert!(text.contains("^^^^^^^ did you mean `duration`?"), "{text}");
    }

    #[test]
    fn control_characters_in_the_file_never_pass_through() {
        let src = "name = \"\u{1b}]0;pwned\u{7}\"\nbad\u{1b}[2J = 1\n";
        let at = src.find("bad").unwrap();
        let fp = report(src, Problem::at(at..at + 7, "unknown key `bad\u{1b}[2J`"));
        let text = fp.render(false);
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(text.contains("unknown key `bad\\u{1b}[2J`"));
        assert!(text.contains("r.toml:2:1"));
    }

    #[test]
    fn suggestions_only_when_close() {
        assert_eq!(
            did_you_mean("duraton", ["duration", "title"]),
            Some("duration")
        );
        assert_eq!(
            did_you_mean("Kneeding", ["kneading", "tapping"]),
            Some("kneading")
        );
        assert_eq!(did_you_mean("zzz", ["duration", "title"]), None);
    }

    #[test]
    fn multi_line_spans_are_cut_to_their_first_line() {
        assert_eq!(first_line("[[steps]]\nkind = 1\n", 0..18), 0..9);
    }
}
