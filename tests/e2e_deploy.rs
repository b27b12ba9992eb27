//! Deploy against a real Docker daemon: cold deploy to ready with every target up, an
//! idempotent second deploy, recreate-vs-reload decisions, dry run, status and down.

mod common;
mod e2e_support;

use e2e_support::{eventually, stack};

fn all_targets_up(s: &e2e_support::Stack, jobs: usize) -> bool {
    let targets = s.prometheus("/api/v1/targets");
    let active = targets["data"]["activeTargets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    active.len() >= jobs && active.iter().all(|t| t["health"] == "up")
}

#[test]
fn cold_deploy_is_ready_with_every_target_up_and_a_second_deploy_changes_nothing() {
    let Some(s) = stack("cold") else { return };
    s.write_manifest(&s.manifest("", ""));
    let out = s.ok(&["deploy", "--timeout", "60"]);
    assert!(out.contains("services ready"), "{out}");
    assert!(
        out.contains(&format!("http://127.0.0.1:{}", s.prometheus_port)),
        "prints URLs: {out}"
    );
    for service in [
        "prometheus",
        "alertmanager",
        "node-exporter",
        "blackbox-exporter",
        "pushgateway",
    ] {
        assert_eq!(
            s.inspect(service, "{{.State.Status}}"),
            "running",
            "{service}"
        );
        let labels = s.inspect(service, "{{json .Config.Labels}}");
        let labels: serde_json::Value = serde_json::from_str(&labels).unwrap();
        assert_eq!(labels["com.docker.compose.project"], s.project.as_str());
        assert_eq!(labels["com.docker.compose.service"], service);
        assert_eq!(labels["com.docker.compose.oneoff"], "False");
        assert_eq!(labels["com.docker.compose.container-number"], "1");
        assert!(labels["io.stackctl.spec-hash"]
            .as_str()
            .is_some_and(|h| h.len() == 64));
        assert!(labels["com.docker.compose.project.config_files"]
            .as_str()
            .unwrap()
            .ends_with("rendered/docker-compose.yml"));
        assert_eq!(s.inspect(service, "{{.HostConfig.LogConfig.Type}} {{index .HostConfig.LogConfig.Config \"max-file\"}}"), "json-file 3");
    }
    assert_eq!(
        s.inspect("prometheus", "{{.Config.User}}"),
        "65534",
        "the image's user is kept"
    );
    let ports = s.inspect("prometheus", "{{json .HostConfig.PortBindings}}");
    assert!(
        ports.contains("\"HostIp\":\"127.0.0.1\""),
        "published on bind only: {ports}"
    );
    eventually(30, "every scrape target up", || all_targets_up(&s, 5));

    let ids = s.inspect("prometheus", "{{.Id}} {{.State.StartedAt}}");
    let out = s.ok(&["deploy"]);
    assert!(out.contains("is up to date"), "{out}");
    assert_eq!(
        s.inspect("prometheus", "{{.Id}} {{.State.StartedAt}}"),
        ids,
        "no container touched"
    );

    let status = s.run(&["status", "--json"]);
    let report: serde_json::Value =
        serde_json::from_slice(&status.stdout).expect("status --json is JSON");
    assert_eq!(report["healthy"], true, "{report}");
    assert_eq!(status.status.code(), Some(0));
    assert_eq!(report["services"].as_array().unwrap().len(), 5);
    assert_eq!(
        report["prometheus"]["targets_down"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn changed_port_recreates_only_that_service_and_changed_config_reloads_in_place() {
    let Some(s) = stack("decide") else { return };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "60"]);
    let id = |svc: &str| s.inspect(svc, "{{.Id}}");
    let before: Vec<String> = ["prometheus", "alertmanager", "pushgateway"]
        .iter()
        .map(|x| id(x))
        .collect();

    let new_port = e2e_support::free_port();
    let manifest = s.manifest("", "").replace(
        &format!("port: {}}}", s.pushgateway_port),
        &format!("port: {new_port}}}"),
    );
    s.write_manifest(&manifest);
    let plan = s.ok(&["deploy", "--dry-run"]);
    assert!(
        plan.contains("recreate  pushgateway (ports, url changed)")
            || plan.contains("recreate  pushgateway (ports changed)"),
        "{plan}"
    );
    assert!(plan.contains("keep      prometheus"), "{plan}");
    assert_eq!(id("pushgateway"), before[2], "dry run changes nothing");
    let out = s.ok(&["deploy"]);
    assert!(out.contains("recreated"), "{out}");
    assert_ne!(id("pushgateway"), before[2], "pushgateway recreated");
    assert_eq!(id("prometheus"), before[0], "prometheus untouched");
    assert_eq!(id("alertmanager"), before[1], "alertmanager untouched");
    assert!(s
        .inspect("pushgateway", "{{json .HostConfig.PortBindings}}")
        .contains(&new_port.to_string()));
    let leftovers: Vec<String> = s
        .containers()
        .into_iter()
        .filter(|n| n.contains('_'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary containers left: {leftovers:?}"
    );

    let manifest = manifest
        .replace("scrape_interval: 1s", "scrape_interval: 2s")
        .replace("scrape_timeout: 1s", "scrape_timeout: 2s");
    s.write_manifest(&manifest);
    let plan = s.ok(&["deploy", "--dry-run"]);
    assert!(plan.contains("reload    prometheus"), "{plan}");
    let out = s.ok(&["deploy"]);
    assert!(
        out.contains("prometheus") && out.contains("reloaded"),
        "{out}"
    );
    assert_eq!(
        id("prometheus"),
        before[0],
        "a config change reloads, it does not recreate"
    );
    let config = s.prometheus("/api/v1/status/config");
    assert!(
        config["data"]["yaml"]
            .as_str()
            .unwrap_or_default()
            .contains("scrape_interval: 2s"),
        "{config}"
    );
    assert!(
        s.ok(&["deploy"]).contains("up to date"),
        "the reload was recorded"
    );
}

#[test]
fn down_keeps_data_volumes_unless_asked_and_a_later_deploy_converges() {
    let Some(s) = stack("down") else { return };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "60"]);
    assert_eq!(s.volumes().len(), 3, "{:?}", s.volumes());
    let out = s.ok(&["down"]);
    assert!(out.contains("kept 3 data volume"), "{out}");
    assert!(s.containers().is_empty(), "{:?}", s.containers());
    assert!(e2e_support::docker(&[
        "network",
        "ls",
        "-q",
        "--filter",
        &format!("name={}_default", s.project)
    ])
    .trim()
    .is_empty());
    assert_eq!(s.volumes().len(), 3);
    let status = s.run(&["status"]);
    assert_eq!(
        status.status.code(),
        Some(1),
        "a stack that is down is not healthy"
    );
    s.ok(&["deploy", "--timeout", "60"]);
    assert_eq!(s.containers().len(), 5);
    s.ok(&["down", "--volumes"]);
    assert!(s.volumes().is_empty(), "{:?}", s.volumes());
    assert!(s.containers().is_empty());
}

#[test]
fn secrets_are_copied_in_for_the_program_only_and_a_new_value_reloads_without_recreate() {
    let Some(s) = stack("secrets") else { return };
    let remote = ", remote_write: [{url: 'http://remote.invalid/api/v1/write', basic_auth: {username: u, password: '${E2E_RW_PASSWORD}'}}]";
    s.write_manifest(&s.manifest(remote, ""));
    common::write(s.path(), ".env", "E2E_RW_PASSWORD=first-secret-value\n");
    s.ok(&["deploy", "--timeout", "60"]);
    let host_file = s.out("secrets/prometheus/remote-write-0-password");
    assert_eq!(common::mode(&host_file), 0o600, "host copy stays private");
    let container = s.container("prometheus");
    let listing = e2e_support::docker(&[
        "exec",
        &container,
        "ls",
        "-ln",
        "/run/secrets/remote-write-0-password",
    ]);
    assert!(
        listing.starts_with("-r--------") && listing.contains(" 65534 "),
        "0400, owned by the image's user: {listing}"
    );
    let inside = e2e_support::docker(&[
        "exec",
        &container,
        "cat",
        "/run/secrets/remote-write-0-password",
    ]);
    assert_eq!(inside, "first-secret-value");
    let mounts = s.inspect("prometheus", "{{json .Mounts}}");
    assert!(
        !mounts.contains("/run/secrets") && !mounts.contains("rendered/secrets"),
        "secrets are never bind-mounted: {mounts}"
    );
    let printed = s.ok(&["status"]) + &s.ok(&["deploy", "--dry-run"]);
    assert!(!printed.contains("first-secret-value"), "never printed");

    let id = s.inspect("prometheus", "{{.Id}}");
    common::write(s.path(), ".env", "E2E_RW_PASSWORD=second-secret-value\n");
    assert!(s
        .ok(&["deploy", "--dry-run"])
        .contains("reload    prometheus"));
    s.ok(&["deploy"]);
    assert_eq!(
        s.inspect("prometheus", "{{.Id}}"),
        id,
        "a new secret value reloads, no recreate"
    );
    let inside = e2e_support::docker(&[
        "exec",
        &container,
        "cat",
        "/run/secrets/remote-write-0-password",
    ]);
    assert_eq!(inside, "second-secret-value");
}
