//! Shared by the `e2e_*` tests that drive a real Docker daemon: a global lock (deploys contend
//! for CPU and ports), unique project names, free ports, the local test images
//! (`tests/images/build.sh`), and a guard that removes everything a test created, by label,
//! even when the test fails. Without docker or the images a test prints `SKIP:` and returns,
//! and fails under `CI=true`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::common;

pub const PROMETHEUS: &str = "stackctl-test/prometheus:2.42.0";
pub const ALERTMANAGER: &str = "stackctl-test/alertmanager:0.25.0";
pub const NODE_EXPORTER: &str = "stackctl-test/node-exporter:1.5.0";
pub const BLACKBOX: &str = "stackctl-test/blackbox-exporter:0.23.0";
pub const PUSHGATEWAY: &str = "stackctl-test/pushgateway:1.5.1";
pub const IMAGES: [&str; 5] = [
    PROMETHEUS,
    ALERTMANAGER,
    NODE_EXPORTER,
    BLACKBOX,
    PUSHGATEWAY,
];

static LOCK: Mutex<()> = Mutex::new(());

/// One test's stack: its directory, project name, ports, and the cleanup guard.
pub struct Stack {
    pub dir: tempfile::TempDir,
    pub project: String,
    pub prometheus_port: u16,
    pub alertmanager_port: u16,
    pub pushgateway_port: u16,
    _lock: MutexGuard<'static, ()>,
}

/// Docker and the local images, or `None` after a visible SKIP (a failure under `CI=true`).
pub fn stack(test: &str) -> Option<Stack> {
    let lock = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if !docker_ok() {
        return common::skip("a running Docker daemon (`docker info` failed)");
    }
    if let Some(missing) = IMAGES.iter().find(|image| !image_exists(image)) {
        return common::skip(&format!(
            "the local test image `{missing}` (run tests/images/build.sh)"
        ));
    }
    let project = format!("e2e-{test}-{}", std::process::id()).replace('_', "-");
    remove_project(&project);
    Some(Stack {
        dir: common::tempdir(),
        project,
        prometheus_port: free_port(),
        alertmanager_port: free_port(),
        pushgateway_port: free_port(),
        _lock: lock,
    })
}

impl Drop for Stack {
    fn drop(&mut self) {
        remove_project(&self.project);
    }
}

impl Stack {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self, rel: &str) -> PathBuf {
        self.dir.path().join("rendered").join(rel)
    }

    /// The five-service manifest with short intervals; `extra` is appended (top-level keys).
    pub fn manifest(&self, prometheus_extra: &str, extra: &str) -> String {
        format!(
            "version: 1
project: {project}
components:
  prometheus: {{image: {PROMETHEUS}, version: 2.42.0, port: {pp}, scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s{prometheus_extra}}}
  alertmanager: {{image: {ALERTMANAGER}, version: 0.25.0, port: {ap}}}
  node_exporter: {{image: {NODE_EXPORTER}, version: 1.5.0}}
  blackbox_exporter: {{image: {BLACKBOX}, version: 0.23.0}}
  pushgateway: {{image: {PUSHGATEWAY}, version: 1.5.1, port: {gp}}}
{extra}",
            project = self.project,
            pp = self.prometheus_port,
            ap = self.alertmanager_port,
            gp = self.pushgateway_port,
        )
    }

    pub fn write_manifest(&self, text: &str) {
        common::write(self.path(), "stackctl.yaml", text);
    }

    /// Runs `stackctl ARGS` in the stack's directory.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.path(), args)
    }

    /// Runs `stackctl ARGS` and asserts it succeeded; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "`stackctl {}` failed",
            args.join(" ")
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    pub fn container(&self, service: &str) -> String {
        format!("{}-{service}-1", self.project)
    }

    /// `docker inspect -f FORMAT` of a service's container.
    pub fn inspect(&self, service: &str, format: &str) -> String {
        docker(&["inspect", "-f", format, &self.container(service)])
            .trim()
            .to_string()
    }

    /// Names of the project's containers.
    pub fn containers(&self) -> Vec<String> {
        let filter = format!("label=com.docker.compose.project={}", self.project);
        let mut names: Vec<String> =
            docker(&["ps", "-a", "--filter", &filter, "--format", "{{.Names}}"])
                .lines()
                .map(str::to_string)
                .collect();
        names.sort();
        names
    }

    pub fn volumes(&self) -> Vec<String> {
        let filter = format!("label=com.docker.compose.project={}", self.project);
        docker(&["volume", "ls", "-q", "--filter", &filter])
            .lines()
            .map(str::to_string)
            .collect()
    }

    pub fn prometheus(&self, path: &str) -> serde_json::Value {
        get_json(&format!("http://127.0.0.1:{}{path}", self.prometheus_port))
    }

    /// Waits for Prometheus to store a sample of its own `up`, and returns its time: the
    /// sample the data tests look for again after a redeploy, `down` or restore.
    pub fn stored_sample_time(&self) -> f64 {
        let mut time = 0.0;
        eventually(30, "a stored sample", || {
            let result = self.prometheus(&format!("/api/v1/query?query={UP_PROMETHEUS}"));
            match result["data"]["result"][0]["value"][0].as_f64() {
                Some(t) => {
                    time = t;
                    true
                }
                None => false,
            }
        });
        time
    }

    /// Waits until the sample stored at `time` ([`Stack::stored_sample_time`]) answers again.
    pub fn wait_for_sample_at(&self, time: f64, what: &str) {
        let path = format!("/api/v1/query?query={UP_PROMETHEUS}&time={time}");
        eventually(30, what, || {
            self.prometheus(&path)["data"]["result"][0]["value"][1] == "1"
        });
    }
}

/// `up{job="prometheus"}`, URL-encoded.
const UP_PROMETHEUS: &str = "up%7Bjob%3D%22prometheus%22%7D";

pub fn get_json(url: &str) -> serde_json::Value {
    let body = common::http::call("GET", url, None, None).map(|(_, body)| body);
    body.ok()
        .and_then(|b| serde_json::from_str(&b).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// Polls `check` until it returns true or `secs` pass.
pub fn eventually(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("timed out after {secs}s waiting for {what}");
}

pub fn docker(args: &[&str]) -> String {
    let output = Command::new("docker")
        .args(args)
        .output()
        .expect("docker runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn docker_ok() -> bool {
    Command::new("docker")
        .args(["info", "-f", "{{.ServerVersion}}"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn image_exists(image: &str) -> bool {
    Command::new("docker")
        .args(["image", "inspect", image])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A TCP port free right now on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Removes every container, network and volume labelled with `project`.
pub fn remove_project(project: &str) {
    let filter = format!("label=com.docker.compose.project={project}");
    let ids: Vec<String> = docker(&["ps", "-aq", "--filter", &filter])
        .lines()
        .map(str::to_string)
        .collect();
    if !ids.is_empty() {
        let mut args = vec!["rm", "-f", "-v"];
        args.extend(ids.iter().map(String::as_str));
        docker(&args);
    }
    for network in docker(&["network", "ls", "-q", "--filter", &filter]).lines() {
        docker(&["network", "rm", network]);
    }
    docker(&["network", "rm", &format!("{project}_default")]);
    for volume in docker(&["volume", "ls", "-q", "--filter", &filter]).lines() {
        docker(&["volume", "rm", "-f", volume]);
    }
}

/// Runs `stackctl ARGS` in `dir` (3 minutes at most) and echoes what it printed.
pub fn run_in(dir: &std::path::Path, args: &[&str]) -> Output {
    let output = common::stackctl_in(dir)
        .args(args)
        .timeout(Duration::from_secs(180))
        .output()
        .expect("stackctl runs");
    eprintln!(
        "$ stackctl {}\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}
