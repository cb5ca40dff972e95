//! `knotless doctor`: what a bug report needs, and what to fix, in one
//! command.
//!
//! Each check is `ok`, `warning` (something is off, but a session still
//! runs: no sound, a broken routine file beside good ones, a settings file
//! with mistakes) or `broken` (a session would fail or lose its record:
//! the data directory cannot be written, the history cannot be read, no
//! routine loads). Any `broken` check makes the exit status 1, so a script
//! or an installer can ask "is this setup usable?".

use std::fs::{self, OpenOptions};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;

use super::Env;
use crate::features::{self, Build};
use crate::history;
use crate::paths::Paths;
use crate::routine::Library;
use crate::text::escape_inline;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Ok,
    Warning,
    Broken,
}

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// What was looked at: "data dir", "routines", "sound", ...
    pub what: &'static str,
    pub health: Health,
    pub detail: String,
    /// More lines under it: broken files, skipped history lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Check {
    fn new(what: &'static str, health: Health, detail: impl Into<String>) -> Self {
        Self {
            what,
            health,
            detail: detail.into(),
            notes: Vec::new(),
        }
    }
}

/// The files and directories in force, for a bug report. As text, so a
/// path that is not UTF-8 is shown (lossily) rather than failing the report.
#[derive(Debug, Clone, Serialize)]
pub struct Places {
    pub config_dir: String,
    pub data_dir: String,
    pub state_dir: String,
    pub cache_dir: String,
    pub settings_file: String,
    pub user_routines: String,
    /// Where this machine appends its sessions.
    pub history_file: String,
    pub log_file: String,
}

impl Places {
    fn of(paths: &Paths) -> Self {
        Self {
            config_dir: lossy(&paths.config_dir),
            data_dir: lossy(&paths.data_dir),
            state_dir: lossy(&paths.state_dir),
            cache_dir: lossy(&paths.cache_dir),
            settings_file: lossy(&paths.config_dir.join("config.toml")),
            user_routines: lossy(&paths.user_routines()),
            history_file: lossy(&history::file(paths)),
            log_file: lossy(&paths.log_file()),
        }
    }
}

fn lossy(path: &Path) -> String {
    path.display().to_string()
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Checkup {
    pub build: Build,
    /// `None` when no home directory was found and nothing overrides it.
    pub paths: Option<Places>,
    /// False when any check is broken: a session would fail.
    pub ok: bool,
    pub checks: Vec<Check>,
}

impl Checkup {
    /// Look at everything. `sound` says what the sound output is (or why
    /// there is none); it is passed in because it opens a real connection.
    pub fn run(env: &Env, sound: Check, terminal: Check) -> Self {
        let mut checks = Vec::new();
        match &env.paths {
            Some(paths) => {
                checks.extend(directories(paths));
                checks.push(log_check(paths));
                checks.push(history_check(paths));
            }
            None => checks.push(Check::new(
                "paths",
                Health::Broken,
                "no home directory: set KNOTLESS_CONFIG_DIR and KNOTLESS_DATA_DIR",
            )),
        }
        checks.push(settings_check(env));
        checks.push(routines_check(&env.library()));
        checks.push(sound);
        checks.push(speech_check(env));
        checks.extend(reminder_check());
        checks.push(terminal);
        let ok = checks.iter().all(|c| c.health != Health::Broken);
        Self {
            build: features::build(),
            paths: env.paths.as_ref().map(Places::of),
            ok,
            checks,
        }
    }

    pub fn text(&self) -> String {
        let mut out = format!("knotless {}\n", features::VERSION);
        for c in &self.checks {
            let mark = match c.health {
                Health::Ok => "ok  ",
                Health::Warning => "WARN",
                Health::Broken => "FAIL",
            };
            out.push_str(&format!("{mark}  {:<10} {}\n", c.what, c.detail));
            for note in &c.notes {
                out.push_str(&format!("                 {note}\n"));
            }
        }
        out.push_str(if self.ok {
            "\nA session can run.\n"
        } else {
            "\nSomething a session needs is broken (FAIL above).\n"
        });
        out
    }
}

/// `knotless doctor [--json]`.
pub fn doctor(env: &Env, json: bool) -> Result<ExitCode> {
    let checkup = Checkup::run(env, sound_check(env), terminal_check());
    let text = match json {
        true => super::json::to_text(&checkup)?,
        false => checkup.text(),
    };
    super::print(&text)?;
    Ok(if checkup.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn shown(path: &Path) -> String {
    escape_inline(&path.display().to_string()).into_owned()
}

/// Each directory, and whether knotless can write there. Only the data
/// directory is needed by a session (its history line); the others lose a
/// log, new routines, or a speech cache.
fn directories(paths: &Paths) -> Vec<Check> {
    let dirs: [(&'static str, &Path, Health); 4] = [
        ("config", &paths.config_dir, Health::Warning),
        ("data", &paths.data_dir, Health::Broken),
        ("state", &paths.state_dir, Health::Warning),
        ("cache", &paths.cache_dir, Health::Warning),
    ];
    dirs.into_iter()
        .map(|(what, dir, if_not)| match writable(dir) {
            Ok(note) => Check::new(what, Health::Ok, format!("{} ({note})", shown(dir))),
            Err(why) => Check::new(what, if_not, format!("{}: cannot write: {why}", shown(dir))),
        })
        .collect()
}

/// Why a directory cannot be written to.
#[derive(Debug, thiserror::Error)]
enum Unwritable {
    #[error("no existing parent directory")]
    NoParent,
    #[error("{} is not a directory", shown(.0))]
    NotADirectory(PathBuf),
    /// The system's refusal, in words (no "(os error N)").
    #[error("{0}")]
    Io(String),
}

/// Whether a file can be made in `dir`, or (when it does not exist yet) in
/// the directory it would be created in. Tried for real, with a file made
/// and removed at once: permission bits alone say nothing for root, a
/// read-only mount or an ACL.
fn writable(dir: &Path) -> Result<&'static str, Unwritable> {
    let mut probe_in: PathBuf = dir.to_path_buf();
    let mut note = "writable";
    while !probe_in.exists() {
        note = "created when needed";
        match probe_in.parent() {
            Some(p) if !p.as_os_str().is_empty() => probe_in = p.to_path_buf(),
            _ => return Err(Unwritable::NoParent),
        }
    }
    if !probe_in.is_dir() {
        return Err(Unwritable::NotADirectory(probe_in));
    }
    let probe = probe_in.join(format!(".knotless-doctor-{}", std::process::id()));
    let made = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| Unwritable::Io(crate::io_words::in_words(&e)))?;
    drop(made);
    let _ = fs::remove_file(&probe);
    Ok(note)
}

/// What is at `path` when it is there and is not what knotless makes
/// there (a regular file, or with `dir`, a directory), not followed: a
/// link is named as one, since knotless never writes through one.
fn odd_thing(path: &Path, dir: bool) -> Option<&'static str> {
    let meta = fs::symlink_metadata(path).ok()?;
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Some("a symbolic link");
    }
    if dir {
        return (!kind.is_dir()).then_some("not a directory");
    }
    if kind.is_file() {
        return None;
    }
    Some(if kind.is_dir() {
        "a directory"
    } else if is_fifo(&kind) {
        "a pipe (FIFO)"
    } else {
        "not a regular file"
    })
}

#[cfg(unix)]
fn is_fifo(kind: &fs::FileType) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(kind)
}

#[cfg(not(unix))]
fn is_fifo(_: &fs::FileType) -> bool {
    false
}

/// The log: something other than a file where it goes means nothing is
/// logged (hooks' output included), which a session survives.
fn log_check(paths: &Paths) -> Check {
    let log = paths.log_file();
    match odd_thing(&log, false) {
        None => Check::new("log", Health::Ok, shown(&log)),
        Some(what) => Check::new(
            "log",
            Health::Warning,
            format!(
                "{} is {what}, so nothing is logged (hooks' output is dropped too): move it away",
                shown(&log)
            ),
        ),
    }
}

/// The history files: how many sessions, and any line that was skipped.
fn history_check(paths: &Paths) -> Check {
    let own = history::file(paths);
    // Sessions append here: anything but a file (or nothing yet) loses
    // every session's record.
    if let Some(what) = odd_thing(&own, false).filter(|w| *w != "a symbolic link") {
        return Check::new(
            "history",
            Health::Broken,
            format!(
                "{} is {what}: no session can be recorded; move it away and knotless starts a new history there",
                shown(&own)
            ),
        );
    }
    match history::load_dir(&paths.data_dir) {
        Ok(merged) if merged.files.is_empty() => Check::new(
            "history",
            Health::Ok,
            format!(
                "no sessions yet; this machine writes {}",
                shown(&history::file(paths))
            ),
        ),
        Ok(merged) => {
            let files = merged.files.len();
            let mut check = Check::new(
                "history",
                if merged.skipped == 0 && merged.notes.is_empty() {
                    Health::Ok
                } else {
                    Health::Warning
                },
                format!(
                    "{} sessions in {files} file{}, {} line{} skipped; this machine writes {}",
                    merged.records.len(),
                    if files == 1 { "" } else { "s" },
                    merged.skipped,
                    if merged.skipped == 1 { "" } else { "s" },
                    shown(&history::file(paths)),
                ),
            );
            check.notes = merged
                .warnings
                .iter()
                .map(|(file, w)| format!("{}: {}", shown(file), escape_inline(&w.to_string())))
                .chain(
                    merged
                        .notes
                        .iter()
                        .map(|n| escape_inline(&n.to_string()).into_owned()),
                )
                .collect();
            check
        }
        Err(e) => Check::new(
            "history",
            Health::Broken,
            format!("cannot be read: {}", escape_inline(&e.to_string())),
        ),
    }
}

fn settings_check(env: &Env) -> Check {
    let path = env.paths.as_ref().map(|p| p.config_dir.join("config.toml"));
    let file = path
        .as_deref()
        .map(shown)
        .unwrap_or_else(|| "no settings file".into());
    match &env.settings_problems {
        // Only a file that is there is "ok"; none is not a problem either.
        None if !path.as_deref().is_some_and(|p| p.exists()) => Check::new(
            "settings",
            Health::Ok,
            "no settings file (defaults; `knotless config --init` writes one)",
        ),
        None => Check::new("settings", Health::Ok, file),
        Some(problems) => {
            let mut check = Check::new(
                "settings",
                Health::Warning,
                format!("{file} has mistakes: the defaults are used (`knotless config`)"),
            );
            check.notes = problems.summary_lines();
            check
        }
    }
}

fn routines_check(lib: &Library) -> Check {
    let good = lib.entries.iter().filter(|e| e.routine.is_ok()).count();
    let broken: Vec<_> = lib
        .entries
        .iter()
        .filter_map(|e| e.routine.as_ref().err())
        .collect();
    let health = if good == 0 {
        Health::Broken
    } else if broken.is_empty() && lib.dir_problems.is_empty() {
        Health::Ok
    } else {
        Health::Warning
    };
    let mut check = Check::new(
        "routines",
        health,
        format!(
            "{good} load, {} broken{}",
            broken.len(),
            if broken.is_empty() {
                ""
            } else {
                " (`knotless check` shows every problem)"
            }
        ),
    );
    check.notes = broken
        .iter()
        .chain(&lib.dir_problems.iter().collect::<Vec<_>>())
        .flat_map(|p| p.summary_lines())
        .collect();
    check
}

/// Opens the output as a session would: the server's own name and version
/// (PipeWire's Pulse server says "PulseAudio (on PipeWire x.y.z)"), or why
/// there is none. Never broken: a session runs silent without sound.
fn sound_check(env: &Env) -> Check {
    if !crate::sound::BUILT_WITH_SOUND {
        return Check::new("sound", Health::Ok, "none: a silent build");
    }
    let report = crate::sound::describe_output();
    let muted = if env.settings.sound.enabled {
        ""
    } else {
        " (sound.enabled = false: sessions start muted)"
    };
    match (report.output, report.off) {
        (Some(output), _) => Check::new("sound", Health::Ok, format!("{output}{muted}")),
        (None, why) => Check::new(
            "sound",
            Health::Warning,
            format!(
                "off, sessions run silent: {}",
                why.unwrap_or_else(|| "no output".into())
            ),
        ),
    }
}

/// The speech engine sessions would speak with: a warning when there is
/// none (sessions keep their bells), never a failure.
fn speech_check(env: &Env) -> Check {
    let settings = super::voice::voice_settings(&env.settings, None);
    let found = super::voice::search(&settings).find();
    let off = if settings.enabled {
        ""
    } else {
        " (voice.enabled = false: `v` turns it on)"
    };
    // Sessions refuse a voice cache that is a link (nothing is written
    // through one) and then say nothing at all.
    let cache = env.paths.as_ref().map(|p| p.cache_dir.join("voice"));
    let odd_cache = cache
        .as_deref()
        .and_then(|c| Some((c, odd_thing(c, true)?)));
    match (found, odd_cache) {
        (Ok(engine), Some((cache, what))) => Check::new(
            "speech",
            Health::Warning,
            format!(
                "{}, but sessions say nothing: the speech cache {} is {what}, which knotless never writes through; remove it and a new one is made",
                crate::text::escape_inline(&engine.id()),
                shown(cache)
            ),
        ),
        (Ok(engine), None) => Check::new(
            "speech",
            Health::Ok,
            format!("{}{off}", crate::text::escape_inline(&engine.id())),
        ),
        (Err(why), _) => Check::new(
            "speech",
            Health::Warning,
            format!(
                "off, sessions ring bells only: {}",
                crate::text::escape_inline(&why.to_string())
            ),
        ),
    }
}

/// The terminal: its size and how many colours, as the full screen sees
/// them. A pipe is fine (`--plain` is used); only a terminal too small or
/// too dumb for the full screen is a warning.
/// The reminder, when one is set, and whether its notification can be
/// shown: with no notification service it writes its line to the log
/// instead, and this says why. (No line when none is set.)
fn reminder_check() -> Option<Check> {
    // (Not on Windows: asking Task Scheduler is a process of its own, and
    // `remind` shows it.)
    let place = crate::remind::install::Place::from_env().ok()?;
    let set = crate::remind::install::set(&place).ok()??;
    Some(match crate::remind::notify::service() {
        Ok(()) => Check::new(
            "reminder",
            Health::Ok,
            format!("{set}; the desktop shows its notification"),
        ),
        Err(why) => Check::new(
            "reminder",
            Health::Warning,
            format!(
                "{set}; no desktop notification can be shown ({}): it writes its line to the log instead",
                escape_inline(&format!("{why:#}"))
            ),
        ),
    })
}

fn terminal_check() -> Check {
    let term = std::env::var("TERM").unwrap_or_default();
    let colour = colour_support(
        &term,
        std::env::var("COLORTERM").ok().as_deref(),
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    );
    if !std::io::stdout().is_terminal() {
        return Check::new(
            "terminal",
            Health::Ok,
            format!("output is not a terminal (sessions print plain lines); TERM={term}, {colour}"),
        );
    }
    match crossterm::terminal::size() {
        Ok((w, h)) => {
            // Sessions print plain lines there (TERM=dumb, or unknown).
            let dumb = !super::term::capable();
            let small = w < 40 || h < 12;
            let health = if dumb || small {
                Health::Warning
            } else {
                Health::Ok
            };
            Check::new(
                "terminal",
                health,
                format!("{w}×{h}, TERM={term}, {colour}"),
            )
        }
        Err(e) => Check::new(
            "terminal",
            Health::Warning,
            format!("size unknown ({e}); TERM={term}, {colour}"),
        ),
    }
}

fn colour_support(term: &str, colorterm: Option<&str>, no_color: bool) -> &'static str {
    if no_color {
        "no colour (NO_COLOR)"
    } else if matches!(colorterm, Some("truecolor" | "24bit")) {
        "24-bit colour"
    } else if term.contains("256color") {
        "256 colours"
    } else if term.is_empty() || term == "dumb" {
        "no colour"
    } else {
        "16 colours"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_follow_no_color_then_colorterm_then_term() {
        assert_eq!(
            colour_support("xterm-256color", Some("truecolor"), true),
            "no colour (NO_COLOR)"
        );
        assert_eq!(
            colour_support("xterm", Some("24bit"), false),
            "24-bit colour"
        );
        assert_eq!(
            colour_support("screen-256color", None, false),
            "256 colours"
        );
        assert_eq!(colour_support("dumb", None, false), "no colour");
    }

    #[test]
    fn a_missing_directory_is_writable_when_its_parent_is() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(writable(dir.path()).unwrap(), "writable");
        assert_eq!(
            writable(&dir.path().join("a/b")).unwrap(),
            "created when needed"
        );
        let file = dir.path().join("file");
        fs::write(&file, "").unwrap();
        let refused = writable(&file.join("data")).unwrap_err().to_string();
        assert!(refused.ends_with("file is not a directory"), "{refused}");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no probe file is left behind"
        );
    }
}
