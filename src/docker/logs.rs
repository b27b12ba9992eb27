//! A container's log as a stream of whole lines, each tagged with the stream it was written
//! to (stdout or stderr kept apart) and Docker's timestamp, so lines of several containers can
//! be merged in time order. Translation only: which containers and how to print is the
//! command's business.

use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptionsBuilder;
use futures_util::{Stream, StreamExt as _};

use super::Daemon;

/// Which of the container's output streams a line was written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Stdout,
    Stderr,
}

/// One line of a container's log, without its newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub channel: Channel,
    /// RFC 3339 with nanoseconds, as Docker stamps it (sorts as text within one zone).
    pub timestamp: String,
    pub text: String,
}

/// What to read: the last `tail` lines (all when `None`), then new ones while `follow`.
#[derive(Debug, Clone, Copy)]
pub struct LogRequest {
    pub follow: bool,
    pub tail: Option<usize>,
}

/// The lines of `container`'s log as Docker sends them.
pub fn lines(
    daemon: &Daemon,
    container: &str,
    request: LogRequest,
) -> impl Stream<Item = anyhow::Result<LogLine>> + Send + 'static {
    let tail = request
        .tail
        .map_or_else(|| "all".to_string(), |n| n.to_string());
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .timestamps(true)
        .follow(request.follow)
        .tail(&tail)
        .build();
    let name = container.to_string();
    let mut pending = Pending::default();
    daemon
        .client()
        .logs(container, Some(options))
        .map(move |chunk| match chunk {
            Ok(output) => Ok(pending.push(output)),
            Err(e) => {
                Err(anyhow::Error::from(e).context(format!("cannot read the log of `{name}`")))
            }
        })
        .flat_map(|result| {
            futures_util::stream::iter(match result {
                Ok(lines) => lines.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            })
        })
}

/// Bytes of each channel not yet ended by a newline (Docker may split a line across frames).
#[derive(Default)]
struct Pending {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Pending {
    fn push(&mut self, output: LogOutput) -> Vec<LogLine> {
        let (channel, message) = match output {
            LogOutput::StdErr { message } => (Channel::Stderr, message),
            LogOutput::StdOut { message } | LogOutput::Console { message } => {
                (Channel::Stdout, message)
            }
            LogOutput::StdIn { .. } => return Vec::new(),
        };
        let buffer = match channel {
            Channel::Stdout => &mut self.stdout,
            Channel::Stderr => &mut self.stderr,
        };
        buffer.extend_from_slice(&message);
        let mut lines = Vec::new();
        while let Some(end) = buffer.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buffer.drain(..=end).collect();
            lines.push(parse(channel, &line[..end]));
        }
        lines
    }
}

/// `2026-01-02T03:04:05.123456789Z text` → the line; a line without a stamp keeps its text.
fn parse(channel: Channel, line: &[u8]) -> LogLine {
    let text = String::from_utf8_lossy(line);
    let text = text.strip_suffix('\r').unwrap_or(&text);
    match text.split_once(' ') {
        Some((stamp, rest)) if stamp.len() >= 20 && stamp.as_bytes()[4] == b'-' => LogLine {
            channel,
            timestamp: stamp.to_string(),
            text: rest.to_string(),
        },
        _ => LogLine {
            channel,
            timestamp: String::new(),
            text: text.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_frames_into_lines_per_channel_with_their_timestamps() {
        let mut pending = Pending::default();
        let out = |text: &str| LogOutput::StdOut {
            message: text.as_bytes().to_vec().into(),
        };
        let err = |text: &str| LogOutput::StdErr {
            message: text.as_bytes().to_vec().into(),
        };
        assert_eq!(
            pending.push(out("2026-01-02T03:04:05.000000001Z hel")),
            vec![]
        );
        assert_eq!(
            pending.push(err("2026-01-02T03:04:05.000000002Z oops\n")),
            vec![LogLine {
                channel: Channel::Stderr,
                timestamp: "2026-01-02T03:04:05.000000002Z".into(),
                text: "oops".into()
            }]
        );
        let lines = pending.push(out("lo\n2026-01-02T03:04:06.000000000Z world\n"));
        let texts: Vec<(&str, &str)> = lines
            .iter()
            .map(|l| (l.timestamp.as_str(), l.text.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                ("2026-01-02T03:04:05.000000001Z", "hello"),
                ("2026-01-02T03:04:06.000000000Z", "world")
            ]
        );
        assert!(lines.iter().all(|l| l.channel == Channel::Stdout));
    }
}
