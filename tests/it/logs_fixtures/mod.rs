//! Fixture access for the logs/traces/dashboards tests: every `tests/fixtures/ok/*` manifest,
//! rendered in memory, plus a walk over YAML keys.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use stackctl::manifest::LoadedManifest;
use stackctl::render::{self, RenderedStack, Stack, Templates};

pub fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ok");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/fixtures/ok exists")
        .flatten()
        .map(|e| e.path().join("stackctl.yaml"))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

pub fn name(manifest: &Path) -> String {
    manifest
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// The fixtures this suite owns: they must always render.
fn owned(name: &str) -> bool {
    name.starts_with("logs-") || name.starts_with("traces-")
}

pub struct Rendered {
    pub name: String,
    pub loaded: LoadedManifest,
    pub rendered: RenderedStack,
}

impl Rendered {
    pub fn stack<'a>(&'a self, templates: &'a Templates) -> Stack<'a> {
        Stack::new(&self.loaded.manifest, &self.loaded.dir, templates)
    }

    pub fn file(&self, path: &str) -> Option<&str> {
        self.rendered.files.get(path).map(|f| f.contents.expose())
    }

    pub fn yaml(&self, path: &str) -> Option<serde_yaml::Value> {
        self.file(path).map(|t| {
            serde_yaml::from_str(t).unwrap_or_else(|e| panic!("{}: {path}: {e}", self.name))
        })
    }
}

/// Every fixture that loads (as `stackctl` loads it, `.env` beside it) and renders. Another suite's fixture that does not render is skipped
/// visibly (the golden test fails on it); one of ours that does not render fails here.
pub fn render_all() -> Vec<Rendered> {
    let templates = Templates::embedded();
    let mut out = Vec::new();
    for path in fixtures() {
        let fixture = name(&path);
        let result = stackctl::manifest::load(&path)
            .map_err(|e| e.to_string())
            .and_then(|loaded| match render::render(&loaded, &templates) {
                Ok(rendered) => Ok(Rendered {
                    name: fixture.clone(),
                    loaded,
                    rendered,
                }),
                Err(e) => Err(e.to_string()),
            });
        match result {
            Ok(rendered) => out.push(rendered),
            Err(e) if !owned(&fixture) => {
                eprintln!("SKIP: fixture `{fixture}` does not load and render:\n{e}")
            }
            Err(e) => panic!("fixture `{fixture}` loads and renders:\n{e}"),
        }
    }
    out
}

/// Every key of a YAML document as a dotted path (`compactor.retention_enabled`); list
/// items add no segment.
pub fn key_paths(value: &serde_yaml::Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

fn walk(value: &serde_yaml::Value, prefix: &str, out: &mut Vec<String>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (k, v) in map {
                let key = k
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{k:?}"));
                let path = if prefix.is_empty() {
                    key
                } else {
                    format!("{prefix}.{key}")
                };
                out.push(path.clone());
                walk(v, &path, out);
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| walk(v, prefix, out)),
        _ => {}
    }
}

/// The value at a dotted path (mapping keys only).
pub fn at<'a>(value: &'a serde_yaml::Value, path: &str) -> Option<&'a serde_yaml::Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}
