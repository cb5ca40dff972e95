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
    let (tx, rx) = mpsc::channel();
    let notice = notice.clone();
    std::thread::spawn(move || {
        // The receiver may be gone after a timeout: nothing to do then.
        let _ = tx.send(call(&notice));
    });
    rx.recv_timeout(TIMEOUT)
        .map_err(|_| anyhow!("the session bus did not answer within {TIMEOUT:?}"))?
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
    let connection = zbus::blocking::connection::Builder::session()
        .context("no D-Bus session bus")?
        .method_timeout(TIMEOUT)
        .build()
        .context("cannot connect to the D-Bus session bus")?;
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
