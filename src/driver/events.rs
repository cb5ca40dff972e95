//! Where the driver's events come from: keys and the terminal's answers
//! (`tty.rs`), resizes, signals, changes to watched routine directories, and the
//! editor closing. The real source reads them on threads of its own; a
//! test's source (`Script`) hands them out at set instants of a fake clock.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

#[cfg(not(unix))]
use crossterm::event;

use super::event::Event;
use super::signals;

pub trait Events {
    /// The next event, waiting at most `timeout` of wall time (for ever
    /// when `None`); `None` when the time ran out first.
    fn next(&mut self, timeout: Option<Duration>) -> Option<Event>;
    /// The last key has been handled; `edit`: open this file in the
    /// editor before any more keys are read.
    fn key_done(&mut self, edit: Option<PathBuf>);
}

/// The loop's answer to each key, so that the input thread never reads the
/// terminal while an editor opened from the picker owns it.
enum Ack {
    Continue,
    Edit(PathBuf),
}

/// Events from the real terminal, signals and file watcher.
pub struct Terminal {
    rx: Receiver<Event>,
    acks: Option<Sender<Ack>>,
    signals: signals::Handle,
    /// Kept alive for the whole run; dropping it stops the watching.
    _watcher: Option<notify::RecommendedWatcher>,
}

impl Terminal {
    /// Listen for signals, and also read keys when `keys` (the full
    /// screen) and watch `dirs` for changed routine files.
    pub fn start(keys: bool, dirs: &[PathBuf]) -> std::io::Result<Self> {
        let (tx, rx) = mpsc::channel();
        let signals = signals::listen(tx.clone(), keys)?;
        let acks = keys.then(|| listen_for_input(tx.clone()));
        let watcher = watch(dirs, tx);
        Ok(Self {
            rx,
            acks,
            signals,
            _watcher: watcher,
        })
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        self.signals.close();
    }
}

impl Events for Terminal {
    fn next(&mut self, timeout: Option<Duration>) -> Option<Event> {
        match timeout {
            Some(t) => match self.rx.recv_timeout(t) {
                Ok(e) => Some(e),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => Some(Event::InputGone),
            },
            None => Some(self.rx.recv().unwrap_or(Event::InputGone)),
        }
    }

    fn key_done(&mut self, edit: Option<PathBuf>) {
        if let Some(acks) = &self.acks {
            let _ = acks.send(edit.map_or(Ack::Continue, Ack::Edit));
        }
    }
}

/// Read the terminal on a thread of its own. After each key it waits for
/// the loop's answer: the key may have asked for the editor, which must
/// have the terminal to itself, so the editor runs here, between reads.
fn listen_for_input(tx: Sender<Event>) -> Sender<Ack> {
    let (acks, ack_rx) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name("input".into())
        .spawn(move || read_input(&tx, &ack_rx));
    if let Err(e) = spawned {
        tracing::error!("cannot read keys: {e}");
    }
    acks
}

#[cfg(unix)]
fn read_input(tx: &Sender<Event>, ack_rx: &Receiver<Ack>) {
    use super::keys::Input;
    let mut tty = match super::tty::Tty::open() {
        Ok(tty) => tty,
        Err(e) => {
            tracing::error!("cannot read keys: {e}");
            let _ = tx.send(Event::InputGone);
            return;
        }
    };
    loop {
        let key = match tty.next() {
            Ok(Some(Input::Key(key))) => key,
            Ok(Some(Input::Background(bg))) => {
                if tx.send(Event::Background(bg)).is_err() {
                    return;
                }
                continue;
            }
            Ok(None) | Err(_) => {
                let _ = tx.send(Event::InputGone);
                return;
            }
        };
        if tx.send(Event::Key(key)).is_err() || !after_key(tx, ack_rx) {
            return;
        }
        // The editor may have had the terminal.
        tty.reset();
    }
}

/// crossterm's reader, where there is no Unix terminal to read directly.
#[cfg(not(unix))]
fn read_input(tx: &Sender<Event>, ack_rx: &Receiver<Ack>) {
    loop {
        let wake = match event::read() {
            Ok(event::Event::Key(key)) => Event::Key(key),
            Ok(event::Event::Resize(..)) => Event::Resize,
            Ok(_) => continue,
            Err(_) => Event::InputGone,
        };
        let (gone, key) = (
            matches!(wake, Event::InputGone),
            matches!(wake, Event::Key(_)),
        );
        if tx.send(wake).is_err() || gone {
            return;
        }
        if key && !after_key(tx, ack_rx) {
            return;
        }
    }
}

/// Wait for the loop to have handled a key, and open the editor if the key
/// asked for it. `false`: the loop is gone.
fn after_key(tx: &Sender<Event>, ack_rx: &Receiver<Ack>) -> bool {
    match ack_rx.recv() {
        Ok(Ack::Continue) => true,
        Ok(Ack::Edit(path)) => {
            let result =
                crate::editor::open(&path).map_err(|e| crate::app::NotEdited::Editor(e.into()));
            tx.send(Event::Edited(path, result)).is_ok()
        }
        Err(_) => false,
    }
}

/// Watch the routine directories; a change to a `.toml` file wakes the
/// loop to read the routines again. No directories, or no watcher on this
/// system: nothing is watched, and `r` still reloads by hand.
fn watch(dirs: &[PathBuf], tx: Sender<Event>) -> Option<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    if dirs.is_empty() {
        return None;
    }
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let routine_file = event
            .paths
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "toml"));
        if routine_file && !matches!(event.kind, EventKind::Access(_)) {
            let _ = tx.send(Event::Reload);
        }
    })
    .inspect_err(|e| tracing::info!("routine directories are not watched: {e}"))
    .ok()?;
    for dir in dirs {
        if let Err(e) = watcher.watch(dir, RecursiveMode::NonRecursive) {
            tracing::info!("cannot watch {}: {e}", dir.display());
        }
    }
    Some(watcher)
}
