//! `knotless show ROUTINE`: the timeline as a table.

use crate::format::whole_seconds;
use std::time::Duration;

use crate::routine::duration::{clock, words};
use crate::routine::{Origin, Routine, StepKind};
use crate::text::escape_inline;
use crate::timeline::{Segment, SegmentKind, Timeline};

use super::table::{Align, render};

pub fn show(routine: &Routine, origin: &Origin) -> String {
    let timeline = Timeline::new(routine);
    let mut rows = Vec::new();
    for seg in &timeline.segments {
        match seg.kind {
            SegmentKind::GetReady => rows.extend(pause_row(routine, seg)),
            SegmentKind::Work => work_rows(routine, seg, &mut rows),
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
    if let Some(f) = routine.run.fitted {
        out.push_str(&format!(
            "Fitted to {} minutes (written: {})\n",
            f.minutes,
            clock(f.written)
        ));
        // Stretched toward more minutes, a step may stop at its kind's
        // limit; say which, so a shorter total is not a surprise.
        let held: Vec<String> = crate::fit::at_limit(routine)
            .into_iter()
            .filter(|_| u64::from(f.minutes) * 60 > f.written.as_secs())
            .map(|i| escape_inline(&routine.steps[i].title).into_owned())
            .collect();
        if !held.is_empty() {
            out.push_str(&format!(
                "At its limit of a minute a side: {}\n",
                held.join(", ")
            ));
        }
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
            ("POSITION", Align::Left),
        ],
        &rows,
    ));
    let steps = match routine.steps.len() {
        1 => "1 step".to_owned(),
        n => format!("{n} steps"),
    };
    let total = clock(timeline.total);
    out.push_str(&format!(
        "\nTotal {total}: {steps}{}\n",
        pause_note(routine, &timeline)
    ));
    out
}

/// A step's own get-ready and the pause between sides get a row; the
/// routine's usual get-ready is only counted in the total.
fn pause_row(routine: &Routine, seg: &Segment) -> Option<Vec<String>> {
    let step = &routine.steps[seg.step];
    let what = if seg.is_switch_pause() {
        let side = seg.side.map_or("other", |s| s.word());
        format!("  switch to the {side} side")
    } else if step.get_ready.is_some() {
        let to = step
            .position
            .map(|p| format!(": {}", p.word()))
            .unwrap_or_default();
        format!("  get ready{to}")
    } else {
        return None;
    };
    Some(vec![clock(seg.start), clock(seg.length), what])
}

fn work_rows(routine: &Routine, seg: &Segment, rows: &mut Vec<Vec<String>>) {
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
        step.position
            .map(|p| p.word().to_owned())
            .unwrap_or_default(),
    ]);
    // The glance line once per step, under its first side.
    if let Some(glance) = step
        .glance
        .as_ref()
        .filter(|_| !seg.switches_side && !second_side(routine, seg))
    {
        rows.push(vec![
            String::new(),
            String::new(),
            format!("  glance: {}", escape_inline(glance)),
        ]);
    }
    for cue in &seg.cues {
        rows.push(vec![
            clock(seg.start + cue.at),
            String::new(),
            format!("  cue: {}", escape_inline(&cue.text)),
        ]);
    }
}

fn second_side(routine: &Routine, seg: &Segment) -> bool {
    routine.steps[seg.step].sides == crate::routine::Sides::Both
        && seg.side == Some(crate::routine::Side::Right)
}

/// The time of all get-ready pauses (or of all pauses between sides).
fn pause_total(timeline: &Timeline, between_sides: bool) -> Duration {
    timeline.pauses(between_sides).map(|s| s.length).sum()
}

/// ", with 9 get-ready pauses (0:45) and 3 pauses between sides (0:15)".
fn pause_note(routine: &Routine, timeline: &Timeline) -> String {
    let sum = |between: bool| -> (usize, Duration) {
        timeline
            .pauses(between)
            .fold((0, Duration::ZERO), |(n, d), s| (n + 1, d + s.length))
    };
    let (ready, ready_len) = sum(false);
    let (switches, switch_len) = sum(true);
    let mut parts = Vec::new();
    let all_alike = timeline
        .pauses(false)
        .all(|s| s.length == routine.transition);
    match ready {
        0 => {}
        1 => parts.push(format!("a get-ready pause of {}", words(ready_len))),
        n if all_alike => parts.push(format!(
            "{n} get-ready pauses of {}",
            words(routine.transition)
        )),
        n => parts.push(format!(
            "{n} get-ready pauses ({} in all)",
            words(ready_len)
        )),
    }
    match switches {
        0 => {}
        1 => parts.push(format!("a pause of {} between sides", words(switch_len))),
        n => parts.push(format!(
            "{n} pauses between sides ({} in all)",
            words(switch_len)
        )),
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(", with {}", parts.join(" and "))
    }
}

/// `knotless show ROUTINE --json`: the routine and its timeline, in seconds
/// from the start. Get-ready pauses and pauses between sides are left out
/// of `steps`, but counted in each start and in `seconds`.
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
                        "at": whole_seconds(seg.start + c.at),
                        "text": c.text,
                    })
                })
                .collect();
            serde_json::json!({
                "step": seg.step + 1,
                "start": whole_seconds(seg.start),
                "seconds": whole_seconds(seg.length),
                "kind": step.kind.word(),
                "title": step.title,
                "area": step.area.map(|a| a.word()),
                "side": seg.side.map(|s| s.word()),
                "pressure": step.pressure.word(),
                "position": step.position.map(|p| p.word()),
                "glance": step.glance,
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
        "transition_seconds": whole_seconds(routine.transition),
        "get_ready_pauses": timeline.pauses(false).count(),
        "get_ready_seconds": whole_seconds(pause_total(&timeline, false)),
        "pauses_between_sides": timeline.pauses(true).count(),
        "between_sides_seconds": whole_seconds(pause_total(&timeline, true)),
        "seconds": whole_seconds(timeline.total),
        "step_count": routine.steps.len(),
        "steps": steps,
    }))
}
