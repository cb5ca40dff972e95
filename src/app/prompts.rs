//! Which moment of a session plays which sound: pure, so every rule is
//! tested without any output. The sound module only plays what it is
//! given; the rules of the routine format and the settings live here.

use std::path::PathBuf;

use crate::breath::PhaseKind;
use crate::routine::{Ending, Routine, SoundChoice};
use crate::session::Effect;
use crate::sound::{Builtin, Play};

/// What the settings say about optional sounds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Prompts {
    /// Rising and falling tones for breathing in and out, on every step
    /// with a breathing pattern (a routine or step may ask for them too).
    pub breath_tones: bool,
    /// A soft tick in each of the last three seconds of a step.
    pub last_seconds_ticks: bool,
    /// When the terminal's bell and title stand in for sound.
    pub terminal_bell: crate::sound::TerminalBell,
}

/// What has been sounded so far in a session, so the next effect's sound
/// fits with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Heard {
    /// The step whose start (or side switch) was the last effect: its
    /// first breath tone would only cut its bell short.
    just_started: Option<usize>,
    /// The files last asked to be read ahead, so a routine's files are
    /// read once.
    prepared: Vec<PathBuf>,
    /// No sound output works (news from the driver).
    sound_off: bool,
    /// The window title last asked for.
    title: Option<String>,
    /// The segment and the five seconds it was made for, when it was a
    /// session's: it is made again only when they move.
    title_at: Option<(usize, u64)>,
}

impl Heard {
    /// Whether a sound output works now.
    pub fn sound_works(&mut self, works: bool) {
        self.sound_off = !works;
    }

    /// Whether the terminal's bell and title stand in for sound now.
    pub fn terminal_stands_in(&self, prompts: &Prompts) -> bool {
        prompts.terminal_bell.rings(!self.sound_off)
    }

    /// The window title to show now, when it differs from the last one
    /// asked for (`Some(None)`: give the user's title back).
    pub fn title_change(&mut self, title: Option<String>) -> Option<Option<String>> {
        if title.is_none() {
            self.title_at = None;
        }
        (title != self.title).then(|| {
            self.title = title.clone();
            title
        })
    }

    /// The title change for a session in segment `seg` with `left` whole
    /// seconds left in it: `make` (which builds the session's view) is
    /// called only when the title can have moved, every `TITLE_SECS`,
    /// not on each of the pacer's twenty frames a second.
    pub fn session_title(
        &mut self,
        (seg, left): (usize, u64),
        make: impl FnOnce() -> String,
    ) -> Option<Option<String>> {
        let at = Some((seg, left.div_ceil(TITLE_SECS)));
        if at == self.title_at && self.title.is_some() {
            return None;
        }
        self.title_at = at;
        self.title_change(Some(make()))
    }
}

/// Whether `effect` rings the terminal's bell where it stands in for
/// sound: the moments a person must act, a step's start and a side switch.
pub fn rings_terminal_bell(effect: &Effect) -> bool {
    matches!(
        effect,
        Effect::StepStarted { .. } | Effect::SideSwitch { .. }
    )
}

/// The window title for a running session: the step and its time left,
/// readable from across the room in a taskbar. The time is rounded up to
/// five seconds (`TITLE_SECS`): a glance at a taskbar needs no more, and
/// a title rewritten every second would be a third of what goes to the
/// terminal while a step counts down (over ssh, where the title stands in
/// for sound, that is what is paid for).
pub fn window_title(view: &crate::session::SessionView) -> String {
    format!(
        "Step {}/{} · {} · {}",
        view.step_number,
        view.step_count,
        view.title,
        crate::format::clock_secs(view.left_secs.div_ceil(TITLE_SECS) * TITLE_SECS)
    )
}

/// The window title's time moves in steps this long.
pub const TITLE_SECS: u64 = 5;

impl Heard {
    /// The files to read ahead (the first time a routine is met) and the
    /// sound to play for `effect`.
    pub fn next(
        &mut self,
        effect: &Effect,
        routine: &Routine,
        prompts: &Prompts,
    ) -> (Option<Vec<PathBuf>>, Option<Play>) {
        let after_start = self.just_started.take();
        match effect {
            Effect::StepStarted { step, .. } | Effect::SideSwitch { step, .. } => {
                self.just_started = Some(*step);
            }
            Effect::BreathPhase { step, .. } if after_start == Some(*step) => return (None, None),
            _ => {}
        }
        let files = files_of(routine);
        let prepare = (files != self.prepared).then(|| {
            self.prepared = files.clone();
            files
        });
        (
            prepare.filter(|f| !f.is_empty()),
            sound_for(effect, routine, prompts),
        )
    }
}

/// The sound for `effect` in `routine`, if any. Muting is the player's
/// business; this only says what the routine and the settings ask for.
///
/// - a get-ready begins: the chime (time to move);
/// - a step starts: the step's `sound`, else the routine's, else the bell;
/// - a side switch or a cue: the chime;
/// - a breathing phase: the rising or falling tone, where breath tones are
///   on (the step's `breath_tones`, else the routine's, else the settings);
/// - one of the last three seconds: the tick, when the settings ask;
/// - the routine ran to its end: as it chooses (`end`): three bells, a
///   soft falling tone, or nothing. Stopping early is silent.
pub fn sound_for(effect: &Effect, routine: &Routine, prompts: &Prompts) -> Option<Play> {
    let builtin = |b| Some(Play::Builtin(b));
    match effect {
        // Time to move: a sound of its own, before the words of where to.
        Effect::GetReady { .. } => builtin(Builtin::Chime),
        Effect::Stopped(_) => None,
        Effect::StepStarted { step, .. } => {
            let choice = routine
                .steps
                .get(*step)
                .and_then(|s| s.sound.as_ref())
                .or(routine.sound.as_ref());
            match choice {
                None => builtin(Builtin::Bell),
                Some(SoundChoice::None) => None,
                Some(SoundChoice::Builtin(b)) => builtin(*b),
                Some(SoundChoice::File(path)) => Some(Play::File(path.clone())),
            }
        }
        Effect::SideSwitch { .. } | Effect::Cue { .. } => builtin(Builtin::Chime),
        Effect::BreathPhase { step, kind, .. } => {
            if !breath_tones_for(routine, *step, prompts) {
                return None;
            }
            match kind {
                PhaseKind::In => builtin(Builtin::BreatheIn),
                PhaseKind::Out => builtin(Builtin::BreatheOut),
                PhaseKind::Hold | PhaseKind::HoldOut => None,
            }
        }
        Effect::LastSeconds { .. } if prompts.last_seconds_ticks => builtin(Builtin::Tick),
        Effect::LastSeconds { .. } => None,
        // The routine's own ending: three bells, a soft falling tone that
        // wakes no one, or nothing.
        Effect::Finished(_) => match routine.end {
            Ending::Bells => builtin(Builtin::End),
            Ending::Soft => builtin(Builtin::BreatheOut),
            Ending::Silent => None,
        },
    }
}

/// Whether step `step` of `routine` sounds its breathing phases.
pub fn breath_tones_for(routine: &Routine, step: usize, prompts: &Prompts) -> bool {
    routine
        .steps
        .get(step)
        .and_then(|s| s.breath_tones)
        .or(routine.breath_tones)
        .unwrap_or(prompts.breath_tones)
}

/// Every file `routine` may play, so they can be read before they are due.
pub fn files_of(routine: &Routine) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = routine
        .steps
        .iter()
        .filter_map(|s| s.sound.as_ref())
        .chain(routine.sound.as_ref())
        .filter_map(|c| match c {
            SoundChoice::File(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    files.sort();
    files.dedup();
    files
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::routine::Side;
    use crate::routine::parse::parse_routine;
    use crate::session::{Msg, Session, Summary};

    fn routine(text: &str) -> Routine {
        parse_routine("t", "t.toml", text).unwrap()
    }

    fn summary() -> Summary {
        Summary {
            planned: Duration::from_secs(60),
            practised: Duration::from_secs(60),
            paused: Duration::ZERO,
            completed_steps: 1,
            skipped: vec![],
            finished: true,
        }
    }

    const PLAIN: &str = r#"
name = "Plain"
[[steps]]
kind = "kneading"
title = "Shoulder"
duration = "20s"
area = "shoulders"
sides = "both"
[[steps]]
kind = "breathing"
title = "Box"
breath = "box"
cycles = 2
"#;

    #[test]
    fn default_sounds_follow_the_product_spec() {
        let r = routine(PLAIN);
        let s = Prompts::default();
        let play = |e: Effect| sound_for(&e, &r, &s);
        assert_eq!(
            play(Effect::GetReady { step: 0 }),
            Some(Play::Builtin(Builtin::Chime))
        );
        assert_eq!(
            play(Effect::StepStarted {
                step: 0,
                side: Some(Side::Left)
            }),
            Some(Play::Builtin(Builtin::Bell))
        );
        assert_eq!(
            play(Effect::SideSwitch {
                step: 0,
                side: Side::Right
            }),
            Some(Play::Builtin(Builtin::Chime))
        );
        assert_eq!(
            play(Effect::Cue {
                step: 0,
                side: None,
                text: "Slower".into()
            }),
            Some(Play::Builtin(Builtin::Chime))
        );
        let breath = Effect::BreathPhase {
            step: 1,
            side: None,
            kind: PhaseKind::In,
            cycle: 1,
            phase: 0,
        };
        assert_eq!(play(breath), None, "breath tones are off by default");
        let last = Effect::LastSeconds {
            step: 0,
            side: None,
            left: 3,
        };
        assert_eq!(play(last), None, "ticks are off by default");
        assert_eq!(
            play(Effect::Finished(summary())),
            Some(Play::Builtin(Builtin::End))
        );
        assert_eq!(play(Effect::Stopped(summary())), None);
    }

    #[test]
    fn settings_turn_on_breath_tones_and_ticks() {
        let r = routine(PLAIN);
        let s = Prompts {
            breath_tones: true,
            last_seconds_ticks: true,
            ..Prompts::default()
        };
        let phase = |kind| Effect::BreathPhase {
            step: 1,
            side: None,
            kind,
            cycle: 1,
            phase: 0,
        };
        assert_eq!(
            sound_for(&phase(PhaseKind::In), &r, &s),
            Some(Play::Builtin(Builtin::BreatheIn))
        );
        assert_eq!(
            sound_for(&phase(PhaseKind::Out), &r, &s),
            Some(Play::Builtin(Builtin::BreatheOut))
        );
        assert_eq!(sound_for(&phase(PhaseKind::Hold), &r, &s), None);
        assert_eq!(sound_for(&phase(PhaseKind::HoldOut), &r, &s), None);
        let last = Effect::LastSeconds {
            step: 0,
            side: None,
            left: 1,
        };
        assert_eq!(sound_for(&last, &r, &s), Some(Play::Builtin(Builtin::Tick)));
    }

    #[test]
    fn routine_and_step_keys_override_in_that_order() {
        let r = routine(
            r#"
name = "Own sounds"
sound = "chime"
breath_tones = true
[[steps]]
kind = "rest"
title = "Rest"
duration = "10s"
[[steps]]
kind = "rest"
title = "Quiet"
duration = "10s"
sound = "none"
[[steps]]
kind = "breathing"
title = "Box"
breath = "box"
cycles = 1
sound = "gong.ogg"
breath_tones = false
[[steps]]
kind = "breathing"
title = "Box again"
breath = "box"
cycles = 1
"#,
        );
        let s = Prompts::default();
        let start = |step| Effect::StepStarted { step, side: None };
        assert_eq!(
            sound_for(&start(0), &r, &s),
            Some(Play::Builtin(Builtin::Chime))
        );
        assert_eq!(sound_for(&start(1), &r, &s), None);
        assert_eq!(
            sound_for(&start(2), &r, &s),
            Some(Play::File("gong.ogg".into()))
        );
        assert!(!breath_tones_for(&r, 2, &s), "the step says no");
        assert!(breath_tones_for(&r, 3, &s), "the routine says yes");
        assert_eq!(files_of(&r), vec![PathBuf::from("gong.ogg")]);
    }

    /// Every sound a whole run of `r` asks for, in order.
    fn whole_run(r: &Routine, prompts: &Prompts) -> Vec<Play> {
        let r = std::sync::Arc::new(r.clone());
        let t0 = std::time::Instant::now();
        let (mut session, first) = Session::start(r.clone(), t0);
        let mut heard = Heard::default();
        let mut played = Vec::new();
        let mut hear = |effects: Vec<Effect>, played: &mut Vec<Play>| {
            for e in &effects {
                played.extend(heard.next(e, &r, prompts).1);
            }
        };
        hear(first, &mut played);
        let mut now = t0;
        while let Some(at) = session.next_wake(now) {
            now = at;
            hear(session.handle(Msg::Tick, now), &mut played);
        }
        played
    }

    const TWO_STEPS: &str = r#"
name = "Two steps"
[defaults]
transition = "0s"
[[steps]]
kind = "kneading"
title = "Shoulder"
duration = "10s"
area = "shoulders"
sides = "both"
cues = [{ at = "5s", text = "Slower" }]
[[steps]]
kind = "breathing"
title = "Box"
breath = "box"
cycles = 2
"#;

    #[test]
    fn a_session_sounds_its_steps_switches_cues_and_end() {
        let b = Play::Builtin;
        let played = whole_run(&routine(TWO_STEPS), &Prompts::default());
        assert_eq!(
            played,
            vec![
                b(Builtin::Bell),  // step 1, left
                b(Builtin::Chime), // cue
                b(Builtin::Chime), // switch to the right: the pause begins
                b(Builtin::Bell),  // the right side begins
                b(Builtin::Chime), // cue
                b(Builtin::Bell),  // step 2
                b(Builtin::End),
            ]
        );
    }

    #[test]
    fn breath_tones_and_ticks_when_asked() {
        let prompts = Prompts {
            breath_tones: true,
            last_seconds_ticks: true,
            ..Prompts::default()
        };
        let played = whole_run(&routine(TWO_STEPS), &prompts);
        let count = |s| played.iter().filter(|p| **p == Play::Builtin(s)).count();
        // The first breath in comes with the step's bell, which says it.
        assert_eq!(count(Builtin::BreatheIn), 1);
        assert_eq!(count(Builtin::BreatheOut), 2);
        // Three per side of step 1, three in step 2.
        assert_eq!(count(Builtin::Tick), 9);
    }
}
