//! Blackbox probe jobs (`scrape[].probe`): the multi-target pattern, where each target becomes
//! `?target=…&module=…` on blackbox_exporter's `/probe`.
//!
//! The job's `interval`, `timeout`, `labels`, `params`, `relabel` and `metric_relabel` apply.
//! `metrics_path`, `scheme`, credentials and `honor_labels` would describe blackbox_exporter
//! itself, so they are ignored with a warning.

use super::config::{Relabel, ScrapeConfig, StaticConfig};
use crate::manifest::{Diagnostic, Probe, ScrapeJob};
use crate::render::{blackbox, Component, Draft, Kind, Stack};

/// A probe job, when the stack runs blackbox_exporter with the module it names.
pub(crate) fn probe_job(
    stack: &Stack,
    job: &ScrapeJob,
    probe: &Probe,
    index: usize,
    draft: &mut Draft,
) -> Option<ScrapeConfig> {
    let (Some(blackbox), Some(settings)) = (
        stack.get(&Kind::BlackboxExporter),
        stack.manifest.components.blackbox_exporter.as_ref(),
    ) else {
        draft.problem(
            Diagnostic::new(
                format!("scrape[{index}].probe"),
                format!(
                    "job `{}` probes through blackbox_exporter, which the stack does not run",
                    job.job
                ),
            )
            .hint("add `blackbox_exporter: {}` under `components`"),
        );
        return None;
    };
    let modules = blackbox::modules(&settings.modules);
    if !modules.contains_key(&probe.module) {
        let known: Vec<&str> = modules.keys().map(String::as_str).collect();
        draft.problem(
            Diagnostic::new(
                format!("scrape[{index}].probe.module"),
                format!(
                    "job `{}` uses probe module `{}`, which blackbox_exporter does not have",
                    job.job, probe.module
                ),
            )
            .hint(format!(
                "use one of {}, or define it under `components.blackbox_exporter.modules`",
                known.join(", ")
            )),
        );
        return None;
    }
    warn_unused_probe_keys(job, index, draft);
    Some(multi_target_job(job, probe, blackbox))
}

/// Keys of a probe job that would describe blackbox_exporter itself: ignored, with a warning.
fn warn_unused_probe_keys(job: &ScrapeJob, index: usize, draft: &mut Draft) {
    let unused: Vec<&str> = [
        ("metrics_path", job.metrics_path.is_some()),
        ("scheme", job.scheme.is_some()),
        ("basic_auth", job.basic_auth.is_some()),
        ("bearer_token", job.bearer_token.is_some()),
        ("honor_labels", job.honor_labels),
    ]
    .into_iter()
    .filter_map(|(key, set)| set.then_some(key))
    .collect();
    if !unused.is_empty() {
        draft.warn(format!(
            "`scrape[{index}]` (`{}`) is a probe job: {} would apply to blackbox_exporter itself, so stackctl ignores them",
            job.job,
            unused.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        ));
    }
}

/// The scrape job asking blackbox_exporter to probe each target with the module.
fn multi_target_job(job: &ScrapeJob, probe: &Probe, blackbox: &Component) -> ScrapeConfig {
    let mut config = ScrapeConfig {
        job_name: job.job.clone(),
        ..ScrapeConfig::default()
    };
    config.scrape_interval = job.interval.as_ref().map(|d| d.as_str().to_string());
    config.scrape_timeout = job.timeout.as_ref().map(|d| d.as_str().to_string());
    config.metrics_path = Some("/probe".to_string());
    config.params = job.params.clone();
    config
        .params
        .insert("module".to_string(), vec![probe.module.clone()]);
    config.static_configs = vec![StaticConfig {
        targets: probe.targets.clone(),
        labels: job.labels.clone(),
    }];
    let rules = [
        Relabel::copy("__address__", "__param_target"),
        Relabel::copy("__param_target", "instance"),
        Relabel::set("__address__", &blackbox.address()),
    ];
    config.relabel_configs = rules.iter().map(Relabel::to_value).collect();
    config.relabel_configs.extend(job.relabel.iter().cloned());
    config.metric_relabel_configs = job.metric_relabel.clone();
    config
}
