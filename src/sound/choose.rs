//! Which moment of a session plays which sound: pure, so every rule is
//! tested without any output.

use std::path::PathBuf;

use super::{Builtin, SoundChoice, SoundSettings};
use crate::breath::PhaseKind;
use crate::routine::Routine;
use crate::session::Effect;

/// A sound to play now.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Play {
    Builtin(Builtin),
    File(PathBuf),
}

/// The sound for `effect` in `routine`, if any. Muting is the player's
/// business; this only says what the routine and the settings ask for.
///
/// - a step starts: the step's `sound`, else the routine's, else the bell;
/// - a side switch or a cue: the chime;
/// - a breathing phase: the rising or falling tone, where breath tones are
///   on (the step's `breath_tones`, else the routine's, else the settings);
/// - one of the last three seconds: the tick, when the settings ask;
/// - the routine ran to its end: three bells. Stopping early is silent.
pub fn sound_for(effect: &Effect, routine: &Routine, settings: &SoundSettings) -> Option<Play> {
    let builtin = |b| Some(Play::Builtin(b));
    match effect {
        Effect::GetReady { .. } | Effect::Stopped(_) => None,
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
            if !breath_tones_for(routine, *step, settings) {
                return None;
            }
            match kind {
                PhaseKind::In => builtin(Builtin::BreatheIn),
                PhaseKind::Out => builtin(Builtin::BreatheOut),
                PhaseKind::Hold | PhaseKind::HoldOut => None,
            }
        }
        Effect::LastSeconds { .. } if settings.last_seconds_ticks => builtin(Builtin::Tick),
        Effect::LastSeconds { .. } => None,
        Effect::Finished(_) => builtin(Builtin::End),
    }
}

/// Whether step `step` of `routine` sounds its breathing phases.
pub fn breath_tones_for(routine: &Routine, step: usize, settings: &SoundSettings) -> bool {
    routine
        .steps
        .get(step)
        .and_then(|s| s.breath_tones)
        .or(routine.breath_tones)
        .unwrap_or(settings.breath_tones)
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
    use crate::session::Summary;

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
        let s = SoundSettings::default();
        let play = |e: Effect| sound_for(&e, &r, &s);
        assert_eq!(play(Effect::GetReady { step: 0 }), None);
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
        let s = SoundSettings {
            breath_tones: true,
            last_seconds_ticks: true,
            ..SoundSettings::default()
        };
        let phase = |kind| Effect::BreathPhase {
            step: 1,
            side: None,
            kind,
            cycle: 1,
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
        let s = SoundSettings::default();
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
}
