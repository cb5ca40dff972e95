//! Writing the built-in sounds as WAV files a user can audition or replace
//! (`knotless sounds --export DIR`): 16-bit PCM, mono, 48 kHz.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::Builtin;
use super::synth::{Maker, RATE};
use crate::fsx::Existing;

/// The WAV bytes of mono `samples` at `rate`, as 16-bit PCM.
pub fn encode(samples: &[f32], rate: u32) -> Vec<u8> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes()); // bytes per second
    out.extend_from_slice(&2u16.to_le_bytes()); // bytes per frame
    out.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        let v = (s.clamp(-1.0, 1.0) * 32767.0).round() as i16;
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Write every built-in sound into `dir` (created if missing) as
/// `NAME.wav`; the paths written, in order.
pub fn export_all(dir: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut maker = Maker::default();
    for &b in Builtin::ALL {
        let path = dir.join(format!("{}.wav", b.name()));
        // Never through a `bell.wav` link planted in the directory.
        crate::fsx::write_file(&path, &encode(&maker.render(b), RATE), Existing::Replace)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_files_decode_back_to_the_same_sound() {
        let dir = tempfile::tempdir().unwrap();
        let files = export_all(dir.path()).unwrap();
        assert_eq!(files.len(), Builtin::ALL.len());
        let bell = dir.path().join("bell.wav");
        let decoded: Vec<f32> = rodio::Decoder::try_from(fs::File::open(&bell).unwrap())
            .unwrap()
            .collect();
        let made = crate::sound::synth::render(Builtin::Bell);
        assert_eq!(decoded.len(), made.len());
        let worst = decoded
            .iter()
            .zip(&made)
            .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
        assert!(worst < 1.0 / 16000.0, "16-bit rounding only, not {worst}");
        assert!(super::super::file::check(&bell, "bell.wav").is_ok());
    }
}
