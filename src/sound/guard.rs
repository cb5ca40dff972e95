//! Panics on the threads that make sound (a decoder meeting a malformed
//! file, say) must not reach the screen nor restore the terminal in the
//! middle of a session: they are caught, the thread's work ends, and the
//! player reports sound off.

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Put a filter in front of the panic hook in force: panics inside
/// `quietly` are not reported; every other panic goes on as before. Call it
/// again after anything else installs a hook (taking over the terminal
/// does), so that the filter comes first.
pub fn guard_panics() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !QUIET.with(Cell::get) {
            previous(info);
        }
    }));
}

/// Run `f`; `None` if it panicked, without a word on stderr.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Option<T> {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(guard_panics);
    let before = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(before));
    result.ok()
}

/// Mark this thread (one a library made, serving sound) as quiet for good.
#[cfg(target_os = "linux")]
pub fn quiet_thread() {
    QUIET.with(|q| q.set(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_is_caught_and_the_flag_restored() {
        assert_eq!(quietly(|| 4), Some(4));
        let caught: Option<()> = quietly(|| panic!("a decoder fell over"));
        assert_eq!(caught, None);
        assert!(!QUIET.with(Cell::get));
    }
}
