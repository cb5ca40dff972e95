//! What is wrong with a file (a routine, the settings), where, and how to
//! fix it; and how that is shown: file:line:column, the line itself with a
//! caret, and a hint. Bounded whatever the file: the first `MAX_PROBLEMS`
//! problems, each quoting at most a few dozen characters of its line.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::{Error as FilesError, Files, SimpleFile};
use codespan_reporting::term::{self, termcolor};

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

pub(super) fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
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
