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
//!
//! # Bounded
//!
//! - **Its output**: at most `OUTPUT_CAP` of each run reaches the log; the
//!   rest is read, counted and dropped, and one line says how much (a
//!   chatty hook once wrote 50 MB into the log per run).
//! - **Its processes**: the hook is its own process group. When knotless
//!   exits it waits up to `EXIT_GRACE` for the group to end by itself, then
//!   ends it (TERM, then KILL): a daemon the hook left behind does not
//!   write on for ever. A hook that means to outlive knotless detaches on
//!   purpose, into a session of its own (`setsid -f CMD`).

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

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

/// The most of one hook run's output (standard output and error together)
/// kept in the log.
pub const OUTPUT_CAP: u64 = 64 * 1024;

/// How long knotless, as it exits, waits for hooks still running to end
/// by themselves before it ends them.
pub const EXIT_GRACE: Duration = Duration::from_secs(3);

/// Hooks started by this process whose group may still have members or
/// whose output is still being copied: ended by `end_all` as knotless exits.
static STARTED: Mutex<Vec<Started>> = Mutex::new(Vec::new());

struct Started {
    /// The hook's process id, which is its process group's id too.
    leader: u32,
    /// The thread copying its output into the log.
    output: JoinHandle<()>,
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
    #[cfg(all(test, unix))]
    waiter: JoinHandle<io::Result<ExitStatus>>,
    #[cfg(all(test, unix))]
    leader: u32,
}

#[cfg(all(test, unix))]
impl Running {
    /// Wait for the hook to end, and (for a moment) for its output to
    /// reach the log: for tests, and for a caller that wants to.
    pub fn wait(self) -> io::Result<ExitStatus> {
        let status = self
            .waiter
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the hook's waiter panicked")));
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until
            && STARTED.lock().is_ok_and(|s| {
                s.iter()
                    .any(|h| h.leader == self.leader && !h.output.is_finished())
            })
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        status
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
    // Both streams into one pipe that knotless reads, so what reaches the
    // log is counted, whoever in the hook's family writes it.
    let (output, writer) = io::pipe()?;
    child.stdout(writer.try_clone()?).stderr(writer);
    detach(&mut child);
    tracing::info!("hook started: `{command}`");
    let spawned = child.spawn();
    // Our copies of the pipe's write end go with the command, so the
    // reader sees its end once the hook's family has closed theirs.
    drop(child);
    let mut child = spawned?;
    let command = command.to_owned();
    let copier = {
        let (command, log_file) = (command.clone(), log_file.to_path_buf());
        std::thread::Builder::new()
            .name("hook output".into())
            .spawn(move || copy_capped(output, &log_file, &command, OUTPUT_CAP))?
    };
    let leader = child.id();
    remember(Started {
        leader,
        output: copier,
    });
    // Kept only by tests (`Running::wait`); dropped, the thread runs on.
    let _waiter: JoinHandle<io::Result<ExitStatus>> = std::thread::Builder::new()
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
    Ok(Running {
        #[cfg(all(test, unix))]
        waiter: _waiter,
        #[cfg(all(test, unix))]
        leader,
    })
}

/// Copy the hook's output into the log until its end, the first `cap`
/// bytes only; the rest is read (so the hook never blocks on a full pipe),
/// counted and dropped, and a closing line says how much. What the hook
/// does matters more than what it says: with no log, it still runs, its
/// output dropped (never sent to the screen).
fn copy_capped(mut output: impl Read, log_file: &Path, command: &str, cap: u64) {
    let mut log = None::<Option<std::fs::File>>;
    let mut kept = 0u64;
    let mut dropped = 0u64;
    let mut buf = [0u8; 8192];
    loop {
        let n = match output.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        let keep = (cap - kept).min(n as u64) as usize;
        kept += keep as u64;
        dropped += (n - keep) as u64;
        if keep > 0
            && let Some(file) = log.get_or_insert_with(|| open_log(log_file))
        {
            let _ = file.write_all(&buf[..keep]);
        }
    }
    if dropped > 0 {
        let line = format!(
            "knotless: the hook `{command}` wrote {dropped} more bytes, dropped (the log keeps {} KiB of a hook's output per run)\n",
            cap / 1024
        );
        if let Some(file) = log.get_or_insert_with(|| open_log(log_file)) {
            let _ = file.write_all(line.as_bytes());
        }
        tracing::warn!("hook `{command}`: {dropped} bytes of output dropped");
    }
}

fn open_log(log_file: &Path) -> Option<std::fs::File> {
    crate::logging::open(log_file)
        .map_err(|e| tracing::warn!("hook output is dropped: the log cannot be opened: {e}"))
        .ok()
}

fn remember(hook: Started) {
    if let Ok(mut started) = STARTED.lock() {
        started.retain(|h| group_alive(h.leader) || !h.output.is_finished());
        started.push(hook);
    }
}

/// End every hook process group still alive: called as knotless exits.
/// Waits up to `grace` for them to end by themselves (a hook that is
/// finishing its work), then sends TERM, and KILL to what is left after
/// a moment; then lets their output reach the log. Returns how many
/// groups had to be ended.
pub fn end_all(grace: Duration) -> usize {
    let started: Vec<Started> = match STARTED.lock() {
        Ok(mut s) => std::mem::take(&mut *s),
        Err(_) => return 0,
    };
    let groups: Vec<u32> = started.iter().map(|h| h.leader).collect();
    let alive = |gs: &[u32]| {
        gs.iter()
            .copied()
            .filter(|&g| group_alive(g))
            .collect::<Vec<_>>()
    };
    let until = Instant::now() + grace;
    let mut left = alive(&groups);
    while !left.is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
        left = alive(&left);
    }
    let ended = left.len();
    for &g in &left {
        tracing::warn!("hook process group {g} still running as knotless exits: ended");
        signal_group(g, Signal::Term);
    }
    let until = Instant::now() + Duration::from_millis(500);
    while !left.is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
        left = alive(&left);
    }
    for &g in &left {
        signal_group(g, Signal::Kill);
    }
    // The last of their output, and the line saying how much was dropped.
    // Bounded: a process that detached on purpose may hold the pipe open.
    let until = Instant::now() + Duration::from_millis(500);
    while started.iter().any(|h| !h.output.is_finished()) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    ended
}

enum Signal {
    Term,
    Kill,
}

/// Whether any process is left in the group led by `leader` (a zombie
/// leader not yet reaped counts: its waiter reaps it in a moment).
#[cfg(unix)]
fn group_alive(leader: u32) -> bool {
    let Ok(pgid) = libc::pid_t::try_from(leader) else {
        return false;
    };
    // SAFETY: a plain system call; signal 0 only asks whether the group
    // exists and may be signalled.
    unsafe { libc::kill(-pgid, 0) == 0 }
}

#[cfg(unix)]
fn signal_group(leader: u32, signal: Signal) {
    let Ok(pgid) = libc::pid_t::try_from(leader) else {
        return;
    };
    let sig = match signal {
        Signal::Term => libc::SIGTERM,
        Signal::Kill => libc::SIGKILL,
    };
    // SAFETY: a plain system call on a process group this process made.
    unsafe {
        libc::kill(-pgid, sig);
    }
}

// Windows: the hook is its own process group, but there is no call that
// ends a whole group short of a job object; what it leaves runs on.
#[cfg(not(unix))]
fn group_alive(_: u32) -> bool {
    false
}

#[cfg(not(unix))]
fn signal_group(_: u32, _: Signal) {}

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

    #[test]
    fn a_chatty_hook_leaves_its_cap_in_the_log_and_the_count_of_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("knotless.log");
        // 50 MB, as the chatty hook of issue 22 wrote per run.
        let output = io::repeat(b'x').take(50_000_000);
        copy_capped(output, &log, "yes", OUTPUT_CAP);
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(
            text.len() < OUTPUT_CAP as usize + 200,
            "{} bytes",
            text.len()
        );
        assert!(text.starts_with(&"x".repeat(OUTPUT_CAP as usize)));
        let dropped = 50_000_000 - OUTPUT_CAP;
        assert!(
            text.ends_with(&format!(
                "knotless: the hook `yes` wrote {dropped} more bytes, dropped (the log keeps 64 KiB of a hook's output per run)\n"
            )),
            "{}",
            &text[OUTPUT_CAP as usize..]
        );
        // A quiet hook adds no line of its own, and makes no log.
        let quiet = dir.path().join("quiet.log");
        copy_capped(io::empty(), &quiet, "true", OUTPUT_CAP);
        assert!(!quiet.exists());
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
