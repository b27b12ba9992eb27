//! The typed manifest (`stackctl.yaml`, contract version 1): top level and components.
//!
//! Only shapes live here. Defaults that an operator reads in the docs are applied by serde;
//! everything that needs judgement (durations, addresses, cross-references) is checked in
//! `validate`, so that all problems can be reported in one run.

use std::collections::BTreeMap;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

use super::alerts::{Alerts, Slo};
use super::duration::PromDuration;
use super::notify::Notify;
use super::scrape::{Exporter, ScrapeJob};
use super::secret::Secret;
use super::telemetry::{Dashboards, Logs, Traces};

pub const DEFAULT_BIND: &str = "127.0.0.1";

#[derive(Debug, Clone, Deserialize)]
pub struct Manifest {
    /// The manifest format version; only `1` exists.
    pub version: u32,
    pub project: String,
    #[serde(default = "default_bind")]
    pub bind: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub networks: Vec<String>,
    #[serde(default)]
    pub components: Components,
    #[serde(default)]
    pub scrape: Vec<ScrapeJob>,
    #[serde(default)]
    pub exporters: Vec<Exporter>,
    #[serde(default)]
    pub alerts: Alerts,
    #[serde(default)]
    pub slos: Vec<Slo>,
    #[serde(default)]
    pub notify: Option<Notify>,
    #[serde(default)]
    pub logs: Logs,
    #[serde(default)]
    pub traces: Traces,
    #[serde(default)]
    pub dashboards: Dashboards,
    /// The certificate an exposed stack serves HTTPS with (`render::tls`); default: a
    /// self-signed pair generated into `.stackctl/tls/`.
    #[serde(default)]
    pub tls: Option<TlsFiles>,
}

/// `tls: {cert: FILE, key: FILE}`: PEM files, relative to the manifest's directory.
#[derive(Debug, Clone, Deserialize)]
pub struct TlsFiles {
    pub cert: String,
    pub key: String,
}

fn default_bind() -> String {
    DEFAULT_BIND.to_string()
}

/// A component's host port: left out (the component's default), `null` (not published), or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PortSetting {
    #[default]
    Default,
    Unpublished,
    Host(u16),
}

impl PortSetting {
    /// The host port to publish, given the component's default.
    pub fn resolve(self, default: Option<u16>) -> Option<u16> {
        match self {
            PortSetting::Default => default,
            PortSetting::Unpublished => None,
            PortSetting::Host(port) => Some(port),
        }
    }
}

impl<'de> Deserialize<'de> for PortSetting {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PortVisitor)
    }
}

struct PortVisitor;

impl Visitor<'_> for PortVisitor {
    type Value = PortSetting;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a port number or `null`")
    }

    fn visit_unit<E: de::Error>(self) -> Result<PortSetting, E> {
        Ok(PortSetting::Unpublished)
    }

    fn visit_none<E: de::Error>(self) -> Result<PortSetting, E> {
        Ok(PortSetting::Unpublished)
    }

    fn visit_u64<E: de::Error>(self, port: u64) -> Result<PortSetting, E> {
        match u16::try_from(port) {
            Ok(port) if port > 0 => Ok(PortSetting::Host(port)),
            _ => Err(E::custom(format!("port {port} is outside 1-65535"))),
        }
    }

    fn visit_i64<E: de::Error>(self, port: i64) -> Result<PortSetting, E> {
        Err(E::custom(format!("port {port} is outside 1-65535")))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<PortSetting, E> {
        match text.parse::<u16>() {
            Ok(port) if port > 0 => Ok(PortSetting::Host(port)),
            _ => Err(E::custom(format!(
                "expected a port number or `null`, found `{}`",
                text.chars().take(40).collect::<String>()
            ))),
        }
    }
}

/// What every component accepts: which release, which image, which host port.
pub trait ComponentSettings {
    fn version(&self) -> Option<&str>;
    fn image(&self) -> Option<&str>;
    fn port(&self) -> PortSetting;
}

/// What every component passes through to its program unchanged: extra flags and environment.
pub trait Passthrough {
    fn args(&self) -> &[String];
    fn env(&self) -> &BTreeMap<String, Secret>;
}

macro_rules! component_settings {
    ($($ty:ty),* $(,)?) => {$(
        impl ComponentSettings for $ty {
            fn version(&self) -> Option<&str> { self.version.as_deref() }
            fn image(&self) -> Option<&str> { self.image.as_deref() }
            fn port(&self) -> PortSetting { self.port }
        }
        impl Passthrough for $ty {
            fn args(&self) -> &[String] { &self.args }
            fn env(&self) -> &BTreeMap<String, Secret> { &self.env }
        }
    )*};
}

component_settings!(
    Prometheus,
    Alertmanager,
    Grafana,
    Loki,
    Alloy,
    Promtail,
    Jaeger,
    NodeExporter,
    Cadvisor,
    BlackboxExporter,
    Pushgateway,
);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Components {
    pub prometheus: Option<Prometheus>,
    pub alertmanager: Option<Alertmanager>,
    pub grafana: Option<Grafana>,
    pub loki: Option<Loki>,
    pub alloy: Option<Alloy>,
    pub promtail: Option<Promtail>,
    pub jaeger: Option<Jaeger>,
    pub node_exporter: Option<NodeExporter>,
    pub cadvisor: Option<Cadvisor>,
    pub blackbox_exporter: Option<BlackboxExporter>,
    pub pushgateway: Option<Pushgateway>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Prometheus {
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
    pub scrape_interval: Option<PromDuration>,
    pub scrape_timeout: Option<PromDuration>,
    pub evaluation_interval: Option<PromDuration>,
    pub retention: Option<Retention>,
    #[serde(default)]
    pub remote_write: Vec<RemoteWrite>,
    /// Deep-merged into prometheus.yml last.
    pub extra_config: Option<serde_yaml::Mapping>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Retention {
    pub time: Option<PromDuration>,
    /// A byte size such as `50GB` (Prometheus units: B, KB, MB, GB, TB, PB, EB).
    pub size: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RemoteWrite {
    pub url: String,
    pub name: Option<String>,
    pub basic_auth: Option<BasicAuth>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BasicAuth {
    pub username: String,
    pub password: Secret,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Alertmanager {
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
    /// Deep-merged into alertmanager.yml last.
    pub extra_config: Option<serde_yaml::Mapping>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Grafana {
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
    pub admin_user: Option<String>,
    /// Required: there is no default password.
    pub admin_password: Option<Secret>,
    pub root_url: Option<String>,
    #[serde(default)]
    pub plugins: Vec<String>,
    #[serde(default)]
    pub anonymous: bool,
    /// grafana.ini settings by section: `{users: {allow_sign_up: false}}` →
    /// `GF_USERS_ALLOW_SIGN_UP=false`.
    #[serde(default)]
    pub settings: BTreeMap<String, BTreeMap<String, Secret>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Loki {
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
    /// How long logs are kept (default 30d; minimum 24h).
    pub retention: Option<PromDuration>,
    /// Deep-merged into the rendered YAML config last (maps merge, lists and values replace,
    /// `null` removes a key).
    pub extra_config: Option<serde_yaml::Mapping>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Alloy {
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
    /// Alloy syntax appended to the rendered config.alloy.
    pub extra_config: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Promtail {
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
    /// Deep-merged into the rendered YAML config last (maps merge, lists and values replace,
    /// `null` removes a key).
    pub extra_config: Option<serde_yaml::Mapping>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TraceStorage {
    Memory,
    #[default]
    Badger,
    Elasticsearch,
    Opensearch,
}

/// An Elasticsearch or OpenSearch cluster Jaeger stores traces in.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchStorage {
    /// Full URLs (`http://es:9200`).
    #[serde(default)]
    pub servers: Vec<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// Indices are named `<index_prefix>-jaeger-*`.
    pub index_prefix: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Jaeger {
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
    #[serde(default)]
    pub storage: TraceStorage,
    /// How long traces are kept with badger storage (default 72h).
    pub retention: Option<PromDuration>,
    /// Settings of `storage: elasticsearch`.
    pub elasticsearch: Option<SearchStorage>,
    /// Settings of `storage: opensearch`.
    pub opensearch: Option<SearchStorage>,
    /// Serve the UI and API under this path (`/jaeger`), e.g. behind a reverse proxy.
    pub base_path: Option<String>,
    /// Deep-merged into the rendered YAML config last (maps merge, lists and values replace,
    /// `null` removes a key).
    pub extra_config: Option<serde_yaml::Mapping>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NodeExporter {
    /// The scrape job's name (default `node`).
    pub job: Option<String>,
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
    /// Collectors to turn on (`--collector.NAME`) or off (`--no-collector.NAME`).
    pub collectors: Option<Collectors>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Collectors {
    #[serde(default)]
    pub enable: Vec<String>,
    #[serde(default)]
    pub disable: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Cadvisor {
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BlackboxExporter {
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
    /// Extra probe modules merged over the defaults (`http_2xx`, `tcp_connect`, `icmp`).
    #[serde(default)]
    pub modules: BTreeMap<String, serde_yaml::Value>,
    /// Deep-merged into the rendered YAML config last (maps merge, lists and values replace,
    /// `null` removes a key).
    pub extra_config: Option<serde_yaml::Mapping>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Pushgateway {
    pub version: Option<String>,
    pub image: Option<String>,
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the program
    /// reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
}
