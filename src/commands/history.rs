//! `knotless history`: the streak, the totals, the routines and the recent
//! sessions, as text or (`--json`) as one JSON object for scripts. Lines of
//! the file that could not be read are named on stderr.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use jiff::Zoned;
use serde::Serialize;

use super::table::{Align, render};
use crate::history::{self, Progress, Record, Stats, Total, days_words, duration_words};
use crate::paths::Paths;
use crate::routine::Library;
use crate::routine::duration::clock;
use crate::text::escape_inline;

/// Sessions listed under "Recent sessions".
pub const RECENT: usize = 10;

/// What the command prints, on each stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub stdout: String,
    pub stderr: String,
}

/// Which form of the history to print.
#[derive(Debug, Clone, Copy, Default)]
pub struct View {
    pub json: bool,
    /// `--chart`: the progress charts.
    pub chart: bool,
    /// `--export csv`: one row per session.
    pub csv: bool,
}

/// `knotless history [--json | --chart | --export csv]`: prints the
/// report; `library` finds the routines, for minutes per area.
pub fn history(paths: Option<&Paths>, view: View, library: &Library) -> Result<()> {
    let paths = paths
        .ok_or_else(|| anyhow!("cannot find where the history is kept: set KNOTLESS_DATA_DIR"))?;
    let report = report_as(&history::file(paths), view, &Zoned::now(), library)?;
    eprint!("{}", report.stderr);
    super::print(&report.stdout)
}

/// The report on the history that `path` is part of (every machine's file
/// beside it, see `history::load_dir`), as of `now`.
pub fn report(path: &Path, json: bool, now: &Zoned) -> Result<Report> {
    let view = View {
        json,
        ..View::default()
    };
    report_as(path, view, now, &Library::builtins())
}

/// The report in the form `view` asks for.
pub fn report_as(path: &Path, view: View, now: &Zoned, library: &Library) -> Result<Report> {
    let json = view.json;
    let dir = path.parent().unwrap_or(Path::new("."));
    let loaded = history::load_dir(dir).with_context(|| {
        format!(
            "cannot read the history in {}",
            escape_inline(&dir.display().to_string())
        )
    })?;
    // At most a few lines per file, then what was left, in words: a file
    // of millions of bad lines says so in a few lines.
    let mut stderr: String = loaded
        .warnings
        .iter()
        .map(|(file, w)| {
            format!(
                "warning: {}: {}\n",
                escape_inline(&file.display().to_string()),
                escape_inline(&w.to_string())
            )
        })
        .collect();
    for note in &loaded.notes {
        stderr.push_str(&format!("warning: {}\n", escape_inline(&note.to_string())));
    }
    let stats = Stats::compute(&loaded.records, now);
    let recent = history::recent(&loaded.records, RECENT);
    let progress = || progress_of(&loaded.records, now, library);
    let stdout = if view.csv {
        super::history_csv::csv(&loaded.records)
    } else if view.chart {
        let width = terminal_width();
        crate::ui::progress::text(&crate::app::views::progress(&progress()), width)
    } else if json {
        let mut value = as_json(&stats, &recent, &loaded);
        value.progress = Some(json_progress(&progress()));
        super::json::to_text(&value)?
    } else if loaded.records.is_empty() {
        "No sessions yet. Finish a routine and it shows here.\n".to_owned()
    } else {
        text(&stats, &recent)
    };
    Ok(Report { stdout, stderr })
}

fn text(stats: &Stats, recent: &[&Record]) -> String {
    let with_sessions = |t: &Total| {
        let s = if t.sessions == 1 { "" } else { "s" };
        format!("{}, {} session{s}", duration_words(t.seconds), t.sessions)
    };
    let mut facts = vec![
        (
            "Current streak",
            format!(
                "{} (longest {})",
                days_words(stats.current_streak),
                days_words(stats.longest_streak)
            ),
        ),
        ("Today", with_sessions(&stats.today)),
        ("This week", with_sessions(&stats.week)),
        ("This month", with_sessions(&stats.month)),
        ("All time", with_sessions(&stats.all_time)),
    ];
    if stats.previews > 0 {
        facts.push((
            "Previews",
            format!("{} (sped up, not counted)", stats.previews),
        ));
    }
    let mut out: String = facts
        .iter()
        .map(|(label, value)| format!("{label:<16}{value}\n"))
        .collect();

    if !stats.routines.is_empty() {
        out.push('\n');
        out.push_str(&routines(stats));
    }
    out.push_str("\nRecent sessions\n");
    out.push_str(&sessions(recent));
    out
}

fn routines(stats: &Stats) -> String {
    let tension = stats.routines.iter().any(|r| r.tension.is_some());
    let mut header = vec![
        ("ROUTINE", Align::Left),
        ("SESSIONS", Align::Right),
        ("FINISHED", Align::Right),
        ("TIME", Align::Right),
    ];
    if tension {
        header.push(("TENSION", Align::Right));
    }
    // Rounded once for all rows, so they add up to the total.
    let seconds: Vec<u64> = stats.routines.iter().map(|r| r.seconds).collect();
    let minutes = crate::format::minutes_shares(&seconds);
    let rows: Vec<Vec<String>> = stats
        .routines
        .iter()
        .zip(minutes)
        .map(|(r, m)| {
            let mut row = vec![
                escape_inline(&r.name).into_owned(),
                r.sessions.to_string(),
                r.finished.to_string(),
                crate::format::whole_minutes_words(m),
            ];
            if tension {
                row.push(r.tension.map_or(String::new(), |t| {
                    format!("{:+.1} over {}", t.average, t.sessions)
                }));
            }
            row
        })
        .collect();
    let mut out = render(&header, &rows);
    if tension {
        out.push_str("(TENSION: average change from before to after, 0-10; below 0 is calmer)\n");
    }
    out
}

fn sessions(recent: &[&Record]) -> String {
    let rows: Vec<Vec<String>> = recent
        .iter()
        .map(|r| {
            let outcome = if r.finished() { "finished" } else { "stopped" };
            vec![
                r.started.strftime("%a %Y-%m-%d").to_string(),
                r.started.strftime("%H:%M").to_string(),
                escape_inline(&r.routine_name).into_owned(),
                format!(
                    "{} of {}",
                    clock(Duration::from_secs(r.practised_seconds)),
                    clock(Duration::from_secs(r.planned_seconds))
                ),
                outcome.to_owned(),
                if r.preview { "preview" } else { "" }.to_owned(),
            ]
        })
        .collect();
    render(
        &[
            ("DATE", Align::Left),
            ("TIME", Align::Left),
            ("ROUTINE", Align::Left),
            ("PRACTISED", Align::Right),
            ("OUTCOME", Align::Left),
            ("", Align::Left),
        ],
        &rows,
    )
}

/// The `--json` object; fields in this order, for people reading it too.
#[derive(Serialize)]
struct JsonReport<'a> {
    date: String,
    streak: u32,
    longest_streak: u32,
    today: JsonTotal,
    this_week: JsonTotal,
    this_month: JsonTotal,
    all_time: JsonTotal,
    previews: u32,
    routines: Vec<JsonRoutine<'a>>,
    last_session: Option<serde_json::Value>,
    recent_sessions: Vec<serde_json::Value>,
    /// The first few skipped lines of each file.
    skipped_lines: Vec<JsonWarning>,
    /// Every line skipped, listed or not.
    skipped_count: usize,
    /// What was left unread or set aside, in words.
    notes: Vec<String>,
    /// The series `--chart` draws.
    #[serde(skip_serializing_if = "Option::is_none")]
    progress: Option<JsonProgress>,
}

#[derive(Serialize)]
struct JsonTotal {
    sessions: u32,
    seconds: u64,
    minutes: u64,
}

impl From<&Total> for JsonTotal {
    fn from(t: &Total) -> Self {
        Self {
            sessions: t.sessions,
            seconds: t.seconds,
            minutes: history::minutes(t.seconds),
        }
    }
}

#[derive(Serialize)]
struct JsonRoutine<'a> {
    id: &'a str,
    name: &'a str,
    sessions: u32,
    finished: u32,
    seconds: u64,
    minutes: u64,
    /// Average of after minus before, 0-10 scale; null until asked.
    tension_change: Option<f64>,
    tension_sessions: u32,
}

#[derive(Serialize)]
struct JsonWarning {
    /// The history file's name (each machine has its own).
    file: String,
    /// From 1; null when only the newest part of a big file was read.
    line: Option<usize>,
    /// Where the line begins in its file, from 0.
    byte: u64,
    problem: String,
}

/// A session as `--json` gives it: the history line, with the names every
/// output uses (`step_count`, not the file's `steps`) and without the
/// line's own format number.
fn session_json(record: &Record) -> serde_json::Value {
    let mut value = serde_json::to_value(record).unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut value {
        map.remove("v");
        if let Some(steps) = map.remove("steps") {
            map.insert("step_count".into(), steps);
        }
    }
    value
}

fn as_json<'a>(
    stats: &'a Stats,
    recent: &'a [&'a Record],
    loaded: &history::Merged,
) -> JsonReport<'a> {
    JsonReport {
        date: stats.date.to_string(),
        streak: stats.current_streak,
        longest_streak: stats.longest_streak,
        today: (&stats.today).into(),
        this_week: (&stats.week).into(),
        this_month: (&stats.month).into(),
        all_time: (&stats.all_time).into(),
        previews: stats.previews,
        routines: stats
            .routines
            .iter()
            .zip(crate::format::minutes_shares(
                &stats.routines.iter().map(|r| r.seconds).collect::<Vec<_>>(),
            ))
            .map(|(r, minutes)| JsonRoutine {
                id: &r.id,
                name: &r.name,
                sessions: r.sessions,
                finished: r.finished,
                seconds: r.seconds,
                minutes,
                tension_change: r.tension.map(|t| t.average),
                tension_sessions: r.tension.map_or(0, |t| t.sessions),
            })
            .collect(),
        last_session: stats.last.as_ref().map(session_json),
        recent_sessions: recent.iter().map(|r| session_json(r)).collect(),
        skipped_lines: loaded
            .warnings
            .iter()
            .map(|(file, w)| JsonWarning {
                file: file
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                line: w.line,
                byte: w.byte,
                problem: w.problem.to_string(),
            })
            .collect(),
        skipped_count: loaded.skipped,
        notes: loaded.notes.iter().map(ToString::to_string).collect(),
        progress: None,
    }
}

/// The charts' series, as `--json` carries them.
#[derive(Serialize)]
struct JsonProgress {
    /// The last 84 days, oldest first.
    minutes_per_day: Vec<JsonDay>,
    /// The last 12 weeks, oldest first, by their Monday.
    tension_per_week: Vec<JsonWeek>,
    /// This month, the most first; from each routine's steps (history
    /// lines do not record areas).
    minutes_per_area: Vec<JsonArea>,
    /// This month's minutes in routines not found, so with no area.
    minutes_without_area: u64,
}

#[derive(Serialize)]
struct JsonDay {
    date: String,
    minutes: u64,
}

#[derive(Serialize)]
struct JsonWeek {
    monday: String,
    before: Option<f64>,
    after: Option<f64>,
    change: Option<f64>,
    sessions: u32,
}

#[derive(Serialize)]
struct JsonArea {
    area: &'static str,
    minutes: u64,
}

fn json_progress(p: &Progress) -> JsonProgress {
    use jiff::ToSpan;
    JsonProgress {
        minutes_per_day: p
            .seconds_per_day
            .iter()
            .enumerate()
            .map(|(i, &s)| JsonDay {
                date: p
                    .first_day
                    .checked_add((i as i64).days())
                    .map_or(String::new(), |d| d.to_string()),
                minutes: history::minutes(s),
            })
            .collect(),
        tension_per_week: p
            .weeks
            .iter()
            .map(|w| JsonWeek {
                monday: w.monday.to_string(),
                before: w.before.map(tenths),
                after: w.after.map(tenths),
                change: w.change.map(tenths),
                sessions: w.sessions,
            })
            .collect(),
        minutes_per_area: p
            .areas
            .iter()
            .map(|a| JsonArea {
                area: a.area,
                minutes: history::minutes(a.seconds),
            })
            .collect(),
        minutes_without_area: history::minutes(p.unknown_area_seconds),
    }
}

/// Rounded to one decimal, as people read it.
fn tenths(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The progress series, each session's routine found in `library`.
fn progress_of(records: &[Record], now: &Zoned, library: &Library) -> Progress {
    let by_id: std::collections::HashMap<&str, &crate::routine::Routine> = library
        .entries
        .iter()
        .filter_map(|e| e.routine.as_ref().ok().map(|r| (e.id.as_str(), r)))
        .collect();
    Progress::compute(records, now, |id| by_id.get(id).copied())
}

/// The terminal's width when printing to one, else `COLUMNS`, else 80.
fn terminal_width() -> u16 {
    use std::io::IsTerminal;
    let terminal = std::io::stdout()
        .is_terminal()
        .then(|| crossterm::terminal::size().ok().map(|(w, _)| w))
        .flatten();
    terminal
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
        .unwrap_or(80)
        .clamp(40, 200)
}

#[cfg(test)]
mod tests {
    use jiff::civil::DateTime;
    use jiff::tz::TimeZone;

    use serde_json::Value;

    use super::*;

    fn berlin() -> TimeZone {
        TimeZone::get("Europe/Berlin")
            .unwrap_or_else(|_| TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap())
    }

    fn now() -> Zoned {
        "2026-03-11T20:00"
            .parse::<DateTime>()
            .unwrap()
            .to_zoned(berlin())
            .unwrap()
    }

    const LINES: &str = r#"{"v":1,"started":"2026-03-09T07:30:00+01:00","routine_id":"daily-back","routine_name":"Daily back reset","planned_seconds":729,"practised_seconds":729,"outcome":"finished","steps":10,"steps_done":10,"tension_before":7,"tension_after":4}
{"v":1,"started":"2026-03-10T07:30:00+01:00","routine_id":"daily-back","routine_name":"Daily back reset","planned_seconds":729,"practised_seconds":729,"outcome":"finished","steps":10,"steps_done":10}
{"v":1,"started":"2026-03-10T21:00:00+01:00","routine_id":"evening","routine_name":"Evil \u001b]0;x\u0007 \u202e name","planned_seconds":600,"practised_seconds":190,"outcome":"stopped","steps":4,"steps_done":1,"skipped":[{"index":1,"title":"Neck"}]}
{"v":1,"started":"2026-03-11T12:00:00+01:00","routine_id":"draft","routine_name":"Draft","planned_seconds":300,"practised_seconds":300,"outcome":"finished","steps":2,"steps_done":2,"preview":true,"speed":10.0}
{"v":1,"started":"2026-03-1"#;

    fn fixture() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        std::fs::write(&path, LINES).unwrap();
        (dir, path)
    }

    #[test]
    fn text_report() {
        let (_dir, path) = fixture();
        let report = report(&path, false, &now()).unwrap();
        assert_eq!(
            report.stdout,
            r#"Current streak  2 days (longest 2 days)
Today           0 min, 0 sessions
This week       27 min, 3 sessions
This month      27 min, 3 sessions
All time        27 min, 3 sessions
Previews        1 (sped up, not counted)

ROUTINE                             SESSIONS  FINISHED    TIME      TENSION
Daily back reset                           2         2  24 min  -3.0 over 1
Evil \u{1b}]0;x\u{7} \u{202e} name         1         0   3 min
(TENSION: average change from before to after, 0-10; below 0 is calmer)

Recent sessions
DATE            TIME   ROUTINE                                  PRACTISED  OUTCOME
Wed 2026-03-11  12:00  Draft                                 5:00 of 5:00  finished  preview
Tue 2026-03-10  21:00  Evil \u{1b}]0;x\u{7} \u{202e} name   3:10 of 10:00  stopped
Tue 2026-03-10  07:30  Daily back reset                    12:09 of 12:09  finished
Mon 2026-03-09  07:30  Daily back reset                    12:09 of 12:09  finished
"#
        );
        assert_eq!(report.stderr.lines().count(), 1);
        assert!(
            report
                .stderr
                .contains("line 5 was skipped: it is incomplete")
        );
    }

    #[test]
    fn json_report_is_one_object_and_safe_to_print() {
        let (_dir, path) = fixture();
        let report = report(&path, true, &now()).unwrap();
        assert!(
            !report
                .stdout
                .chars()
                .any(|c| crate::text::is_unsafe(c) && c != '\n'),
            "{}",
            report.stdout
        );
        let v: Value = serde_json::from_str(&report.stdout).unwrap();
        assert_eq!(v["date"], "2026-03-11");
        assert_eq!(v["streak"], 2);
        assert_eq!(v["version"], 1);
        assert_eq!(v["this_week"]["seconds"], 729 * 2 + 190);
        assert_eq!(v["this_week"]["minutes"], 27);
        assert_eq!(v["previews"], 1);
        assert_eq!(v["routines"][0]["tension_change"], -3.0);
        assert_eq!(v["routines"][1]["tension_change"], Value::Null);
        assert_eq!(v["recent_sessions"].as_array().unwrap().len(), 4);
        assert_eq!(v["recent_sessions"][0]["preview"], true);
        assert_eq!(
            v["recent_sessions"][1]["routine_name"],
            "Evil \u{1b}]0;x\u{7} \u{202e} name"
        );
        assert_eq!(v["last_session"]["started"], "2026-03-10T21:00:00+01:00");
        assert_eq!(v["skipped_lines"][0]["line"], 5);
    }

    #[test]
    fn json_carries_the_chart_series_and_csv_a_row_per_session() {
        let (_dir, path) = fixture();
        let library = Library::builtins();
        let json = View {
            json: true,
            ..View::default()
        };
        let report = report_as(&path, json, &now(), &library).unwrap();
        let v: Value = serde_json::from_str(&report.stdout).unwrap();
        let p = &v["progress"];
        let days = p["minutes_per_day"].as_array().unwrap();
        assert_eq!(days.len(), 84);
        assert_eq!(
            days[83],
            serde_json::json!({"date": "2026-03-11", "minutes": 0})
        );
        assert_eq!(days[82]["minutes"], 15, "12:09 and 3:10 on the 10th");
        let week = &p["tension_per_week"][11];
        assert_eq!(week["monday"], "2026-03-09");
        assert_eq!(
            (week["before"].clone(), week["change"].clone()),
            (7.0.into(), (-3.0).into())
        );
        let areas: u64 = p["minutes_per_area"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["minutes"].as_u64().unwrap())
            .sum();
        // Two daily-back sessions' 24 min, shared out among its five
        // areas, each floored (minutes never round up); "evening" is not
        // found.
        assert!((24 - 5..=24).contains(&areas), "{p}");
        assert_eq!(p["minutes_without_area"], 3);

        let csv = View {
            csv: true,
            ..View::default()
        };
        let report = report_as(&path, csv, &now(), &library).unwrap();
        assert_eq!(report.stdout.lines().count(), 1 + 4, "{}", report.stdout);

        let chart = View {
            chart: true,
            ..View::default()
        };
        let report = report_as(&path, chart, &now(), &library).unwrap();
        assert!(report.stdout.contains("Minutes by body area, March"));
        assert!(report.stdout.contains("-3.0"), "{}", report.stdout);
    }

    #[test]
    fn no_file_means_no_sessions_yet() {
        let dir = tempfile::tempdir().unwrap();
        let report = report(&dir.path().join("history.jsonl"), false, &now()).unwrap();
        assert_eq!(
            report.stdout,
            "No sessions yet. Finish a routine and it shows here.\n"
        );
        assert_eq!(report.stderr, "");
    }
}
