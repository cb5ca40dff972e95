//! One sound played now, waited for (`knotless sounds play`).

use std::time::Duration;

use super::bank::voice_for;
use super::output::open;

/// Play one sound now and wait for it to end (`knotless sounds play`):
/// which output played it, or why nothing could.
pub fn play_and_wait(
    play: &super::Play,
    volume: super::Volume,
) -> Result<String, super::PlayError> {
    let no_output = |off: super::sink::Off| super::PlayError::NoOutput(off.advice);
    let mut out = open().map_err(no_output)?;
    let (voice, length) = voice_for(play, volume).ok_or(super::PlayError::Undecodable)?;
    out.play(voice).map_err(no_output)?;
    std::thread::sleep(length + out.latency());
    out.drain(out.latency() + Duration::from_millis(300));
    Ok(out.describe())
}
