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
    if let Some(f) = routine.run.fitted {
        out.push_str(&format!(
            "Fitted to {} minutes (written: {})\n",
            f.minutes,
            clock(f.written)
        ));
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
