//! `knotless list`

use crate::routine::Library;
use crate::routine::duration::clock;
use crate::text::escape_inline;
use crate::timeline::Timeline;

use super::table::{Align, render};

pub fn list(lib: &Library) -> String {
    let rows: Vec<Vec<String>> = lib
        .entries
        .iter()
        .map(|e| {
            let (name, length, steps) = match &e.routine {
                Ok(r) => (
                    escape_inline(&r.name).into_owned(),
                    clock(Timeline::new(r).total),
                    r.steps.len().to_string(),
                ),
                Err(p) => {
                    let n = p.problems.len();
                    let s = if n == 1 { "" } else { "s" };
                    (
                        format!("BROKEN: {n} problem{s}, see `knotless check`"),
                        "-".into(),
                        "-".into(),
                    )
                }
            };
            let source = match e.origin.path() {
                Some(path) => format!(
                    "{} {}",
                    e.origin.label(),
                    escape_inline(&path.display().to_string())
                ),
                None => e.origin.label().to_owned(),
            };
            vec![
                escape_inline(&e.id).into_owned(),
                name,
                length,
                steps,
                source,
            ]
        })
        .collect();
    let mut out = render(
        &[
            ("ID", Align::Left),
            ("NAME", Align::Left),
            ("LENGTH", Align::Right),
            ("STEPS", Align::Right),
            ("SOURCE", Align::Left),
        ],
        &rows,
    );
    for p in &lib.dir_problems {
        for line in p.summary_lines() {
            out.push_str(&format!("problem: {line}\n"));
        }
    }
    out
}
