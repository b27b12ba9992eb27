//! `alerts.files` and `dashboards.files` reach only the operator's intended files: globs skip
//! `.env` and dotfiles, errors about a file never quote its text, and a file kept from other
//! users is never published world-readable.

use crate::common;

use std::os::unix::fs::PermissionsExt as _;

use predicates::prelude::*;

const SECRET: &str = "correct-horse-battery-staple";

fn manifest(files: &str) -> String {
    format!(
        "version: 1\nproject: shop\ncomponents:\n  prometheus: {{}}\n  grafana: {{admin_password: \"${{GPW}}\"}}\n{files}"
    )
}

fn env() -> String {
    format!("GPW={SECRET}\n")
}

#[test]
fn a_star_glob_never_matches_the_env_file() {
    for files in ["alerts: {files: ['*']}\n", "dashboards: {files: ['*']}\n"] {
        let dir = common::project(&manifest(files), Some(&env()));
        common::stackctl_in(dir.path())
            .arg("render")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(SECRET).not())
            .stdout(predicate::str::contains(SECRET).not());
    }
}

#[test]
fn an_env_file_named_explicitly_is_refused_without_quoting_it() {
    for files in [
        "alerts: {files: ['.env']}\n",
        "alerts: {tests: ['.env']}\n",
        "dashboards: {files: ['.env']}\n",
    ] {
        let dir = common::project(&manifest(files), Some(&env()));
        std::fs::set_permissions(
            dir.path().join(".env"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        common::stackctl_in(dir.path())
            .arg("render")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("`.env`"))
            .stderr(predicate::str::contains(SECRET).not())
            .stdout(predicate::str::contains(SECRET).not());
        assert!(!dir.path().join("rendered").exists());
    }
}

#[test]
fn a_rule_file_only_its_owner_may_read_is_not_copied_world_readable() {
    let dir = common::project(
        &manifest("alerts: {files: ['rules/private.yml']}\n"),
        Some(&env()),
    );
    common::write(
        dir.path(),
        "rules/private.yml",
        "groups: [{name: g, rules: [{alert: A, expr: up == 0}]}]\n",
    );
    let rule = dir.path().join("rules/private.yml");
    std::fs::set_permissions(&rule, std::fs::Permissions::from_mode(0o600)).unwrap();
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not readable by other users"))
        .stderr(predicate::str::contains("--> stackctl.yaml:"));
    assert!(!dir.path().join("rendered").exists());
    std::fs::set_permissions(&rule, std::fs::Permissions::from_mode(0o644)).unwrap();
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success();
    assert_eq!(
        common::mode(&dir.path().join("rendered/prometheus/rules/private.yml")),
        0o644
    );
}
