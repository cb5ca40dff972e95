//! Linux output: the native PulseAudio protocol, in pure Rust (the
//! `pulseaudio` crate), to PulseAudio or PipeWire's Pulse server. No C
//! library at build or run time.
//!
//! One playback stream is fed from a rodio mixer by a callback on the
//! crate's reactor thread. That callback runs under the reactor's lock, so
//! it never blocks; an empty mixer becomes silence, because returning no
//! bytes would end the stream for good. Between sounds the stream is corked
//! (and flushed, or a stale tail would play on the next uncork): a corked
//! stream costs nothing, and uncorking takes about a millisecond.

use std::io;
use std::num::NonZero;
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use pulseaudio::protocol::stream::{BufferAttr, StreamFlags};
use pulseaudio::protocol::{
    self, ChannelMap, ChannelVolume, PlaybackStreamParams, Prop, Props, SampleFormat, SampleSpec,
};
use pulseaudio::{AsPlaybackSource, Client, ClientError, PlaybackStream};
use rodio::mixer::Mixer;
use rodio::{ChannelCount, SampleRate};

use super::block::wait;
use super::output::{Off, Output, Voice};

const CHANNELS: ChannelCount = NonZero::new(2).unwrap();
const RATE: SampleRate = NonZero::new(48_000).unwrap();
const FRAME_BYTES: usize = 2 * 4;
/// Asked of the server: small, so a sound starts promptly (the default
/// buffer is about two seconds).
const TARGET_LATENCY: Duration = Duration::from_millis(40);
/// The longest any call to the server may take.
const CALL_LIMIT: Duration = Duration::from_secs(1);
/// The handshake, on a socket with plain read and write timeouts.
const CONNECT_LIMIT: Duration = Duration::from_secs(2);

/// While the stream plays, the server asks for data every few tens of
/// milliseconds; asked for nothing this long, it has gone away.
const SILENT_SERVER: Duration = Duration::from_millis(500);

pub struct Pulse {
    // Kept alive with the stream; the reactor thread serves both.
    _client: Client,
    /// When the server last asked for data, in milliseconds from `opened`.
    last_fill: Arc<AtomicU64>,
    opened: Instant,
    uncorked: Instant,
    stream: PlaybackStream,
    mixer: Mixer,
    corked: bool,
    socket: PathBuf,
    server: String,
    latency: Duration,
}

impl Pulse {
    /// Find the server, connect, and make a corked stream.
    pub fn open() -> Result<Self, Off> {
        let (socket, path) = connect()?;
        let _ = socket.set_read_timeout(Some(CONNECT_LIMIT));
        let _ = socket.set_write_timeout(Some(CONNECT_LIMIT));
        let client = Client::new_unix(c"knotless", socket, Some(cookie()))
            .map_err(|e| refused(&path, &e))?;
        let server = wait(client.server_info(), CALL_LIMIT)
            .and_then(Result::ok)
            .map(|info| {
                let name = info.server_name.map(|n| n.to_string_lossy().into_owned());
                let version = info
                    .server_version
                    .map(|v| v.to_string_lossy().into_owned());
                [name, version]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();

        let (mixer, mut source) = rodio::mixer::mixer(CHANNELS, RATE);
        let opened = Instant::now();
        let last_fill = Arc::new(AtomicU64::new(0));
        let heard = last_fill.clone();
        let fill = move |buf: &mut [u8]| -> usize {
            // This runs on the crate's reactor thread: keep its panics quiet.
            super::guard::quiet_thread();
            heard.store(opened.elapsed().as_millis() as u64, Ordering::Relaxed);
            let whole = buf.len() / FRAME_BYTES * FRAME_BYTES;
            for bytes in buf[..whole].chunks_exact_mut(4) {
                let s = source.next().unwrap_or(0.0);
                bytes.copy_from_slice(&s.to_le_bytes());
            }
            if whole == 0 {
                // Never answer with no bytes: that would end the stream.
                buf.fill(0);
                return buf.len();
            }
            whole
        };
        let stream = wait(
            client.create_playback_stream(params(), fill.as_playback_source()),
            CALL_LIMIT,
        )
        .ok_or_else(|| not_answering(&path))?
        .map_err(|e| refused(&path, &e))?;
        let attr = stream.buffer_attr();
        let bytes_per_second = (RATE.get() as usize * FRAME_BYTES) as f64;
        let buffered = Duration::from_secs_f64(f64::from(attr.target_length) / bytes_per_second);
        Ok(Self {
            _client: client,
            last_fill,
            opened,
            uncorked: opened,
            stream,
            mixer,
            corked: true,
            socket: path,
            server,
            // The server's buffer, plus the sink's own: allow as much again.
            latency: buffered * 2,
        })
    }

    fn gone(&self) -> Off {
        Off::new(
            "the sound server stopped answering",
            format!(
                "the sound server at {} stopped answering; knotless stays silent for the rest of this run",
                self.socket.display()
            ),
        )
    }

    fn call<F>(&self, f: F) -> Result<(), Off>
    where
        F: Future<Output = Result<(), ClientError>>,
    {
        match wait(f, CALL_LIMIT) {
            Some(Ok(())) => Ok(()),
            _ => Err(self.gone()),
        }
    }
}

impl Output for Pulse {
    fn play(&mut self, voice: Voice) -> Result<(), Off> {
        if !self.corked {
            // No call to the server goes out while it plays: a server that
            // died shows in its silence.
            let filled =
                self.opened + Duration::from_millis(self.last_fill.load(Ordering::Relaxed));
            if filled.max(self.uncorked).elapsed() > SILENT_SERVER {
                return Err(self.gone());
            }
        }
        self.mixer.add(voice);
        if self.corked {
            self.call(self.stream.uncork())?;
            self.corked = false;
            self.uncorked = Instant::now();
        }
        Ok(())
    }

    fn idle(&mut self) -> Result<(), Off> {
        if !self.corked {
            self.call(self.stream.cork())?;
            self.corked = true;
            self.call(self.stream.flush())?;
        }
        Ok(())
    }

    fn drain(&mut self, limit: Duration) {
        if !self.corked {
            // A stream the server killed never answers: the limit ends it.
            let _ = wait(self.stream.drain(), limit);
        }
    }

    fn latency(&self) -> Duration {
        self.latency
    }

    fn describe(&self) -> String {
        let server = if self.server.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.server)
        };
        format!(
            "PulseAudio protocol at unix:{}{server}",
            self.socket.display()
        )
    }
}

/// The server reads a cookie of exactly 256 bytes and drops a client that
/// sends any other length: with no cookie file (anonymous access), send
/// zeros, as libpulse does.
fn cookie() -> Vec<u8> {
    const LENGTH: usize = 256;
    pulseaudio::cookie_path_from_env()
        .and_then(|p| std::fs::read(p).ok())
        .filter(|c| c.len() == LENGTH)
        .unwrap_or_else(|| vec![0; LENGTH])
}

fn params() -> PlaybackStreamParams {
    let mut props = Props::new();
    props.set(Prop::MediaName, c"knotless prompts");
    props.set(Prop::MediaRole, c"event");
    let bytes = |d: Duration| (d.as_secs_f64() * RATE.get() as f64) as u32 * FRAME_BYTES as u32;
    PlaybackStreamParams {
        sample_spec: SampleSpec {
            format: SampleFormat::Float32Le,
            channels: CHANNELS.get() as u8,
            sample_rate: RATE.get(),
        },
        channel_map: ChannelMap::stereo(),
        sink_name: Some(protocol::DEFAULT_SINK.to_owned()),
        buffer_attr: BufferAttr {
            target_length: bytes(TARGET_LATENCY),
            ..BufferAttr::default()
        },
        cvolume: Some(ChannelVolume::norm(CHANNELS.get() as u8)),
        props,
        flags: StreamFlags {
            start_corked: true,
            adjust_latency: true,
            ..StreamFlags::default()
        },
        ..PlaybackStreamParams::default()
    }
}

/// The sockets to try, in PulseAudio's own order: `PULSE_SERVER` alone
/// when it is set; else the runtime directories.
fn candidates() -> Result<(Vec<PathBuf>, bool), Off> {
    if let Some(server) = std::env::var_os("PULSE_SERVER").filter(|s| !s.is_empty()) {
        let server = server.to_string_lossy().into_owned();
        let paths: Vec<PathBuf> = server.split_whitespace().filter_map(unix_path).collect();
        if paths.is_empty() {
            return Err(Off::new(
                "PULSE_SERVER is not a local socket",
                format!(
                    "PULSE_SERVER is set to `{server}`, which is not a local socket knotless can use; point it at one (like unix:/run/user/1000/pulse/native) or unset it"
                ),
            ));
        }
        return Ok((paths, true));
    }
    let mut paths = Vec::new();
    if let Some(dir) = std::env::var_os("PULSE_RUNTIME_PATH").filter(|s| !s.is_empty()) {
        paths.push(PathBuf::from(dir).join("native"));
    }
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|s| !s.is_empty()) {
        Some(dir) => paths.push(PathBuf::from(dir).join("pulse/native")),
        None => {
            if let Ok(me) = std::fs::metadata("/proc/self") {
                paths.push(PathBuf::from(format!(
                    "/run/user/{}/pulse/native",
                    me.uid()
                )));
            }
        }
    }
    // A system-wide server.
    paths.push(PathBuf::from("/run/pulse/native"));
    Ok((paths, false))
}

/// `unix:/path`, `/path` or `{machine-id}unix:/path`; not network servers.
fn unix_path(entry: &str) -> Option<PathBuf> {
    let entry = match entry.strip_prefix('{') {
        Some(rest) => rest.split_once('}')?.1,
        None => entry,
    };
    let path = entry.strip_prefix("unix:").unwrap_or(entry);
    path.starts_with('/').then(|| PathBuf::from(path))
}

/// Connect to the first candidate socket that answers.
fn connect() -> Result<(UnixStream, PathBuf), Off> {
    let (paths, from_env) = candidates()?;
    let mut first_failure: Option<Off> = None;
    for path in &paths {
        if !path.exists() {
            continue;
        }
        match UnixStream::connect(path) {
            Ok(socket) => return Ok((socket, path.clone())),
            Err(e) => {
                first_failure.get_or_insert_with(|| cannot_connect(path, &e));
            }
        }
    }
    Err(first_failure.unwrap_or_else(|| {
        if from_env {
            let list = paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            Off::new(
                "no sound server found",
                format!(
                    "no sound server at {list} (from PULSE_SERVER); start PulseAudio or PipeWire, or point PULSE_SERVER at a running one"
                ),
            )
        } else {
            Off::new(
                "no sound server found",
                "no sound server found: start PulseAudio or PipeWire (pipewire-pulse), or set PULSE_SERVER to its socket",
            )
        }
    }))
}

fn cannot_connect(path: &Path, e: &io::Error) -> Off {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => Off::new(
            "the sound server is not running",
            format!(
                "nothing answers at {}: the sound server is not running; start PulseAudio or PipeWire",
                path.display()
            ),
        ),
        io::ErrorKind::PermissionDenied => Off::new(
            "no permission to use the sound server",
            format!(
                "no permission to use the sound server at {}; run knotless as the user who owns it",
                path.display()
            ),
        ),
        _ => Off::new(
            "cannot reach the sound server",
            format!(
                "cannot connect to the sound server at {}: {e}",
                path.display()
            ),
        ),
    }
}

fn not_answering(path: &Path) -> Off {
    Off::new(
        "the sound server did not answer",
        format!(
            "the sound server at {} did not answer in time; restart it (or PipeWire) and try again",
            path.display()
        ),
    )
}

fn refused(path: &Path, e: &ClientError) -> Off {
    match e {
        ClientError::ServerError(err) => Off::new(
            "the sound server refused knotless",
            format!(
                "the sound server at {} refused knotless ({err:?}); check its access settings and the cookie in PULSE_COOKIE or ~/.config/pulse/cookie",
                path.display()
            ),
        ),
        ClientError::Io(io)
            if matches!(
                io.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            not_answering(path)
        }
        other => Off::new(
            "cannot talk to the sound server",
            format!(
                "cannot talk to the sound server at {}: {other:?}",
                path.display()
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulse_server_entries() {
        assert_eq!(
            unix_path("unix:/tmp/x/native"),
            Some("/tmp/x/native".into())
        );
        assert_eq!(unix_path("/tmp/x/native"), Some("/tmp/x/native".into()));
        assert_eq!(
            unix_path("{0123abcd}unix:/run/user/1000/pulse/native"),
            Some("/run/user/1000/pulse/native".into())
        );
        assert_eq!(unix_path("tcp:localhost:4713"), None);
        assert_eq!(unix_path("localhost"), None);
    }
}
