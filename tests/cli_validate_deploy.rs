//! `deploy` runs the same checks as `validate` before it changes anything on Docker: a
//! rejection (`FAILED`) stops it with nothing created; an `UNSURE` (a key newer than the local
//! checker, from `extra_config`) lets it go on with a printed warning.

mod common;

use std::process::Command;

use predicates::prelude::*;

fn manifest(project: &str, global: &str) -> String {
    format!(
        "version: 1
project: {project}
components:
  prometheus:
    extra_config:
      global:
        {global}
"
    )
}

/// Names of the Docker objects labelled with the compose project `project`.
fn docker_objects(project: &str) -> Vec<String> {
    let filter = format!("label=com.docker.compose.project={project}");
    let mut names = Vec::new();
    for kind in [["ps", "-a"], ["network", "ls"], ["volume", "ls"]] {
        let out = Command::new("docker")
            .args(kind)
            .args(["--filter", &filter, "--format", "{{.Name}}{{.Names}}"])
            .output()
            .unwrap();
        names.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(String::from),
        );
    }
    names
}

fn cleanup(dir: &std::path::Path) {
    let _ = common::stackctl_in(dir)
        .args(["down", "--volumes"])
        .output();
}

#[test]
fn deploy_refuses_a_stack_the_checker_rejects_and_touches_nothing() {
    if common::require_tool("promtool").is_none() {
        return;
    }
    if !common::require_docker() {
        return;
    }
    let project = "cval-refuse";
    // Published beyond loopback: the deploy needs a web password and a TLS pair, generated
    // for the render but saved only with the rendered files, which a rejection never writes.
    // (`bind` goes last: the pinned location of the rejected key stays line 7.)
    let exposed = format!(
        "{}bind: 0.0.0.0\n",
        manifest(project, "scrape_intervl: 10s")
    );
    let dir = common::project(&exposed, None);
    common::stackctl_in(dir.path())
        .arg("deploy")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAILED   promtool check config prometheus/prometheus.yml",
        ))
        .stdout(predicate::str::contains(
            "    --> stackctl.yaml:7:9 `components.prometheus.extra_config.global.scrape_intervl`",
        ))
        .stderr(predicate::str::contains(
            "error: 1 check(s) rejected the rendered files; nothing on Docker was changed",
        ));
    let left = docker_objects(project);
    let env = dir.path().join(".env");
    let generated = (env.exists(), dir.path().join(".stackctl/tls").exists());
    cleanup(dir.path());
    assert_eq!(left, Vec::<String>::new());
    assert_eq!(
        generated,
        (false, false),
        "no .env password, no TLS pair left behind"
    );
}

#[test]
fn deploy_goes_past_an_unsure_check_with_a_warning() {
    if common::require_tool("promtool").is_none() {
        return;
    }
    if !common::require_docker() {
        return;
    }
    let project = "cval-unsure";
    let dir = common::project(
        &manifest(project, "scrape_protocols: [PrometheusText0.0.4]"),
        None,
    );
    // The Prometheus image may be missing here (no registry): what counts is that the checks
    // let the deploy through, with the warning.
    let out = common::stackctl_in(dir.path())
        .args(["deploy", "--timeout", "5"])
        .output()
        .unwrap();
    cleanup(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("UNSURE   promtool check config prometheus/prometheus.yml"),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning: deploying although 1 check(s) could not judge keys newer than the local checker"),
        "{stderr}"
    );
    assert!(!stderr.contains("rejected the rendered files"), "{stderr}");
}
