//! The sound thread: opens the output (so connecting never delays the
//! first frame), keeps the sounds ready, plays what the queue brings, and
//! puts the output to rest between sounds so that silence costs nothing.
//! Before a session it wakes the output (`Command::Wake`): silence plays
//! until the first sound, or for `WAKE_FOR` at most, so that the first
//! sound is as prompt as the later ones.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{
    self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError, TrySendError,
};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rodio::buffer::SamplesBuffer;
use rodio::{ChannelCount, Sample, SampleRate, Source};

use super::command::{Command, DRAIN_LIMIT, News, QUEUE, WAKE_FOR};
use super::names::Play;
use super::output;
use super::sink::{Off, Output, Voice};
use super::{Builtin, Volume, guard, synth};

/// After the last sound (and the output's latency), how long the output
/// stays awake in case another sound follows at once.
const IDLE_GRACE: Duration = Duration::from_millis(250);
/// A sound file plays for at most this long.
pub const MAX_FILE_PLAY: Duration = Duration::from_secs(10);
/// A newer sound, or muting, fades what is playing out over this long:
/// shorter than any sound's fade-in, so that the mix never peaks above the
/// loudest sound in it.
const HUSH_FADE: Duration = Duration::from_millis(3);

/// The app's side of the sound thread.
pub struct Worker {
    tx: Option<SyncSender<Command>>,
    news: Receiver<News>,
    done: Receiver<()>,
    hush: Arc<AtomicU32>,
    /// Moved on by every speech and by muting (see `speech`).
    speeches: Arc<AtomicU32>,
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
struct Woken {
    state: Mutex<WokenState>,
    changed: Condvar,
}

#[derive(Debug, Default, Clone, Copy)]
struct WokenState {
    /// Wakes the sound thread has carried out (or dropped, with no output).
    answered: u64,
    /// The output cannot be opened, or went away: no wake will come.
    off: bool,
    /// The output was woken, and has not rested since.
    awake: bool,
}

impl Woken {
    /// Wait (at most `limit`) until `wakes` wakes were answered, or there
    /// is no output; true when the output is awake.
    fn wait(&self, wakes: u64, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        while state.answered < wakes && !state.off {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = match self.changed.wait_timeout(state, left) {
                Ok((s, _)) => s,
                Err(_) => return false,
            };
        }
        state.awake && !state.off
    }

    fn update(&self, change: impl FnOnce(&mut WokenState)) {
        if let Ok(mut state) = self.state.lock() {
            change(&mut state);
            self.changed.notify_all();
        }
    }
}

impl Worker {
    pub fn spawn(volume: Volume) -> Self {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let (news_tx, news) = mpsc::channel();
        let (done_tx, done) = mpsc::channel();
        let hush = Arc::new(AtomicU32::new(0));
        let speeches = Arc::new(AtomicU32::new(0));
        let opened = Arc::new(AtomicBool::new(false));
        let woken = Arc::new(Woken::default());
        let flags = Flags {
            hush: hush.clone(),
            speeches: speeches.clone(),
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
            hush,
            speeches,
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
        self.hush.fetch_add(1, Ordering::Relaxed);
        self.speeches.fetch_add(1, Ordering::Relaxed);
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
    run_with(output::open, BACKOFF, WAKE_FOR, rx, news, volume, flags)
}

/// What the sound thread shares with the player.
struct Flags {
    hush: Arc<AtomicU32>,
    /// Moved on by every speech and by muting (see `speech`).
    speeches: Arc<AtomicU32>,
    /// An output is open now: only then is there a last sound to wait for.
    opened: Arc<AtomicBool>,
    woken: Arc<Woken>,
}

/// Open the output and serve the queue; when the output cannot be opened
/// or goes away, say so once, drop the sounds that fall due meanwhile (a
/// prompt heard late is worse than none), and try again with `backoff`.
/// Woken with no sound, the output rests again after `wake_for`.
fn run_with(
    mut open: impl FnMut() -> Result<Box<dyn Output>, Off>,
    backoff: Backoff,
    wake_for: Duration,
    rx: Receiver<Command>,
    news: Sender<News>,
    volume: Volume,
    flags: Flags,
) {
    let Flags {
        hush,
        speeches,
        opened,
        woken,
    } = flags;
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
                let mut sound = SoundThread {
                    out,
                    bank,
                    hush: hush.clone(),
                    speeches: speeches.clone(),
                    woken: woken.clone(),
                    awake_until: None,
                    woken_until: None,
                    wake_for,
                    sounding_until: Instant::now(),
                };
                match sound.serve(&rx) {
                    Ok(()) => {
                        // The queue closed: the program is ending. Let the
                        // last sound finish.
                        sound.drain();
                        return;
                    }
                    Err(off) => {
                        opened.store(false, Ordering::Relaxed);
                        woken.update(|w| {
                            w.off = true;
                            w.awake = false;
                        });
                        tracing::warn!("sound off: {}", off.advice);
                        let _ = news.send(News::Off(off.short));
                        said_off = true;
                        wait = backoff.first;
                        bank = sound.bank;
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

/// What the sound thread keeps between commands.
struct SoundThread {
    out: Box<dyn Output>,
    bank: Bank,
    hush: Arc<AtomicU32>,
    speeches: Arc<AtomicU32>,
    woken: Arc<Woken>,
    /// When the output may rest (`None`: it rests).
    awake_until: Option<Instant>,
    /// Woken by `Command::Wake` with no sound since, until when. The first
    /// sound ends the wake: the output rests after it, as after any sound.
    woken_until: Option<Instant>,
    /// How long a wake with no sound keeps the output awake.
    wake_for: Duration,
    /// When the last sound's samples end.
    sounding_until: Instant,
}

impl SoundThread {
    /// Carry out commands until the queue closes; `Err` when the output
    /// is gone.
    fn serve(&mut self, rx: &Receiver<Command>) -> Result<(), Off> {
        // Opened to learn now whether there is an output; rest until a sound.
        self.out.idle()?;
        // Made once, in the order they are likely needed, between commands:
        // a sound asked for early never waits for the others.
        let mut unmade = vec![
            Builtin::Bell,
            Builtin::Chime,
            Builtin::End,
            Builtin::BreatheIn,
            Builtin::BreatheOut,
            Builtin::Tick,
        ];
        while let Some(next) = unmade.first().copied() {
            match rx.try_recv() {
                Ok(command) => self.handle(command)?,
                Err(TryRecvError::Empty) => {
                    self.bank.builtin(next);
                    unmade.remove(0);
                }
                Err(TryRecvError::Disconnected) => return Ok(()),
            }
        }
        loop {
            let next = match (self.awake_until, self.woken_until) {
                (Some(a), Some(w)) => Some(a.min(w)),
                (a, w) => a.or(w),
            };
            let command = match next {
                Some(at) => match rx.recv_timeout(at.saturating_duration_since(Instant::now())) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                },
                None => match rx.recv() {
                    Ok(c) => Some(c),
                    Err(_) => return Ok(()),
                },
            };
            match command {
                Some(c) => self.handle(c)?,
                None => self.rest()?,
            }
        }
    }

    fn handle(&mut self, command: Command) -> Result<(), Off> {
        match command {
            Command::Prepare(files) => {
                for f in files {
                    self.bank.file(&f);
                }
                Ok(())
            }
            Command::Play(play) => {
                // A new prompt damps the one before: one sound at a time.
                self.hush.fetch_add(1, Ordering::Relaxed);
                let Some((voice, length)) = self.bank.voice(&play, &self.hush) else {
                    return Ok(());
                };
                self.sounding_until = Instant::now() + length;
                self.awake_for_sound();
                self.out.play(voice)
            }
            Command::Speak(speech) => {
                let spoken = super::speech::voice_for(&speech, &self.hush, &self.speeches);
                let Some((voice, length)) = spoken else {
                    tracing::warn!("speech {} could not be played", speech.wav.display());
                    return Ok(());
                };
                self.sounding_until = self.sounding_until.max(Instant::now() + length);
                self.awake_for_sound();
                self.out.play(voice)
            }
            Command::Wake => {
                // The first sound of a session is a step's bell: made first.
                self.bank.builtin(Builtin::Bell);
                self.woken_until = Some(Instant::now() + self.wake_for);
                // While a sound plays the output is awake; it is kept awake
                // when the sound is over (see `rest`).
                let woke = match self.awake_until {
                    Some(_) => Ok(()),
                    None => self.out.wake(),
                };
                self.woken.update(|w| {
                    w.answered += 1;
                    w.awake = woke.is_ok();
                });
                woke
            }
        }
    }

    /// A sound was started: stay awake until it has been heard, and a
    /// moment more. Woken with no sound before, the wake is over: the
    /// output rests after this sound.
    fn awake_for_sound(&mut self) {
        let rest = self.sounding_until + self.out.latency() + IDLE_GRACE;
        self.awake_until = Some(self.awake_until.map_or(rest, |a| a.max(rest)));
        self.woken_until = None;
    }

    /// A time to rest came: after the last sound, or at the end of a wake.
    /// Still woken after a sound (a wake came while it played), the output
    /// is kept awake on silence.
    fn rest(&mut self) -> Result<(), Off> {
        let now = Instant::now();
        if self.awake_until.is_some_and(|a| a <= now) {
            self.awake_until = None;
            self.out.idle()?;
            if self.woken_until.is_some_and(|w| w > now) {
                return self.out.wake();
            }
        }
        if self.woken_until.is_some_and(|w| w <= now) {
            self.woken_until = None;
            if self.awake_until.is_none() {
                self.out.idle()?;
            }
        }
        if self.awake_until.is_none() && self.woken_until.is_none() {
            self.woken.update(|w| w.awake = false);
        }
        Ok(())
    }

    /// Wait for the last sound to end (at most `DRAIN_LIMIT`), then let
    /// the output play out what it holds.
    fn drain(&mut self) {
        // Only woken, with no sound: there is nothing to wait for.
        if self.awake_until.is_some() {
            let left = self
                .sounding_until
                .saturating_duration_since(Instant::now());
            thread::sleep(left.min(DRAIN_LIMIT));
            self.out
                .drain(self.out.latency() + Duration::from_millis(300));
        }
    }
}

/// The sounds, ready to play at the session's volume.
struct Bank {
    volume: Volume,
    builtins: HashMap<Builtin, SamplesBuffer>,
    /// `None`: the file could not be read (checked before the session, so
    /// it changed since); it stays silent rather than being tried again.
    files: HashMap<PathBuf, Option<SamplesBuffer>>,
    /// Samples held for files so far, against `MAX_BANK_SAMPLES`.
    decoded: usize,
}

/// All the files of a session together hold at most this many samples
/// (100 MB): forty files at the limit each must not take gigabytes.
const MAX_BANK_SAMPLES: usize = 25 * 1024 * 1024;

impl Bank {
    fn new(volume: Volume) -> Self {
        Self {
            volume,
            builtins: HashMap::new(),
            files: HashMap::new(),
            decoded: 0,
        }
    }

    fn builtin(&mut self, b: Builtin) -> SamplesBuffer {
        let volume = self.volume;
        self.builtins
            .entry(b)
            .or_insert_with(|| synth::source(b, volume))
            .clone()
    }

    fn file(&mut self, path: &Path) -> Option<SamplesBuffer> {
        if let Some(known) = self.files.get(path) {
            return known.clone();
        }
        let budget = MAX_BANK_SAMPLES.saturating_sub(self.decoded);
        let buffer = decode(path, self.volume, budget);
        match &buffer {
            Some(b) => self.decoded += b.clone().count(),
            None => tracing::warn!(
                "sound file {} left silent: it could not be decoded within the limits",
                path.display()
            ),
        }
        self.files.insert(path.to_path_buf(), buffer.clone());
        buffer
    }

    fn voice(&mut self, play: &Play, hush: &Arc<AtomicU32>) -> Option<(Voice, Duration)> {
        let buffer = match play {
            Play::Builtin(b) => self.builtin(*b),
            Play::File(path) => self.file(path)?,
        };
        let length = buffer.total_duration().unwrap_or_default();
        Some((Box::new(Hushable::new(buffer, hush.clone())), length))
    }
}

/// One sound, ready to play on its own (for `knotless sounds play`).
pub fn voice_for(play: &Play, volume: Volume) -> Option<(Voice, Duration)> {
    Bank::new(volume).voice(play, &Arc::new(AtomicU32::new(0)))
}

/// A sound file's first `MAX_FILE_PLAY`, decoded by rodio, at `volume`,
/// in at most `budget` samples. The file was checked before the session,
/// but may have changed since: its claims are checked again here.
fn decode(path: &Path, volume: Volume, budget: usize) -> Option<SamplesBuffer> {
    guard::quietly(|| decode_unguarded(path, volume, budget)).flatten()
}

fn decode_unguarded(path: &Path, volume: Volume, budget: usize) -> Option<SamplesBuffer> {
    let decoder = rodio::Decoder::try_from(File::open(path).ok()?).ok()?;
    let (channels, rate) = (decoder.channels(), decoder.sample_rate());
    super::file::claims("", channels.get(), rate.get()).ok()?;
    let gain = volume.gain();
    let limit = ((MAX_FILE_PLAY.as_secs_f64() * f64::from(rate.get())) as usize
        * usize::from(channels.get()))
    .min(super::file::MAX_DECODED_SAMPLES)
    .min(budget);
    // Whole frames only, so the channels stay in step.
    let limit = limit - limit % usize::from(channels.get());
    let mut samples: Vec<Sample> = decoder
        .fade_in(synth::MIN_FADE_IN)
        .take(limit)
        .map(|s| s * gain)
        .collect();
    if samples.len() == limit {
        fade_out_tail(&mut samples, channels, rate);
    }
    (!samples.is_empty()).then(|| SamplesBuffer::new(channels, rate, samples))
}

/// A file cut short ends with a short fade rather than a click.
fn fade_out_tail(samples: &mut [Sample], channels: ChannelCount, rate: SampleRate) {
    let n = (0.05 * f64::from(rate.get())) as usize * usize::from(channels.get());
    let len = samples.len();
    let n = n.min(len);
    for (i, s) in samples[len - n..].iter_mut().enumerate() {
        *s *= 1.0 - (i as f32 / n as f32);
    }
}

/// A voice that fades out and ends when a newer sound starts or the
/// player is muted (the hush counter moves on from the value it was born
/// with). Looked at every frame: an atomic load costs next to nothing.
struct Hushable<S> {
    inner: S,
    hush: Arc<AtomicU32>,
    born: u32,
    n: u64,
    frame: u64,
    /// Samples left in the fade, once hushed.
    fading: Option<u64>,
    fade_len: u64,
}

impl<S: Source> Hushable<S> {
    fn new(inner: S, hush: Arc<AtomicU32>) -> Self {
        let frame = u64::from(inner.channels().get());
        let fade_len =
            (HUSH_FADE.as_secs_f64() * f64::from(inner.sample_rate().get())) as u64 * frame;
        Self {
            born: hush.load(Ordering::Relaxed),
            inner,
            hush,
            n: 0,
            frame,
            fading: None,
            fade_len: fade_len.max(frame),
        }
    }
}

impl<S: Source> Iterator for Hushable<S> {
    type Item = Sample;

    fn next(&mut self) -> Option<Sample> {
        // On a frame boundary, so a fade ends with a whole frame.
        if self.fading.is_none()
            && self.n.is_multiple_of(self.frame)
            && self.hush.load(Ordering::Relaxed) != self.born
        {
            self.fading = Some(self.fade_len);
        }
        self.n += 1;
        match &mut self.fading {
            None => self.inner.next(),
            Some(0) => None,
            Some(left) => {
                let gain = *left as f32 / self.fade_len as f32;
                *left -= 1;
                self.inner.next().map(|s| s * gain)
            }
        }
    }
}

impl<S: Source> Source for Hushable<S> {
    fn current_span_len(&self) -> Option<usize> {
        None
    }

    fn channels(&self) -> ChannelCount {
        self.inner.channels()
    }

    fn sample_rate(&self) -> SampleRate {
        self.inner.sample_rate()
    }

    fn total_duration(&self) -> Option<Duration> {
        self.inner.total_duration()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            hush: Arc::new(AtomicU32::new(0)),
            speeches: Arc::new(AtomicU32::new(0)),
            opened: open_now,
            woken: Arc::new(Woken::default()),
        };
        let thread = thread::spawn(move || {
            run_with(open, backoff, WAKE_FOR, rx, news_tx, Volume::MAX, flags)
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

    /// An output that writes down what it is asked to do, and when.
    type Log = Arc<Mutex<Vec<(&'static str, Instant)>>>;

    struct Probe {
        log: Log,
    }

    impl Probe {
        fn note(&self, what: &'static str) {
            self.log.lock().unwrap().push((what, Instant::now()));
        }
    }

    impl Output for Probe {
        fn play(&mut self, _: Voice) -> Result<(), Off> {
            self.note("play");
            Ok(())
        }
        fn wake(&mut self) -> Result<(), Off> {
            self.note("wake");
            Ok(())
        }
        fn idle(&mut self) -> Result<(), Off> {
            self.note("idle");
            Ok(())
        }
        fn drain(&mut self, _: Duration) {}
        fn latency(&self) -> Duration {
            Duration::ZERO
        }
        fn describe(&self) -> String {
            "probe".into()
        }
    }

    /// A sound thread on a `Probe` (or on no output, with `None`).
    fn probed(
        log: Option<Log>,
        wake_for: Duration,
    ) -> (SyncSender<Command>, Arc<Woken>, thread::JoinHandle<()>) {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let (news_tx, _news) = mpsc::channel();
        let woken = Arc::new(Woken::default());
        let flags = Flags {
            hush: Arc::new(AtomicU32::new(0)),
            speeches: Arc::new(AtomicU32::new(0)),
            opened: Arc::new(AtomicBool::new(false)),
            woken: woken.clone(),
        };
        let open = move || match &log {
            Some(log) => Ok(Box::new(Probe { log: log.clone() }) as Box<dyn Output>),
            None => Err(Off::new("no sound server found", "none")),
        };
        let backoff = Backoff {
            first: Duration::from_secs(60),
            most: Duration::from_secs(60),
        };
        let thread = thread::spawn(move || {
            run_with(open, backoff, wake_for, rx, news_tx, Volume::MAX, flags)
        });
        (tx, woken, thread)
    }

    /// The sound thread says the output rests (within a few seconds).
    fn at_rest(woken: &Woken) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while woken.state.lock().unwrap().awake {
            if Instant::now() > deadline {
                return false;
            }
            thread::sleep(Duration::from_millis(5));
        }
        true
    }

    /// When the output first rested after it was asked to `after`.
    fn rested_after(log: &Log, after: &str, limit: Duration) -> Option<Instant> {
        let deadline = Instant::now() + limit;
        loop {
            let seen = log.lock().unwrap().clone();
            let from = seen.iter().position(|(w, _)| *w == after);
            if let Some((_, at)) = from.and_then(|f| seen[f..].iter().find(|(w, _)| *w == "idle")) {
                return Some(*at);
            }
            if Instant::now() > deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_woken_output_plays_until_the_first_sound_and_rests_after_it() {
        let log = Log::default();
        let (tx, woken, thread) = probed(Some(log.clone()), Duration::from_secs(60));
        tx.send(Command::Wake).unwrap();
        assert!(woken.wait(1, Duration::from_secs(10)), "woken");
        thread::sleep(Duration::from_millis(100));
        let asked: Vec<&str> = log.lock().unwrap().iter().map(|(w, _)| *w).collect();
        // Opened, put to rest until needed, woken; awake since.
        assert_eq!(asked, ["idle", "wake"]);
        tx.send(Command::Play(Play::Builtin(Builtin::Tick)))
            .unwrap();
        // At rest soon after the sound, not at the end of the wake.
        let rested = rested_after(&log, "play", Duration::from_secs(10)).expect("rests");
        let played = log.lock().unwrap()[2].1;
        assert!(
            rested - played < Duration::from_secs(2),
            "{:?}",
            rested - played
        );
        assert!(at_rest(&woken), "at rest");
        drop(tx);
        thread.join().unwrap();
    }

    #[test]
    fn a_woken_output_with_no_sound_rests_after_a_while() {
        let log = Log::default();
        let wake_for = Duration::from_millis(300);
        let (tx, woken, thread) = probed(Some(log.clone()), wake_for);
        tx.send(Command::Wake).unwrap();
        assert!(woken.wait(1, Duration::from_secs(10)));
        let rested = rested_after(&log, "wake", Duration::from_secs(10)).expect("rests");
        let woke = log.lock().unwrap()[1].1;
        assert!(rested - woke >= wake_for, "{:?}", rested - woke);
        assert!(at_rest(&woken), "at rest");
        // Woken again: awake again.
        tx.send(Command::Wake).unwrap();
        assert!(woken.wait(2, Duration::from_secs(10)));
        drop(tx);
        thread.join().unwrap();
    }

    #[test]
    fn woken_while_a_sound_plays_the_output_stays_awake_after_it() {
        let log = Log::default();
        let wake_for = Duration::from_secs(2);
        let (tx, woken, thread) = probed(Some(log.clone()), wake_for);
        tx.send(Command::Play(Play::Builtin(Builtin::Tick)))
            .unwrap();
        tx.send(Command::Wake).unwrap();
        assert!(woken.wait(1, Duration::from_secs(10)));
        // The sound ends: at rest a moment, then awake on silence until the
        // wake is over.
        let deadline = Instant::now() + Duration::from_secs(10);
        let asked = loop {
            let asked: Vec<&str> = log.lock().unwrap().iter().map(|(w, _)| *w).collect();
            if asked.len() >= 5 || Instant::now() > deadline {
                break asked;
            }
            thread::sleep(Duration::from_millis(10));
        };
        assert_eq!(asked, ["idle", "play", "idle", "wake", "idle"]);
        assert!(at_rest(&woken), "at rest");
        drop(tx);
        thread.join().unwrap();
    }

    #[test]
    fn with_no_output_a_wait_for_the_wake_ends_at_once() {
        let (tx, woken, thread) = probed(None, WAKE_FOR);
        tx.send(Command::Wake).unwrap();
        let start = Instant::now();
        assert!(!woken.wait(1, Duration::from_secs(10)));
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        drop(tx);
        thread.join().unwrap();
    }

    #[test]
    fn hushed_voices_fade_out_quickly_and_end() {
        let hush = Arc::new(AtomicU32::new(0));
        let mut voice = Hushable::new(synth::source(Builtin::Bell, Volume::MAX), hush.clone());
        let before: Vec<f32> = voice.by_ref().take(4800).collect();
        assert_eq!(before.len(), 4800);
        hush.fetch_add(1, Ordering::Relaxed);
        let after: Vec<f32> = voice.collect();
        // Noticed at once, then a 3 ms fade.
        assert!(after.len() <= 144, "{} more samples", after.len());
        let last = after.last().copied().unwrap_or(0.0).abs();
        assert!(last < 0.01, "fades to silence, ends on {last}");
    }

    #[test]
    fn a_voice_born_after_the_hush_plays_whole() {
        let hush = Arc::new(AtomicU32::new(3));
        let voice = Hushable::new(synth::source(Builtin::Tick, Volume::MAX), hush);
        assert_eq!(voice.count(), synth::render(Builtin::Tick).len());
    }

    fn lying_flac() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sound/lying.flac")
    }

    #[test]
    fn a_file_that_claims_too_much_is_refused_before_and_during_a_session() {
        // 7 KB that claims 8 channels at 655,350 Hz: 100 million samples.
        let refused = super::super::file::check(&lying_flac(), "lying.flac").unwrap_err();
        assert!(refused.message.contains("655350 Hz"), "{}", refused.message);
        let mut bank = Bank::new(Volume::MAX);
        assert!(bank.file(&lying_flac()).is_none());
        assert_eq!(bank.decoded, 0);
    }

    #[test]
    fn decoding_never_goes_past_the_budget() {
        let dir = tempfile::tempdir().unwrap();
        let files = super::super::wav::export_all(dir.path()).unwrap();
        let whole = decode(&files[0], Volume::MAX, usize::MAX).unwrap().count();
        let cut = decode(&files[0], Volume::MAX, 1001).unwrap();
        // Whole frames, within the budget.
        assert_eq!(
            cut.clone().count(),
            1001 - 1001 % usize::from(cut.channels().get())
        );
        assert!(whole > 1001);
        // A bank that has spent its budget leaves further files silent.
        let mut bank = Bank::new(Volume::MAX);
        bank.decoded = MAX_BANK_SAMPLES;
        assert!(bank.file(&files[1]).is_none());
    }

    #[test]
    fn files_are_decoded_at_the_volume_and_missing_ones_stay_silent() {
        let dir = tempfile::tempdir().unwrap();
        let files = super::super::wav::export_all(dir.path()).unwrap();
        let mut bank = Bank::new(Volume::new(50));
        let chime = bank.file(&files[1]).expect("decodes");
        let peak = chime.clone().fold(0.0f32, |m, s| m.max(s.abs()));
        let made = synth::render(Builtin::Chime)
            .iter()
            .fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((peak - 0.25 * made).abs() < 1e-3, "{peak} vs {made}");
        assert!(bank.file(&dir.path().join("gone.wav")).is_none());
        let hush = Arc::new(AtomicU32::new(0));
        assert!(
            bank.voice(&Play::File(dir.path().join("gone.wav")), &hush)
                .is_none()
        );
    }
}
