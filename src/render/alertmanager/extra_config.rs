//! `components.alertmanager.extra_config`: deep-merged into alertmanager.yml last.
//!
//! Mappings merge key by key, recursively; any other value (a list, a string) replaces what
//! stackctl rendered; `null` removes the key. So `receivers: [...]` replaces the whole list.

use serde_json::Value;

/// The operator's overrides as JSON-model values (the document is built as JSON values).
pub fn to_value(extra: &serde_yaml::Mapping) -> anyhow::Result<Value> {
    Ok(serde_json::to_value(extra)?)
}

/// Merges `overlay` into `base`.
pub(crate) fn deep_merge(base: &mut Value, overlay: &Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                if value.is_null() {
                    base.shift_remove(key);
                } else if let Some(existing) = base.get_mut(key) {
                    deep_merge(existing, value);
                } else {
                    base.insert(key.clone(), value.clone());
                }
            }
        }
        (base, overlay) => *base = overlay.clone(),
    }
}

/// Keys Alertmanager deprecated (and stackctl never renders) found anywhere in `value`.
pub(crate) fn deprecated_keys(value: &Value, path: &str, out: &mut Vec<String>) {
    const DEPRECATED: &[&str] = &[
        "match",
        "match_re",
        "source_match",
        "source_match_re",
        "target_match",
        "target_match_re",
    ];
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let top_level_mute = path.is_empty() && key == "mute_time_intervals";
                if DEPRECATED.contains(&key.as_str()) || top_level_mute {
                    out.push(child_path.clone());
                }
                deprecated_keys(child, &child_path, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                deprecated_keys(item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mappings_merge_recursively_and_other_values_replace() {
        let mut base = json!({"route": {"receiver": "a", "group_by": ["x"], "group_wait": "30s"}, "receivers": [{"name": "a"}]});
        let overlay = json!({"route": {"group_by": ["y"], "group_wait": null, "continue": false}, "global": {"resolve_timeout": "1m"}});
        deep_merge(&mut base, &overlay);
        assert_eq!(
            base,
            json!({"route": {"receiver": "a", "group_by": ["y"], "continue": false}, "receivers": [{"name": "a"}], "global": {"resolve_timeout": "1m"}})
        );
    }

    #[test]
    fn finds_deprecated_keys_at_any_depth() {
        let doc = json!({"mute_time_intervals": [], "route": {"routes": [{"match": {"a": "b"}, "mute_time_intervals": ["n"]}]}, "inhibit_rules": [{"source_match_re": {}}]});
        let mut found = Vec::new();
        deprecated_keys(&doc, "", &mut found);
        assert_eq!(
            found,
            vec![
                "mute_time_intervals",
                "route.routes[0].match",
                "inhibit_rules[0].source_match_re"
            ]
        );
    }
}
