//! Spoken guidance through a speech engine already on the machine.
//!
//! - `script`: what is said and when, pure, from the routine's timeline.
//! - `engine`: the engines found at run time (espeak-ng, espeak, flite,
//!   macOS `say`, Windows speech, or `[voice] command`), run as separate
//!   processes that never reach the screen and are killed past a time limit.
//! - `cache`: rendered speech on disk, keyed by engine, voice, rate and text.
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

pub mod cache;
pub mod config;
pub mod engine;
pub mod script;
#[cfg(all(test, unix))]
mod tests;

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

pub use cache::Cache;
pub use engine::{CommandTemplate, Engine, Speaking};
pub use script::{Moment, Prompt, RoutineWords, Script, StepWords};

use crate::session::Effect;
use crate::sound::{Speech, Volume};

/// The longest one prompt may take to render before its engine is killed.
pub const RENDER_LIMIT: Duration = Duration::from_secs(10);
/// How late after its moment a prompt may still start. Later, it is
/// skipped: words about a step already under way only confuse.
pub const LATE_LIMIT: Duration = Duration::from_millis(150);
/// After this many failures in a row, the engine is given up on.
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
    /// `[voice] command`: used alone when set.
    pub command: Option<CommandTemplate>,
    /// Say "Breathe in", "Hold", "Breathe out" at each breathing phase.
    pub breath_words: bool,
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
            breath_words: false,
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
    volume: Volume,
    on: bool,
    shared: Arc<Shared>,
    news: Receiver<String>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Kept to start rendering when `v` turns voice on.
    pending: Option<Renderer>,
}

impl Voice {
    /// Find the engine and render `script` into the cache under
    /// `cache_dir`, on a thread: this returns at once. Turned off in the
    /// settings, nothing is rendered until `toggle` turns it on.
    pub fn start(settings: &VoiceSettings, script: Script, cache_dir: &Path) -> Self {
        Self::start_with(
            settings,
            script,
            cache_dir,
            RENDER_LIMIT,
            std::env::var_os("PATH"),
        )
    }

    /// `start`, with its own time limit per prompt and `PATH` (tests).
    pub fn start_with(
        settings: &VoiceSettings,
        script: Script,
        cache_dir: &Path,
        limit: Duration,
        path: Option<OsString>,
    ) -> Self {
        let shared = Arc::new(Shared::default());
        let (news_tx, news) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let texts: Vec<String> = script.texts().into_iter().map(str::to_owned).collect();
        if let Ok(mut states) = shared.states.lock() {
            for t in &texts {
                states.insert(t.clone(), State::Pending);
            }
        }
        let renderer = Renderer {
            texts,
            settings: settings.clone(),
            cache_dir: cache_dir.to_path_buf(),
            limit,
            path,
            shared: shared.clone(),
            news: news_tx,
            stop: stop.clone(),
        };
        let mut voice = Self {
            script,
            volume: settings.volume,
            on: settings.enabled,
            shared,
            news,
            stop,
            thread: None,
            pending: Some(renderer),
        };
        if voice.on {
            voice.render();
        }
        voice
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
        let text = self.script.text_for(effect)?;
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
                None
            }
        }
    }

    /// Wait (at most `limit`) until the first prompt is ready or failed,
    /// for a session whose first step starts at once. True when ready.
    pub fn wait_first(&self, limit: Duration) -> bool {
        let Some(first) = self.script.prompts.first().map(|p| p.text.clone()) else {
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

    /// What the status line should say about voice, once: why it is off.
    pub fn status(&mut self) -> Option<String> {
        self.news
            .try_recv()
            .ok()
            .map(|why| format!("Voice off: {why}"))
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
    path: Option<OsString>,
    shared: Arc<Shared>,
    news: Sender<String>,
    stop: Arc<AtomicBool>,
}

impl Renderer {
    fn run(self) {
        let fail_all = |why: String| {
            tracing::warn!("voice off: {why}");
            let _ = self.news.send(why);
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
        };
        let engine = match Engine::find(self.settings.command.as_ref(), self.path.clone()) {
            Ok(e) => e,
            Err(why) => return fail_all(why),
        };
        let cache = match Cache::open(&self.cache_dir) {
            Ok(c) => c,
            Err(e) => return fail_all(format!("cannot keep speech in the cache: {e}")),
        };
        let how = &self.settings.speaking;
        let mut failures = 0;
        let mut kept = HashSet::new();
        let started = Instant::now();
        let mut rendered = 0;
        for text in &self.texts {
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            match cache.get_or_render(&engine, how, text, self.limit, &self.stop) {
                Ok((wav, ran)) => {
                    failures = 0;
                    rendered += usize::from(ran);
                    kept.insert(wav.clone());
                    let at = Instant::now();
                    self.shared.set(text, State::Ready { wav, at });
                }
                Err(engine::RenderError::Stopped) => return,
                Err(e) => {
                    tracing::warn!("voice: {} on {text:?}: {e}", engine.id());
                    self.shared.set(text, State::Failed);
                    failures += 1;
                    if failures >= GIVE_UP_AFTER {
                        return fail_all(format!("the speech engine failed: {e}"));
                    }
                }
            }
        }
        tracing::info!(
            "voice: {} prompts ready in {:.1} ms ({rendered} rendered by {})",
            self.texts.len(),
            started.elapsed().as_secs_f64() * 1000.0,
            engine.id()
        );
        cache.trim(cache::CACHE_CAP, &kept);
    }
}
