//! promtool 2.42 (Debian) judges prometheus.yml rendered for manifests pinned to 2.42.0.
//!
//! promtool checks the container's view of the config (see `prometheus_support::host_view`:
//! `/etc/prometheus/` and `/run/secrets/` mapped onto the rendered tree, so rule files and
//! secret files are really resolved), and the file itself with `--syntax-only`.

use crate::common;
use crate::prometheus_support;

use prometheus_support as support;

fn promtool_accepts(fixture: &str) {
    let Some(promtool) = common::require_tool("promtool") else {
        return;
    };
    let stack = support::render(&support::loaded(&support::fixture(fixture)));
    let dir = common::tempdir();
    support::write_all(&stack, dir.path());
    let config = dir.path().join("prometheus/prometheus.yml");
    let (ok, output) = support::run(
        &promtool,
        &[
            "check",
            "config",
            "--syntax-only",
            config.to_str().expect("utf-8 path"),
        ],
    );
    assert!(
        ok,
        "promtool --syntax-only rejected {fixture}:\n{output}\n{}",
        support::file(&stack, "prometheus/prometheus.yml")
    );
    let view = support::host_view(&stack, dir.path());
    let (ok, output) = support::run(
        &promtool,
        &["check", "config", view.to_str().expect("utf-8 path")],
    );
    assert!(
        ok,
        "promtool rejected {fixture}:\n{output}\n{}",
        support::file(&stack, "prometheus/prometheus.yml")
    );
}

#[test]
fn promtool_accepts_the_minimal_stack() {
    promtool_accepts("minimal.yaml");
}

#[test]
fn promtool_accepts_every_prometheus_key_of_the_manifest() {
    promtool_accepts("full.yaml");
}

#[test]
fn promtool_accepts_every_remote_write_key_and_preset() {
    promtool_accepts("remote-write.yaml");
}

#[test]
fn promtool_accepts_hostile_values() {
    promtool_accepts("hostile.yaml");
}

#[test]
fn promtool_rejects_what_prometheus_rejects() {
    // The check is only worth something if promtool fails on a broken view too.
    let Some(promtool) = common::require_tool("promtool") else {
        return;
    };
    let stack = support::render(&support::loaded(&support::fixture("full.yaml")));
    let dir = common::tempdir();
    support::write_all(&stack, dir.path());
    std::fs::remove_file(dir.path().join("secrets/prometheus/scrape-1-token"))
        .expect("token file written");
    let view = support::host_view(&stack, dir.path());
    let (ok, output) = support::run(
        &promtool,
        &["check", "config", view.to_str().expect("utf-8 path")],
    );
    assert!(
        !ok,
        "promtool accepted a config whose credentials file is missing:\n{output}"
    );
}
