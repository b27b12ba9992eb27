//! `components.prometheus.extra_config`: deep-merged into prometheus.yml last, then checked.
//!
//! Merge rules: where both sides hold a mapping, keys merge recursively; anything else (a
//! list, a scalar, or a mapping meeting a non-mapping) is replaced by the `extra_config` value;
//! a `null` value removes the key. So `global: {scrape_interval: 30s}` changes one key and
//! keeps the others, while `scrape_configs: [...]` replaces every generated job (add jobs
//! with `scrape` instead). The result is checked for what would make Prometheus refuse the
//! file or what stackctl never emits; `validate` then runs promtool on it.

use std::collections::BTreeSet;

use serde_yaml::{Mapping, Value};

use crate::manifest::parse_millis;

/// Top-level keys of prometheus.yml (configuration.md @3.14); anything else is refused.
const TOP_LEVEL_KEYS: &[&str] = &[
    "global",
    "runtime",
    "rule_files",
    "scrape_config_files",
    "scrape_configs",
    "alerting",
    "remote_write",
    "remote_read",
    "storage",
    "tracing",
    "otlp",
];

/// Keys stackctl never emits: removed in 3.x or deprecated for `authorization`.
const REFUSED_KEYS: &[(&str, &str)] = &[
    ("bearer_token", "use `authorization: {type: Bearer, credentials_file: ...}`, or `bearer_token` of a `scrape` job"),
    ("bearer_token_file", "use `authorization: {type: Bearer, credentials_file: ...}`"),
    ("scrape_classic_histograms", "Prometheus 3 renamed it `always_scrape_classic_histograms`"),
];

/// The merge itself is the one every YAML-configured component uses.
pub(crate) use crate::render::yaml_overlay::deep_merge;

/// What is wrong with the merged file (`merged`), given the `extra_config` that produced it.
pub fn problems(merged: &Mapping, extra: &Mapping) -> Vec<String> {
    let mut out = Vec::new();
    for key in merged.keys() {
        match key.as_str() {
            Some(name) if TOP_LEVEL_KEYS.contains(&name) => {}
            _ => out.push(format!("`{}` is not a prometheus.yml key", display(key))),
        }
    }
    for (key, want) in [
        ("global", "a mapping"),
        ("alerting", "a mapping"),
        ("storage", "a mapping"),
    ] {
        if let Some(value) = merged.get(key).filter(|v| !v.is_mapping()) {
            out.push(format!(
                "`{key}` must be {want}, found {}",
                crate::manifest::describe_value(value)
            ));
        }
    }
    for key in [
        "rule_files",
        "scrape_configs",
        "remote_write",
        "remote_read",
        "scrape_config_files",
    ] {
        if let Some(value) = merged.get(key).filter(|v| !v.is_sequence()) {
            out.push(format!(
                "`{key}` must be a list, found {}",
                crate::manifest::describe_value(value)
            ));
        }
    }
    out.extend(job_problems(merged));
    out.extend(timeout_problem(merged));
    if let Some(managers) = merged
        .get("alerting")
        .and_then(|a| a.get("alertmanagers"))
        .and_then(Value::as_sequence)
    {
        if managers
            .iter()
            .any(|m| m.get("api_version").and_then(Value::as_str) == Some("v1"))
        {
            out.push("`alerting.alertmanagers[].api_version: v1` is not supported: Prometheus 3 only speaks v2 (the default)".to_string());
        }
    }
    let mut refused = BTreeSet::new();
    find_refused(&Value::Mapping(extra.clone()), &mut refused);
    for (key, hint) in REFUSED_KEYS.iter().filter(|(k, _)| refused.contains(k)) {
        out.push(format!("`{key}` is not allowed: {hint}"));
    }
    out
}

fn job_problems(merged: &Mapping) -> Vec<String> {
    let Some(jobs) = merged.get("scrape_configs").and_then(Value::as_sequence) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (index, job) in jobs.iter().enumerate() {
        match job.get("job_name").and_then(Value::as_str) {
            Some(name) if !seen.insert(name.to_string()) => {
                out.push(format!("`scrape_configs` has two jobs named `{name}`"))
            }
            Some(_) => {}
            None => out.push(format!(
                "`scrape_configs[{index}]` needs a `job_name` string"
            )),
        }
    }
    out
}

/// Prometheus refuses a global scrape timeout longer than the global scrape interval.
fn timeout_problem(merged: &Mapping) -> Option<String> {
    let global = merged.get("global")?;
    let millis = |key: &str| {
        global
            .get(key)
            .and_then(Value::as_str)
            .and_then(parse_millis)
    };
    let (interval, timeout) = (millis("scrape_interval")?, millis("scrape_timeout")?);
    (timeout > interval).then(|| {
        "`global.scrape_timeout` is longer than `global.scrape_interval`: Prometheus refuses that".to_string()
    })
}

fn find_refused(value: &Value, found: &mut BTreeSet<&'static str>) {
    match value {
        Value::Mapping(map) => {
            for (key, inner) in map {
                if let Some((name, _)) = REFUSED_KEYS.iter().find(|(k, _)| key.as_str() == Some(k))
                {
                    found.insert(name);
                }
                find_refused(inner, found);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| find_refused(item, found)),
        _ => {}
    }
}

fn display(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(yaml: &str) -> Mapping {
        serde_yaml::from_str(yaml).expect("test YAML parses")
    }

    #[test]
    fn merges_maps_and_replaces_lists_and_scalars() {
        let cases = [
            (
                "global: {a: 1, b: 2}",
                "global: {b: 3, c: 4}",
                "global: {a: 1, b: 3, c: 4}",
            ),
            ("rule_files: [a, b]", "rule_files: [c]", "rule_files: [c]"),
            ("global: {a: {x: 1}}", "global: {a: 5}", "global: {a: 5}"),
            ("global: 5", "global: {a: 1}", "global: {a: 1}"),
            (
                "alerting: {a: 1}\nglobal: {}",
                "alerting: null",
                "global: {}",
            ),
            (
                "global: {a: 1, b: 2}",
                "global: {b: null}",
                "global: {a: 1}",
            ),
            (
                "global: {}",
                "tracing: {endpoint: 'x:4317'}",
                "global: {}\ntracing: {endpoint: 'x:4317'}",
            ),
        ];
        for (base, extra, want) in cases {
            let mut merged = mapping(base);
            deep_merge(&mut merged, &mapping(extra));
            assert_eq!(merged, mapping(want), "{base} + {extra}");
        }
    }

    #[test]
    fn reports_what_prometheus_would_refuse() {
        let cases = [
            ("global: {scrape_interval: 15s}", "", 0),
            ("globl: {}", "", 1),
            ("global: 5", "", 1),
            ("scrape_configs: {a: 1}", "", 1),
            (
                "scrape_configs: [{job_name: a}, {job_name: a}, {static_configs: []}]",
                "",
                2,
            ),
            ("global: {scrape_interval: 5s, scrape_timeout: 10s}", "", 1),
            ("alerting: {alertmanagers: [{api_version: v1}]}", "", 1),
            (
                "global: {}",
                "scrape_configs: [{job_name: a, bearer_token: x}]",
                1,
            ),
            ("global: {}", "global: {scrape_classic_histograms: true}", 1),
        ];
        for (merged, extra, count) in cases {
            let found = problems(
                &mapping(merged),
                &mapping(if extra.is_empty() { "{}" } else { extra }),
            );
            assert_eq!(found.len(), count, "{merged} / {extra}: {found:?}");
        }
    }
}
