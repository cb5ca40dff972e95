//! Running a speech engine as a process that can never get out of hand:
//! its own process group (a terminal's Ctrl-C never reaches it, and all it
//! starts dies with it), a limit on the size of any file it writes (set in
//! the child, so a runaway stream stops at the kernel), its output file
//! watched while it runs, a time limit, and the whole group killed on every
//! way out: success, failure, time up, too much output, a stop asked for,
//! even a panic on the way (the guard's `Drop`).

use std::path::Path;
use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::sound::speech::MAX_SPEECH_FILE;

/// How a watched engine ended, when it did not simply exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// It ran past its time.
    TimedOut,
    /// Its output grew past `MAX_SPEECH_FILE`.
    TooMuch,
    /// A stop was asked for (the session or the command is ending).
    Stopped,
    /// The system would not say how it ended.
    Lost,
}

/// Prepare `command` to run as an engine: its own process group and, on
/// Unix, a file-size limit just over what a speech may take.
pub fn confine(command: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        // SAFETY: only setrlimit(2) and signal(2) run between fork and
        // exec, both async-signal-safe; they touch no memory of the parent.
        unsafe {
            command.pre_exec(|| {
                let cap = MAX_SPEECH_FILE + 1;
                let limit = libc::rlimit {
                    rlim_cur: cap as libc::rlim_t,
                    rlim_max: cap as libc::rlim_t,
                };
                // Should the system refuse, the watch below still applies.
                libc::setrlimit(libc::RLIMIT_FSIZE, &limit);
                // Past the limit a write fails (EFBIG) rather than killing
                // the engine: espeak-ng sets up a PulseAudio client even
                // when writing a file, whose 64 MB shared-memory pool must
                // fail quietly (it falls back) instead of killing it.
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                Ok(())
            });
        }
    }
    #[cfg(windows)]
    {
        use std::os::windows::process::CommandExt;
        // CREATE_NO_WINDOW: no console window flashes up.
        command.creation_flags(0x0800_0000);
    }
}

/// A running engine; dropping it kills its whole group and reaps it.
pub struct Running {
    child: Option<Child>,
}

impl Running {
    pub fn new(child: Child) -> Self {
        Self { child: Some(child) }
    }

    pub fn child(&mut self) -> Option<&mut Child> {
        self.child.as_mut()
    }

    /// Wait for the engine: at most `limit`, never past `stop`, and never
    /// once `output` has grown past a speech's largest size. Whatever the
    /// outcome, the engine's group is killed before this returns (a child
    /// it forked and left behind goes too).
    pub fn watch(
        mut self,
        output: &Path,
        limit: Duration,
        stop: &AtomicBool,
    ) -> Result<ExitStatus, Cut> {
        let started = Instant::now();
        let mut nap = Duration::from_millis(2);
        loop {
            if self.exited() {
                return self.finish().ok_or(Cut::Lost);
            }
            let cut = if stop.load(Ordering::Relaxed) {
                Some(Cut::Stopped)
            } else if started.elapsed() >= limit {
                Some(Cut::TimedOut)
            } else if std::fs::symlink_metadata(output).is_ok_and(|m| m.len() > MAX_SPEECH_FILE) {
                Some(Cut::TooMuch)
            } else {
                None
            };
            if let Some(cut) = cut {
                self.finish();
                return Err(cut);
            }
            thread::sleep(nap);
            nap = (nap * 2).min(Duration::from_millis(20));
        }
    }

    /// True once the engine itself has exited. On Unix it is left a
    /// zombie (not reaped), so its id, and its group's, cannot be given to
    /// another process before the group is killed.
    fn exited(&mut self) -> bool {
        let Some(child) = self.child.as_mut() else {
            return true;
        };
        #[cfg(unix)]
        {
            let pid: libc::id_t = child.id();
            // SAFETY: a zeroed siginfo_t is a valid out-parameter; waitid
            // with WNOWAIT only looks.
            unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                let r = libc::waitid(
                    libc::P_PID,
                    pid,
                    &mut info,
                    libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
                );
                r != 0 || info.si_pid() != 0
            }
        }
        #[cfg(not(unix))]
        {
            !matches!(child.try_wait(), Ok(None))
        }
    }

    /// Kill the group, reap the engine, and say how it ended.
    fn finish(&mut self) -> Option<ExitStatus> {
        let mut child = self.child.take()?;
        kill_group(&child);
        let _ = child.kill();
        child.wait().ok()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.finish();
    }
}

/// SIGKILL to the engine's process group (its id: it leads the group).
fn kill_group(child: &Child) {
    #[cfg(unix)]
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: kill(2) on the process group created for this child,
        // whose leader is not yet reaped, so the id is still ours.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = child;
}
