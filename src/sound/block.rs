//! Waiting for a future on the sound thread, never for longer than a limit:
//! a sound server that stops answering must not hang anything.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Poll `future` on this thread until it is ready or `limit` has passed;
/// `None` when time ran out (the future is dropped, which cancels it).
pub fn wait<F: Future>(future: F, limit: Duration) -> Option<F::Output> {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let deadline = Instant::now() + limit;
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return Some(out);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        // Wakes early on unpark, and spuriously now and then: poll again.
        thread::park_timeout(left);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_futures_return_and_stuck_ones_time_out() {
        assert_eq!(wait(async { 7 }, Duration::from_millis(10)), Some(7));
        let start = Instant::now();
        let never = std::future::pending::<()>();
        assert_eq!(wait(never, Duration::from_millis(30)), None);
        assert!(start.elapsed() >= Duration::from_millis(30));
    }
}
