//! Reading a rendered seed fixture the way an operator checks it against the seed document:
//! scrape jobs, rules, routes, receivers, inhibit rules, flags, ports and dashboard panels.
#![allow(dead_code)]

use std::path::Path;

use serde_yaml::Value;
use stackctl::render::{render, RenderedStack, Templates};

pub struct Seed {
    pub name: String,
    pub rendered: RenderedStack,
}

/// Loads `tests/fixtures/ok/seed-<name>` as `stackctl` does (its `.env` beside it) and renders it.
pub fn seed(name: &str) -> Seed {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ok")
        .join(format!("seed-{name}"))
        .join("stackctl.yaml");
    let loaded =
        stackctl::manifest::load(&path).unwrap_or_else(|e| panic!("seed-{name} loads:\n{e}"));
    let rendered = render(&loaded, &Templates::embedded())
        .unwrap_or_else(|e| panic!("seed-{name} renders:\n{e}"));
    Seed {
        name: name.to_string(),
        rendered,
    }
}

/// Whitespace-insensitive text, for expressions written over several lines.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Seed {
    pub fn text(&self, path: &str) -> &str {
        self.rendered
            .files
            .get(path)
            .unwrap_or_else(|| panic!("seed-{}: no `{path}`", self.name))
            .contents
            .expose()
    }

    pub fn yaml(&self, path: &str) -> Value {
        serde_yaml::from_str(self.text(path)).expect("rendered YAML parses")
    }

    pub fn json(&self, path: &str) -> serde_json::Value {
        serde_json::from_str(self.text(path)).expect("rendered JSON parses")
    }

    /// The scrape config of `job`.
    pub fn job(&self, job: &str) -> Value {
        let doc = self.yaml("prometheus/prometheus.yml");
        doc["scrape_configs"]
            .as_sequence()
            .into_iter()
            .flatten()
            .find(|j| j["job_name"] == job)
            .cloned()
            .unwrap_or_else(|| panic!("seed-{}: no scrape job `{job}`", self.name))
    }

    /// `job`'s static targets, in order.
    pub fn targets(&self, job: &str) -> Vec<String> {
        self.job(job)["static_configs"]
            .as_sequence()
            .into_iter()
            .flatten()
            .flat_map(|sc| sc["targets"].as_sequence().into_iter().flatten())
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect()
    }

    /// Checks a job: targets, and each `(key, value)` of its scrape config.
    pub fn assert_job(&self, job: &str, targets: &[&str], keys: &[(&str, &str)]) {
        assert_eq!(
            self.targets(job),
            targets,
            "seed-{}: targets of `{job}`",
            self.name
        );
        let config = self.job(job);
        for (key, want) in keys {
            let got = key
                .split('.')
                .try_fold(&config, |v, k| v.get(k))
                .and_then(Value::as_str);
            assert_eq!(got, Some(*want), "seed-{}: `{job}` {key}", self.name);
        }
    }

    /// Every rule of every rendered rule file, with its group.
    pub fn rules(&self) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        for (path, file) in &self.rendered.files {
            if !path.starts_with("prometheus/rules/") {
                continue;
            }
            let doc: Value =
                serde_yaml::from_str(file.contents.expose()).expect("rule file parses");
            for group in doc["groups"].as_sequence().into_iter().flatten() {
                let name = group["name"].as_str().unwrap_or_default().to_string();
                for rule in group["rules"].as_sequence().into_iter().flatten() {
                    out.push((name.clone(), rule.clone()));
                }
            }
        }
        out
    }

    pub fn group(&self, name: &str) -> Value {
        for (path, file) in &self.rendered.files {
            if !path.starts_with("prometheus/rules/") {
                continue;
            }
            let doc: Value =
                serde_yaml::from_str(file.contents.expose()).expect("rule file parses");
            if let Some(group) = doc["groups"]
                .as_sequence()
                .into_iter()
                .flatten()
                .find(|g| g["name"] == name)
            {
                return group.clone();
            }
        }
        panic!("seed-{}: no rule group `{name}`", self.name)
    }

    /// Checks one alert: group, expression (whitespace aside), `for`, severity, summary and
    /// description as the seed writes them. (One argument per column of the seed's rule table.)
    #[allow(clippy::too_many_arguments)]
    pub fn assert_alert(
        &self,
        group: &str,
        alert: &str,
        expr: &str,
        for_: &str,
        severity: &str,
        summary: &str,
        description: Option<&str>,
    ) {
        let rules = self.rules();
        let (got_group, rule) = rules
            .iter()
            .find(|(_, r)| r["alert"] == alert)
            .unwrap_or_else(|| panic!("seed-{}: no alert `{alert}`", self.name));
        assert_eq!(got_group, group, "seed-{}: group of `{alert}`", self.name);
        assert_eq!(
            squash(rule["expr"].as_str().unwrap_or_default()),
            squash(expr),
            "seed-{}: expr of `{alert}`",
            self.name
        );
        assert_eq!(
            rule["for"].as_str(),
            Some(for_),
            "seed-{}: for of `{alert}`",
            self.name
        );
        assert_eq!(
            rule["labels"]["severity"].as_str(),
            Some(severity),
            "seed-{}: severity of `{alert}`",
            self.name
        );
        assert_eq!(
            rule["annotations"]["summary"].as_str(),
            Some(summary),
            "seed-{}: summary of `{alert}`",
            self.name
        );
        if let Some(description) = description {
            assert_eq!(
                rule["annotations"]["description"].as_str(),
                Some(description),
                "seed-{}: description of `{alert}`",
                self.name
            );
        }
    }

    /// Prometheus retention `time`/`size`: the config file's `storage.tsdb.retention` (3.8+)
    /// or the `--storage.tsdb.retention.*` flag (older releases).
    pub fn retention(&self, what: &str) -> Option<String> {
        let doc = self.yaml("prometheus/prometheus.yml");
        if let Some(value) = doc["storage"]["tsdb"]["retention"][what].as_str() {
            return Some(value.to_string());
        }
        let flag = format!("--storage.tsdb.retention.{what}=");
        self.service("prometheus")
            .command
            .iter()
            .find_map(|a| a.strip_prefix(&flag).map(str::to_string))
    }

    pub fn alertmanager(&self) -> Value {
        self.yaml("alertmanager/alertmanager.yml")
    }

    /// The receiver named `name`.
    pub fn receiver(&self, name: &str) -> Value {
        self.alertmanager()["receivers"]
            .as_sequence()
            .into_iter()
            .flatten()
            .find(|r| r["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("seed-{}: no receiver `{name}`", self.name))
    }

    /// The child route sending `matcher` (e.g. `severity="critical"`) to a receiver.
    pub fn route_for(&self, matcher: &str) -> Value {
        self.alertmanager()["route"]["routes"]
            .as_sequence()
            .into_iter()
            .flatten()
            .find(|r| {
                r["matchers"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .any(|m| m.as_str().is_some_and(|m| m.replace(' ', "") == matcher))
            })
            .cloned()
            .unwrap_or_else(|| panic!("seed-{}: no route matching {matcher}", self.name))
    }

    pub fn service(&self, name: &str) -> &stackctl::service::ServiceSpec {
        self.rendered
            .services
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("seed-{}: no service `{name}`", self.name))
    }

    /// The host port `service` publishes for `container_port`.
    pub fn published(&self, service: &str, container_port: u16) -> Option<u16> {
        self.service(service)
            .ports
            .iter()
            .find(|p| p.container_port == container_port)
            .map(|p| p.host_port)
    }

    /// Panel titles of the dashboard with `uid`, in order (rows aside).
    pub fn panels(&self, uid: &str) -> Vec<String> {
        let path = self
            .rendered
            .files
            .iter()
            .find(|(p, f)| {
                p.starts_with("grafana/dashboards/")
                    && serde_json::from_str::<serde_json::Value>(f.contents.expose())
                        .is_ok_and(|d| d["uid"] == uid)
            })
            .map(|(p, _)| p.clone())
            .unwrap_or_else(|| panic!("seed-{}: no dashboard `{uid}`", self.name));
        let dashboard = self.json(&path);
        dashboard["panels"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| p["type"] != "row")
            .filter_map(|p| p["title"].as_str().map(str::to_string))
            .collect()
    }

    /// Every PromQL/LogQL query of the dashboard with `uid`.
    pub fn queries(&self, uid: &str) -> Vec<String> {
        let file = self
            .rendered
            .files
            .values()
            .find(|f| {
                serde_json::from_str::<serde_json::Value>(f.contents.expose())
                    .is_ok_and(|d| d["uid"] == uid)
            })
            .unwrap_or_else(|| panic!("seed-{}: no dashboard `{uid}`", self.name));
        let dashboard: serde_json::Value = serde_json::from_str(file.contents.expose()).unwrap();
        dashboard["panels"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p["targets"].as_array().cloned().unwrap_or_default())
            .filter_map(|t| t["expr"].as_str().map(str::to_string))
            .collect()
    }
}
