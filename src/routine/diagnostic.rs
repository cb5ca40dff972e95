//! What is wrong with a routine file, where, and how to fix it; and how that
//! is shown: file:line:column, the line itself with a caret, and a hint.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files, SimpleFile};
use codespan_reporting::term::{self, termcolor};
use toml::Spanned;
use toml::de::DeTable;

use crate::text::{VisibleSource, escape_inline, escape_multiline};
use std::io::Write as _;

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

/// At most this many problems are kept and shown per file: a file with
/// thousands of mistakes needs its first few fixed, and a report must stay
/// small and quick however hostile the file.
pub const MAX_PROBLEMS: usize = 20;
/// At most this many characters of a line are quoted before the caret...
const QUOTE_BEFORE: usize = 60;
/// ...under it...
const QUOTE_SPAN: usize = 80;
/// ...and in all: a line up to this long is quoted whole, a longer one is
/// cut around the caret, so one very long line never floods the output.
const QUOTE_WIDTH: usize = 160;
/// Messages, labels and hints that quote the file are cut to this length.
const MAX_TEXT: usize = 300;

/// Every problem found in one file, with what is needed to show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblems {
    /// The file as the user would name it.
    pub file: String,
    /// The file's text, when it could be read.
    pub source: Option<Arc<str>>,
    /// The first `MAX_PROBLEMS` problems.
    pub problems: Vec<Problem>,
    /// How many more were found and left out.
    pub more: usize,
}

impl FileProblems {
    pub fn new(
        file: impl Into<String>,
        source: Option<Arc<str>>,
        mut problems: Vec<Problem>,
    ) -> Self {
        let more = problems.len().saturating_sub(MAX_PROBLEMS);
        problems.truncate(MAX_PROBLEMS);
        Self {
            file: file.into(),
            source,
            problems,
            more,
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

    /// How many problems were found in all, shown or not.
    pub fn count(&self) -> usize {
        self.problems.len() + self.more
    }

    /// 1-based line and column (in characters) of a problem.
    pub fn location(&self, problem: &Problem) -> Option<(usize, usize)> {
        let (source, span) = (self.source.as_deref()?, problem.span.as_ref()?);
        let start = floor_char(source, span.start.min(source.len()));
        let before = &source[..start];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Some((line, before[line_start..].chars().count() + 1))
    }

    /// "file:line:col: message" for each problem, one line each: for the
    /// picker's details pane and for logs.
    pub fn summary_lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .problems
            .iter()
            .map(|p| {
                let place = match self.location(p) {
                    Some((l, c)) => format!("{}:{l}:{c}", clip(&escape_inline(&self.file))),
                    None => clip(&escape_inline(&self.file)),
                };
                format!("{place}: {}", clip(&escape_inline(&p.message)))
            })
            .collect();
        if let Some(more) = self.more_line() {
            lines.push(more);
        }
        lines
    }

    fn more_line(&self) -> Option<String> {
        (self.more > 0).then(|| {
            format!(
                "at least {} more problem{} in this file not shown: fix these first, then check again",
                self.more,
                if self.more == 1 { "" } else { "s" }
            )
        })
    }

    /// The full report, coloured or not. Control characters from the file
    /// are made visible here, whatever their source.
    pub fn render(&self, color: bool) -> String {
        let mut out = Vec::new();
        // Writing into memory cannot fail.
        let _ = self.write_to(&mut out, color);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Write the report as it is made: its size is bounded by
    /// `MAX_PROBLEMS` and the quoted width, never by the file's size.
    pub fn write_to(&self, out: &mut dyn std::io::Write, color: bool) -> std::io::Result<()> {
        let mut buffer = if color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        let config = term::Config::default();
        let name = clip(&escape_inline(&self.file));
        for problem in &self.problems {
            buffer.clear();
            let mut diagnostic = match problem.severity {
                Severity::Error => Diagnostic::error(),
                Severity::Warning => Diagnostic::warning(),
            };
            let message = clip(&escape_multiline(&problem.message));
            let excerpt = match (&problem.span, &self.source) {
                (Some(span), Some(source)) => Some(Excerpt::new(&name, source, span.clone())),
                _ => None,
            };
            match &excerpt {
                Some(excerpt) => {
                    let mut label = Label::primary((), excerpt.caret.clone());
                    if let Some(text) = &problem.label {
                        label = label.with_message(clip(&escape_inline(text)));
                    }
                    diagnostic = diagnostic
                        .with_message(message.clone())
                        .with_labels(vec![label]);
                }
                None => diagnostic = diagnostic.with_message(format!("{name}: {message}")),
            }
            if let Some(help) = &problem.help {
                diagnostic =
                    diagnostic.with_notes(vec![format!("help: {}", clip(&escape_multiline(help)))]);
            }
            let emitted = match &excerpt {
                Some(excerpt) => term::emit(&mut buffer, &config, excerpt, &diagnostic),
                None => {
                    let empty = SimpleFile::new(name.as_str(), "");
                    term::emit(&mut buffer, &config, &empty, &diagnostic)
                }
            };
            // Only an out-of-range span fails, which `Excerpt` rules out;
            // should it happen, the message alone still says what is wrong.
            if emitted.is_err() {
                buffer.clear();
                writeln!(buffer, "error: {name}: {message}")?;
            }
            out.write_all(buffer.as_slice())?;
        }
        if let Some(more) = self.more_line() {
            writeln!(out, "note: {}: {more}\n", name)?;
        }
        Ok(())
    }
}

impl fmt::Display for FileProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for FileProblems {}

/// Text cut to `MAX_TEXT` characters, with an ellipsis when cut.
fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The part of one line a problem quotes: at most a few dozen characters
/// either side of the caret, made visible, with the real line and column.
/// It stands in for the whole file when the report is drawn, so the cost of
/// a report does not grow with the length of the line.
struct Excerpt {
    name: String,
    /// The quoted part of the line, control characters made visible.
    text: String,
    line: usize,
    /// Column (1-based, in characters) of the first character of `text`.
    first_column: usize,
    /// Where the caret goes in `text`.
    caret: Range<usize>,
}

impl Excerpt {
    fn new(name: &str, source: &str, span: Range<usize>) -> Self {
        let span = first_line(source, span);
        let line_start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[span.start..]
            .find('\n')
            .map_or(source.len(), |i| span.start + i);
        let line_text = &source[line_start..line_end];
        let (start, end) = (span.start - line_start, span.end - line_start);
        let from = back_chars(line_text, start, QUOTE_BEFORE);
        let caret_end = ahead_chars(line_text, start, QUOTE_SPAN).min(end);
        let used = line_text[from..caret_end].chars().count();
        let to = ahead_chars(
            line_text,
            caret_end,
            QUOTE_WIDTH.saturating_sub(used).max(20),
        );
        let window = &line_text[from..to];
        let visible = VisibleSource::new(window);
        let lead = if from > 0 { "…" } else { "" };
        let tail = if to < line_text.len() { "…" } else { "" };
        let text = format!("{lead}{}{tail}\n", visible.text.trim_end_matches('\n'));
        let shift = lead.len();
        let caret = shift + visible.offset(start - from)..shift + visible.offset(caret_end - from);
        let line = source[..line_start].bytes().filter(|&b| b == b'\n').count() + 1;
        let first_column = line_text[..from].chars().count() + 1 - lead.chars().count();
        Self {
            name: name.to_owned(),
            text,
            line,
            first_column,
            caret,
        }
    }
}

/// The byte index `n` characters before `at` in `s` (or 0).
fn back_chars(s: &str, at: usize, n: usize) -> usize {
    s[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The byte index `n` characters after `at` in `s` (or its end).
fn ahead_chars(s: &str, at: usize, n: usize) -> usize {
    s[at..]
        .char_indices()
        .nth(n)
        .map_or(s.len(), |(i, _)| at + i)
}

impl<'a> Files<'a> for Excerpt {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), _: usize) -> Result<usize, FilesError> {
        Ok(0)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        match line_index {
            0 => Ok(0..self.text.len()),
            _ => Err(FilesError::LineTooLarge {
                given: line_index,
                max: 0,
            }),
        }
    }

    fn line_number(&'a self, (): (), _: usize) -> Result<usize, FilesError> {
        Ok(self.line)
    }

    fn column_number(&'a self, (): (), _: usize, byte: usize) -> Result<usize, FilesError> {
        let byte = floor_char(&self.text, byte.min(self.text.len()));
        Ok(self.first_column + self.text[..byte].chars().count())
    }
}

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
    let mut p = Problem::at(span, plain_words(message));
    if let Some(help) = value_help(message) {
        p = p.help(help);
    }
    p
}

/// How much of a file is read again, error by error, once it is known to
/// have a syntax error: enough for every problem a report shows. Past it,
/// a huge file of errors (a million on one line) would cost seconds and
/// hundreds of megabytes to list in full, only to be left out.
const SYNTAX_SCAN: usize = 64 * 1024;

/// Parse a TOML document; on a syntax error, the problems to report: the
/// first one exactly, then those the first `SYNTAX_SCAN` bytes hold.
pub fn parse_document(text: &str) -> Result<Spanned<DeTable<'_>>, Vec<Problem>> {
    let first = match DeTable::parse(text) {
        Ok(document) => return Ok(document),
        Err(e) => from_syntax_error(&e, text),
    };
    if text.len() <= SYNTAX_SCAN {
        let (_, errors) = DeTable::parse_recoverable(text);
        let mut found: Vec<Problem> = errors.iter().map(|e| from_syntax_error(e, text)).collect();
        if found.is_empty() {
            found.push(first);
        }
        found.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
        return Err(found);
    }
    let cut = floor_char(text, SYNTAX_SCAN);
    let cut = text[..cut]
        .rfind('\n')
        .filter(|&i| i > cut / 2)
        .unwrap_or(cut);
    let (_, errors) = DeTable::parse_recoverable(&text[..cut]);
    // An error at the very end of the part read may only be the cut (a
    // table or string left open): it is left out.
    let mut found: Vec<Problem> = errors
        .iter()
        .filter(|e| e.span().is_some_and(|s| s.start + 1 < cut))
        .map(|e| from_syntax_error(e, text))
        .collect();
    if !found.iter().any(|p| p.span == first.span) {
        found.push(first);
    }
    found.sort_by_key(|p| p.span.as_ref().map_or(0, |s| s.start));
    Err(found)
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

/// serde's words for what it wanted ("expected struct RawStep", "expected
/// u32") name Rust types; a routine author needs the TOML words.
fn plain_words(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("expected ") {
        out.push_str(&rest[..at + "expected ".len()]);
        rest = &rest[at + "expected ".len()..];
        let word_end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ' '))
            .unwrap_or(rest.len());
        let (wanted, after) = rest.split_at(word_end);
        let plain = match wanted.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["struct", ..] | ["map", ..] => Some("a table"),
            ["enum", ..] => Some("one of the allowed values"),
            [
                "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64",
                ..,
            ] => Some("a whole number"),
            ["f32" | "f64", ..] => Some("a number"),
            ["a", "sequence", ..] => Some("a list"),
            ["a", "boolean", ..] | ["bool", ..] => Some("true or false"),
            _ => None,
        };
        match plain {
            Some(words) => out.push_str(words),
            None => out.push_str(wanted),
        }
        rest = after;
    }
    out.push_str(rest);
    out
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
    fn serde_type_names_become_toml_words() {
        assert_eq!(
            plain_words("invalid type: integer `1`, expected struct RawStep"),
            "invalid type: integer `1`, expected a table"
        );
        assert_eq!(
            plain_words("invalid type: string \"x\", expected u32"),
            "invalid type: string \"x\", expected a whole number"
        );
        assert_eq!(plain_words("expected a string"), "expected a string");
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
    fn a_long_line_is_quoted_around_the_caret_with_its_real_column() {
        let src = format!(
            "name = \"{}\"\nbadkey = 1\n{}zz = 2\n",
            "n".repeat(5000),
            "y".repeat(9000)
        );
        let at = src.find("zz").unwrap();
        let fp = report(&src, Problem::at(at..at + 2, "unknown key").label("here"));
        let text = fp.render(false);
        assert!(text.contains("r.toml:3:9001"), "{text}");
        assert!(text.len() < 1000, "{} bytes", text.len());
        // The caret sits under the key in the quoted part.
        let quoted = text.lines().find(|l| l.contains("zz = 2")).unwrap();
        let caret = text.lines().find(|l| l.contains("^^ here")).unwrap();
        assert_eq!(
            quoted.find("zz").map(|i| quoted[..i].chars().count()),
            caret.find('^').map(|i| caret[..i].chars().count())
        );
    }

    #[test]
    fn thousands_of_problems_make_a_short_report_that_says_how_many_more() {
        let src: Arc<str> = Arc::from(format!("x = {{{}}}\n", "a,".repeat(50_000)));
        let problems = (0..5000)
            .map(|i| Problem::at(5 + 2 * i..6 + 2 * i, "set twice"))
            .collect();
        let fp = FileProblems::new("r.toml", Some(src), problems);
        assert_eq!(fp.count(), 5000);
        let text = fp.render(false);
        assert_eq!(text.matches("error: set twice").count(), MAX_PROBLEMS);
        assert!(
            text.contains("4980 more problems in this file not shown"),
            "{text}"
        );
        assert!(text.len() < 20 * 600, "{} bytes", text.len());
        assert_eq!(fp.summary_lines().len(), MAX_PROBLEMS + 1);
    }

    #[test]
    fn messages_quoting_a_huge_key_are_cut() {
        let key = "k".repeat(100_000);
        let src = format!("{key} = 1\n");
        let fp = report(
            &src,
            Problem::at(0..key.len(), format!("unknown key `{key}`")).help(format!("not `{key}`")),
        );
        let text = fp.render(false);
        assert!(text.len() < 2000, "{} bytes", text.len());
        assert!(text.contains("unknown key `kkkk"));
    }

    #[test]
    fn multi_line_spans_are_cut_to_their_first_line() {
        assert_eq!(first_line("[[steps]]\nkind = 1\n", 0..18), 0..9);
    }
}
