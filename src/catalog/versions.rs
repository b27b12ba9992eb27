//! Supported releases of every component and exporter: the range stackctl renders for and the
//! newest release it knows (the pinned default image tag).
//!
//! A `version` in the manifest is a value: a release number inside the range. `latest`, an
//! empty string, `v3.x.y` or a release outside the range is refused at load, naming the range
//! and the newest known release. Releases a successor replaced (Jaeger 1.x, Loki 2.x) are
//! refused saying what replaced them.

use super::ExporterType;
use crate::version::Version;

/// The releases of one program stackctl renders configuration for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Releases {
    /// As people write it: `Prometheus`, `redis_exporter`.
    pub name: &'static str,
    /// The pinned default image tag (without `v`): the newest release stackctl knows.
    pub newest: &'static str,
    /// The oldest supported release.
    pub oldest: Version,
    /// The first release that is no longer supported (the next major line).
    pub before: Version,
    /// Why releases older than `oldest` are refused, when a successor replaced them.
    pub replaced: Option<&'static str>,
}

const fn releases(
    name: &'static str,
    newest: &'static str,
    oldest: Version,
    before: Version,
) -> Releases {
    Releases {
        name,
        newest,
        oldest,
        before,
        replaced: None,
    }
}

const fn v(major: u64, minor: u64, patch: u64) -> Version {
    Version::new(major, minor, patch)
}

// 2.42 and 0.25 are the releases of Debian's promtool/amtool, which the tests run.
pub const PROMETHEUS: Releases = releases("Prometheus", "3.14.0", v(2, 42, 0), v(4, 0, 0));
pub const ALERTMANAGER: Releases = releases("Alertmanager", "0.34.0", v(0, 25, 0), v(1, 0, 0));
pub(crate) const GRAFANA: Releases = releases("Grafana", "13.2.3", v(10, 0, 0), v(14, 0, 0));
pub(crate) const LOKI: Releases = Releases {
    replaced: Some("Loki 2.x stores its index with boltdb-shipper (schema v12 and older), which Loki 3 replaced by TSDB with schema v13; stackctl renders Loki 3 configuration"),
    ..releases("Loki", "3.7.6", v(3, 0, 0), v(4, 0, 0))
};
pub(crate) const ALLOY: Releases = releases("Alloy", "1.18.1", v(1, 0, 0), v(2, 0, 0));
pub(crate) const PROMTAIL: Releases = releases("Promtail", "3.6.15", v(3, 0, 0), v(4, 0, 0));
pub(crate) const JAEGER: Releases = Releases {
    replaced: Some("Jaeger 1.x reached end of life; Jaeger v2, built on the OpenTelemetry Collector, replaced it and takes a different configuration"),
    ..releases("Jaeger", "2.20.0", v(2, 0, 0), v(3, 0, 0))
};
pub const NODE_EXPORTER: Releases = releases("node_exporter", "1.12.1", v(1, 0, 0), v(2, 0, 0));
pub(crate) const CADVISOR: Releases = releases("cAdvisor", "0.60.5", v(0, 45, 0), v(1, 0, 0));
pub(crate) const BLACKBOX_EXPORTER: Releases =
    releases("blackbox_exporter", "0.28.0", v(0, 20, 0), v(1, 0, 0));
pub const PUSHGATEWAY: Releases = releases("Pushgateway", "1.11.3", v(1, 4, 0), v(2, 0, 0));
// 1.79 is Debian 12's `victoria-metrics`, which tests/e2e_victoriametrics.rs runs; every flag
// stackctl sets (`-retentionPeriod`, `-dedup.minScrapeInterval`, `-storageDataPath`) and
// `/health` exist from it to the newest release (v1.143.0, 2026-05-08).
pub(crate) const VICTORIAMETRICS: Releases =
    releases("VictoriaMetrics", "1.143.0", v(1, 79, 0), v(2, 0, 0));

pub(crate) const REDIS_EXPORTER: Releases =
    releases("redis_exporter", "1.88.0", v(1, 0, 0), v(2, 0, 0));
// The oldest supported exporter releases are Debian 12's, which tests/e2e_exporters.rs deploys
// with stackctl's rendered flags and credential files and proves the presets against.
pub(crate) const POSTGRES_EXPORTER: Releases =
    releases("postgres_exporter", "0.20.1", v(0, 11, 0), v(1, 0, 0));
pub(crate) const MYSQLD_EXPORTER: Releases =
    releases("mysqld_exporter", "0.17.2", v(0, 14, 0), v(1, 0, 0));
pub(crate) const MONGODB_EXPORTER: Releases =
    releases("mongodb_exporter", "0.44.0", v(0, 40, 0), v(1, 0, 0));
pub(crate) const NGINX_EXPORTER: Releases = releases(
    "nginx-prometheus-exporter",
    "1.4.2",
    v(0, 11, 0),
    v(2, 0, 0),
);
pub(crate) const KAFKA_EXPORTER: Releases =
    releases("kafka_exporter", "1.9.0", v(1, 0, 0), v(2, 0, 0));
/// RabbitMQ itself: `type: rabbitmq` scrapes the broker's built-in `rabbitmq_prometheus`
/// endpoint (RabbitMQ 3.8 added it), so the release is the broker's.
pub const RABBITMQ: Releases = releases("RabbitMQ", "3.10.8", v(3, 8, 0), v(5, 0, 0));
pub(crate) const ELASTICSEARCH_EXPORTER: Releases =
    releases("elasticsearch_exporter", "1.9.0", v(1, 5, 0), v(2, 0, 0));

/// The releases of the component under `components.<key>`.
pub fn component(key: &str) -> Option<&'static Releases> {
    Some(match key {
        "prometheus" => &PROMETHEUS,
        "alertmanager" => &ALERTMANAGER,
        "grafana" => &GRAFANA,
        "loki" => &LOKI,
        "alloy" => &ALLOY,
        "promtail" => &PROMTAIL,
        "jaeger" => &JAEGER,
        "node_exporter" => &NODE_EXPORTER,
        "cadvisor" => &CADVISOR,
        "blackbox_exporter" => &BLACKBOX_EXPORTER,
        "pushgateway" => &PUSHGATEWAY,
        "victoriametrics" => &VICTORIAMETRICS,
        _ => return None,
    })
}

/// The releases of the exporter of `exporters[].type`.
pub fn exporter(kind: ExporterType) -> &'static Releases {
    match kind {
        ExporterType::Redis => &REDIS_EXPORTER,
        ExporterType::Postgres => &POSTGRES_EXPORTER,
        ExporterType::Mysql => &MYSQLD_EXPORTER,
        ExporterType::Mongodb => &MONGODB_EXPORTER,
        ExporterType::Nginx => &NGINX_EXPORTER,
        ExporterType::Kafka => &KAFKA_EXPORTER,
        ExporterType::Rabbitmq => &RABBITMQ,
        ExporterType::Elasticsearch => &ELASTICSEARCH_EXPORTER,
    }
}

/// Every component, then every exporter by `type`, in the order the docs list them.
#[cfg(test)]
const ALL: &[(&str, Releases)] = &[
    ("components.prometheus", PROMETHEUS),
    ("components.alertmanager", ALERTMANAGER),
    ("components.grafana", GRAFANA),
    ("components.loki", LOKI),
    ("components.alloy", ALLOY),
    ("components.promtail", PROMTAIL),
    ("components.jaeger", JAEGER),
    ("components.node_exporter", NODE_EXPORTER),
    ("components.cadvisor", CADVISOR),
    ("components.blackbox_exporter", BLACKBOX_EXPORTER),
    ("components.pushgateway", PUSHGATEWAY),
    ("components.victoriametrics", VICTORIAMETRICS),
    ("exporters `type: redis`", REDIS_EXPORTER),
    ("exporters `type: postgres`", POSTGRES_EXPORTER),
    ("exporters `type: mysql`", MYSQLD_EXPORTER),
    ("exporters `type: mongodb`", MONGODB_EXPORTER),
    ("exporters `type: nginx`", NGINX_EXPORTER),
    ("exporters `type: kafka`", KAFKA_EXPORTER),
    ("exporters `type: rabbitmq`", RABBITMQ),
    ("exporters `type: elasticsearch`", ELASTICSEARCH_EXPORTER),
];

/// The docs table of supported releases (a test holds docs/manifest.md to it).
#[cfg(test)]
fn markdown_table() -> String {
    let mut out =
        String::from("| key | program | supported | newest known (default) |\n|---|---|---|---|\n");
    for (key, releases) in ALL {
        out.push_str(&format!(
            "| {key} | {} | {} up to {}.x | {} |\n",
            releases.name,
            releases.oldest,
            releases.before.major.saturating_sub(1),
            releases.newest
        ));
    }
    out
}

/// Why a `version` value is refused: message and hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionProblem {
    pub message: String,
    pub hint: String,
}

impl Releases {
    /// `2.42.0 up to 3.x` in words, for messages.
    pub fn range(&self) -> String {
        format!(
            "{} {} up to {}.x",
            self.name,
            self.oldest,
            self.before.major.saturating_sub(1)
        )
    }

    /// The release `text` names, if stackctl supports it.
    pub fn check(&self, text: &str) -> Result<Version, VersionProblem> {
        let range_hint = format!(
            "stackctl supports {}; the newest release it knows is {}",
            self.range(),
            self.newest
        );
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(VersionProblem {
                message: format!("the {} version is empty", self.name),
                hint: format!("{range_hint}; leave `version` out to run {}", self.newest),
            });
        }
        let Some(version) = parse_release(trimmed) else {
            return Err(VersionProblem {
                message: format!("`{trimmed}` is not a {} release number", self.name),
                hint: format!(
                    "write a release such as `{}` (images are pinned, never `latest`); {range_hint}",
                    self.newest
                ),
            });
        };
        if version < self.oldest {
            if let Some(replaced) = self.replaced {
                return Err(VersionProblem {
                    message: format!("{} {version} is no longer supported", self.name),
                    hint: format!("{replaced}; {range_hint}"),
                });
            }
        }
        if version < self.oldest || version >= self.before {
            return Err(VersionProblem {
                message: format!("{} {version} is outside the supported releases", self.name),
                hint: range_hint,
            });
        }
        Ok(version)
    }
}

/// `3.14.0`, `3.14`, `v3.14.0`, `1.19.0-rc.3`: digits and dots, an optional `v`, an optional
/// pre-release suffix. Anything else (`latest`, `v3.x.y`, `3`, `3.14.0.1`) is not a release.
fn parse_release(text: &str) -> Option<Version> {
    let bare = text.strip_prefix('v').unwrap_or(text);
    let (core, suffix) = match bare.split_once(['-', '+']) {
        Some((core, suffix)) => (core, Some(suffix)),
        None => (bare, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    let suffix_ok = suffix
        .is_none_or(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'));
    if !(2..=3).contains(&parts.len()) || !parts.iter().all(numeric) || !suffix_ok {
        return None;
    }
    Version::parse(bare)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_list_every_range() {
        let docs = include_str!("../../docs/manifest.md");
        let table = markdown_table();
        assert!(
            docs.contains(&table),
            "docs/manifest.md's table of supported releases is out of date; replace it with:\n\n{table}"
        );
    }

    #[test]
    fn every_default_is_inside_its_own_range() {
        for (_, releases) in ALL {
            assert_eq!(
                releases.check(releases.newest).map(|v| v.to_string()),
                Ok(releases.newest.to_string()),
                "{}",
                releases.name
            );
        }
    }

    #[test]
    fn the_debian_checker_releases_are_supported() {
        for (releases, version) in [
            (PROMETHEUS, "2.42.0"),
            (ALERTMANAGER, "0.25.0"),
            (NODE_EXPORTER, "1.5.0"),
            (BLACKBOX_EXPORTER, "0.23.0"),
            (PUSHGATEWAY, "1.5.1"),
        ] {
            assert!(
                releases.check(version).is_ok(),
                "{} {version}",
                releases.name
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_supported_release() {
        let cases = [
            (
                PROMETHEUS,
                "latest",
                "`latest` is not a Prometheus release number",
            ),
            (PROMETHEUS, "", "the Prometheus version is empty"),
            (
                PROMETHEUS,
                "v3.x.y",
                "`v3.x.y` is not a Prometheus release number",
            ),
            (PROMETHEUS, "3", "`3` is not a Prometheus release number"),
            (
                PROMETHEUS,
                "2.41.0",
                "Prometheus 2.41.0 is outside the supported releases",
            ),
            (
                PROMETHEUS,
                "4.0.0",
                "Prometheus 4.0.0 is outside the supported releases",
            ),
            (JAEGER, "1.50", "Jaeger 1.50.0 is no longer supported"),
            (LOKI, "2.9.4", "Loki 2.9.4 is no longer supported"),
        ];
        for (releases, text, want) in cases {
            assert_eq!(releases.check(text).unwrap_err().message, want, "{text}");
        }
        let hint = PROMETHEUS.check("latest").unwrap_err().hint;
        assert_eq!(hint, "write a release such as `3.14.0` (images are pinned, never `latest`); stackctl supports Prometheus 2.42.0 up to 3.x; the newest release it knows is 3.14.0");
        assert!(JAEGER
            .check("1.50")
            .unwrap_err()
            .hint
            .contains("OpenTelemetry Collector"));
        for ok in ["v3.14.0", "3.5", "3.15.0", "3.0.0-rc.1"] {
            assert!(PROMETHEUS.check(ok).is_ok(), "{ok}");
        }
    }
}
