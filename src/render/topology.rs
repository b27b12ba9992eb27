//! Which services this stack runs, under which names, images, releases and ports.
//!
//! The single source of truth for "what is `alertmanager:9093`": prometheus.yml, Grafana
//! datasources, the compose export and `deploy` all read these values, never their own copies.

use crate::catalog::versions;
use crate::manifest::{ComponentSettings, Manifest};
use crate::version::Version;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
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
    VictoriaMetrics,
    /// An entry of `exporters`, by its type (`redis`, `postgres`, ...).
    Exporter(String),
}

/// Pinned defaults of one kind of component (see reference/config-formats.md §0); the tag is
/// the newest release of `catalog::versions`.
#[derive(Debug, Clone, Copy)]
pub struct Catalog {
    pub repository: &'static str,
    pub tag: &'static str,
    /// Whether the image's tags carry a `v` (`prom/prometheus:v3.14.0` vs `grafana/loki:3.7.6`).
    pub v_prefix: bool,
    pub container_port: u16,
    /// Published on `bind` unless the manifest says otherwise.
    pub default_host_port: Option<u16>,
    /// Where the program serves its own metrics (`None`: it has none worth scraping).
    pub metrics_path: Option<&'static str>,
}

pub fn catalog(kind: &Kind) -> Catalog {
    let c = |repository, tag, v_prefix, container_port, default_host_port, metrics_path| Catalog {
        repository,
        tag,
        v_prefix,
        container_port,
        default_host_port,
        metrics_path,
    };
    match kind {
        Kind::Prometheus => c(
            "prom/prometheus",
            versions::PROMETHEUS.newest,
            true,
            9090,
            Some(9090),
            Some("/metrics"),
        ),
        Kind::Alertmanager => c(
            "prom/alertmanager",
            versions::ALERTMANAGER.newest,
            true,
            9093,
            Some(9093),
            Some("/metrics"),
        ),
        Kind::Grafana => c(
            "grafana/grafana",
            versions::GRAFANA.newest,
            false,
            3000,
            Some(3000),
            Some("/metrics"),
        ),
        Kind::Loki => c(
            "grafana/loki",
            versions::LOKI.newest,
            false,
            3100,
            Some(3100),
            Some("/metrics"),
        ),
        Kind::Alloy => c(
            "grafana/alloy",
            versions::ALLOY.newest,
            true,
            12345,
            None,
            Some("/metrics"),
        ),
        Kind::Promtail => c(
            "grafana/promtail",
            versions::PROMTAIL.newest,
            false,
            9080,
            None,
            Some("/metrics"),
        ),
        Kind::Jaeger => c(
            "jaegertracing/jaeger",
            versions::JAEGER.newest,
            false,
            16686,
            Some(16686),
            Some("/metrics"),
        ),
        Kind::NodeExporter => c(
            "prom/node-exporter",
            versions::NODE_EXPORTER.newest,
            true,
            9100,
            None,
            Some("/metrics"),
        ),
        Kind::Cadvisor => c(
            "ghcr.io/google/cadvisor",
            versions::CADVISOR.newest,
            true,
            8080,
            None,
            Some("/metrics"),
        ),
        Kind::BlackboxExporter => c(
            "prom/blackbox-exporter",
            versions::BLACKBOX_EXPORTER.newest,
            true,
            9115,
            None,
            Some("/metrics"),
        ),
        Kind::Pushgateway => c(
            "prom/pushgateway",
            versions::PUSHGATEWAY.newest,
            true,
            9091,
            Some(9091),
            Some("/metrics"),
        ),
        // Its own metrics are on its main port; the image tags carry a `v`.
        Kind::VictoriaMetrics => c(
            "victoriametrics/victoria-metrics",
            versions::VICTORIAMETRICS.newest,
            true,
            8428,
            Some(8428),
            Some("/metrics"),
        ),
        Kind::Exporter(kind) => match kind.as_str() {
            "redis" => c(
                "oliver006/redis_exporter",
                versions::REDIS_EXPORTER.newest,
                true,
                9121,
                None,
                Some("/metrics"),
            ),
            "postgres" => c(
                "quay.io/prometheuscommunity/postgres-exporter",
                versions::POSTGRES_EXPORTER.newest,
                true,
                9187,
                None,
                Some("/metrics"),
            ),
            "mysql" => c(
                "prom/mysqld-exporter",
                versions::MYSQLD_EXPORTER.newest,
                true,
                9104,
                None,
                Some("/metrics"),
            ),
            "mongodb" => c(
                "percona/mongodb_exporter",
                versions::MONGODB_EXPORTER.newest,
                false,
                9216,
                None,
                Some("/metrics"),
            ),
            "nginx" => c(
                "nginx/nginx-prometheus-exporter",
                versions::NGINX_EXPORTER.newest,
                false,
                9113,
                None,
                Some("/metrics"),
            ),
            "kafka" => c(
                "danielqsj/kafka-exporter",
                versions::KAFKA_EXPORTER.newest,
                true,
                9308,
                None,
                Some("/metrics"),
            ),
            // No container: Prometheus scrapes the broker's own endpoint (`runs: false`).
            "rabbitmq" => c(
                "rabbitmq",
                versions::RABBITMQ.newest,
                false,
                RABBITMQ_PROMETHEUS_PORT,
                None,
                Some("/metrics"),
            ),
            // `validate` rejects unknown types before anything is rendered.
            _ => c(
                "quay.io/prometheuscommunity/elasticsearch-exporter",
                versions::ELASTICSEARCH_EXPORTER.newest,
                true,
                9114,
                None,
                Some("/metrics"),
            ),
        },
    }
}

/// One service of the stack as declared, with defaults applied.
#[derive(Debug, Clone)]
pub struct Component {
    pub kind: Kind,
    /// Compose service name and DNS alias (`node-exporter`, `cache-exporter`).
    pub service: String,
    /// Prometheus job name for its metrics (`node`, `cache`).
    pub job: String,
    /// Manifest key path it came from (`components.prometheus`, `exporters[0]`), for diagnostics.
    pub key: String,
    /// Full image reference with tag.
    pub image: String,
    /// The release it runs; `None` when the tag is not a version (then the pinned release's keys are used).
    pub version: Version,
    pub container_port: u16,
    pub host_port: Option<u16>,
    pub metrics_path: Option<&'static str>,
    /// Whether stackctl runs a container for it. `false` for `exporters` of type `rabbitmq`:
    /// RabbitMQ serves its own metrics (the `rabbitmq_prometheus` plugin), so `service` and
    /// `container_port` name the broker and Prometheus scrapes it directly.
    pub runs: bool,
}

impl Component {
    /// `service:port` inside the stack's network.
    pub fn address(&self) -> String {
        format!("{}:{}", self.service, self.container_port)
    }

    /// `service:port` where the program serves its own metrics; Jaeger serves them apart from
    /// its UI (`jaeger:8888`), every other component on its main port.
    pub fn metrics_address(&self) -> String {
        match self.kind {
            Kind::Jaeger => format!("{}:{}", self.service, crate::render::jaeger::METRICS_PORT),
            _ => self.address(),
        }
    }

    /// `http://service:port` inside the stack's network.
    pub fn internal_url(&self) -> String {
        format!("http://{}", self.address())
    }
}

/// Every service the manifest declares, in a stable order.
pub fn components(manifest: &Manifest) -> Vec<Component> {
    let c = &manifest.components;
    let mut out = Vec::new();
    let mut add =
        |kind: Kind, key: &str, service: &str, job: &str, settings: &dyn ComponentSettings| {
            out.push(component(kind, key, service, job, settings));
        };
    if let Some(s) = &c.prometheus {
        add(
            Kind::Prometheus,
            "components.prometheus",
            "prometheus",
            "prometheus",
            s,
        );
    }
    if let Some(s) = &c.alertmanager {
        add(
            Kind::Alertmanager,
            "components.alertmanager",
            "alertmanager",
            "alertmanager",
            s,
        );
    }
    if let Some(s) = &c.grafana {
        add(Kind::Grafana, "components.grafana", "grafana", "grafana", s);
    }
    if let Some(s) = &c.loki {
        add(Kind::Loki, "components.loki", "loki", "loki", s);
    }
    if let Some(s) = &c.alloy {
        add(Kind::Alloy, "components.alloy", "alloy", "alloy", s);
    }
    if let Some(s) = &c.promtail {
        add(
            Kind::Promtail,
            "components.promtail",
            "promtail",
            "promtail",
            s,
        );
    }
    if let Some(s) = &c.jaeger {
        add(Kind::Jaeger, "components.jaeger", "jaeger", "jaeger", s);
    }
    if let Some(s) = &c.node_exporter {
        add(
            Kind::NodeExporter,
            "components.node_exporter",
            "node-exporter",
            s.job.as_deref().unwrap_or("node"),
            s,
        );
    }
    if let Some(s) = &c.cadvisor {
        add(
            Kind::Cadvisor,
            "components.cadvisor",
            "cadvisor",
            "cadvisor",
            s,
        );
    }
    if let Some(s) = &c.blackbox_exporter {
        add(
            Kind::BlackboxExporter,
            "components.blackbox_exporter",
            "blackbox-exporter",
            "blackbox",
            s,
        );
    }
    if let Some(s) = &c.pushgateway {
        add(
            Kind::Pushgateway,
            "components.pushgateway",
            "pushgateway",
            "pushgateway",
            s,
        );
    }
    if let Some(s) = &c.victoriametrics {
        add(
            Kind::VictoriaMetrics,
            "components.victoriametrics",
            "victoriametrics",
            "victoriametrics",
            s,
        );
    }
    for (i, e) in manifest.exporters.iter().enumerate() {
        let settings = ExporterSettings(e);
        let mut exporter = component(
            Kind::Exporter(e.kind.clone()),
            &format!("exporters[{i}]"),
            &e.service_name(),
            e.job_name(),
            &settings,
        );
        if e.kind == "rabbitmq" {
            builtin_endpoint(&mut exporter, e.target.as_deref());
        }
        out.push(exporter);
    }
    out
}

/// The port of RabbitMQ's built-in Prometheus endpoint (`rabbitmq_prometheus`).
pub const RABBITMQ_PROMETHEUS_PORT: u16 = 15692;

/// Points `component` at a server's own metrics endpoint `target` (`host[:port]`, default
/// `rabbitmq:15692`) instead of a container stackctl runs.
fn builtin_endpoint(component: &mut Component, target: Option<&str>) {
    let target = target.unwrap_or("rabbitmq");
    let (host, port) = match target.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().unwrap_or(component.container_port)),
        None => (target, component.container_port),
    };
    component.service = host.to_string();
    component.container_port = port;
    component.host_port = None;
    component.image = String::new();
    component.runs = false;
}

struct ExporterSettings<'a>(&'a crate::manifest::Exporter);

impl ComponentSettings for ExporterSettings<'_> {
    fn version(&self) -> Option<&str> {
        self.0.version.as_deref()
    }
    fn image(&self) -> Option<&str> {
        self.0.image.as_deref()
    }
    fn port(&self) -> crate::manifest::PortSetting {
        self.0.port
    }
}

fn component(
    kind: Kind,
    key: &str,
    service: &str,
    job: &str,
    settings: &dyn ComponentSettings,
) -> Component {
    let catalog = catalog(&kind);
    let (image, version) = image_and_version(&catalog, settings.image(), settings.version());
    Component {
        kind,
        service: service.to_string(),
        job: job.to_string(),
        key: key.to_string(),
        image,
        version,
        container_port: catalog.container_port,
        host_port: settings.port().resolve(catalog.default_host_port),
        metrics_path: catalog.metrics_path,
        runs: true,
    }
}

/// The image to run and the release whose keys to render.
///
/// `version` alone picks the tag of the default image; `image` alone is used as given and its
/// tag names the release when it parses as one; with both, `image` runs and `version` names it.
pub fn image_and_version(
    catalog: &Catalog,
    image: Option<&str>,
    version: Option<&str>,
) -> (String, Version) {
    let pinned = Version::parse(catalog.tag).expect("catalog tags are versions");
    let tag_for = |v: &str| {
        let bare = v.trim_start_matches('v');
        if catalog.v_prefix {
            format!("v{bare}")
        } else {
            bare.to_string()
        }
    };
    match (image, version) {
        (Some(image), Some(version)) => {
            let image = if image_tag(image).is_some() {
                image.to_string()
            } else {
                format!("{image}:{}", tag_for(version))
            };
            (image, Version::parse(version).unwrap_or(pinned))
        }
        (Some(image), None) => {
            let version = image_tag(image).and_then(Version::parse).unwrap_or(pinned);
            let image = if image_tag(image).is_some() {
                image.to_string()
            } else {
                format!("{image}:{}", tag_for(catalog.tag))
            };
            (image, version)
        }
        (None, Some(version)) => (
            format!("{}:{}", catalog.repository, tag_for(version)),
            Version::parse(version).unwrap_or(pinned),
        ),
        (None, None) => (
            format!("{}:{}", catalog.repository, tag_for(catalog.tag)),
            pinned,
        ),
    }
}

/// The tag of an image reference, if it has one (`host:5000/x` has none; `x@sha256:..` has none).
pub fn image_tag(image: &str) -> Option<&str> {
    let image = image.split('@').next().unwrap_or(image);
    let last_segment = image.rsplit('/').next().unwrap_or(image);
    last_segment.split_once(':').map(|(_, tag)| tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_picks_tag_with_the_images_style() {
        let prom = catalog(&Kind::Prometheus);
        assert_eq!(
            image_and_version(&prom, None, None).0,
            "prom/prometheus:v3.14.0"
        );
        assert_eq!(
            image_and_version(&prom, None, Some("3.5.5")).0,
            "prom/prometheus:v3.5.5"
        );
        let loki = catalog(&Kind::Loki);
        assert_eq!(
            image_and_version(&loki, None, Some("v3.6.0")).0,
            "grafana/loki:3.6.0"
        );
    }

    #[test]
    fn image_with_version_runs_image_and_renders_for_version() {
        let prom = catalog(&Kind::Prometheus);
        let (image, version) = image_and_version(
            &prom,
            Some("stackctl-test/prometheus:local"),
            Some("2.42.0"),
        );
        assert_eq!(image, "stackctl-test/prometheus:local");
        assert_eq!(version, Version::new(2, 42, 0));
        let (image, version) =
            image_and_version(&prom, Some("registry:5000/prom/prometheus"), None);
        assert_eq!(image, "registry:5000/prom/prometheus:v3.14.0");
        assert_eq!(version, Version::new(3, 14, 0));
    }
}
