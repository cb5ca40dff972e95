//! What `remind` writes on each system, as text: pure functions of the
//! reminder and the program's path, so each is a reviewed snapshot.

use std::path::Path;

use super::{DAY_NAMES, MARKER, Reminder, Suggest};

/// The file names (Linux) and the launchd label (macOS).
pub const SYSTEMD_TIMER: &str = "knotless-remind.timer";
pub const SYSTEMD_SERVICE: &str = "knotless-remind.service";
pub const LAUNCHD_LABEL: &str = "org.knotless.remind";
/// The Task Scheduler entry's name (Windows).
pub const TASK_NAME: &str = "knotless-remind";

/// Before the reminder's own words in the timer: `remind` shows them.
pub const SUMMARY: &str = "Reminder: ";

/// Text kept to one line, for a comment.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// The arguments the reminder runs `knotless` with.
pub fn fire_args(reminder: &Reminder) -> Vec<String> {
    let mut args = vec!["remind".to_owned(), "--fire".to_owned()];
    match &reminder.suggest {
        Suggest::Routine(id) => {
            args.push("--routine".to_owned());
            args.push(id.clone());
        }
        // The plan is read when the reminder fires: a plan edited since
        // needs no new reminder.
        Suggest::Plan => args.push("--plan".to_owned()),
        Suggest::Last => {}
    }
    args
}

/// The systemd user timer: `OnCalendar` at the hour on the days.
pub fn systemd_timer(reminder: &Reminder) -> String {
    let days = if reminder.days.every_day() {
        String::new()
    } else {
        let names: Vec<String> = reminder
            .days
            .indices()
            .map(|i| capitalised(DAY_NAMES[i]))
            .collect();
        format!("{} ", names.join(","))
    };
    format!(
        "# {MARKER}\n\
         # {SUMMARY}{}\n\
         [Unit]\n\
         Description=knotless: a reminder for today's practice\n\
         \n\
         [Timer]\n\
         OnCalendar={days}*-*-* {:02}:{:02}:00\n\
         Unit={SYSTEMD_SERVICE}\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n",
        one_line(&reminder.to_string()),
        reminder.hour,
        reminder.minute
    )
}

/// The service the timer starts: one `knotless remind --fire`.
pub fn systemd_service(reminder: &Reminder, program: &Path) -> String {
    let mut command = systemd_quote(&program.to_string_lossy());
    for arg in fire_args(reminder) {
        command.push(' ');
        command.push_str(&systemd_quote(&arg));
    }
    format!(
        "# {MARKER}\n\
         [Unit]\n\
         Description=knotless: say what today's practice is, unless it is done\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={command}\n"
    )
}

/// A word of `ExecStart`, quoted: systemd expands `%` and `$` and splits
/// on spaces, so each is written so that it stays itself.
fn systemd_quote(word: &str) -> String {
    let mut out = String::from("\"");
    for c in word.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '%' => out.push_str("%%"),
            '$' => out.push_str("$$"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", u32::from(c) & 0xff)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn capitalised(day: &str) -> String {
    let mut c = day.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The launchd agent (`~/Library/LaunchAgents/org.knotless.remind.plist`).
pub fn launchd_plist(reminder: &Reminder, program: &Path) -> String {
    let mut args = String::new();
    for arg in std::iter::once(program.to_string_lossy().into_owned()).chain(fire_args(reminder)) {
        args.push_str(&format!("\t\t<string>{}</string>\n", xml(&arg)));
    }
    let time = format!(
        "<key>Hour</key><integer>{}</integer><key>Minute</key><integer>{}</integer>",
        reminder.hour, reminder.minute
    );
    let mut when = String::new();
    if reminder.days.every_day() {
        when.push_str(&format!("\t\t<dict>{time}</dict>\n"));
    } else {
        for i in reminder.days.indices() {
            // launchd counts Sunday as 0, Monday as 1.
            let weekday = (i + 1) % 7;
            when.push_str(&format!(
                "\t\t<dict><key>Weekday</key><integer>{weekday}</integer>{time}</dict>\n"
            ));
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!-- {} -->\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n\
         <dict>\n\
         \t<key>Label</key>\n\
         \t<string>{LAUNCHD_LABEL}</string>\n\
         \t<key>ProgramArguments</key>\n\
         \t<array>\n{args}\t</array>\n\
         \t<key>StartCalendarInterval</key>\n\
         \t<array>\n{when}\t</array>\n\
         </dict>\n\
         </plist>\n",
        xml(MARKER)
    )
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The `schtasks` command line that makes the Task Scheduler entry; the
/// entry's name is the marker there (`remind --off` deletes only it).
pub fn schtasks_create(reminder: &Reminder, program: &Path) -> Vec<String> {
    let mut run = format!("\"{}\"", program.to_string_lossy());
    for arg in fire_args(reminder) {
        run.push(' ');
        if arg.contains([' ', '"']) {
            run.push_str(&format!("\"{}\"", arg.replace('"', "\\\"")));
        } else {
            run.push_str(&arg);
        }
    }
    let mut args: Vec<String> = ["/Create", "/F", "/TN", TASK_NAME, "/TR"]
        .map(str::to_owned)
        .to_vec();
    args.push(run);
    if reminder.days.every_day() {
        args.extend(["/SC", "DAILY"].map(str::to_owned));
    } else {
        let days: Vec<String> = reminder
            .days
            .indices()
            .map(|i| DAY_NAMES[i].to_ascii_uppercase())
            .collect();
        args.extend([
            "/SC".to_owned(),
            "WEEKLY".to_owned(),
            "/D".to_owned(),
            days.join(","),
        ]);
    }
    args.push("/ST".to_owned());
    args.push(format!("{:02}:{:02}", reminder.hour, reminder.minute));
    args
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::remind::Days;

    fn weekdays() -> Reminder {
        Reminder {
            hour: 18,
            minute: 30,
            days: Days::parse("mon-fri").unwrap(),
            suggest: Suggest::Routine("daily-back".to_owned()),
        }
    }

    fn daily() -> Reminder {
        Reminder {
            hour: 7,
            minute: 5,
            days: Days::EVERY,
            suggest: Suggest::Last,
        }
    }

    fn program() -> PathBuf {
        PathBuf::from("/home/ann/.cargo/bin/knotless")
    }

    #[test]
    fn systemd_files_for_weekdays() {
        insta::assert_snapshot!("systemd_timer_weekdays", systemd_timer(&weekdays()));
        insta::assert_snapshot!(
            "systemd_service_weekdays",
            systemd_service(&weekdays(), &program())
        );
    }

    #[test]
    fn systemd_timer_every_day() {
        insta::assert_snapshot!(systemd_timer(&daily()));
    }

    #[test]
    fn exec_start_keeps_odd_paths_and_ids_whole() {
        let mut r = weekdays();
        r.suggest = Suggest::Routine("50% off $HOME".to_owned());
        let service = systemd_service(&r, Path::new("/opt/my apps/knotless"));
        assert!(
            service.contains(
                r#"ExecStart="/opt/my apps/knotless" "remind" "--fire" "--routine" "50%% off $$HOME""#
            ),
            "{service}"
        );
    }

    #[test]
    fn launchd_plist_for_weekdays_and_every_day() {
        insta::assert_snapshot!("launchd_weekdays", launchd_plist(&weekdays(), &program()));
        insta::assert_snapshot!(
            "launchd_daily",
            launchd_plist(&daily(), Path::new("/Applications/A&B/knotless"))
        );
    }

    #[test]
    fn schtasks_for_weekdays_and_every_day() {
        let path = Path::new(r"C:\Program Files\knotless\knotless.exe");
        insta::assert_snapshot!(
            "schtasks_weekdays",
            schtasks_create(&weekdays(), path).join("\n")
        );
        insta::assert_snapshot!("schtasks_daily", schtasks_create(&daily(), path).join("\n"));
    }

    /// systemd's own check of the unit files, where systemd is installed
    /// (it may not be: then this one check is skipped, and says so).
    #[test]
    fn systemd_analyze_verify_accepts_the_units() {
        let Ok(found) = std::process::Command::new("systemd-analyze")
            .arg("--version")
            .output()
        else {
            eprintln!("systemd-analyze is not installed: the units are not verified");
            return;
        };
        assert!(found.status.success());
        let dir = tempfile::tempdir().unwrap();
        // The service must name a program that exists and can run.
        let program = std::env::current_exe().unwrap();
        for reminder in [weekdays(), daily()] {
            std::fs::write(dir.path().join(SYSTEMD_TIMER), systemd_timer(&reminder)).unwrap();
            std::fs::write(
                dir.path().join(SYSTEMD_SERVICE),
                systemd_service(&reminder, &program),
            )
            .unwrap();
            // A user manager needs its runtime directory, private here.
            let run = dir.path().join("run");
            std::fs::create_dir_all(&run).unwrap();
            let out = std::process::Command::new("systemd-analyze")
                .env("XDG_RUNTIME_DIR", &run)
                .args(["verify", "--user", "--man=no"])
                .arg(dir.path().join(SYSTEMD_TIMER))
                .arg(dir.path().join(SYSTEMD_SERVICE))
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{reminder}: {stderr}");
            assert!(!stderr.contains("knotless-remind"), "{reminder}: {stderr}");
        }
    }
}
