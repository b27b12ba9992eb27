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
    /// An entry of `exporters`, by its type.
    Exporter(ExporterType),
}

/// `exporters[].type`: the word in the manifest is the variant's name in lower case
/// (`ExporterType::VARIANTS` lists them, for validation and hints).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::Display,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantNames,
    strum::VariantArray,
)]
#[strum(serialize_all = "lowercase")]
pub enum ExporterType {
    Redis,
    Postgres,
    Mysql,
    Mongodb,
    Nginx,
    Kafka,
    Rabbitmq,
    Elasticsearch,
}

impl ExporterType {
    /// The manifest's word for it (`redis`).
    pub fn name(self) -> &'static str {
        self.into()
    }
}
