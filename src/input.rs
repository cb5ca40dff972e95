//! The keymap, as data: one row per (screen, keys, action, label). Key
//! handling, the help overlay and every hint line are all read from
//! `KEYMAP`, so what a screen says a key does is what it does.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::session::Msg;

/// Which keys mean what depends on what is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Picker,
    /// Typing a filter in the picker.
    Filtering,
    Preflight,
    /// The general safety page, over the preflight.
    Safety,
    Session,
    ConfirmQuit,
    Done,
    History,
    /// "How tense do you feel, 0-10?" is being asked.
    Tension,
    Help,
    /// The questions of `c`: minutes, focus, tools, position, avoid.
    Compose,
    /// The routine they made, to start or save.
    Composed,
    /// Typing the name to save a composed routine under.
    Naming,
}

impl Context {
    #[cfg(test)]
    pub const ALL: [Context; 13] = [
        Context::Picker,
        Context::Filtering,
        Context::Preflight,
        Context::Safety,
        Context::Session,
        Context::ConfirmQuit,
        Context::Done,
        Context::History,
        Context::Tension,
        Context::Help,
        Context::Compose,
        Context::Composed,
        Context::Naming,
    ];
}

/// How the program was started: some keys leave the program when it was
/// started on one routine (`knotless run`) and go back to the list when it
/// was started on the picker, and their labels say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Picker,
    Direct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave the program now (Ctrl-C).
    Interrupt,
    /// Ctrl-Z: give the terminal back and stop until `fg`.
    Suspend,
    /// A message for the running session.
    Session(Msg),
    /// Ask before quitting a session.
    AskQuit,
    ConfirmQuit,
    CancelQuit,
    /// Leave the current screen: to the picker, or out of the program when
    /// there is no picker to go back to.
    Back,
    /// Leave the program.
    Quit,
    Open,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    StartFilter,
    FilterChar(char),
    FilterBackspace,
    /// Keep the filter and go back to the list.
    FilterDone,
    /// Drop the filter.
    FilterClear,
    ToggleHelp,
    /// `?` on the preflight: the general safety page, open or closed.
    Safety,
    /// `m`: sound off or on at once.
    ToggleMute,
    /// `v`: spoken guidance off or on.
    ToggleVoice,
    /// Open the highlighted routine in the user's editor.
    Edit,
    /// Run the highlighted routine at 10× speed.
    Preview,
    /// Read every routine file again.
    Reload,
    /// Show the practice history.
    History,
    /// On the history screen: the progress charts, or the calendar again.
    ToggleCharts,
    /// An answer to "How tense do you feel?" (`None`: skipped).
    Tension(Option<u8>),
    /// Esc on the question: before a session, back to preflight; after, a skip.
    CancelQuestion,
    /// `[`: the routine a minute shorter (fitted).
    Shorter,
    /// `]`: a minute longer.
    Longer,
    /// Start from the first step, not where a stopped session stopped.
    FromStart,
    /// `c`: compose a routine for today.
    Compose,
    /// A key on the compose questions.
    Form(FormKey),
    /// Compose a routine from the answers.
    Build,
    /// Another routine for the same answers.
    Another,
    /// Back from the composed routine to the questions.
    Answers,
    /// Start the composed routine (through its preflight).
    StartComposed,
    /// Ask for a name to save the composed routine under.
    AskName,
    /// Save it under the name typed.
    SaveNamed,
    /// Leave the name unsaved.
    CancelName,
}

/// What a key does on the compose questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// The question above or below.
    Up,
    Down,
    /// Fewer or more minutes; the choice left or right.
    Left,
    Right,
    /// Choose or unchoose the highlighted choice.
    Toggle,
    /// A digit of the minutes.
    Digit(u8),
    /// Take the last digit of the minutes away.
    Erase,
}

/// A key as the keymap names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Enter,
    Esc,
    Backspace,
    Left,
    Right,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    /// Any digit 0-9 (the tension answer).
    Digit,
    /// Any printable character (typing a filter).
    Text,
    /// Any key at all (closing help).
    Any,
}

impl Key {
    fn matches(self, code: KeyCode) -> bool {
        match (self, code) {
            (Key::Any, _) => true,
            (Key::Char(a), KeyCode::Char(b)) => a == b,
            (Key::Digit, KeyCode::Char(c)) => c.is_ascii_digit(),
            (Key::Text, KeyCode::Char(_)) => true,
            (Key::Enter, KeyCode::Enter)
            | (Key::Esc, KeyCode::Esc)
            | (Key::Backspace, KeyCode::Backspace)
            | (Key::Left, KeyCode::Left)
            | (Key::Right, KeyCode::Right)
            | (Key::Up, KeyCode::Up)
            | (Key::Down, KeyCode::Down)
            | (Key::PageUp, KeyCode::PageUp)
            | (Key::PageDown, KeyCode::PageDown)
            | (Key::Home, KeyCode::Home)
            | (Key::End, KeyCode::End) => true,
            _ => false,
        }
    }

    /// How help and hints write the key.
    pub fn name(self) -> &'static str {
        match self {
            Key::Char(' ') => "space",
            Key::Char(c) => char_name(c),
            Key::Enter => "enter",
            Key::Esc => "esc",
            Key::Backspace => "backspace",
            Key::Left => "←",
            Key::Right => "→",
            Key::Up => "↑",
            Key::Down => "↓",
            Key::PageUp => "pgup",
            Key::PageDown => "pgdn",
            Key::Home => "home",
            Key::End => "end",
            Key::Digit => "0-9",
            Key::Text => "letters",
            Key::Any => "any key",
        }
    }
}

/// The name of a plain key, from a table so it can be `'static`.
fn char_name(c: char) -> &'static str {
    const NAMES: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789?/+-=_[]";
    match NAMES.find(c) {
        Some(i) => &NAMES[i..i + c.len_utf8()],
        None => "?",
    }
}

/// What a row does: a fixed action, or one made from the key pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Does {
    Fixed(Action),
    /// The typed character goes into the filter.
    Type,
    /// The digit is the tension answer.
    Answer,
    /// The digit is typed into the minutes.
    Minutes,
}

/// How prominent a row is on the hint line. Rows without a hint are in
/// help only. When the line is too narrow, `Low` hints go first, then
/// `Mid`; `Keep` hints (the keys that begin or leave) stay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hint {
    Low,
    Mid,
    Keep,
}

/// One row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub does: Does,
    /// What it does, in the picker mode.
    pub label: &'static str,
    /// What it does when started on one routine, when that differs.
    pub direct: Option<&'static str>,
    /// Whether the hint line shows it, and its short label there.
    pub hint: Option<(Hint, &'static str)>,
    /// Its short label on the hint line while the session is paused, when
    /// that differs ("resume" for "pause").
    pub paused: Option<&'static str>,
    /// How many of `keys` help and hints name (the rest are synonyms).
    pub shown: usize,
}

impl Binding {
    pub fn label(&self, mode: Mode) -> &'static str {
        match mode {
            Mode::Direct => self.direct.unwrap_or(self.label),
            Mode::Picker => self.label,
        }
    }

    /// "← / b": the keys help and hints name.
    pub fn key_names(&self) -> String {
        let names: Vec<&str> = self
            .keys
            .iter()
            .take(self.shown)
            .map(|k| k.name())
            .collect();
        names.join(" / ")
    }
}

const fn row(
    context: Context,
    keys: &'static [Key],
    action: Action,
    label: &'static str,
    hint: Option<(Hint, &'static str)>,
    shown: usize,
) -> Binding {
    Binding {
        context,
        keys,
        does: Does::Fixed(action),
        label,
        direct: None,
        paused: None,
        hint,
        shown,
    }
}

/// The same row, with another short label on the hint line while the
/// session is paused.
const fn or_paused(b: Binding, paused: &'static str) -> Binding {
    Binding {
        paused: Some(paused),
        ..b
    }
}

/// The same row, with another label (in help and on the hint line) when
/// started on one routine.
const fn or_direct(b: Binding, direct: &'static str) -> Binding {
    Binding {
        direct: Some(direct),
        ..b
    }
}

use Action as A;
use Context as C;
use Hint::{Keep, Low, Mid};
use Key as K;

/// Every key of every screen. Ctrl-C and Ctrl-Z work everywhere and are
/// handled before this table.
#[rustfmt::skip]
pub const KEYMAP: &[Binding] = &[
    // The picker.
    row(C::Picker, &[K::Enter, K::Right, K::Char('l')], A::Open, "open the routine", Some((Keep, "open")), 1),
    row(C::Picker, &[K::Up, K::Char('k')], A::Up, "move up", None, 2),
    row(C::Picker, &[K::Down, K::Char('j')], A::Down, "move down", None, 2),
    row(C::Picker, &[K::PageUp], A::PageUp, "a page up", None, 1),
    row(C::Picker, &[K::PageDown], A::PageDown, "a page down", None, 1),
    row(C::Picker, &[K::Home, K::Char('g')], A::Home, "first routine", None, 1),
    row(C::Picker, &[K::End, K::Char('G')], A::End, "last routine", None, 1),
    row(C::Picker, &[K::Char('/')], A::StartFilter, "filter", Some((Mid, "filter")), 1),
    row(C::Picker, &[K::Char('e')], A::Edit, "edit", Some((Low, "edit")), 1),
    row(C::Picker, &[K::Char('p')], A::Preview, "preview at 10×", Some((Low, "preview")), 1),
    row(C::Picker, &[K::Char('r')], A::Reload, "read the files again", None, 1),
    row(C::Picker, &[K::Char('[')], A::Shorter, "a minute shorter", Some((Low, "shorter")), 1),
    row(C::Picker, &[K::Char(']')], A::Longer, "a minute longer", Some((Low, "longer")), 1),
    row(C::Picker, &[K::Char('s')], A::FromStart, "open, to start from the beginning", Some((Mid, "start over")), 1),
    row(C::Picker, &[K::Char('c')], A::Compose, "compose a routine for today", Some((Mid, "compose")), 1),
    row(C::Picker, &[K::Char('h')], A::History, "history", Some((Low, "history")), 1),
    row(C::Picker, &[K::Char('?')], A::ToggleHelp, "help", Some((Keep, "help")), 1),
    row(C::Picker, &[K::Char('q'), K::Esc], A::Back, "quit", Some((Keep, "quit")), 1),
    // Typing a filter.
    row(C::Filtering, &[K::Enter, K::Down, K::Up], A::FilterDone, "keep the filter", Some((Keep, "keep filter")), 1),
    row(C::Filtering, &[K::Esc], A::FilterClear, "clear the filter", Some((Keep, "clear")), 1),
    row(C::Filtering, &[K::Backspace], A::FilterBackspace, "delete a letter", Some((Mid, "delete")), 1),
    Binding {
        context: C::Filtering,
        keys: &[K::Text],
        does: Does::Type,
        label: "type to filter",
        direct: None,
        paused: None,
        hint: None,
        shown: 1,
    },
    // Before a session.
    row(C::Preflight, &[K::Enter, K::Char(' ')], A::Open, "begin", Some((Keep, "begin")), 1),
    or_direct(
        row(C::Preflight, &[K::Esc, K::Char('q'), K::Backspace], A::Back, "back to the routines", Some((Keep, "back")), 1),
        "leave",
    ),
    row(C::Preflight, &[K::Char('s')], A::FromStart, "begin from the first step", Some((Mid, "start over")), 1),
    row(C::Preflight, &[K::Char('[')], A::Shorter, "a minute shorter", Some((Low, "shorter")), 1),
    row(C::Preflight, &[K::Char(']')], A::Longer, "a minute longer", Some((Low, "longer")), 1),
    row(C::Preflight, &[K::Char('?')], A::Safety, "the safety page", Some((Mid, "safety")), 1),
    row(C::Preflight, &[K::Char('h')], A::ToggleHelp, "help", Some((Low, "help")), 1),
    // The safety page, before a first session or after `?`.
    row(C::Safety, &[K::Enter, K::Char(' ')], A::Open, "begin", Some((Keep, "begin")), 1),
    row(C::Safety, &[K::Down, K::Char('j')], A::Down, "read on", Some((Mid, "more")), 1),
    row(C::Safety, &[K::Up, K::Char('k')], A::Up, "read back", None, 1),
    row(C::Safety, &[K::PageDown], A::PageDown, "a page down", None, 1),
    row(C::Safety, &[K::PageUp], A::PageUp, "a page up", None, 1),
    row(C::Safety, &[K::Esc, K::Char('q'), K::Char('?'), K::Backspace], A::Safety, "back to the routine", Some((Keep, "back")), 1),
    row(C::Safety, &[K::Char('h')], A::ToggleHelp, "help", None, 1),
    // The session.
    or_paused(row(C::Session, &[K::Char(' '), K::Char('p')], A::Session(Msg::TogglePause), "pause / resume", Some((Keep, "pause")), 1), "resume"),
    row(C::Session, &[K::Right, K::Char('n')], A::Session(Msg::Next), "next", Some((Mid, "next")), 2),
    row(
        C::Session,
        &[K::Left, K::Char('b')],
        A::Session(Msg::Back),
        "restart (early: go back)",
        Some((Mid, "back")),
        2,
    ),
    row(C::Session, &[K::Char('+'), K::Char('=')], A::Session(Msg::AddTime), "15 s more", Some((Low, "15 s more")), 1),
    row(C::Session, &[K::Char('-'), K::Char('_')], A::Session(Msg::TakeTime), "15 s less", Some((Low, "15 s less")), 1),
    row(C::Session, &[K::Char('m'), K::Char('M')], A::ToggleMute, "sound off / on", Some((Low, "mute")), 1),
    row(C::Session, &[K::Char('v'), K::Char('V')], A::ToggleVoice, "voice off / on", None, 1),
    row(C::Session, &[K::Char('?')], A::ToggleHelp, "help", Some((Keep, "help")), 1),
    row(C::Session, &[K::Char('q'), K::Esc], A::AskQuit, "quit (asks first)", Some((Keep, "quit")), 2),
    // "Quit this session?"
    row(C::ConfirmQuit, &[K::Char('y'), K::Char('Y'), K::Char('q'), K::Enter], A::ConfirmQuit, "yes, stop", Some((Keep, "yes")), 1),
    row(C::ConfirmQuit, &[K::Char('n'), K::Char('N'), K::Esc], A::CancelQuit, "no, go on", Some((Keep, "no")), 1),
    // After a session.
    or_direct(
        row(C::Done, &[K::Enter, K::Esc, K::Backspace, K::Char(' ')], A::Back, "back to the routines", Some((Keep, "back to routines")), 1),
        "leave",
    ),
    row(C::Done, &[K::Char('q')], A::Quit, "quit", Some((Keep, "quit")), 1),
    row(C::Done, &[K::Char('?')], A::ToggleHelp, "help", Some((Mid, "help")), 1),
    // The history screen.
    row(
        C::History,
        &[K::Esc, K::Enter, K::Backspace, K::Char('h'), K::Left],
        A::Back,
        "back to the routines",
        Some((Keep, "back")),
        1,
    ),
    row(C::History, &[K::Char('c')], A::ToggleCharts, "charts or calendar", Some((Mid, "charts")), 1),
    row(C::History, &[K::Char('q')], A::Quit, "quit", Some((Keep, "quit")), 1),
    row(C::History, &[K::Char('?')], A::ToggleHelp, "help", Some((Mid, "help")), 1),
    // "How tense do you feel?"
    Binding {
        context: C::Tension,
        keys: &[K::Digit],
        does: Does::Answer,
        label: "answer",
        direct: None,
        paused: None,
        hint: Some((Keep, "answer")),
        shown: 1,
    },
    row(C::Tension, &[K::Char('t'), K::Char('T')], A::Tension(Some(10)), "ten", Some((Mid, "ten")), 1),
    row(C::Tension, &[K::Enter, K::Char('s')], A::Tension(None), "skip", Some((Keep, "skip")), 1),
    row(C::Tension, &[K::Esc], A::CancelQuestion, "cancel", Some((Mid, "cancel")), 1),
    // The compose questions.
    row(C::Compose, &[K::Enter], A::Build, "compose it", Some((Keep, "compose")), 1),
    row(C::Compose, &[K::Up, K::Char('k')], A::Form(FormKey::Up), "the question above", None, 1),
    row(C::Compose, &[K::Down, K::Char('j')], A::Form(FormKey::Down), "the question below", Some((Low, "next")), 1),
    row(C::Compose, &[K::Left, K::Char('h')], A::Form(FormKey::Left), "fewer minutes, or the choice on the left", None, 1),
    row(C::Compose, &[K::Right, K::Char('l')], A::Form(FormKey::Right), "more minutes, or the choice on the right", Some((Low, "change")), 1),
    row(C::Compose, &[K::Char(' '), K::Char('x')], A::Form(FormKey::Toggle), "choose or unchoose", Some((Mid, "choose")), 1),
    Binding {
        context: C::Compose,
        keys: &[K::Digit],
        does: Does::Minutes,
        label: "type the minutes",
        direct: None,
        paused: None,
        hint: None,
        shown: 1,
    },
    row(C::Compose, &[K::Backspace], A::Form(FormKey::Erase), "take a digit away", None, 1),
    row(C::Compose, &[K::Char('?')], A::ToggleHelp, "help", Some((Low, "help")), 1),
    row(C::Compose, &[K::Esc, K::Char('q')], A::Back, "back to the routines", Some((Keep, "back")), 1),
    // The composed routine.
    row(C::Composed, &[K::Enter], A::StartComposed, "start it (after its safety note)", Some((Keep, "start")), 1),
    row(C::Composed, &[K::Char('s')], A::AskName, "save it under a name", Some((Mid, "save")), 1),
    row(C::Composed, &[K::Char('n')], A::Another, "another routine for the same answers", Some((Low, "another")), 1),
    row(C::Composed, &[K::Esc, K::Backspace], A::Answers, "change the answers", Some((Keep, "change")), 1),
    row(C::Composed, &[K::Char('q')], A::Back, "back to the routines", Some((Mid, "back")), 1),
    row(C::Composed, &[K::Char('?')], A::ToggleHelp, "help", Some((Low, "help")), 1),
    // Naming it.
    row(C::Naming, &[K::Enter], A::SaveNamed, "save", Some((Keep, "save")), 1),
    row(C::Naming, &[K::Esc], A::CancelName, "cancel", Some((Keep, "cancel")), 1),
    row(C::Naming, &[K::Backspace], A::FilterBackspace, "delete a letter", Some((Mid, "delete")), 1),
    Binding {
        context: C::Naming,
        keys: &[K::Text],
        does: Does::Type,
        label: "type the name",
        direct: None,
        paused: None,
        hint: None,
        shown: 1,
    },
    // Help is open: any key closes it.
    row(C::Help, &[K::Any], A::ToggleHelp, "close help", None, 1),
];

/// The rows of one screen.
pub fn bindings(context: Context) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.context == context)
}

/// What `key` does on the screen `context`, if anything.
pub fn action(context: Context, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('c') if ctrl => return Some(Action::Interrupt),
        KeyCode::Char('z') if ctrl => return Some(Action::Suspend),
        _ if ctrl => return None,
        _ => {}
    }
    let binding = bindings(context).find(|b| b.keys.iter().any(|k| k.matches(key.code)))?;
    match (binding.does, key.code) {
        (Does::Fixed(action), _) => Some(action),
        (Does::Type, KeyCode::Char(c)) => Some(Action::FilterChar(c)),
        (Does::Answer, KeyCode::Char(c)) => c.to_digit(10).map(|d| Action::Tension(Some(d as u8))),
        (Does::Minutes, KeyCode::Char(c)) => c
            .to_digit(10)
            .map(|d| Action::Form(FormKey::Digit(d as u8))),
        _ => None,
    }
}

/// The key the hint line names for `action` on `context`, for text that
/// tells the user which key to press ("s starts over").
pub fn key_for(context: Context, action: Action) -> Option<&'static str> {
    bindings(context)
        .find(|b| b.does == Does::Fixed(action))
        .map(|b| b.keys[0].name())
}

/// A key as help and the hint line show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHelp {
    /// All the keys help names ("→ / n").
    pub keys: String,
    /// The one key the hint line names ("→").
    pub key: &'static str,
    /// What help says it does.
    pub label: &'static str,
    /// Whether the hint line shows it, and how it says it there.
    pub hint: Option<(Hint, &'static str)>,
}

/// The keys of `context` with every hint offered, as on a running (not
/// paused) session and a routine with something to continue (tests).
#[cfg(test)]
pub fn help(context: Context, mode: Mode) -> Vec<KeyHelp> {
    let state = KeyState {
        paused: false,
        resumable: true,
    };
    keys(context, mode, state)
}

/// What the hint line depends on besides the screen and the mode.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyState {
    /// The session is paused: the pause key offers to resume.
    pub paused: bool,
    /// The routine on screen has a stopped session to continue: only then
    /// is "from the start" offered (help lists it all the same).
    pub resumable: bool,
}

/// The keys of `context` for help and the hint line, labelled for `mode`
/// and `state`: the one place the hint rules live, for the screens and
/// their snapshots alike.
pub fn keys(context: Context, mode: Mode, state: KeyState) -> Vec<KeyHelp> {
    bindings(context)
        .map(|b| {
            let short = |short| match (mode, b.direct, b.paused) {
                (_, _, Some(paused)) if state.paused => paused,
                (Mode::Direct, Some(direct), _) => direct,
                _ => short,
            };
            let offered = state.resumable || b.does != Does::Fixed(Action::FromStart);
            KeyHelp {
                keys: b.key_names(),
                key: b.keys[0].name(),
                label: b.label(mode),
                hint: b.hint.filter(|_| offered).map(|(h, s)| (h, short(s))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn session_keys_follow_the_product_spec() {
        let s = |c| action(Context::Session, key(c));
        assert_eq!(
            s(KeyCode::Char(' ')),
            Some(Action::Session(Msg::TogglePause))
        );
        assert_eq!(s(KeyCode::Right), Some(Action::Session(Msg::Next)));
        assert_eq!(s(KeyCode::Char('n')), Some(Action::Session(Msg::Next)));
        assert_eq!(s(KeyCode::Left), Some(Action::Session(Msg::Back)));
        assert_eq!(s(KeyCode::Char('b')), Some(Action::Session(Msg::Back)));
        assert_eq!(s(KeyCode::Char('+')), Some(Action::Session(Msg::AddTime)));
        assert_eq!(s(KeyCode::Char('-')), Some(Action::Session(Msg::TakeTime)));
        assert_eq!(s(KeyCode::Char('q')), Some(Action::AskQuit));
        assert_eq!(s(KeyCode::Esc), Some(Action::AskQuit));
        assert_eq!(s(KeyCode::Char('?')), Some(Action::ToggleHelp));
        assert_eq!(s(KeyCode::Char('m')), Some(Action::ToggleMute));
        assert_eq!(s(KeyCode::Char('x')), None);
    }

    #[test]
    fn ctrl_c_quits_and_ctrl_z_suspends_everywhere() {
        for context in Context::ALL {
            let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
            let z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
            assert_eq!(action(context, c), Some(Action::Interrupt));
            assert_eq!(action(context, z), Some(Action::Suspend));
        }
    }

    #[test]
    fn typing_a_filter_takes_every_letter() {
        assert_eq!(
            action(Context::Filtering, key(KeyCode::Char('q'))),
            Some(Action::FilterChar('q'))
        );
        assert_eq!(
            action(Context::Filtering, key(KeyCode::Esc)),
            Some(Action::FilterClear)
        );
        assert_eq!(
            action(Context::Picker, key(KeyCode::Char('/'))),
            Some(Action::StartFilter)
        );
    }

    #[test]
    fn tension_digits_are_answers() {
        assert_eq!(
            action(Context::Tension, key(KeyCode::Char('7'))),
            Some(Action::Tension(Some(7)))
        );
        assert_eq!(
            action(Context::Tension, key(KeyCode::Char('t'))),
            Some(Action::Tension(Some(10)))
        );
    }

    #[test]
    fn confirming_a_quit_needs_a_yes() {
        assert_eq!(
            action(Context::ConfirmQuit, key(KeyCode::Char('y'))),
            Some(Action::ConfirmQuit)
        );
        assert_eq!(
            action(Context::ConfirmQuit, key(KeyCode::Char('n'))),
            Some(Action::CancelQuit)
        );
        assert_eq!(action(Context::ConfirmQuit, key(KeyCode::Char(' '))), None);
    }

    #[test]
    fn any_key_closes_help_and_releases_are_ignored() {
        assert_eq!(
            action(Context::Help, key(KeyCode::Char('x'))),
            Some(Action::ToggleHelp)
        );
        let mut release = key(KeyCode::Char(' '));
        release.kind = KeyEventKind::Release;
        assert_eq!(action(Context::Session, release), None);
    }

    #[test]
    fn no_key_means_two_things_on_one_screen() {
        let codes = [
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Backspace,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Up,
            KeyCode::Down,
        ]
        .into_iter()
        .chain((' '..='~').map(KeyCode::Char));
        for context in Context::ALL {
            for code in codes.clone() {
                let rows = bindings(context)
                    .filter(|b| {
                        b.keys
                            .iter()
                            .any(|k| !matches!(k, Key::Text | Key::Any) && k.matches(code))
                    })
                    .count();
                assert!(rows <= 1, "{code:?} has {rows} rows on {context:?}");
            }
        }
    }

    #[test]
    fn every_shown_key_has_a_name() {
        for b in KEYMAP {
            assert!(!b.key_names().is_empty());
            assert!(!b.key_names().contains('?') || b.keys[0] == Key::Char('?'));
        }
    }

    #[test]
    fn the_hint_line_follows_the_state_from_the_keymap_rows() {
        let hint = |context, state, key: &str| {
            keys(context, Mode::Picker, state)
                .into_iter()
                .find(|k| k.key == key)
                .and_then(|k| k.hint)
                .map(|h| h.1)
        };
        let running = KeyState::default();
        let paused = KeyState {
            paused: true,
            ..running
        };
        assert_eq!(hint(Context::Session, running, "space"), Some("pause"));
        assert_eq!(hint(Context::Session, paused, "space"), Some("resume"));
        let from_start = key_for(Context::Preflight, Action::FromStart).unwrap();
        let resumable = KeyState {
            resumable: true,
            ..running
        };
        assert_eq!(hint(Context::Preflight, running, from_start), None);
        assert!(hint(Context::Preflight, resumable, from_start).is_some());
        // Help lists the key all the same.
        assert!(
            keys(Context::Preflight, Mode::Picker, running)
                .iter()
                .any(|k| k.key == from_start)
        );
    }

    #[test]
    fn leaving_is_labelled_by_how_the_program_started() {
        let done = help(Context::Done, Mode::Direct);
        assert!(done.iter().any(|k| k.keys == "enter" && k.label == "leave"));
        let done = help(Context::Done, Mode::Picker);
        assert!(
            done.iter()
                .any(|k| k.keys == "enter" && k.label == "back to the routines")
        );
    }
}
