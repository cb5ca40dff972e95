//! The picker's work on routine files: reading them again (by hand with
//! `r`, or when a watched directory changes), editing one in the user's
//! editor, and previewing one faster than real time. The reading and
//! writing itself is the driver's; this decides when and says how it went.

use std::sync::Arc;
use std::time::Instant;

use super::{App, Command, Edited, Screen, Status};
use crate::clock::Scaled;
use crate::routine::{Library, Origin};
use crate::session::Session;
use crate::text::escape_inline;

/// How much faster `p` previews a routine.
pub const PREVIEW_SPEED: f64 = 10.0;

impl App {
    /// The routines were read again: keep the highlighted one.
    pub(super) fn library_loaded(&mut self, library: Library) {
        let keep = self.picker.selected(&self.library).map(|e| e.id.clone());
        self.library = library;
        let matching = self.picker.matching(&self.library);
        match keep.and_then(|id| matching.iter().position(|e| e.id == id)) {
            Some(i) => self.picker.selected = i,
            // The highlighted routine is gone: stay on a row that exists.
            None => {
                self.picker.selected = self.picker.selected.min(matching.len().saturating_sub(1))
            }
        }
        self.refresh_resumes();
        let broken = self.library.problems().count();
        self.status = (broken > 0).then(|| {
            Status::Trouble(match broken {
                1 => "1 routine file has problems: see the list".to_owned(),
                n => format!("{n} routine files have problems: see the list"),
            })
        });
    }

    /// A watched directory changed: read the routines again now if the
    /// picker shows them, or when it next does.
    pub(super) fn routines_changed(&mut self, out: &mut Vec<Command>) {
        if matches!(self.screen, Screen::Picker) && !self.editing {
            out.push(Command::LoadLibrary);
        } else {
            self.stale = true;
        }
    }

    /// The editor opened with `e` closed: read the routines again and say
    /// how the file is.
    pub(super) fn edited(&mut self, edited: Edited, out: &mut Vec<Command>) {
        self.editing = false;
        self.stale = false;
        out.push(Command::LoadLibrary);
        let shown = escape_inline(&edited.path.display().to_string()).into_owned();
        self.status = Some(match (edited.ran, edited.check) {
            (Ok(false), _) => Status::Trouble(format!(
                "Set $VISUAL or $EDITOR to edit here; the file is {shown}"
            )),
            (Err(e), _) => Status::Trouble(escape_inline(&e.to_string()).into_owned()),
            (Ok(true), Some(Ok(name))) => Status::Note(format!("Saved {}", escape_inline(&name))),
            (Ok(true), Some(Err(1))) => {
                Status::Trouble(format!("{shown} has 1 problem: see the details"))
            }
            (Ok(true), Some(Err(n))) => {
                Status::Trouble(format!("{shown} has {n} problems: see the details"))
            }
            (Ok(true), None) => Status::Note(format!("Saved {shown}")),
        });
    }

    /// Ask the driver to open the highlighted routine's file in the
    /// editor; a built-in is first copied to the user routines directory.
    pub(super) fn request_edit(&mut self, out: &mut Vec<Command>) {
        let Some(entry) = self.picker.selected(&self.library) else {
            return;
        };
        let command = match (&entry.origin, &self.options.user_dir) {
            (Origin::BuiltIn, Some(dir)) => Command::Edit {
                path: dir.join(format!("{}.toml", entry.id)),
                copy: Some(entry.id.clone()),
            },
            (Origin::BuiltIn, None) => {
                self.status = Some(Status::Trouble(
                    "Cannot edit: no routines directory to copy it to".into(),
                ));
                return;
            }
            (other, _) => Command::Edit {
                path: other.path().cloned().unwrap_or_default(),
                copy: None,
            },
        };
        self.editing = true;
        out.push(command);
    }

    /// `p`: run the highlighted routine at once, ten times faster.
    pub(super) fn start_preview(&mut self, now: Instant, out: &mut Vec<Command>) {
        let Some(Ok(routine)) = self.picker.selected(&self.library).map(|e| &e.routine) else {
            return;
        };
        // At the length chosen for it, as Enter would run it.
        let minutes = self.picker.today.minutes.get(&routine.id).copied();
        let routine =
            super::picker::prepared(routine, minutes, None).unwrap_or_else(|_| routine.clone());
        let routine = Arc::new(routine);
        out.push(Command::Prepare(routine.clone()));
        self.preview = Some(Scaled {
            origin: now,
            speed: PREVIEW_SPEED,
        });
        self.tension = super::Tension::default();
        self.paused_by_overlay = false;
        let (session, effects) = Session::start(routine, self.inner(now));
        self.screen = Screen::Session {
            session,
            confirm_quit: false,
        };
        out.push(Command::SessionStarted);
        self.after(effects, out);
    }
}
