//! `stackctl logs [SERVICE…] [-f] [--tail N] [-t]`: the services' logs through the Docker API,
//! each line prefixed like docker compose (`prometheus-1  | …`). A program's stdout goes to
//! stdout and its stderr to stderr. Without `--follow` the lines of every service are merged
//! in time order; with it, they are printed as they arrive until every container stops or
//! the command is interrupted. Works from the project's containers by label, so it needs no
//! render and shows what a previous manifest deployed too.

use std::io::Write as _;
use std::process::ExitCode;

use futures_util::StreamExt as _;

use super::session;
use crate::cli::{GlobalArgs, LogsArgs};
use crate::docker::logs::{self, Channel, LogLine, LogRequest};
use crate::docker::{Engine, ObservedContainer};
use crate::error::CommandError;
use crate::labels;
use crate::suggest::did_you_mean;

pub fn exec(global: &GlobalArgs, args: LogsArgs) -> anyhow::Result<ExitCode> {
    let loaded = super::load_manifest(global)?;
    let project = loaded.manifest.project;
    session::runtime()?.block_on(async {
        let engine = session::connect().await?;
        let containers = engine.list_containers(&project).await?;
        let chosen = choose(&containers, &args.services, &project)?;
        let sources: Vec<Source> = chosen.iter().map(|c| Source::of(c)).collect();
        let width = sources.iter().map(|s| s.prefix.len()).max().unwrap_or(0);
        let request = LogRequest {
            follow: args.follow,
            tail: args.tail,
        };
        let print = Printer {
            width,
            timestamps: args.timestamps,
        };
        let streams = sources.into_iter().map(|source| {
            let prefix = source.prefix;
            logs::lines(&engine, &source.id, request).map(move |line| (prefix.clone(), line))
        });
        if args.follow {
            let mut merged = futures_util::stream::select_all(streams);
            while let Some((prefix, line)) = merged.next().await {
                if !print.line(&prefix, &line?) {
                    break;
                }
            }
        } else {
            let mut all: Vec<(String, LogLine)> = Vec::new();
            for stream in streams {
                let lines: Vec<(String, anyhow::Result<LogLine>)> = stream.collect().await;
                for (prefix, line) in lines {
                    all.push((prefix, line?));
                }
            }
            all.sort_by(|a, b| a.1.timestamp.cmp(&b.1.timestamp));
            for (prefix, line) in &all {
                if !print.line(prefix, line) {
                    break;
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// A container to read, and the prefix its lines carry (`prometheus-1`).
struct Source {
    id: String,
    prefix: String,
}

impl Source {
    fn of(container: &ObservedContainer) -> Self {
        let number = container
            .label(labels::CONTAINER_NUMBER)
            .unwrap_or("1")
            .to_string();
        Self {
            id: container.id.clone(),
            prefix: format!("{}-{number}", container.service),
        }
    }
}

/// The containers of the services asked for (all when none), in service order. A name that
/// is no service of the project is bad input (exit 2); no container at all is a failure.
fn choose<'a>(
    containers: &'a [ObservedContainer],
    wanted: &[String],
    project: &str,
) -> anyhow::Result<Vec<&'a ObservedContainer>> {
    if containers.is_empty() {
        return Err(
            CommandError::failure(format!("stack `{project}` has no containers"))
                .hint("run `stackctl deploy` first")
                .into(),
        );
    }
    let mut services: Vec<&str> = containers.iter().map(|c| c.service.as_str()).collect();
    services.sort_unstable();
    services.dedup();
    for name in wanted {
        if !services.contains(&name.as_str()) {
            let hint = match did_you_mean(name, &services) {
                Some(close) => format!("did you mean `{close}`? services: {}", services.join(", ")),
                None => format!("services with a container: {}", services.join(", ")),
            };
            return Err(CommandError::usage(format!(
                "stack `{project}` has no service `{name}` with a container"
            ))
            .hint(hint)
            .into());
        }
    }
    let mut chosen: Vec<&ObservedContainer> = containers
        .iter()
        .filter(|c| wanted.is_empty() || wanted.contains(&c.service))
        .collect();
    chosen.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(chosen)
}

/// Writes lines with their prefix padded to one width, as compose does.
struct Printer {
    width: usize,
    timestamps: bool,
}

impl Printer {
    /// `false` once the reader has gone (a closed pipe, `| head`): stop quietly.
    fn line(&self, prefix: &str, line: &LogLine) -> bool {
        let text = format_line(prefix, self.width, self.timestamps, line);
        let written = match line.channel {
            Channel::Stdout => writeln!(std::io::stdout().lock(), "{text}"),
            Channel::Stderr => writeln!(std::io::stderr().lock(), "{text}"),
        };
        written.is_ok()
    }
}

/// `prometheus-1  | text`: the prefix padded to the longest one plus a space, then `| `.
fn format_line(prefix: &str, width: usize, timestamps: bool, line: &LogLine) -> String {
    let stamp = if timestamps && !line.timestamp.is_empty() {
        format!("{} ", line.timestamp)
    } else {
        String::new()
    };
    format!("{prefix:<pad$} | {stamp}{}", line.text, pad = width + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> LogLine {
        LogLine {
            channel: Channel::Stdout,
            timestamp: "2026-01-02T03:04:05.000000001Z".into(),
            text: text.into(),
        }
    }

    #[test]
    fn prefixes_lines_like_compose() {
        let width = "alertmanager-1".len();
        assert_eq!(
            format_line("prometheus-1", width, false, &line("ready")),
            "prometheus-1    | ready"
        );
        assert_eq!(
            format_line("alertmanager-1", width, false, &line("up")),
            "alertmanager-1  | up"
        );
        assert_eq!(
            format_line("alertmanager-1", width, true, &line("up")),
            "alertmanager-1  | 2026-01-02T03:04:05.000000001Z up"
        );
    }
}
