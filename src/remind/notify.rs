//! A desktop notification over D-Bus: one `Notify` call to
//! `org.freedesktop.Notifications` on the session bus, the service every
//! Linux desktop (and dunst, mako, ...) provides. The call runs on its own
//! thread and is given up after `TIMEOUT`, so a stuck bus never holds the
//! reminder; failing, the caller writes the notice to the log instead.

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

#[cfg(not(target_os = "linux"))]
fn find_service() -> Result<()> {
    Err(anyhow!(
        "desktop notifications are sent on Linux only, so far"
    ))
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

#[cfg(not(target_os = "linux"))]
fn call(_: &Notice) -> Result<u32> {
    // Notification Center and toast notifications are not spoken to yet.
    Err(anyhow!(
        "desktop notifications are sent on Linux only, so far"
    ))
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
