//! Hooks: a command of the user's run after a session, e.g. to log it to a
//! habit tracker or to turn "do not disturb" off again.
//!
//! ```toml
//! [hooks]
//! on_finish = "notify-send 'Well done'"   # the routine ran to its end
//! on_stop = "logger knotless stopped"     # stopped early, for any reason
//! ```
//!
//! The command gets `KNOTLESS_ROUTINE` (the routine id), `KNOTLESS_OUTCOME`
//! (`finished` or `stopped`) and `KNOTLESS_SECONDS` (seconds practised) in
//! its environment. It runs through the shell (`sh -c`, `cmd /C` on
//! Windows), detached: in its own session with no controlling terminal and
//! no standard input, its output appended to the log. So a chatty or slow
//! hook can never print over the screen, read a key meant for knotless, or
//! keep knotless from exiting; and Ctrl-C in the terminal does not reach it.

use std::io;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread::JoinHandle;

use serde::{Deserialize, Serialize};

use crate::history::Outcome;

/// `[hooks]` in the settings, with `--on-finish` already applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HookSettings {
    pub on_finish: Option<String>,
    pub on_stop: Option<String>,
}

/// `[hooks]` as written in the settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHooks {
    on_finish: Option<String>,
    on_stop: Option<String>,
}

impl From<RawHooks> for HookSettings {
    fn from(raw: RawHooks) -> Self {
        // An empty command is the way to switch a hook off in a file that
        // is shared between machines.
        let set = |c: Option<String>| c.filter(|c| !c.trim().is_empty());
        Self {
            on_finish: set(raw.on_finish),
            on_stop: set(raw.on_stop),
        }
    }
}

/// `[hooks]` is read here; `settings.rs` only hands the table over.
impl crate::diag::section::Section for HookSettings {
    const NAME: &'static str = "hooks";
    type Raw = RawHooks;

    fn read(raw: RawHooks, _: &Path, _: &mut Vec<crate::diag::Problem>) -> Self {
        raw.into()
    }
}

impl HookSettings {
    /// `run --on-finish CMD`: the flag wins over the file, like every flag.
    pub fn with_on_finish(mut self, flag: Option<String>) -> Self {
        if let Some(cmd) = flag {
            self.on_finish = Some(cmd);
        }
        self
    }

    /// The command for a session that ended so, if one is set.
    pub fn command(&self, outcome: Outcome) -> Option<&str> {
        match outcome {
            Outcome::Finished => self.on_finish.as_deref(),
            Outcome::Stopped => self.on_stop.as_deref(),
        }
    }
}

/// The variables a hook finds in its environment.
pub fn environment(
    routine_id: &str,
    outcome: Outcome,
    seconds: u64,
) -> [(&'static str, String); 3] {
    let outcome = match outcome {
        Outcome::Finished => "finished",
        Outcome::Stopped => "stopped",
    };
    [
        ("KNOTLESS_ROUTINE", routine_id.to_owned()),
        ("KNOTLESS_OUTCOME", outcome.to_owned()),
        ("KNOTLESS_SECONDS", seconds.to_string()),
    ]
}

/// A hook that was started. Dropping it lets the hook run on by itself
/// (its exit is still logged while knotless runs).
#[derive(Debug)]
pub struct Running {
    waiter: JoinHandle<io::Result<ExitStatus>>,
}

impl Running {
    /// Wait for the hook to end: for tests, and for a caller that wants to.
    pub fn wait(self) -> io::Result<ExitStatus> {
        self.waiter
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the hook's waiter panicked")))
    }
}

/// Run the hook for a session that just ended, if the settings have one
/// for `outcome`. Never blocks: returns once the command is started.
/// `None` when there is no hook; an error (logged too) when it could not be
/// started.
pub fn after_session(
    hooks: &HookSettings,
    routine_id: &str,
    outcome: Outcome,
    seconds: u64,
    log_file: &Path,
) -> Option<io::Result<Running>> {
    let command = hooks.command(outcome)?;
    let started = spawn(
        command,
        &environment(routine_id, outcome, seconds),
        log_file,
    );
    if let Err(e) = &started {
        tracing::warn!("the {outcome:?} hook `{command}` could not be started: {e}");
    }
    Some(started)
}

fn spawn(command: &str, env: &[(&'static str, String)], log_file: &Path) -> io::Result<Running> {
    let mut child = shell(command);
    child
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null());
    // What the hook does matters more than what it says: with no log, it
    // still runs, its output dropped (never sent to the screen).
    match crate::logging::open(log_file).and_then(|log| Ok((log.try_clone()?, log))) {
        Ok((out, err)) => child.stdout(out).stderr(err),
        Err(e) => {
            tracing::warn!("hook output is dropped: the log cannot be opened: {e}");
            child.stdout(Stdio::null()).stderr(Stdio::null())
        }
    };
    detach(&mut child);
    tracing::info!("hook started: `{command}`");
    let mut child = child.spawn()?;
    let command = command.to_owned();
    let waiter = std::thread::Builder::new()
        .name("hook".into())
        .spawn(move || {
            // Reaped here so a long-running picker leaves no zombie behind.
            let status = child.wait()?;
            if status.success() {
                tracing::info!("hook `{command}` ended");
            } else {
                tracing::warn!("hook `{command}` failed: {status}");
            }
            Ok(status)
        })?;
    Ok(Running { waiter })
}

#[cfg(unix)]
fn shell(command: &str) -> Command {
    let mut c = Command::new("/bin/sh");
    c.arg("-c").arg(command);
    c
}

#[cfg(windows)]
fn shell(command: &str) -> Command {
    let mut c = Command::new("cmd");
    c.arg("/C").arg(command);
    c
}

/// A new session, so the hook has no controlling terminal: it cannot open
/// `/dev/tty` to write over the screen, and the terminal's Ctrl-C and
/// hang-up go to knotless alone.
#[cfg(unix)]
fn detach(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setsid is async-signal-safe and touches no memory of ours,
    // which is all that may run between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(windows)]
fn detach(command: &mut Command) {
    use std::os::windows::process::CommandExt;
    const DETACHED_PROCESS: u32 = 0x0000_0008;
    const CREATE_NEW_PROCESS_GROUP: u32 = 0x0000_0200;
    command.creation_flags(DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hooks(finish: &str, stop: &str) -> HookSettings {
        HookSettings::from(RawHooks {
            on_finish: Some(finish.into()),
            on_stop: Some(stop.into()),
        })
    }

    #[test]
    fn the_environment_names_routine_outcome_and_seconds() {
        let env = environment("daily-back", Outcome::Stopped, 312);
        assert_eq!(
            env,
            [
                ("KNOTLESS_ROUTINE", "daily-back".to_owned()),
                ("KNOTLESS_OUTCOME", "stopped".to_owned()),
                ("KNOTLESS_SECONDS", "312".to_owned()),
            ]
        );
        assert_eq!(environment("x", Outcome::Finished, 0)[1].1, "finished");
    }

    #[test]
    fn each_outcome_has_its_hook_and_the_flag_wins_for_finish() {
        let h = hooks("a", "  ");
        assert_eq!(h.command(Outcome::Finished), Some("a"));
        assert_eq!(h.command(Outcome::Stopped), None, "blank is off");
        let h = h.with_on_finish(Some("b".into()));
        assert_eq!(h.command(Outcome::Finished), Some("b"));
        let h = h.with_on_finish(None);
        assert_eq!(h.command(Outcome::Finished), Some("b"));
    }

    #[test]
    fn run_on_finish_reaches_the_hook_settings() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from([
            "knotless",
            "run",
            "desk-break",
            "--on-finish",
            "echo \"$KNOTLESS_SECONDS\"",
        ])
        .unwrap();
        let Some(crate::cli::Command::Run(args)) = cli.command else {
            panic!("not a run");
        };
        let h = hooks("from-the-file", "stop").with_on_finish(args.on_finish);
        assert_eq!(
            h.command(Outcome::Finished),
            Some("echo \"$KNOTLESS_SECONDS\"")
        );
        assert_eq!(h.command(Outcome::Stopped), Some("stop"));
    }

    #[test]
    fn no_hook_runs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("knotless.log");
        let h = hooks("", "");
        assert!(after_session(&h, "r", Outcome::Finished, 1, &log).is_none());
        assert!(!log.exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_hook_gets_its_environment_and_its_output_goes_to_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("state/knotless.log");
        let h = hooks(
            "echo \"out $KNOTLESS_ROUTINE $KNOTLESS_OUTCOME $KNOTLESS_SECONDS\"; \
             echo err >&2; \
             if [ -t 0 ] || [ -t 1 ]; then echo ON-A-TERMINAL; fi; \
             (exec 3</dev/tty) 2>/dev/null && echo HAS-A-TERMINAL; \
             exit 3",
            "",
        );
        let status = after_session(&h, "desk-break", Outcome::Finished, 754, &log)
            .expect("a hook is set")
            .expect("it starts")
            .wait()
            .unwrap();
        assert_eq!(status.code(), Some(3));
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.contains("out desk-break finished 754\n"), "{text}");
        assert!(text.contains("err\n"), "{text}");
        assert!(!text.contains("TERMINAL"), "{text}");
    }

    #[cfg(unix)]
    #[test]
    fn with_no_log_the_hook_still_runs_on_a_stop() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the log file should be: it cannot be opened.
        let log = dir.path().join("knotless.log");
        std::fs::create_dir(&log).unwrap();
        let marker = dir.path().join("ran");
        let h = hooks(
            "",
            &format!("echo \"$KNOTLESS_OUTCOME\" > '{}'", marker.display()),
        );
        let status = after_session(&h, "r", Outcome::Stopped, 1, &log)
            .unwrap()
            .unwrap()
            .wait()
            .unwrap();
        assert!(status.success());
        assert_eq!(std::fs::read_to_string(&marker).unwrap(), "stopped\n");
    }
}
