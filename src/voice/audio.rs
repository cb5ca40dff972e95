//! Whether a WAV file a speech engine wrote will play, decided by reading
//! all of it the way the player does: a render is kept, and a kept file
//! used, only when every sample is there and decodes, and when it lasts
//! about as long as its words take to say. An engine that exits 0 on a
//! full disk with a cut-off file, or writes a valid header over data no
//! decoder reads, is caught here, before anything is cached or played.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use crate::sound::speech::MAX_SPEECH_FILE;

/// What a readable speech file holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Audio {
    /// How long it sounds.
    pub length: Duration,
    pub rate: u32,
    pub channels: u16,
}

/// Why a speech file cannot be played (or should not be).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadAudio {
    #[error("no file")]
    Missing,
    #[error("not a plain file")]
    NotAFile,
    #[error("an empty file")]
    Empty,
    #[error("a file of {0} bytes, over the {max} MB a speech may take", max = MAX_SPEECH_FILE / 1_000_000)]
    TooLarge(u64),
    #[error("not a WAV file")]
    NotWav,
    #[error("a WAV file with no format")]
    NoFormat,
    #[error("an encoding the player cannot read (format {0})")]
    Encoding(u16),
    #[error("a layout the player cannot read ({channels} channels, {rate} Hz, {bits} bits)")]
    Layout { channels: u16, rate: u32, bits: u16 },
    #[error("a WAV file with no sound data")]
    NoData,
    #[error("cut short: {have} of the {said} bytes its header promises")]
    Truncated { have: u64, said: u64 },
    #[error("samples that are not numbers")]
    NotNumbers,
    #[error("silence")]
    Silent,
    #[error("{} s of sound for words that take about {} s", tenths(*.got_ms), tenths(*.expected_ms))]
    Implausible { got_ms: u64, expected_ms: u64 },
    #[error("unreadable ({0})")]
    Unreadable(String),
}

/// Milliseconds as seconds with one decimal.
fn tenths(ms: u64) -> String {
    format!("{}.{}", ms / 1000, ms % 1000 / 100)
}

/// Quieter than this everywhere is not speech (two steps of 16-bit sound).
const SILENT: f32 = 2.0 / 32768.0;

/// Read and decode all of `path`: its length, or why it will not play.
/// Reads at most `MAX_SPEECH_FILE` bytes; never follows a symlink.
pub fn check(path: &Path) -> Result<Audio, BadAudio> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(BadAudio::Missing),
        Err(e) => return Err(BadAudio::Unreadable(e.kind().to_string())),
    };
    if !meta.is_file() {
        return Err(BadAudio::NotAFile);
    }
    if meta.len() > MAX_SPEECH_FILE {
        return Err(BadAudio::TooLarge(meta.len()));
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(MAX_SPEECH_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| BadAudio::Unreadable(e.kind().to_string()))?;
    if bytes.len() as u64 > MAX_SPEECH_FILE {
        return Err(BadAudio::TooLarge(bytes.len() as u64));
    }
    decode(&bytes)
}

/// `check`, then `plausible` for `text` said at `rate` words a minute.
pub fn check_for(path: &Path, text: &str, rate: u16) -> Result<Audio, BadAudio> {
    let audio = check(path)?;
    plausible(audio.length, text, rate)?;
    Ok(audio)
}

/// The format chunk's fields the player cares about.
struct Format {
    float: bool,
    channels: u16,
    rate: u32,
    bits: u16,
}

/// Decode a whole WAV file held in `bytes`.
pub fn decode(bytes: &[u8]) -> Result<Audio, BadAudio> {
    if bytes.is_empty() {
        return Err(BadAudio::Empty);
    }
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(BadAudio::NotWav);
    }
    let mut at = 12usize;
    let mut format = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let said = u64::from(u32_at(bytes, at + 4));
        let body = at + 8;
        let have = (bytes.len() - body) as u64;
        if id == b"fmt " {
            if said < 16 || said > have {
                return Err(BadAudio::NoFormat);
            }
            format = Some(read_format(&bytes[body..body + said as usize])?);
        } else if id == b"data" {
            let Some(format) = format else {
                return Err(BadAudio::NoFormat);
            };
            if said > have {
                return Err(BadAudio::Truncated { have, said });
            }
            return samples(&format, &bytes[body..body + said as usize]);
        }
        // Chunks are padded to an even length.
        let next = (body as u64).saturating_add(said).saturating_add(said & 1);
        at = usize::try_from(next).unwrap_or(usize::MAX);
    }
    Err(if format.is_some() {
        BadAudio::NoData
    } else {
        BadAudio::NoFormat
    })
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The encodings the player decodes: integer PCM of 8 to 32 bits and
/// 32-bit floats, plain or in the extensible header; 1 to 8 channels.
fn read_format(f: &[u8]) -> Result<Format, BadAudio> {
    let mut tag = u16_at(f, 0);
    if tag == 0xFFFE && f.len() >= 26 {
        // WAVE_FORMAT_EXTENSIBLE: the real tag opens the sub-format GUID.
        tag = u16_at(f, 24);
    }
    let (channels, rate, align, bits) = (u16_at(f, 2), u32_at(f, 4), u16_at(f, 12), u16_at(f, 14));
    let float = match tag {
        1 => false,
        3 => true,
        other => return Err(BadAudio::Encoding(other)),
    };
    let bits_ok = if float {
        bits == 32
    } else {
        matches!(bits, 8 | 16 | 24 | 32)
    };
    let layout_ok = bits_ok
        && (1..=8).contains(&channels)
        && (4_000..=192_000).contains(&rate)
        && u32::from(align) == u32::from(channels) * u32::from(bits / 8);
    if !layout_ok {
        return Err(BadAudio::Layout {
            channels,
            rate,
            bits,
        });
    }
    Ok(Format {
        float,
        channels,
        rate,
        bits,
    })
}

/// Every sample decoded: its length, or why it will not play.
fn samples(f: &Format, data: &[u8]) -> Result<Audio, BadAudio> {
    let width = usize::from(f.bits / 8);
    let frame = width * usize::from(f.channels);
    if data.is_empty() {
        return Err(BadAudio::NoData);
    }
    if !data.len().is_multiple_of(frame) {
        // A partial last frame: the writer stopped mid-sample.
        let whole = (data.len() / frame * frame) as u64;
        return Err(BadAudio::Truncated {
            have: whole,
            said: data.len() as u64,
        });
    }
    let mut peak = 0.0f32;
    for s in data.chunks_exact(width) {
        let v = match (f.float, width) {
            (true, _) => {
                let x = f32::from_le_bytes([s[0], s[1], s[2], s[3]]);
                if !x.is_finite() {
                    return Err(BadAudio::NotNumbers);
                }
                x
            }
            (false, 1) => (f32::from(s[0]) - 128.0) / 128.0,
            (false, 2) => f32::from(i16::from_le_bytes([s[0], s[1]])) / 32768.0,
            (false, 3) => (i32::from_le_bytes([0, s[0], s[1], s[2]]) >> 8) as f32 / 8_388_608.0,
            (false, _) => i32::from_le_bytes([s[0], s[1], s[2], s[3]]) as f32 / 2_147_483_648.0,
        };
        peak = peak.max(v.abs());
    }
    if peak < SILENT {
        return Err(BadAudio::Silent);
    }
    let frames = (data.len() / frame) as f64;
    Ok(Audio {
        length: Duration::from_secs_f64(frames / f64::from(f.rate)),
        rate: f.rate,
        channels: f.channels,
    })
}

/// About how long `text` takes at `rate` words a minute.
pub fn expected(text: &str, rate: u16) -> Duration {
    let words = text.split_whitespace().count().max(1) as f64;
    Duration::from_secs_f64(words * 60.0 / f64::from(rate.max(1)))
}

/// Whether `length` is a believable time to say `text` at `rate`: not a
/// fifth of it (a file cut short with its header mended), not many times
/// over it (an engine that kept writing). Engines differ in pace and some
/// ignore the rate, hence the wide margins.
pub fn plausible(length: Duration, text: &str, rate: u16) -> Result<(), BadAudio> {
    let expected = expected(text, rate).as_secs_f64();
    let got = length.as_secs_f64();
    let least = expected * 0.2;
    let most = expected * 5.0 + 5.0;
    if got < least || got > most {
        return Err(BadAudio::Implausible {
            got_ms: (got * 1000.0) as u64,
            expected_ms: (expected * 1000.0) as u64,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A WAV of `secs` of a tone: 16-bit mono at 22.05 kHz.
    pub fn tone(secs: f64) -> Vec<u8> {
        let n = (secs * 22_050.0) as u32;
        let data = n * 2;
        let mut out = Vec::new();
        for part in [
            &b"RIFF"[..],
            &(36 + data).to_le_bytes(),
            b"WAVEfmt ",
            &16u32.to_le_bytes(),
            &1u16.to_le_bytes(),
            &1u16.to_le_bytes(),
            &22_050u32.to_le_bytes(),
            &44_100u32.to_le_bytes(),
            &2u16.to_le_bytes(),
            &16u16.to_le_bytes(),
            b"data",
            &data.to_le_bytes(),
        ] {
            out.extend_from_slice(part);
        }
        for i in 0..n {
            let s = ((i as f32 * 0.06).sin() * 16000.0) as i16;
            out.extend_from_slice(&s.to_le_bytes());
        }
        out
    }

    #[test]
    fn a_whole_file_decodes_with_its_length() {
        let a = decode(&tone(1.5)).unwrap();
        assert_eq!((a.rate, a.channels), (22_050, 1));
        assert!((a.length.as_secs_f64() - 1.5).abs() < 0.001);
    }

    #[test]
    fn every_damaged_shape_is_named() {
        let good = tone(1.0);
        let mut cut = good.clone();
        cut.truncate(good.len() / 2);
        assert!(matches!(decode(&cut), Err(BadAudio::Truncated { .. })));
        assert_eq!(decode(&[]), Err(BadAudio::Empty));
        assert_eq!(decode(b"hello, world, not a wav"), Err(BadAudio::NotWav));
        assert_eq!(decode(&good[..44 - 8]), Err(BadAudio::NoData));
        let mut mp3 = good.clone();
        mp3[20] = 0x55;
        assert_eq!(decode(&mp3), Err(BadAudio::Encoding(0x55)));
        let mut stereo_lie = good.clone();
        stereo_lie[22] = 2;
        assert!(matches!(decode(&stereo_lie), Err(BadAudio::Layout { .. })));
        let mut silent = good.clone();
        silent[44..].fill(0);
        assert_eq!(decode(&silent), Err(BadAudio::Silent));
        let mut odd = good.clone();
        odd.push(0);
        let len = (odd.len() - 44) as u32;
        odd[40..44].copy_from_slice(&len.to_le_bytes());
        assert!(matches!(decode(&odd), Err(BadAudio::Truncated { .. })));
        let mut no_fmt = good.clone();
        no_fmt[12..16].copy_from_slice(b"junk");
        assert_eq!(decode(&no_fmt), Err(BadAudio::NoFormat));
    }

    #[test]
    fn lengths_far_from_the_words_are_refused() {
        let text = "Switch to the right side and breathe out slowly.";
        // Nine words at 160 a minute: about 3.4 s.
        assert!(plausible(Duration::from_secs_f64(3.0), text, 160).is_ok());
        assert!(plausible(Duration::from_secs_f64(1.2), text, 160).is_ok());
        assert!(plausible(Duration::from_secs_f64(0.3), text, 160).is_err());
        assert!(plausible(Duration::from_secs(60), text, 160).is_err());
        // One word is short at any rate, but never nothing.
        assert!(plausible(Duration::from_secs_f64(0.3), "Rest.", 400).is_ok());
        assert!(plausible(Duration::from_secs_f64(0.01), "Rest.", 160).is_err());
    }
}
