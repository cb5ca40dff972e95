//! What this binary was built with: `knotless --version` and `knotless
//! doctor` name it, because "no sound" is a different bug report from a
//! silent build than from a sound build that found no server.

use serde::Serialize;

/// The sound output compiled in, in words.
#[cfg(not(feature = "sound"))]
pub const SOUND: &str = "none (silent build)";
#[cfg(all(feature = "sound", target_os = "linux", not(feature = "alsa")))]
pub const SOUND: &str = "PulseAudio protocol (pure Rust)";
#[cfg(all(feature = "sound", target_os = "linux", feature = "alsa"))]
pub const SOUND: &str = "PulseAudio protocol (pure Rust), then ALSA";
#[cfg(all(feature = "sound", not(target_os = "linux")))]
pub const SOUND: &str = "the system's own (rodio)";

// clap wants a `&'static str` for the version, and `concat!` takes only
// literals, hence one whole string per build.
macro_rules! version {
    ($features:literal) => {
        concat!(env!("CARGO_PKG_VERSION"), " (", $features, ")")
    };
}

/// `knotless --version`: the version and the build features.
#[cfg(not(feature = "sound"))]
pub const VERSION: &str = version!("silent build: no sound");
#[cfg(all(feature = "sound", not(feature = "alsa")))]
pub const VERSION: &str = version!("features: sound");
#[cfg(all(feature = "sound", feature = "alsa"))]
pub const VERSION: &str = version!("features: sound, alsa");

/// The build, for `knotless doctor --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Build {
    pub version: &'static str,
    pub sound: bool,
    pub alsa: bool,
    pub sound_output: &'static str,
    pub target_os: &'static str,
}

pub fn build() -> Build {
    Build {
        version: env!("CARGO_PKG_VERSION"),
        sound: cfg!(feature = "sound"),
        alsa: cfg!(feature = "alsa"),
        sound_output: SOUND,
        target_os: std::env::consts::OS,
    }
}
