//! Versions locked and upgradable (issue 11 §4), on the real binary: `stackctl.lock` honoured
//! by every command, `outdated`, and `upgrade` (gates that flip, rendered diff, in-place edit).

use crate::common;

use std::path::Path;

use predicates::prelude::*;
use stackctl::catalog::versions::{ALERTMANAGER, PROMETHEUS};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

const OLD_PROMETHEUS: &str = "version: 1\nproject: shop\ncomponents:\n  prometheus:\n    version: 2.53.0   # pinned by hand\n  alertmanager: {}\nscrape:\n  - job: api\n    targets: ['api:8080']\n";

#[test]
fn outdated_lists_release_pin_and_newest() {
    let dir = common::tempdir();
    write(dir.path(), "stackctl.yaml", OLD_PROMETHEUS);
    common::stackctl_in(dir.path())
        .arg("outdated")
        .assert()
        .success()
        .stdout(predicate::str::contains("SERVICE"))
        .stdout(
            predicate::str::is_match(format!(
                "prometheus +2\\.53\\.0 +stackctl\\.yaml +{} +behind",
                PROMETHEUS.newest
            ))
            .unwrap(),
        )
        .stdout(
            predicate::str::is_match(format!("alertmanager +{} +not pinned", ALERTMANAGER.newest))
                .unwrap(),
        )
        .stdout(predicate::str::contains(
            "1 behind: `stackctl upgrade --dry-run`",
        ));
    common::stackctl_in(dir.path())
        .args(["outdated", "--exit-code"])
        .assert()
        .code(1);
    let output = common::stackctl_in(dir.path())
        .args(["outdated", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["services"][0]["service"], "prometheus");
    assert_eq!(report["services"][0]["pinned_by"], "manifest");
    assert_eq!(report["services"][0]["newest"], PROMETHEUS.newest);
    assert_eq!(report["services"][1]["pinned_by"], "none");
}

#[test]
fn upgrade_dry_run_shows_gates_and_rendered_diff_and_changes_nothing() {
    let dir = common::tempdir();
    write(dir.path(), "stackctl.yaml", OLD_PROMETHEUS);
    common::stackctl_in(dir.path())
        .args(["upgrade", "--dry-run", "prometheus"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "prometheus  2.53.0 → {}  (`components.prometheus.version` in stackctl.yaml:5:14)",
            PROMETHEUS.newest
        )))
        .stdout(predicate::str::contains(
            "gate flips: Prometheus `fallback_scrape_protocol` (since 3.0.0)",
        ))
        .stdout(predicate::str::contains(
            "--- a/prometheus/prometheus.yml\n+++ b/prometheus/prometheus.yml",
        ))
        .stdout(predicate::str::contains(
            "+    fallback_scrape_protocol: \"PrometheusText0.0.4\"",
        ))
        .stdout(predicate::str::contains(format!(
            "+    image: prom/prometheus:v{}",
            PROMETHEUS.newest
        )))
        .stdout(predicate::str::contains("dry run: nothing was changed"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stackctl.yaml")).unwrap(),
        OLD_PROMETHEUS
    );
    assert!(!dir.path().join("stackctl.lock").exists());
}

#[test]
fn upgrade_edits_the_version_in_place_and_keeps_comments() {
    let dir = common::tempdir();
    write(dir.path(), "stackctl.yaml", OLD_PROMETHEUS);
    common::stackctl_in(dir.path())
        .arg("upgrade")
        .assert()
        .success()
        .stdout(predicate::str::contains("wrote stackctl.yaml"))
        .stdout(predicate::str::contains("next: `stackctl deploy`"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stackctl.yaml")).unwrap(),
        OLD_PROMETHEUS.replace("2.53.0", PROMETHEUS.newest)
    );
    common::stackctl_in(dir.path())
        .arg("upgrade")
        .assert()
        .success()
        .stdout(predicate::str::contains("nothing to upgrade"));
    common::stackctl_in(dir.path())
        .args(["outdated", "--exit-code"])
        .assert()
        .success();
}

#[test]
fn the_lock_pins_what_the_manifest_leaves_open_and_upgrade_bumps_it() {
    let dir = common::tempdir();
    write(
        dir.path(),
        "stackctl.yaml",
        "version: 1\nproject: shop\ncomponents:\n  prometheus: {}\n  alertmanager: {}\n",
    );
    write(
        dir.path(),
        "stackctl.lock",
        "version: 1\ncomponents:\n  alertmanager:\n    release: 0.28.1\n    image: prom/alertmanager:v0.28.1\n",
    );
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success();
    let compose = std::fs::read_to_string(dir.path().join("rendered/docker-compose.yml")).unwrap();
    assert!(
        compose.contains("image: prom/alertmanager:v0.28.1"),
        "{compose}"
    );
    assert!(compose.contains(&format!("image: prom/prometheus:v{}", PROMETHEUS.newest)));
    common::stackctl_in(dir.path())
        .arg("outdated")
        .assert()
        .success()
        .stdout(predicate::str::is_match("alertmanager +0\\.28\\.1 +stackctl\\.lock").unwrap());
    common::stackctl_in(dir.path())
        .args(["upgrade", "alertmanager"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "alertmanager  0.28.1 → {}  (`alertmanager` in stackctl.lock)",
            ALERTMANAGER.newest
        )))
        .stdout(predicate::str::contains("wrote stackctl.lock"));
    let lock = std::fs::read_to_string(dir.path().join("stackctl.lock")).unwrap();
    assert!(
        lock.contains(&format!("release: {}", ALERTMANAGER.newest)),
        "{lock}"
    );
    assert!(
        lock.contains(&format!(
            "image: prom/alertmanager:v{}",
            ALERTMANAGER.newest
        )),
        "{lock}"
    );
    // The manifest was not touched: the lock pinned that release.
    assert!(!std::fs::read_to_string(dir.path().join("stackctl.yaml"))
        .unwrap()
        .contains("version: 0"));
}

#[test]
fn a_broken_lock_is_bad_input_with_its_location() {
    let dir = common::tempdir();
    write(
        dir.path(),
        "stackctl.yaml",
        "version: 1\nproject: shop\ncomponents:\n  alertmanager: {}\n",
    );
    write(
        dir.path(),
        "stackctl.lock",
        "version: 1\ncomponents:\n  alertmanager: {release: 0.28.1, imag: x}\n",
    );
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read `stackctl.lock:3:"))
        .stderr(predicate::str::contains("imag"));
    write(
        dir.path(),
        "stackctl.lock",
        "version: 1\ncomponents:\n  alertmanager: {release: 9.0.0, image: x}\n",
    );
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "locks `alertmanager` to a release stackctl cannot run",
        ))
        .stderr(predicate::str::contains("stackctl upgrade alertmanager"));
    assert!(!dir.path().join("rendered").exists());
}

#[test]
fn upgrade_refuses_an_unknown_service_and_leaves_tagged_images_alone() {
    let dir = common::tempdir();
    write(
        dir.path(),
        "stackctl.yaml",
        "version: 1\nproject: shop\ncomponents:\n  prometheus: {image: 'mirror.example/prometheus:v2.53.0'}\n",
    );
    common::stackctl_in(dir.path())
        .args(["upgrade", "grafana"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the stack has no service `grafana`",
        ))
        .stderr(predicate::str::contains("name one of `prometheus`"));
    common::stackctl_in(dir.path())
        .arg("upgrade")
        .assert()
        .success()
        .stdout(predicate::str::contains("change its tag yourself"))
        .stdout(predicate::str::contains("nothing to upgrade"));
}
