//! A desktop notification. On Linux over D-Bus: one `Notify` call to
//! `org.freedesktop.Notifications` on the session bus, the service every
//! Linux desktop (and dunst, mako, ...) provides; on macOS through
//! `osascript` (Notification Center); on Windows a toast through
//! PowerShell (the last two not tried on a real machine). The call runs on
//! its own thread and is given up after `TIMEOUT`, so a stuck bus never
//! holds the reminder; failing, the caller writes the notice to the log
//! instead.

use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Result, anyhow};

use super::fire::Notice;

/// How long the bus may take to connect and answer.
pub const TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(target_os = "linux")]
const SERVICE: &str = "org.freedesktop.Notifications";
#[cfg(target_os = "linux")]
const PATH: &str = "/org/freedesktop/Notifications";

/// Send `notice`; the notification's id on success.
pub fn send(notice: &Notice) -> Result<u32> {
    let notice = notice.clone();
    within_timeout(move || call(&notice))
}

/// Whether a notification could be shown now: the desktop's notification
/// service is on the session bus, or the bus can start it (for `doctor`).
pub fn service() -> Result<()> {
    within_timeout(find_service)
}

/// `work` on a thread of its own, given up after `TIMEOUT`.
fn within_timeout<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // The receiver may be gone after a timeout: nothing to do then.
        let _ = tx.send(work());
    });
    rx.recv_timeout(TIMEOUT)
        .map_err(|_| anyhow!("the session bus did not answer within {TIMEOUT:?}"))?
}

/// macOS and Windows always have theirs (Notification Center, through
/// `osascript`; toast notifications, through PowerShell).
#[cfg(not(target_os = "linux"))]
fn find_service() -> Result<()> {
    Ok(())
}

#[cfg(target_os = "linux")]
fn find_service() -> Result<()> {
    use anyhow::Context;
    let connection = session()?;
    let ask = |method: &str| {
        connection.call_method(
            Some("org.freedesktop.DBus"),
            "/org/freedesktop/DBus",
            Some("org.freedesktop.DBus"),
            method,
            &(),
        )
    };
    let owned: bool = connection
        .call_method(
            Some("org.freedesktop.DBus"),
            "/org/freedesktop/DBus",
            Some("org.freedesktop.DBus"),
            "NameHasOwner",
            &(SERVICE,),
        )
        .context("the session bus did not answer")?
        .body()
        .deserialize()
        .context("the session bus answered with something else than yes or no")?;
    let startable = || -> Result<bool> {
        let names: Vec<String> = ask("ListActivatableNames")?.body().deserialize()?;
        Ok(names.iter().any(|n| n == SERVICE))
    };
    if owned || startable().unwrap_or(false) {
        Ok(())
    } else {
        Err(anyhow!("no notification service on the session bus"))
    }
}

#[cfg(target_os = "linux")]
fn session() -> Result<zbus::blocking::Connection> {
    use anyhow::Context;
    zbus::blocking::connection::Builder::session()
        .context("no D-Bus session bus")?
        .method_timeout(TIMEOUT)
        .build()
        .context("cannot connect to the D-Bus session bus")
}

/// macOS: Notification Center, through `osascript`; the words are its
/// arguments, never part of the script.
#[cfg(target_os = "macos")]
fn call(notice: &Notice) -> Result<u32> {
    let mut command = std::process::Command::new("osascript");
    command.args([
        "-e",
        "on run argv",
        "-e",
        "display notification (item 2 of argv) with title (item 1 of argv)",
        "-e",
        "end run",
        &notice.summary,
        &notice.body,
    ]);
    run_notifier(command)
}

/// Windows: a toast notification, through PowerShell (shown under
/// PowerShell's name); the words come through the environment, never
/// through the script.
#[cfg(windows)]
fn call(notice: &Notice) -> Result<u32> {
    const TOAST: &str = "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null; \
        $t = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent([Windows.UI.Notifications.ToastTemplateType]::ToastText02); \
        $x = $t.GetElementsByTagName('text'); \
        $x.Item(0).AppendChild($t.CreateTextNode($env:KNOTLESS_NOTICE_TITLE)) > $null; \
        $x.Item(1).AppendChild($t.CreateTextNode($env:KNOTLESS_NOTICE_BODY)) > $null; \
        [Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\\WindowsPowerShell\\v1.0\\powershell.exe').Show([Windows.UI.Notifications.ToastNotification]::new($t))";
    let mut command = std::process::Command::new("powershell");
    command
        .args(["-NoProfile", "-NonInteractive", "-Command", TOAST])
        .env("KNOTLESS_NOTICE_TITLE", &notice.summary)
        .env("KNOTLESS_NOTICE_BODY", &notice.body);
    run_notifier(command)
}

/// Neither Linux, macOS nor Windows: no notification service is known.
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn call(_: &Notice) -> Result<u32> {
    Err(anyhow!(
        "no desktop notification service is known on this system"
    ))
}

/// Run a notifier command, ended if it outlasts `TIMEOUT`; 0 as its id
/// (these systems give none back).
#[cfg(any(target_os = "macos", windows))]
fn run_notifier(mut command: std::process::Command) -> Result<u32> {
    use anyhow::Context;
    use std::process::Stdio;
    let program = format!("{:?}", command.get_program());
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return if status.success() {
                Ok(0)
            } else {
                Err(anyhow!(
                    "{program} could not show the notification ({status})"
                ))
            };
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(anyhow!("{program} took longer than {TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(target_os = "linux")]
fn call(notice: &Notice) -> Result<u32> {
    use anyhow::Context;
    let connection = session()?;
    let hints: std::collections::HashMap<&str, zbus::zvariant::Value> = Default::default();
    let reply = connection
        .call_method(
            Some(SERVICE),
            PATH,
            Some(SERVICE),
            "Notify",
            &(
                "knotless",
                0u32,
                "",
                notice.summary.as_str(),
                notice.body.as_str(),
                Vec::<&str>::new(),
                hints,
                // The server's own expiry.
                -1i32,
            ),
        )
        .context("the desktop's notification service did not take the notification")?;
    reply
        .body()
        .deserialize::<u32>()
        .context("the notification service answered with something else than an id")
}
