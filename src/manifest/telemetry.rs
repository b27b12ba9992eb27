//! Where logs and traces flow, and which dashboards exist (`logs`, `traces`, `dashboards`).

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Logs {
    /// Ship every container's logs on this Docker host (default true when a shipper is present).
    pub docker: Option<bool>,
    /// JSON fields of each line lifted into labels.
    #[serde(default)]
    pub json_fields: Vec<String>,
    /// Host log files.
    #[serde(default)]
    pub files: Vec<LogFile>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogFile {
    pub path: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Traces {
    /// OTLP gRPC 4317 and HTTP 4318 (default true when jaeger is present).
    pub otlp: Option<bool>,
    /// Zipkin 9411.
    #[serde(default)]
    pub zipkin: bool,
    /// Jaeger's legacy receivers: thrift over HTTP 14268 and Jaeger gRPC 14250.
    #[serde(default)]
    pub jaeger: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Dashboards {
    pub folder: Option<String>,
    #[serde(default = "yes")]
    pub generated: bool,
    /// Your own dashboard JSON (globs relative to the manifest), provisioned as it is.
    #[serde(default)]
    pub files: Vec<String>,
}

impl Default for Dashboards {
    fn default() -> Self {
        Self {
            folder: None,
            generated: true,
            files: Vec::new(),
        }
    }
}

fn yes() -> bool {
    true
}
