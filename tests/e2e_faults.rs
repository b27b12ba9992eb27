//! Faults, each with a clear message, and a later deploy that converges: daemon unreachable,
//! image missing and not pullable, host port in use, a container that exits at start,
//! a deploy killed halfway (and the temporary container an interrupted recreate leaves).

mod common;
mod e2e_support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use e2e_support::stack;

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn unreachable_daemon_says_where_it_looked_and_what_to_try() {
    let Some(s) = stack("nodaemon") else { return };
    s.write_manifest(&s.manifest("", ""));
    let output = common::stackctl_in(s.path())
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .args(["deploy"])
        .output()
        .unwrap();
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("error: cannot reach the Docker daemon at `unix:///nonexistent/docker.sock`"),
        "{text}"
    );
    assert!(text.contains("hint: start the Docker daemon"), "{text}");
    let output = common::stackctl_in(s.path())
        .env_remove("DOCKER_HOST")
        .args(["status"])
        .output()
        .unwrap();
    assert!(
        !stderr(&output).contains("cannot reach"),
        "the default socket works here"
    );
}

#[test]
fn missing_unpullable_image_names_the_image_and_the_key() {
    let Some(s) = stack("noimage") else { return };
    let manifest = s
        .manifest("", "")
        .replace(e2e_support::PUSHGATEWAY, "stackctl-test/not-built:9.9.9");
    s.write_manifest(&manifest);
    let output = s.run(&["deploy", "--timeout", "60"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("cannot pull image `stackctl-test/not-built:9.9.9` for `pushgateway`"),
        "{text}"
    );
    assert!(text.contains("components.pushgateway.image"), "{text}");
    assert!(
        s.containers().is_empty(),
        "nothing started before the images are there"
    );
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "60"]);
}

#[test]
fn host_port_in_use_names_the_port_the_service_and_the_key() {
    let Some(s) = stack("portbusy") else { return };
    s.write_manifest(&s.manifest("", ""));
    let listener = std::net::TcpListener::bind(("127.0.0.1", s.prometheus_port)).unwrap();
    let output = s.run(&["deploy", "--timeout", "60"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("error: cannot deploy `prometheus`"), "{text}");
    assert!(
        text.contains(&format!(
            "port {} on 127.0.0.1 is already in use",
            s.prometheus_port
        )),
        "{text}"
    );
    assert!(
        text.contains("hint: set `components.prometheus.port` to a free port"),
        "{text}"
    );
    drop(listener);
    s.ok(&["deploy", "--timeout", "60"]);
    assert_eq!(s.containers().len(), 5);
}

#[test]
fn container_exiting_at_start_shows_its_last_log_lines_and_a_fixed_manifest_converges() {
    let Some(s) = stack("exits") else { return };
    s.write_manifest(&s.manifest("", ""));
    common::write(
        s.path(),
        "templates/blackbox/blackbox.yml.j2",
        "modules:\n  broken:\n    prober: http\n    timeout: not-a-duration\n",
    );
    let output = s.run(&["deploy", "--timeout", "60"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("`blackbox-exporter`"), "{text}");
    assert!(text.contains("its last log lines:"), "{text}");
    assert!(
        text.contains("Error loading config"),
        "the program's own error: {text}"
    );
    std::fs::remove_dir_all(s.path().join("templates")).unwrap();
    s.ok(&["deploy", "--timeout", "60"]);
    assert_eq!(
        s.inspect("blackbox-exporter", "{{.State.Status}}"),
        "running"
    );
}

#[test]
fn deploy_killed_halfway_is_finished_by_the_next_one() {
    let Some(s) = stack("killed") else { return };
    s.write_manifest(&s.manifest("", ""));
    let binary = assert_cmd::cargo::cargo_bin("stackctl");
    let mut child = std::process::Command::new(binary)
        .current_dir(s.path())
        .args(["deploy"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while s.containers().is_empty() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    s.ok(&["deploy", "--timeout", "60"]);
    let names = s.containers();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names.iter().all(|n| !n.contains('_')), "{names:?}");

    // A recreate interrupted after creating its replacement leaves a temporary container.
    let id = s.inspect("pushgateway", "{{.Id}}");
    let leftover = format!("{}_{}", &id[..12], s.container("pushgateway"));
    // stackctl's own label is on every container it creates (only those are removed).
    let labels = [
        format!("com.docker.compose.project={}", s.project),
        "com.docker.compose.service=pushgateway".to_string(),
        format!("io.stackctl.project={}", s.project),
    ];
    e2e_support::docker(&[
        "create",
        "--name",
        &leftover,
        "--label",
        &labels[0],
        "--label",
        &labels[1],
        "--label",
        &labels[2],
        e2e_support::PUSHGATEWAY,
    ]);
    let out = s.ok(&["deploy"]);
    assert!(
        out.contains("left over from an interrupted deploy"),
        "{out}"
    );
    assert_eq!(s.containers().len(), 5);
    assert_eq!(
        s.inspect("pushgateway", "{{.Id}}"),
        id,
        "the real container is kept"
    );
}

#[test]
fn files_the_checkers_reject_stop_the_deploy_before_docker_is_touched() {
    let Some(s) = stack("checked") else { return };
    if common::require_tool("promtool").is_none() {
        return;
    }
    s.write_manifest(&s.manifest("", ""));
    let rejected = "scrape_configs:\n  - job_name: prometheus\n    bogus_field: 1\n    static_configs: [{targets: ['localhost:9090']}]\n";
    common::write(s.path(), "templates/prometheus/prometheus.yml.j2", rejected);
    let output = s.run(&["deploy"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.contains("FAILED   promtool check config") && stdout.contains("bogus_field"),
        "{stdout}"
    );
    assert!(stderr(&output).contains("nothing on Docker was changed"));
    assert!(s.containers().is_empty(), "{:?}", s.containers());
}

#[test]
fn a_missing_external_network_is_named_with_the_command_that_creates_it() {
    let Some(s) = stack("extnet") else { return };
    let network = format!("{}-apps", s.project);
    s.write_manifest(&s.manifest("", &format!("networks: [{network}]\n")));
    let output = s.run(&["deploy", "--timeout", "60"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "network `{network}` listed in `networks` does not exist"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("docker network create {network}")),
        "{text}"
    );
    assert!(s.containers().is_empty());

    e2e_support::docker(&["network", "create", &network]);
    let created = scopeguard(&network);
    s.ok(&["deploy", "--timeout", "60"]);
    let joined = s.inspect(
        "prometheus",
        "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}",
    );
    assert!(
        joined.contains(&network) && joined.contains(&format!("{}_default", s.project)),
        "{joined}"
    );
    s.ok(&["down"]);
    drop(created);
}

/// Removes the network when dropped (after the stack's own cleanup has detached it).
fn scopeguard(network: &str) -> impl Drop {
    struct Network(String);
    impl Drop for Network {
        fn drop(&mut self) {
            e2e_support::docker(&["network", "rm", &self.0]);
        }
    }
    Network(network.to_string())
}
