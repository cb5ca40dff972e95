//! `--plain`: the session as lines of text, printed as they happen, for
//! screen readers, logs and pipes. The same pure session drives it.

use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Instant;

use anyhow::{Context as _, Result};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::app::Exit;
use crate::clock::Clock;
use crate::routine::duration::{clock as mmss, words};
use crate::routine::{Routine, StepKind};
use crate::session::{Effect, Msg, Session, Summary};
use crate::text::{escape_inline, escape_multiline};
use crate::timeline::Timeline;

/// Run `routine` to its end (or a signal), printing to `out`.
pub fn run(
    routine: Arc<Routine>,
    clock: &dyn Clock,
    out: &mut dyn Write,
    mut on_effect: impl FnMut(&Effect),
) -> Result<Exit> {
    let (tx, rx) = mpsc::channel();
    let mut signals =
        Signals::new([SIGINT, SIGTERM, SIGHUP]).context("cannot listen for signals")?;
    let handle = signals.handle();
    std::thread::spawn(move || {
        for s in signals.forever() {
            if tx.send(s).is_err() {
                return;
            }
        }
    });
    let mut printer = Printer::new(&routine);
    // Nobody reads a closed pipe (`| head`): the session stops there and
    // is recorded as stopped, rather than running on unseen.
    let mut reader_gone = !write(out, &printer.header())?;
    let start = clock.now();
    let (mut session, effects) = Session::start(routine.clone(), start);
    let mut exit = Exit::Normal;
    let mut pending = effects;
    loop {
        let now = clock.now();
        for e in &pending {
            on_effect(e);
            reader_gone |= !write(out, &printer.line(e, now - start))?;
        }
        if session.outcome().is_some() {
            break;
        }
        if reader_gone {
            exit = Exit::HungUp;
            pending = session.handle(Msg::Quit, clock.now());
            continue;
        }
        let wait = session.next_wake(now).map(|at| clock.wait_until(at));
        let signal = match wait {
            Some(wait) => match rx.recv_timeout(wait) {
                Ok(s) => Some(s),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => Some(SIGHUP),
            },
            None => rx.recv().ok(),
        };
        let now = clock.now();
        pending = match signal {
            None => session.handle(Msg::Tick, now),
            Some(s) => {
                exit = match s {
                    SIGTERM => Exit::Terminated,
                    SIGHUP => Exit::HungUp,
                    _ => Exit::Interrupted,
                };
                session.handle(Msg::Quit, now)
            }
        };
    }
    handle.close();
    Ok(exit)
}

/// Write a line; `Ok(false)` when the reader has gone (a closed pipe).
fn write(out: &mut dyn Write, text: &str) -> Result<bool> {
    if text.is_empty() {
        return Ok(true);
    }
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).context("cannot write the session"),
    }
}

/// Turns effects into lines. Pure, so the wording is tested directly.
pub struct Printer<'a> {
    routine: &'a Routine,
    total: std::time::Duration,
    /// The breathing cycle last printed, per step run.
    last_cycle: Option<(usize, u32)>,
}

impl<'a> Printer<'a> {
    pub fn new(routine: &'a Routine) -> Self {
        Self {
            routine,
            total: Timeline::new(routine).total,
            last_cycle: None,
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
        if !r.safety.is_empty() {
            s += &format!("Safety: {}\n", escape_multiline(&r.safety));
        }
        s += "Stop if anything hurts.\n\n";
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
        format!(
            "{at} {word}: {} practised, {} of {} steps done{skipped}.\n",
            mmss(s.practised),
            s.completed_steps,
            self.routine.steps.len()
        )
    }
}

/// Only for tests and measurements: the whole plain transcript of a routine
/// run to its end, with no waiting.
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
Stop if anything hurts.

[0:00] Get ready: Shoulder (step 1 of 2)
[0:05] Step 1 of 2: Shoulder (kneading, shoulders, left side, light pressure, 20 s)
    Squeeze and release.
[0:15] Slower now
[0:25] Switch to the right side
[0:30] Step 1 of 2: Shoulder (kneading, shoulders, right side, light pressure, 20 s)
    Squeeze and release.
[0:40] Slower now
[0:50] Get ready: Box (step 2 of 2)
[0:55] Step 2 of 2: Box (breathing, 32 s)
    Breathe: in 4 · hold 4 · out 4 · hold out 4
[0:55]   cycle 1 of 2
[1:11]   cycle 2 of 2
[1:27] Finished: 1:27 practised, 2 of 2 steps done.
";
        assert_eq!(text, expected);
    }
}
