//! Grafana Alloy, the default log shipper (`alloy/config.alloy`): Docker container logs and host
//! files, optional JSON fields as labels, pushed to the stack's Loki.
//!
//! Alloy's syntax is not YAML and cannot be parsed back here, so every value from the manifest
//! reaches the file only through the `alloy` filter (a quoted string literal).

use serde::Serialize;

use super::log_sources::{self, LogPlan, DOCKER_LABELS, DOCKER_SOCKET};
use super::{Component, Draft, Kind, Stack};

pub use super::log_sources::host_log_mounts;

pub(crate) const CONFIG_PATH: &str = "/etc/alloy/config.alloy";
/// Positions and WAL; persist it on a volume so restarts do not re-ship logs.
pub(crate) const STORAGE_PATH: &str = "/var/lib/alloy/data";
/// HTTP server (UI, `/-/ready`, `/-/reload`, `/metrics`); Alloy's default binds 127.0.0.1.
pub(crate) const LISTEN_ADDR: &str = "0.0.0.0:12345";

#[derive(Debug, Serialize)]
struct DockerRule {
    label: &'static str,
    source: &'static str,
    regex: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct AlloyContext {
    #[serde(flatten)]
    plan: LogPlan,
    docker_host: &'static str,
    docker_rules: Vec<DockerRule>,
    /// Where sources forward: the processing stages when there are any, else the writer.
    receiver: String,
    /// `json_fields` when only JSON fields are lifted (the name older configs used), else `pipeline`.
    process_name: &'static str,
}

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let Some(alloy) = stack.get(&Kind::Alloy) else {
        return Ok(());
    };
    let Some(plan) = log_sources::plan(stack, draft, &alloy.key) else {
        return Ok(());
    };
    let text = stack
        .templates
        .render("alloy/config.alloy.j2", context(plan))?;
    let extra = stack
        .manifest
        .components
        .alloy
        .as_ref()
        .and_then(|a| a.extra_config.as_deref());
    draft.add_text("alloy/config.alloy", with_extra_config(text, extra));
    Ok(())
}

/// `components.alloy.extra_config` (Alloy syntax) appended after the rendered components;
/// `validate` formats the whole file with `alloy fmt`, which judges it.
fn with_extra_config(text: String, extra: Option<&str>) -> String {
    match extra.map(str::trim).filter(|e| !e.is_empty()) {
        Some(extra) => format!(
            "{text}
// components.alloy.extra_config
{extra}
"
        ),
        None => text,
    }
}

fn context(plan: LogPlan) -> AlloyContext {
    let process_name = if plan.stages.is_empty() {
        "json_fields"
    } else {
        "pipeline"
    };
    let receiver = if plan.processes() {
        format!("loki.process.{process_name}.receiver")
    } else {
        "loki.write.loki.receiver".to_string()
    };
    AlloyContext {
        plan,
        docker_host: DOCKER_SOCKET,
        docker_rules: DOCKER_LABELS
            .iter()
            .map(|(label, source, regex)| DockerRule {
                label,
                source,
                regex: *regex,
            })
            .collect(),
        receiver,
        process_name,
    }
}

/// The container command line: the image's CMD plus a listen address reachable from the network.
pub fn command(stack: &Stack, component: &Component) -> Vec<String> {
    let _ = (stack, component);
    vec![
        "run".to_string(),
        CONFIG_PATH.to_string(),
        format!("--storage.path={STORAGE_PATH}"),
        format!("--server.http.listen-addr={LISTEN_ADDR}"),
        "--disable-reporting".to_string(),
    ]
}

#[cfg(test)]
mod syntax_tests;
