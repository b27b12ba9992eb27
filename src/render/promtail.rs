//! Promtail (end of life since 2026-03-02), rendered only when `components.promtail` asks for it
//! (`promtail/promtail.yaml`): the same streams and labels as the Alloy config, from `logs`.
//!
//! Every render warns that Promtail is EOL and that Alloy is the supported shipper.

use serde::Serialize;

use super::log_sources::{self, LogPlan, DOCKER_LABELS, DOCKER_SOCKET};
use super::{yaml_overlay, Component, Draft, Kind, Stack};

pub use super::log_sources::host_log_mounts;

pub(crate) const CONFIG_PATH: &str = "/etc/promtail/promtail.yaml";
/// Mount the shipper's data volume here so positions survive a restart.
pub const DATA_DIR: &str = "/var/lib/promtail";

pub(crate) const EOL_WARNING: &str =
    "Promtail is end of life since 2026-03-02 and receives no fixes; \
replace `components.promtail` with `components.alloy: {}` (same `logs` settings)";

#[derive(Debug, Serialize)]
struct RelabelRule {
    source_labels: Vec<&'static str>,
    regex: Option<&'static str>,
    target_label: &'static str,
}

#[derive(Debug, Serialize)]
struct PromtailContext {
    #[serde(flatten)]
    plan: LogPlan,
    http_port: u16,
    positions_file: String,
    docker_host: &'static str,
    docker_relabel: Vec<RelabelRule>,
}

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let Some(promtail) = stack.get(&Kind::Promtail) else {
        return Ok(());
    };
    draft.warn(EOL_WARNING);
    if stack.has(&Kind::Alloy) {
        draft.warn("both Alloy and Promtail ship the same logs, so Loki stores every line twice; remove `components.promtail`");
    }
    let Some(plan) = log_sources::plan(stack, draft, &promtail.key) else {
        return Ok(());
    };
    let context = PromtailContext {
        plan,
        http_port: promtail.container_port,
        positions_file: format!("{DATA_DIR}/positions.yaml"),
        docker_host: DOCKER_SOCKET,
        docker_relabel: DOCKER_LABELS
            .iter()
            .map(|(label, source, regex)| RelabelRule {
                source_labels: vec![source],
                regex: *regex,
                target_label: label,
            })
            .collect(),
    };
    let text = stack
        .templates
        .render("promtail/promtail.yaml.j2", &context)?;
    let extra = stack
        .manifest
        .components
        .promtail
        .as_ref()
        .and_then(|p| p.extra_config.as_ref());
    yaml_overlay::add_yaml(
        draft,
        "promtail/promtail.yaml",
        text,
        extra,
        "components.promtail.extra_config",
    )
}

/// The container command line.
pub fn command(stack: &Stack, component: &Component) -> Vec<String> {
    let _ = (stack, component);
    vec![format!("-config.file={CONFIG_PATH}")]
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::manifest::Manifest;
    use crate::render::Templates;

    #[test]
    fn warns_that_promtail_is_end_of_life_and_about_double_shipping() {
        let cases = [
            ("{loki: {}, promtail: {}}", 1),
            ("{loki: {}, promtail: {}, alloy: {}}", 2),
            ("{loki: {}, alloy: {}}", 0),
        ];
        for (components, warnings) in cases {
            let yaml = format!("version: 1\nproject: d\ncomponents: {components}\n");
            let manifest: Manifest = serde_yaml::from_str(&yaml).expect("test manifest parses");
            let templates = Templates::embedded();
            let stack = Stack::new(&manifest, Path::new("."), &templates);
            let mut draft = Draft::new(&[]);
            render(&stack, &mut draft).expect("renders");
            assert_eq!(
                draft.warnings.len(),
                warnings,
                "{components}: {:?}",
                draft.warnings
            );
            assert_eq!(
                draft.file("promtail/promtail.yaml").is_some(),
                warnings > 0,
                "{components}"
            );
        }
    }
}
