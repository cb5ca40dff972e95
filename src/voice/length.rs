//! How long a rendered prompt lasts, from its WAV header: the script is
//! placed from what the engine really made, never from a guess at its
//! pace. Bounded: only the first few KiB are read.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// The most of a file read to find its `fmt ` and `data` chunks.
const HEADER_LIMIT: u64 = 8 * 1024;

/// The length of the PCM audio in the WAV file at `path`, if it is one.
pub fn wav_length(path: &Path) -> Option<Duration> {
    let file = File::open(path).ok()?;
    let size = file.metadata().ok()?.len();
    let mut head = Vec::new();
    file.take(HEADER_LIMIT).read_to_end(&mut head).ok()?;
    length_of(&head, size)
}

/// The audio length of a WAV whose first bytes are `head` and whole size
/// `size` (a streamed WAV may claim more data than it has: the file's
/// size is the bound).
pub fn length_of(head: &[u8], size: u64) -> Option<Duration> {
    if head.len() < 12 || &head[..4] != b"RIFF" || &head[8..12] != b"WAVE" {
        return None;
    }
    let u32_at = |i: usize| -> Option<u32> {
        head.get(i..i + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let mut at = 12;
    let mut byte_rate = None;
    while at + 8 <= head.len() {
        let id = &head[at..at + 4];
        let len = u32_at(at + 4)?;
        let body = at + 8;
        if id == b"fmt " {
            byte_rate = u32_at(body + 8).filter(|&r| r > 0);
        } else if id == b"data" {
            let left = size.saturating_sub(body as u64);
            let data = u64::from(len).min(left);
            return Some(Duration::from_secs_f64(data as f64 / f64::from(byte_rate?)));
        }
        at = body.checked_add(usize::try_from(len).ok()?)? + (len as usize & 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(rate: u32, samples: u32, claimed: u32) -> Vec<u8> {
        let mut w = Vec::new();
        w.extend_from_slice(b"RIFF");
        w.extend_from_slice(&(36 + samples * 2).to_le_bytes());
        w.extend_from_slice(b"WAVEfmt ");
        w.extend_from_slice(&16u32.to_le_bytes());
        w.extend_from_slice(&1u16.to_le_bytes());
        w.extend_from_slice(&1u16.to_le_bytes());
        w.extend_from_slice(&rate.to_le_bytes());
        w.extend_from_slice(&(rate * 2).to_le_bytes());
        w.extend_from_slice(&2u16.to_le_bytes());
        w.extend_from_slice(&16u16.to_le_bytes());
        w.extend_from_slice(b"data");
        w.extend_from_slice(&claimed.to_le_bytes());
        w.extend(std::iter::repeat_n(0u8, samples as usize * 2));
        w
    }

    #[test]
    fn the_length_comes_from_the_header_bounded_by_the_file() {
        let w = wav(22_050, 33_075, 66_150);
        assert_eq!(
            length_of(&w, w.len() as u64),
            Some(Duration::from_millis(1500))
        );
        // A streamed WAV claims all it could have; the file is the bound.
        let w = wav(16_000, 8_000, u32::MAX);
        assert_eq!(
            length_of(&w, w.len() as u64),
            Some(Duration::from_millis(500))
        );
        assert_eq!(length_of(b"RIFF....WAVE", 12), None);
        assert_eq!(length_of(b"not a wav at all", 16), None);
    }
}
