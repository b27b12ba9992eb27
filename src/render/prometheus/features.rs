//! Which prometheus.yml keys and command-line flags a Prometheus release knows.
//!
//! Every version-dependent decision of the Prometheus renderer reads a `Features`, whose
//! fields are rows of the one gate table (`catalog::gates`); the table test below pins them.

use crate::catalog::gates;
use crate::version::Version;

/// The version-dependent parts of the Prometheus config, for one release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Features {
    /// `storage.tsdb.retention.{time,size}` in the config file (3.8+, reloadable); older
    /// releases only have the `--storage.tsdb.retention.*` flags, which 3.8+ deprecates
    /// (prometheus commit ad4b59c504; the 3.5 LTS line has no `retention:` block).
    pub retention_in_config: bool,
    /// `fallback_scrape_protocol` per scrape job (3.0+). 3.x fails a scrape whose
    /// Content-Type is missing or invalid, where 2.x silently parsed it as text
    /// (CHANGELOG 3.0.0, #15136).
    pub fallback_scrape_protocol: bool,
    /// 3.0+ always expands `$VAR` / `${VAR}` in `external_labels` values; a literal `$`
    /// must then be written `$$`. 2.x expands only behind a feature flag we never set
    /// (CHANGELOG 3.0.0, #14657: `expand-external-labels` removed, expansion by default).
    pub external_labels_expand_env: bool,
}

impl Features {
    pub fn of(version: &Version) -> Self {
        Self {
            retention_in_config: gates::PROMETHEUS_RETENTION_IN_CONFIG.holds(version),
            fallback_scrape_protocol: gates::PROMETHEUS_FALLBACK_SCRAPE_PROTOCOL.holds(version),
            external_labels_expand_env: gates::PROMETHEUS_EXTERNAL_LABELS_EXPAND_ENV.holds(version),
        }
    }
}

/// The protocol 3.x falls back to for targets that serve text without a proper Content-Type.
pub(crate) const FALLBACK_SCRAPE_PROTOCOL: &str = "PrometheusText0.0.4";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_follow_the_release_that_introduced_each_key() {
        // (release, retention_in_config, fallback_scrape_protocol, external_labels_expand_env)
        let table = [
            ("2.42.0", false, false, false),
            ("2.55.1", false, false, false),
            ("3.0.0", false, true, true),
            ("3.5.5", false, true, true),
            ("3.7.9", false, true, true),
            ("3.8.0", true, true, true),
            ("3.14.0", true, true, true),
        ];
        for (release, retention, fallback, expand) in table {
            let version = Version::parse(release).expect("test versions parse");
            let want = Features {
                retention_in_config: retention,
                fallback_scrape_protocol: fallback,
                external_labels_expand_env: expand,
            };
            assert_eq!(Features::of(&version), want, "{release}");
        }
    }
}
