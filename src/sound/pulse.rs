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
//!
//! Woken before a session (`Output::wake`), a second stream plays silence
//! until the first sound: the sink, and the device behind it, keep running,
//! so the first sound starts as promptly as the later ones. It has a long
//! buffer, so the server asks it for data a few times a second (the prompt
//! stream, with its short buffer, is asked a hundred times a second, and
//! each request costs the reactor thread a zeroed megabyte).

use std::ffi::CStr;
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
use super::sink::{Off, Output, Voice};

const CHANNELS: ChannelCount = NonZero::new(2).unwrap();
const RATE: SampleRate = NonZero::new(48_000).unwrap();
const FRAME_BYTES: usize = 2 * 4;
/// Asked of the server: small, so a sound starts promptly (the default
/// buffer is about two seconds).
const TARGET_LATENCY: Duration = Duration::from_millis(40);
/// The longest any call to the server may take.
const CALL_LIMIT: Duration = Duration::from_secs(1);
/// Reaching the socket: a server whose queue of waiting clients is full
/// (wedged) would keep a plain `connect` waiting for ever.
const CONNECT_LIMIT: Duration = Duration::from_millis(500);
/// The handshake, on a socket with plain read and write timeouts.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(1);

/// While the stream plays, the server asks for data every few tens of
/// milliseconds; asked for nothing this long, it may have gone away, and
/// is asked (within `CALL_LIMIT`) before it is given up on.
const SILENT_SERVER: Duration = Duration::from_millis(500);
/// The silent stream that keeps the output awake: its buffer, and how much
/// the server asks for at a time.
const KEEPER_BUFFER: Duration = Duration::from_millis(500);
const KEEPER_REQUEST: Duration = Duration::from_millis(200);

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
    /// The silent stream that keeps the output awake, once made.
    keeper: Option<PlaybackStream>,
    /// The keeper plays.
    keeping: bool,
    socket: PathBuf,
    server: String,
    latency: Duration,
}

impl Pulse {
    /// Find the server, connect, and make a corked stream.
    pub fn open() -> Result<Self, Off> {
        let (socket, path) = connect()?;
        let _ = socket.set_read_timeout(Some(HANDSHAKE_LIMIT));
        let _ = socket.set_write_timeout(Some(HANDSHAKE_LIMIT));
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
        let buffer = BufferAttr {
            target_length: bytes(TARGET_LATENCY),
            ..BufferAttr::default()
        };
        let stream = wait(
            client.create_playback_stream(
                params(c"knotless prompts", buffer, PROMPTS, true),
                fill.as_playback_source(),
            ),
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
            keeper: None,
            keeping: false,
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

    /// Start the keeper (made the first time), unless it plays.
    fn keep_awake(&mut self) -> Result<(), Off> {
        if self.keeping {
            return Ok(());
        }
        match &self.keeper {
            Some(keeper) => self.call(keeper.uncork())?,
            None => {
                let silence = |buf: &mut [u8]| -> usize {
                    buf.fill(0);
                    buf.len()
                };
                let buffer = BufferAttr {
                    target_length: bytes(KEEPER_BUFFER),
                    minimum_request_length: bytes(KEEPER_REQUEST),
                    ..BufferAttr::default()
                };
                let params = params(
                    c"knotless (keeping the output awake)",
                    buffer,
                    KEEPER,
                    false,
                );
                let made = wait(
                    self._client
                        .create_playback_stream(params, silence.as_playback_source()),
                    CALL_LIMIT,
                );
                match made {
                    Some(Ok(keeper)) => self.keeper = Some(keeper),
                    _ => return Err(self.gone()),
                }
            }
        }
        self.keeping = true;
        Ok(())
    }

    /// Stop the keeper, if it plays. What it holds is silence: no flush.
    fn let_rest(&mut self) -> Result<(), Off> {
        if let Some(keeper) = self.keeper.as_ref().filter(|_| self.keeping) {
            self.call(keeper.cork())?;
            self.keeping = false;
        }
        Ok(())
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
            // died shows in its silence. But silence alone is not proof: a
            // healthy PulseAudio may go on without asking for data (a
            // stream left waiting to prebuffer, prompts close together).
            // So it is asked: only a server that does not answer is given
            // up on; one that answers gets its stream started afresh.
            let filled =
                self.opened + Duration::from_millis(self.last_fill.load(Ordering::Relaxed));
            let quiet = filled.max(self.uncorked).elapsed();
            if quiet > SILENT_SERVER {
                self.call(self.stream.cork())?;
                self.corked = true;
                self.call(self.stream.flush())?;
                tracing::info!(
                    "sound: the server asked for no data in {} ms but answers: its stream was started again",
                    quiet.as_millis()
                );
            }
        }
        self.mixer.add(voice);
        if self.corked {
            self.call(self.stream.uncork())?;
            self.corked = false;
            self.uncorked = Instant::now();
        }
        // The prompt stream keeps the output awake now.
        self.let_rest()
    }

    fn wake(&mut self) -> Result<(), Off> {
        if self.corked {
            self.keep_awake()?;
        }
        Ok(())
    }

    fn idle(&mut self) -> Result<(), Off> {
        if !self.corked {
            self.call(self.stream.cork())?;
            self.corked = true;
            self.call(self.stream.flush())?;
        }
        self.let_rest()
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

/// `d` of sound, in bytes.
fn bytes(d: Duration) -> u32 {
    (d.as_secs_f64() * RATE.get() as f64) as u32 * FRAME_BYTES as u32
}

/// Each stream's sync group: streams of one group are corked and uncorked
/// together, so the two streams must not share one.
const PROMPTS: u32 = 0;
const KEEPER: u32 = 1;

fn params(
    name: &CStr,
    buffer_attr: BufferAttr,
    sync_id: u32,
    start_corked: bool,
) -> PlaybackStreamParams {
    let mut props = Props::new();
    props.set(Prop::MediaName, name);
    props.set(Prop::MediaRole, c"event");
    PlaybackStreamParams {
        sample_spec: SampleSpec {
            format: SampleFormat::Float32Le,
            channels: CHANNELS.get() as u8,
            sample_rate: RATE.get(),
        },
        channel_map: ChannelMap::stereo(),
        sink_name: Some(protocol::DEFAULT_SINK.to_owned()),
        buffer_attr,
        sync_id,
        cvolume: Some(ChannelVolume::norm(CHANNELS.get() as u8)),
        props,
        flags: StreamFlags {
            start_corked,
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
        match connect_within(path, CONNECT_LIMIT) {
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

/// `UnixStream::connect`, but waiting at most `limit` for a server that
/// does not take the connection. Linux waits in `connect` for room in the
/// server's queue for as long as the socket's send timeout, then fails with
/// `EAGAIN`; so the timeout is set before connecting.
fn connect_within(path: &Path, limit: Duration) -> io::Result<UnixStream> {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;

    let bytes = path.as_os_str().as_bytes();
    // SAFETY: a zeroed sockaddr_un is a valid value of the type.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    if bytes.len() >= addr.sun_path.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the socket path is too long",
        ));
    }
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (to, &from) in addr.sun_path.iter_mut().zip(bytes) {
        *to = from as libc::c_char;
    }
    // SAFETY: plain system calls on a descriptor owned right away.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a new descriptor that nothing else owns.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    let timeout = libc::timeval {
        tv_sec: limit.as_secs() as libc::time_t,
        tv_usec: limit.subsec_micros() as libc::suseconds_t,
    };
    // SAFETY: `timeout` and `addr` live across the calls; sizes are theirs.
    let connected = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_SNDTIMEO,
            (&raw const timeout).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        ) == 0
            && libc::connect(
                fd,
                (&raw const addr).cast(),
                std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t,
            ) == 0
    };
    if !connected {
        let e = io::Error::last_os_error();
        return Err(match e.kind() {
            io::ErrorKind::WouldBlock => io::Error::new(io::ErrorKind::TimedOut, e),
            _ => e,
        });
    }
    Ok(UnixStream::from(owned))
}

fn cannot_connect(path: &Path, e: &io::Error) -> Off {
    match e.kind() {
        io::ErrorKind::TimedOut => not_answering(path),
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
    if let ClientError::ServerError(_) = e {
        return Off::new(
            "the sound server refused knotless",
            format!(
                "the sound server at {} refused knotless; check its access settings and the cookie in PULSE_COOKIE or ~/.config/pulse/cookie",
                path.display()
            ),
        );
    }
    // The I/O error may sit under a protocol error: look down the chain.
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cause {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            return match io.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => not_answering(path),
                _ => Off::new(
                    "the sound server closed the connection",
                    format!(
                        "the sound server at {} closed the connection ({}); restart it (or PipeWire) and try again",
                        path.display(),
                        plain_io(io)
                    ),
                ),
            };
        }
        cause = err.source();
    }
    Off::new(
        "cannot talk to the sound server",
        format!(
            "the sound server at {} answered in a way knotless does not understand; restart it (or PipeWire) and try again",
            path.display()
        ),
    )
}

/// An I/O error in words, without Rust's debug form.
fn plain_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => "it went away".into(),
        io::ErrorKind::UnexpectedEof => "it hung up".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;

    /// A server whose queue of waiting clients is full: it never calls
    /// `accept`, and others already wait in its queue.
    fn wedged_server(dir: &Path) -> (UnixListener, Vec<UnixStream>, PathBuf) {
        let path = dir.join("native");
        let listener = UnixListener::bind(&path).unwrap();
        let mut waiting = Vec::new();
        // The queue takes `backlog + 1` (128 by default): fill it.
        while let Ok(s) = connect_within(&path, Duration::from_millis(50)) {
            waiting.push(s);
            assert!(waiting.len() < 10_000, "the queue never filled");
        }
        (listener, waiting, path)
    }

    #[test]
    fn a_wedged_server_is_given_up_on_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let (_server, _waiting, path) = wedged_server(dir.path());
        let start = Instant::now();
        let e = connect_within(&path, Duration::from_millis(300)).unwrap_err();
        let waited = start.elapsed();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(
            waited >= Duration::from_millis(250) && waited < Duration::from_secs(2),
            "{waited:?}"
        );
        let off = cannot_connect(&path, &e);
        assert_eq!(off.short, "the sound server did not answer");
    }

    #[test]
    fn a_server_that_accepts_and_never_answers_is_said_in_plain_words() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("native");
        let _server = UnixListener::bind(&path).unwrap();
        let socket = connect_within(&path, CONNECT_LIMIT).unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let e = Client::new_unix(c"knotless", socket, Some(cookie()))
            .err()
            .unwrap();
        let off = refused(&path, &e);
        assert_eq!(off.short, "the sound server did not answer", "{off:?}");
        for words in [&off.short, &off.advice] {
            assert!(!words.contains("Os {") && !words.contains("Io("), "{words}");
        }
    }

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
