//! Docker service discovery judged by the real programs: the Debian Prometheus 2.42 runs the
//! rendered config against the real Docker daemon, and its `/api/v1/targets` must show exactly
//! the labelled container on the project network, with the labels the convention promises.
//!
//! Containers come from the locally built `stackctl-test/node-exporter:1.5.0` image (no
//! registry here); each test names its own network and containers and removes them after.

use crate::common;
use crate::prometheus_support;

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use prometheus_support::{self as support, Running};
use serde_json::Value;

const IMAGE: &str = "stackctl-test/node-exporter:1.5.0";

/// Docker objects this test created, removed on drop (also when an assertion fails).
struct Cleanup {
    containers: Vec<String>,
    network: String,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for name in &self.containers {
            let _ = docker(&["rm", "-f", name]);
        }
        let _ = docker(&["network", "rm", &self.network]);
    }
}

fn docker(args: &[&str]) -> Result<String, String> {
    let output = Command::new("docker")
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if output.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "docker {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn docker_ready() -> bool {
    common::find_on_path("docker").is_some() && docker(&["image", "inspect", IMAGE]).is_ok()
}

fn run_container(name: &str, network: &str, labels: &[&str]) {
    let mut args = vec!["run", "-d", "--name", name, "--network", network];
    for label in labels {
        args.extend(["--label", label]);
    }
    args.push(IMAGE);
    docker(&args).unwrap_or_else(|e| panic!("{e}"));
}

/// Starts Prometheus on `config`; returns the child and the address it listens on.
fn start_prometheus(binary: &Path, config: &Path, data: &Path, log: &Path) -> (Running, String) {
    let child = Running(
        Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg("--web.listen-address=127.0.0.1:0")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).expect("log file"))
            .spawn()
            .expect("prometheus starts"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = read(log);
        let listening = text
            .lines()
            .find(|l| l.contains("msg=\"Listening on\""))
            .and_then(|l| l.split("address=").nth(1))
            .map(|a| a.trim().to_string());
        if let Some(address) = listening {
            return (child, address);
        }
        assert!(
            Instant::now() < deadline,
            "prometheus did not start:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn read(path: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = std::fs::File::open(path) {
        let _ = file.read_to_string(&mut text);
    }
    text
}

/// The active targets of `job`, once one of them has been scraped successfully (or the deadline).
fn targets_of(address: &str, job: &str) -> Vec<Value> {
    let url = format!("http://{address}/api/v1/targets?state=active");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let targets: Vec<Value> = common::http::call("GET", &url, None, None)
            .ok()
            .and_then(|(_, body)| serde_json::from_str::<Value>(&body).ok())
            .and_then(|v| v["data"]["activeTargets"].as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t["labels"]["job"].as_str() == Some(job))
            .collect();
        let scraped = targets.iter().any(|t| t["health"].as_str() == Some("up"));
        if scraped || Instant::now() > deadline {
            return targets;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn docker_discovery_scrapes_only_labelled_containers_on_the_project_network() {
    let Some(binary) = common::require_tool("prometheus") else {
        return;
    };
    if !docker_ready() {
        common::skip::<()>(&format!("a Docker daemon and the local image `{IMAGE}`"));
        return;
    }
    let project = format!("promsd{}", std::process::id());
    let network = format!("{project}_default");
    let name = |service: &str| format!("{project}-{service}-1");
    let cleanup = Cleanup {
        containers: ["app", "unlabelled", "disabled", "elsewhere", "ported"]
            .iter()
            .map(|s| name(s))
            .collect(),
        network: network.clone(),
    };
    docker(&["network", "create", &network]).unwrap_or_else(|e| panic!("{e}"));
    let service_label = "com.docker.compose.service=app";
    run_container(
        &name("app"),
        &network,
        &[
            "prometheus.scrape=true",
            "prometheus.scrape.port=9100",
            service_label,
        ],
    );
    run_container(&name("unlabelled"), &network, &[]);
    run_container(
        &name("disabled"),
        &network,
        &["prometheus.scrape=false", "prometheus.scrape.port=9100"],
    );
    // No port label: the job's `docker.port` applies; the path label is honoured.
    run_container(
        &name("ported"),
        &network,
        &["metrics.enabled=true", "metrics.enabled.path=/metrics"],
    );
    run_container(
        &name("elsewhere"),
        "bridge",
        &["prometheus.scrape=true", "prometheus.scrape.port=9100"],
    );

    let manifest = format!(
        "version: 1\nproject: {project}\ncomponents:\n  prometheus: {{version: 2.42.0, scrape_interval: 2s}}\nscrape:\n  - job: containers\n    docker: {{label: prometheus.scrape}}\n    labels: {{team: \"ops $1\"}}\n  - job: ported\n    docker: {{label: metrics.enabled, port: 9100}}\n"
    );
    let rendered = support::render(&support::loaded(&manifest));
    let dir = common::tempdir();
    support::write_all(&rendered, dir.path());
    let view = support::host_view(&rendered, dir.path());
    let log = dir.path().join("prometheus.log");
    let (prometheus, address) =
        start_prometheus(&binary, &view, &support::data_dir(dir.path()), &log);
    let targets = targets_of(&address, "containers");
    let ported = targets_of(&address, "ported");
    drop(prometheus);
    drop(cleanup);

    assert_eq!(
        targets.len(),
        1,
        "one target expected:\n{targets:#?}\n{}",
        read(&log)
    );
    let target = &targets[0];
    let labels = &target["labels"];
    assert_eq!(labels["container"].as_str(), Some(name("app").as_str()));
    assert_eq!(labels["instance"].as_str(), Some(name("app").as_str()));
    assert_eq!(labels["service"].as_str(), Some("app"));
    assert_eq!(
        labels["team"].as_str(),
        Some("ops $1"),
        "relabel replacement kept literal"
    );
    let url = target["scrapeUrl"].as_str().unwrap_or_default();
    assert!(
        url.ends_with(":9100/metrics"),
        "port taken from `prometheus.scrape.port`: {url}"
    );
    assert_eq!(target["health"].as_str(), Some("up"), "{target:#?}");

    assert_eq!(ported.len(), 1, "one target expected:\n{ported:#?}");
    assert_eq!(
        ported[0]["labels"]["container"].as_str(),
        Some(name("ported").as_str())
    );
    let url = ported[0]["scrapeUrl"].as_str().unwrap_or_default();
    assert!(
        url.ends_with(":9100/metrics"),
        "port from `docker.port`: {url}"
    );
    assert_eq!(ported[0]["health"].as_str(), Some("up"), "{:#?}", ported[0]);
}
