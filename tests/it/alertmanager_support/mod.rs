//! Shared by the `alertmanager_*` tests: loading a manifest with test secrets, rendering it, and
//! running the real `amtool` (skipped visibly when missing, failing under `CI=true`).
//! Test crates using it also declare `mod common;` (the shared skip helper).
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use stackctl::manifest::{load_str, Diagnostic, LoadedManifest, ManifestError};
use stackctl::render::{render, RenderError, RenderedStack, Templates};

/// Loads `yaml` through the real loader; each of `secrets` is turned into a `${VAR}` reference
/// resolved from a test environment, so the loader records it as a secret value.
pub fn loaded(yaml: &str, secrets: &[&str]) -> Result<LoadedManifest, ManifestError> {
    let mut source = yaml.to_string();
    let mut env = HashMap::new();
    for (i, secret) in secrets.iter().enumerate() {
        let name = format!("STACKCTL_TEST_SECRET_{i}");
        source = source.replace(secret, &format!("${{{name}}}"));
        env.insert(name, secret.to_string());
    }
    load_str(Path::new("stackctl.yaml"), &source, &|name: &str| {
        env.get(name).cloned()
    })
}

/// The render, or every problem the loader or the render reports.
pub fn try_render(yaml: &str, secrets: &[&str]) -> Result<RenderedStack, Vec<Diagnostic>> {
    let loaded = loaded(yaml, secrets).map_err(|e| e.problems)?;
    match render(&loaded, &Templates::embedded()) {
        Ok(stack) => Ok(stack),
        Err(RenderError::Invalid(e)) => Err(e.problems),
        Err(RenderError::Internal(e)) => panic!("internal error: {e:#}"),
    }
}

pub fn render_ok(yaml: &str, secrets: &[&str]) -> RenderedStack {
    match try_render(yaml, secrets) {
        Ok(stack) => stack,
        Err(problems) => panic!("render failed: {problems:#?}"),
    }
}

/// `(key path, message + hint)` of each problem of a manifest that must not render.
pub fn problem_paths(yaml: &str, secrets: &[&str]) -> Vec<(String, String)> {
    match try_render(yaml, secrets) {
        Ok(_) => panic!("render unexpectedly succeeded"),
        Err(problems) => problems
            .into_iter()
            .map(|p| {
                (
                    p.path,
                    format!("{}\nhint: {}", p.message, p.hint.unwrap_or_default()),
                )
            })
            .collect(),
    }
}

pub fn config_text(stack: &RenderedStack) -> &str {
    stack.files["alertmanager/alertmanager.yml"]
        .contents
        .expose()
}

pub fn config(stack: &RenderedStack) -> serde_yaml::Value {
    serde_yaml::from_str(config_text(stack)).expect("alertmanager.yml parses")
}

/// The Debian amtool, or `None` after a visible `SKIP` (a failure under `CI=true`).
pub fn amtool() -> Option<PathBuf> {
    let path = Path::new("/usr/bin/amtool");
    if path.exists() {
        return Some(path.to_path_buf());
    }
    crate::common::skip("amtool 0.25 at /usr/bin/amtool (Debian package prometheus-alertmanager)")
}

/// Writes the rendered files into a temp dir and returns it with the config path.
pub fn write_out(stack: &RenderedStack) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, file) in &stack.files {
        let target = dir.path().join(path);
        std::fs::create_dir_all(target.parent().expect("has parent")).expect("mkdir");
        std::fs::write(&target, file.contents.expose()).expect("write");
    }
    let config = dir.path().join("alertmanager/alertmanager.yml");
    (dir, config)
}

/// Runs amtool with `args`; returns (success, stdout + stderr).
pub fn run_amtool(amtool: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(amtool)
        .args(args)
        .output()
        .expect("amtool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Every mapping key anywhere in `value`, with its path.
pub fn all_keys(value: &serde_yaml::Value, path: &str, out: &mut Vec<String>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (k, v) in map {
                let key = k.as_str().unwrap_or("?").to_string();
                let p = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                out.push(p.clone());
                all_keys(v, &p, out);
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                all_keys(item, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The manifest.md `notify` example, with `version` of Alertmanager given.
pub fn shop_manifest(version: &str) -> String {
    format!(
        r#"
version: 1
project: shop
components:
  alertmanager: {{version: "{version}"}}
notify:
  default: team-email
  group_by: [alertname, cluster, service]
  group_wait: 10s
  group_interval: 5m
  repeat_interval: 12h
  receivers:
    team-email:
      email: {{to: [alerts@shop.example.com, ops@shop.example.com], from: am@shop.example.com,
              smarthost: smtp.example.com:587, username: am@shop.example.com, password: "smtp-secret-1"}}
    oncall:
      pagerduty: {{routing_key: "pd-routing-key-1", severity: critical}}
    chat:
      slack: {{webhook_url: "https://hooks.slack.com/services/T0/B0/slack-secret-1", channel: '#alerts', send_resolved: true, title: "{{{{ .CommonLabels.alertname }}}}"}}
    bot:
      webhook: {{url: "http://bot:5001/alerts", max_alerts: 10}}
  routes:
    - match: {{severity: critical}}
      receiver: oncall
      continue: true
      mute_time_intervals: [nights]
    - match: {{severity: warning}}
      match_re: {{service: "api|web"}}
      receiver: chat
      group_by: [alertname]
      repeat_interval: 1h
      routes:
        - match: {{team: bots}}
          receiver: bot
          active_time_intervals: [office]
  inhibit:
    - source: {{severity: critical}}
      target: {{severity: warning}}
      equal: [alertname, instance]
  quiet_hours:
    nights: [{{times: ["22:00-07:00"], location: Europe/Berlin}}]
    office: [{{times: ["08:00-18:00"], weekdays: ["monday:friday"]}}, {{times: ["22:00-02:00"], weekdays: [saturday]}}]
"#
    )
}

pub const SHOP_SECRETS: &[&str] = &[
    "smtp-secret-1",
    "pd-routing-key-1",
    "https://hooks.slack.com/services/T0/B0/slack-secret-1",
];
