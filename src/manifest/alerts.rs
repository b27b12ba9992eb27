//! Alert rules, presets and service level objectives (`alerts`, `slos`).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::duration::PromDuration;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Alerts {
    #[serde(default)]
    pub presets: PresetSelection,
    /// Knobs of the presets (`host_memory_used: 0.9`); each preset documents its own.
    #[serde(default)]
    pub thresholds: BTreeMap<String, f64>,
    /// Preset rules switched off by alert name.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Preset alerts retuned by alert name: `InstanceDown: {for: 5m, severity: warning}`.
    #[serde(default)]
    pub overrides: BTreeMap<String, AlertOverride>,
    #[serde(default)]
    pub groups: Vec<RuleGroup>,
    /// Existing Prometheus rule files (paths relative to the manifest), deployed as they are.
    #[serde(default)]
    pub files: Vec<String>,
    /// promtool unit test files run by `stackctl validate`.
    #[serde(default)]
    pub tests: Vec<String>,
}

/// `auto` (every preset that fits the declared stack), `none`, or an explicit list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PresetSelection {
    #[default]
    Auto,
    None,
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for PresetSelection {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_yaml::Value::deserialize(deserializer)?;
        match value {
            serde_yaml::Value::String(s) if s == "auto" => Ok(Self::Auto),
            serde_yaml::Value::String(s) if s == "none" => Ok(Self::None),
            serde_yaml::Value::Sequence(items) => items
                .into_iter()
                .map(|item| match item {
                    serde_yaml::Value::String(s) => Ok(s),
                    other => Err(serde::de::Error::custom(format!(
                        "expected a preset name, found {}",
                        super::describe_value(&other)
                    ))),
                })
                .collect::<Result<_, _>>()
                .map(Self::List),
            other => Err(serde::de::Error::custom(format!(
                "expected `auto`, `none` or a list of preset names, found {}",
                super::describe_value(&other)
            ))),
        }
    }
}

/// What an operator may change in a preset alert; the expression stays the preset's.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AlertOverride {
    #[serde(rename = "for")]
    pub for_: Option<PromDuration>,
    pub keep_firing_for: Option<PromDuration>,
    /// Replaces `labels.severity`.
    pub severity: Option<String>,
    /// Added to (or replacing) the preset's labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Added to (or replacing) the preset's annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RuleGroup {
    pub name: String,
    pub interval: Option<PromDuration>,
    pub limit: Option<u32>,
    /// Group labels (Prometheus 3.0+); older releases get them on every rule instead.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Rule {
    pub alert: Option<String>,
    pub record: Option<String>,
    pub expr: String,
    #[serde(rename = "for")]
    pub for_: Option<PromDuration>,
    pub keep_firing_for: Option<PromDuration>,
    /// Shorthand for `labels.severity`.
    pub severity: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Shorthand for `annotations.summary`.
    pub summary: Option<String>,
    /// Shorthand for `annotations.description`.
    pub description: Option<String>,
    /// Shorthand for `annotations.runbook_url`.
    pub runbook: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Slo {
    pub name: String,
    /// Percent good over the window, strictly between 0 and 100.
    pub objective: f64,
    /// Default 30d.
    pub window: Option<PromDuration>,
    /// Selector of bad events (a counter), with `total`.
    pub errors: Option<String>,
    /// Selector of all events (a counter), with `errors`.
    pub total: Option<String>,
    /// A latency SLI from a histogram, instead of `errors`/`total`.
    pub latency: Option<LatencySli>,
    /// Extra labels on the generated alerts (`team: payments`).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LatencySli {
    /// Histogram base name without `_bucket` (`http_request_duration_seconds`).
    pub histogram: String,
    /// Label selector including braces (`{job="api"}`); default none.
    #[serde(default)]
    pub selector: String,
    /// A duration matching one of the histogram's bucket bounds (`0.5s`, `500ms`).
    pub threshold: PromDuration,
}
