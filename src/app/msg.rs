//! What goes into the app (`Msg`: keys, time, signals, and the results of
//! the driver's work) and what comes out (`Command`: work only the driver
//! may do, because it touches the terminal, files, sound or the clock).

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::KeyEvent;
use jiff::Zoned;

use super::{Exit, Status};
use crate::history::{Glance, Loaded};
use crate::routine::{Library, Routine};
use crate::session::{Effect, Summary};
use crate::sound::Play;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Time passed (the wait for the next deadline ended).
    Tick,
    /// The terminal changed size (its width and height, when the app is
    /// drawn on one): draw again.
    Resize(Option<(u16, u16)>),
    /// End the program now, stopping (and so recording) any session: a
    /// signal, or the terminal that went away.
    Stop(Exit),
    /// SIGTSTP: pause, then suspend.
    #[cfg(unix)]
    Suspend,
    /// SIGCONT after a stop the app did not ask for: draw again.
    #[cfg(unix)]
    Continue,
    /// A watched routine directory changed.
    RoutinesChanged,
    /// The routines, read again.
    Library(Library),
    /// The history file, read for its screen, with the local time it was
    /// read at.
    History(io::Result<Loaded>, Zoned),
    /// The editor opened from the picker closed.
    Edited(Edited),
    /// A session's history line was written (the streak and today's
    /// minutes) or could not be.
    Recorded(io::Result<Glance>),
    /// News for the status line from the sound output or the voice (why
    /// it is off, that it is back).
    News(Status),
    /// Whether a sound output works now (news from the sound thread): where
    /// none does, the terminal's bell and title may stand in for it.
    SoundWorks(bool),
    /// Sound is now muted (true) or not.
    Muted(bool),
    /// Voice is now on (true) or off.
    VoiceOn(bool),
    /// The history, read for the picker's resume marks, with the local
    /// time it was read at.
    Records(io::Result<Loaded>, Zoned),
    /// The steps compose draws on, read for the compose screen.
    Steps(Box<StepPool>),
    /// A composed routine was saved (its id, and the message to show), or
    /// why not.
    Saved(Result<(String, String), NotSaved>),
}

/// What the compose screen draws on: the steps, read by the driver, and
/// the seed for today.
#[derive(Debug, Clone)]
pub struct StepPool {
    pub candidates: Vec<crate::compose::Candidate>,
    /// `compose::seed_for(today)`.
    pub seed: u64,
    /// Step library files of the user's left out for their problems.
    pub broken: usize,
}

/// How an edit from the picker went.
#[derive(Debug)]
pub struct Edited {
    pub path: PathBuf,
    /// `Ok(false)`: no editor is set. `Err`: the editor could not run, or
    /// a built-in could not be copied.
    pub ran: Result<bool, NotEdited>,
    /// The routine's name when the file now reads cleanly, or how many
    /// problems it has.
    pub check: Option<Result<String, usize>>,
}

#[derive(Debug, PartialEq)]
pub enum Command {
    /// A session's effect, for the renderer (plain prints it).
    Show(Effect),
    /// Play a sound now.
    Play(Play),
    /// Ring the terminal's bell (standing in for sound).
    TerminalBell,
    /// Show this in the window's title (`None`: give the user's back).
    WindowTitle(Option<String>),
    /// Read these sound files now, before they are due.
    PrepareSounds(Vec<PathBuf>),
    ToggleMute,
    ToggleVoice,
    /// A routine's preflight is up: get ready to run it (render its words).
    Prepare(Arc<Routine>),
    /// A session started now: its recorded start is this instant.
    SessionStarted,
    /// Write the session's history line.
    Record(Box<RecordRequest>),
    /// Read the routines again.
    LoadLibrary,
    /// Read the history for its screen.
    LoadHistory,
    /// Read the history for the picker's resume marks.
    LoadRecords,
    /// Read the steps compose draws on.
    LoadSteps,
    /// Save a composed routine (its id and name set) to the user's
    /// routines directory, as a new file.
    SaveRoutine {
        routine: Arc<Routine>,
        name: String,
    },
    /// Open a routine file in the user's editor, copying the built-in `id`
    /// into the routines directory first when `copy` is set.
    Edit {
        path: PathBuf,
        copy: Option<String>,
    },
    /// Ctrl-Z: give the terminal back and stop until `fg`.
    Suspend,
    /// Leave the program.
    Exit(Exit),
}

/// Everything a history line needs that the app knows.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordRequest {
    pub routine: Arc<Routine>,
    pub summary: Summary,
    /// How much faster than real time a preview from the picker ran (1 for
    /// a real session); the driver multiplies in `--speed`.
    pub preview_speed: f64,
    pub tension_before: Option<u8>,
    pub tension_after: Option<u8>,
}

/// Why a composed routine was not saved, in words for the status line.
#[derive(Debug, thiserror::Error)]
pub enum NotSaved {
    #[error("“{}” has no letters or digits to make a file name from", crate::text::escape_inline(.0))]
    NoLetters(String),
    #[error("{0} is the id of a built-in routine: choose another name")]
    BuiltIn(String),
    #[error("No routines directory to save to: set KNOTLESS_CONFIG_DIR")]
    NoDirectory,
    #[error("{}", capitalised(&.0.to_string()))]
    Save(#[from] crate::compose::files::SaveError),
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Why a routine file was not opened in the editor (shared, so that a
/// scripted editor in tests can say it again).
#[derive(Debug, Clone, thiserror::Error)]
pub enum NotEdited {
    #[error(transparent)]
    Editor(Arc<crate::editor::EditorError>),
    #[error("Cannot edit: {0}")]
    Copy(Arc<crate::routine::user_copy::CopyError>),
}
