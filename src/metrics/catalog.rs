//! The metric catalog (`src/metrics/catalog.yml`): for each exporter type, the release it was
//! recorded from and the metric names and label names it exposed, plus the metrics it exposes
//! only under a condition (with the reason). Recorded from the real exporters by
//! tests/e2e_exporters.rs (`STACKCTL_RECORD_CATALOG=1`), which also checks it still holds.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// Where the catalog lives in the repository (for the recorder).
pub const CATALOG_PATH: &str = "src/metrics/catalog.yml";

const HEADER: &str = "\
# Metric catalog: what each exporter type exposes (metric name → label names besides job and
# instance), recorded from the real exporter release named in `release` by
# tests/e2e_exporters.rs (STACKCTL_RECORD_CATALOG=1 re-records `metrics`; `conditional` is
# written by hand: metrics the exporter exposes only in a situation the test stack does not
# have, with the reason; an entry with an empty `job` was read from the exporter's source, not
# recorded). `validate` warns when an expression names a metric of a known exporter type that is
# in neither list.
";

static EMBEDDED: LazyLock<Catalog> = LazyLock::new(|| {
    serde_yaml::from_str(include_str!("catalog.yml")).expect("the embedded metric catalog parses")
});

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Catalog {
    /// Exporter type (`redis`, or `node` for node_exporter) → what it exposes.
    pub exporters: BTreeMap<String, ExporterMetrics>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExporterMetrics {
    /// The exporter release (and server, if any) the names were recorded from.
    pub release: String,
    /// The job the recording test scraped it as; empty when the names were read from the
    /// exporter's source (no packaged release to record from).
    pub job: String,
    /// Metric name prefixes of this exporter (`redis_`): an expression naming such a metric is
    /// checked even without a `job` matcher.
    pub prefixes: Vec<String>,
    pub metrics: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub conditional: BTreeMap<String, String>,
}

impl Catalog {
    pub fn embedded() -> &'static Catalog {
        &EMBEDDED
    }

    /// Why `metric` may be missing from a running exporter, if the catalog says it is conditional.
    pub fn condition(&self, metric: &str) -> Option<&str> {
        self.exporters
            .values()
            .find_map(|e| e.conditional.get(metric).map(String::as_str))
    }

    /// (exporter type, job) of every recorded exporter.
    pub fn recorded_jobs(&self) -> Vec<(String, String)> {
        self.exporters
            .iter()
            .filter(|(_, e)| !e.job.is_empty())
            .map(|(kind, e)| (kind.clone(), e.job.clone()))
            .collect()
    }

    pub fn metrics(&self, exporter: &str) -> Option<&BTreeMap<String, Vec<String>>> {
        self.exporters.get(exporter).map(|e| &e.metrics)
    }

    pub fn exporter(&self, kind: &str) -> Option<&ExporterMetrics> {
        self.exporters.get(kind)
    }

    /// The exporter type whose prefixes `metric` starts with, among `kinds`.
    pub fn owner<'a>(&self, metric: &str, kinds: &[&'a str]) -> Option<&'a str> {
        kinds.iter().copied().find(|kind| {
            self.exporters
                .get(*kind)
                .is_some_and(|e| e.prefixes.iter().any(|p| metric.starts_with(p.as_str())))
        })
    }

    /// A copy with `metrics` replaced by what was recorded (exporter → name → label names).
    pub fn with_recorded(
        &self,
        live: &BTreeMap<String, BTreeMap<String, std::collections::BTreeSet<String>>>,
    ) -> Catalog {
        let mut catalog = self.clone();
        for (kind, metrics) in live {
            if let Some(entry) = catalog.exporters.get_mut(kind) {
                entry.metrics = metrics
                    .iter()
                    .filter(|(name, _)| !name.starts_with("scrape_") && name.as_str() != "up")
                    .map(|(name, labels)| (name.clone(), labels.iter().cloned().collect()))
                    .collect();
            }
        }
        catalog
    }

    pub fn to_yaml(&self) -> String {
        let body = serde_yaml::to_string(self).expect("the catalog serializes");
        format!("{HEADER}{body}")
    }
}

impl ExporterMetrics {
    /// Whether the exporter exposes `metric`, always or under a condition.
    pub fn knows(&self, metric: &str) -> bool {
        self.metrics.contains_key(metric) || self.conditional.contains_key(metric)
    }

    /// Every name the exporter can expose, for did-you-mean.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.metrics
            .keys()
            .chain(self.conditional.keys())
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_records_releases_and_names() {
        let catalog = Catalog::embedded();
        for kind in [
            "redis",
            "postgres",
            "mysql",
            "nginx",
            "elasticsearch",
            "node",
        ] {
            let entry = catalog
                .exporter(kind)
                .unwrap_or_else(|| panic!("{kind} is recorded"));
            assert!(
                !entry.release.is_empty() && !entry.prefixes.is_empty(),
                "{kind}"
            );
            assert!(!entry.metrics.is_empty(), "{kind} has recorded metrics");
        }
        assert!(catalog.exporter("redis").unwrap().knows("redis_up"));
        assert!(catalog.condition("pg_replication_lag_seconds").is_some());
    }

    #[test]
    fn the_catalog_round_trips_through_its_file_format() {
        let text = Catalog::embedded().to_yaml();
        assert_eq!(
            text,
            include_str!("catalog.yml"),
            "catalog.yml is in canonical form"
        );
    }
}
