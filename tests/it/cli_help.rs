//! `--help` for every command, and clap usage errors exiting 2.

use crate::common;

use predicates::prelude::*;

#[test]
fn every_command_has_help() {
    for (command, words) in [
        ("init", "--stack"),
        ("render", "--out"),
        ("validate", "--no-docker"),
        ("deploy", "--dry-run"),
        ("status", "--json"),
        ("reload", "--file"),
        ("down", "--volumes"),
    ] {
        common::stackctl()
            .args([command, "--help"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("Usage: stackctl").and(predicate::str::contains(words)),
            );
    }
}

#[test]
fn top_level_help_lists_the_commands() {
    common::stackctl()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("init").and(predicate::str::contains("validate")));
}

#[test]
fn unknown_flag_is_a_usage_error_with_exit_2() {
    common::stackctl()
        .args(["render", "--no-such-flag"])
        .assert()
        .code(2);
}

#[test]
fn missing_manifest_exits_2_with_a_hint() {
    let dir = common::tempdir();
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: no manifest at `stackctl.yaml`",
        ))
        .stderr(predicate::str::contains("hint: run `stackctl init`"));
    assert!(!dir.path().join("rendered").exists());
}

#[test]
fn reload_and_down_help_say_what_they_print_and_remove() {
    common::stackctl()
        .args(["reload", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("each outcome as it happens"))
        .stdout(predicate::str::contains("stackctl -q reload"));
    common::stackctl()
        .args(["down", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("docker compose"))
        .stdout(predicate::str::contains(
            "started from the exported docker-compose.yml",
        ));
}
