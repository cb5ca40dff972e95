//! The picker's own state: the highlighted row and the filter.

use crate::input::Action;
use crate::routine::{Entry, Library};

#[derive(Debug, Clone, Default)]
pub struct Picker {
    /// Index into the filtered list.
    pub selected: usize,
    pub filter: String,
    pub filtering: bool,
}

/// How far PageUp/PageDown move.
const PAGE: usize = 10;

impl Picker {
    /// The entries that match the filter: by id, name or tag, ignoring case.
    pub fn matching<'a>(&self, library: &'a Library) -> Vec<&'a Entry> {
        let needle = self.filter.to_lowercase();
        library
            .entries
            .iter()
            .filter(|e| {
                needle.is_empty()
                    || e.id.to_lowercase().contains(&needle)
                    || e.routine.as_ref().is_ok_and(|r| {
                        r.name.to_lowercase().contains(&needle)
                            || r.tags.iter().any(|t| t.to_lowercase().contains(&needle))
                    })
            })
            .collect()
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
