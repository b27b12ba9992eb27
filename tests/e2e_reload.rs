//! Reload and status against a real daemon: config changes reach running programs without a
//! recreate; a config the program rejects is rolled back (files restored, reloaded again) and
//! reported with the program's own message; status shows drift and down targets, exit 1.

mod common;
mod e2e_support;

use e2e_support::{docker, eventually, stack};

const REJECTED_TEMPLATE: &str = "global:
  scrape_interval: 1s
scrape_configs:
  - job_name: prometheus
    bogus_field: 1
    static_configs: [{targets: ['localhost:9090']}]
";

#[test]
fn reload_applies_changed_config_in_place() {
    let Some(s) = stack("reload") else { return };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "60"]);
    assert!(s.ok(&["reload"]).contains("nothing to reload"));
    // Reload reads the plan a deploy follows: a container cut off its network is named, with
    // the plan's reason, as one only a deploy can mend (it used to pass unseen).
    let network = format!("{}_default", s.project);
    docker(&[
        "network",
        "disconnect",
        &network,
        &s.container("pushgateway"),
    ]);
    let reload = s.run(&["reload"]);
    let stderr = String::from_utf8_lossy(&reload.stderr);
    assert!(reload.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "`pushgateway` needs a new container (not attached to network `{network}`"
        )),
        "{stderr}"
    );
    s.ok(&["deploy", "--timeout", "60"]);
    let id = s.inspect("prometheus", "{{.Id}}");
    s.write_manifest(&s.manifest("", "labels: {cluster: e2e-reloaded}\n"));
    let status = s.run(&["status", "--json"]);
    assert_eq!(
        status.status.code(),
        Some(1),
        "drift makes the stack degraded"
    );
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let prometheus = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "prometheus")
        .unwrap()
        .clone();
    assert_eq!(prometheus["config"], "changed", "{report}");

    let out = s.ok(&["reload"]);
    assert!(
        out.contains("prometheus") && out.contains("reloaded"),
        "{out}"
    );
    // On a pipe: timestamped lines, what is being asked first, then the outcome.
    let timestamped = |l: &&str| l.starts_with("20") && l.get(19..21) == Some("Z ");
    let lines: Vec<&str> = out.lines().filter(timestamped).collect();
    let asked = lines
        .iter()
        .position(|l| l.contains(" prometheus ") && l.ends_with("POST /-/reload"));
    let outcome = lines
        .iter()
        .position(|l| l.contains(" prometheus ") && l.ends_with(" reloaded"));
    assert!(
        asked.is_some() && outcome.is_some() && asked < outcome,
        "a timestamped line per step and the outcome: {out}"
    );
    assert!(
        out.contains(&format!(
            "stack `{}`: 1 service took the new config (1 reloaded, 0 restarted)",
            s.project
        )),
        "{out}"
    );
    assert_eq!(
        s.inspect("prometheus", "{{.Id}}"),
        id,
        "reload keeps the container"
    );
    let config = s.prometheus("/api/v1/status/config");
    assert!(
        config["data"]["yaml"]
            .as_str()
            .unwrap_or_default()
            .contains("e2e-reloaded"),
        "{config}"
    );
    assert!(s.ok(&["reload"]).contains("nothing to reload"));
    assert_eq!(s.run(&["status"]).status.code(), Some(0));

    s.write_manifest(&s.manifest("", "labels: {cluster: e2e-quiet}\n"));
    let quiet = s.ok(&["reload", "-q"]);
    assert_eq!(
        quiet.trim().lines().collect::<Vec<_>>(),
        [format!(
            "stack `{}`: 1 service took the new config (1 reloaded, 0 restarted)",
            s.project
        )],
        "-q keeps only the verdict"
    );
}

#[test]
fn rejected_reload_restores_the_previous_files_and_keeps_the_old_config_running() {
    let Some(s) = stack("rollback") else { return };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "60"]);
    let before = std::fs::read_to_string(s.out("prometheus/prometheus.yml")).unwrap();
    common::write(
        s.path(),
        "templates/prometheus/prometheus.yml.j2",
        REJECTED_TEMPLATE,
    );
    let out = s.run(&["reload"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("`prometheus` rejected its new configuration"),
        "{stderr}"
    );
    assert!(
        stderr.contains("field bogus_field not found"),
        "the program's own message: {stderr}"
    );
    assert!(stderr.contains("previous files were restored"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(s.out("prometheus/prometheus.yml")).unwrap(),
        before,
        "files restored"
    );
    let metrics =
        common::http::get_text(&format!("http://127.0.0.1:{}/metrics", s.prometheus_port));
    assert!(
        metrics.contains("prometheus_config_last_reload_successful 1"),
        "reloaded back onto the good config"
    );
    assert_eq!(s.inspect("prometheus", "{{.State.Status}}"), "running");

    std::fs::remove_dir_all(s.path().join("templates")).unwrap();
    assert!(
        s.ok(&["reload"]).contains("nothing to reload"),
        "the stack runs what the manifest says"
    );
}

#[test]
fn status_lists_down_targets_with_their_last_error() {
    let Some(s) = stack("status") else { return };
    let scrape = "scrape:\n  - job: api\n    targets: ['api-that-does-not-exist:5500']\n";
    s.write_manifest(&s.manifest("", scrape));
    s.ok(&["deploy", "--timeout", "60"]);
    eventually(30, "the api target to be scraped", || {
        let targets = s.prometheus("/api/v1/targets");
        targets["data"]["activeTargets"]
            .as_array()
            .is_some_and(|a| {
                a.iter()
                    .any(|t| t["labels"]["job"] == "api" && t["health"] == "down")
            })
    });
    let status = s.run(&["status", "--json"]);
    assert_eq!(status.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let down = report["prometheus"]["targets_down"].as_array().unwrap();
    assert_eq!(down.len(), 1, "{report}");
    assert_eq!(down[0]["job"], "api");
    assert!(
        !down[0]["last_error"].as_str().unwrap().is_empty(),
        "{report}"
    );
    let text = s.run(&["status"]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("api-that-does-not-exist:5500") && stdout.contains("degraded"),
        "{stdout}"
    );
}
