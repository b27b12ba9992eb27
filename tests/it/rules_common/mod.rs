//! Shared by the `rules_*` tests: build a stack from manifest text, run only the rules step, write
//! the rendered tree, and let promtool judge it (skipped visibly without promtool, failing in CI).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use stackctl::manifest::Manifest;
use stackctl::render::{rules, Draft, Stack, Templates};

pub fn manifest(yaml: &str) -> Manifest {
    serde_yaml::from_str(yaml)
        .unwrap_or_else(|e| panic!("test manifest does not parse: {e}\n{yaml}"))
}

/// Runs the rules step (groups, presets, SLOs, copied files) on `yaml`, relative to `dir`.
pub fn render_rules(yaml: &str, dir: &Path) -> Draft {
    let manifest = manifest(yaml);
    let templates = Templates::embedded();
    let stack = Stack::new(&manifest, dir, &templates);
    let mut draft = Draft::new(&[]);
    rules::render(&stack, &mut draft).expect("rules step succeeds");
    draft
}

/// Writes every rendered file under `out` and returns the rule and test files written.
pub fn write_tree(draft: &Draft, out: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let (mut rule_files, mut test_files) = (Vec::new(), Vec::new());
    for (path, file) in draft.files() {
        let full = out.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, file.contents.expose()).unwrap();
        if path.starts_with("prometheus/rules/") {
            rule_files.push(full);
        } else if path.starts_with("prometheus/tests/") {
            test_files.push(full);
        }
    }
    (rule_files, test_files)
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// promtool, or `None` after a visible `SKIP:` (a panic under `CI=true`).
pub fn promtool() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join("promtool"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let test = std::thread::current().name().unwrap_or("test").to_string();
        let message = format!("SKIP: {test} needs promtool");
        assert!(!in_ci(), "{message} (CI=true: a missing tool is a failure)");
        eprintln!("{message}");
        println!("{message}");
    }
    found
}

/// Runs `promtool <args> <files>` and panics with its output unless it succeeds.
pub fn promtool_ok(promtool: &Path, args: &[&str], files: &[PathBuf]) -> String {
    assert!(!files.is_empty(), "nothing for promtool {args:?} to check");
    let output = Command::new(promtool)
        .args(args)
        .args(files)
        .output()
        .expect("promtool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "promtool {args:?} failed:\n{text}");
    text
}

/// Runs `promtool <args> <files>` and returns (success, output).
pub fn promtool_run(promtool: &Path, args: &[&str], files: &[PathBuf]) -> (bool, String) {
    let output = Command::new(promtool)
        .args(args)
        .args(files)
        .output()
        .expect("promtool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// A stack every alert preset fits: each component a preset watches and every exporter type.
pub const EVERY_PRESET: &str = r#"
version: 1
project: shop
components:
  prometheus: {}
  alertmanager: {}
  node_exporter: {}
  cadvisor: {}
  blackbox_exporter: {}
exporters:
  - {type: redis, name: cache, target: "redis:6379"}
  - {type: postgres, target: "db:5432"}
  - {type: mysql, target: "mysql:3306"}
  - {type: mongodb, target: "mongo:27017"}
  - {type: nginx, name: web, target: "http://web:8080/stub_status"}
  - {type: kafka, target: "kafka:9092"}
  - {type: rabbitmq, target: "rabbitmq:15692"}
  - {type: elasticsearch, target: "http://es:9200"}
scrape:
  - job: site
    probe: {module: http_2xx, targets: ["https://shop.example.com"]}
"#;
