//! Passthrough: `args`, `env`, node_exporter `collectors`, Grafana `settings`, and
//! `extra_config` of Loki, Promtail, Jaeger, blackbox_exporter and Alloy. The real
//! node_exporter judges the flags and the real blackbox_exporter the merged config (local
//! `stackctl-test/*` images; skipped visibly without Docker, failing under `CI=true`).

use crate::common;

use std::path::Path;
use std::process::Command;

use stackctl::manifest::load_str;
use stackctl::render::{render, RenderedStack, Templates};
use stackctl::service::ServiceSpec;

const NODE_EXPORTER: &str = "stackctl-test/node-exporter:1.5.0";
const BLACKBOX: &str = "stackctl-test/blackbox-exporter:0.23.0";

fn rendered(yaml: &str) -> RenderedStack {
    let env = |name: &str| (name == "ES_PASSWORD").then(|| "es-secret-1".to_string());
    let loaded = load_str(Path::new("stackctl.yaml"), yaml, &env)
        .unwrap_or_else(|e| panic!("manifest does not load: {e}"));
    render(&loaded, &Templates::embedded()).unwrap_or_else(|e| panic!("render failed: {e}"))
}

fn service<'a>(stack: &'a RenderedStack, name: &str) -> &'a ServiceSpec {
    stack
        .services
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no service `{name}`"))
}

fn yaml_file(stack: &RenderedStack, path: &str) -> serde_yaml::Value {
    serde_yaml::from_str(stack.files[path].contents.expose()).expect("rendered YAML parses")
}

/// A local image, or `None` after a visible SKIP (a failure under `CI=true`).
fn image(name: &str) -> Option<()> {
    let found = common::find_on_path("docker").is_some()
        && Command::new("docker")
            .args(["image", "inspect", name])
            .output()
            .is_ok_and(|o| o.status.success());
    if found {
        Some(())
    } else {
        common::skip(&format!(
            "docker and the image {name} (tests/images/build.sh)"
        ))
    }
}

const NODE: &str = r#"
version: 1
project: g1-pass
components:
  node_exporter:
    version: 1.5.0
    collectors: {enable: [systemd, processes], disable: [wifi]}
    args: ["--collector.filesystem.mount-points-exclude=^/(sys|proc|dev)($|/)"]
    env: {TZ: UTC}
"#;

#[test]
fn node_exporter_accepts_the_rendered_collectors_and_args() {
    let stack = rendered(NODE);
    let node = service(&stack, "node-exporter");
    assert!(node.command.contains(&"--no-collector.wifi".to_string()));
    assert_eq!(node.environment["TZ"], "UTC");
    let compose = stack.files["docker-compose.yml"].contents.expose();
    assert!(compose.contains("--collector.systemd"), "{compose}");
    let Some(()) = image(NODE_EXPORTER) else {
        return;
    };
    // kingpin refuses an unknown flag before it prints the version.
    let output = Command::new("docker")
        .args(["run", "--rm", NODE_EXPORTER])
        .args(&node.command)
        .arg("--version")
        .output()
        .expect("docker runs");
    let text = String::from_utf8_lossy(&output.stderr).to_string()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success()
            && text.contains("node_exporter, version")
            && !text.contains("error"),
        "{:?}\n{text}",
        node.command
    );
}

#[test]
fn blackbox_exporter_accepts_its_config_with_extra_config_merged() {
    let stack = rendered(
        r#"
version: 1
project: g1-pass
components:
  blackbox_exporter:
    version: 0.23.0
    extra_config:
      modules:
        http_2xx: {http: {preferred_ip_protocol: ip4}}
        tcp_tls: {prober: tcp, timeout: 5s, tcp: {tls: true}}
"#,
    );
    let doc = yaml_file(&stack, "blackbox/blackbox.yml");
    assert_eq!(
        doc["modules"]["http_2xx"]["http"]["preferred_ip_protocol"],
        "ip4"
    );
    assert_eq!(
        doc["modules"]["http_2xx"]["prober"], "http",
        "merged, not replaced"
    );
    assert_eq!(doc["modules"]["tcp_tls"]["tcp"]["tls"], true);
    assert!(doc["modules"].get("icmp").is_some());
    let Some(()) = image(BLACKBOX) else {
        return;
    };
    let dir = common::tempdir();
    std::fs::write(
        dir.path().join("blackbox.yml"),
        stack.files["blackbox/blackbox.yml"].contents.expose(),
    )
    .expect("write");
    let mount = format!("{}:/cfg:ro", dir.path().display());
    let output = Command::new("docker")
        .args(["run", "--rm", "-v", &mount, BLACKBOX])
        .args(["--config.file=/cfg/blackbox.yml", "--config.check"])
        .output()
        .expect("docker runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn extra_config_deep_merges_into_loki_promtail_and_jaeger_and_alloy_gets_its_text_appended() {
    let stack = rendered(
        r#"
version: 1
project: g1-pass
components:
  loki: {extra_config: {limits_config: {ingestion_rate_mb: 8, ingestion_burst_size_mb: 16}}}
  promtail: {extra_config: {server: {log_level: debug}}}
  alloy:
    extra_config: |
      prometheus.exporter.self "alloy" { }
  jaeger: {extra_config: {processors: {batch: {timeout: 2s}}}}
"#,
    );
    let loki = yaml_file(&stack, "loki/loki.yaml");
    assert_eq!(loki["limits_config"]["ingestion_rate_mb"], 8);
    assert!(
        loki["limits_config"].get("retention_period").is_some(),
        "stackctl's own limits stay"
    );
    let promtail = yaml_file(&stack, "promtail/promtail.yaml");
    assert_eq!(promtail["server"]["log_level"], "debug");
    assert!(promtail["server"].get("http_listen_port").is_some());
    let jaeger = yaml_file(&stack, "jaeger/config.yaml");
    assert_eq!(jaeger["processors"]["batch"]["timeout"], "2s");
    for path in [
        "loki/loki.yaml",
        "promtail/promtail.yaml",
        "jaeger/config.yaml",
    ] {
        assert!(
            stack.files[path]
                .contents
                .expose()
                .contains("extra_config` merged in"),
            "{path} says where the overrides come from"
        );
    }
    let alloy = stack.files["alloy/config.alloy"].contents.expose();
    assert!(
        alloy.ends_with(
            "// components.alloy.extra_config\nprometheus.exporter.self \"alloy\" { }\n"
        ),
        "{alloy}"
    );
}

#[test]
fn grafana_settings_and_env_reach_the_container_and_the_compose_export() {
    let stack = rendered(
        r#"
version: 1
project: g1-pass
components:
  grafana:
    admin_password: pw
    settings: {users: {allow_sign_up: false}, auth.anonymous: {enabled: false}, dashboards: {min_refresh_interval: 10s}}
    env: {TZ: UTC}
"#,
    );
    let grafana = service(&stack, "grafana");
    assert_eq!(
        grafana.environment["GF_DASHBOARDS_MIN_REFRESH_INTERVAL"],
        "10s"
    );
    assert_eq!(grafana.environment["GF_USERS_ALLOW_SIGN_UP"], "false");
    assert_eq!(grafana.environment["TZ"], "UTC");
    let compose: serde_yaml::Value =
        serde_yaml::from_str(stack.files["docker-compose.yml"].contents.expose())
            .expect("compose parses");
    let env = &compose["services"]["grafana"]["environment"];
    assert_eq!(env["GF_DASHBOARDS_MIN_REFRESH_INTERVAL"], "10s", "{env:?}");
}
