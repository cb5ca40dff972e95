//! `knotless history --export csv`: one row per session, oldest first, for
//! a spreadsheet. Every line of every machine's history file is a row,
//! previews too (marked), so the sums are the user's to make.

use crate::history::Record;
use crate::text::escape_inline;

const HEADER: &str = "started,date,time,routine_id,routine_name,outcome,planned_seconds,practised_seconds,paused_seconds,steps,steps_done,tension_before,tension_after,preview";

/// The rows, with a header, in the order the sessions began.
pub fn csv(records: &[Record]) -> String {
    let mut sorted: Vec<&Record> = records.iter().collect();
    sorted.sort_by_key(|r| r.started.timestamp());
    let mut out = String::from(HEADER);
    out.push_str("\r\n");
    for r in sorted {
        let tension = |t: Option<u8>| t.map_or(String::new(), |t| t.to_string());
        let fields = [
            r.started
                .timestamp()
                .display_with_offset(r.started.offset())
                .to_string(),
            r.started.strftime("%Y-%m-%d").to_string(),
            r.started.strftime("%H:%M").to_string(),
            field(&r.routine_id),
            field(&r.routine_name),
            if r.finished() { "finished" } else { "stopped" }.to_owned(),
            r.planned_seconds.to_string(),
            r.practised_seconds.to_string(),
            r.paused_seconds.to_string(),
            r.steps.to_string(),
            r.steps_done.to_string(),
            tension(r.tension_before),
            tension(r.tension_after),
            r.preview.to_string(),
        ];
        out.push_str(&fields.join(","));
        // RFC 4180 ends rows with CRLF; spreadsheets read either.
        out.push_str("\r\n");
    }
    out
}

/// A text field: control characters written out (it may be printed to a
/// terminal), a leading `=`, `+`, `-` or `@` made plain text (so a
/// spreadsheet does not run it as a formula), quoted when it must be.
fn field(text: &str) -> String {
    let mut text = escape_inline(text).into_owned();
    if text.starts_with(['=', '+', '-', '@']) {
        text.insert(0, '\'');
    }
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(line: &str) -> Record {
        serde_json::from_str(line).unwrap()
    }

    #[test]
    fn one_row_per_session_oldest_first_with_a_header() {
        let records = [
            record(
                r#"{"v":1,"started":"2026-03-10T07:30:00+01:00","routine_id":"daily-back","routine_name":"Daily back, \"reset\"","planned_seconds":729,"practised_seconds":729,"outcome":"finished","steps":10,"steps_done":10,"tension_before":7,"tension_after":4}"#,
            ),
            record(
                r#"{"v":1,"started":"2026-03-09T21:00:00+01:00","routine_id":"x","routine_name":"=HYPERLINK(1)","planned_seconds":600,"practised_seconds":190,"paused_seconds":12,"outcome":"stopped","steps":4,"steps_done":1,"preview":true}"#,
            ),
        ];
        assert_eq!(
            csv(&records),
            format!(
                "{HEADER}\r\n\
                 2026-03-09T21:00:00+01:00,2026-03-09,21:00,x,'=HYPERLINK(1),stopped,600,190,12,4,1,,,true\r\n\
                 2026-03-10T07:30:00+01:00,2026-03-10,07:30,daily-back,\"Daily back, \"\"reset\"\"\",finished,729,729,0,10,10,7,4,false\r\n"
            )
        );
    }

    #[test]
    fn no_sessions_is_the_header_alone() {
        assert_eq!(csv(&[]), format!("{HEADER}\r\n"));
    }
}
