//! Single-node VictoriaMetrics, the stack's long-term store: its command line (retention,
//! deduplication, data directory) and the URLs Prometheus writes to and Grafana reads from.
//!
//! VictoriaMetrics reads no config file here, so nothing is written; the remote-write entry
//! is prometheus.yml's (`prometheus::remote_write`), the datasource Grafana's.

use crate::catalog::retention::retention_period;
use crate::render::{Component, Stack};

/// Where the data volume is mounted.
pub const DATA_DIR: &str = "/victoria-metrics-data";
/// The path of Prometheus' remote-write protocol.
pub(crate) const WRITE_PATH: &str = "/api/v1/write";
/// Grafana's datasource uid for it.
pub(crate) const DATASOURCE_UID: &str = "victoriametrics";
/// Prometheus' default scrape interval, the dedup interval of an HA pair when none is set.
const DEFAULT_SCRAPE_INTERVAL: &str = "15s";

/// `http://victoriametrics:8428/api/v1/write`.
pub(crate) fn write_url(vm: &Component) -> String {
    format!("{}{WRITE_PATH}", vm.internal_url())
}

/// `-dedup.minScrapeInterval`: the manifest's `dedup_interval`, else Prometheus' scrape
/// interval when Prometheus runs as several replicas writing the same series
/// (`Stack::prometheus_replicas`, set by the swarm engine's HA pair), else none.
pub fn dedup_interval(stack: &Stack) -> Option<String> {
    let components = &stack.manifest.components;
    let settings = components.victoriametrics.as_ref()?;
    if let Some(interval) = &settings.dedup_interval {
        return Some(interval.as_str().to_string());
    }
    (stack.prometheus_replicas > 1).then(|| {
        components
            .prometheus
            .as_ref()
            .and_then(|p| p.scrape_interval.as_ref())
            .map_or(DEFAULT_SCRAPE_INTERVAL.to_string(), |d| {
                d.as_str().to_string()
            })
    })
}

/// VictoriaMetrics' flags: data on the volume, retention, dedup.
pub fn command(stack: &Stack, _component: &Component) -> Vec<String> {
    let mut flags = vec![format!("-storageDataPath={DATA_DIR}")];
    let retention = stack
        .manifest
        .components
        .victoriametrics
        .as_ref()
        .and_then(|v| v.retention.as_deref())
        .and_then(|text| retention_period(text).ok());
    if let Some(retention) = retention {
        flags.push(format!("-retentionPeriod={}", retention.flag_value));
    }
    if let Some(interval) = dedup_interval(stack) {
        flags.push(format!("-dedup.minScrapeInterval={interval}"));
    }
    flags
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::manifest::Manifest;
    use crate::render::{Kind, Templates};

    fn command_of(yaml: &str, replicas: u32) -> Vec<String> {
        let manifest: Manifest = serde_yaml::from_str(yaml).expect("test manifest parses");
        let templates = Templates::embedded();
        let mut stack = Stack::new(&manifest, Path::new("."), &templates);
        stack.prometheus_replicas = replicas;
        let vm = stack.get(&Kind::VictoriaMetrics).expect("vm").clone();
        command(&stack, &vm)
    }

    /// The HA pair of a Swarm (`swarm.replicas.prometheus: 2`) switches dedup on by itself.
    #[test]
    fn a_swarm_prometheus_pair_turns_dedup_on() {
        let yaml = "version: 1\nproject: t\nengine: swarm\nswarm: {replicas: {prometheus: 2}}\ncomponents:\n  prometheus: {scrape_interval: 30s}\n  victoriametrics: {}\n";
        let manifest: Manifest = serde_yaml::from_str(yaml).expect("test manifest parses");
        let templates = Templates::embedded();
        let stack = Stack::new(&manifest, Path::new("."), &templates);
        assert_eq!(stack.prometheus_replicas, 2);
        let vm = stack.get(&Kind::VictoriaMetrics).expect("vm").clone();
        assert!(command(&stack, &vm).contains(&"-dedup.minScrapeInterval=30s".to_string()));
        let compose = manifest.clone();
        let compose = Manifest {
            engine: crate::manifest::EngineKind::Compose,
            ..compose
        };
        assert_eq!(
            Stack::new(&compose, Path::new("."), &templates).prometheus_replicas,
            1
        );
    }

    #[test]
    fn flags_follow_retention_and_the_ha_pair() {
        let base = "version: 1\nproject: t\ncomponents:\n";
        let cases: &[(&str, u32, &[&str])] = &[
            (
                "  victoriametrics: {}\n",
                1,
                &["-storageDataPath=/victoria-metrics-data"],
            ),
            (
                "  victoriametrics: {retention: 12mo}\n",
                1,
                &[
                    "-storageDataPath=/victoria-metrics-data",
                    "-retentionPeriod=12",
                ],
            ),
            (
                "  prometheus: {scrape_interval: 30s}\n  victoriametrics: {}\n",
                2,
                &[
                    "-storageDataPath=/victoria-metrics-data",
                    "-dedup.minScrapeInterval=30s",
                ],
            ),
            (
                "  prometheus: {}\n  victoriametrics: {}\n",
                2,
                &[
                    "-storageDataPath=/victoria-metrics-data",
                    "-dedup.minScrapeInterval=15s",
                ],
            ),
            (
                "  prometheus: {}\n  victoriametrics: {dedup_interval: 1m, retention: 2y}\n",
                1,
                &[
                    "-storageDataPath=/victoria-metrics-data",
                    "-retentionPeriod=2y",
                    "-dedup.minScrapeInterval=1m",
                ],
            ),
        ];
        for (components, replicas, want) in cases {
            let got = command_of(&format!("{base}{components}"), *replicas);
            assert_eq!(got, *want, "{components} replicas={replicas}");
        }
    }
}
