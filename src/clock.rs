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
    /// Now in real time, not sped up (when a wait really ends).
    fn real_now(&self) -> Instant;
    /// The date and time of day (history lines, the day's steps).
    fn civil_now(&self) -> jiff::Zoned;
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

    fn real_now(&self) -> Instant {
        Instant::now()
    }

    fn civil_now(&self) -> jiff::Zoned {
        jiff::Zoned::now()
    }
}

/// A stretch of time run faster than the clock around it: a preview started
/// from the picker. Maps the outer clock's instants to the session's and
/// back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scaled {
    pub origin: Instant,
    pub speed: f64,
}

impl Scaled {
    /// The session's instant for the outer clock's `now`.
    pub fn inner(&self, now: Instant) -> Instant {
        self.origin
            + now
                .saturating_duration_since(self.origin)
                .mul_f64(self.speed)
    }

    /// The outer clock's instant when the session reaches `at` (rounded up).
    pub fn outer(&self, at: Instant) -> Instant {
        self.origin
            + at.saturating_duration_since(self.origin)
                .div_f64(self.speed)
            + Duration::from_nanos(1)
    }
}

/// A clock that only moves when told to, for tests. Its date and time of
/// day start at the wall clock's when it is made and move with it.
#[cfg(test)]
#[derive(Debug)]
pub struct FakeClock {
    now: std::cell::Cell<Instant>,
    start: Instant,
    civil_start: jiff::Zoned,
}

#[cfg(test)]
impl FakeClock {
    pub fn new(start: Instant) -> Self {
        Self {
            now: std::cell::Cell::new(start),
            start,
            civil_start: jiff::Zoned::now(),
        }
    }

    pub fn advance(&self, by: Duration) {
        self.now.set(self.now.get() + by);
    }

    pub fn set(&self, to: Instant) {
        self.now.set(to);
    }
}

#[cfg(test)]
impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.now.get()
    }

    fn wait_until(&self, at: Instant) -> Duration {
        at.saturating_duration_since(self.now.get())
    }

    fn real_now(&self) -> Instant {
        self.now.get()
    }

    fn civil_now(&self) -> jiff::Zoned {
        let moved = self.now.get().saturating_duration_since(self.start);
        self.civil_start
            .checked_add(moved)
            .unwrap_or_else(|_| self.civil_start.clone())
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
    fn a_scaled_stretch_maps_both_ways() {
        let t0 = Instant::now();
        let preview = Scaled {
            origin: t0,
            speed: 10.0,
        };
        assert_eq!(
            preview.inner(t0 + Duration::from_secs(3)),
            t0 + Duration::from_secs(30)
        );
        let back = preview.outer(t0 + Duration::from_secs(30));
        assert!(back >= t0 + Duration::from_secs(3) && back <= t0 + Duration::from_millis(3001));
    }

    #[test]
    fn the_fake_clock_moves_only_when_told() {
        let t0 = Instant::now();
        let clock = FakeClock::new(t0);
        assert_eq!(clock.now(), t0);
        let day = clock.civil_now();
        clock.advance(Duration::from_secs(3));
        assert_eq!(
            clock.wait_until(t0 + Duration::from_secs(5)),
            Duration::from_secs(2)
        );
        assert_eq!(clock.real_now(), t0 + Duration::from_secs(3));
        assert_eq!(
            clock.civil_now().duration_since(&day),
            jiff::SignedDuration::from_secs(3)
        );
    }
}
