//! Sound files named by routines: found, refused or accepted when the
//! routine is read (by `knotless check` and before a session starts), never
//! in the middle of a session.

use std::fs;
use std::path::Path;

use super::names::FILE_EXTENSIONS;

/// Sound files larger than this are refused unread.
pub const MAX_SOUND_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// What a sound file may claim to hold. A small file can claim anything
/// (a FLAC frame of silence says "65,535 samples" in a few bytes), and
/// what it claims decides how much memory decoding it takes.
#[cfg(feature = "sound")]
pub const MAX_CHANNELS: u16 = 8;
#[cfg(feature = "sound")]
pub const MIN_RATE: u32 = 8_000;
#[cfg(feature = "sound")]
pub const MAX_RATE: u32 = 192_000;
/// The most samples decoded from one file (64 MB as 32-bit floats): ten
/// seconds at the highest rate and channel count above fit.
#[cfg(feature = "sound")]
pub const MAX_DECODED_SAMPLES: usize = 16 * 1024 * 1024;

/// Refuse a file whose format claims more than knotless will decode.
#[cfg(feature = "sound")]
pub fn claims(written: &str, channels: u16, rate: u32) -> Result<(), Refused> {
    if (1..=MAX_CHANNELS).contains(&channels) && (MIN_RATE..=MAX_RATE).contains(&rate) {
        return Ok(());
    }
    Err(refused(
        format!(
            "the sound file `{written}` says it holds {channels} channel{} at {rate} Hz; knotless plays 1 to {MAX_CHANNELS} channels at {MIN_RATE} to {MAX_RATE} Hz",
            if channels == 1 { "" } else { "s" }
        ),
        "convert it to an ordinary format (mono or stereo, 44,100 or 48,000 Hz), or use a built-in sound",
    ))
}

/// Why a sound file cannot be used, in words for a routine author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    pub help: String,
}

fn refused(message: impl Into<String>, help: impl Into<String>) -> Refused {
    Refused {
        message: message.into(),
        help: help.into(),
    }
}

/// Check that `path` (as resolved) is a sound file knotless can play.
/// `written` is the path as the routine wrote it, for the message.
pub fn check(path: &Path, written: &str) -> Result<(), Refused> {
    let meta = fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => refused(
            format!("there is no sound file at `{written}`"),
            format!(
                "a sound file's path is relative to the routine file, so this one names {}; check it, or use a built-in sound",
                std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()).display()
            ),
        ),
        _ => refused(
            format!("cannot read the sound file `{written}`: {e}"),
            "check that the file can be read",
        ),
    })?;
    if meta.is_dir() {
        return Err(refused(
            format!("`{written}` is a directory, not a sound file"),
            "name a WAV, OGG, FLAC or MP3 file inside it",
        ));
    }
    if !meta.is_file() {
        return Err(refused(
            format!("`{written}` is not a regular file"),
            "name a WAV, OGG, FLAC or MP3 file",
        ));
    }
    if meta.len() > MAX_SOUND_FILE_BYTES {
        return Err(refused(
            format!(
                "the sound file `{written}` is {} bytes; sound files may be at most 10 MiB ({MAX_SOUND_FILE_BYTES} bytes)",
                meta.len()
            ),
            "a prompt needs only a few seconds: trim the file, or use a built-in sound",
        ));
    }
    decodable(path, written)
}

/// With sound built in, rodio must be able to decode the first samples.
#[cfg(feature = "sound")]
fn decodable(path: &Path, written: &str) -> Result<(), Refused> {
    let undecodable = |why: String| {
        refused(
            format!("cannot decode the sound file `{written}` as WAV, OGG, FLAC or MP3: {why}"),
            "convert it to one of those formats, or use a built-in sound",
        )
    };
    let file = fs::File::open(path).map_err(|e| undecodable(e.to_string()))?;
    let probe = || match rodio::Decoder::try_from(file) {
        Ok(mut decoder) => {
            use rodio::Source;
            claims(
                written,
                decoder.channels().get(),
                decoder.sample_rate().get(),
            )
            .map_err(Err)?;
            match decoder.next() {
                Some(_) => Ok(()),
                None => Err(Ok("it holds no sound".to_owned())),
            }
        }
        Err(e) => Err(Ok(fragment(&e.to_string()))),
    };
    // `Err(Ok(why))`: cannot be decoded; `Err(Err(refused))`: decodes, but
    // claims too much.
    match super::guard::quietly(probe) {
        Some(Ok(())) => Ok(()),
        Some(Err(Ok(why))) => Err(undecodable(why)),
        Some(Err(Err(refused))) => Err(refused),
        None => Err(undecodable("the decoder failed on it".into())),
    }
}

/// "The format was not recognized." -> "the format was not recognized"
#[cfg(feature = "sound")]
fn fragment(sentence: &str) -> String {
    let s = sentence.trim().trim_end_matches('.');
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A build without sound cannot decode: the extension has to do.
#[cfg(not(feature = "sound"))]
fn decodable(path: &Path, written: &str) -> Result<(), Refused> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if FILE_EXTENSIONS.contains(&ext.as_str()) {
        Ok(())
    } else {
        Err(refused(
            format!("`{written}` is not a WAV, OGG, FLAC or MP3 file"),
            "name a file ending in .wav, .ogg, .flac or .mp3, or use a built-in sound",
        ))
    }
}

/// The extensions accepted, for messages: ".wav, .ogg, ...".
pub fn extensions() -> String {
    FILE_EXTENSIONS
        .iter()
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(", ")
}
