//! The sound thread: opens the output (so connecting never delays the
//! first frame), keeps the sounds ready, plays what the queue brings, and
//! puts the output to rest between sounds so that silence costs nothing.
//! Before a session it wakes the output (`Command::Wake`): silence plays
//! until the first sound, or for `WAKE_FOR` at most, so that the first
//! sound is as prompt as the later ones.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{
    self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError, TrySendError,
};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use super::bank::Bank;
use super::command::{Command, News, QUEUE, WAKE_FOR};
use super::mix::Mix;
use super::serve::SoundThread;
use super::sink::{Off, Output};
use super::{Volume, guard, output};
use crate::clock::{Clock, SystemClock};

/// The app's side of the sound thread.
pub struct Worker {
    tx: Option<SyncSender<Command>>,
    news: Receiver<News>,
    done: Receiver<()>,
    /// The counters every playing sound looks at (see `mix`).
    mix: Arc<Mix>,
    /// An output is open now: only then is there a last sound to wait for.
    opened: Arc<AtomicBool>,
    /// How the wakes asked for have been answered.
    woken: Arc<Woken>,
    /// Wakes asked for so far.
    wakes: u64,
}

/// Wakes carried out by the sound thread, for a session that waits for
/// its output before it starts.
#[derive(Default)]
pub struct Woken {
    pub(super) state: Mutex<WokenState>,
    changed: Condvar,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WokenState {
    /// Wakes the sound thread has carried out (or dropped, with no output).
    pub answered: u64,
    /// The output cannot be opened, or went away: no wake will come.
    pub off: bool,
    /// The output was woken, and has not rested since.
    pub awake: bool,
    /// The output answered once opened: what is played can be heard.
    pub heard: bool,
}

impl Woken {
    /// Wait (at most `limit`) until `wakes` wakes were answered, or there
    /// is no output; true when the output is awake.
    pub fn wait(&self, wakes: u64, limit: Duration) -> bool {
        let Ok(state) = self.state.lock() else {
            return false;
        };
        match self
            .changed
            .wait_timeout_while(state, limit, |s| s.answered < wakes && !s.off)
        {
            Ok((state, waited)) => !waited.timed_out() && state.awake && !state.off,
            Err(_) => false,
        }
    }

    /// Wait until the output has answered (true), for as long as it
    /// takes, or until `stop` is set (false; `nudge` wakes the wait to
    /// look). No wake-ups meanwhile.
    pub fn wait_heard(&self, stop: &AtomicBool) -> bool {
        let Ok(state) = self.state.lock() else {
            return false;
        };
        let waited = self
            .changed
            .wait_while(state, |s| !s.heard && !stop.load(Ordering::Relaxed));
        waited.is_ok() && !stop.load(Ordering::Relaxed)
    }

    /// Wake every wait, to look again (at its `stop`). Under the lock, so
    /// that a wait between its look and its sleep cannot miss it.
    pub fn nudge(&self) {
        if let Ok(_state) = self.state.lock() {
            self.changed.notify_all();
        }
    }

    /// Wait (at most `limit`) until the output has answered or is known to
    /// be off; true unless it is off (still unknown when the time is up
    /// counts as heard).
    pub fn wait_known(&self, limit: Duration) -> bool {
        let Ok(state) = self.state.lock() else {
            return true;
        };
        match self
            .changed
            .wait_timeout_while(state, limit, |s| !s.heard && !s.off)
        {
            Ok((state, waited)) => waited.timed_out() || !state.off,
            Err(_) => true,
        }
    }

    /// Change the state, and wake those who wait on it if it changed (a
    /// retry that finds the output still away wakes nobody: a voice
    /// waiting for it costs nothing).
    pub fn update(&self, change: impl FnOnce(&mut WokenState)) {
        if let Ok(mut state) = self.state.lock() {
            let before = *state;
            change(&mut state);
            if *state != before {
                self.changed.notify_all();
            }
        }
    }
}

impl crate::voice::Heard for Woken {
    fn wait_heard(&self, stop: &AtomicBool) -> bool {
        Woken::wait_heard(self, stop)
    }

    fn nudge(&self) {
        Woken::nudge(self);
    }
}

impl Worker {
    pub fn spawn(volume: Volume) -> Self {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let (news_tx, news) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let mix = Mix::new();
        let opened = Arc::new(AtomicBool::new(false));
        let woken = Arc::new(Woken::default());
        let flags = Flags {
            mix: mix.clone(),
            opened: opened.clone(),
            woken: woken.clone(),
        };
        // Should the thread fail to start, the closure and its end of the
        // queue are dropped: every send then fails quietly, and the session
        // goes on in silence.
        let _ = thread::Builder::new().name("sound".into()).spawn(move || {
            // Dropped when the thread ends, however it ends.
            let _done = done_tx;
            let news = news_tx.clone();
            if guard::quietly(|| run(rx, news_tx, volume, flags)).is_none() {
                let _ = news.send(News::Off("the sound output failed".into()));
            }
        });
        Self {
            tx: Some(tx),
            news,
            done,
            mix,
            opened,
            woken,
            wakes: 0,
        }
    }

    /// Ask the sound thread to wake the output; false when the queue was
    /// full (the wake is dropped).
    pub fn wake(&mut self) -> bool {
        let sent = self.tx.as_ref().map(|tx| tx.try_send(Command::Wake));
        if let Some(Ok(())) = sent {
            self.wakes += 1;
        }
        !matches!(sent, Some(Err(TrySendError::Full(_))))
    }

    /// Wait (at most `limit`) until the sound thread has carried out every
    /// wake asked for, or has no output; true when the output is awake.
    pub fn wait_awake(&self, limit: Duration) -> bool {
        self.woken.wait(self.wakes, limit)
    }

    /// What a voice waits on before it renders (see `Woken::wait_heard`).
    pub fn woken(&self) -> Arc<Woken> {
        self.woken.clone()
    }

    /// Wait (at most `limit`) for the output's first answer; false when it
    /// is off.
    pub fn wait_known(&self, limit: Duration) -> bool {
        self.woken.wait_known(limit)
    }

    /// Queue a command; false when it was dropped (queue full). A closed
    /// queue (the output is gone, already reported) is not a drop.
    pub fn try_send(&self, command: Command) -> bool {
        !matches!(
            self.tx.as_ref().map(|tx| tx.try_send(command)),
            Some(Err(TrySendError::Full(_)))
        )
    }

    /// A message from the sound thread, if one came.
    pub fn news(&self) -> Option<News> {
        self.news.try_recv().ok()
    }

    /// Fade out everything playing now (muting).
    pub fn hush(&self) {
        self.mix.hush_all();
    }

    /// Close the queue and wait (at most `limit` and a little) for the
    /// thread to play out what it has and drain the output.
    pub fn finish(mut self, limit: Duration) {
        self.tx = None;
        // Still connecting (a server that does not answer), or off: nothing
        // was heard, so there is nothing to wait for.
        if !self.opened.load(Ordering::Relaxed) {
            return;
        }
        let _ = self.done.recv_timeout(limit + Duration::from_millis(500));
    }
}

impl Worker {
    /// Close the queue with everything playing hushed; wait only long
    /// enough for the fade to leave the output (`CUT_TAIL`), when one is
    /// open.
    pub fn cut(mut self) {
        self.hush();
        self.tx = None;
        if self.opened.load(Ordering::Relaxed) {
            thread::sleep(CUT_TAIL);
        }
    }
}

/// Cut short, what is playing fades out in `HUSH_FADE`; the output holds
/// about its latency (two 40 ms buffers) more: waited out so the fade,
/// not a click, is the last thing heard.
const CUT_TAIL: Duration = Duration::from_millis(100);

/// Waits between attempts to open the output again: from `first`,
/// doubling, up to `most`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub first: Duration,
    pub most: Duration,
}

/// A server restarted mid-session is usually back within a few seconds;
/// one that stays away costs an attempt every half minute.
pub const BACKOFF: Backoff = Backoff {
    first: Duration::from_secs(1),
    most: Duration::from_secs(30),
};

fn run(rx: Receiver<Command>, news: Sender<News>, volume: Volume, flags: Flags) {
    let clock = SystemClock::new(1.0);
    run_with(
        output::open,
        BACKOFF,
        WAKE_FOR,
        rx,
        news,
        volume,
        flags,
        &clock,
    )
}

/// What the sound thread shares with the player.
struct Flags {
    /// The counters every playing sound looks at (see `mix`).
    mix: Arc<Mix>,
    /// An output is open now: only then is there a last sound to wait for.
    opened: Arc<AtomicBool>,
    woken: Arc<Woken>,
}

/// Open the output and serve the queue; when the output cannot be opened
/// or goes away, say so once, drop the sounds that fall due meanwhile (a
/// prompt heard late is worse than none), and try again with `backoff`.
/// Woken with no sound, the output rests again after `wake_for`.
#[allow(clippy::too_many_arguments)]
fn run_with(
    mut open: impl FnMut() -> Result<Box<dyn Output>, Off>,
    backoff: Backoff,
    wake_for: Duration,
    rx: Receiver<Command>,
    news: Sender<News>,
    volume: Volume,
    flags: Flags,
    clock: &dyn Clock,
) {
    let Flags { mix, opened, woken } = flags;
    let mut bank = Bank::new(volume);
    let mut wait = backoff.first;
    // Whether the app was last told that sound is off.
    let mut said_off = false;
    loop {
        match open() {
            Ok(out) => {
                if said_off {
                    tracing::info!("sound: the output answers again");
                    let _ = news.send(News::Back);
                }
                opened.store(true, Ordering::Relaxed);
                woken.update(|w| w.off = false);
                let mut sound =
                    SoundThread::new(out, bank, mix.clone(), woken.clone(), wake_for, clock.now());
                match serve(&mut sound, &rx, clock) {
                    Ok(()) => {
                        // The queue closed: the program is ending. Let the
                        // last sound finish.
                        sound.drain(clock.now());
                        return;
                    }
                    Err(off) => {
                        opened.store(false, Ordering::Relaxed);
                        woken.update(|w| {
                            w.off = true;
                            w.awake = false;
                            w.heard = false;
                        });
                        tracing::warn!("sound off: {}", off.advice);
                        let _ = news.send(News::Off(off.short));
                        said_off = true;
                        wait = backoff.first;
                        bank = sound.into_bank();
                    }
                }
            }
            Err(off) => {
                woken.update(|w| w.off = true);
                if !said_off {
                    tracing::warn!("sound off: {}", off.advice);
                    let _ = news.send(News::Off(off.short));
                    said_off = true;
                }
            }
        }
        if !wait_out(&rx, &mut bank, &woken, wait) {
            return;
        }
        wait = (wait * 2).min(backoff.most);
    }
}

/// Carry out commands until the queue closes; `Err` when the output is
/// gone. The bell is made ahead, between commands.
fn serve(sound: &mut SoundThread, rx: &Receiver<Command>, clock: &dyn Clock) -> Result<(), Off> {
    sound.start()?;
    sound.heard();
    let mut making = true;
    loop {
        let command = if making {
            match rx.try_recv() {
                Ok(c) => Some(c),
                Err(TryRecvError::Empty) => {
                    making = sound.make_next();
                    continue;
                }
                Err(TryRecvError::Disconnected) => return Ok(()),
            }
        } else {
            match sound.due() {
                Some(at) => match rx.recv_timeout(clock.wait_until(at)) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                },
                None => match rx.recv() {
                    Ok(c) => Some(c),
                    Err(_) => return Ok(()),
                },
            }
        };
        match command {
            Some(c) => sound.handle(c, clock.now())?,
            None => sound.rest(clock.now())?,
        }
    }
}

/// Wait `wait` with no output: files are still prepared, sounds dropped.
/// False when the queue closed (the program is ending).
fn wait_out(rx: &Receiver<Command>, bank: &mut Bank, woken: &Woken, wait: Duration) -> bool {
    let until = Instant::now() + wait;
    loop {
        match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
            Ok(Command::Prepare(files)) => {
                for f in files {
                    bank.file(&f);
                }
            }
            Ok(Command::Play(play)) => {
                tracing::info!("sound off: {play:?} not played");
            }
            Ok(Command::Speak(_)) => tracing::info!("sound off: a prompt not spoken"),
            // Nothing to wake; made when the output is back.
            Ok(Command::Wake) => woken.update(|w| w.answered += 1),
            Err(RecvTimeoutError::Timeout) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a voice asks before it renders: it waits for the output's
    /// first answer, and hears "off" as nothing to render.
    #[test]
    fn the_first_answer_says_whether_anything_can_be_heard() {
        let woken = Arc::new(Woken::default());
        let answer = |off: bool, heard: bool| {
            let woken = woken.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(50));
                woken.update(|w| {
                    w.off = off;
                    w.heard = heard;
                });
            })
        };
        let later = answer(true, false);
        assert!(!woken.wait_known(Duration::from_secs(10)), "off");
        later.join().unwrap();
        // Tried again, it answers.
        woken.update(|w| w.off = false);
        let later = answer(false, true);
        assert!(woken.wait_known(Duration::from_secs(10)), "heard");
        later.join().unwrap();
        // No answer in time: rendered as before.
        woken.update(|w| w.heard = false);
        assert!(woken.wait_known(Duration::from_millis(20)));
    }
    use crate::sound::sink::Voice;
    use crate::sound::{Builtin, Play};

    /// An output that plays `good` sounds, then is gone.
    struct Flaky {
        good: usize,
    }

    impl Output for Flaky {
        fn play(&mut self, _: Voice) -> Result<(), Off> {
            match self.good.checked_sub(1) {
                Some(left) => {
                    self.good = left;
                    Ok(())
                }
                None => Err(Off::new("the sound server stopped answering", "gone")),
            }
        }
        fn wake(&mut self) -> Result<(), Off> {
            Ok(())
        }
        fn idle(&mut self) -> Result<(), Off> {
            Ok(())
        }
        fn drain(&mut self, _: Duration) {}
        fn latency(&self) -> Duration {
            Duration::ZERO
        }
        fn describe(&self) -> String {
            "flaky".into()
        }
    }

    #[test]
    fn sound_comes_back_when_the_server_does_and_each_change_is_told_once() {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let (news_tx, news) = mpsc::channel();
        let opened = Arc::new(AtomicBool::new(false));
        let open_now = opened.clone();
        let mut attempts = 0;
        // No server at first (tried twice), then one that dies after a
        // sound, then one that stays.
        let open = move || {
            attempts += 1;
            match attempts {
                1 | 2 => Err(Off::new("no sound server found", "none")),
                3 => Ok(Box::new(Flaky { good: 1 }) as Box<dyn Output>),
                _ => Ok(Box::new(Flaky { good: usize::MAX }) as Box<dyn Output>),
            }
        };
        let backoff = Backoff {
            first: Duration::from_millis(10),
            most: Duration::from_millis(40),
        };
        let flags = Flags {
            mix: Mix::new(),
            opened: open_now,
            woken: Arc::new(Woken::default()),
        };
        let thread = thread::spawn(move || {
            let clock = SystemClock::new(1.0);
            run_with(
                open,
                backoff,
                WAKE_FOR,
                rx,
                news_tx,
                Volume::MAX,
                flags,
                &clock,
            )
        });
        let want = vec![
            News::Off("no sound server found".into()),
            News::Back,
            News::Off("the sound server stopped answering".into()),
            News::Back,
        ];
        let mut heard = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        while heard.len() < want.len() && Instant::now() < deadline {
            let _ = tx.try_send(Command::Play(Play::Builtin(Builtin::Tick)));
            thread::sleep(Duration::from_millis(15));
            heard.extend(news.try_iter());
        }
        assert_eq!(heard, want);
        assert!(opened.load(Ordering::Relaxed));
        drop(tx);
        thread.join().unwrap();
    }

    #[test]
    fn with_no_output_a_wait_for_the_wake_ends_at_once() {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let (news_tx, _news) = mpsc::channel();
        let woken = Arc::new(Woken::default());
        let flags = Flags {
            mix: Mix::new(),
            opened: Arc::new(AtomicBool::new(false)),
            woken: woken.clone(),
        };
        let none = || Err(Off::new("no sound server found", "none"));
        let backoff = Backoff {
            first: Duration::from_secs(60),
            most: Duration::from_secs(60),
        };
        let thread = thread::spawn(move || {
            let clock = SystemClock::new(1.0);
            run_with(
                none,
                backoff,
                WAKE_FOR,
                rx,
                news_tx,
                Volume::MAX,
                flags,
                &clock,
            )
        });
        tx.send(Command::Wake).unwrap();
        // Answered (no output: no wake will come), not timed out: the
        // limit is far longer than any test run.
        assert!(!woken.wait(1, Duration::from_secs(3600)));
        assert!(woken.state.lock().unwrap().off);
        drop(tx);
        thread.join().unwrap();
    }
}
