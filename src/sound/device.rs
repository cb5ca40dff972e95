//! rodio's own playback (cpal): CoreAudio on macOS, WASAPI on Windows, and
//! ALSA on Linux with the `alsa` feature.
//!
//! rodio prints to stderr by default (its stream error callback, and when
//! its output is dropped), and alsa-lib prints its own messages when a
//! device fails: all of that is silenced here, because the screen is up.
//! A device stream left open mixes silence all the time, so it is closed
//! when idle and opened again for the next sound (the sound is added after
//! the stream opens, so it is never clipped).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rodio::{DeviceSinkBuilder, MixerDeviceSink};

use super::sink::{Off, Output, Voice};

pub struct Device {
    sink: Option<MixerDeviceSink>,
    failed: Arc<AtomicBool>,
    name: String,
}

impl Device {
    /// Open the default device once, to know now whether there is one;
    /// it is closed again when idle.
    pub fn open() -> Result<Self, Off> {
        quiet_alsa();
        let failed = Arc::new(AtomicBool::new(false));
        let sink = open_sink(&failed)?;
        let name = format!(
            "{} through rodio ({} Hz)",
            HOST,
            sink.config().sample_rate()
        );
        Ok(Self {
            sink: Some(sink),
            failed,
            name,
        })
    }
}

#[cfg(target_os = "linux")]
const HOST: &str = "ALSA";
#[cfg(target_os = "macos")]
const HOST: &str = "CoreAudio";
#[cfg(target_os = "windows")]
const HOST: &str = "WASAPI";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const HOST: &str = "the system's audio output";

fn open_sink(failed: &Arc<AtomicBool>) -> Result<MixerDeviceSink, Off> {
    let flag = failed.clone();
    let mut sink = DeviceSinkBuilder::from_default_device()
        .and_then(|b| {
            b.with_error_callback(move |_| flag.store(true, Ordering::Relaxed))
                .open_stream()
        })
        .map_err(|e| {
            Off::new(
                "no sound device",
                format!("no sound device could be opened ({e}); check that one is connected and not in use"),
            )
        })?;
    sink.log_on_drop(false);
    failed.store(false, Ordering::Relaxed);
    Ok(sink)
}

impl Output for Device {
    fn play(&mut self, voice: Voice) -> Result<(), Off> {
        self.wake()?;
        if let Some(sink) = &self.sink {
            sink.mixer().add(voice);
        }
        Ok(())
    }

    fn wake(&mut self) -> Result<(), Off> {
        if self.failed.load(Ordering::Relaxed) {
            self.sink = None;
            return Err(Off::new(
                "the sound device failed",
                "the sound device stopped working; knotless stays silent for the rest of this run",
            ));
        }
        // An open device stream mixes silence until a sound comes.
        if self.sink.is_none() {
            self.sink = Some(open_sink(&self.failed)?);
        }
        Ok(())
    }

    fn idle(&mut self) -> Result<(), Off> {
        self.sink = None;
        Ok(())
    }

    fn drain(&mut self, _limit: Duration) {
        // The sound thread waited for the last sound to end; the device's
        // own buffer is a few milliseconds.
    }

    fn latency(&self) -> Duration {
        Duration::from_millis(100)
    }

    fn describe(&self) -> String {
        self.name.clone()
    }
}

/// alsa-lib writes its errors to stderr unless given a handler: give it
/// one that drops them (the reason reaches the user through `Off`).
#[cfg(target_os = "linux")]
fn quiet_alsa() {
    use std::ffi::{c_char, c_int};
    use std::sync::Once;

    unsafe extern "C" fn ignore(
        _: *const c_char,
        _: c_int,
        _: *const c_char,
        _: c_int,
        _: *const c_char,
    ) {
    }

    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: alsa-lib calls the handler as a C variadic function; on
        // the Linux ABIs a callee that names only the fixed arguments
        // reads them from the same registers and ignores the rest.
        unsafe {
            let handler: alsa_sys::snd_lib_error_handler_t = Some(std::mem::transmute::<
                unsafe extern "C" fn(*const c_char, c_int, *const c_char, c_int, *const c_char),
                unsafe extern "C" fn(
                    *const c_char,
                    c_int,
                    *const c_char,
                    c_int,
                    *const c_char,
                    ...
                ),
            >(ignore));
            alsa_sys::snd_lib_error_set_handler(handler);
        }
    });
}

#[cfg(not(target_os = "linux"))]
fn quiet_alsa() {}
