//! The global output flags (`-q`, `-v`, `--color`, `NO_COLOR`) and the machine output that
//! needs no Docker (`diff --no-docker`, its `--json` and `--detailed-exitcode`), on the real
//! binary in a temp dir.

use crate::common;

use predicates::prelude::*;

const MANIFEST: &str = "version: 1
project: shop
components:
  prometheus: {}
  alertmanager: {}
  grafana: {admin_password: \"${GRAFANA_ADMIN_PASSWORD}\"}
";
const ENV: &str = "GRAFANA_ADMIN_PASSWORD=fake-cli-output-password\n";
const ESC: &str = "\u{1b}[";

fn stderr_of(args: &[&str], env: &[(&str, &str)]) -> String {
    let dir = common::tempdir();
    let mut cmd = common::stackctl_in(dir.path());
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "no manifest here: exit 2");
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn color_always_paints_the_verdict_never_and_pipes_do_not() {
    let painted = stderr_of(&["--color", "always", "status"], &[]);
    assert!(painted.starts_with(ESC), "{painted:?}");
    assert!(painted.contains("error:"), "{painted:?}");
    for (args, env) in [
        (vec!["--color", "never", "status"], vec![]),
        (vec!["status"], vec![]), // auto, and stderr is a pipe here
        (
            vec!["status", "--color=never"],
            vec![("CLICOLOR_FORCE", "1")],
        ),
    ] {
        let plain = stderr_of(&args, &env);
        assert!(!plain.contains(ESC), "{args:?}: {plain:?}");
        assert!(
            plain.starts_with("error: no manifest at `stackctl.yaml`"),
            "{plain}"
        );
    }
}

/// `CLICOLOR_FORCE` colours a pipe under `--color auto`; `NO_COLOR` wins over it.
#[test]
fn no_color_is_honoured_under_auto() {
    let forced = stderr_of(&["status"], &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains(ESC), "{forced:?}");
    let no_color = stderr_of(&["status"], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!no_color.contains(ESC), "{no_color:?}");
}

#[test]
fn a_bad_color_value_and_quiet_with_verbose_are_usage_errors() {
    for args in [
        vec!["--color", "sometimes", "render"],
        vec!["-q", "-v", "render"],
        vec!["deploy", "--json"],
        vec!["deploy", "--detailed-exitcode"],
    ] {
        common::stackctl()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("error:"));
    }
}

#[test]
fn quiet_render_prints_only_the_summary_and_verbose_the_files() {
    let dir = common::project(MANIFEST, Some(ENV));
    let quiet = common::stackctl_in(dir.path())
        .args(["render", "-q"])
        .assert()
        .success();
    let out = String::from_utf8_lossy(&quiet.get_output().stdout).into_owned();
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("rendered "), "{out}");
    common::stackctl_in(dir.path())
        .args(["--verbose", "render"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "unchanged prometheus/prometheus.yml",
        ));
}

#[test]
fn diff_shows_unified_diffs_against_the_disk_and_hides_secrets() {
    let dir = common::project(MANIFEST, Some(ENV));
    let before = common::stackctl_in(dir.path())
        .args(["diff", "--no-docker", "--detailed-exitcode"])
        .assert()
        .code(2);
    let out = String::from_utf8_lossy(&before.get_output().stdout).into_owned();
    assert!(out.contains("+++ b/prometheus/prometheus.yml"), "{out}");
    assert!(out.contains("(secret: content not shown)"), "{out}");
    assert!(
        !out.contains("fake-cli-output-password"),
        "never a secret: {out}"
    );

    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success();
    common::stackctl_in(dir.path())
        .args(["diff", "--no-docker", "--detailed-exitcode"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "no differences: the output directory matches the manifest",
        ));

    common::write(
        dir.path(),
        "stackctl.yaml",
        &MANIFEST.replace("prometheus: {}", "prometheus: {scrape_interval: 30s}"),
    );
    common::write(
        dir.path(),
        ".env",
        "GRAFANA_ADMIN_PASSWORD=another-fake-password\n",
    );
    let changed = common::stackctl_in(dir.path())
        .args(["diff", "--no-docker", "prometheus", "grafana"])
        .assert()
        .code(0);
    let out = String::from_utf8_lossy(&changed.get_output().stdout).into_owned();
    assert!(
        out.contains("--- a/prometheus/prometheus.yml")
            && out.contains("+  scrape_interval: \"30s\""),
        "{out}"
    );
    assert!(!out.contains("another-fake-password"), "{out}");

    let json = common::stackctl_in(dir.path())
        .args(["diff", "--no-docker", "--json", "prometheus"])
        .assert()
        .code(0);
    let doc: serde_json::Value = serde_json::from_slice(&json.get_output().stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["differences"], true);
    assert_eq!(doc["services"], serde_json::Value::Null, "--no-docker");
    let files = doc["files"].as_array().unwrap();
    assert!(
        files
            .iter()
            .all(|f| f["path"].as_str().unwrap().starts_with("prometheus/")),
        "only prometheus' files: {files:?}"
    );
    assert_eq!(files[0]["status"], "changed");
}

#[test]
fn diff_of_an_unknown_service_is_bad_input_with_the_known_ones() {
    let dir = common::project(MANIFEST, Some(ENV));
    common::stackctl_in(dir.path())
        .args(["diff", "--no-docker", "lokii"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no service `lokii` in this stack"))
        .stderr(predicate::str::contains("hint: the services are: "))
        .stderr(predicate::str::contains("prometheus"));
}
