//! Where "now" comes from. The session core only ever sees instants handed
//! to it; the app gets them from a `Clock`. A speed factor lets an author
//! preview a routine faster: the clock's instants then run F times faster
//! than the wall clock, and everything else behaves the same.

use std::time::{Duration, Instant};

pub trait Clock {
    /// The session's "now".
    fn now(&self) -> Instant;
    /// How long to really wait until the session's clock reaches `at`.
    fn wait_until(&self, at: Instant) -> Duration;
}

/// The monotonic system clock, optionally sped up.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
    speed: f64,
}

impl SystemClock {
    pub fn new(speed: f64) -> Self {
        Self {
            origin: Instant::now(),
            speed: speed.max(f64::MIN_POSITIVE),
        }
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        let real = Instant::now();
        if self.speed == 1.0 {
            return real;
        }
        self.origin + real.duration_since(self.origin).mul_f64(self.speed)
    }

    fn wait_until(&self, at: Instant) -> Duration {
        let left = at.saturating_duration_since(self.now());
        if self.speed == 1.0 {
            left
        } else {
            // Round up, so a wait never ends just before its deadline.
            left.div_f64(self.speed) + Duration::from_nanos(1)
        }
    }
}

/// A clock that only moves when told to, for tests.
#[derive(Debug)]
pub struct FakeClock {
    now: std::cell::Cell<Instant>,
}

impl FakeClock {
    pub fn new(start: Instant) -> Self {
        Self {
            now: std::cell::Cell::new(start),
        }
    }

    pub fn advance(&self, by: Duration) {
        self.now.set(self.now.get() + by);
    }

    pub fn set(&self, to: Instant) {
        self.now.set(to);
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.now.get()
    }

    fn wait_until(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.now.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sped_up_clock_runs_faster_and_waits_shorter() {
        let clock = SystemClock::new(20.0);
        let a = clock.now();
        std::thread::sleep(Duration::from_millis(20));
        let b = clock.now();
        assert!(b - a >= Duration::from_millis(400), "{:?}", b - a);
        let wait = clock.wait_until(b + Duration::from_secs(2));
        assert!(wait <= Duration::from_millis(101), "{wait:?}");
    }

    #[test]
    fn at_speed_one_the_clock_is_the_system_clock() {
        let clock = SystemClock::new(1.0);
        let deadline = clock.now() + Duration::from_millis(50);
        let wait = clock.wait_until(deadline);
        assert!(wait <= Duration::from_millis(50) && wait > Duration::from_millis(40));
    }

    #[test]
    fn the_fake_clock_moves_only_when_told() {
        let t0 = Instant::now();
        let clock = FakeClock::new(t0);
        assert_eq!(clock.now(), t0);
        clock.advance(Duration::from_secs(3));
        assert_eq!(
            clock.wait_until(t0 + Duration::from_secs(5)),
            Duration::from_secs(2)
        );
    }
}
