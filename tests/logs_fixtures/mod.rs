//! Fixture access for the logs/traces/dashboards tests: every `tests/fixtures/ok/*` manifest,
//! rendered in memory, plus a walk over YAML keys.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use stackctl::manifest::{LoadedManifest, Manifest};
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

/// Reads a fixture: `${VAR}` / `${VAR:-default}` from the `.env` beside it.
pub fn load(path: &Path) -> LoadedManifest {
    let dir = path
        .parent()
        .expect("fixture has a directory")
        .to_path_buf();
    let source = std::fs::read_to_string(path).expect("fixture reads");
    let env: Vec<(String, String)> = std::fs::read_to_string(dir.join(".env"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let (text, secret_values) = substitute(&source, &env);
    let manifest: Manifest = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("fixture `{}` parses: {e}", path.display()));
    LoadedManifest {
        manifest,
        path: path.to_path_buf(),
        dir,
        source,
        positions: Default::default(),
        secret_values,
    }
}

fn substitute(source: &str, env: &[(String, String)]) -> (String, Vec<String>) {
    let (mut out, mut secrets, mut rest) = (String::new(), Vec::new(), source);
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .expect("closed reference");
        let reference = &rest[start + 2..end];
        let (var, default) = match reference.split_once(":-") {
            Some((v, d)) => (v, Some(d)),
            None => (reference, None),
        };
        let value = env
            .iter()
            .find(|(k, _)| k == var)
            .map(|(_, v)| v.clone())
            .or(default.map(str::to_string))
            .unwrap_or_else(|| format!("fixture-value-of-{var}"));
        secrets.push(value.clone());
        out.push_str(&value);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    (out, secrets)
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
        self.rendered.files.get(path).map(|f| f.contents.as_str())
    }

    pub fn yaml(&self, path: &str) -> Option<serde_yaml::Value> {
        self.file(path).map(|t| {
            serde_yaml::from_str(t).unwrap_or_else(|e| panic!("{}: {path}: {e}", self.name))
        })
    }
}

pub fn render_all() -> Vec<Rendered> {
    let templates = Templates::embedded();
    fixtures()
        .iter()
        .map(|path| {
            let loaded = load(path);
            let rendered = render::render(&loaded, &templates)
                .unwrap_or_else(|e| panic!("fixture `{}` renders:\n{e}", name(path)));
            Rendered {
                name: name(path),
                loaded,
                rendered,
            }
        })
        .collect()
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
