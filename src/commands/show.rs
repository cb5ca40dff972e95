//! `knotless show ROUTINE`: the timeline as a table.

use crate::routine::duration::{clock, words};
use crate::routine::{Origin, Routine, StepKind};
use crate::text::escape_inline;
use crate::timeline::{SegmentKind, Timeline};

use super::table::{Align, render};

pub fn show(routine: &Routine, origin: &Origin) -> String {
    let timeline = Timeline::new(routine);
    let mut rows = Vec::new();
    for seg in timeline
        .segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Work)
    {
        let step = &routine.steps[seg.step];
        let mut title = escape_inline(&step.title).into_owned();
        if let Some(b) = &step.breath {
            let name = b.name.map_or_else(|| b.to_string(), str::to_owned);
            title = match (step.kind, step.cycles) {
                (StepKind::Breathing, Some(n)) => format!("{title} · {name} × {n}"),
                _ => format!("{title} · {name}"),
            };
        }
        rows.push(vec![
            clock(seg.start),
            clock(seg.length),
            step.kind.word().to_owned(),
            title,
            step.area.map(|a| a.word().to_owned()).unwrap_or_default(),
            seg.side.map(|s| s.word().to_owned()).unwrap_or_default(),
        ]);
        for cue in &seg.cues {
            rows.push(vec![
                clock(seg.start + cue.at),
                String::new(),
                format!("  cue: {}", escape_inline(&cue.text)),
            ]);
        }
    }
    let mut out = format!(
        "{} ({}, {})\n",
        escape_inline(&routine.name),
        escape_inline(&routine.id),
        origin.label()
    );
    if !routine.summary.is_empty() {
        out.push_str(&format!("{}\n", escape_inline(&routine.summary)));
    }
    out.push('\n');
    out.push_str(&render(
        &[
            ("START", Align::Right),
            ("LENGTH", Align::Right),
            ("KIND", Align::Left),
            ("TITLE", Align::Left),
            ("AREA", Align::Left),
            ("SIDE", Align::Left),
        ],
        &rows,
    ));
    let pauses = timeline.get_ready_count();
    let pause = words(routine.transition);
    let pause_note = match pauses {
        0 => String::new(),
        1 => format!(", with a get-ready pause of {pause}"),
        n => format!(", with {n} get-ready pauses of {pause}"),
    };
    let steps = match routine.steps.len() {
        1 => "1 step".to_owned(),
        n => format!("{n} steps"),
    };
    let total = clock(timeline.total);
    out.push_str(&format!("\nTotal {total}: {steps}{pause_note}\n"));
    out
}

/// `knotless show ROUTINE --json`: the routine and its timeline, in seconds
/// from the start. Get-ready pauses are left out of `steps` (like the
/// table), but counted in each start and in `seconds`.
pub fn show_json(routine: &Routine, origin: &Origin) -> anyhow::Result<String> {
    let timeline = Timeline::new(routine);
    let steps: Vec<serde_json::Value> = timeline
        .segments
        .iter()
        .filter(|s| s.kind == SegmentKind::Work)
        .map(|seg| {
            let step = &routine.steps[seg.step];
            let cues: Vec<serde_json::Value> = seg
                .cues
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "at": (seg.start + c.at).as_secs_f64(),
                        "text": c.text,
                    })
                })
                .collect();
            serde_json::json!({
                "step": seg.step + 1,
                "start": seg.start.as_secs_f64(),
                "seconds": seg.length.as_secs_f64(),
                "kind": step.kind.word(),
                "title": step.title,
                "area": step.area.map(|a| a.word()),
                "side": seg.side.map(|s| s.word()),
                "pressure": step.pressure.word(),
                "breath": step.breath.as_ref().map(|b| b.name.map_or_else(|| b.to_string(), str::to_owned)),
                "cycles": step.cycles,
                "caution": step.caution,
                "cues": cues,
            })
        })
        .collect();
    super::json::to_text(&serde_json::json!({
        "id": routine.id,
        "name": routine.name,
        "summary": routine.summary,
        "source": origin.label(),
        "path": origin.path().map(|p| p.display().to_string()),
        "tags": routine.tags,
        "tools": routine.tools,
        "safety": routine.safety,
        "get_ready_seconds": routine.transition.as_secs_f64(),
        "get_ready_pauses": timeline.get_ready_count(),
        "seconds": timeline.total.as_secs_f64(),
        "steps": steps,
    }))
}
