//! One `[table]` of a settings file, read by the module that owns it: the
//! settings file is only found and split by `settings.rs`; what a table's
//! keys mean, and which values are wrong, is said by its owner (the sound,
//! the voice, the session, the display, the hooks, the routine folders).

use std::marker::PhantomData;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::document::{Words, read_lenient, type_help, unknown_key};
use super::problem::Problem;

/// A table of the settings file and the settings it gives.
///
/// The owner writes the table as it is written in the file (`Raw`: every
/// key an `Option`, `#[serde(deny_unknown_fields)]`), and `read`, which
/// starts from the defaults, takes each key that is right and reports each
/// wrong one at its span, leaving it at its default.
pub trait Section: Default {
    /// The table's name: `sound` for `[sound]`.
    const NAME: &'static str;
    /// The table as written.
    type Raw: DeserializeOwned;
    /// The settings `raw` gives; `base` is the settings file's directory,
    /// for relative paths.
    fn read(raw: Self::Raw, base: &Path, problems: &mut Vec<Problem>) -> Self;
    /// A hint for a value serde could not read (a duration, say), from
    /// serde's message; types are hinted at already.
    fn value_help(_message: &str) -> Option<&'static str> {
        None
    }
}

/// `S`'s words for what serde could not read.
struct SectionWords<S>(PhantomData<S>);

impl<S: Section> Words for SectionWords<S> {
    fn value_help(&self, message: &str) -> Option<&'static str> {
        S::value_help(message).or_else(|| type_help(message))
    }
}

/// Take `S`'s table out of `root` and read it; its defaults when the file
/// has no such table or it cannot be read at all (which is reported). Keys
/// serde cannot read (unknown, of the wrong type) are reported and left
/// out, and the rest read again, so one wrong key never costs its table.
pub fn take<S: Section>(root: &mut DeTable<'_>, base: &Path, problems: &mut Vec<Problem>) -> S {
    let key = root.keys().find(|k| k.get_ref() == S::NAME).cloned();
    let Some(value) = key.and_then(|key| root.remove(&key)) else {
        return S::default();
    };
    let span = value.span();
    let DeValue::Table(table) = value.into_inner() else {
        problems.push(
            Problem::at(span, format!("`{}` must be a table", S::NAME)).help(format!(
                "write it as a [{}] line with its keys on the lines below",
                S::NAME
            )),
        );
        return S::default();
    };
    match read_lenient::<S::Raw>(span, table, &SectionWords::<S>(PhantomData), problems) {
        Some((raw, _)) => S::read(raw, base, problems),
        None => S::default(),
    }
}

/// Report each table left in `root` once its owners have taken theirs: no
/// module owns it. `known` are the tables that are.
pub fn unknown_tables(root: &DeTable<'_>, known: &[&str], problems: &mut Vec<Problem>) {
    let allowed: Vec<String> = known.iter().map(|k| (*k).to_owned()).collect();
    for key in root.keys() {
        problems.push(unknown_key(key.span(), key.get_ref(), &allowed));
    }
}

/// A level from 0 to 100 (a volume), or `None` with the problem reported;
/// `example` is the line the help suggests.
pub fn percent(value: &Spanned<i64>, example: &str, problems: &mut Vec<Problem>) -> Option<u8> {
    match u8::try_from(*value.get_ref()) {
        Ok(level) if level <= 100 => Some(level),
        _ => {
            problems.push(
                Problem::at(
                    value.span(),
                    format!("the volume must be from 0 to 100, not {}", value.get_ref()),
                )
                .help(format!("write a whole number like {example}")),
            );
            None
        }
    }
}
