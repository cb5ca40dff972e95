//! The status line's messages, typed: each says its words in full and the
//! short mark it shrinks to after a while (`?` shows it in full again).
//! What a message is decides its mark, never its wording.

use std::borrow::Cow;

/// One message for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The sound output could not be opened or went away, and why.
    SoundOff(String),
    /// Muted with `m`.
    SoundMuted,
    /// The sound output answers again.
    SoundBack,
    /// Voice turned off with `v`.
    VoiceOff,
    /// What the voice says went wrong (an engine that failed or is slow).
    Voice(String),
    /// A session's history line could not be written, and why.
    HistoryNotSaved(String),
    /// The settings file has problems; the defaults stand in.
    SettingsProblems,
    /// Something the user asked for could not be done, and why.
    Trouble(String),
    /// What the user just did came out as asked ("Saved ...").
    Note(String),
}

impl Status {
    /// The message in full.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Status::SoundOff(why) => format!("Sound off: {why}").into(),
            Status::SoundMuted => "Sound muted · m to unmute".into(),
            Status::SoundBack => "Sound is back on".into(),
            Status::VoiceOff => "Voice off · v to turn on".into(),
            Status::HistoryNotSaved(why) => format!("History not saved: {why}").into(),
            Status::SettingsProblems => "Settings file has problems: run `knotless config`".into(),
            Status::Voice(text) | Status::Trouble(text) | Status::Note(text) => Cow::Borrowed(text),
        }
    }

    /// The short mark the message shrinks to: enough to see that
    /// something is off.
    pub fn mark(&self) -> &'static str {
        match self {
            Status::SoundOff(_) => "♪ off",
            Status::SoundMuted => "♪ muted",
            Status::SoundBack => "♪ on",
            Status::VoiceOff => "voice off",
            Status::Voice(_) => "⚠ voice",
            Status::HistoryNotSaved(_) => "⚠ history",
            Status::SettingsProblems => "⚠ settings",
            Status::Trouble(_) => "⚠ ?",
            Status::Note(_) => "?",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_message_has_its_words_and_a_short_mark() {
        let all = [
            Status::SoundOff("no sound server found".into()),
            Status::SoundMuted,
            Status::SoundBack,
            Status::VoiceOff,
            Status::Voice("Voice off: the engine failed".into()),
            Status::HistoryNotSaved("the disk is full".into()),
            Status::SettingsProblems,
            Status::Trouble("Cannot edit".into()),
            Status::Note("Saved neck".into()),
        ];
        for status in &all {
            let (text, mark) = (status.text(), status.mark());
            assert!(!text.is_empty() && !mark.is_empty(), "{status:?}");
            assert!(
                mark.chars().count() <= 10 && mark.len() < text.len(),
                "{status:?}"
            );
        }
        assert_eq!(all[0].text(), "Sound off: no sound server found");
        assert_eq!(all[5].text(), "History not saved: the disk is full");
        // The words of a message never change its mark.
        assert_eq!(Status::Note("Sound off".into()).mark(), "?");
    }
}
