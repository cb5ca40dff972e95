//! Spoken guidance through a speech engine already on the machine.
//!
//! - `script`: what is said and when, pure, from the routine's timeline.
//! - `engine`: the engines found at run time, most natural first (a Piper
//!   voice, pico2wave, RHVoice, flite, espeak-ng, espeak, macOS `say`,
//!   Windows speech), behind `[voice] command` when there is one; `piper`
//!   finds Piper's voices; `process` runs an engine in bounds (own process
//!   group, file-size limit, time limit, killed on every way out).
//! - `audio`: whether what an engine wrote plays whole, and how long.
//! - `cache`: rendered speech on disk, keyed by engine, voice, rate and text.
//! - `news`: what the status line hears from the voice.
//! - `Voice` (here): renders a session's whole script ahead, in order, on a
//!   thread of its own, and answers "is this prompt ready at its moment?".
//!
//! # For the driver
//!
//! ```text
//! let script = Script::for_routine(&routine, settings.breath_words);
//! let mut voice = Voice::start(&settings, script, &paths.cache_dir);  // returns at once
//! voice.wait_first(Duration::from_secs(2));  // only when step 1 starts at once (no get-ready)
//! // for each effect the session returns, after `sound.on_effect(&effect, &routine)`:
//! if let Some(speech) = voice.prompt_for(&effect, due, now) {
//!     sound.speak(speech);                    // after the bell, never overlapping speech
//! }
//! // once per loop turn, like `sound.status()`:
//! if let Some(why) = voice.status() { /* the status line, once */ }
//! // `v`:
//! let on = voice.toggle();                    // the app says "Voice off" when not `on`
//! ```
//!
//! `prompt_for` never waits and never plays late: a prompt whose audio was
//! not ready when its moment came is skipped (and logged), never queued.
//! The sound side (`sound::Speech`, `Player::speak`) knows nothing of this
//! module; without the `sound` feature speaking is silent and the rest
//! (scripts, rendering, export) still works.

pub mod audio;
pub mod cache;
pub mod config;
pub mod engine;
pub mod length;
pub mod natural;
mod news;
pub mod piper;
mod process;
pub mod script;
#[cfg(test)]
#[cfg(unix)]
mod tests;

use std::collections::{HashMap, HashSet, VecDeque};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

pub use cache::{Cache, Kept};
pub use engine::{CommandTemplate, Engine, RenderError, Search, Speaking};
pub use news::{NEWS_EVERY, VoiceNews};
pub use script::{Moment, Prompt, RoutineWords, Script, ScriptOptions, StepWords};

use crate::session::Effect;
use crate::sound::{Speech, Volume};

/// The longest one prompt may take to render before its engine is killed.
pub const RENDER_LIMIT: Duration = Duration::from_secs(10);
/// How late after its moment a prompt may still start. Later, it is
/// skipped: words about a step already under way only confuse.
pub const LATE_LIMIT: Duration = Duration::from_millis(150);
/// After this many failures in a row, the engine is given up on (one that
/// hangs or cannot start is given up on at once).
const GIVE_UP_AFTER: usize = 2;

/// What the voice needs from the settings and the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceSettings {
    /// Speak from the start (`v` turns it on and off).
    pub enabled: bool,
    /// Speech's own volume, not the bells'.
    pub volume: Volume,
    /// The engine's voice, and words per minute.
    pub speaking: Speaking,
    /// `[voice] command`: tried first, the engines found behind it.
    pub command: Option<CommandTemplate>,
    /// `[voice] model`: the Piper voice to speak with.
    pub model: Option<PathBuf>,
    /// Say "Breathe in", "Hold", "Breathe out" at each breathing phase.
    pub breath_words: bool,
    /// Say each step's caution once, after its words.
    pub cautions: bool,
}

impl VoiceSettings {
    /// What the script says beyond the steps' own words.
    pub fn script_options(&self) -> ScriptOptions {
        ScriptOptions {
            breath_words: self.breath_words,
            cautions: self.cautions,
        }
    }
}

impl Default for VoiceSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            volume: Volume::new(80),
            speaking: Speaking {
                name: None,
                rate: engine::DEFAULT_RATE,
            },
            command: None,
            model: None,
            breath_words: false,
            cautions: true,
        }
    }
}

/// Where one text of the script stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Not rendered yet.
    Pending,
    /// On disk since `at`.
    Ready { wav: PathBuf, at: Instant },
    /// The engine failed or timed out on it.
    Failed,
}

/// Whether a prompt plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Play(PathBuf),
    /// Its audio was not ready at its moment.
    NotReady,
    /// Its engine failed on it.
    Failed,
    /// Asked for too long after its moment (the loop was held up).
    Late,
}

/// The rule, pure: a prompt due at `due`, asked for at `now`, plays only
/// when its audio was ready by its moment and it is not late.
pub fn decide(state: Option<&State>, due: Instant, now: Instant) -> Decision {
    if now.saturating_duration_since(due) > LATE_LIMIT {
        return Decision::Late;
    }
    match state {
        Some(State::Ready { wav, at }) if *at <= due.max(now) => Decision::Play(wav.clone()),
        Some(State::Failed) => Decision::Failed,
        _ => Decision::NotReady,
    }
}

/// What the render thread and the driver share.
#[derive(Default)]
struct Shared {
    states: Mutex<HashMap<String, State>>,
    /// Why each failed text failed.
    failures: Mutex<HashMap<String, RenderError>>,
    /// How long each rendered text lasts, read from its audio: the
    /// script is placed again from these.
    lengths: Mutex<HashMap<String, Duration>>,
    changed: Condvar,
}

impl Shared {
    fn set(&self, text: &str, state: State) {
        if let Ok(mut states) = self.states.lock() {
            states.insert(text.to_owned(), state);
        }
        self.changed.notify_all();
    }
}

/// A session's voice: its script, rendered ahead on a thread of its own.
pub struct Voice {
    script: Script,
    /// The script placed with the lengths known so far, and how many.
    planned: Script,
    known: usize,
    volume: Volume,
    on: bool,
    shared: Arc<Shared>,
    news: Receiver<VoiceNews>,
    /// Prompts skipped, to be told (at most once a minute).
    skipped: VecDeque<VoiceNews>,
    /// When a skipped prompt was last told.
    told_skip: Option<Instant>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Kept to start rendering when `v` turns voice on.
    pending: Option<Renderer>,
    /// What the renderer may be waiting on: woken when the voice ends.
    heard: Option<Gate>,
}

impl Voice {
    /// Find the engine and render `script` into the cache under
    /// `cache_dir`, on a thread: this returns at once. Turned off in the
    /// settings, nothing is rendered until `toggle` turns it on.
    pub fn start(settings: &VoiceSettings, script: Script, cache_dir: &Path) -> Self {
        Self::start_if_heard(settings, script, cache_dir, None)
    }

    /// `start`, but nothing is rendered unless `heard` says it can be
    /// heard (it may wait, on the voice's own thread, for the sound
    /// output's first answer): with no sound output, no speech engine runs.
    pub fn start_if_heard(
        settings: &VoiceSettings,
        script: Script,
        cache_dir: &Path,
        heard: Option<Gate>,
    ) -> Self {
        let mut voice = Self::build(
            settings,
            script,
            cache_dir,
            RENDER_LIMIT,
            std::env::var_os("PATH"),
            heard,
        );
        if voice.on {
            voice.render();
        }
        voice
    }

    /// `start`, with its own time limit per prompt and `PATH`.
    #[cfg(test)]
    pub fn start_with(
        settings: &VoiceSettings,
        script: Script,
        cache_dir: &Path,
        limit: Duration,
        path: Option<OsString>,
    ) -> Self {
        let mut voice = Self::build(settings, script, cache_dir, limit, path, None);
        if voice.on {
            voice.render();
        }
        voice
    }

    /// The voice, not rendering yet.
    fn build(
        settings: &VoiceSettings,
        script: Script,
        cache_dir: &Path,
        limit: Duration,
        path: Option<OsString>,
        heard: Option<Gate>,
    ) -> Self {
        let shared = Arc::new(Shared::default());
        let (news_tx, news) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        // Every text the script may say, whatever the lengths: the place
        // of each prompt is only known once its words are rendered.
        let texts = script.candidates();
        if let Ok(mut states) = shared.states.lock() {
            for t in &texts {
                states.insert(t.clone(), State::Pending);
            }
        }
        let search = Search {
            command: settings.command.clone(),
            model: settings.model.clone(),
            name: settings.speaking.name.clone(),
            path,
            voice_dirs: piper::voice_dirs(),
        };
        let renderer = Renderer {
            texts,
            settings: settings.clone(),
            cache_dir: cache_dir.to_path_buf(),
            limit,
            search,
            shared: shared.clone(),
            news: news_tx,
            stop: stop.clone(),
            heard: heard.clone(),
        };
        Self {
            planned: script.replan(&|_| None),
            known: 0,
            script,
            volume: settings.volume,
            on: settings.enabled,
            shared,
            news,
            skipped: VecDeque::new(),
            told_skip: None,
            stop,
            thread: None,
            pending: Some(renderer),
            heard,
        }
    }

    fn render(&mut self) {
        if let Some(renderer) = self.pending.take() {
            // Should the thread fail to start, every prompt stays pending
            // and is skipped: the session goes on with bells.
            self.thread = thread::Builder::new()
                .name("voice".into())
                .spawn(move || renderer.run())
                .ok();
        }
    }

    /// The speech for `effect`, if something is said then and its audio
    /// is ready. `due` is when the effect was due (the deadline the driver
    /// slept until; `now` when not known). Never waits.
    pub fn prompt_for(&mut self, effect: &Effect, due: Instant, now: Instant) -> Option<Speech> {
        if !self.on {
            return None;
        }
        self.plan();
        let text = self.planned.text_for(effect)?;
        let decision = {
            let states = self.shared.states.lock().ok()?;
            decide(states.get(text), due, now)
        };
        match decision {
            Decision::Play(wav) => Some(Speech {
                wav,
                volume: self.volume,
            }),
            why => {
                tracing::info!("voice: skipped {text:?} ({why:?})");
                let failure = self
                    .shared
                    .failures
                    .lock()
                    .ok()
                    .and_then(|f| f.get(text).cloned());
                self.skip(VoiceNews::skipped(&why, failure.as_ref()), now);
                None
            }
        }
    }

    /// Place the script again when more lengths are known: a prompt goes
    /// only where its rendered words end before what follows.
    fn plan(&mut self) {
        let Ok(lengths) = self.shared.lengths.lock().map(|l| l.clone()) else {
            return;
        };
        if lengths.len() != self.known {
            self.known = lengths.len();
            self.planned = self.script.replan(&|t| lengths.get(t).copied());
        }
    }

    /// The script as placed with the lengths rendered so far.
    pub fn planned(&mut self) -> &Script {
        self.plan();
        &self.planned
    }

    /// Wait (at most `limit`) until the first prompt is ready or failed,
    /// for a session whose first step starts at once. True when ready.
    pub fn wait_first(&self, limit: Duration) -> bool {
        let Some(first) = self.script.candidates().first().cloned() else {
            return false;
        };
        let deadline = Instant::now() + limit;
        let Ok(mut states) = self.shared.states.lock() else {
            return false;
        };
        loop {
            match states.get(&first) {
                Some(State::Ready { .. }) => return true,
                Some(State::Failed) | None => return false,
                Some(State::Pending) => {}
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.thread.is_none() {
                return false;
            }
            states = match self.shared.changed.wait_timeout(states, left) {
                Ok((s, _)) => s,
                Err(_) => return false,
            };
        }
    }

    /// Turn voice on or off; true when now on. Turning it on the first
    /// time starts rendering.
    pub fn toggle(&mut self) -> bool {
        self.on = !self.on;
        if self.on {
            self.render();
        }
        self.on
    }

    /// Note a prompt that went unsaid, to be told unless one was told
    /// less than `NEWS_EVERY` ago.
    fn skip(&mut self, news: Option<VoiceNews>, now: Instant) {
        let Some(news) = news else { return };
        let recent = self
            .told_skip
            .is_some_and(|at| now.saturating_duration_since(at) < NEWS_EVERY);
        if !recent && self.skipped.is_empty() {
            self.told_skip = Some(now);
            self.skipped.push_back(news);
        }
    }

    /// What the status line should hear about voice, each piece once:
    /// why it is off, an engine given up on, prompts skipped.
    pub fn news(&mut self) -> Option<VoiceNews> {
        self.news
            .try_recv()
            .ok()
            .or_else(|| self.skipped.pop_front())
    }

    /// `news`, in the status line's words.
    pub fn status(&mut self) -> Option<String> {
        self.news().map(|n| n.to_string())
    }

    /// Where each text stands (tests, `knotless voice`).
    pub fn states(&self) -> HashMap<String, State> {
        self.shared
            .states
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    pub fn script(&self) -> &Script {
        &self.script
    }
}

impl Drop for Voice {
    /// An engine still running is killed (within a few milliseconds): none
    /// outlives the session.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(heard) = &self.heard {
            heard.nudge();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The render thread's work.
struct Renderer {
    texts: Vec<String>,
    settings: VoiceSettings,
    cache_dir: PathBuf,
    limit: Duration,
    search: Search,
    shared: Arc<Shared>,
    news: Sender<VoiceNews>,
    stop: Arc<AtomicBool>,
    heard: Option<Gate>,
}

/// What a voice waits on before it renders: that what it says can be
/// heard (the sound output answered).
pub trait Heard: Send + Sync {
    /// Wait until it can be heard (true) or `stop` is set (false).
    fn wait_heard(&self, stop: &AtomicBool) -> bool;
    /// Wake the wait to look at `stop` again.
    fn nudge(&self);
}

pub type Gate = Arc<dyn Heard>;

impl Renderer {
    fn run(self) {
        if let Some(heard) = &self.heard
            && !heard.wait_heard(&self.stop)
        {
            // Stopped before anything could be heard: nothing rendered.
            return;
        }
        let engines = self.search.chain();
        if engines.is_empty() {
            let why = match self.search.find() {
                Err(e) => e.to_string(),
                Ok(_) => engine::FindError::NoEngine.to_string(),
            };
            return self.fail_all(VoiceNews::Off(why));
        }
        // A named command that is missing: said once, the next one speaks.
        if let (Some(t), Some(first)) = (&self.search.command, engines.first())
            && first.kind != engine::Kind::Command
        {
            let _ = self.news.send(VoiceNews::FellBack {
                from: format!(
                    "the speech command `{}`",
                    crate::text::escape_inline(t.program())
                ),
                why: "was not found".into(),
                to: first.id(),
            });
        }
        let cache = match Cache::open(&self.cache_dir) {
            Ok(c) => c,
            Err(e) => {
                return self.fail_all(VoiceNews::Off(format!(
                    "cannot keep speech in the cache: {}",
                    e.kind()
                )));
            }
        };
        self.render_all(&cache, &engines);
    }

    /// Render every text in order, each by the first engine still trusted
    /// that manages it; an engine that hangs, cannot start, or fails
    /// `GIVE_UP_AFTER` times in a row is given up on (said once).
    fn render_all(&self, cache: &Cache, engines: &[Engine]) {
        let how = &self.settings.speaking;
        let mut current = 0;
        let mut failures = 0;
        let mut kept = HashSet::new();
        let started = Instant::now();
        let mut rendered = 0;
        for text in &self.texts {
            let mut tried = current;
            let result = loop {
                if self.stop.load(Ordering::Relaxed) {
                    return;
                }
                let Some(engine) = engines.get(tried) else {
                    break None;
                };
                match cache.get_or_render(engine, how, text, self.limit, &self.stop) {
                    Ok(k) => break Some(k),
                    Err(RenderError::Stopped) => return,
                    Err(e) => {
                        tracing::warn!("voice: {} on {text:?}: {e}", engine.id());
                        if tried == current {
                            failures += 1;
                            let hopeless =
                                matches!(e, RenderError::TimedOut(_) | RenderError::CannotStart(_));
                            if hopeless || failures >= GIVE_UP_AFTER {
                                let Some(next) = engines.get(current + 1) else {
                                    return self.fail_all(VoiceNews::Off(format!(
                                        "the speech engine failed: {e}"
                                    )));
                                };
                                let _ = self.news.send(VoiceNews::FellBack {
                                    from: engine.id(),
                                    why: e.to_string(),
                                    to: next.id(),
                                });
                                current += 1;
                                failures = 0;
                            }
                        }
                        if let Ok(mut f) = self.shared.failures.lock() {
                            f.insert(text.clone(), e);
                        }
                        tried += 1;
                    }
                }
            };
            match result {
                Some(k) => {
                    if tried == current {
                        failures = 0;
                    }
                    rendered += usize::from(k.rendered);
                    if let Ok(mut lengths) = self.shared.lengths.lock() {
                        lengths.insert(text.clone(), k.audio.length);
                    }
                    kept.insert(k.path.clone());
                    let at = Instant::now();
                    self.shared.set(text, State::Ready { wav: k.path, at });
                }
                None => self.shared.set(text, State::Failed),
            }
        }
        tracing::info!(
            "voice: {} prompts ready in {:.1} ms ({rendered} rendered)",
            self.texts.len(),
            started.elapsed().as_secs_f64() * 1000.0,
        );
        cache.trim(cache::CACHE_CAP, &kept);
    }

    /// Voice is off: say why, and fail every text still pending.
    fn fail_all(&self, news: VoiceNews) {
        tracing::warn!("{news}");
        let _ = self.news.send(news);
        for t in &self.texts {
            let pending = self
                .shared
                .states
                .lock()
                .is_ok_and(|s| s.get(t) == Some(&State::Pending));
            if pending {
                self.shared.set(t, State::Failed);
            }
        }
    }
}
