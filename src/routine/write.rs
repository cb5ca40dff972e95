//! A routine written back as a routine file (format 1): what `knotless
//! compose` prints and saves, and how fitted routines are checked. Reading
//! the text back gives the same routine (a test holds every built-in to it).
//!
//! Steps are written whole (pressure, sides, cues), so the file reads the
//! same whatever `[defaults]` a reader assumes.

use std::fmt::Write as _;
use std::time::Duration;

use super::SoundChoice;
use super::model::{Level, Routine, Say, Sides, Step, StepKind};
use crate::breath::{BreathPattern, PhaseKind};

/// The routine as the text of a routine file.
pub fn to_toml(routine: &Routine) -> String {
    let mut out = String::from("#:schema ./routine.schema.json\n");
    let _ = writeln!(out, "name = {}", string(&routine.name));
    if !routine.summary.is_empty() {
        let _ = writeln!(out, "summary = {}", string(&routine.summary));
    }
    for (key, list) in [
        ("tags", &routine.tags),
        ("tools", &routine.tools),
        ("prepare", &routine.prepare),
    ] {
        if !list.is_empty() {
            let items: Vec<String> = list.iter().map(|s| string(s)).collect();
            let _ = writeln!(out, "{key} = [{}]", items.join(", "));
        }
    }
    if !routine.safety.is_empty() {
        let _ = writeln!(out, "safety = {}", string(&routine.safety));
    }
    if let Some(sound) = &routine.sound {
        let _ = writeln!(out, "sound = {}", string(&sound_word(sound)));
    }
    if let Some(tones) = routine.breath_tones {
        let _ = writeln!(out, "breath_tones = {tones}");
    }
    if !routine.voice {
        out.push_str("voice = false\n");
    }
    if routine.end != crate::routine::Ending::Bells {
        let _ = writeln!(out, "end = {}", string(routine.end.word()));
    }
    // Every step holds its pause between sides, one-sided ones too (the
    // default, which a file may only set in [defaults]).
    let switch = routine
        .steps
        .iter()
        .find(|s| s.sides != Sides::Both)
        .or(routine.steps.first())
        .map(|s| s.switch);
    out.push_str("\n[defaults]\n");
    let _ = writeln!(out, "transition = {}", length(routine.transition));
    if let Some(switch) = switch {
        let _ = writeln!(out, "switch = {}", length(switch));
    }
    for step in &routine.steps {
        out.push('\n');
        write_step(&mut out, step, switch);
    }
    out
}

fn write_step(out: &mut String, step: &Step, default_switch: Option<Duration>) {
    out.push_str("[[steps]]\n");
    let _ = writeln!(out, "kind = {}", string(step.kind.word()));
    let _ = writeln!(out, "title = {}", string(&step.title));
    match (step.kind, step.cycles) {
        (StepKind::Breathing, Some(cycles)) => {
            let _ = writeln!(out, "cycles = {cycles}");
        }
        _ => {
            let _ = writeln!(out, "duration = {}", length(step.duration));
        }
    }
    if let Some(area) = step.area {
        let _ = writeln!(out, "area = {}", string(area.word()));
    }
    match step.sides {
        Sides::None => {}
        Sides::Both => out.push_str("sides = \"both\"\n"),
        Sides::Only(side) => {
            let _ = writeln!(out, "sides = {}", string(side.word()));
        }
    }
    if step.sides == Sides::Both && Some(step.switch) != default_switch {
        let _ = writeln!(out, "switch = {}", length(step.switch));
    }
    let _ = writeln!(out, "pressure = {}", string(step.pressure.word()));
    if let Some(position) = step.position {
        let _ = writeln!(out, "position = {}", string(position.word()));
    }
    if step.level != Level::Standard {
        let _ = writeln!(out, "level = {}", string(step.level.word()));
    }
    if let Some(family) = &step.family {
        let _ = writeln!(out, "family = {}", string(family));
    }
    if let Some(ready) = step.get_ready {
        let _ = writeln!(out, "get_ready = {}", length(ready));
    }
    if let Some(glance) = &step.glance {
        let _ = writeln!(out, "glance = {}", string(glance));
    }
    match &step.say {
        Say::Default => {}
        Say::Text(words) => {
            let _ = writeln!(out, "say = {}", string(words));
        }
        Say::Silent => out.push_str("say = false\n"),
        Say::Sides { left, right } => {
            let _ = writeln!(
                out,
                "say = {{ left = {}, right = {} }}",
                string(left),
                string(right)
            );
        }
    }
    if let Some(words) = &step.get_ready_say {
        let _ = writeln!(out, "get_ready_say = {}", string(words));
    }
    if let Some(breath) = &step.breath {
        let _ = writeln!(out, "breath = {}", pattern(breath));
    }
    if !step.instructions.is_empty() {
        let _ = writeln!(out, "instructions = {}", string(&step.instructions));
    }
    if let Some(caution) = &step.caution {
        let _ = writeln!(out, "caution = {}", string(caution));
    }
    if !step.cues.is_empty() {
        let cues: Vec<String> = step
            .cues
            .iter()
            .map(|c| format!("{{ at = {}, text = {} }}", length(c.at), string(&c.text)))
            .collect();
        let _ = writeln!(out, "cues = [{}]", cues.join(", "));
    }
    if let Some(sound) = &step.sound {
        let _ = writeln!(out, "sound = {}", string(&sound_word(sound)));
    }
    if let Some(tones) = step.breath_tones {
        let _ = writeln!(out, "breath_tones = {tones}");
    }
}

/// A TOML string with every special character escaped.
fn string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// "45s", "1m30s", or milliseconds when the length has a fraction.
fn length(d: Duration) -> String {
    if d.subsec_nanos() != 0 {
        return format!("\"{}ms\"", d.as_millis());
    }
    let s = d.as_secs();
    match (s / 60, s % 60) {
        (0, sec) => format!("\"{sec}s\""),
        (min, 0) => format!("\"{min}m\""),
        (min, sec) => format!("\"{min}m{sec}s\""),
    }
}

fn sound_word(sound: &SoundChoice) -> String {
    match sound {
        SoundChoice::None => "none".to_owned(),
        SoundChoice::Builtin(b) => b.name().to_owned(),
        SoundChoice::File(path) => path.display().to_string(),
    }
}

/// A named pattern by name; a custom one as seconds per phase.
fn pattern(b: &BreathPattern) -> String {
    if let Some(name) = b.name {
        return string(name);
    }
    let mut parts = Vec::new();
    for (kind, key) in [
        (PhaseKind::In, "in"),
        (PhaseKind::Hold, "hold"),
        (PhaseKind::Out, "out"),
        (PhaseKind::HoldOut, "hold_out"),
    ] {
        if let Some(p) = b.phases.iter().find(|p| p.kind == kind) {
            parts.push(format!("{key} = {}", p.length.as_secs_f64()));
        }
    }
    format!("{{ {} }}", parts.join(", "))
}

/// For tests: `routine` written out and read back the way `knotless check
/// --strict` reads a file, authoring warnings counting as problems.
#[cfg(test)]
pub fn read_back_strict(routine: &Routine) -> Result<Routine, super::FileProblems> {
    let text = to_toml(routine);
    let file = format!("{}.toml", routine.id);
    let written = |w: &str| Ok(std::path::PathBuf::from(w));
    let (back, warnings) = super::parse::parse_routine_linted(&routine.id, &file, &text, &written)?;
    if warnings.problems.is_empty() {
        Ok(back)
    } else {
        Err(warnings.strict())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routine::builtin::BUILTINS;
    use crate::routine::parse::parse_routine;

    #[test]
    fn every_built_in_reads_back_the_same() {
        for (id, text) in BUILTINS {
            let routine = parse_routine(id, id, text).unwrap();
            let written = to_toml(&routine);
            let back = parse_routine(id, id, &written).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, routine, "{id}:\n{written}");
        }
    }

    #[test]
    fn awkward_text_and_custom_breaths_survive() {
        let text = r#"
name = "Quote \" backslash \\ tab	and ☃"
[[steps]]
kind = "breathing"
title = "Line\nbreak"
breath = { in = 5.5, hold = 0.5, out = 7 }
cycles = 3
[[steps]]
kind = "kneading"
title = "K"
duration = "1500ms"
area = "hands"
sides = "right"
sound = "chime"
cues = [{ at = "1s", text = "Now" }]
"#;
        let routine = parse_routine("t", "t", text).unwrap();
        let back = parse_routine("t", "t", &to_toml(&routine)).unwrap();
        assert_eq!(back, routine);
    }
}
