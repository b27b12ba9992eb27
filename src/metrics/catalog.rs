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
    /// Name prefixes under which the exporter makes names up from the server's own output
    /// (percona's `mongodb_ss_` + a serverStatus path), with the reason: such names cannot be
    /// listed, so the lint does not judge them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub generated: BTreeMap<String, String>,
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
                    .filter(|(name, _)| is_exporters_own(name))
                    .map(|(name, labels)| (name.clone(), labels.iter().cloned().collect()))
                    .collect();
            }
        }
        catalog
    }

    /// How the live names of `exporter` (name → label names, as Prometheus' series API
    /// reports them for its job) differ from the catalog: (names not recorded, recorded names
    /// not seen). Prometheus' own series for the job (`up`, `scrape_*`, and the `ALERTS*` of
    /// rules that happen to be firing) are not the exporter's and are ignored.
    pub fn differences(
        &self,
        exporter: &str,
        live: &BTreeMap<String, std::collections::BTreeSet<String>>,
    ) -> (Vec<String>, Vec<String>) {
        let own = |name: &str| is_exporters_own(name);
        let recorded = self.metrics(exporter).cloned().unwrap_or_default();
        let added = live
            .keys()
            .filter(|n| own(n) && !recorded.contains_key(*n))
            .cloned()
            .collect();
        let gone = recorded
            .keys()
            .filter(|n| !live.contains_key(*n))
            .cloned()
            .collect();
        (added, gone)
    }

    pub fn to_yaml(&self) -> String {
        let body = serde_yaml::to_string(self).expect("the catalog serializes");
        format!("{HEADER}{body}")
    }
}

/// Whether a series name of an exporter's job is the exporter's, not Prometheus' own (`up`,
/// `scrape_*`, and the `ALERTS*` of rules that happen to be firing for the job).
fn is_exporters_own(name: &str) -> bool {
    !name.starts_with("scrape_") && !name.starts_with("ALERTS") && name != "up"
}

impl ExporterMetrics {
    /// Whether the exporter exposes `metric`, always or under a condition.
    pub fn knows(&self, metric: &str) -> bool {
        self.metrics.contains_key(metric)
            || self.conditional.contains_key(metric)
            || self
                .generated
                .keys()
                .any(|p| metric.starts_with(p.as_str()))
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
    fn mongodb_names_are_recorded_with_what_could_not_be_judged() {
        let mongodb = Catalog::embedded()
            .exporter("mongodb")
            .expect("mongodb entry");
        assert!(mongodb.job.is_empty(), "read from source, not recorded");
        assert!(mongodb.metrics.contains_key("mongodb_up"));
        assert!(mongodb.conditional.contains_key("mongodb_ss_connections"));
        assert!(
            mongodb.knows("mongodb_ss_opcounters"),
            "generated serverStatus names"
        );
        assert!(
            !mongodb.knows("mongodb_connections"),
            "the 2018 exporter's name"
        );
        for (prefix, reason) in &mongodb.generated {
            assert!(prefix.starts_with("mongodb_") && !reason.is_empty());
        }
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
