//! The compose export actually runs: `docker compose up --wait` on a rendered metrics stack
//! (the local `stackctl-test/*` images built from Debian's binaries, pinned to their releases)
//! reaches healthy, with config directories, data volumes, host mounts and the Docker socket
//! group (`DOCKER_GID`) as rendered.
//!
//! Needs a Docker daemon, the test images (`tests/images/build.sh`) and Compose v2; without
//! them it prints `SKIP:` locally and fails under `CI=true`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use stackctl::manifest::load_str;
use stackctl::render::{render, Templates};

const IMAGES: &[&str] = &[
    "stackctl-test/prometheus:2.42.0",
    "stackctl-test/alertmanager:0.25.0",
    "stackctl-test/node-exporter:1.5.0",
    "stackctl-test/blackbox-exporter:0.23.0",
    "stackctl-test/pushgateway:1.5.1",
];

fn manifest(project: &str, port: u16) -> String {
    format!(
        r#"
version: 1
project: {project}
components:
  prometheus: {{image: "stackctl-test/prometheus:2.42.0", version: 2.42.0, port: {port}}}
  alertmanager: {{image: "stackctl-test/alertmanager:0.25.0", version: 0.25.0, port: null}}
  node_exporter: {{image: "stackctl-test/node-exporter:1.5.0", version: 1.5.0}}
  blackbox_exporter: {{image: "stackctl-test/blackbox-exporter:0.23.0", version: 0.23.0}}
  pushgateway: {{image: "stackctl-test/pushgateway:1.5.1", version: 1.5.1, port: null}}
scrape:
  - job: site
    probe: {{module: http_2xx, targets: ["http://prometheus:9090/-/healthy"]}}
  - job: containers
    docker: {{label: prometheus.scrape}}
"#
    )
}

/// Runs `compose -p PROJECT down -v` when dropped, so a failed test leaves nothing behind.
struct Project {
    name: String,
    file: PathBuf,
}

impl Project {
    fn compose(&self, args: &[&str]) -> Option<Output> {
        let mut cmd = common::compose_command()?;
        cmd.arg("-f")
            .arg(&self.file)
            .arg("-p")
            .arg(&self.name)
            .args(args)
            .env("DOCKER_GID", socket_gid());
        Some(cmd.output().expect("compose runs"))
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = self.compose(&["down", "-v", "--timeout", "2"]);
    }
}

/// The group owning the Docker socket here, as an operator would put it into `.env`.
fn socket_gid() -> String {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/var/run/docker.sock")
        .map(|m| m.gid().to_string())
        .unwrap_or_default()
}

fn docker_ready() -> Option<()> {
    let daemon = Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output();
    if !daemon.is_ok_and(|o| o.status.success()) {
        return common::skip("a running Docker daemon");
    }
    for image in IMAGES {
        let found = Command::new("docker")
            .args(["image", "inspect", image])
            .output();
        if !found.is_ok_and(|o| o.status.success()) {
            return common::skip(&format!("the test image `{image}` (tests/images/build.sh)"));
        }
    }
    Some(())
}

fn write_rendered(yaml: &str, dir: &Path) -> PathBuf {
    let loaded = load_str(&dir.join("stackctl.yaml"), yaml, &|_| None)
        .unwrap_or_else(|e| panic!("manifest does not load: {e}"));
    let stack = render(&loaded, &Templates::embedded()).unwrap_or_else(|e| panic!("render: {e}"));
    let out = dir.join("rendered");
    stackctl::writer::write(&stack, &out).expect("rendered files are written");
    out.join("docker-compose.yml")
}

#[test]
fn compose_up_brings_the_rendered_metrics_stack_to_healthy() {
    if docker_ready().is_none() || common::compose_command().is_none() {
        return;
    }
    let name = format!("stackctl-svc-{}", std::process::id());
    let port = 20000 + (std::process::id() % 20000) as u16;
    let dir = common::tempdir();
    let file = write_rendered(&manifest(&name, port), dir.path());
    let project = Project { name, file };

    let up = project
        .compose(&["up", "-d", "--wait", "--wait-timeout", "90"])
        .expect("compose");
    let logs = project
        .compose(&["logs", "--no-color"])
        .map(|o| o.stdout)
        .unwrap_or_default();
    assert!(
        up.status.success(),
        "compose up failed:\n{}\n--- logs ---\n{}",
        String::from_utf8_lossy(&up.stderr),
        String::from_utf8_lossy(&logs)
    );

    let ps = project
        .compose(&["ps", "--format", "{{.Service}} {{.Health}}"])
        .expect("compose");
    let ps = String::from_utf8_lossy(&ps.stdout).to_string();
    for service in [
        "prometheus",
        "alertmanager",
        "node-exporter",
        "blackbox-exporter",
        "pushgateway",
    ] {
        assert!(
            ps.lines().any(|l| l == format!("{service} healthy")),
            "{service} not healthy:\n{ps}"
        );
    }

    // Published on 127.0.0.1 only, and Prometheus reads its mounted config.
    let ready = Command::new("busybox")
        .args([
            "wget",
            "-q",
            "-O",
            "-",
            &format!("http://127.0.0.1:{port}/api/v1/status/config"),
        ])
        .output()
        .expect("busybox wget runs");
    let config = String::from_utf8_lossy(&ready.stdout);
    assert!(
        config.contains("blackbox-exporter:9115"),
        "prometheus config not mounted: {config}"
    );
    assert!(
        config.contains("alertmanager:9093"),
        "prometheus does not know alertmanager: {config}"
    );

    // Prometheus (as `nobody`) reads the Docker socket through the socket's group.
    let metrics = Command::new("busybox")
        .args([
            "wget",
            "-q",
            "-O",
            "-",
            &format!("http://127.0.0.1:{port}/metrics"),
        ])
        .output()
        .expect("busybox wget runs");
    let metrics = String::from_utf8_lossy(&metrics.stdout);
    let failures = metrics
        .lines()
        .find(|l| l.starts_with("prometheus_sd_refresh_failures_total{mechanism=\"docker\"}"));
    assert_eq!(
        failures.and_then(|l| l.split(' ').nth(1)),
        Some("0"),
        "docker SD fails"
    );
    let refreshes = metrics.lines().find(|l| {
        l.starts_with("prometheus_sd_refresh_duration_seconds_count{mechanism=\"docker\"}")
    });
    assert!(
        refreshes
            .and_then(|l| l.split(' ').nth(1))
            .is_some_and(|n| n != "0"),
        "no docker SD refresh"
    );

    // Pushgateway persists to its volume; node exporter sees the host root.
    let pushgateway = project
        .compose(&[
            "exec",
            "-T",
            "pushgateway",
            "sh",
            "-c",
            "test -w /pushgateway && ps",
        ])
        .expect("compose");
    let ps_out = String::from_utf8_lossy(&pushgateway.stdout);
    assert!(
        ps_out.contains("--persistence.file=/pushgateway/metrics.db"),
        "{ps_out}"
    );
    let node = project
        .compose(&["exec", "-T", "node-exporter", "ls", "/host/etc/hostname"])
        .expect("compose");
    assert!(
        node.status.success(),
        "node exporter does not see the host root"
    );
}
