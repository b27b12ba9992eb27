//! The manifest's JSON Schema, generated from the typed model (schemars): what `stackctl schema`
//! prints and editors (yaml-language-server) use for completion, hover text and squiggles.
//!
//! The model's doc comments are the descriptions. The loader, not the schema, is the judge of a
//! manifest: the schema is kept exactly as strict as the loader on keys (unknown keys are
//! errors everywhere but inside maps and pass-through values) and lenient on values that
//! `validate` explains better (durations, versions, addresses).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::{json, Map, Value};

use super::model::Manifest;

/// Where `init` writes the schema, beside the manifest (the modeline points at it).
pub(crate) const SCHEMA_FILE: &str = ".stackctl/schema.json";

/// A duration as the loader reads it (`validate` reports the precise problem; a decimal amount
/// is allowed for SLO latency thresholds, `0.5s`).
pub(crate) const DURATION_PATTERN: &str = r"^([0-9]+(\.[0-9]+)?(ms|s|m|h|d|w|y))+$";

/// A YAML mapping passed through to a program's own config file (`extra_config`).
#[derive(JsonSchema)]
#[allow(dead_code)] // a schema shape only
#[schemars(transparent)]
pub(crate) struct YamlMapping(
    /// Deep-merged into the program's config: mappings merge, lists and values replace,
    /// `null` removes a key.
    Map<String, Value>,
);

/// Any YAML value, passed through (a blackbox module).
#[derive(JsonSchema)]
#[allow(dead_code)] // a schema shape only
#[schemars(transparent)]
pub(crate) struct YamlValue(Value);

/// A Prometheus `relabel_config`, passed through as written.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)] // a schema shape only: relabel rules are read as YAML values
pub(crate) struct RelabelConfig {
    /// Labels whose values are joined with `separator` and matched against `regex`.
    source_labels: Option<Vec<String>>,
    /// Joins the source label values (default `;`).
    separator: Option<String>,
    /// An RE2 expression, anchored (default `(.*)`).
    regex: Option<String>,
    /// Modulus of the hash of the source labels (`action: hashmod`).
    modulus: Option<u64>,
    /// The label written by `replace`, `hashmod`, `lowercase`, `uppercase`.
    target_label: Option<String>,
    /// The value written, with `$1`-style references to `regex` groups (write `$${1}` for a literal `${1}`).
    replacement: Option<String>,
    /// replace (default), keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop,
    /// labelkeep, lowercase, uppercase.
    action: Option<String>,
}

/// The manifest's JSON Schema (draft 2020-12) as a JSON value.
pub(crate) fn manifest_schema() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let root = generator.into_root_schema_for::<Manifest>();
    let mut schema = root.to_value();
    close_every_object(&mut schema);
    if let Some(root) = schema.as_object_mut() {
        root.insert("$id".into(), json!(SCHEMA_ID));
        root.insert("title".into(), json!("stackctl.yaml"));
        // Top-level `x-` keys hold YAML anchors (`x-common: &common ...`).
        root.insert("patternProperties".into(), json!({ "^x-": {} }));
    }
    schema
}

/// The schema's `$id`: the manifest contract it describes (version 1).
pub(crate) const SCHEMA_ID: &str = "urn:stackctl:manifest:v1";

/// The schema as the pretty JSON text `stackctl schema` prints and `init` writes.
pub(crate) fn manifest_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&manifest_schema()).expect("a JSON value prints");
    text.push('\n');
    text
}

/// Every struct of the model refuses unknown keys, as the loader does (it reports them with a
/// did-you-mean); maps (`labels`, `receivers`) and pass-through values stay open.
fn close_every_object(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if object.contains_key("properties") && !object.contains_key("additionalProperties") {
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
            for value in object.values_mut() {
                close_every_object(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_every_object),
        _ => {}
    }
}

/// Every key path the schema describes (`components.prometheus.retention.time`,
/// `scrape[].relabel[].action`, `notify.receivers.*.email.to`) with its description.
pub fn key_paths() -> BTreeMap<String, Option<String>> {
    let schema = manifest_schema();
    let mut out = BTreeMap::new();
    walk(&schema, &schema, "", &mut out, 0);
    out
}

fn walk(
    root: &Value,
    node: &Value,
    path: &str,
    out: &mut BTreeMap<String, Option<String>>,
    depth: usize,
) {
    // `notify.routes[].routes[]` nests without end: one level says everything.
    if depth > 12 || path.matches("routes[]").count() > 1 {
        return;
    }
    let node = resolve(root, node);
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        for (key, value) in properties {
            let child = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            out.insert(child.clone(), description(root, value));
            walk(root, value, &child, out, depth + 1);
        }
    }
    if let Some(items) = node.get("items") {
        walk(root, items, &format!("{path}[]"), out, depth + 1);
    }
    if let Some(values) = node.get("additionalProperties").filter(|v| v.is_object()) {
        walk(root, values, &format!("{path}.*"), out, depth + 1);
    }
    for combinator in ["anyOf", "oneOf", "allOf"] {
        for branch in node
            .get(combinator)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk(root, branch, path, out, depth + 1);
        }
    }
}

/// The description of a property: its own, else its definition's.
fn description(root: &Value, value: &Value) -> Option<String> {
    value
        .get("description")
        .or_else(|| resolve(root, value).get("description"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Follows `$ref: #/$defs/Name`.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/")
            .and_then(|pointer| root.pointer(&format!("/{pointer}")))
            .unwrap_or(node),
        None => node,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_description() {
        let undescribed: Vec<String> = key_paths()
            .into_iter()
            .filter(|(_, description)| description.as_deref().is_none_or(str::is_empty))
            .map(|(path, _)| path)
            .collect();
        assert!(
            undescribed.is_empty(),
            "keys without a description (add a doc comment): {undescribed:?}"
        );
    }

    #[test]
    fn describes_nested_keys_of_every_part() {
        let paths = key_paths();
        for want in [
            "version",
            "components.prometheus.retention.time",
            "components.grafana.admin_password",
            "scrape[].relabel[].replacement",
            "notify.receivers.*.email.to",
            "notify.routes[].routes",
            "notify.routes[].receiver",
            "logs.pipeline[].regex.expression",
            "dashboards.boards[].panels[].exprs[].legend",
            "exporters[].type",
        ] {
            assert!(
                paths.contains_key(want),
                "no `{want}` in {:?}",
                paths.keys()
            );
        }
    }

    #[test]
    fn structs_refuse_unknown_keys_and_maps_stay_open() {
        let schema = manifest_schema();
        assert_eq!(schema["additionalProperties"], json!(false));
        assert_eq!(schema["patternProperties"], json!({"^x-": {}}));
        assert_eq!(
            schema["properties"]["labels"]["additionalProperties"],
            json!({"type": "string"})
        );
    }
}
