//! `stackctl validate`: the real checkers on the rendered files.

use crate::common;

use predicates::prelude::*;

#[test]
fn validate_passes_on_the_full_preset() {
    let (Some(_), Some(_)) = (
        common::require_tool("promtool"),
        common::require_tool("amtool"),
    ) else {
        return;
    };
    let dir = common::tempdir();
    common::stackctl_in(dir.path())
        .args(["init", "--stack", "full", "--project", "demo"])
        .assert()
        .success();
    common::stackctl_in(dir.path())
        .args(["validate", "--no-docker"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "promtool check config prometheus/prometheus.yml",
        ))
        .stdout(predicate::str::contains("promtool check rules"))
        .stdout(predicate::str::contains(
            "amtool check-config alertmanager/alertmanager.yml",
        ))
        .stdout(predicate::str::contains(" 0 failed"));
    assert!(
        !dir.path().join("rendered").exists(),
        "validate writes nothing into the output directory"
    );
}

const PINNED: &str = "version: 1
project: shop
components:
  prometheus: {version: 2.42.0}
  alertmanager: {version: 0.25.0}
alerts:
  files: [rules/broken.yml]
";

#[test]
fn validate_fails_with_promtools_message_on_a_rule_file_it_rejects() {
    let (Some(_), Some(_)) = (
        common::require_tool("promtool"),
        common::require_tool("amtool"),
    ) else {
        return;
    };
    let dir = common::project(PINNED, None);
    common::write(
        dir.path(),
        "rules/broken.yml",
        // A PromQL error is caught at load now (tests/expression_errors.rs); an invalid label
        // name in a rule file is left for promtool to judge.
        "groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(rate(http_requests_total[5m]))\n        labels:\n          bad-name: x\n",
    );
    common::stackctl_in(dir.path())
        .args(["validate", "--no-docker"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAILED   promtool check rules"))
        .stdout(predicate::str::contains("broken.yml"))
        .stdout(predicate::str::contains("invalid label name: bad-name"));
}

#[test]
fn validate_passes_pinned_releases_with_the_local_tools() {
    let (Some(_), Some(_)) = (
        common::require_tool("promtool"),
        common::require_tool("amtool"),
    ) else {
        return;
    };
    let dir = common::project(
        &PINNED.replace("alerts:\n  files: [rules/broken.yml]\n", ""),
        None,
    );
    common::stackctl_in(dir.path())
        .args(["validate", "--no-docker"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "ok       promtool check config prometheus/prometheus.yml [local promtool 2.42.0]",
        ))
        .stdout(predicate::str::contains(
            "ok       amtool check-config alertmanager/alertmanager.yml [local amtool 0.25.0]",
        ));
}

#[test]
fn validate_on_an_invalid_manifest_exits_2() {
    let dir = common::project(
        "version: 1\nproject: shop\ncomponents: {prometheus: {scrape_timeout: soon}}\n",
        None,
    );
    common::stackctl_in(dir.path())
        .arg("validate")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error:"));
}

#[test]
fn a_missing_checker_is_reported_as_not_run_with_how_to_get_it() {
    let dir = common::project(
        &PINNED.replace("alerts:\n  files: [rules/broken.yml]\n", ""),
        None,
    );
    common::stackctl_in(dir.path())
        .env("PATH", "/nonexistent")
        .args(["validate", "--no-docker"])
        .assert()
        .success()
        .stdout(predicate::str::contains("not run  promtool check config"))
        .stdout(predicate::str::contains("apt-get install prometheus"))
        .stdout(predicate::str::contains(
            "apt-get install prometheus-alertmanager",
        ));
}

/// The stack's releases are the catalog's (Prometheus 3.x, Alertmanager 0.3x), newer than
/// Debian's promtool 2.42 / amtool 0.25: the checkers judge copies rendered for 2.42 / 0.25.
fn with_prometheus_extra(global: &str) -> String {
    format!(
        "version: 1
project: shop
components:
  prometheus:
    extra_config:
      global:
        {global}
  alertmanager: {{}}
scrape:
  - job: api
    targets: [api:8080]
"
    )
}

fn local_checkers() -> bool {
    common::require_tool("promtool").is_some() && common::require_tool("amtool").is_some()
}

#[test]
fn a_key_newer_than_the_local_checker_is_unsure_and_named_at_its_line() {
    if !local_checkers() {
        return;
    }
    let dir = common::project(
        &with_prometheus_extra("scrape_protocols: [PrometheusText0.0.4]"),
        None,
    );
    common::stackctl_in(dir.path())
        .args(["validate", "--no-docker"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "UNSURE   promtool check config prometheus/prometheus.yml [local promtool 2.42.0]: \
             `scrape_protocols` (new in Prometheus 2.49.0) from `extra_config` cannot be judged \
             by local promtool 2.42.0; everything else passed",
        ))
        .stdout(predicate::str::contains(
            "    --> stackctl.yaml:7:9 `components.prometheus.extra_config.global.scrape_protocols`",
        ))
        .stdout(predicate::str::contains(" 0 failed, 1 unsure"));
    // --strict: an UNSURE check fails CI.
    common::stackctl_in(dir.path())
        .args(["validate", "--no-docker", "--strict"])
        .assert()
        .code(1);
}

#[test]
fn a_typo_in_pass_through_config_fails_at_its_manifest_line() {
    if !local_checkers() {
        return;
    }
    let dir = common::project(&with_prometheus_extra("scrape_intervl: 10s"), None);
    common::stackctl_in(dir.path())
        .args(["validate", "--no-docker"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAILED   promtool check config prometheus/prometheus.yml [local promtool 2.42.0]\n",
        ))
        .stdout(predicate::str::contains(
            "field scrape_intervl not found in type config.plain",
        ))
        .stdout(predicate::str::contains(
            "    --> stackctl.yaml:7:9 `components.prometheus.extra_config.global.scrape_intervl`",
        ))
        .stdout(predicate::str::contains(" 1 failed, 0 unsure"));
}

#[test]
fn a_newer_key_does_not_hide_a_real_error_beside_it() {
    if !local_checkers() {
        return;
    }
    let dir = common::project(
        &with_prometheus_extra(
            "scrape_protocols: [PrometheusText0.0.4]\n        evaluation_interval: lots",
        ),
        None,
    );
    common::stackctl_in(dir.path())
        .args(["validate", "--no-docker"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAILED   promtool check config"))
        .stdout(predicate::str::contains("not a valid duration string: \"lots\""))
        .stdout(predicate::str::contains(
            "    --> stackctl.yaml:8:30 `components.prometheus.extra_config.global.evaluation_interval`",
        ));
}

#[test]
fn an_alertmanager_receiver_name_in_amtools_complaint_points_at_the_manifest() {
    if !local_checkers() {
        return;
    }
    let dir = common::project(
        "version: 1
project: shop
components:
  alertmanager:
    extra_config:
      route:
        receiver: nowhere
",
        None,
    );
    common::stackctl_in(dir.path())
        .args(["validate", "--no-docker"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "FAILED   amtool check-config alertmanager/alertmanager.yml [local amtool 0.25.0]",
        ))
        .stdout(predicate::str::contains("undefined receiver \"nowhere\""))
        .stdout(predicate::str::contains(
            "    --> stackctl.yaml:7:19 `components.alertmanager.extra_config.route.receiver`",
        ));
}

#[test]
fn strict_fails_when_a_checker_could_not_run() {
    let dir = common::project(
        &PINNED.replace("alerts:\n  files: [rules/broken.yml]\n", ""),
        None,
    );
    common::stackctl_in(dir.path())
        .env("PATH", "/nonexistent")
        .args(["validate", "--no-docker", "--strict"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not run  promtool check config"));
}

#[test]
fn json_is_one_document_with_each_checks_tool_version_files_verdict_and_output() {
    if !local_checkers() {
        return;
    }
    let dir = common::project(&with_prometheus_extra("scrape_intervl: 10s"), None);
    let out = common::stackctl_in(dir.path())
        .args(["validate", "--no-docker", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is exactly one JSON document");
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["exit_code"], 1);
    assert_eq!(doc["summary"]["failed"], 1);
    let checks = doc["checks"].as_array().unwrap();
    let config = checks
        .iter()
        .find(|c| c["name"] == "promtool check config prometheus/prometheus.yml")
        .expect("the config check is listed");
    assert_eq!(config["tool"], "promtool");
    assert_eq!(config["version"], "2.42.0");
    assert_eq!(
        config["files"],
        serde_json::json!(["prometheus/prometheus.yml"])
    );
    assert_eq!(config["verdict"], "failed");
    assert!(config["output"]
        .as_str()
        .unwrap()
        .contains("field scrape_intervl not found"));
    assert_eq!(
        config["locations"][0]["key"],
        "components.prometheus.extra_config.global.scrape_intervl"
    );
    assert_eq!(config["locations"][0]["at"], "stackctl.yaml:7:9");
    let skipped = checks.iter().filter(|c| c["verdict"] == "not run").count();
    assert_eq!(doc["summary"]["not_run"], skipped);
}
