//! blackbox_exporter 0.23 (Debian) judges the rendered blackbox.yml with `--config.check`.

use crate::common;
use crate::prometheus_support;

use prometheus_support as support;

const BLACKBOX: &str = "prometheus-blackbox-exporter";

fn blackbox_accepts(fixture: &str) -> serde_yaml::Value {
    let stack = support::render(&support::loaded(&support::fixture(fixture)));
    let config = support::yaml(&stack, "blackbox/blackbox.yml");
    let Some(tool) = common::require_tool(BLACKBOX) else {
        return config;
    };
    let dir = common::tempdir();
    support::write_all(&stack, dir.path());
    let file = dir.path().join("blackbox/blackbox.yml");
    let flag = format!("--config.file={}", file.display());
    let (ok, output) = support::run(&tool, &["--config.check", &flag]);
    assert!(
        ok,
        "blackbox_exporter rejected {fixture}:\n{output}\n{}",
        support::file(&stack, "blackbox/blackbox.yml")
    );
    config
}

#[test]
fn blackbox_accepts_the_default_modules() {
    let config = blackbox_accepts("full.yaml");
    let names: Vec<&str> = config["modules"]
        .as_mapping()
        .expect("modules")
        .keys()
        .filter_map(|k| k.as_str())
        .collect();
    for name in ["http_2xx", "icmp", "tcp_connect"] {
        assert!(names.contains(&name), "default module `{name}` rendered");
    }
    assert_eq!(
        config["modules"]["http_2xx"]["http"]["preferred_ip_protocol"].as_str(),
        Some("ip4")
    );
}

#[test]
fn manifest_modules_are_added_and_replace_defaults_of_the_same_name() {
    let config = blackbox_accepts("full.yaml");
    let modules = &config["modules"];
    assert_eq!(
        modules["http_post_2xx"]["http"]["method"].as_str(),
        Some("POST")
    );
    assert_eq!(modules["tcp_connect"]["timeout"].as_str(), Some("3s"));
    assert_eq!(modules["http_2xx"]["prober"].as_str(), Some("http"));
}

#[test]
fn blackbox_accepts_hostile_module_names_and_values() {
    let config = blackbox_accepts("hostile.yaml");
    assert_eq!(config["modules"].as_mapping().map(|m| m.len()), Some(4));
}

#[test]
fn no_blackbox_component_means_no_blackbox_file() {
    let stack = support::render(&support::loaded(&support::fixture("minimal.yaml")));
    assert!(!stack.files.contains_key("blackbox/blackbox.yml"));
}

#[test]
fn blackbox_check_rejects_a_module_blackbox_does_not_understand() {
    // The check above is only worth something if the tool fails on a broken module too.
    let Some(tool) = common::require_tool(BLACKBOX) else {
        return;
    };
    let manifest = "version: 1\nproject: t\ncomponents:\n  blackbox_exporter:\n    modules:\n      broken: {prober: http, http: {no_such_key: 1}}\n";
    let stack = support::render(&support::loaded(manifest));
    let dir = common::tempdir();
    support::write_all(&stack, dir.path());
    let flag = format!(
        "--config.file={}",
        dir.path().join("blackbox/blackbox.yml").display()
    );
    let (ok, output) = support::run(&tool, &["--config.check", &flag]);
    assert!(!ok, "blackbox_exporter accepted an unknown key:\n{output}");
}
