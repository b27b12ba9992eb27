//! What Prometheus scrapes besides the stack (`scrape`) and the exporters run beside it (`exporters`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::duration::PromDuration;
use super::model::{BasicAuth, PortSetting};
use super::secret::Secret;
use crate::catalog::ExporterType;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ScrapeJob {
    /// The scrape job's name (`job_name`); unique.
    pub job: String,
    /// `host:port` addresses scraped (`static_configs`).
    #[serde(default)]
    pub targets: Vec<String>,
    /// The HTTP path of the metrics (default `/metrics`).
    pub metrics_path: Option<String>,
    /// How often the job is scraped (default: `components.prometheus.scrape_interval`).
    pub interval: Option<PromDuration>,
    /// Scrape timeout (default: `components.prometheus.scrape_timeout`); must not exceed the
    /// interval.
    pub timeout: Option<PromDuration>,
    /// `http` (default) or `https`.
    pub scheme: Option<String>,
    /// Labels added to every target of the job.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Keep the target's own labels when they clash with the job's (default false).
    #[serde(default)]
    pub honor_labels: bool,
    /// Basic auth for the targets; the password goes by file.
    pub basic_auth: Option<BasicAuth>,
    /// Rendered as `authorization.credentials_file`.
    pub bearer_token: Option<Secret>,
    /// Prometheus `relabel_configs`, passed through.
    #[serde(default)]
    #[schemars(with = "Vec<super::schema::RelabelConfig>")]
    pub relabel: Vec<serde_yaml::Value>,
    /// Prometheus `metric_relabel_configs`, passed through.
    #[serde(default)]
    #[schemars(with = "Vec<super::schema::RelabelConfig>")]
    pub metric_relabel: Vec<serde_yaml::Value>,
    /// Query parameters (`params`), passed through.
    #[serde(default)]
    pub params: BTreeMap<String, Vec<String>>,
    /// A blackbox probe job instead of a plain scrape.
    pub probe: Option<Probe>,
    /// Docker service discovery instead of static targets.
    pub docker: Option<DockerDiscovery>,
    /// The HTTP metrics the job exposes, for its dashboard (overrides `framework`).
    pub http: Option<HttpMetrics>,
    /// Metric names by framework: prom-client, micrometer, prometheus-client, go, generic.
    pub framework: Option<String>,
}

/// Which metrics describe a job's HTTP traffic.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct HttpMetrics {
    /// A counter of requests (`http_requests_total`).
    pub requests: Option<String>,
    /// A histogram of request durations, base name without `_bucket`.
    pub duration: Option<String>,
    /// The label holding the status code (default `code`).
    pub status_label: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct Probe {
    /// The blackbox module: `http_2xx`, `tcp_connect`, `icmp` or one of
    /// `components.blackbox_exporter.modules`.
    pub module: String,
    /// URLs or `host:port` addresses probed.
    pub targets: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct DockerDiscovery {
    /// Containers carrying this label are scraped (`prometheus.scrape`).
    pub label: String,
    /// The container port to scrape when the container does not say (`<label>.port`).
    pub port: Option<u16>,
}

/// The words `exporters[].type` takes.
pub(crate) const EXPORTER_TYPES: &[&str] = <ExporterType as strum::VariantNames>::VARIANTS;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct Exporter {
    /// The exporter: redis, postgres, mysql, mongodb, nginx, kafka, rabbitmq or elasticsearch.
    #[serde(rename = "type")]
    pub kind: String,
    /// Service name prefix (default: the type); also the job name unless `job` is set.
    pub name: Option<String>,
    /// The scrape job's name (default: `name`).
    pub job: Option<String>,
    /// What the exporter connects to (`redis:6379`).
    pub target: Option<String>,
    /// User the exporter connects as (mysql, rabbitmq).
    pub username: Option<String>,
    /// Password the exporter connects with (secret: `${VAR}`), handed over by file.
    pub password: Option<Secret>,
    /// A full connection string (postgres, mysql, mongodb).
    pub dsn: Option<Secret>,
    /// The exporter's release; default: the release pinned in `stackctl.lock`, else the newest
    /// stackctl knows.
    pub version: Option<String>,
    /// A full image reference (mirror, private registry).
    pub image: Option<String>,
    /// Host port; exporters are not published unless asked.
    #[serde(default)]
    pub port: PortSetting,
    /// Extra command-line flags, as for components (a flag stackctl sets itself is refused).
    #[serde(default)]
    pub args: Vec<String>,
    /// Plain environment, as for components (a variable stackctl sets itself is refused; a
    /// `${VAR}` value is refused, as the environment is visible to `docker inspect`).
    #[serde(default)]
    pub env: BTreeMap<String, Secret>,
}

impl super::model::Passthrough for Exporter {
    fn args(&self) -> &[String] {
        &self.args
    }
    fn env(&self) -> &BTreeMap<String, Secret> {
        &self.env
    }
}

impl Exporter {
    /// Its type, once validation has accepted the word (`None` before, for an unknown one).
    pub(crate) fn exporter_type(&self) -> Option<ExporterType> {
        self.kind.parse().ok()
    }

    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.kind)
    }

    /// `<name>-exporter`, or `name` itself when it already ends in `-exporter`
    /// (`name: redis-exporter` is service `redis-exporter`, not `redis-exporter-exporter`).
    pub(crate) fn service_name(&self) -> String {
        let name = self.name();
        if name.ends_with("-exporter") {
            name.to_string()
        } else {
            format!("{name}-exporter")
        }
    }

    /// The scrape job: `job`, else `name`, else the type.
    pub fn job_name(&self) -> &str {
        self.job.as_deref().unwrap_or_else(|| self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exporter_job_and_service_names() {
        let cases = [
            ("{type: redis}", "redis", "redis-exporter"),
            ("{type: redis, name: cache}", "cache", "cache-exporter"),
            (
                "{type: redis, name: redis-exporter}",
                "redis-exporter",
                "redis-exporter",
            ),
            (
                "{type: redis, job: redis-exporter}",
                "redis-exporter",
                "redis-exporter",
            ),
            (
                "{type: postgres, name: pg, job: postgres}",
                "postgres",
                "pg-exporter",
            ),
        ];
        for (yaml, job, service) in cases {
            let exporter: Exporter = serde_yaml::from_str(yaml).expect("test exporter parses");
            assert_eq!(exporter.job_name(), job, "{yaml}");
            assert_eq!(exporter.service_name(), service, "{yaml}");
        }
    }
}
