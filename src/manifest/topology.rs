//! Which services this stack runs, under which names, images, releases and ports: the
//! manifest's components with the catalog's defaults applied.
//!
//! The single source of truth for "what is `alertmanager:9093`": validation, prometheus.yml,
//! Grafana datasources, the compose export, the release lock and `deploy` all read these
//! values, never their own copies.

use crate::catalog::components::JAEGER_METRICS_PORT;
use crate::catalog::{self, image_and_version, Kind, Runs};
use crate::manifest::{ComponentSettings, Manifest};
use crate::version::Version;

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
    /// Whether stackctl runs a container for it. `ScrapedOnly` for `exporters` of type
    /// `rabbitmq`: RabbitMQ serves its own metrics (the `rabbitmq_prometheus` plugin), so
    /// `service` and `container_port` name the broker, Prometheus scrapes it directly, and
    /// `image` is never pulled, pinned or run.
    pub runs: Runs,
}

impl Component {
    /// `service:port` inside the stack's network.
    pub fn address(&self) -> String {
        format!("{}:{}", self.service, self.container_port)
    }

    /// `service:port` where the program serves its own metrics; Jaeger serves them apart from
    /// its UI (`jaeger:8888`), every other component on its main port.
    pub(crate) fn metrics_address(&self) -> String {
        match self.kind {
            Kind::Jaeger => format!("{}:{}", self.service, JAEGER_METRICS_PORT),
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
        // An unknown type is reported by validation; nothing of it is run.
        let Some(kind) = e.exporter_type() else {
            continue;
        };
        let settings = ExporterSettings(e);
        let mut exporter = component(
            Kind::Exporter(kind),
            &format!("exporters[{i}]"),
            &e.service_name(),
            e.job_name(),
            &settings,
        );
        if exporter.runs == Runs::ScrapedOnly {
            scraped_endpoint(&mut exporter, e.target.as_deref());
        }
        out.push(exporter);
    }
    out
}

/// Points `component` at a server's own metrics endpoint `target` (`host[:port]`, default
/// `rabbitmq:15692`) instead of a container stackctl runs.
fn scraped_endpoint(component: &mut Component, target: Option<&str>) {
    let target = target.unwrap_or("rabbitmq");
    let (host, port) = match target.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().unwrap_or(component.container_port)),
        None => (target, component.container_port),
    };
    component.service = host.to_string();
    component.container_port = port;
    component.host_port = None;
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
    let entry = catalog::entry(&kind);
    let (image, version) = image_and_version(&entry, settings.image(), settings.version());
    Component {
        kind,
        service: service.to_string(),
        job: job.to_string(),
        key: key.to_string(),
        image,
        version,
        container_port: entry.container_port,
        host_port: settings.port().resolve(entry.default_host_port),
        metrics_path: entry.metrics_path,
        runs: entry.runs,
    }
}
