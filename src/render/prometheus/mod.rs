//! `prometheus/prometheus.yml` and Prometheus' command line, for the release the stack runs.
//!
//! Values are computed here (`PrometheusConfig`), laid out by `prometheus/prometheus.yml.j2`,
//! merged with `extra_config` (see `merge`) and parsed back by the draft. Rule files belong to
//! the rules step (`prometheus/rules/*.yml`); this module only points `rule_files` at them.

mod config;
mod docker;
mod features;
mod flags;
mod jobs;
mod merge;
mod probes;
mod remote_write;
pub mod swarm;

use anyhow::Context as _;

use crate::manifest::{Diagnostic, PromDuration};
use crate::render::{Component, Draft, Kind, Stack};
pub use config::PrometheusConfig;
pub(crate) use config::RULE_FILES_GLOB;
pub(crate) use features::Features;
pub use flags::{command, CONFIG_FILE, DATA_DIR};
pub(crate) use merge::deep_merge;

use config::Global;
pub use remote_write::environment;

pub const FILE: &str = "prometheus/prometheus.yml";
pub const TEMPLATE: &str = "prometheus/prometheus.yml.j2";

const DEFAULT_SCRAPE_INTERVAL: &str = "15s";
const DEFAULT_SCRAPE_TIMEOUT: &str = "10s";
const DEFAULT_EVALUATION_INTERVAL: &str = "15s";

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let Some(prometheus) = stack.get(&Kind::Prometheus) else {
        return Ok(());
    };
    let config = context(stack, prometheus, draft);
    let text = stack.templates.render(TEMPLATE, &config)?;
    let settings = stack.manifest.components.prometheus.as_ref();
    let Some(extra) = settings.and_then(|p| p.extra_config.as_ref()) else {
        return draft.add_yaml(FILE, text);
    };
    match with_extra_config(&text, extra)? {
        Ok(merged) => draft.add_yaml(FILE, merged),
        Err(problems) => {
            for message in problems {
                draft.problem(
                    Diagnostic::new("components.prometheus.extra_config", message).hint(
                        "`extra_config` is deep-merged into prometheus.yml: mappings merge, lists and values replace, `null` removes a key",
                    ),
                );
            }
            Ok(())
        }
    }
}

/// Everything prometheus.yml says, for this stack and release.
pub fn context(stack: &Stack, prometheus: &Component, draft: &mut Draft) -> PrometheusConfig {
    let features = Features::of(&prometheus.version);
    let retention = flags::retention(stack).filter(|_| features.retention_in_config);
    let (alertmanager_auth, alertmanager_tls) =
        jobs::access_to(stack, &Kind::Alertmanager, &prometheus.service, draft);
    PrometheusConfig {
        global: global(stack, prometheus, &features),
        rule_files: vec![RULE_FILES_GLOB.to_string()],
        alertmanagers: stack
            .get(&Kind::Alertmanager)
            .map(Component::address)
            .into_iter()
            .collect(),
        alertmanager_dns: swarm::alertmanager_dns(stack),
        alertmanager_auth,
        alertmanager_tls,
        scrape_configs: jobs::scrape_configs(stack, prometheus, &features, draft),
        remote_write: remote_write::remote_write(stack, prometheus, draft),
        retention,
    }
}

fn global(stack: &Stack, prometheus: &Component, features: &Features) -> Global {
    let replica = swarm::replica_label(stack, prometheus);
    let expand = features.external_labels_expand_env || replica.is_some();
    let settings = stack.manifest.components.prometheus.as_ref();
    let text = |d: Option<&PromDuration>, default: &str| {
        d.map_or(default.to_string(), |d| d.as_str().to_string())
    };
    let interval = settings.and_then(|p| p.scrape_interval.as_ref());
    let timeout = match settings.and_then(|p| p.scrape_timeout.as_ref()) {
        Some(timeout) => timeout.as_str().to_string(),
        // Prometheus refuses a global timeout above the interval: a 5s interval gets 5s.
        None => match interval.and_then(PromDuration::millis) {
            Some(millis) if millis < 10_000 => crate::manifest::format_millis(millis),
            _ => DEFAULT_SCRAPE_TIMEOUT.to_string(),
        },
    };
    let external_labels = stack
        .manifest
        .labels
        .iter()
        .map(|(name, value)| {
            let value = if expand {
                value.replace('$', "$$")
            } else {
                value.clone()
            };
            (name.clone(), value)
        })
        .chain(replica)
        .collect();
    Global {
        scrape_interval: text(interval, DEFAULT_SCRAPE_INTERVAL),
        scrape_timeout: timeout,
        evaluation_interval: text(
            settings.and_then(|p| p.evaluation_interval.as_ref()),
            DEFAULT_EVALUATION_INTERVAL,
        ),
        external_labels,
    }
}

/// The rendered file with `extra` merged in, or what is wrong with the result.
fn with_extra_config(
    text: &str,
    extra: &serde_yaml::Mapping,
) -> anyhow::Result<Result<String, Vec<String>>> {
    let mut merged: serde_yaml::Mapping =
        serde_yaml::from_str(text).context("the rendered prometheus.yml does not parse")?;
    deep_merge(&mut merged, extra);
    let problems = merge::problems(&merged, extra);
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let body = serde_yaml::to_string(&merged).context("cannot write the merged prometheus.yml")?;
    let header = text.lines().next().unwrap_or_default();
    Ok(Ok(format!(
        "{header}\n# components.prometheus.extra_config is merged in.\n{body}"
    )))
}

#[cfg(test)]
mod tests;
