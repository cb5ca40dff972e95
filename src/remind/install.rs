//! Putting the reminder where the running system keeps such things, and
//! taking it away. Only files whose first line is `MARKER` are replaced or
//! removed: `remind` never edits a file it did not write. The scheduler
//! is then told (`systemctl --user`, `launchctl`, `schtasks`), each with a
//! time limit; when it cannot be told (no user session, say), the files
//! stay written and the user is told the command to run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::units::{self, SUMMARY};
use super::{MARKER, Reminder};
use crate::fsx::{Existing, write_file};
use crate::text::escape_inline;

/// How long the scheduler's command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the reminder's files go and how the scheduler is told.
#[derive(Debug, Clone)]
pub struct Place {
    /// `~/.config/systemd/user`, or `~/Library/LaunchAgents`.
    pub dir: PathBuf,
    /// Tell the scheduler (off in tests, which only check the files).
    pub tell: bool,
}

impl Place {
    /// The running system's place, from the environment.
    pub fn from_env() -> Result<Place> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let dir = if cfg!(target_os = "macos") {
            home.map(|h| h.join("Library/LaunchAgents"))
        } else {
            std::env::var_os("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| home.map(|h| h.join(".config")))
                .map(|c| c.join("systemd/user"))
        };
        let dir = dir.context("cannot find the home directory: set HOME")?;
        Ok(Place { dir, tell: true })
    }

    /// The files `remind` writes here.
    pub fn files(&self) -> Vec<PathBuf> {
        if cfg!(target_os = "macos") {
            vec![self.dir.join(format!("{}.plist", units::LAUNCHD_LABEL))]
        } else if cfg!(windows) {
            Vec::new()
        } else {
            vec![
                self.dir.join(units::SYSTEMD_TIMER),
                self.dir.join(units::SYSTEMD_SERVICE),
            ]
        }
    }
}

/// Whether a file is one `remind` wrote: `MARKER` in its first two lines
/// (the plist's comment follows its XML declaration).
fn ours(path: &Path) -> Result<Option<bool>> {
    match path.symlink_metadata() {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot look at {}", shown(path))),
        Ok(m) if !m.is_file() => return Ok(Some(false)),
        Ok(_) => {}
    }
    // A file too large or not text is not one of ours.
    Ok(Some(read_unit(path).is_ok_and(|text| {
        text.lines().take(2).any(|l| l.contains(MARKER))
    })))
}

/// The reminder's own files are small; anything larger is not ours.
const UNIT_FILE: crate::diag::read::TextFile = crate::diag::read::TextFile {
    noun: "reminder file",
    max_bytes: 64 * 1024,
    missing_help: "set a reminder with `knotless remind --at HH:MM`",
    directory_help: "move the directory away",
};

fn read_unit(path: &Path) -> Result<String> {
    crate::diag::read::read_text(path, &UNIT_FILE).map_err(|e| {
        anyhow::anyhow!(
            "cannot read {}: {}",
            shown(path),
            e.problems
                .first()
                .map_or(String::new(), |p| p.message.clone())
        )
    })
}

fn shown(path: &Path) -> String {
    escape_inline(&path.display().to_string()).into_owned()
}

/// Write the reminder's files (replacing only ours) and tell the scheduler.
/// Returns what to print.
pub fn install(reminder: &Reminder, program: &Path, place: &Place) -> Result<String> {
    let contents: Vec<(PathBuf, String)> = if cfg!(target_os = "macos") {
        vec![(
            place.files()[0].clone(),
            units::launchd_plist(reminder, program),
        )]
    } else if cfg!(windows) {
        Vec::new()
    } else {
        let files = place.files();
        vec![
            (files[0].clone(), units::systemd_timer(reminder)),
            (files[1].clone(), units::systemd_service(reminder, program)),
        ]
    };
    for (path, _) in &contents {
        if ours(path)? == Some(false) {
            bail!(
                "{} is not a file knotless wrote, so it is left alone: move it away to set a reminder",
                shown(path)
            );
        }
    }
    std::fs::create_dir_all(&place.dir)
        .with_context(|| format!("cannot make {}", shown(&place.dir)))?;
    let mut out = format!("Reminder set: {reminder}\n");
    for (path, text) in &contents {
        write_file(path, text.as_bytes(), Existing::Replace)
            .with_context(|| format!("cannot write {}", shown(path)))?;
        out.push_str(&format!("Wrote {}\n", shown(path)));
    }
    if place.tell {
        out.push_str(&tell_on(reminder, program));
    }
    Ok(out)
}

/// What is set, as `remind` alone prints it.
pub fn show(place: &Place) -> Result<String> {
    if cfg!(windows) {
        return Ok(run(&["schtasks", "/Query", "/TN", units::TASK_NAME])
            .unwrap_or_else(|e| format!("No reminder is set ({e}).\n")));
    }
    let files = place.files();
    match ours(&files[0])? {
        None => Ok(
            "No reminder is set. Set one with `knotless remind --at 18:30 [--days mon-fri]`.\n"
                .to_owned(),
        ),
        Some(false) => Ok(format!(
            "{} was not written by knotless; no reminder of knotless's is set.\n",
            shown(&files[0])
        )),
        Some(true) => {
            let what = summary(&files[0])?;
            let listed: Vec<String> = files.iter().map(|f| shown(f)).collect();
            Ok(format!(
                "Reminder: {}\nIn {}\n",
                escape_inline(&what),
                listed.join(", ")
            ))
        }
    }
}

/// What the reminder knotless set says of itself ("18:30 mon-fri, the
/// routine practised last"), when one is set (not on Windows, where Task
/// Scheduler holds it).
pub fn set(place: &Place) -> Result<Option<String>> {
    if cfg!(windows) {
        return Ok(None);
    }
    let file = &place.files()[0];
    match ours(file)? {
        Some(true) => summary(file).map(Some),
        _ => Ok(None),
    }
}

/// The summary line knotless wrote into its unit file.
fn summary(file: &Path) -> Result<String> {
    let text = read_unit(file)?;
    Ok(text
        .lines()
        .find_map(|l| {
            l.split_once(SUMMARY)
                .map(|(_, w)| w.trim_end_matches(" -->").to_owned())
        })
        .unwrap_or_else(|| "set".to_owned()))
}

/// Remove the reminder: only files knotless wrote.
pub fn remove(place: &Place) -> Result<String> {
    let mut out = String::new();
    if place.tell {
        out.push_str(&tell_off());
    }
    let mut removed = 0;
    for path in place.files() {
        match ours(&path)? {
            None => {}
            Some(false) => out.push_str(&format!(
                "Left {} alone: knotless did not write it.\n",
                shown(&path)
            )),
            Some(true) => {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", shown(&path)))?;
                out.push_str(&format!("Removed {}\n", shown(&path)));
                removed += 1;
            }
        }
    }
    if removed == 0 && !cfg!(windows) {
        out.push_str("No reminder was set.\n");
    }
    Ok(out)
}

/// Tell the scheduler about the new reminder; what to print.
fn tell_on(reminder: &Reminder, program: &Path) -> String {
    let steps: Vec<Vec<String>> = if cfg!(target_os = "macos") {
        let uid = run(&["id", "-u"]).unwrap_or_default();
        let target = format!("gui/{}", uid.trim());
        let plist = Place::from_env()
            .map(|p| p.files()[0].display().to_string())
            .unwrap_or_default();
        vec![
            vec![
                "launchctl".into(),
                "bootout".into(),
                target.clone(),
                plist.clone(),
            ],
            vec!["launchctl".into(), "bootstrap".into(), target, plist],
        ]
    } else if cfg!(windows) {
        let mut args = vec!["schtasks".to_owned()];
        args.extend(units::schtasks_create(reminder, program));
        vec![args]
    } else {
        vec![
            vec!["systemctl".into(), "--user".into(), "daemon-reload".into()],
            vec![
                "systemctl".into(),
                "--user".into(),
                "enable".into(),
                "--now".into(),
                units::SYSTEMD_TIMER.into(),
            ],
        ]
    };
    let mut out = String::new();
    // launchd's bootout fails when the agent was not loaded: that is fine.
    let skip_failure = usize::from(cfg!(target_os = "macos"));
    for (i, step) in steps.iter().enumerate() {
        let words: Vec<&str> = step.iter().map(String::as_str).collect();
        if let Err(e) = run(&words)
            && i >= skip_failure
        {
            out.push_str(&format!(
                "warning: `{}` failed ({e}); run it when you are logged in to turn the reminder on\n",
                escape_inline(&words.join(" "))
            ));
            break;
        }
    }
    out
}

fn tell_off() -> String {
    let words: &[&str] = if cfg!(target_os = "macos") {
        &["launchctl", "remove", units::LAUNCHD_LABEL]
    } else if cfg!(windows) {
        &["schtasks", "/Delete", "/F", "/TN", units::TASK_NAME]
    } else {
        &[
            "systemctl",
            "--user",
            "disable",
            "--now",
            units::SYSTEMD_TIMER,
        ]
    };
    match run(words) {
        Ok(_) => String::new(),
        Err(e) if cfg!(windows) => format!("No reminder was removed: {e}\n"),
        // Nothing was running, or no user session: the files go anyway.
        Err(_) => String::new(),
    }
}

/// Run a command to its end within `COMMAND_TIMEOUT`; its output.
fn run(words: &[&str]) -> Result<String> {
    let (program, args) = words.split_first().context("no command")?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot run {program}"))?;
    let started = Instant::now();
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if started.elapsed() > COMMAND_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{program} took longer than {COMMAND_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("{}", escape_inline(stderr.trim()))
    }
}

#[cfg(test)]
#[cfg(target_os = "linux")]
mod tests {
    use super::*;
    use crate::remind::Days;

    fn place(dir: &Path) -> Place {
        Place {
            dir: dir.join("systemd/user"),
            tell: false,
        }
    }

    fn reminder() -> Reminder {
        Reminder {
            hour: 18,
            minute: 30,
            days: Days::parse("mon-fri").unwrap(),
            suggest: crate::remind::Suggest::Routine("daily-back".to_owned()),
        }
    }

    #[test]
    fn set_shown_and_removed() {
        let home = tempfile::tempdir().unwrap();
        let place = place(home.path());
        assert!(show(&place).unwrap().starts_with("No reminder is set"));
        let said = install(&reminder(), Path::new("/usr/bin/knotless"), &place).unwrap();
        assert!(said.contains("knotless-remind.timer"), "{said}");
        assert_eq!(
            show(&place).unwrap().lines().next().unwrap(),
            "Reminder: 18:30 mon-fri, routine daily-back"
        );
        // Setting it again replaces our own files.
        let mut later = reminder();
        later.hour = 19;
        install(&later, Path::new("/usr/bin/knotless"), &place).unwrap();
        assert!(show(&place).unwrap().starts_with("Reminder: 19:30"));
        let said = remove(&place).unwrap();
        assert_eq!(said.matches("Removed").count(), 2, "{said}");
        assert!(std::fs::read_dir(&place.dir).unwrap().next().is_none());
        assert!(remove(&place).unwrap().contains("No reminder was set"));
    }

    #[test]
    fn a_file_knotless_did_not_write_is_never_touched() {
        let home = tempfile::tempdir().unwrap();
        let place = place(home.path());
        std::fs::create_dir_all(&place.dir).unwrap();
        let theirs = place.dir.join(units::SYSTEMD_TIMER);
        std::fs::write(&theirs, "[Timer]\nOnCalendar=daily\n").unwrap();
        let e = install(&reminder(), Path::new("/usr/bin/knotless"), &place).unwrap_err();
        assert!(
            e.to_string().contains("is not a file knotless wrote"),
            "{e}"
        );
        assert!(!place.dir.join(units::SYSTEMD_SERVICE).exists());
        assert!(remove(&place).unwrap().contains("Left"));
        assert_eq!(
            std::fs::read_to_string(&theirs).unwrap(),
            "[Timer]\nOnCalendar=daily\n"
        );
        // A link in the place is not ours either.
        std::fs::remove_file(&theirs).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", &theirs).unwrap();
        assert!(install(&reminder(), Path::new("/usr/bin/knotless"), &place).is_err());
    }
}
