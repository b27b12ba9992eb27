//! Alert rules, presets and service level objectives (`alerts`, `slos`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

use super::duration::PromDuration;

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Alerts {
    /// `auto` (every preset that fits the declared stack, default), `none`, or a list of preset
    /// names.
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
    /// Your own rule groups, rendered to `prometheus/rules/groups.yml`.
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

impl JsonSchema for PresetSelection {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PresetSelection".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "`auto` (every preset that fits the declared stack), `none`, or a list of preset names.",
            "anyOf": [
                {"type": "string", "enum": ["auto", "none"]},
                {"type": "array", "items": {"type": "string"}}
            ]
        })
    }
}

impl<'de> Deserialize<'de> for PresetSelection {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PresetVisitor)
    }
}

struct PresetVisitor;

impl<'de> Visitor<'de> for PresetVisitor {
    type Value = PresetSelection;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("`auto`, `none` or a list of preset names")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<PresetSelection, E> {
        match text {
            "auto" => Ok(PresetSelection::Auto),
            "none" => Ok(PresetSelection::None),
            _ => Err(E::invalid_value(de::Unexpected::Str(text), &self)),
        }
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<PresetSelection, A::Error> {
        let mut names = Vec::new();
        while let Some(name) = seq.next_element::<String>()? {
            names.push(name);
        }
        Ok(PresetSelection::List(names))
    }
}

/// What an operator may change in a preset alert; the expression stays the preset's.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct AlertOverride {
    /// How long the condition must hold before the alert fires.
    #[serde(rename = "for")]
    pub for_: Option<PromDuration>,
    /// How long the alert keeps firing after the condition clears.
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

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RuleGroup {
    /// The group's name (unique).
    pub name: String,
    /// How often the group is evaluated (default: `evaluation_interval`).
    pub interval: Option<PromDuration>,
    /// Most alerts or series a rule of the group may produce (0: no limit).
    pub limit: Option<u32>,
    /// Group labels (Prometheus 3.0+); older releases get them on every rule instead.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The group's alerting and recording rules.
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct Rule {
    /// The alert's name (an alerting rule); exactly one of `alert` and `record`.
    pub alert: Option<String>,
    /// The recorded series' name (a recording rule); exactly one of `alert` and `record`.
    pub record: Option<String>,
    /// The PromQL expression.
    pub expr: String,
    /// How long the condition must hold before the alert fires (alerting rules only).
    #[serde(rename = "for")]
    pub for_: Option<PromDuration>,
    /// How long the alert keeps firing after the condition clears (Prometheus 2.42+).
    pub keep_firing_for: Option<PromDuration>,
    /// Shorthand for `labels.severity`.
    pub severity: Option<String>,
    /// Labels added to the alert or series.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the alert (`{{ $labels.x }}` and `{{ $value }}` reach the rule file
    /// unchanged).
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// Shorthand for `annotations.summary`.
    pub summary: Option<String>,
    /// Shorthand for `annotations.description`.
    pub description: Option<String>,
    /// Shorthand for `annotations.runbook_url`.
    pub runbook: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct Slo {
    /// The SLO's name: names its rule file and alerts.
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
    /// The description of the SLO's alerts.
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct LatencySli {
    /// Histogram base name without `_bucket` (`http_request_duration_seconds`).
    pub histogram: String,
    /// Label selector including braces (`{job="api"}`); default none.
    #[serde(default)]
    pub selector: String,
    /// A duration matching one of the histogram's bucket bounds (`0.5s`, `500ms`).
    pub threshold: PromDuration,
}
