//! The man page: one page, made from the same sources as `--help` (clap's
//! command tree) and the keymap, plus what only a man page says: the
//! routine format in brief, files, environment, exit status, examples.
//!
//! Written with the `roff` crate, which escapes every text it is given, so
//! a help text with a leading dot or a backslash cannot turn into a request.

use clap::{Arg, Command};
use roff::{Roff, bold, italic, roman};

use crate::input::{Context, KEYMAP, Mode};

/// When the page last changed in substance (mandoc wants a date in its
/// title line; the version has its own place).
const REVISED: &str = "2026-12-07";

/// The whole page, in roff.
pub fn page() -> String {
    let mut cmd = crate::cli::command();
    cmd.build();
    let mut page = Roff::new();
    page.control(
        "TH",
        [
            "KNOTLESS",
            "1",
            REVISED,
            &format!("knotless {}", crate::features::VERSION),
            "User Commands",
        ],
    );
    name_and_synopsis(&mut page, &cmd);
    commands(&mut page, &cmd);
    keys(&mut page);
    routine_format(&mut page);
    files(&mut page);
    environment(&mut page);
    exit_status(&mut page);
    examples(&mut page);
    wrap(&page.render())
}

/// Text lines folded at 80 bytes, as man pages are written (mandoc's lint
/// asks for it); requests and the example block are left as they are.
fn wrap(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len() + roff.len() / 40);
    let mut example = false;
    let mut heading = false;
    for line in roff.lines() {
        // A paragraph starts by itself after a heading.
        let after_heading = std::mem::replace(
            &mut heading,
            line.starts_with(".SH") || line.starts_with(".SS"),
        );
        if after_heading && line == ".PP" {
            continue;
        }
        example = match line {
            ".EX" => true,
            ".EE" => false,
            _ => example,
        };
        if example || line.starts_with('.') || line.len() <= 80 {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut width = 0;
        for word in line.split(' ') {
            if width > 0 && width + 1 + word.len() > 80 {
                out.push('\n');
                width = 0;
            } else if width > 0 {
                out.push(' ');
                width += 1;
            }
            // A folded line must not start a request.
            if width == 0 && (word.starts_with('.') || word.starts_with('\'')) {
                out.push_str("\\&");
                width += 2;
            }
            out.push_str(word);
            width += word.len();
        }
        out.push('\n');
    }
    out
}

fn section(page: &mut Roff, title: &str) {
    page.control("SH", [title]);
}

fn paragraph(page: &mut Roff, text: &str) {
    page.control("PP", []).text([roman(text)]);
}

/// A tagged paragraph: the tag in bold, the text under it.
fn item(page: &mut Roff, tag: &str, text: &str) {
    page.control("TP", []).text([bold(tag)]).text([roman(text)]);
}

fn name_and_synopsis(page: &mut Roff, cmd: &Command) {
    section(page, "NAME");
    let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
    page.text([roman(format!("knotless - {}", lowercase_first(&about)))]);
    section(page, "SYNOPSIS");
    page.text([
        bold("knotless"),
        roman(" ["),
        italic("COMMAND"),
        roman("] ["),
        italic("OPTIONS"),
        roman("]"),
    ]);
    section(page, "DESCRIPTION");
    for text in [
        "knotless walks you through a self-massage or breathing routine on a quiet full-screen interface: a large countdown, the instructions, cues when to change what you do, the side you are on, and a breathing pacer. It speaks its prompts through a speech engine already on the machine and rings soft synthesised sounds, so a routine can be followed with the eyes closed. It keeps a local practice history.",
        "Routines are plain TOML files. Eleven are built in; your own files in the routines directory (see FILES) extend them, and a file with the id of a built-in replaces it.",
        "Run without a command, knotless opens the routine picker.",
    ] {
        paragraph(page, text);
    }
    let globals: Vec<&Arg> = cmd
        .get_arguments()
        .filter(|a| shown(a) && !a.is_positional())
        .collect();
    if !globals.is_empty() {
        section(page, "OPTIONS");
        for arg in globals {
            argument(page, arg);
        }
    }
}

/// Every command and subcommand, with its usage, its help and its flags.
fn commands(page: &mut Roff, cmd: &Command) {
    section(page, "COMMANDS");
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        command(page, sub);
        for nested in sub
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            command(page, nested);
        }
    }
}

fn command(page: &mut Roff, cmd: &Command) {
    let usage = usage(cmd);
    page.control("SS", [usage.as_str()]);
    let help = cmd
        .get_long_about()
        .or(cmd.get_about())
        .map(|a| a.to_string())
        .unwrap_or_default();
    for text in help.split("\n\n").filter(|t| !t.trim().is_empty()) {
        paragraph(page, &unwrap_lines(text));
    }
    // Global flags are said once, under OPTIONS.
    for arg in cmd
        .get_arguments()
        .filter(|a| shown(a) && !a.is_global_set())
    {
        argument(page, arg);
    }
}

/// "knotless run [OPTIONS] <ROUTINE>", from clap's own usage line.
fn usage(cmd: &Command) -> String {
    let text = cmd.clone().render_usage().to_string();
    let text = text.trim().trim_start_matches("Usage:").trim();
    text.to_owned()
}

/// Whether an argument belongs on the page (not hidden, not clap's own
/// `--help`/`--version`, which every command has).
fn shown(arg: &Arg) -> bool {
    !arg.is_hide_set() && !matches!(arg.get_id().as_str(), "help" | "version")
}

fn argument(page: &mut Roff, arg: &Arg) {
    let values = arg
        .get_value_names()
        .map(|v| {
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase());
    let tag = if arg.is_positional() {
        values
    } else {
        let mut names = Vec::new();
        if let Some(short) = arg.get_short() {
            names.push(format!("-{short}"));
        }
        if let Some(long) = arg.get_long() {
            names.push(format!("--{long}"));
        }
        let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
        match takes_value {
            true => format!("{} {values}", names.join(", ")),
            false => names.join(", "),
        }
    };
    let help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|h| unwrap_lines(&h.to_string()))
        .unwrap_or_default();
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_owned())
        .collect();
    let help = match possible.is_empty() || help.contains(&possible[0]) {
        true => help,
        false => format!("{help} One of: {}.", possible.join(", ")),
    };
    item(page, &tag, &help);
}

/// The keys of each screen, from the keymap (as help and the hint lines
/// show them).
fn keys(page: &mut Roff) {
    section(page, "KEYS");
    paragraph(
        page,
        "Every screen says its main keys on its bottom line, and ? shows them all. Ctrl-C quits at once, cleanly, and Ctrl-Z suspends, on every screen.",
    );
    let screens = [
        (Context::Session, "During a session"),
        (Context::ConfirmQuit, "Asked whether to quit"),
        (Context::Preflight, "Before a session"),
        (Context::Picker, "The routine picker"),
        (Context::Filtering, "Filtering the picker"),
        (Context::Done, "After a session"),
        (Context::Tension, "How tense do you feel?"),
        (Context::History, "The history screen"),
        (Context::Compose, "Composing a routine"),
        (Context::Composed, "The composed routine"),
        (Context::Naming, "Naming a composed routine"),
    ];
    for (context, title) in screens {
        let rows: Vec<_> = KEYMAP.iter().filter(|b| b.context == context).collect();
        if rows.is_empty() {
            continue;
        }
        page.control("SS", [title]);
        for binding in rows {
            let label = binding.label(Mode::Picker);
            let direct = binding.label(Mode::Direct);
            let text = match label == direct {
                true => lowercase_first(label),
                false => format!("{} (after knotless run: {direct})", lowercase_first(label)),
            };
            item(page, &binding.key_names(), &text);
        }
    }
}

fn routine_format(page: &mut Roff) {
    section(page, "ROUTINE FILES");
    paragraph(
        page,
        "A routine is a TOML file: a name, a summary, its tools and safety note, then its steps. Each step has a kind (warm-up, gliding, kneading, circles, tapping, pressure, stretch, breathing, rest), a title, a duration (\"45s\", \"1m30s\", \"1:30\", or whole seconds), an area, and optionally sides = \"both\", a pressure, a glance line of at most eight words, a caution, cues at given times, a breath pattern (box, 4-7-8, coherent, long-exhale, physiological-sigh, or { in, hold, out, hold_out } in seconds), a position (chair, standing, floor, wall, bed) and what is spoken (say). Unknown keys are errors.",
    );
    page.control("PP", []);
    page.control("EX", []);
    page.text([roman(
        "name = \"Neck release\"\nsafety = \"Stop if pain sharpens.\"\n\n[[steps]]\nkind = \"kneading\"\ntitle = \"Trapezius squeeze\"\nduration = \"45s\"\narea = \"shoulders\"\nsides = \"both\"\nglance = \"Squeeze, breathe, release\"\ncues = [{ at = \"30s\", text = \"Slower now\" }]",
    )]);
    page.control("EE", []);
    paragraph(
        page,
        "knotless check reports every problem in a file with its line and column; knotless schema prints the JSON Schema editors can use; knotless new writes a documented template.",
    );
}

fn files(page: &mut Roff) {
    section(page, "FILES");
    for (tag, text) in [
        (
            "~/.config/knotless/config.toml",
            "Settings (knotless config --init writes a commented one). Also on macOS.",
        ),
        ("~/.config/knotless/routines/*.toml", "Your routines."),
        (
            "~/.config/knotless/steps/*.toml",
            "Your own steps for knotless compose.",
        ),
        (
            "~/.local/share/knotless/history-HOST.jsonl",
            "The practice history, one JSON line per session, one file per machine; all are merged when read.",
        ),
        (
            "~/.local/state/knotless/knotless.log",
            "The log (level from KNOTLESS_LOG).",
        ),
        (
            "~/.cache/knotless/voice/",
            "Rendered speech, safe to delete.",
        ),
    ] {
        item(page, tag, text);
    }
}

fn environment(page: &mut Roff) {
    section(page, "ENVIRONMENT");
    for (tag, text) in ENVIRONMENT {
        item(page, tag, text);
    }
}

/// Every variable knotless reads (a test checks this against the source).
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "KNOTLESS_CONFIG_DIR",
        "Where settings and your routines live, instead of ~/.config/knotless.",
    ),
    (
        "KNOTLESS_DATA_DIR",
        "Where the history lives, instead of ~/.local/share/knotless; the log and the voice cache move with it unless set themselves.",
    ),
    ("KNOTLESS_STATE_DIR", "Where the log is written."),
    ("KNOTLESS_CACHE_DIR", "Where rendered speech is kept."),
    (
        "KNOTLESS_LOG",
        "The log's level: error, warn (the default), info, debug, trace or off.",
    ),
    (
        "KNOTLESS_HOST",
        "The machine's name in the history file's name, for a machine whose name changes.",
    ),
    (
        "KNOTLESS_COMPLETE",
        "Set by the shell completion scripts when they ask knotless for completions.",
    ),
    (
        "KNOTLESS_BACKEND",
        "crossterm: draw through ratatui's own terminal backend, for bug reports.",
    ),
    (
        "KNOTLESS_ROUTINE, KNOTLESS_OUTCOME, KNOTLESS_SECONDS",
        "Set for hook commands ([hooks] on_finish, on_stop, --on-finish): the routine's id, finished or stopped, and the seconds practised.",
    ),
    (
        "VISUAL, EDITOR",
        "The editor knotless new and knotless edit open.",
    ),
    ("NO_COLOR", "When set and not empty, no colours."),
    (
        "CLICOLOR_FORCE",
        "When set and not 0, colours even when output is not a terminal.",
    ),
    (
        "TERM, COLORTERM",
        "TERM=dumb (or no TERM) prints plain lines instead of the full screen; COLORTERM=truecolor allows exact colours.",
    ),
    (
        "XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME, XDG_CACHE_HOME",
        "The usual places on Linux (and XDG_CONFIG_HOME on macOS).",
    ),
    (
        "PULSE_SERVER, PULSE_RUNTIME_PATH, XDG_RUNTIME_DIR",
        "Where the PulseAudio (or PipeWire) server is found.",
    ),
    ("PATH", "Where speech engines and the editor are found."),
    (
        "TERMINFO, TERMINFO_DIRS",
        "Where knotless doctor looks for the terminal's description.",
    ),
    (
        "XDG_DATA_DIRS",
        "Where shared Piper voices are looked for, besides your own data folder.",
    ),
    (
        "COLUMNS",
        "The width of knotless history --chart when its output is not a terminal.",
    ),
];

fn exit_status(page: &mut Roff) {
    section(page, "EXIT STATUS");
    for (tag, text) in [
        ("0", "Finished, or done."),
        (
            "1",
            "An error (a routine file with errors for check, a failed session start).",
        ),
        ("2", "A usage error on the command line."),
        ("3", "A session left before its end (q, then yes)."),
        (
            "128+n",
            "Ended by signal n (130 for Ctrl-C, 129 when the terminal went away, 143 for SIGTERM); the session is recorded and the terminal restored.",
        ),
    ] {
        item(page, tag, text);
    }
}

fn examples(page: &mut Roff) {
    section(page, "EXAMPLES");
    for (command, what) in [
        (
            "knotless run daily-back",
            "The daily back routine, on the full screen.",
        ),
        (
            "knotless run neck.toml --speed 20",
            "Preview a routine you are editing, twenty times faster.",
        ),
        (
            "knotless run daily-back --minutes 8",
            "The same routine fitted to eight minutes.",
        ),
        (
            "knotless check ~/.config/knotless/routines",
            "Check every routine file in a folder.",
        ),
        (
            "knotless compose --minutes 10 --focus neck,shoulders --run",
            "A ten-minute routine for the neck and shoulders, started at once.",
        ),
        (
            "knotless today",
            "Today's practice by the plan in the settings ([plan]).",
        ),
        (
            "knotless history --json | jq .streak",
            "The current streak, for a script.",
        ),
        (
            "knotless man > ~/.cargo/share/man/man1/knotless.1",
            "Install this page where man finds it beside ~/.cargo/bin.",
        ),
    ] {
        item(page, command, what);
    }
}

/// Help texts wrap at 80 columns in the source; man wraps by itself.
fn unwrap_lines(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_every_command_and_its_flags() {
        let page = page().replace("\\-", "-");
        let mut cmd = crate::cli::command();
        cmd.build();
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            assert!(
                page.contains(&format!("knotless {}", sub.get_name())),
                "{}",
                sub.get_name()
            );
            for arg in sub.get_arguments().filter(|a| shown(a)) {
                if let Some(long) = arg.get_long() {
                    assert!(
                        page.contains(&format!("--{long}")),
                        "{} --{long}",
                        sub.get_name()
                    );
                }
            }
        }
    }

    #[test]
    fn the_page_lists_the_session_keys_from_the_keymap() {
        let page = page().replace("\\-", "-");
        for binding in KEYMAP.iter().filter(|b| b.context == Context::Session) {
            let label = lowercase_first(binding.label(Mode::Picker));
            assert!(page.contains(&label), "{label}");
        }
    }

    #[test]
    fn the_page_has_the_sections_a_man_page_has() {
        let page = page();
        for title in [
            "NAME",
            "SYNOPSIS",
            "DESCRIPTION",
            "COMMANDS",
            "KEYS",
            "FILES",
            "ENVIRONMENT",
            "EXIT STATUS",
            "EXAMPLES",
        ] {
            assert!(
                page.contains(&format!(".SH \"{title}\""))
                    || page.contains(&format!(".SH {title}")),
                "{title}"
            );
        }
        assert!(
            !page.contains("knotless-run(1)"),
            "no pages that do not exist"
        );
        let title = page
            .lines()
            .find(|l| l.starts_with(".TH"))
            .unwrap_or_default();
        assert!(
            title.contains(REVISED) && title.contains(crate::features::VERSION),
            "{title}"
        );
    }

    /// Every variable the program reads is in ENVIRONMENT: read from the
    /// source, so reading a new variable without a line here fails.
    #[test]
    fn every_variable_the_source_reads_is_documented() {
        let documented: String = ENVIRONMENT
            .iter()
            .map(|(k, _)| *k)
            .collect::<Vec<_>>()
            .join(", ");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        for name in variables_read(&root) {
            if !documented.split(", ").any(|d| d == name) && !IGNORED.contains(&name.as_str()) {
                missing.push(name);
            }
        }
        assert!(missing.is_empty(), "undocumented: {missing:?}");
    }

    /// Read by the program but not the user's to set: Windows' machine
    /// name (the history file's host part).
    const IGNORED: &[&str] = &["COMPUTERNAME", "HOME", "TERMINAL"];

    fn variables_read(dir: &std::path::Path) -> Vec<String> {
        let mut found = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return found;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(variables_read(&path));
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for (at, _) in text.match_indices("env::var") {
                let rest = &text[at..];
                let Some(open) = rest.find("(\"") else {
                    continue;
                };
                if open > 12 {
                    continue;
                }
                let name: String = rest[open + 2..].chars().take_while(|c| *c != '"').collect();
                if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') && !name.is_empty() {
                    found.push(name);
                }
            }
        }
        found.sort();
        found.dedup();
        found
    }
}
