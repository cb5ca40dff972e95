//! What an output is: the interface the sound thread drives, the sound it
//! plays, and why there may be none. The backends (`pulse`, `device`)
//! implement it; `output` chooses one.

use std::time::Duration;

use rodio::Source;

/// A sound ready for an output's mixer.
pub type Voice = Box<dyn Source + Send>;

/// Why there is no sound, twice: a few words for the status line, and
/// a sentence a user can act on for `knotless sounds`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Off {
    pub short: String,
    pub advice: String,
}

impl Off {
    pub fn new(short: impl Into<String>, advice: impl Into<String>) -> Self {
        Self {
            short: short.into(),
            advice: advice.into(),
        }
    }
}

/// Where sound goes. Every method returns promptly: calls that wait on a
/// server or device have time limits, and an `Err` means the output is gone
/// for the rest of the run.
pub trait Output {
    /// Start playing `voice` now, waking the output if it was idle.
    fn play(&mut self, voice: Voice) -> Result<(), Off>;
    /// Start the output without a sound (it plays silence), so that the
    /// next sound starts as promptly as one into a running output: the
    /// first sound of a session would otherwise wait for the stream (and
    /// the device behind it) to start. `idle` lets it rest again.
    fn wake(&mut self) -> Result<(), Off>;
    /// Nothing is playing: stop whatever costs while idle (cork the
    /// stream, close the device), so that silence costs nothing.
    fn idle(&mut self) -> Result<(), Off>;
    /// Let the last sound reach the speakers before the program exits.
    fn drain(&mut self, limit: Duration);
    /// From play to speaker, roughly: how long after a sound's own end the
    /// output may still be playing it.
    fn latency(&self) -> Duration;
    /// Which output this is, for `knotless sounds`.
    fn describe(&self) -> String;
}
