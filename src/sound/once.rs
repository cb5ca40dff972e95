//! One sound played now, waited for (`knotless sounds play`).

use std::time::Duration;

use super::output::open;
use super::bank::voice_for;

/// Play one sound now and wait for it to end (`knotless sounds play`):
/// which output played it, or why nothing could.
pub fn play_and_wait(play: &super::Play, volume: super::Volume) -> Result<String, String> {
    let mut out = open().map_err(|off| off.advice)?;
    let (voice, length) =
        voice_for(play, volume).ok_or_else(|| "that sound file could not be decoded".to_owned())?;
    out.play(voice).map_err(|off| off.advice)?;
    std::thread::sleep(length + out.latency());
    out.drain(out.latency() + Duration::from_millis(300));
    Ok(out.describe())
}
