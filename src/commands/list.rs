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

/// One routine in `knotless list --json`.
#[derive(Debug, serde::Serialize)]
struct Item<'a> {
    id: &'a str,
    /// "built-in", "user", "--routines" or "file".
    source: &'static str,
    path: Option<String>,
    /// False for a file with problems: only its id and path are known.
    ok: bool,
    name: Option<&'a str>,
    summary: Option<&'a str>,
    tags: &'a [String],
    seconds: Option<u64>,
    step_count: Option<usize>,
    /// A broken file's problems, as `check --json` gives them.
    problems: Vec<super::check::JsonDiagnostic>,
}

/// `knotless list --json`: `{"routines": [...], "problems": [...]}`.
pub fn list_json(lib: &Library) -> anyhow::Result<String> {
    let routines: Vec<Item> = lib
        .entries
        .iter()
        .map(|e| {
            let path = e.origin.path().map(|p| p.display().to_string());
            let base = Item {
                id: &e.id,
                source: e.origin.label(),
                path,
                ok: false,
                name: None,
                summary: None,
                tags: &[],
                seconds: None,
                step_count: None,
                problems: Vec::new(),
            };
            match &e.routine {
                Ok(r) => Item {
                    ok: true,
                    name: Some(&r.name),
                    summary: Some(&r.summary),
                    tags: &r.tags,
                    seconds: Some(crate::format::whole_seconds(Timeline::new(r).total)),
                    step_count: Some(r.steps.len()),
                    ..base
                },
                Err(p) => Item {
                    problems: super::check::json_diagnostics(p),
                    ..base
                },
            }
        })
        .collect();
    let problems: Vec<super::check::JsonDiagnostic> = lib
        .dir_problems
        .iter()
        .flat_map(super::check::json_diagnostics)
        .collect();
    super::json::to_text(&serde_json::json!({
        "routines": routines,
        "problems": problems,
    }))
}
