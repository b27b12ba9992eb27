//! Where logs and traces flow, and which dashboards exist (`logs`, `traces`, `dashboards`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Logs {
    /// Ship every container's logs on this Docker host (default true when a shipper is present).
    pub docker: Option<bool>,
    /// JSON fields of each line lifted into labels.
    #[serde(default)]
    pub json_fields: Vec<String>,
    /// Host log files.
    #[serde(default)]
    pub files: Vec<LogFile>,
    /// Processing stages applied to every line, in order (after `json_fields`).
    #[serde(default)]
    pub pipeline: Vec<PipelineStage>,
}

/// One `logs.pipeline` stage: a mapping with exactly one of these keys. Names and meanings
/// follow Promtail's `pipeline_stages` and Alloy's `loki.process` `stage.*` blocks, which agree.
/// (A struct rather than an enum so unknown keys get the manifest's did-you-mean.)
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct PipelineStage {
    /// Extracted name → JMESPath expression (empty: the same name).
    pub json: Option<BTreeMap<String, Option<String>>>,
    /// Extracted values that become stream labels.
    pub labels: Option<Vec<String>>,
    /// An RE2 expression with named groups, or `{expression, source}`.
    pub regex: Option<RegexStage>,
    /// Sets the entry's time from an extracted value.
    pub timestamp: Option<TimestampStage>,
    /// Joins lines into one entry until the next first line (stack traces).
    pub multiline: Option<MultilineStage>,
    /// Drops matching lines.
    pub drop: Option<DropStage>,
    /// The extracted value that becomes the log line.
    pub output: Option<String>,
}

/// The one thing a pipeline stage does.
#[derive(Debug, Clone, Copy)]
pub enum StageKind<'a> {
    Json(&'a BTreeMap<String, Option<String>>),
    Labels(&'a [String]),
    Regex(&'a RegexStage),
    Timestamp(&'a TimestampStage),
    Multiline(&'a MultilineStage),
    Drop(&'a DropStage),
    Output(&'a str),
}

impl PipelineStage {
    /// Every stage kind the mapping sets (exactly one when it is valid).
    pub fn kinds(&self) -> Vec<StageKind<'_>> {
        let mut out = Vec::new();
        out.extend(self.json.as_ref().map(StageKind::Json));
        out.extend(self.labels.as_deref().map(StageKind::Labels));
        out.extend(self.regex.as_ref().map(StageKind::Regex));
        out.extend(self.timestamp.as_ref().map(StageKind::Timestamp));
        out.extend(self.multiline.as_ref().map(StageKind::Multiline));
        out.extend(self.drop.as_ref().map(StageKind::Drop));
        out.extend(self.output.as_deref().map(StageKind::Output));
        out
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RegexStage {
    /// An RE2 expression with named groups, applied to the line.
    Expression(String),
    /// An RE2 expression applied to an extracted value.
    Full {
        /// An RE2 expression with named groups (`(?P<level>\w+)`).
        expression: String,
        /// The extracted value it is applied to (default: the line).
        source: Option<String>,
    },
}

impl RegexStage {
    pub fn expression(&self) -> &str {
        match self {
            RegexStage::Expression(e) | RegexStage::Full { expression: e, .. } => e,
        }
    }

    pub fn source(&self) -> Option<&str> {
        match self {
            RegexStage::Expression(_) => None,
            RegexStage::Full { source, .. } => source.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct TimestampStage {
    /// The extracted value holding the time.
    pub source: String,
    /// A Go reference layout or a name: RFC3339, RFC3339Nano, Unix, UnixMs, UnixUs, UnixNs...
    pub format: String,
    /// IANA time zone for layouts without one.
    pub location: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct MultilineStage {
    /// RE2 expression matching the first line of a block.
    pub firstline: String,
    /// How long to wait for the next line of a block.
    pub max_wait_time: Option<super::duration::PromDuration>,
    /// Most lines joined into one block.
    pub max_lines: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct DropStage {
    /// Extracted value tested; the whole line when absent.
    pub source: Option<String>,
    /// Drop when the source equals this (needs `source`).
    pub value: Option<String>,
    /// Drop when this RE2 expression matches.
    pub expression: Option<String>,
    /// Drop lines older than this.
    pub older_than: Option<super::duration::PromDuration>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct LogFile {
    /// Path or glob of host log files (`/var/log/app/*.log`).
    pub path: String,
    /// Labels of the lines of these files.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
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

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct Dashboards {
    /// Grafana folder of provisioned dashboards (default: the project name).
    pub folder: Option<String>,
    /// Generate the stack overview, per-job and per-area dashboards (default true).
    #[serde(default = "yes")]
    pub generated: bool,
    /// Your own dashboard JSON (globs relative to the manifest), provisioned as it is.
    #[serde(default)]
    pub files: Vec<String>,
    /// Dashboards written as panel lists, rendered to Grafana JSON.
    #[serde(default)]
    pub boards: Vec<Board>,
}

impl Default for Dashboards {
    fn default() -> Self {
        Self {
            folder: None,
            generated: true,
            files: Vec::new(),
            boards: Vec::new(),
        }
    }
}

/// One `dashboards.boards` entry.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct Board {
    /// The dashboard title.
    pub title: String,
    /// Default: stable, from the title.
    pub uid: Option<String>,
    /// Dashboard tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Dashboard description.
    pub description: Option<String>,
    /// Panels, laid out left to right.
    pub panels: Vec<BoardPanel>,
}

/// One panel of a board: one of `expr`, `exprs` (PromQL) or `logql`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct BoardPanel {
    /// The panel title.
    pub title: String,
    /// timeseries (default), stat, gauge, bargauge, table, heatmap, logs.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// One PromQL query.
    pub expr: Option<String>,
    /// Legend of `expr` (`{{instance}}`).
    pub legend: Option<String>,
    /// Several PromQL queries, each with its legend.
    #[serde(default)]
    pub exprs: Vec<PanelExpr>,
    /// The LogQL query of a `logs` panel.
    pub logql: Option<String>,
    /// A Grafana unit id (`s`, `bytes`, `percentunit`, `reqps`, `ops`...).
    pub unit: Option<String>,
    /// Ascending steps: green below the first, then yellow, then red.
    #[serde(default)]
    pub thresholds: Vec<f64>,
    /// Lower bound of the axis or gauge.
    pub min: Option<f64>,
    /// Upper bound of the axis or gauge.
    pub max: Option<f64>,
    /// Panel description.
    pub description: Option<String>,
    /// Grid columns out of 24 (default by type).
    pub width: Option<u32>,
    /// Grid rows (default by type).
    pub height: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct PanelExpr {
    /// A PromQL query.
    pub expr: String,
    /// Its legend (`{{instance}}`).
    pub legend: Option<String>,
}

fn yes() -> bool {
    true
}
