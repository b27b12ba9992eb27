//! The typed manifest (`stackctl.yaml`, contract version 1): top level and components.
//!
//! Only shapes live here. Defaults that an operator reads in the docs are applied by serde;
//! everything that needs judgement (durations, addresses, cross-references) is checked in
//! `validate`, so that all problems can be reported in one run.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

use super::alerts::{Alerts, Slo};
use super::duration::PromDuration;
use super::notify::Notify;
use super::scrape::{Exporter, ScrapeJob};
use super::secret::Secret;
pub use super::swarm::{EngineKind, Swarm};
use super::telemetry::{Dashboards, Logs, Traces};

pub(crate) const DEFAULT_BIND: &str = "127.0.0.1";

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct Manifest {
    /// The manifest format version; only `1` exists.
    pub version: u32,
    /// Names containers (`shop-prometheus-1`), the network (`shop_default`) and volumes, as Docker
    /// Compose would: `[a-z0-9][a-z0-9_-]*`.
    pub project: String,
    /// Host address every published port listens on (default `127.0.0.1`); `0.0.0.0` exposes the
    /// stack to the network.
    #[serde(default = "default_bind")]
    pub bind: String,
    /// Prometheus `external_labels`: attached to every alert and remote-written sample.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Existing Docker networks the stack joins, so targets like `api:5500` resolve by container
    /// name.
    #[serde(default)]
    pub networks: Vec<String>,
    /// Which services run: a component runs when its key is present (`{}` means all defaults).
    #[serde(default)]
    pub components: Components,
    /// What Prometheus scrapes besides the stack: one entry per scrape job.
    #[serde(default)]
    pub scrape: Vec<ScrapeJob>,
    /// Exporter containers run beside the stack, each with its scrape job and alert preset.
    #[serde(default)]
    pub exporters: Vec<Exporter>,
    /// Alert and recording rules: presets, your own groups and rule files.
    #[serde(default)]
    pub alerts: Alerts,
    /// Service level objectives, rendered to recording rules and burn-rate alerts.
    #[serde(default)]
    pub slos: Vec<Slo>,
    /// Alertmanager routing: receivers, routes, inhibitions, quiet hours.
    #[serde(default)]
    pub notify: Option<Notify>,
    /// What the log shipper (`alloy` or `promtail`) collects and how lines are processed.
    #[serde(default)]
    pub logs: Logs,
    /// Which trace protocols Jaeger receives.
    #[serde(default)]
    pub traces: Traces,
    /// Grafana dashboards: generated ones, your JSON files, and boards written as panel lists.
    #[serde(default)]
    pub dashboards: Dashboards,
    /// `compose` (default) or `swarm`; `--engine` overrides it.
    #[serde(default)]
    pub engine: EngineKind,
    /// On a Docker Swarm: agents on every node, replica counts, placement constraints.
    #[serde(default)]
    pub swarm: Swarm,
    /// The certificate an exposed stack serves HTTPS with (`render::tls`); default: a
    /// self-signed pair generated into `.stackctl/tls/`.
    #[serde(default)]
    pub tls: Option<TlsFiles>,
}

/// `tls: {cert: FILE, key: FILE}`: PEM files, relative to the manifest's directory.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct TlsFiles {
    /// The certificate (PEM, with its chain); it must name `localhost`, `prometheus`,
    /// `alertmanager`, `pushgateway` and the bind address.
    pub cert: String,
    /// Its private key (PEM); kept 0600.
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
    pub(crate) fn resolve(self, default: Option<u16>) -> Option<u16> {
        match self {
            PortSetting::Default => default,
            PortSetting::Unpublished => None,
            PortSetting::Host(port) => Some(port),
        }
    }
}

impl JsonSchema for PortSetting {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PortSetting".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A host port (1-65535), or `null` for not published.",
            "type": ["integer", "null"],
            "minimum": 1,
            "maximum": 65535
        })
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
pub(crate) trait ComponentSettings {
    fn version(&self) -> Option<&str>;
    fn image(&self) -> Option<&str>;
    fn port(&self) -> PortSetting;
}

/// What every component passes through to its program unchanged: extra flags and environment.
pub trait Passthrough {
    fn args(&self) -> &[String];
    fn env(&self) -> &BTreeMap<String, Secret>;
}

/// Declares a component's settings: the keys every component accepts (`version`, `image`,
/// `port`, `args`, `env`, documented once here) before its own, and `ComponentSettings` and
/// `Passthrough` over them.
macro_rules! component {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $($(#[$field_attr:meta])* pub $field:ident: $type:ty,)*
        }
    ) => {
        #[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
        $(#[$attr])*
        pub struct $name {
            /// The release to run (`3.14.0`, `v3.14.0`, `3.14`) inside the supported range; it
            /// decides which keys are rendered. Default: the release pinned in `stackctl.lock`,
            /// else the newest release stackctl knows.
            pub version: Option<String>,
            /// A full image reference (mirror, private registry); `version` still names the
            /// release it runs. Default: the component's official image at `version`.
            pub image: Option<String>,
            /// Host port the service is published on (1-65535), or `null` for not published.
            #[serde(default)]
            pub port: PortSetting,
            /// Extra command-line flags (a flag stackctl sets itself is refused).
            #[serde(default)]
            pub args: Vec<String>,
            /// Extra environment (non-secret; a `${VAR}` value goes by `__FILE` where the
            /// program reads one). Values may come from `${VAR}`, so they are held as `Secret`s.
            #[serde(default)]
            pub env: BTreeMap<String, Secret>,
            $($(#[$field_attr])* pub $field: $type,)*
        }

        impl ComponentSettings for $name {
            fn version(&self) -> Option<&str> {
                self.version.as_deref()
            }
            fn image(&self) -> Option<&str> {
                self.image.as_deref()
            }
            fn port(&self) -> PortSetting {
                self.port
            }
        }

        impl Passthrough for $name {
            fn args(&self) -> &[String] {
                &self.args
            }
            fn env(&self) -> &BTreeMap<String, Secret> {
                &self.env
            }
        }
    };
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Components {
    /// Prometheus: metrics storage, scraping and rule evaluation (port 9090).
    pub prometheus: Option<Prometheus>,
    /// Alertmanager: routes alerts to receivers (port 9093).
    pub alertmanager: Option<Alertmanager>,
    /// Grafana: dashboards over every datasource of the stack (port 3000); needs `admin_password`.
    pub grafana: Option<Grafana>,
    /// Loki: log storage (port 3100).
    pub loki: Option<Loki>,
    /// Grafana Alloy: the recommended log shipper (not published).
    pub alloy: Option<Alloy>,
    /// Promtail: the older log shipper, end of life since 2026-03-02 (rendered with a warning).
    pub promtail: Option<Promtail>,
    /// Jaeger v2: trace storage and UI (port 16686).
    pub jaeger: Option<Jaeger>,
    /// node_exporter: host metrics (not published).
    pub node_exporter: Option<NodeExporter>,
    /// cAdvisor: container metrics (not published).
    pub cadvisor: Option<Cadvisor>,
    /// blackbox_exporter: HTTP, TCP and ICMP probes (not published).
    pub blackbox_exporter: Option<BlackboxExporter>,
    /// Pushgateway: metrics pushed by batch jobs (port 9091).
    pub pushgateway: Option<Pushgateway>,
    /// VictoriaMetrics: single-node long-term store; Prometheus remote-writes to it and Grafana
    /// queries it (port 8428).
    pub victoriametrics: Option<VictoriaMetrics>,
}

component! {
    pub struct Prometheus {
        /// How often targets are scraped (default `15s`): `global.scrape_interval`.
        pub scrape_interval: Option<PromDuration>,
        /// Scrape timeout (default `10s`); must not exceed `scrape_interval`.
        pub scrape_timeout: Option<PromDuration>,
        /// How often rules are evaluated (default `15s`).
        pub evaluation_interval: Option<PromDuration>,
        /// How long samples are kept: `{time: 30d, size: 50GB}` (Prometheus' own default: 15d).
        pub retention: Option<Retention>,
        /// Remote-write destinations (a long-term store); passwords go by file.
        #[serde(default)]
        pub remote_write: Vec<RemoteWrite>,
        /// Deep-merged into prometheus.yml last.
        #[schemars(with = "Option<super::schema::YamlMapping>")]
        pub extra_config: Option<serde_yaml::Mapping>,
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Retention {
    /// Age after which samples are deleted (`storage.tsdb.retention.time`).
    pub time: Option<PromDuration>,
    /// A byte size such as `50GB` (Prometheus units: B, KB, MB, GB, TB, PB, EB).
    pub size: Option<String>,
}

/// One `remote_write` target. Secrets (`bearer_token`, `basic_auth.password`,
/// `oauth2.client_secret`, `sigv4.secret_key`) are written to files, never into prometheus.yml.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RemoteWrite {
    /// The remote-write endpoint (`https://mimir.example.com/api/v1/push`).
    pub url: String,
    /// A name for the queue in Prometheus' own metrics.
    pub name: Option<String>,
    /// Fills the receiver's conventional URL path and headers (`remote_write` presets).
    pub preset: Option<RemoteWritePreset>,
    /// The tenant of a multi-tenant receiver (Mimir `X-Scope-OrgID`, Thanos `THANOS-TENANT`).
    pub tenant: Option<String>,
    /// A bearer token (secret: `${VAR}`), handed to Prometheus by file.
    pub bearer_token: Option<Secret>,
    /// Basic auth for the endpoint; the password goes by file.
    pub basic_auth: Option<BasicAuth>,
    /// OAuth 2.0 client credentials; the client secret goes by file.
    pub oauth2: Option<OAuth2>,
    /// AWS Signature Version 4 signing (Amazon Managed Service for Prometheus).
    pub sigv4: Option<SigV4>,
    /// Extra HTTP headers sent with every request.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Prometheus `queue_config`: capacity, shards, batch sizes, backoff.
    pub queue: Option<RemoteWriteQueue>,
    /// Prometheus `write_relabel_configs`, checked like scrape relabel rules.
    #[serde(default)]
    #[schemars(with = "Vec<super::schema::RelabelConfig>")]
    pub write_relabel: Vec<serde_yaml::Value>,
    /// Prometheus `metadata_config`: whether and how often metric metadata is sent.
    pub metadata: Option<RemoteWriteMetadata>,
}

/// The receivers `remote_write[].preset` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RemoteWritePreset {
    /// VictoriaMetrics: `/api/v1/write`.
    Victoriametrics,
    /// Grafana Mimir: `/api/v1/push`, `X-Scope-OrgID` from `tenant`.
    Mimir,
    /// Thanos Receive: `/api/v1/receive`, `THANOS-TENANT` from `tenant`.
    Thanos,
    /// Grafana Cloud: basic auth with the instance ID and an access token.
    GrafanaCloud,
}

/// OAuth 2.0 client credentials for a remote_write endpoint.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct OAuth2 {
    /// The client ID.
    pub client_id: String,
    /// The client secret (secret: `${VAR}`), handed to Prometheus by file.
    pub client_secret: Secret,
    /// The token endpoint.
    pub token_url: String,
    /// Scopes requested with the token.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Extra parameters sent to the token endpoint.
    #[serde(default)]
    pub endpoint_params: BTreeMap<String, String>,
}

/// AWS Signature Version 4 (Amazon Managed Service for Prometheus). Keys given here go to an
/// AWS shared-credentials file; without them the AWS SDK's usual chain applies.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct SigV4 {
    /// The AWS region (default: the SDK's).
    pub region: Option<String>,
    /// The access key ID.
    pub access_key: Option<String>,
    /// The secret access key (secret: `${VAR}`), handed to Prometheus by file.
    pub secret_key: Option<Secret>,
    /// A named AWS profile.
    pub profile: Option<String>,
    /// A role to assume.
    pub role_arn: Option<String>,
}

/// Prometheus `queue_config`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct RemoteWriteQueue {
    /// Samples buffered per shard before reading from the WAL blocks.
    pub capacity: Option<u32>,
    /// Most concurrent senders.
    pub max_shards: Option<u32>,
    /// Fewest concurrent senders.
    pub min_shards: Option<u32>,
    /// Largest batch per request.
    pub max_samples_per_send: Option<u32>,
    /// Longest a sample waits in a shard's buffer.
    pub batch_send_deadline: Option<PromDuration>,
    /// First retry delay.
    pub min_backoff: Option<PromDuration>,
    /// Longest retry delay.
    pub max_backoff: Option<PromDuration>,
    /// Retry on HTTP 429 (rate limited).
    pub retry_on_http_429: Option<bool>,
}

/// Prometheus `metadata_config`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct RemoteWriteMetadata {
    /// Send metric metadata (type, help) at all.
    pub send: Option<bool>,
    /// How often metadata is sent.
    pub send_interval: Option<PromDuration>,
    /// Largest metadata batch per request.
    pub max_samples_per_send: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct BasicAuth {
    /// The user name.
    pub username: String,
    /// The password (secret: `${VAR}`), handed to the program by file.
    pub password: Secret,
}

component! {
    pub struct Alertmanager {
        /// Deep-merged into alertmanager.yml last.
        #[schemars(with = "Option<super::schema::YamlMapping>")]
        pub extra_config: Option<serde_yaml::Mapping>,
    }
}

component! {
    pub struct Grafana {
        /// The admin user name (default `admin`).
        pub admin_user: Option<String>,
        /// Required: there is no default password.
        pub admin_password: Option<Secret>,
        /// Grafana's public URL (`GF_SERVER_ROOT_URL`), for links in notifications.
        pub root_url: Option<String>,
        /// Plugins installed at start: `id` or `id@version`.
        #[serde(default)]
        pub plugins: Vec<String>,
        /// Anonymous Viewer access (default false).
        #[serde(default)]
        pub anonymous: bool,
        /// grafana.ini settings by section: `{users: {allow_sign_up: false}}` →
        /// `GF_USERS_ALLOW_SIGN_UP=false`.
        #[serde(default)]
        pub settings: BTreeMap<String, BTreeMap<String, Secret>>,
    }
}

component! {
    pub struct Loki {
        /// How long logs are kept (default 30d; minimum 24h).
        pub retention: Option<PromDuration>,
        /// Deep-merged into the rendered YAML config last (maps merge, lists and values replace,
        /// `null` removes a key).
        #[schemars(with = "Option<super::schema::YamlMapping>")]
        pub extra_config: Option<serde_yaml::Mapping>,
    }
}

component! {
    pub struct Alloy {
        /// Alloy syntax appended to the rendered config.alloy.
        pub extra_config: Option<String>,
    }
}

component! {
    pub struct Promtail {
        /// Deep-merged into the rendered YAML config last (maps merge, lists and values replace,
        /// `null` removes a key).
        #[schemars(with = "Option<super::schema::YamlMapping>")]
        pub extra_config: Option<serde_yaml::Mapping>,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TraceStorage {
    Memory,
    #[default]
    Badger,
    Elasticsearch,
    Opensearch,
}

/// An Elasticsearch or OpenSearch cluster Jaeger stores traces in.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct SearchStorage {
    /// Full URLs (`http://es:9200`).
    #[serde(default)]
    pub servers: Vec<String>,
    /// User for basic auth to the cluster.
    pub username: Option<String>,
    /// Password for basic auth to the cluster (secret: `${VAR}`), handed over by file.
    pub password: Option<Secret>,
    /// Indices are named `<index_prefix>-jaeger-*`.
    pub index_prefix: Option<String>,
}

component! {
    pub struct Jaeger {
        /// Where traces are kept: `memory`, `badger` (default, on a volume), `elasticsearch` or
        /// `opensearch`.
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
        #[schemars(with = "Option<super::schema::YamlMapping>")]
        pub extra_config: Option<serde_yaml::Mapping>,
    }
}

component! {
    pub struct NodeExporter {
        /// The scrape job's name (default `node`).
        pub job: Option<String>,
        /// Collectors to turn on (`--collector.NAME`) or off (`--no-collector.NAME`).
        pub collectors: Option<Collectors>,
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Collectors {
    /// Collectors turned on (`--collector.NAME`).
    #[serde(default)]
    pub enable: Vec<String>,
    /// Collectors turned off (`--no-collector.NAME`).
    #[serde(default)]
    pub disable: Vec<String>,
}

component! {
    pub struct Cadvisor {
    }
}

component! {
    pub struct BlackboxExporter {
        /// Extra probe modules merged over the defaults (`http_2xx`, `tcp_connect`, `icmp`).
        #[serde(default)]
        #[schemars(with = "BTreeMap<String, super::schema::YamlValue>")]
        pub modules: BTreeMap<String, serde_yaml::Value>,
        /// Deep-merged into the rendered YAML config last (maps merge, lists and values replace,
        /// `null` removes a key).
        #[schemars(with = "Option<super::schema::YamlMapping>")]
        pub extra_config: Option<serde_yaml::Mapping>,
    }
}

component! {
    pub struct Pushgateway {
    }
}

component! {
    /// Single-node VictoriaMetrics, the stack's long-term store: Prometheus remote-writes to it and
    /// Grafana queries it.
    pub struct VictoriaMetrics {
        /// How long samples are kept: a whole number and `h`, `d`, `w`, `mo` or `y` (default `1mo`).
        pub retention: Option<String>,
        /// `-dedup.minScrapeInterval`: keep one sample per series per interval. Default: the
        /// scrape interval when Prometheus runs as an HA pair, else off.
        pub dedup_interval: Option<PromDuration>,
    }
}
