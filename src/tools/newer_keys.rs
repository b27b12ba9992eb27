//! Config keys a release knows and an older checker does not: the only rejections of a copy
//! rendered for the checker's own release that are not real errors.
//!
//! stackctl's renderer never writes a key the release it renders for lacks, so on a copy
//! rendered for the checker's release such a key can only come from `extra_config`. A key the
//! checker calls unknown that is NOT in this table (a typo, a key no release has) is a real
//! error. Each row names the upstream changelog release that added the key (PR numbers only
//! where checked against the changelog text).

use crate::version::Version;

/// Which program's config a key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Config {
    Prometheus,
    Alertmanager,
}

/// A key and the first release that has it.
struct Added {
    config: Config,
    key: &'static str,
    since: (u64, u64, u64),
    /// Where upstream records it.
    source: &'static str,
}

const fn added(
    config: Config,
    key: &'static str,
    since: (u64, u64, u64),
    source: &'static str,
) -> Added {
    Added {
        config,
        key,
        since,
        source,
    }
}

const KEYS: &[Added] = &[
    added(
        Config::Prometheus,
        "native_histogram_bucket_limit",
        (2, 45, 0),
        "CHANGELOG 2.45.0",
    ),
    added(
        Config::Prometheus,
        "keep_dropped_targets",
        (2, 47, 0),
        "CHANGELOG 2.47.0, #12647",
    ),
    added(
        Config::Prometheus,
        "otlp",
        (2, 47, 0),
        "CHANGELOG 2.47.0, #12571",
    ),
    added(
        Config::Prometheus,
        "track_timestamps_staleness",
        (2, 48, 0),
        "CHANGELOG 2.48.0",
    ),
    added(
        Config::Prometheus,
        "scrape_protocols",
        (2, 49, 0),
        "CHANGELOG 2.49.0",
    ),
    added(
        Config::Prometheus,
        "enable_compression",
        (2, 49, 0),
        "CHANGELOG 2.49.0",
    ),
    added(
        Config::Prometheus,
        "native_histogram_min_bucket_factor",
        (2, 50, 0),
        "CHANGELOG 2.50.0",
    ),
    added(
        Config::Prometheus,
        "rule_query_offset",
        (2, 53, 0),
        "CHANGELOG 2.53.0",
    ),
    added(
        Config::Prometheus,
        "query_offset",
        (2, 53, 0),
        "CHANGELOG 2.53.0",
    ),
    added(
        Config::Prometheus,
        "scrape_failure_log_file",
        (2, 55, 0),
        "CHANGELOG 2.55.0",
    ),
    added(
        Config::Prometheus,
        "metric_name_validation_scheme",
        (3, 0, 0),
        "CHANGELOG 3.0.0, UTF-8 names",
    ),
    added(
        Config::Prometheus,
        "fallback_scrape_protocol",
        (3, 0, 0),
        "CHANGELOG 3.0.0, #15136",
    ),
    added(
        Config::Prometheus,
        "always_scrape_classic_histograms",
        (3, 0, 0),
        "CHANGELOG 3.0.0",
    ),
    added(
        Config::Prometheus,
        "convert_classic_histograms_to_nhcb",
        (3, 0, 0),
        "CHANGELOG 3.0.0",
    ),
    added(
        Config::Prometheus,
        "runtime",
        (3, 0, 0),
        "CHANGELOG 3.0.0, runtime.gogc",
    ),
    added(
        Config::Prometheus,
        "metric_name_escaping_scheme",
        (3, 4, 0),
        "CHANGELOG 3.4.0",
    ),
    added(
        Config::Alertmanager,
        "msteams_configs",
        (0, 26, 0),
        "CHANGELOG 0.26.0",
    ),
    added(
        Config::Alertmanager,
        "msteamsv2_configs",
        (0, 28, 0),
        "CHANGELOG 0.28.0",
    ),
    added(
        Config::Alertmanager,
        "jira_configs",
        (0, 28, 0),
        "CHANGELOG 0.28.0",
    ),
    added(
        Config::Alertmanager,
        "rocketchat_configs",
        (0, 28, 0),
        "CHANGELOG 0.28.0",
    ),
    added(
        Config::Alertmanager,
        "smtp_tls_config",
        (0, 28, 0),
        "CHANGELOG 0.28.0",
    ),
];

/// A key the target release has and the checker's release lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewerKey {
    pub key: String,
    pub since: Version,
    pub source: &'static str,
}

/// `key` when it was added after `checker` and is known to `target`.
pub(crate) fn newer_key(
    config: Config,
    key: &str,
    checker: Version,
    target: Version,
) -> Option<NewerKey> {
    KEYS.iter()
        .filter(|row| row.config == config && row.key == key)
        .map(|row| NewerKey {
            key: row.key.to_string(),
            since: Version::new(row.since.0, row.since.1, row.since.2),
            source: row.source,
        })
        .find(|newer| newer.since > checker && newer.since <= target)
}

/// The key names a checker called unknown: Go's yaml says `field NAME not found in type T`.
pub(crate) fn unknown_fields(output: &str) -> Vec<String> {
    let mut out: Vec<String> = output
        .split("field ")
        .skip(1)
        .filter_map(|rest| {
            let (name, after) = rest.split_once(' ')?;
            after
                .starts_with("not found in type")
                .then(|| name.to_string())
        })
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn a_key_is_newer_only_between_the_checkers_release_and_the_targets() {
        // (config, key, checker, target, newer?)
        let table = [
            (
                Config::Prometheus,
                "scrape_protocols",
                "2.42.0",
                "3.14.0",
                true,
            ),
            (
                Config::Prometheus,
                "scrape_protocols",
                "2.49.0",
                "3.14.0",
                false,
            ),
            (
                Config::Prometheus,
                "scrape_protocols",
                "2.42.0",
                "2.48.1",
                false,
            ),
            (
                Config::Prometheus,
                "scrape_intervl",
                "2.42.0",
                "3.14.0",
                false,
            ),
            (
                Config::Prometheus,
                "msteams_configs",
                "2.42.0",
                "3.14.0",
                false,
            ),
            (
                Config::Alertmanager,
                "msteams_configs",
                "0.25.0",
                "0.28.1",
                true,
            ),
            (
                Config::Alertmanager,
                "jira_configs",
                "0.25.0",
                "0.27.0",
                false,
            ),
        ];
        for (config, key, checker, target, want) in table {
            assert_eq!(
                newer_key(config, key, v(checker), v(target)).is_some(),
                want,
                "{key} {checker} {target}"
            );
        }
    }

    #[test]
    fn reads_unknown_field_names_from_go_yaml_errors() {
        let output = "  FAILED: parsing YAML file p.yml: yaml: unmarshal errors:\n  \
                      line 2: field scrape_protocols not found in type config.plain\n  \
                      line 3: field scrape_intervl not found in type config.plain\n";
        assert_eq!(
            unknown_fields(output),
            vec!["scrape_protocols", "scrape_intervl"]
        );
        assert!(unknown_fields("undefined receiver \"y\" used in route").is_empty());
    }
}
