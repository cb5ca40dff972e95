//! The picker's work on routine files: reading them again (by hand with
//! `r`, or when a watched directory changes), editing one in the user's
//! editor, and previewing one faster than real time.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use super::{App, Screen};
use crate::clock::Scaled;
use crate::routine::{Library, Origin};
use crate::session::{Effect, Session};
use crate::text::escape_inline;

/// How much faster `p` previews a routine.
pub const PREVIEW_SPEED: f64 = 10.0;

/// The directories the library is read from, to read it again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LibrarySource {
    pub user_dir: Option<PathBuf>,
    pub extra_dirs: Vec<PathBuf>,
    /// The `session.transition` setting, given to every routine.
    pub transition: Option<std::time::Duration>,
}

impl LibrarySource {
    pub fn discover(&self) -> Library {
        Library::discover(self.user_dir.as_deref(), &self.extra_dirs)
            .with_transition(self.transition)
    }

    /// The directories worth watching for changes (those that exist).
    pub fn watched(&self) -> Vec<PathBuf> {
        self.user_dir
            .iter()
            .chain(&self.extra_dirs)
            .filter(|d| d.is_dir())
            .cloned()
            .collect()
    }
}

impl App {
    /// The session's instant for the clock's `now` (faster in a preview).
    pub(super) fn inner(&self, now: Instant) -> Instant {
        self.preview.map_or(now, |p| p.inner(now))
    }

    /// Read every routine file again, keeping the highlighted routine.
    pub fn reload(&mut self) {
        let keep = self.picker.selected(&self.library).map(|e| e.id.clone());
        self.library = self.source.discover();
        let matching = self.picker.matching(&self.library);
        match keep.and_then(|id| matching.iter().position(|e| e.id == id)) {
            Some(i) => self.picker.selected = i,
            // The highlighted routine is gone: stay on a row that exists.
            None => {
                self.picker.selected = self.picker.selected.min(matching.len().saturating_sub(1))
            }
        }
        let broken = self.library.problems().count();
        self.status = (broken > 0).then(|| match broken {
            1 => "1 routine file has problems: see the list".to_owned(),
            n => format!("{n} routine files have problems: see the list"),
        });
    }

    /// A watched directory changed: read the routines again now if the
    /// picker shows them, or when it next does.
    pub fn routines_changed(&mut self) {
        if matches!(self.screen, Screen::Picker) {
            self.reload();
        } else {
            self.stale = true;
        }
    }

    /// The editor opened with `e` closed: read the routines again and say
    /// how the file is.
    pub fn edited(&mut self, path: &Path, result: Result<bool, String>) {
        self.reload();
        let shown = escape_inline(&path.display().to_string()).into_owned();
        self.status = Some(match result {
            Ok(false) => format!("Set $VISUAL or $EDITOR to edit here; the file is {shown}"),
            Err(e) => escape_inline(&e).into_owned(),
            Ok(true) => match crate::routine::load::load_file(path) {
                Ok(r) => format!("Saved {}", escape_inline(&r.name)),
                Err(p) => format!(
                    "{} has {} problem(s): see the details",
                    shown,
                    p.problems.len()
                ),
            },
        });
    }

    /// Ask the loop to open the highlighted routine's file in the editor; a
    /// built-in is first copied to the user routines directory.
    pub(super) fn request_edit(&mut self) {
        let Some(entry) = self.picker.selected(&self.library) else {
            return;
        };
        let path = match (&entry.origin, &self.source.user_dir) {
            (Origin::BuiltIn, Some(dir)) => crate::commands::edit::copy_builtin(dir, &entry.id),
            (Origin::BuiltIn, None) => Err(anyhow::anyhow!("no routines directory to copy it to")),
            (other, _) => Ok(other.path().cloned().unwrap_or_default()),
        };
        match path {
            Ok(path) => self.edit_request = Some(path),
            Err(e) => {
                self.status = Some(format!("Cannot edit: {}", escape_inline(&format!("{e:#}"))))
            }
        }
    }

    /// `p`: run the highlighted routine at once, ten times faster.
    pub(super) fn start_preview(&mut self, now: Instant) -> Vec<Effect> {
        let Some(Ok(routine)) = self.picker.selected(&self.library).map(|e| &e.routine) else {
            return Vec::new();
        };
        let routine = Arc::new(routine.clone());
        self.preview = Some(Scaled {
            origin: now,
            speed: PREVIEW_SPEED,
        });
        self.tension = super::Tension::default();
        let (session, effects) = Session::start(routine, self.inner(now));
        self.screen = Screen::Session {
            session,
            confirm_quit: false,
        };
        effects
    }
}
