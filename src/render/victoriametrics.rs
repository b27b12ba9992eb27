//! Single-node VictoriaMetrics, the stack's long-term store: its command line (retention,
//! deduplication, data directory) and the URLs Prometheus writes to and Grafana reads from.
//!
//! VictoriaMetrics reads no config file here, so nothing is written; the remote-write entry
//! is prometheus.yml's (`prometheus::remote_write`), the datasource Grafana's.

use crate::render::{Component, Stack};

/// Where the data volume is mounted.
pub const DATA_DIR: &str = "/victoria-metrics-data";
/// The path of Prometheus' remote-write protocol.
pub const WRITE_PATH: &str = "/api/v1/write";
/// Grafana's datasource uid for it.
pub const DATASOURCE_UID: &str = "victoriametrics";
/// Prometheus' default scrape interval, the dedup interval of an HA pair when none is set.
const DEFAULT_SCRAPE_INTERVAL: &str = "15s";

/// A retention as VictoriaMetrics' `-retentionPeriod` takes it: a bare number counts months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionPeriod {
    pub flag_value: String,
    pub hours: u64,
}

/// What is wrong with a `retention` value, for the diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetentionProblem {
    /// Not a whole number and one of the units.
    Malformed,
    /// `12m`: minutes in Prometheus' durations, which VictoriaMetrics does not keep.
    MinutesNotMonths { number: u64 },
    /// Less than VictoriaMetrics' minimum, one day.
    TooShort,
}

/// Reads `12mo`, `90d`, `2w`, `1y`, `48h`.
pub fn retention_period(text: &str) -> Result<RetentionPeriod, RetentionProblem> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| RetentionProblem::Malformed)?;
    let (flag_value, hours) = match unit {
        "h" => (format!("{number}h"), number),
        "d" => (format!("{number}d"), number * 24),
        "w" => (format!("{number}w"), number * 24 * 7),
        // VictoriaMetrics' month is 31 days.
        "mo" => (number.to_string(), number * 24 * 31),
        "y" => (format!("{number}y"), number * 24 * 365),
        "m" => return Err(RetentionProblem::MinutesNotMonths { number }),
        _ => return Err(RetentionProblem::Malformed),
    };
    if hours < 24 {
        return Err(RetentionProblem::TooShort);
    }
    Ok(RetentionPeriod { flag_value, hours })
}

/// `http://victoriametrics:8428/api/v1/write`.
pub fn write_url(vm: &Component) -> String {
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

    #[test]
    fn retention_units_become_retention_period_values() {
        let cases: &[(&str, Result<&str, RetentionProblem>)] = &[
            ("12mo", Ok("12")),
            ("1mo", Ok("1")),
            ("90d", Ok("90d")),
            ("2w", Ok("2w")),
            ("1y", Ok("1y")),
            ("24h", Ok("24h")),
            ("12h", Err(RetentionProblem::TooShort)),
            ("0d", Err(RetentionProblem::TooShort)),
            (
                "12m",
                Err(RetentionProblem::MinutesNotMonths { number: 12 }),
            ),
            ("12", Err(RetentionProblem::Malformed)),
            ("1.5y", Err(RetentionProblem::Malformed)),
            ("mo", Err(RetentionProblem::Malformed)),
            ("12 mo", Err(RetentionProblem::Malformed)),
            ("12months", Err(RetentionProblem::Malformed)),
        ];
        for (text, want) in cases {
            let got = retention_period(text).map(|r| r.flag_value);
            assert_eq!(got.as_deref().map_err(Clone::clone), want.clone(), "{text}");
        }
    }

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
