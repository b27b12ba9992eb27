//! The component catalog: for each kind of component, the image stackctl runs, its pinned
//! release, its ports, where it exposes its own metrics, and whether stackctl runs it at all.
//!
//! One named entry per kind (see reference/config-formats.md §0); the tag is the newest release
//! of `catalog::versions`. Plain data: the manifest's topology and the renderer read it.

use super::kind::{ExporterType, Kind};
use super::versions;

/// Pinned defaults of one kind of component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub repository: &'static str,
    pub tag: &'static str,
    /// Whether the image's tags carry a `v` (`prom/prometheus:v3.14.0` vs `grafana/loki:3.7.6`).
    pub v_prefix: bool,
    pub container_port: u16,
    /// Published on `bind` unless the manifest says otherwise.
    pub default_host_port: Option<u16>,
    /// Where the program serves its own metrics (`None`: it has none worth scraping).
    pub metrics_path: Option<&'static str>,
    pub runs: Runs,
}

/// Whether stackctl runs the program or only scrapes one that runs elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// stackctl runs, pulls and pins a container of the entry's image.
    Container,
    /// Prometheus scrapes the program's own endpoint (RabbitMQ's `rabbitmq_prometheus`
    /// plugin); stackctl runs no container for it, so nothing is pulled, pinned or deployed.
    ScrapedOnly,
}

/// Where Jaeger serves its own metrics, apart from its UI.
pub(crate) const JAEGER_METRICS_PORT: u16 = 8888;

/// The port of RabbitMQ's built-in Prometheus endpoint (`rabbitmq_prometheus`).
pub(crate) const RABBITMQ_PROMETHEUS_PORT: u16 = 15692;

/// What most entries share: a container stackctl runs, its metrics on `/metrics`, no port
/// published by default. Every entry names its image and port.
const CONTAINER: Entry = Entry {
    repository: "",
    tag: "",
    v_prefix: true,
    container_port: 0,
    default_host_port: None,
    metrics_path: Some("/metrics"),
    runs: Runs::Container,
};

pub const PROMETHEUS: Entry = Entry {
    repository: "prom/prometheus",
    tag: versions::PROMETHEUS.newest,
    v_prefix: true,
    container_port: 9090,
    default_host_port: Some(9090),
    ..CONTAINER
};
pub const ALERTMANAGER: Entry = Entry {
    repository: "prom/alertmanager",
    tag: versions::ALERTMANAGER.newest,
    v_prefix: true,
    container_port: 9093,
    default_host_port: Some(9093),
    ..CONTAINER
};
pub(crate) const GRAFANA: Entry = Entry {
    repository: "grafana/grafana",
    tag: versions::GRAFANA.newest,
    v_prefix: false,
    container_port: 3000,
    default_host_port: Some(3000),
    ..CONTAINER
};
pub(crate) const LOKI: Entry = Entry {
    repository: "grafana/loki",
    tag: versions::LOKI.newest,
    v_prefix: false,
    container_port: 3100,
    default_host_port: Some(3100),
    ..CONTAINER
};
pub(crate) const ALLOY: Entry = Entry {
    repository: "grafana/alloy",
    tag: versions::ALLOY.newest,
    v_prefix: true,
    container_port: 12345,
    default_host_port: None,
    ..CONTAINER
};
pub(crate) const PROMTAIL: Entry = Entry {
    repository: "grafana/promtail",
    tag: versions::PROMTAIL.newest,
    v_prefix: false,
    container_port: 9080,
    default_host_port: None,
    ..CONTAINER
};
/// Its own metrics are apart from its UI, on [`JAEGER_METRICS_PORT`].
pub(crate) const JAEGER: Entry = Entry {
    repository: "jaegertracing/jaeger",
    tag: versions::JAEGER.newest,
    v_prefix: false,
    container_port: 16686,
    default_host_port: Some(16686),
    ..CONTAINER
};
pub const NODE_EXPORTER: Entry = Entry {
    repository: "prom/node-exporter",
    tag: versions::NODE_EXPORTER.newest,
    v_prefix: true,
    container_port: 9100,
    default_host_port: None,
    ..CONTAINER
};
pub(crate) const CADVISOR: Entry = Entry {
    repository: "ghcr.io/google/cadvisor",
    tag: versions::CADVISOR.newest,
    v_prefix: true,
    container_port: 8080,
    default_host_port: None,
    ..CONTAINER
};
pub(crate) const BLACKBOX_EXPORTER: Entry = Entry {
    repository: "prom/blackbox-exporter",
    tag: versions::BLACKBOX_EXPORTER.newest,
    v_prefix: true,
    container_port: 9115,
    default_host_port: None,
    ..CONTAINER
};
pub const PUSHGATEWAY: Entry = Entry {
    repository: "prom/pushgateway",
    tag: versions::PUSHGATEWAY.newest,
    v_prefix: true,
    container_port: 9091,
    default_host_port: Some(9091),
    ..CONTAINER
};
/// Its own metrics are on its main port; the image tags carry a `v`.
pub(crate) const VICTORIAMETRICS: Entry = Entry {
    repository: "victoriametrics/victoria-metrics",
    tag: versions::VICTORIAMETRICS.newest,
    v_prefix: true,
    container_port: 8428,
    default_host_port: Some(8428),
    ..CONTAINER
};
pub(crate) const REDIS_EXPORTER: Entry = Entry {
    repository: "oliver006/redis_exporter",
    tag: versions::REDIS_EXPORTER.newest,
    v_prefix: true,
    container_port: 9121,
    default_host_port: None,
    ..CONTAINER
};
pub(crate) const POSTGRES_EXPORTER: Entry = Entry {
    repository: "quay.io/prometheuscommunity/postgres-exporter",
    tag: versions::POSTGRES_EXPORTER.newest,
    v_prefix: true,
    container_port: 9187,
    default_host_port: None,
    ..CONTAINER
};
pub(crate) const MYSQLD_EXPORTER: Entry = Entry {
    repository: "prom/mysqld-exporter",
    tag: versions::MYSQLD_EXPORTER.newest,
    v_prefix: true,
    container_port: 9104,
    default_host_port: None,
    ..CONTAINER
};
pub(crate) const MONGODB_EXPORTER: Entry = Entry {
    repository: "percona/mongodb_exporter",
    tag: versions::MONGODB_EXPORTER.newest,
    v_prefix: false,
    container_port: 9216,
    default_host_port: None,
    ..CONTAINER
};
pub(crate) const NGINX_EXPORTER: Entry = Entry {
    repository: "nginx/nginx-prometheus-exporter",
    tag: versions::NGINX_EXPORTER.newest,
    v_prefix: false,
    container_port: 9113,
    default_host_port: None,
    ..CONTAINER
};
pub(crate) const KAFKA_EXPORTER: Entry = Entry {
    repository: "danielqsj/kafka-exporter",
    tag: versions::KAFKA_EXPORTER.newest,
    v_prefix: true,
    container_port: 9308,
    default_host_port: None,
    ..CONTAINER
};
/// No container: Prometheus scrapes the broker's own endpoint.
pub const RABBITMQ: Entry = Entry {
    repository: "rabbitmq",
    tag: versions::RABBITMQ.newest,
    v_prefix: false,
    container_port: RABBITMQ_PROMETHEUS_PORT,
    default_host_port: None,
    runs: Runs::ScrapedOnly,
    ..CONTAINER
};
pub(crate) const ELASTICSEARCH_EXPORTER: Entry = Entry {
    repository: "quay.io/prometheuscommunity/elasticsearch-exporter",
    tag: versions::ELASTICSEARCH_EXPORTER.newest,
    v_prefix: true,
    container_port: 9114,
    default_host_port: None,
    ..CONTAINER
};

/// The entry of `kind`.
pub fn entry(kind: &Kind) -> Entry {
    match kind {
        Kind::Prometheus => PROMETHEUS,
        Kind::Alertmanager => ALERTMANAGER,
        Kind::Grafana => GRAFANA,
        Kind::Loki => LOKI,
        Kind::Alloy => ALLOY,
        Kind::Promtail => PROMTAIL,
        Kind::Jaeger => JAEGER,
        Kind::NodeExporter => NODE_EXPORTER,
        Kind::Cadvisor => CADVISOR,
        Kind::BlackboxExporter => BLACKBOX_EXPORTER,
        Kind::Pushgateway => PUSHGATEWAY,
        Kind::VictoriaMetrics => VICTORIAMETRICS,
        Kind::Exporter(kind) => exporter(*kind),
    }
}

/// The entry of the exporter of `exporters[].type`.
fn exporter(kind: ExporterType) -> Entry {
    match kind {
        ExporterType::Redis => REDIS_EXPORTER,
        ExporterType::Postgres => POSTGRES_EXPORTER,
        ExporterType::Mysql => MYSQLD_EXPORTER,
        ExporterType::Mongodb => MONGODB_EXPORTER,
        ExporterType::Nginx => NGINX_EXPORTER,
        ExporterType::Kafka => KAFKA_EXPORTER,
        ExporterType::Rabbitmq => RABBITMQ,
        ExporterType::Elasticsearch => ELASTICSEARCH_EXPORTER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rabbitmq_is_scraped_without_a_container() {
        let kinds = <ExporterType as strum::VariantArray>::VARIANTS
            .iter()
            .map(|t| Kind::Exporter(*t));
        let scraped_only: Vec<Kind> = [
            Kind::Prometheus,
            Kind::Alertmanager,
            Kind::Grafana,
            Kind::Loki,
            Kind::Alloy,
            Kind::Promtail,
            Kind::Jaeger,
            Kind::NodeExporter,
            Kind::Cadvisor,
            Kind::BlackboxExporter,
            Kind::Pushgateway,
            Kind::VictoriaMetrics,
        ]
        .into_iter()
        .chain(kinds)
        .filter(|kind| entry(kind).runs == Runs::ScrapedOnly)
        .collect();
        assert_eq!(scraped_only, [Kind::Exporter(ExporterType::Rabbitmq)]);
        assert_eq!(RABBITMQ.container_port, RABBITMQ_PROMETHEUS_PORT);
    }
}
