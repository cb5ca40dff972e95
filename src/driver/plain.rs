//! The `--plain` renderer: the session as lines of text, printed as they
//! happen, for screen readers, logs and pipes. The same driver and the same
//! pure session drive it.

use std::io::{self, Write};
#[cfg(test)]
use std::sync::Arc;
use std::time::Instant;

use super::Renderer;
use crate::app::App;
use crate::routine::duration::{clock as mmss, words};
use crate::routine::{Routine, Side, Sides, StepKind};
use crate::session::{Effect, Summary};
#[cfg(test)]
use crate::session::{Msg, Session};
use crate::text::{escape_inline, escape_multiline};
use crate::timeline::Timeline;

/// Prints to `out` (standard output, or a buffer in tests).
pub struct Plain<W: Write> {
    out: W,
    /// When the session started, for the `[m:ss]` at each line.
    start: Option<Instant>,
    /// The breathing cycle last printed, per step run.
    last_cycle: Option<(usize, u32)>,
    /// The status line last printed, so news is printed once.
    status: Option<crate::app::Status>,
    /// Where that news goes: standard error, so a pipe or a log of the
    /// session's lines holds only the session.
    notes: Box<dyn Write>,
}

impl<W: Write> Plain<W> {
    pub fn new(out: W) -> Self {
        Self {
            out,
            start: None,
            last_cycle: None,
            status: None,
            notes: Box::new(io::stderr()),
        }
    }

    #[cfg(test)]
    pub fn into_inner(self) -> W {
        self.out
    }

    fn write(&mut self, text: &str) -> io::Result<()> {
        if text.is_empty() {
            return Ok(());
        }
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }
}

impl<W: Write> Renderer for Plain<W> {
    /// Only news on the status line (why sound is off) is printed here;
    /// time passing prints nothing.
    fn frame(&mut self, app: &App, _: Instant, _: bool) -> io::Result<()> {
        if app.status != self.status {
            self.status = app.status.clone();
            if let Some(status) = &app.status {
                let line = format!("{}\n", escape_inline(&status.text()));
                // A closed standard error never stops the session.
                let _ = self
                    .notes
                    .write_all(line.as_bytes())
                    .and_then(|_| self.notes.flush());
            }
        }
        Ok(())
    }

    fn effect(&mut self, app: &App, effect: &Effect, now: Instant) -> io::Result<()> {
        let Some(routine) = app.routine() else {
            return Ok(());
        };
        let mut printer = Printer {
            routine,
            total: Timeline::new(routine).total,
            last_cycle: self.last_cycle,
            speed: app.speed(),
            body: app.options.body,
        };
        let mut text = String::new();
        let start = match self.start {
            Some(start) => start,
            None => {
                text += &printer.header();
                *self.start.insert(now)
            }
        };
        text += &printer.line(effect, now.saturating_duration_since(start));
        self.last_cycle = printer.last_cycle;
        self.write(&text)
    }
}

/// Turns effects into lines. Pure, so the wording is tested directly.
pub struct Printer<'a> {
    routine: &'a Routine,
    total: std::time::Duration,
    /// The breathing cycle last printed, per step run.
    last_cycle: Option<(usize, u32)>,
    /// A preview runs faster than real time: its end says so.
    speed: Option<f64>,
    /// `[body]` from the settings: the header names the steps it makes
    /// unsuitable, as the preflight screen does.
    body: crate::body::Body,
}

impl<'a> Printer<'a> {
    #[cfg(test)]
    pub fn new(routine: &'a Routine) -> Self {
        Self {
            routine,
            total: Timeline::new(routine).total,
            last_cycle: None,
            speed: None,
            body: crate::body::Body::default(),
        }
    }

    pub fn header(&self) -> String {
        let r = self.routine;
        let mut s = format!(
            "{} · {} · {} steps\n",
            escape_inline(&r.name),
            mmss(self.total),
            r.steps.len()
        );
        if !r.summary.is_empty() {
            s += &format!("{}\n", escape_inline(&r.summary));
        }
        // This user's own warning comes first, as on the preflight screen.
        if let Some(warning) = crate::compose::body_warning(r, self.body) {
            s += &format!("{}\n", escape_multiline(&warning));
        }
        if !r.safety.is_empty() {
            s += &format!("Safety: {}\n", escape_multiline(&r.safety));
        }
        s += &format!("{}.\n\n", crate::safety::STOP_LINE);
        s
    }

    /// The text for one effect, `elapsed` after the start (may be empty).
    pub fn line(&mut self, effect: &Effect, elapsed: std::time::Duration) -> String {
        let at = format!("[{}]", mmss(elapsed));
        let n = self.routine.steps.len();
        match effect {
            Effect::GetReady { step } => {
                let s = &self.routine.steps[*step];
                format!(
                    "{at} Get ready: {} (step {} of {n})\n",
                    escape_inline(&s.title),
                    step + 1
                )
            }
            Effect::StepStarted {
                step,
                side: Some(Side::Right),
            } if self.routine.steps[*step].sides == Sides::Both => {
                // Just after "Switch to the right side": the step's words
                // were printed for its first side.
                let s = &self.routine.steps[*step];
                format!("{at} Right side: {}\n", escape_inline(&s.title))
            }
            Effect::StepStarted { step, side } => {
                let s = &self.routine.steps[*step];
                let mut facts = vec![s.kind.word().to_owned()];
                facts.extend(s.area.map(|a| a.word().to_owned()));
                facts.extend(side.map(|x| format!("{} side", x.word())));
                if !matches!(
                    s.kind,
                    StepKind::Breathing | StepKind::Rest | StepKind::Stretch
                ) {
                    facts.push(format!("{} pressure", s.pressure.word()));
                }
                facts.push(words(s.duration));
                let mut text = format!(
                    "{at} Step {} of {n}: {} ({})\n",
                    step + 1,
                    escape_inline(&s.title),
                    facts.join(", ")
                );
                for line in escape_multiline(&s.instructions)
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                {
                    text += &format!("    {}\n", line.trim());
                }
                if let Some(c) = &s.caution {
                    text += &format!("    Caution: {}\n", escape_inline(c));
                }
                if let Some(b) = &s.breath {
                    let what = if s.kind == StepKind::Breathing {
                        "Breathe"
                    } else {
                        "Breathe with it"
                    };
                    text += &format!("    {what}: {b}\n");
                }
                text
            }
            Effect::SideSwitch { side, .. } => format!("{at} Switch to the {} side\n", side.word()),
            Effect::Cue { text, .. } => format!("{at} {}\n", escape_inline(text)),
            Effect::BreathPhase { step, cycle, .. } => {
                let s = &self.routine.steps[*step];
                let new = self.last_cycle != Some((*step, *cycle));
                self.last_cycle = Some((*step, *cycle));
                match (s.kind, s.cycles, new) {
                    (StepKind::Breathing, Some(total), true) => {
                        format!("{at}   cycle {cycle} of {total}\n")
                    }
                    _ => String::new(),
                }
            }
            Effect::LastSeconds { .. } => String::new(),
            Effect::Finished(summary) => self.end("Finished", summary, &at),
            Effect::Stopped(summary) => self.end("Stopped", summary, &at),
        }
    }

    fn end(&self, word: &str, s: &Summary, at: &str) -> String {
        let skipped = match s.skipped.len() {
            0 => String::new(),
            k => format!(", {k} skipped"),
        };
        // A preview is not practice: it says how much routine it covered,
        // and in how long.
        let time = match self.speed {
            Some(speed) => format!(
                "{} of routine in {}",
                mmss(s.practised),
                mmss(s.practised.div_f64(speed))
            ),
            None => format!("{} practised", mmss(s.practised)),
        };
        // A continued session counts this part: its time and its steps.
        let first = self.routine.run.first_step().min(self.routine.steps.len());
        let part = if first > 0 { " in this part" } else { "" };
        format!(
            "{at} {word}: {time}{part}, {} of {} steps done{skipped}.\n",
            s.completed_steps,
            self.routine.steps.len() - first
        )
    }
}

/// Only for tests and measurements: the whole plain transcript of a routine
/// run to its end, with no waiting.
#[cfg(test)]
pub fn transcript(routine: &Routine) -> String {
    let start = Instant::now();
    let mut printer = Printer::new(routine);
    let (mut session, mut effects) = Session::start(Arc::new(routine.clone()), start);
    let mut out = printer.header();
    let mut now = start;
    loop {
        for e in &effects {
            out += &printer.line(e, now - start);
        }
        match session.next_wake(now) {
            Some(at) => {
                now = at;
                effects = session.handle(Msg::Tick, now);
            }
            None => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routine::parse::parse_routine;

    #[test]
    fn a_routine_reads_as_a_timed_transcript() {
        let r = parse_routine(
            "t",
            "t.toml",
            r#"
name = "Tiny"
safety = "Gently."
[[steps]]
kind = "kneading"
title = "Shoulder"
duration = "20s"
area = "shoulders"
sides = "both"
instructions = "Squeeze and release."
cues = [{ at = "10s", text = "Slower now" }]
[[steps]]
kind = "breathing"
title = "Box"
breath = "box"
cycles = 2
"#,
        )
        .unwrap();
        let text = transcript(&r);
        let expected = "\
Tiny · 1:27 · 2 steps
Safety: Gently.
Stop at sharp, spreading or tingling pain.

[0:00] Get ready: Shoulder (step 1 of 2)
[0:05] Step 1 of 2: Shoulder (kneading, shoulders, left side, light pressure, 20 s)
    Squeeze and release.
[0:15] Slower now
[0:25] Switch to the right side
[0:30] Right side: Shoulder
[0:40] Slower now
[0:50] Get ready: Box (step 2 of 2)
[0:55] Step 2 of 2: Box (breathing, 32 s)
    Breathe: in 4 · hold 4 · out 4 · hold out 4
[0:55]   cycle 1 of 2
[1:11]   cycle 2 of 2
[1:27] Finished: 1:12 practised, 2 of 2 steps done.
";
        assert_eq!(text, expected);
    }

    #[test]
    fn a_continued_session_ends_with_this_parts_time_and_steps() {
        let mut r = crate::routine::builtin::routine("desk-break");
        let n = r.steps.len();
        r.run.resumes = Some(crate::routine::Resumes {
            record: "2026-03-10T07:30:00+01:00".into(),
            step: n - 2,
        });
        let text = transcript(&r);
        let last = text.lines().last().unwrap();
        assert!(
            last.contains(" practised in this part, 2 of 2 steps done."),
            "{last}"
        );
        assert!(!text.contains("Step 1 of"), "{text}");
    }
}
