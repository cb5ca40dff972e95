//! The output interface the sound thread drives, and the choice of backend:
//! the native PulseAudio protocol on Linux (then ALSA through rodio/cpal
//! with the `alsa` feature), rodio's own playback elsewhere.

use std::time::Duration;

use rodio::Source;

use super::OutputReport;

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

/// Open the output for this platform and build. Runs on the sound thread
/// (or for `knotless sounds`), never on the thread that draws the screen.
#[cfg(all(target_os = "linux", not(feature = "alsa")))]
pub fn open() -> Result<Box<dyn Output>, Off> {
    Ok(Box::new(super::pulse::Pulse::open()?))
}

/// With the `alsa` feature, ALSA is tried when no sound server answers.
#[cfg(all(target_os = "linux", feature = "alsa"))]
pub fn open() -> Result<Box<dyn Output>, Off> {
    let off = match super::pulse::Pulse::open() {
        Ok(pulse) => return Ok(Box::new(pulse)),
        Err(off) => off,
    };
    match super::device::Device::open() {
        Ok(device) => Ok(Box::new(device)),
        Err(alsa) => Err(Off::new(
            off.short,
            format!("{} ALSA, tried next: {}", off.advice, alsa.advice),
        )),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn open() -> Result<Box<dyn Output>, Off> {
    Ok(Box::new(super::device::Device::open()?))
}

/// Open the output as a session would, say what it is, and close it.
pub fn describe_output() -> OutputReport {
    match open() {
        Ok(out) => OutputReport {
            output: Some(out.describe()),
            off: None,
        },
        Err(off) => OutputReport {
            output: None,
            off: Some(off.advice),
        },
    }
}

/// Play one sound now and wait for it to end (`knotless sounds play`):
/// which output played it, or why nothing could.
pub fn play_and_wait(play: &super::Play, volume: super::Volume) -> Result<String, String> {
    let mut out = open().map_err(|off| off.advice)?;
    let (voice, length) = super::worker::voice_for(play, volume)
        .ok_or_else(|| "that sound file could not be decoded".to_owned())?;
    out.play(voice).map_err(|off| off.advice)?;
    std::thread::sleep(length + out.latency());
    out.drain(out.latency() + Duration::from_millis(300));
    Ok(out.describe())
}
