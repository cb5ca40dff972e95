//! What the voice tells the status line: one type, so the words live in
//! one place and the status line can take them as they are. Voice that
//! fails is never silent about it: voice off, an engine given up on, and
//! prompts that went unsaid (the last at most once a minute, `NEWS_EVERY`).

use std::time::Duration;

use super::Decision;
use super::engine::RenderError;

/// At most one line about skipped prompts in this long.
pub const NEWS_EVERY: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoiceNews {
    /// No engine will speak this session; why.
    Off(String),
    /// An engine failed or was not found; the next one speaks from now on.
    FellBack {
        from: String,
        why: String,
        to: String,
    },
    /// A prompt's audio was not ready at its moment.
    Slow,
    /// A prompt's audio was refused: it does not decode, or not whole.
    Unplayable,
    /// The engine failed on a prompt (another engine may have said the rest).
    Failed(String),
    /// A prompt came due while knotless was held up, and was let go.
    Late,
}

impl VoiceNews {
    /// The news for a prompt that went unsaid for `why`; `failure` is the
    /// render error when its engine failed on it.
    pub fn skipped(why: &Decision, failure: Option<&RenderError>) -> Option<Self> {
        match why {
            Decision::Play(_) => None,
            Decision::NotReady => Some(VoiceNews::Slow),
            Decision::Late => Some(VoiceNews::Late),
            // No failure of its own: voice went off, which was told.
            Decision::Failed => failure.map(|f| match f {
                RenderError::Unplayable(_) | RenderError::TooMuch => VoiceNews::Unplayable,
                RenderError::TimedOut(_) => VoiceNews::Slow,
                other => VoiceNews::Failed(other.to_string()),
            }),
        }
    }
}

impl std::fmt::Display for VoiceNews {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VoiceNews::Off(why) => write!(f, "Voice off: {why}"),
            VoiceNews::FellBack { from, why, to } => {
                write!(f, "Voice: {from} {why}; speaking with {to}")
            }
            VoiceNews::Slow => f.write_str("Voice: prompts skipped, the engine is slow"),
            VoiceNews::Unplayable => {
                f.write_str("Voice: prompts skipped, the engine's audio cannot be played")
            }
            VoiceNews::Failed(why) => write!(f, "Voice: prompts skipped, the engine {why}"),
            VoiceNews::Late => f.write_str("Voice: prompts skipped, they came due too late"),
        }
    }
}
