//! Why a task failed, for the operator: Swarm's error for the newest failed task and the
//! program's own error lines from its container (a program that rejects a flag or a config
//! prints the reason first and its usage after it, so the last lines alone often miss it).

use crate::docker::swarm::{ObservedService, ObservedTask};
use crate::docker::{Daemon, Engine};

/// How many log lines are searched for the program's error.
const SEARCHED: usize = 200;
/// How many lines are shown.
const SHOWN: usize = 5;

/// The newest failed task's error and the lines of its log that say what went wrong.
pub async fn last_error(
    daemon: &Daemon,
    service: &ObservedService,
    tasks: &[ObservedTask],
) -> String {
    let mut failed: Vec<&ObservedTask> = tasks
        .iter()
        .filter(|t| t.service_id == service.id && (t.state == "failed" || t.error.is_some()))
        .collect();
    failed.sort_by(|a, b| b.timestamp.cmp(&a.timestamp));
    let Some(task) = failed.first() else {
        return String::new();
    };
    let mut text = format!(
        "\n  task error: {}",
        task.error.clone().unwrap_or_else(|| task.message.clone())
    );
    if let Some(container) = &task.container_id {
        if let Ok(logs) = daemon.logs_tail(container, SEARCHED).await {
            for line in error_lines(&logs) {
                text.push_str(&format!("\n  | {line}"));
            }
        }
    }
    text
}

/// The last lines that report an error (`level=error`, `err=`, `Error …`), else the last lines.
pub(crate) fn error_lines(logs: &str) -> Vec<&str> {
    let lines: Vec<&str> = logs
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let errors: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| {
            let lower = l.to_ascii_lowercase();
            lower.contains("level=error")
                || lower.contains("err=")
                || lower.trim_start().starts_with("error")
                || lower.contains(" error:")
        })
        .collect();
    let chosen = if errors.is_empty() { lines } else { errors };
    chosen[chosen.len().saturating_sub(SHOWN)..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_programs_error_is_found_above_its_usage_text() {
        let mut logs = String::from(
            "Error parsing commandline arguments: not a valid duration string: \"not-a-duration\"\nusage: prometheus [<flags>]\n",
        );
        for i in 0..40 {
            logs.push_str(&format!("      --flag{i}=x   help text\n"));
        }
        assert_eq!(
            error_lines(&logs),
            ["Error parsing commandline arguments: not a valid duration string: \"not-a-duration\""]
        );
        let logfmt = "ts=1 level=info msg=start\nts=2 level=error msg=\"Error loading config\" err=\"bad\"\nts=3 level=info msg=bye\n";
        assert_eq!(
            error_lines(logfmt),
            ["ts=2 level=error msg=\"Error loading config\" err=\"bad\""]
        );
        assert_eq!(error_lines("a\nb\n\n"), ["a", "b"]);
    }
}
