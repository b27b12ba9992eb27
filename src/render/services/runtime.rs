//! What each kind of image needs at run time: config directories, data volume, self-check,
//! readiness probe, reload method and the user it runs as.
//!
//! Facts about images only (reference/config-formats.md §0, §10); no manifest decisions here.

use crate::catalog::{gates, ExporterType};
use crate::render::{alloy, jaeger, promtail, victoriametrics, Component, Kind};
use crate::service::{HealthCheck, HttpProbe, ReloadMethod};

/// How a running container can check itself (Docker `HEALTHCHECK`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SelfCheck {
    /// busybox `wget --spider` on this path (Prometheus-family, Grafana, Jaeger images).
    Wget { port: u16, path: &'static str },
    /// `loki -health` (Loki ≥ 3.7, distroless: no shell, no wget).
    LokiHealth,
    /// The image has no tool to check itself (scratch, distroless, Ubuntu without wget) or
    /// ships its own `HEALTHCHECK` (cAdvisor): readiness is probed from outside only.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Runtime {
    /// Rendered directories (relative to the output directory) → container paths, read-only.
    pub config_dirs: Vec<(&'static str, &'static str)>,
    /// Rendered files under `config_dirs` the program does not read (promtool unit tests).
    pub unread_prefixes: Vec<&'static str>,
    /// Config directories mounted only when the render put files in them: an absent source
    /// would be created root-owned by Docker, and later renders could not write into it.
    pub optional_dirs: Vec<&'static str>,
    /// Named volume → container path, for programs that keep data.
    pub data: Option<(&'static str, &'static str)>,
    pub self_check: SelfCheck,
    pub ready: Option<HttpProbe>,
    pub reload: ReloadMethod,
    /// The image's user; secret files are handed to it. `None`: root.
    pub uid: Option<u32>,
}

/// Where Jaeger's data volume is mounted; badger's `directories` must lie below it.
///
/// Not `/badger`: Jaeger runs as uid 10001 and its image has no `/badger`, so Docker would
/// create a fresh volume there owned by root (mode 0755) and badger could not write. A new
/// named volume copies the owner and mode of the image directory it is mounted on; the
/// image's `/tmp` (already `VOLUME /tmp` upstream) is mode 1777, so the volume is writable
/// without root or a chown step. Verified with Docker 20.10.
pub(crate) const JAEGER_VOLUME_TARGET: &str = "/tmp";
/// Pushgateway's persistence file, on its data volume.
pub(crate) const PUSHGATEWAY_PERSISTENCE_FILE: &str = "/pushgateway/metrics.db";

const NOBODY: u32 = 65534;

pub(crate) fn runtime(component: &Component, badger: bool) -> Runtime {
    let port = component.container_port;
    let probe = |path: &str| {
        Some(HttpProbe {
            port,
            path: path.to_string(),
        })
    };
    let post = |path: &str| ReloadMethod::HttpPost {
        port,
        path: path.to_string(),
    };
    let base = Runtime {
        config_dirs: Vec::new(),
        unread_prefixes: Vec::new(),
        optional_dirs: Vec::new(),
        data: None,
        self_check: SelfCheck::None,
        ready: None,
        reload: ReloadMethod::Restart,
        uid: Some(NOBODY),
    };
    match &component.kind {
        Kind::Prometheus => Runtime {
            config_dirs: vec![("prometheus", "/etc/prometheus")],
            unread_prefixes: vec!["prometheus/tests/"],
            data: Some(("prometheus-data", "/prometheus")),
            self_check: SelfCheck::Wget {
                port,
                path: "/-/ready",
            },
            ready: probe("/-/ready"),
            reload: post("/-/reload"),
            ..base
        },
        Kind::Alertmanager => Runtime {
            config_dirs: vec![("alertmanager", "/etc/alertmanager")],
            data: Some(("alertmanager-data", "/alertmanager")),
            self_check: SelfCheck::Wget {
                port,
                path: "/-/ready",
            },
            ready: probe("/-/ready"),
            reload: post("/-/reload"),
            ..base
        },
        Kind::Grafana => Runtime {
            config_dirs: vec![
                ("grafana/provisioning", "/etc/grafana/provisioning"),
                ("grafana/dashboards", "/var/lib/grafana/dashboards"),
            ],
            // No dashboard files when `dashboards.generated: false` and no `files`.
            optional_dirs: vec!["grafana/dashboards"],
            data: Some(("grafana-data", "/var/lib/grafana")),
            self_check: SelfCheck::Wget {
                port,
                path: "/api/health",
            },
            ready: probe("/api/health"),
            reload: ReloadMethod::GrafanaProvisioning { port },
            uid: Some(472),
            ..base
        },
        Kind::Loki => Runtime {
            config_dirs: vec![("loki", "/etc/loki")],
            data: Some(("loki-data", "/loki")),
            self_check: loki_self_check(component),
            ready: probe("/ready"),
            uid: Some(10001),
            ..base
        },
        Kind::Alloy => Runtime {
            config_dirs: vec![("alloy", "/etc/alloy")],
            data: Some(("alloy-data", alloy::STORAGE_PATH)),
            ready: probe("/-/ready"),
            reload: post("/-/reload"),
            uid: None,
            ..base
        },
        Kind::Promtail => Runtime {
            config_dirs: vec![("promtail", "/etc/promtail")],
            data: Some(("promtail-data", promtail::DATA_DIR)),
            ready: probe("/ready"),
            uid: None,
            ..base
        },
        Kind::Jaeger => Runtime {
            config_dirs: vec![("jaeger", "/etc/jaeger")],
            data: badger.then_some(("jaeger-data", JAEGER_VOLUME_TARGET)),
            self_check: SelfCheck::Wget {
                port: jaeger::HEALTH_PORT,
                path: "/status",
            },
            ready: Some(HttpProbe {
                port: jaeger::HEALTH_PORT,
                path: "/status".to_string(),
            }),
            uid: Some(10001),
            ..base
        },
        Kind::NodeExporter => Runtime {
            self_check: SelfCheck::Wget { port, path: "/" },
            ready: probe("/metrics"),
            ..base
        },
        Kind::Cadvisor => Runtime {
            ready: probe("/healthz"),
            uid: None,
            ..base
        },
        Kind::BlackboxExporter => Runtime {
            config_dirs: vec![("blackbox", "/etc/blackbox_exporter")],
            self_check: SelfCheck::Wget {
                port,
                path: "/-/healthy",
            },
            ready: probe("/-/healthy"),
            reload: post("/-/reload"),
            uid: None,
            ..base
        },
        Kind::Pushgateway => Runtime {
            data: Some(("pushgateway-data", "/pushgateway")),
            self_check: SelfCheck::Wget {
                port,
                path: "/-/ready",
            },
            ready: probe("/-/ready"),
            ..base
        },
        // Upstream's image is Alpine (busybox wget) and runs as root; no config file, so a
        // changed flag recreates the container and nothing is ever reloaded.
        Kind::VictoriaMetrics => Runtime {
            data: Some(("victoriametrics-data", victoriametrics::DATA_DIR)),
            self_check: SelfCheck::Wget {
                port,
                path: "/health",
            },
            ready: probe("/health"),
            uid: None,
            ..base
        },
        Kind::Exporter(kind) => exporter_runtime(*kind, port, base),
    }
}

fn exporter_runtime(kind: ExporterType, port: u16, base: Runtime) -> Runtime {
    match kind {
        // FROM scratch, uid 59000.
        ExporterType::Redis => Runtime {
            ready: Some(HttpProbe {
                port,
                path: "/health".to_string(),
            }),
            uid: Some(59000),
            ..base
        },
        // Prometheus busybox images: wget exists; `/` avoids a database query per check.
        ExporterType::Postgres | ExporterType::Mysql => Runtime {
            self_check: SelfCheck::Wget { port, path: "/" },
            ready: Some(HttpProbe {
                port,
                path: "/".to_string(),
            }),
            ..base
        },
        ExporterType::Mongodb
        | ExporterType::Nginx
        | ExporterType::Kafka
        | ExporterType::Rabbitmq
        | ExporterType::Elasticsearch => Runtime {
            ready: Some(HttpProbe {
                port,
                path: "/metrics".to_string(),
            }),
            ..base
        },
    }
}

/// Loki images are distroless from 3.5.8 (no wget) and gained `-health` in 3.7.
fn loki_self_check(component: &Component) -> SelfCheck {
    let version = component.version;
    if gates::LOKI_HEALTH_FLAG.holds(&version) {
        SelfCheck::LokiHealth
    } else if gates::LOKI_DISTROLESS.holds(&version) {
        SelfCheck::None
    } else {
        SelfCheck::Wget {
            port: component.container_port,
            path: "/ready",
        }
    }
}

/// The Docker health check for a self-check, with timings suited to the program's start-up.
pub fn healthcheck(check: SelfCheck, kind: &Kind) -> Option<HealthCheck> {
    let test = match check {
        // 127.0.0.1, not `localhost`: busybox wget may pick `::1` while the program listens
        // on IPv4 only (Prometheus' default `0.0.0.0:9090`).
        SelfCheck::Wget { port, path } => ["CMD", "wget", "-q", "--spider"]
            .iter()
            .map(|s| s.to_string())
            .chain([format!("http://127.0.0.1:{port}{path}")])
            .collect(),
        SelfCheck::LokiHealth => vec!["CMD".into(), "/usr/bin/loki".into(), "-health".into()],
        SelfCheck::None => return None,
    };
    // Grafana migrates its database and installs plugins before it answers.
    let start_period_secs = if *kind == Kind::Grafana { 60 } else { 20 };
    Some(HealthCheck {
        test,
        interval_secs: 10,
        timeout_secs: 5,
        retries: 5,
        start_period_secs,
    })
}
