//! The choice of output: the native PulseAudio protocol on Linux (then
//! ALSA through rodio/cpal with the `alsa` feature), rodio's own playback
//! elsewhere. What an output is lives in `sink`.

use super::OutputReport;
use super::sink::{Off, Output};

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
