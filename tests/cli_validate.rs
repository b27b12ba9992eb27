//! `stackctl validate`: the real checkers on the rendered files.

mod common;

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
        "groups:\n  - name: broken\n    rules:\n      - alert: Broken\n        expr: sum(rate(http_requests_total[5m])\n",
    );
    common::stackctl_in(dir.path())
        .args(["validate", "--no-docker"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAILED   promtool check rules"))
        .stdout(predicate::str::contains("broken.yml"))
        .stdout(predicate::str::contains("parse error").or(predicate::str::contains("unclosed")));
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
