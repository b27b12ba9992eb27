//! `extra_config` of the YAML-configured components without a merger of their own (Loki,
//! Promtail, Jaeger, blackbox_exporter): deep-merged into the rendered file last.
//!
//! Mappings merge key by key, recursively; any other value (a list, a scalar) replaces what
//! stackctl rendered; `null` removes the key. The merged file is written by serde_yaml, so the
//! template's comments give way to one header line naming the manifest key.

use anyhow::Context as _;
use serde_yaml::{Mapping, Value};

use crate::render::Draft;

/// Adds the YAML file `path`, with `extra` (from manifest key `key`) merged in when given.
pub(crate) fn add_yaml(
    draft: &mut Draft,
    path: &str,
    text: String,
    extra: Option<&Mapping>,
    key: &str,
) -> anyhow::Result<()> {
    let Some(extra) = extra else {
        return draft.add_yaml(path, text);
    };
    let merged =
        merged(&text, extra, key).with_context(|| format!("merging `{key}` into {path}"))?;
    draft.add_yaml(path, merged)
}

fn merged(text: &str, extra: &Mapping, key: &str) -> anyhow::Result<String> {
    let mut document: Mapping =
        serde_yaml::from_str(text).context("the rendered file does not parse")?;
    deep_merge(&mut document, extra);
    let body = serde_yaml::to_string(&document)?;
    Ok(format!(
        "# Rendered by stackctl from stackctl.yaml, with `{key}` merged in; edits here are overwritten.\n{body}"
    ))
}

/// Merges `extra` into `base` following the rules above.
pub(crate) fn deep_merge(base: &mut Mapping, extra: &Mapping) {
    for (key, value) in extra {
        match (base.get_mut(key), value) {
            (_, Value::Null) => {
                base.remove(key);
            }
            (Some(Value::Mapping(inner)), Value::Mapping(extra_inner)) => {
                deep_merge(inner, extra_inner)
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_merge_lists_and_scalars_replace_and_null_removes() {
        let text = "# header\nlimits_config:\n  retention_period: 720h\n  max_streams: 1\nlist: [a, b]\ngone: 1\n";
        let extra: Mapping = serde_yaml::from_str(
            "{limits_config: {ingestion_rate_mb: 8, max_streams: 2}, list: [c], gone: null}",
        )
        .unwrap();
        let out = merged(text, &extra, "components.loki.extra_config").unwrap();
        let doc: Value = serde_yaml::from_str(&out).unwrap();
        assert_eq!(
            doc,
            serde_yaml::from_str::<Value>(
                "{limits_config: {retention_period: 720h, max_streams: 2, ingestion_rate_mb: 8}, list: [c]}"
            )
            .unwrap()
        );
        assert!(out.starts_with("# Rendered by stackctl"));
        assert!(out.contains("`components.loki.extra_config` merged in"));
    }
}
