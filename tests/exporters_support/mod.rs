//! What the exporter tests (`e2e_exporters`, `e2e_more_exporters`) share: the servers and
//! exporters they run beside the stack, on a network the stack joins, and the questions they
//! ask Prometheus about what is exposed.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::Path;

use crate::e2e_support::{self, docker, Stack};

/// Containers beside the stack on the network `PROJECT-apps`, each reachable by its alias;
/// removed, after the stack, when dropped.
pub struct Apps {
    pub network: String,
    containers: Vec<String>,
    project: String,
}

impl Apps {
    /// Creates the network; [`Apps::run`] adds containers to it.
    pub fn network(project: &str) -> Apps {
        let network = format!("{project}-apps");
        docker(&["network", "create", &network]);
        Apps {
            network,
            containers: Vec::new(),
            project: project.to_string(),
        }
    }

    /// Starts `image` (with `args`) as `alias` on the network.
    pub fn run(&mut self, alias: &str, image: &str, args: &[&str]) {
        let name = self.container(alias);
        let mut command = vec![
            "run",
            "-d",
            "--name",
            &name,
            "--network",
            &self.network,
            "--network-alias",
            alias,
            image,
        ];
        command.extend_from_slice(args);
        let id = docker(&command);
        assert!(!id.trim().is_empty(), "`docker run {image}` failed");
        self.containers.push(name);
    }

    /// The container name of `alias`.
    pub fn container(&self, alias: &str) -> String {
        format!("{}-app-{alias}", self.project)
    }
}

impl Drop for Apps {
    fn drop(&mut self) {
        e2e_support::remove_project(&self.project);
        for name in &self.containers {
            docker(&["rm", "-f", "-v", name]);
        }
        docker(&["network", "rm", &self.network]);
    }
}

/// The values of the instant query `expr` (URL-encoded here).
pub fn query_values(s: &Stack, expr: &str) -> Vec<String> {
    let encoded: String = expr
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let answer = s.prometheus(&format!("/api/v1/query?query={encoded}"));
    answer["data"]["result"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .filter_map(|r| r["value"][1].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Every metric name Prometheus has seen so far.
pub fn exposed_names(s: &Stack) -> BTreeSet<String> {
    let answer = s.prometheus("/api/v1/label/__name__/values");
    answer["data"]
        .as_array()
        .expect("label values")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The metric names `expr` reads.
pub fn metric_names(expr: &str) -> BTreeSet<String> {
    stackctl::metrics::names::metric_names(expr)
        .unwrap_or_else(|e| panic!("`{expr}` does not parse: {e}"))
}

/// The (rule name, metric) pairs of a rendered preset rule file.
pub fn preset_metrics(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let mut out = Vec::new();
    for group in file["groups"].as_sequence().unwrap() {
        for rule in group["rules"].as_sequence().unwrap() {
            let name = rule["alert"].as_str().or(rule["record"].as_str()).unwrap();
            for metric in metric_names(rule["expr"].as_str().unwrap()) {
                out.push((name.to_string(), metric));
            }
        }
    }
    out
}
