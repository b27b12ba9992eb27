//! Preset data files (`templates/rules/presets/<name>.yml`): rules, knobs and promtool tests.
//!
//! A data file is plain YAML wrapped in `{% raw %}` so that Prometheus' own `{{ $labels.x }}`
//! passes through the template environment untouched. Placeholders `[[name]]` in any string
//! are filled in by Rust: job selectors from `manifest::topology` (`[[job]]` is a regex
//! alternation for `job=~"..."`, `[[test_job]]` one literal job for test series) and knob values
//! (`[[host_memory_used]]`). A placeholder with no value is a bug in the data file.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{bail, Context as _};
use serde::Deserialize;

use crate::manifest::{PromDuration, Rule};
use crate::render::rules::UnitTest;
use crate::render::Templates;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PresetData {
    pub preset: String,
    // Read so that the file's shape is checked whole (`deny_unknown_fields`); the knobs are
    // taken by `knobs`, the description is for the file's reader.
    #[allow(dead_code)]
    pub description: String,
    #[serde(default)]
    #[allow(dead_code)]
    pub knobs: BTreeMap<String, Knob>,
    pub groups: Vec<PresetGroup>,
    #[serde(default)]
    pub tests: Vec<UnitTest>,
}

/// One tunable threshold (`alerts.thresholds.<name>`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Knob {
    pub default: f64,
    /// Inclusive bounds an override must respect (the preset's tests rely on them).
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PresetGroup {
    pub name: String,
    pub interval: Option<PromDuration>,
    /// The group is rendered only when this component is declared (`alertmanager`).
    pub requires: Option<String>,
    pub rules: Vec<Rule>,
}

/// The template path of preset `name`'s data file.
pub(crate) fn data_path(name: &str) -> String {
    format!("rules/presets/{name}.yml")
}

/// The knob table of a preset, read without filling placeholders (for checks and docs).
pub fn knobs(templates: &Templates, name: &str) -> anyhow::Result<BTreeMap<String, Knob>> {
    let doc = document(templates, name)?;
    match doc.get("knobs") {
        Some(knobs) => serde_yaml::from_value(knobs.clone())
            .with_context(|| format!("preset data `{}`: bad `knobs`", data_path(name))),
        None => Ok(BTreeMap::new()),
    }
}

/// Alert names a preset can produce (for `alerts.disable` checks).
pub(crate) fn alert_names(templates: &Templates, name: &str) -> anyhow::Result<Vec<String>> {
    let doc = document(templates, name)?;
    let mut names = Vec::new();
    for group in doc
        .get("groups")
        .and_then(|g| g.as_sequence())
        .into_iter()
        .flatten()
    {
        for rule in group
            .get("rules")
            .and_then(|r| r.as_sequence())
            .into_iter()
            .flatten()
        {
            if let Some(alert) = rule.get("alert").and_then(|a| a.as_str()) {
                names.push(alert.to_string());
            }
        }
    }
    Ok(names)
}

/// The preset with every `[[placeholder]]` filled from `values`.
pub fn load(
    templates: &Templates,
    name: &str,
    values: &BTreeMap<String, String>,
) -> anyhow::Result<PresetData> {
    let mut doc = serde_yaml::Value::clone(&*document(templates, name)?);
    if let serde_yaml::Value::Mapping(map) = &mut doc {
        for (key, value) in map.iter_mut() {
            if key.as_str() != Some("knobs") {
                fill(value, values)
                    .with_context(|| format!("preset data `{}`", data_path(name)))?;
            }
        }
    }
    let data: PresetData = serde_yaml::from_value(doc)
        .with_context(|| format!("preset data `{}` has the wrong shape", data_path(name)))?;
    if data.preset != name {
        bail!(
            "preset data `{}` says it is preset `{}`",
            data_path(name),
            data.preset
        );
    }
    Ok(data)
}

fn document(templates: &Templates, name: &str) -> anyhow::Result<Arc<serde_yaml::Value>> {
    templates.data(&data_path(name))
}

fn fill(value: &mut serde_yaml::Value, values: &BTreeMap<String, String>) -> anyhow::Result<()> {
    match value {
        serde_yaml::Value::String(s) => *s = substitute(s, values)?,
        serde_yaml::Value::Sequence(items) => items.iter_mut().try_for_each(|v| fill(v, values))?,
        serde_yaml::Value::Mapping(map) => map.iter_mut().try_for_each(|(_, v)| fill(v, values))?,
        _ => {}
    }
    Ok(())
}

/// Replaces every `[[name]]` in `text` by `values[name]`; an unknown name is an error.
pub(crate) fn substitute(text: &str, values: &BTreeMap<String, String>) -> anyhow::Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        let Some(len) = rest[start + 2..].find("]]") else {
            break;
        };
        let name = &rest[start + 2..start + 2 + len];
        let value = values
            .get(name.trim())
            .with_context(|| format!("no value for placeholder `[[{name}]]` in `{text}`"))?;
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A knob value as PromQL and prose read it (`0.9`, `300`).
pub(crate) fn format_number(value: f64) -> String {
    let text = format!("{value}");
    if text.contains('e') {
        format!("{value:.12}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitute_fills_known_placeholders_and_refuses_unknown() {
        let values = BTreeMap::from([
            ("job".to_string(), "node".to_string()),
            ("x".to_string(), "0.9".to_string()),
        ]);
        let cases = [
            (
                "up{job=~\"[[job]]\"} > [[x]]",
                Some("up{job=~\"node\"} > 0.9"),
            ),
            ("rate(x[5m]) [[ x ]]", Some("rate(x[5m]) 0.9")),
            (
                "no placeholders {{ $value }}",
                Some("no placeholders {{ $value }}"),
            ),
            ("[[missing]]", None),
        ];
        for (text, expected) in cases {
            assert_eq!(
                substitute(text, &values).ok().as_deref(),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn format_number_reads_like_promql() {
        for (value, text) in [
            (0.9, "0.9"),
            (300.0, "300"),
            (0.00001, "0.00001"),
            (1e21, "1000000000000000000000"),
        ] {
            assert_eq!(format_number(value), text);
        }
    }
}
