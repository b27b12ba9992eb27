//! The values prometheus.yml is laid out from: the template context, computed in Rust.
//!
//! Shapes only; `jobs`, `discovery` and `mod.rs` fill them. Field names are Prometheus' own
//! keys so that the template reads like the file it writes. `None` and empty collections are
//! left out of the file by the template.

use std::collections::BTreeMap;

use serde::Serialize;

/// Where the rules step puts rule files, as the container sees them.
pub(crate) const RULE_FILES_GLOB: &str = "/etc/prometheus/rules/*.yml";

#[derive(Debug, Clone, Serialize)]
pub struct PrometheusConfig {
    pub global: Global,
    pub rule_files: Vec<String>,
    /// `host:port` of each Alertmanager (API v2, Prometheus' only and default version).
    pub alertmanagers: Vec<String>,
    /// On a Swarm: every Alertmanager replica, found by DNS (`tasks.alertmanager`).
    pub alertmanager_dns: Option<DnsSdConfig>,
    /// Basic auth for the Alertmanagers, when they require it (`render::web_auth`).
    pub alertmanager_auth: Option<BasicAuth>,
    /// The certificate to trust when the Alertmanagers serve HTTPS (`render::tls`).
    pub alertmanager_tls: Option<TlsClient>,
    pub scrape_configs: Vec<ScrapeConfig>,
    pub remote_write: Vec<RemoteWrite>,
    /// `storage.tsdb.retention` (Prometheus ≥ 3.8; older releases get flags instead).
    pub retention: Option<Retention>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Global {
    pub scrape_interval: String,
    pub scrape_timeout: String,
    pub evaluation_interval: String,
    pub external_labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScrapeConfig {
    pub job_name: String,
    pub honor_labels: bool,
    pub scrape_interval: Option<String>,
    pub scrape_timeout: Option<String>,
    pub metrics_path: Option<String>,
    pub scheme: Option<String>,
    pub fallback_scrape_protocol: Option<&'static str>,
    pub params: BTreeMap<String, Vec<String>>,
    pub basic_auth: Option<BasicAuth>,
    pub tls_config: Option<TlsClient>,
    pub authorization: Option<Authorization>,
    pub static_configs: Vec<StaticConfig>,
    pub docker_sd_configs: Vec<DockerSdConfig>,
    pub dockerswarm_sd_configs: Vec<DockerSwarmSdConfig>,
    pub dns_sd_configs: Vec<DnsSdConfig>,
    pub relabel_configs: Vec<serde_yaml::Value>,
    pub metric_relabel_configs: Vec<serde_yaml::Value>,
}

impl ScrapeConfig {
    /// A job scraping fixed `targets`.
    pub fn fixed(job_name: &str, targets: Vec<String>) -> Self {
        Self {
            job_name: job_name.to_string(),
            static_configs: vec![StaticConfig {
                targets,
                labels: BTreeMap::new(),
            }],
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StaticConfig {
    pub targets: Vec<String>,
    pub labels: BTreeMap<String, String>,
}

/// `tls_config` of a client of a stack program that serves HTTPS: trust the stack's certificate.
#[derive(Debug, Clone, Serialize)]
pub struct TlsClient {
    pub ca_file: String,
    /// The name to verify when the target is an address (a Swarm's `tasks.SERVICE` answers
    /// with task IPs, which no certificate names).
    pub server_name: Option<String>,
}

/// `basic_auth` with the password in a secret file, never inline.
#[derive(Debug, Clone, Serialize)]
pub struct BasicAuth {
    pub username: String,
    pub password_file: String,
}

/// `authorization` with the credentials in a secret file (`bearer_token*` is deprecated).
#[derive(Debug, Clone, Serialize)]
pub struct Authorization {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub credentials_file: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DockerSdConfig {
    pub host: &'static str,
    /// The port of containers that expose none (Prometheus' default is 80).
    pub port: Option<u16>,
    pub filters: Vec<DockerFilter>,
}

/// `dockerswarm_sd_configs` with role `tasks`: every task of a service, on every node.
#[derive(Debug, Clone, Serialize)]
pub struct DockerSwarmSdConfig {
    pub host: &'static str,
    pub role: &'static str,
    pub port: u16,
    /// How often the task list is read: a task Swarm replaced leaves the targets this fast.
    pub refresh_interval: &'static str,
    pub filters: Vec<DockerFilter>,
}

/// `dns_sd_configs` of type A: every address a name resolves to (Swarm's `tasks.SERVICE`).
#[derive(Debug, Clone, Serialize)]
pub struct DnsSdConfig {
    pub names: Vec<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub port: u16,
}

#[derive(Debug, Clone, Serialize)]
pub struct DockerFilter {
    pub name: &'static str,
    pub values: Vec<String>,
}

/// One `relabel_configs` entry as stackctl generates it (user entries pass through as YAML).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Relabel {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_labels: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<&'static str>,
}

impl Relabel {
    /// Copies `source` to `target`.
    pub fn copy(source: &str, target: &str) -> Self {
        Self {
            source_labels: vec![source.into()],
            target_label: Some(target.into()),
            ..Self::default()
        }
    }

    /// Sets `target` to `value`, literally.
    pub fn set(target: &str, value: &str) -> Self {
        Self {
            target_label: Some(target.into()),
            replacement: Some(literal_replacement(value)),
            ..Self::default()
        }
    }

    /// Copies the first group of `regex` from `source` to `target` when it matches (kept otherwise).
    pub(crate) fn capture(source: &str, regex: &str, target: &str) -> Self {
        Self {
            source_labels: vec![source.into()],
            regex: Some(regex.into()),
            target_label: Some(target.into()),
            ..Self::default()
        }
    }

    pub fn to_value(&self) -> serde_yaml::Value {
        serde_yaml::to_value(self).expect("a relabel rule is plain data")
    }
}

/// One `remote_write` entry. Sub-blocks whose keys are plain values (`queue_config`,
/// `metadata_config`, `oauth2`, `sigv4`) are key → value maps the template lays out in order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RemoteWrite {
    pub url: String,
    pub name: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub authorization: Option<Authorization>,
    pub basic_auth: Option<BasicAuth>,
    pub oauth2: Option<BTreeMap<&'static str, serde_json::Value>>,
    pub sigv4: Option<BTreeMap<&'static str, serde_json::Value>>,
    pub queue_config: BTreeMap<&'static str, serde_json::Value>,
    pub metadata_config: BTreeMap<&'static str, serde_json::Value>,
    pub write_relabel_configs: Vec<serde_json::Value>,
}

impl RemoteWrite {
    pub fn new(url: String) -> Self {
        Self {
            url,
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Retention {
    pub time: String,
    pub size: Option<String>,
}

/// A literal for a relabel `replacement`: `$` starts a capture-group reference there, so
/// a value that must arrive unchanged doubles it.
pub(crate) fn literal_replacement(value: &str) -> String {
    value.replace('$', "$$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_replacement_escapes_capture_references() {
        let cases = [
            ("plain", "plain"),
            ("$1", "$$1"),
            ("a${x}b", "a$${x}b"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(literal_replacement(input), want, "{input}");
        }
    }
}
