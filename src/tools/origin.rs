//! From a checker's complaint back to the manifest: the names it quotes (a rule, a job, a
//! receiver: `"api"`) and the keys it calls unknown (`field scrape_intervl not found`) are
//! looked up in the manifest the operator wrote, and each match becomes a `file:line:col`.
//!
//! The lookup walks the manifest's own YAML (as written, before defaults), so a pointer is
//! only ever a place the operator can edit. A position in a copied rule file
//! (`prometheus/rules/x.yml: 5:15`) points into the operator's own file from `alerts.files`
//! (copied byte for byte, so lines and columns hold); finding it lists the glob's matches, the
//! only disk access here.

use serde_yaml::Value;

use crate::manifest::LoadedManifest;

/// Keys whose scalar value names a rule, job, receiver or group.
const NAME_KEYS: &[&str] = &["alert", "record", "job", "name", "receiver", "job_name"];

/// A manifest place a checker's message refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `stackctl.yaml:12:9`.
    pub at: String,
    /// `scrape[0].job`.
    pub key: String,
}

/// The manifest places named in `output`, in the order the manifest has them.
pub(crate) fn locate(output: &str, loaded: &LoadedManifest) -> Vec<Origin> {
    let Ok(tree) = serde_yaml::from_str::<Value>(&loaded.source) else {
        return Vec::new();
    };
    let mut origins = manifest_origins(&tree, output, loaded);
    origins.extend(rule_file_origins(output, loaded));
    origins
}

fn manifest_origins(tree: &Value, output: &str, loaded: &LoadedManifest) -> Vec<Origin> {
    let names = quoted_names(output);
    let fields = super::newer_keys::unknown_fields(output);
    let mut found: Vec<(String, bool)> = Vec::new();
    walk(tree, "", &mut |path, key, value| {
        // A name (rule, job, receiver) anywhere; any other quoted value only in pass-through
        // config, where the checker is the first to read it.
        let quotable = NAME_KEYS.contains(&key) || path.contains("extra_config");
        let named = value
            .as_str()
            .is_some_and(|v| quotable && names.iter().any(|n| n == v));
        if named && !found.iter().any(|(p, _)| p == path) {
            found.push((path.to_string(), false));
        }
        let is_field = path.contains("extra_config") && fields.iter().any(|f| f == key);
        if is_field && !found.iter().any(|(p, _)| p == path) {
            found.push((path.to_string(), true));
        }
    });
    let file = loaded
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| loaded.path.display().to_string());
    found
        .into_iter()
        .filter_map(|(key, is_key)| {
            let location = if is_key {
                loaded.positions.find_key(&key)
            } else {
                loaded.positions.find(&key)
            }?;
            Some(Origin {
                at: format!("{file}:{}:{}", location.line, location.column),
                key,
            })
        })
        .collect()
}

/// `prometheus/rules/NAME.yml: LINE:COL` in promtool's output → the `alerts.files` source.
fn rule_file_origins(output: &str, loaded: &LoadedManifest) -> Vec<Origin> {
    let mut out: Vec<Origin> = Vec::new();
    for rest in output.split("prometheus/rules/").skip(1) {
        let Some((name, after)) = rest.split_once(": ") else {
            continue;
        };
        let position: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ':')
            .collect();
        let position = position.trim_end_matches(':');
        if !position.contains(':') {
            continue;
        }
        for (i, pattern) in loaded.manifest.alerts.files.iter().enumerate() {
            for source in matches(&loaded.dir, pattern) {
                let stem = source.file_stem().map(|s| s.to_string_lossy().to_string());
                if stem.map(|s| format!("{s}.yml")).as_deref() != Some(name) {
                    continue;
                }
                let shown = source.strip_prefix(&loaded.dir).unwrap_or(&source);
                let origin = Origin {
                    at: format!("{}:{position}", shown.display()),
                    key: format!("alerts.files[{i}]"),
                };
                if !out.contains(&origin) {
                    out.push(origin);
                }
            }
        }
    }
    out
}

/// The files an `alerts.files` entry names (a path, or a glob's matches).
fn matches(dir: &std::path::Path, pattern: &str) -> Vec<std::path::PathBuf> {
    let full = dir.join(pattern);
    if !pattern.contains(['*', '?', '[']) {
        return vec![full];
    }
    glob::glob(&full.to_string_lossy())
        .map(|paths| paths.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

/// Double-quoted words in a checker's output (`group "g", rule 1, "Broken"`).
fn quoted_names(output: &str) -> Vec<String> {
    output
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty() && !s.contains(char::is_whitespace))
        .map(str::to_string)
        .collect()
}

/// Calls `visit(path, key, value)` for every mapping entry, depth first.
fn walk(value: &Value, path: &str, visit: &mut dyn FnMut(&str, &str, &Value)) {
    match value {
        Value::Mapping(map) => {
            for (key, item) in map {
                let key = match key {
                    Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                };
                let child = match path {
                    "" => key.clone(),
                    parent => format!("{parent}.{key}"),
                };
                visit(&child, &key, item);
                walk(item, &child, visit);
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{index}]"), visit);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn loaded(source: &str) -> LoadedManifest {
        crate::manifest::load_str(Path::new("stackctl.yaml"), source, &|_| None)
            .expect("test manifest loads")
    }

    #[test]
    fn names_and_unknown_keys_in_a_checkers_message_point_at_the_manifest() {
        let manifest = loaded(
            "version: 1\nproject: t\ncomponents:\n  prometheus:\n    extra_config:\n      global:\n        scrape_intervl: 10s\nscrape:\n  - job: api\n    targets: [api:1]\n",
        );
        // (checker output, expected places)
        let table: [(&str, Vec<(&str, &str)>); 3] = [
            (
                "line 3: field scrape_intervl not found in type config.plain",
                vec![(
                    "stackctl.yaml:7:9",
                    "components.prometheus.extra_config.global.scrape_intervl",
                )],
            ),
            (
                "found multiple scrape configs with job name \"api\"",
                vec![("stackctl.yaml:9:10", "scrape[0].job")],
            ),
            ("nothing named here", vec![]),
        ];
        for (output, want) in table {
            let got: Vec<(String, String)> = locate(output, &manifest)
                .into_iter()
                .map(|o| (o.at, o.key))
                .collect();
            let want: Vec<(String, String)> = want
                .into_iter()
                .map(|(a, k)| (a.to_string(), k.to_string()))
                .collect();
            assert_eq!(got, want, "{output}");
        }
    }
}
