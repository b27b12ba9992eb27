//! Shared by the `prometheus_*` tests: render a fixture manifest through the library, write
//! every rendered file into a temp dir, and show promtool the config as the container sees it.
//!
//! Container view: Prometheus reads `/etc/prometheus/...` (the mounted `rendered/prometheus`)
//! and `/run/secrets/<name>` (from `rendered/secrets/prometheus/<name>`). promtool on the host
//! resolves those absolute paths literally, so `host_view` writes a copy of prometheus.yml in
//! which exactly these mount points (and the data volume `/prometheus`) are mapped onto the temp
//! dir, the way Docker maps them.
//! Nothing else is changed; the file the container reads is checked as well for syntax.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_yaml::Value;
use stackctl::manifest::{load_str, LoadedManifest, Manifest, Positions};
use stackctl::render::{RenderedStack, Templates};

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/prometheus");

pub fn fixture(name: &str) -> String {
    let path = Path::new(FIXTURES).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Values of the `${VAR}` references the fixtures use (stand-ins for the environment).
pub const ENV: &[(&str, &str)] = &[
    ("GRAFANA_ADMIN_PASSWORD", "grafana-admin-password"),
    ("API_METRICS_PASSWORD", "api-metrics-password"),
    ("SPRING_TOKEN", "spring-bearer-token"),
    ("REMOTE_WRITE_PASSWORD", "remote-write-password"),
];

/// The manifest in `source`, loaded and validated by the real loader.
pub fn loaded(source: &str) -> LoadedManifest {
    let lookup = |name: &str| {
        ENV.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    };
    let path = Path::new(FIXTURES).join("stackctl.yaml");
    load_str(&path, source, &lookup).unwrap_or_else(|e| panic!("fixture does not load:\n{e}"))
}

/// The manifest in `source` WITHOUT the loader's validation: render must stay safe even for
/// values validation would refuse (targets with quotes, `#`, `{{ }}`, unicode).
pub fn unvalidated(source: &str) -> LoadedManifest {
    let manifest: Manifest = serde_yaml::from_str(source).expect("manifest parses");
    LoadedManifest {
        manifest,
        path: Path::new(FIXTURES).join("stackctl.yaml"),
        dir: PathBuf::from(FIXTURES),
        source: source.to_string(),
        positions: Positions::default(),
        secret_values: Vec::new(),
        generated: Default::default(),
        warnings: Vec::new(),
    }
}

/// `source` with Prometheus left at its default (pinned) release.
pub fn loaded_default_release(source: &str) -> LoadedManifest {
    let mut loaded = loaded(source);
    if let Some(prometheus) = loaded.manifest.components.prometheus.as_mut() {
        prometheus.version = None;
    }
    loaded
}

pub fn render(loaded: &LoadedManifest) -> RenderedStack {
    stackctl::render::render(loaded, &Templates::embedded())
        .unwrap_or_else(|e| panic!("render failed: {e}"))
}

pub fn file<'a>(stack: &'a RenderedStack, path: &str) -> &'a str {
    stack
        .files
        .get(path)
        .unwrap_or_else(|| panic!("`{path}` rendered"))
        .contents
        .expose()
}

pub fn yaml(stack: &RenderedStack, path: &str) -> Value {
    serde_yaml::from_str(file(stack, path)).unwrap_or_else(|e| panic!("`{path}` parses: {e}"))
}

/// Writes every rendered file under `dir`, as `stackctl render` lays them out.
pub fn write_all(stack: &RenderedStack, dir: &Path) {
    for (path, rendered) in &stack.files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().expect("files live in directories"))
            .expect("mkdir");
        std::fs::write(&target, rendered.contents.expose()).expect("write rendered file");
    }
}

/// Writes `prometheus/prometheus.host-view.yml`: the config with the container's mount points
/// (`/etc/prometheus/`, `/run/secrets/`, the data volume `/prometheus/`) mapped onto `dir`;
/// returns its path.
pub fn host_view(stack: &RenderedStack, dir: &Path) -> PathBuf {
    let mut config = yaml(stack, "prometheus/prometheus.yml");
    let host = |path: PathBuf| format!("{}/", path.display());
    let mounts = [
        ("/etc/prometheus/".to_string(), host(dir.join("prometheus"))),
        (
            "/run/secrets/".to_string(),
            host(dir.join("secrets/prometheus")),
        ),
        ("/prometheus/".to_string(), host(data_dir(dir))),
    ];
    std::fs::create_dir_all(data_dir(dir)).expect("data dir");
    map_paths(&mut config, &mounts);
    let path = dir.join("prometheus/prometheus.host-view.yml");
    std::fs::write(&path, serde_yaml::to_string(&config).expect("serialize")).expect("write view");
    path
}

/// Where the container's data volume (`/prometheus`) lives in the host view.
pub fn data_dir(dir: &Path) -> PathBuf {
    dir.join("data")
}

fn map_paths(value: &mut Value, mounts: &[(String, String)]) {
    match value {
        Value::String(s) => {
            if let Some((from, to)) = mounts.iter().find(|(from, _)| s.starts_with(from.as_str())) {
                *s = format!("{to}{}", &s[from.len()..]);
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|v| map_paths(v, mounts)),
        Value::Mapping(map) => map.iter_mut().for_each(|(_, v)| map_paths(v, mounts)),
        _ => {}
    }
}

/// A program this test started: killed and reaped when dropped, also when an assertion fails.
pub struct Running(pub std::process::Child);

impl Running {
    /// Whether it has exited, and how.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.0.try_wait().ok().flatten()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.exited().is_none() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Runs `tool args...`; returns (success, stdout + stderr).
pub fn run(tool: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(tool).args(args).output().expect("tool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Every mapping key anywhere in `value` (to assert a key is never emitted).
pub fn all_keys(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_keys(value, &mut out);
    out
}

fn collect_keys(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Mapping(map) => {
            for (key, inner) in map {
                if let Some(k) = key.as_str() {
                    out.push(k.to_string());
                }
                collect_keys(inner, out);
            }
        }
        Value::Sequence(items) => items.iter().for_each(|v| collect_keys(v, out)),
        _ => {}
    }
}

/// The scrape job named `name` in a parsed prometheus.yml.
pub fn job<'a>(config: &'a Value, name: &str) -> &'a Value {
    config["scrape_configs"]
        .as_sequence()
        .and_then(|jobs| jobs.iter().find(|j| j["job_name"].as_str() == Some(name)))
        .unwrap_or_else(|| panic!("job `{name}` rendered"))
}
