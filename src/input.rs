//! Keys to actions, per screen: pure, so every binding is testable.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::session::Msg;

/// Which keys mean what depends on what is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Picker,
    /// Typing a filter in the picker.
    Filtering,
    Preflight,
    Session,
    ConfirmQuit,
    Done,
    History,
    /// "How tense do you feel, 0-10?" is being asked.
    Tension,
    Help,
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
    /// Leave the current screen (quit from the picker).
    Back,
    /// Leave the program (from the done screen).
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
    /// `m`: sound off or on at once (the event loop owns the sound).
    ToggleMute,
    /// Open the highlighted routine in the user's editor.
    Edit,
    /// Run the highlighted routine at 10× speed.
    Preview,
    /// Read every routine file again.
    Reload,
    /// Show the practice history.
    History,
    /// An answer to "How tense do you feel?" (`None`: skipped).
    Tension(Option<u8>),
    /// Esc on the question: before a session, back to preflight; after, a skip.
    CancelQuestion,
}

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
    use Action as A;
    use KeyCode as K;
    match context {
        Context::Help => Some(A::ToggleHelp),
        Context::Filtering => match key.code {
            K::Enter | K::Down | K::Up => Some(A::FilterDone),
            K::Esc => Some(A::FilterClear),
            K::Backspace => Some(A::FilterBackspace),
            K::Char(c) => Some(A::FilterChar(c)),
            _ => None,
        },
        Context::Picker => match key.code {
            K::Up | K::Char('k') => Some(A::Up),
            K::Down | K::Char('j') => Some(A::Down),
            K::PageUp => Some(A::PageUp),
            K::PageDown => Some(A::PageDown),
            K::Home | K::Char('g') => Some(A::Home),
            K::End | K::Char('G') => Some(A::End),
            K::Enter | K::Right | K::Char('l') => Some(A::Open),
            K::Char('/') => Some(A::StartFilter),
            K::Char('?') => Some(A::ToggleHelp),
            K::Char('q') | K::Esc => Some(A::Back),
            K::Char('e') => Some(A::Edit),
            K::Char('p') => Some(A::Preview),
            K::Char('r') => Some(A::Reload),
            K::Char('h') => Some(A::History),
            _ => None,
        },
        Context::Preflight => match key.code {
            K::Enter | K::Char(' ') => Some(A::Open),
            K::Char('?') => Some(A::ToggleHelp),
            K::Char('q') | K::Esc | K::Backspace => Some(A::Back),
            _ => None,
        },
        Context::Session => match key.code {
            K::Char(' ') | K::Char('p') => Some(A::Session(Msg::TogglePause)),
            K::Right | K::Char('n') => Some(A::Session(Msg::Next)),
            K::Left | K::Char('b') => Some(A::Session(Msg::Back)),
            K::Char('+') | K::Char('=') => Some(A::Session(Msg::AddTime)),
            K::Char('-') | K::Char('_') => Some(A::Session(Msg::TakeTime)),
            K::Char('m') | K::Char('M') => Some(A::ToggleMute),
            K::Char('?') => Some(A::ToggleHelp),
            K::Char('q') | K::Esc => Some(A::AskQuit),
            _ => None,
        },
        Context::ConfirmQuit => match key.code {
            K::Char('y') | K::Char('Y') | K::Char('q') | K::Enter => Some(A::ConfirmQuit),
            K::Char('n') | K::Char('N') | K::Esc => Some(A::CancelQuit),
            _ => None,
        },
        Context::Tension => match key.code {
            K::Char(c @ '0'..='9') => Some(A::Tension(Some(c as u8 - b'0'))),
            K::Char('t') | K::Char('T') => Some(A::Tension(Some(10))),
            K::Enter | K::Char('s') => Some(A::Tension(None)),
            K::Esc => Some(A::CancelQuestion),
            _ => None,
        },
        Context::History => match key.code {
            K::Enter | K::Esc | K::Backspace | K::Char('h') | K::Left => Some(A::Back),
            K::Char('q') => Some(A::Quit),
            K::Char('?') => Some(A::ToggleHelp),
            _ => None,
        },
        Context::Done => match key.code {
            K::Enter | K::Esc | K::Backspace | K::Char(' ') => Some(A::Back),
            K::Char('q') => Some(A::Quit),
            K::Char('?') => Some(A::ToggleHelp),
            _ => None,
        },
    }
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
        for context in [
            Context::Picker,
            Context::Filtering,
            Context::Session,
            Context::Help,
            Context::Done,
        ] {
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
}
