//! A desktop notification over D-Bus: one `Notify` call to
//! `org.freedesktop.Notifications` on the session bus, the service every
//! Linux desktop (and dunst, mako, ...) provides. The call runs on its own
//! thread and is given up after `TIMEOUT`, so a stuck bus never holds the
//! reminder; failing, the caller writes the notice to the log instead.

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};

use super::fire::Notice;

/// How long the bus may take to connect and answer.
pub const TIMEOUT: Duration = Duration::from_secs(5);

const SERVICE: &str = "org.freedesktop.Notifications";
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

fn call(notice: &Notice) -> Result<u32> {
    let connection = zbus::blocking::connection::Builder::session()
        .context("no D-Bus session bus")?
        .method_timeout(TIMEOUT)
        .build()
        .context("cannot connect to the D-Bus session bus")?;
    let hints: HashMap<&str, zbus::zvariant::Value> = HashMap::new();
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
