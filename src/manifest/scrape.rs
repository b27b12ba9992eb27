//! What Prometheus scrapes besides the stack (`scrape`) and the exporters run beside it (`exporters`).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::duration::PromDuration;
use super::model::{BasicAuth, PortSetting};
use super::secret::Secret;

#[derive(Debug, Clone, Deserialize)]
pub struct ScrapeJob {
    pub job: String,
    #[serde(default)]
    pub targets: Vec<String>,
    pub metrics_path: Option<String>,
    pub interval: Option<PromDuration>,
    pub timeout: Option<PromDuration>,
    /// `http` (default) or `https`.
    pub scheme: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub honor_labels: bool,
    pub basic_auth: Option<BasicAuth>,
    /// Rendered as `authorization.credentials_file`.
    pub bearer_token: Option<Secret>,
    /// Prometheus `relabel_configs`, passed through.
    #[serde(default)]
    pub relabel: Vec<serde_yaml::Value>,
    /// Prometheus `metric_relabel_configs`, passed through.
    #[serde(default)]
    pub metric_relabel: Vec<serde_yaml::Value>,
    /// Query parameters (`params`), passed through.
    #[serde(default)]
    pub params: BTreeMap<String, Vec<String>>,
    /// A blackbox probe job instead of a plain scrape.
    pub probe: Option<Probe>,
    /// Docker service discovery instead of static targets.
    pub docker: Option<DockerDiscovery>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Probe {
    pub module: String,
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DockerDiscovery {
    /// Containers carrying this label are scraped (`prometheus.scrape`).
    pub label: String,
    /// The container port to scrape when the container does not say (`<label>.port`).
    pub port: Option<u16>,
}

pub const EXPORTER_TYPES: &[&str] = &[
    "redis",
    "postgres",
    "mysql",
    "mongodb",
    "nginx",
    "kafka",
    "rabbitmq",
    "elasticsearch",
];

#[derive(Debug, Clone, Deserialize)]
pub struct Exporter {
    #[serde(rename = "type")]
    pub kind: String,
    /// Job and service name (default: the type).
    pub name: Option<String>,
    /// What the exporter connects to (`redis:6379`).
    pub target: Option<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// A full connection string (postgres, mysql, mongodb).
    pub dsn: Option<Secret>,
    pub version: Option<String>,
    pub image: Option<String>,
    /// Host port; exporters are not published unless asked.
    #[serde(default)]
    pub port: PortSetting,
}

impl Exporter {
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.kind)
    }
}
