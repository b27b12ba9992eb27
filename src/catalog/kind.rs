//! The kinds of component stackctl knows: the key of every catalog lookup.

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
