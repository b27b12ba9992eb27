//! `stackctl render`: the real binary writing into a temp dir.

use crate::common;

use predicates::prelude::*;

const MANIFEST: &str = "version: 1
project: shop
components:
  prometheus: {}
  alertmanager: {}
  grafana: {admin_password: \"${GRAFANA_ADMIN_PASSWORD}\"}
  node_exporter: {}
";
const ENV: &str = "GRAFANA_ADMIN_PASSWORD=fake-cli-render-password\n";

#[test]
fn second_render_reports_unchanged_and_a_change_reports_changed() {
    let dir = common::project(MANIFEST, Some(ENV));
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "created   prometheus/prometheus.yml",
        ))
        .stdout(predicate::str::contains("created   docker-compose.yml"));
    let rendered = dir.path().join("rendered/prometheus/prometheus.yml");
    let mtime = std::fs::metadata(&rendered).unwrap().modified().unwrap();
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "unchanged prometheus/prometheus.yml",
        ))
        .stdout(predicate::str::contains(" 0 created, 0 changed"));
    assert_eq!(
        std::fs::metadata(&rendered).unwrap().modified().unwrap(),
        mtime,
        "unchanged file not rewritten"
    );
    let edited = MANIFEST.replace("prometheus: {}", "prometheus: {scrape_interval: 30s}");
    common::write(dir.path(), "stackctl.yaml", &edited);
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "changed   prometheus/prometheus.yml",
        ));
}

#[test]
fn removing_a_component_removes_its_files() {
    let dir = common::project(MANIFEST, Some(ENV));
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success();
    assert!(dir
        .path()
        .join("rendered/alertmanager/alertmanager.yml")
        .exists());
    common::write(
        dir.path(),
        "stackctl.yaml",
        &MANIFEST.replace("  alertmanager: {}\n", ""),
    );
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "removed   alertmanager/alertmanager.yml",
        ));
    assert!(!dir.path().join("rendered/alertmanager").exists());
}

#[test]
fn out_flag_chooses_the_output_directory() {
    let dir = common::project(MANIFEST, Some(ENV));
    common::stackctl_in(dir.path())
        .args(["render", "--out", "elsewhere"])
        .assert()
        .success();
    assert!(dir
        .path()
        .join("elsewhere/prometheus/prometheus.yml")
        .is_file());
    assert!(!dir.path().join("rendered").exists());
}

#[test]
fn secrets_are_private_and_never_printed() {
    let dir = common::project(MANIFEST, Some(ENV));
    let output = common::stackctl_in(dir.path())
        .arg("render")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!printed.contains("fake-cli-render-password"));
    let out = dir.path().join("rendered");
    assert_eq!(common::mode(&out.join("secrets")), 0o700);
    let secrets: Vec<String> = common::list_files(&out)
        .into_iter()
        .filter(|p| p.starts_with("secrets/"))
        .collect();
    assert!(!secrets.is_empty(), "the Grafana password is a secret file");
    for file in &secrets {
        assert_eq!(common::mode(&out.join(file)), 0o600, "{file}");
    }
    for file in common::list_files(&out)
        .iter()
        .filter(|p| !p.starts_with("secrets/"))
    {
        let text = std::fs::read_to_string(out.join(file)).unwrap_or_default();
        assert!(
            !text.contains("fake-cli-render-password"),
            "the password leaked into {file}"
        );
        assert_eq!(common::mode(&out.join(file)), 0o644, "{file}");
    }
}

#[test]
fn invalid_manifest_exits_2_and_writes_nothing() {
    let bad = "version: 1\nproject: shop\ncomponents:\n  prometheus: {scrape_interval: 15s, scrape_timeout: 30s}\n  promethe: {}\n";
    let dir = common::project(bad, None);
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error:"))
        .stderr(predicate::str::contains("stackctl.yaml:"));
    assert!(
        !dir.path().join("rendered").exists(),
        "not even the output directory"
    );
}

#[test]
fn missing_env_variable_exits_2_naming_it() {
    let dir = common::project(MANIFEST, None);
    common::stackctl_in(dir.path())
        .env_remove("GRAFANA_ADMIN_PASSWORD")
        .arg("render")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("GRAFANA_ADMIN_PASSWORD"));
    assert!(!dir.path().join("rendered").exists());
}
