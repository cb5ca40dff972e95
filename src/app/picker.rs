//! The picker's own state: the highlighted row, the filter, and today's
//! lengths and resume marks (`[`/`]`, and "stopped at step 6 of 10").

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use jiff::Zoned;

use super::{App, Command, Screen, Status};
use crate::fit::{self, FitError};
use crate::history::{self, Loaded, Record, ResumePoint};
use crate::input::{Action, Mode};
use crate::plan::{self, Planned, What};
use crate::routine::{Entry, Library, Routine};
use crate::timeline::Timeline;

#[derive(Debug, Clone, Default)]
pub struct Picker {
    /// Index into the filtered list.
    pub selected: usize,
    pub filter: String,
    pub filtering: bool,
    pub today: Today,
}

/// How far PageUp/PageDown move.
const PAGE: usize = 10;

impl Picker {
    /// The entries that match the filter: by id, name or tag, ignoring case.
    /// The routines the filter lets through: by id, name or tag; a
    /// position word ("chair", "floor", ...) lists the routines done
    /// entirely in that position (someone who cannot get down to the floor
    /// types "chair").
    pub fn matching<'a>(&self, library: &'a Library) -> Vec<&'a Entry> {
        let needle = self.filter.trim().to_lowercase();
        let position = crate::routine::Position::ALL
            .iter()
            .find(|p| p.word() == needle)
            .copied();
        let mut found: Vec<&Entry> = library
            .entries
            .iter()
            .filter(|e| {
                if needle.is_empty() {
                    return true;
                }
                if let Some(position) = position {
                    return e
                        .routine
                        .as_ref()
                        .is_ok_and(|r| r.positions() == [position]);
                }
                e.id.to_lowercase().contains(&needle)
                    || e.routine.as_ref().is_ok_and(|r| {
                        r.name.to_lowercase().contains(&needle)
                            || r.tags.iter().any(|t| t.to_lowercase().contains(&needle))
                    })
            })
            .collect();
        // Today's planned routine leads the list, wherever its id sorts.
        if let Some(planned) = self.today.planned_routine()
            && let Some(i) = found.iter().position(|e| e.id == planned)
        {
            let entry = found.remove(i);
            found.insert(0, entry);
        }
        found
    }

    pub fn selected<'a>(&self, library: &'a Library) -> Option<&'a Entry> {
        self.matching(library).get(self.selected).copied()
    }

    pub fn update(&mut self, action: Action, library: &Library) {
        let count = self.matching(library).len();
        let last = count.saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(PAGE),
            Action::PageDown => self.selected = (self.selected + PAGE).min(last),
            Action::Home => self.selected = 0,
            Action::End => self.selected = last,
            Action::StartFilter => self.filtering = true,
            Action::FilterChar(c) if !c.is_control() => {
                self.filter.push(c);
                self.selected = 0;
            }
            Action::FilterBackspace => {
                self.filter.pop();
                self.selected = 0;
            }
            Action::FilterDone => self.filtering = false,
            Action::FilterClear => {
                self.filter.clear();
                self.filtering = false;
                self.selected = 0;
            }
            _ => {}
        }
    }
}

/// What the picker knows about today: the minutes each routine is to be
/// fitted to (`[`/`]`), and where stopped sessions can be continued.
#[derive(Debug, Clone, Default)]
pub struct Today {
    /// By routine id; a routine not here runs as written.
    pub minutes: HashMap<String, u32>,
    /// By routine id, from the history.
    pub resumes: HashMap<String, ResumePoint>,
    /// The history as last read, and when.
    records: Option<(Vec<Record>, Zoned)>,
    /// The history has been asked for since the last session was recorded.
    asked: bool,
    /// The routine in preflight as written (neither fitted nor resumed),
    /// for `[`/`]` to fit again.
    pub written: Option<Arc<Routine>>,
    /// The last thing `[`/`]` said on the status line, to clear it when
    /// the next press works.
    said: Option<String>,
    /// The compose answers last given, to start from next time.
    pub form: Option<super::compose::Form>,
    /// Today's practice by `[plan]`, once the history is read.
    pub planned: Option<Planned>,
    /// The cursor was placed for today once: later readings of the
    /// history leave it where the user moved it.
    placed: bool,
}

impl Today {
    /// The id of today's planned routine, when the plan names one of the
    /// library's (a rotation day's routine is composed, not listed).
    pub fn planned_routine(&self) -> Option<&str> {
        match &self.planned.as_ref()?.what {
            What::Routine(id) => Some(id),
            What::Compose { .. } => None,
        }
    }
}

/// A routine's length as written, to the nearest minute.
pub fn written_minutes(routine: &Routine) -> u32 {
    let secs = Timeline::new(routine).total.as_secs();
    u32::try_from(secs.saturating_add(30) / 60).unwrap_or(u32::MAX)
}

/// The minutes one press of `[` (`delta` -1) or `]` (+1) moves `routine`
/// to from `current` (`None`: as written): `Ok(None)` back to as written,
/// `Ok(Some(n))` fitted to `n`, or why it cannot go further. From a
/// written length outside what it can be fitted to, the first press lands
/// on the nearest length it can.
pub fn step_minutes(
    routine: &Routine,
    current: Option<u32>,
    delta: i32,
) -> Result<Option<u32>, FitError> {
    let written = written_minutes(routine);
    let now = current.unwrap_or(written);
    let mut next = i64::from(now) + i64::from(delta);
    if let Some(range) = fit::minutes_range(routine) {
        let (lo, hi) = (i64::from(*range.start()), i64::from(*range.end()));
        if delta < 0 && i64::from(now) > hi {
            next = hi;
        } else if delta > 0 && i64::from(now) < lo {
            next = lo;
        }
    }
    let next = u32::try_from(next.max(0)).unwrap_or(u32::MAX);
    if next == written {
        return Ok(None);
    }
    fit::fit(routine, next).map(|_| Some(next))
}

/// `routine` as it will run: fitted to `minutes` (when set) and continuing
/// from `resume` (when set).
pub fn prepared(
    routine: &Routine,
    minutes: Option<u32>,
    resume: Option<&ResumePoint>,
) -> Result<Routine, FitError> {
    let fitted = match minutes {
        Some(n) => fit::fit(routine, n)?,
        None => routine.clone(),
    };
    Ok(match resume {
        Some(point) => point.apply(fitted),
        None => fitted,
    })
}

impl App {
    /// Ask for the history when the picker first shows, and again after
    /// each recorded session: the resume marks come from it.
    pub(super) fn want_records(&mut self, out: &mut Vec<Command>) {
        let today = &mut self.picker.today;
        if self.mode == Mode::Picker && !today.asked {
            today.asked = true;
            out.push(Command::LoadRecords);
        }
    }

    /// A session was recorded: its routine may now be resumable, or no
    /// longer.
    pub(super) fn records_stale(&mut self) {
        self.picker.today.asked = false;
    }

    /// The history was read for the resume marks. Marks are a help, not a
    /// need: an unreadable history leaves the routines unmarked.
    pub(super) fn records_loaded(&mut self, loaded: std::io::Result<Loaded>, now: Zoned) {
        match loaded {
            Ok(loaded) => self.picker.today.records = Some((loaded.records, now)),
            Err(e) => tracing::warn!("history not read for resume marks: {e}"),
        }
        self.refresh_resumes();
    }

    /// Where each routine of the library can be continued; a session
    /// fitted when it stopped keeps its minutes.
    pub(super) fn refresh_resumes(&mut self) {
        let today = &mut self.picker.today;
        let Some((records, now)) = &today.records else {
            return;
        };
        today.resumes = self
            .library
            .entries
            .iter()
            .filter_map(|e| {
                let r = e.routine.as_ref().ok()?;
                Some((e.id.clone(), history::resume_point(records, r, now)?))
            })
            .collect();
        for (id, point) in &today.resumes {
            if let Some(n) = point.fitted_minutes {
                today.minutes.entry(id.clone()).or_insert(n);
            }
        }
        today.planned = plan::today(
            &self.options.plan,
            now.date(),
            records,
            plan::name_in(&self.library),
        );
        self.place_cursor_for_today();
    }

    /// The first time the history is read (and the library with today's
    /// routine is): the cursor goes to a routine that can be resumed, else
    /// to today's planned one (first in the list).
    fn place_cursor_for_today(&mut self) {
        let today = &self.picker.today;
        if today.placed || !self.picker.filter.is_empty() {
            return;
        }
        let rows = self.picker.matching(&self.library);
        let resumable = rows.iter().position(|e| today.resumes.contains_key(&e.id));
        let planned = today
            .planned_routine()
            .and_then(|id| rows.iter().position(|e| e.id == id));
        match resumable.or(planned) {
            Some(i) => self.picker.selected = i,
            // Only the first routines are read yet: today's may come with
            // the rest.
            None if self.library.partial => return,
            None => {}
        }
        self.picker.today.placed = true;
        self.offer_rotation_day();
    }

    /// A rotation day is composed, not listed: `c` opens the compose
    /// questions answered with its areas and minutes (a routine composed
    /// for them counts as that entry done), and the status line says so.
    fn offer_rotation_day(&mut self) {
        let today = &mut self.picker.today;
        let Some(Planned {
            what: What::Compose { areas, minutes, .. },
            done: false,
            ..
        }) = &today.planned
        else {
            return;
        };
        if today.form.is_none() {
            today.form = Some(super::compose::Form::for_plan(areas, *minutes));
        }
        if self.status.is_none() {
            let key = crate::input::key_for(crate::input::Context::Picker, Action::Compose)
                .unwrap_or("c");
            self.status = Some(Status::Note(format!(
                "Planned today: {}, {minutes} min — {key} composes it",
                crate::compose::area_list(areas)
            )));
        }
    }

    /// Enter (`from_start` false) or `s` on the picker: the highlighted
    /// routine's preflight, fitted to its minutes, continuing where it
    /// stopped unless `from_start`.
    pub(super) fn open_selected(&mut self, from_start: bool, out: &mut Vec<Command>) {
        let Some(Ok(routine)) = self.picker.selected(&self.library).map(|e| &e.routine) else {
            return;
        };
        let written = Arc::new(routine.clone());
        let today = &mut self.picker.today;
        let resume = today.resumes.get(&written.id).filter(|_| !from_start);
        let minutes = today.minutes.get(&written.id).copied();
        let ready = match prepared(&written, minutes, resume) {
            Ok(r) => r,
            // The file changed since the minutes were chosen.
            Err(e) => {
                self.status = Some(Status::Trouble(e.to_string()));
                let resume = resume.cloned();
                today.minutes.remove(&written.id);
                prepared(&written, None, resume.as_ref()).unwrap_or_else(|_| (*written).clone())
            }
        };
        let ready = Arc::new(ready);
        self.picker.today.written = Some(written);
        out.push(Command::Prepare(ready.clone()));
        self.screen = Screen::Preflight(ready);
        self.first_look();
    }

    /// `s` on preflight: begin at the first step, whatever was stopped.
    pub(super) fn begin_from_start(&mut self, now: Instant, out: &mut Vec<Command>) {
        if let Screen::Preflight(r) = &mut self.screen
            && r.run.resumes.is_some()
        {
            Arc::make_mut(r).run.resumes = None;
        }
        self.open(now, out);
    }

    /// `[` (`delta` -1) or `]` (+1), on the picker or preflight.
    pub(super) fn change_length(&mut self, delta: i32, out: &mut Vec<Command>) {
        let said = match &self.screen {
            Screen::Picker => self.length_in_picker(delta),
            Screen::Preflight(_) => self.length_in_preflight(delta, out),
            _ => return,
        };
        let today = &mut self.picker.today;
        match said {
            Some(words) => {
                today.said = Some(words.clone());
                self.status = Some(Status::Note(words));
            }
            None => {
                if today.said.is_some() && self.status == today.said.clone().map(Status::Note) {
                    self.status = None;
                }
                today.said = None;
            }
        }
    }

    /// Changes the highlighted routine's minutes; what to say when it
    /// cannot.
    fn length_in_picker(&mut self, delta: i32) -> Option<String> {
        let entry = self.picker.selected(&self.library)?;
        let routine = entry.routine.as_ref().ok()?;
        let id = entry.id.clone();
        let minutes = &mut self.picker.today.minutes;
        match step_minutes(routine, minutes.get(&id).copied(), delta) {
            Ok(Some(n)) => {
                minutes.insert(id, n);
                None
            }
            Ok(None) => {
                minutes.remove(&id);
                None
            }
            Err(e) => Some(e.to_string()),
        }
    }

    /// Fits the routine in preflight again, keeping where it continues.
    fn length_in_preflight(&mut self, delta: i32, out: &mut Vec<Command>) -> Option<String> {
        let Screen::Preflight(shown) = &self.screen else {
            return None;
        };
        let written = match &self.picker.today.written {
            Some(w) if w.id == shown.id => w.clone(),
            // Started on this routine (`knotless run`): as written, unless
            // `--minutes` fitted it already.
            _ if shown.run.fitted.is_none() => {
                let mut w = (**shown).clone();
                w.run.resumes = None;
                let w = Arc::new(w);
                self.picker.today.written = Some(w.clone());
                w
            }
            _ => {
                return Some(
                    "Fitted with --minutes: run it without to change the length here".to_owned(),
                );
            }
        };
        let current = shown.run.fitted.map(|f| f.minutes);
        let next = match step_minutes(&written, current, delta) {
            Ok(next) => next,
            Err(e) => return Some(e.to_string()),
        };
        let mut ready = match prepared(&written, next, None) {
            Ok(r) => r,
            Err(e) => return Some(e.to_string()),
        };
        ready.run.resumes = shown.run.resumes.clone();
        match next {
            Some(n) => self.picker.today.minutes.insert(written.id.clone(), n),
            None => self.picker.today.minutes.remove(&written.id),
        };
        let ready = Arc::new(ready);
        out.push(Command::Prepare(ready.clone()));
        self.screen = Screen::Preflight(ready);
        None
    }

    /// Whether the routine on screen has a stopped session to continue:
    /// only then does the hint line offer "from the start".
    pub(super) fn resumable(&self) -> bool {
        match &self.screen {
            Screen::Picker => self
                .picker
                .selected(&self.library)
                .is_some_and(|e| self.picker.today.resumes.contains_key(&e.id)),
            Screen::Preflight(r) => r.run.resumes.is_some(),
            _ => false,
        }
    }
}
