//! What a frame shows: plain data, built by the app (`crate::app::views`)
//! from routines, the history and the session. Text from files arrives
//! here already escaped, and lengths already written, so that screens only
//! lay out. Two equal views draw the same frame, so the app draws only
//! when the view changed.

use crate::session::SessionView;

#[derive(Debug, Clone, PartialEq)]
pub struct View<'a> {
    pub screen: ScreenView,
    /// The help overlay is open.
    pub help: bool,
    /// The status line (for instance why sound is off): in full for a
    /// while, then a short mark.
    pub status: Option<String>,
    /// The status message in full, for the help overlay.
    pub status_full: Option<String>,
    /// Show the breathing pacer as a stepped bar that changes once a
    /// second, with no animation.
    pub reduced_motion: bool,
    /// A one-key question over the screen ("How tense do you feel?").
    pub question: Option<&'a str>,
    /// The keys of the screen (under help, when it is open), from the
    /// keymap: help lists them all, the hint line the most useful.
    pub keys: Vec<crate::input::KeyHelp>,
    /// How much faster than real time the session runs, in a preview.
    pub speed: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScreenView {
    Picker(PickerView),
    /// The routine about to begin.
    Preflight(RoutineView),
    Session {
        view: SessionView,
        /// "Quit this session?" is being asked.
        confirm_quit: bool,
    },
    Done(DoneView),
    /// The practice history: streaks, totals and the calendar.
    History(HistoryView),
    /// `c`: the compose questions, or the routine they made.
    Compose(ComposeView),
    /// The general safety page, before a first session or after `?` on
    /// the preflight.
    Safety(SafetyView),
}

/// The general safety page, under the routine's own warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct SafetyView {
    /// The routine's own warnings (escaped), first.
    pub routine: String,
    /// Lines scrolled past.
    pub scroll: u16,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PickerView {
    /// The routines that match the filter, in list order.
    pub rows: Vec<PickerRow>,
    /// Index into `rows` of the highlighted one (0 when empty).
    pub selected: usize,
    /// The filter text typed after `/`, escaped.
    pub filter: String,
    /// The filter is being typed (keys go to the filter).
    pub filtering: bool,
    /// The highlighted routine; `None` when no routine matches.
    pub details: Option<Details>,
}

/// One routine in the picker's list.
#[derive(Debug, Clone, PartialEq)]
pub struct PickerRow {
    /// The routine's name, or "✗ id" for a file that cannot be read.
    pub label: String,
    /// "12:09", or nothing for a file that cannot be read.
    pub length: String,
    /// The file cannot be read.
    pub broken: bool,
    /// A stopped session of it can be continued.
    pub resumable: bool,
    /// Today's practice by the plan.
    pub today: bool,
}

/// The highlighted routine in the picker: what it is, or what is wrong
/// with its file.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    Routine {
        routine: RoutineView,
        /// "built-in", or "user · neck.toml".
        source: String,
    },
    Broken(ProblemsView),
}

/// A routine as the picker's details and the preflight screen show it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutineView {
    pub name: String,
    /// Empty when the routine has none; so are the lists below.
    pub summary: String,
    /// "12 min 9 s · 10 steps".
    pub length: String,
    /// "fitted to 8 min, written 13 min 4 s", when it is.
    pub fitted: Option<String>,
    /// "[ and ] fit it to 6-30 min", in the picker's details when there
    /// is room.
    pub fit_keys: Option<String>,
    /// "Continue from step 6 of 10 — s starts from the first", when a
    /// stopped session is continued.
    pub resume: Option<String>,
    pub tools: Vec<String>,
    pub tags: Vec<String>,
    pub prepare: Vec<String>,
    pub safety: String,
}

/// A routine file that cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemsView {
    pub id: String,
    /// The file's whole path, and its name alone for narrow panes, where
    /// a path would wrap mid-name.
    pub path: String,
    pub file_name: String,
    /// "line 2, column 1: unknown field `sumary`", one a problem.
    pub problems: Vec<String>,
}

/// After a session.
#[derive(Debug, Clone, PartialEq)]
pub struct DoneView {
    pub finished: bool,
    /// The routine's name.
    pub name: String,
    /// (label, value): time practised, steps done, the steps skipped, and
    /// the streak and today's time once the session is recorded.
    pub facts: Vec<(&'static str, String)>,
}

/// Weeks the history's calendar has, this one last; a narrow screen shows
/// the later ones.
pub const WEEKS: usize = 16;

/// The history screen.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryView {
    /// `WEEKS` weeks, oldest first.
    pub weeks: Vec<CalendarWeek>,
    pub totals: Totals,
    /// "Tue 10 Mar 07:30 · Daily back reset · finished"; `None` before
    /// the first session.
    pub last: Option<String>,
    /// The most practised first.
    pub routines: Vec<RoutineRow>,
    /// Lines of the history file that could not be read, if any.
    pub note: Option<String>,
    /// The charts, shown instead of the calendar after `c`.
    pub progress: ProgressView,
    pub charts: bool,
}

/// The progress charts: minutes per day, tension per week, areas.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgressView {
    /// Minutes on each day of the last 12 weeks, oldest first.
    pub minutes_per_day: Vec<u64>,
    /// "18 Dec", the first of those days.
    pub first_day: String,
    /// The last 12 weeks, oldest first.
    pub weeks: Vec<TensionWeek>,
    /// "22 Dec", the Monday of the first week.
    pub first_week: String,
    /// "March".
    pub month: String,
    /// Minutes per area this month, the most first: ("lower-back", 42).
    pub areas: Vec<(String, u64)>,
    /// Says where areas come from, and the minutes with none known.
    pub areas_note: String,
}

/// The average tension before and after the sessions of one week, 0-10.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TensionWeek {
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// Average of after minus before.
    pub change: Option<f64>,
}

/// A calendar column, Monday to Sunday.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarWeek {
    /// "Mar" when the 1st of a month falls in this week.
    pub month: Option<String>,
    /// The month to name over this week when it is the first one shown:
    /// as `month`, else the month the week begins in, unless the next week
    /// names one at once.
    pub month_if_first: Option<String>,
    /// `None` for days still to come.
    pub days: [Option<CalendarDay>; 7],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarDay {
    pub minutes: u64,
    pub today: bool,
}

/// The totals, written out: "4 days", "1 h 5 min".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub streak: String,
    pub longest: String,
    pub today: String,
    pub week: String,
    pub month: String,
    pub all_time: String,
}

/// One routine's line in the history: name, sessions, time, and the
/// average change in tension (empty when it was never asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutineRow {
    pub name: String,
    pub sessions: String,
    pub time: String,
    pub tension: String,
}

/// The compose screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeView {
    pub stage: ComposeStage,
    /// The questions and their answers, top to bottom.
    pub fields: Vec<FieldView>,
    /// Index into `fields` of the question being answered.
    pub active: usize,
    /// Why the answers made no routine.
    pub problem: Option<String>,
    /// The routine made, once it is.
    pub composed: Option<ComposedView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeStage {
    Questions,
    Composed,
    /// The name being typed, escaped.
    Naming(String),
}

/// One question: "Focus", "neck, shoulders", and its choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldView {
    pub label: &'static str,
    /// The answer so far ("none", "any", "12").
    pub answer: String,
    /// Empty for the minutes.
    pub choices: Vec<Choice>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub word: String,
    pub chosen: bool,
    /// Highlighted: space chooses it.
    pub cursor: bool,
}

/// A composed routine: what it is and its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposedView {
    pub name: String,
    /// "12 min · 9 steps".
    pub length: String,
    /// "1:00  Shoulder rolls", one a step.
    pub steps: Vec<String>,
}
