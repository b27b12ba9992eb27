//! The compose model of hand-made specs: escaping, mounts, secrets, networks, conditions.

use super::*;
use crate::service::{HealthCheck, SecretMount};

fn spec(name: &str) -> ServiceSpec {
    ServiceSpec::new(name, format!("example/{name}:v1"))
}

fn yaml(file: &ComposeFile) -> serde_yaml::Value {
    serde_yaml::to_value(file).expect("compose model serializes")
}

#[test]
fn dollar_signs_from_the_manifest_are_never_interpolated() {
    let mut s = spec("grafana");
    s.environment.insert(
        "GF_SERVER_ROOT_URL".into(),
        "https://x/$HOME/${USER}".into(),
    );
    s.command = vec!["--label=$cost".into()];
    let file = compose_file("p", &[], &[s]);
    let service = &file.services["grafana"];
    assert_eq!(
        service.environment["GF_SERVER_ROOT_URL"],
        "https://x/$$HOME/$${USER}"
    );
    assert_eq!(service.command, ["--label=$$cost"]);
}

#[test]
fn socket_group_comes_from_the_environment_with_a_hint() {
    let mut s = spec("prometheus");
    s.docker_socket_group = true;
    let file = compose_file("p", &[], &[s]);
    let group = &file.services["prometheus"].group_add;
    assert_eq!(group.len(), 1);
    assert!(
        group[0].starts_with("${DOCKER_GID:?set DOCKER_GID"),
        "{}",
        group[0]
    );
}

#[test]
fn mounts_use_long_syntax_relative_to_the_compose_file() {
    let mut s = spec("node-exporter");
    s.mounts
        .push(MountSpec::bind_read_only("prometheus", "/etc/prometheus"));
    s.mounts
        .push(MountSpec::volume("prometheus-data", "/prometheus"));
    let mut root = MountSpec::bind_read_only("/", "/host");
    root.propagation = Some("rslave".into());
    s.mounts.push(root);
    s.mounts.push(MountSpec::bind_read_only(
        "/var/run/docker.sock",
        "/var/run/docker.sock",
    ));
    let value = yaml(&compose_file("p", &[], &[s]));
    let expected: serde_yaml::Value = serde_yaml::from_str(
        r#"
- {type: bind, source: ./prometheus, target: /etc/prometheus, read_only: true, bind: {create_host_path: true}}
- {type: volume, source: prometheus-data, target: /prometheus}
- {type: bind, source: /, target: /host, read_only: true, bind: {propagation: rslave, create_host_path: false}}
- {type: bind, source: /var/run/docker.sock, target: /var/run/docker.sock, read_only: true}
"#,
    )
    .expect("expected mounts parse");
    assert_eq!(value["services"]["node-exporter"]["volumes"], expected);
    assert_eq!(
        value["volumes"]["prometheus-data"],
        serde_yaml::Value::Mapping(Default::default())
    );
}

#[test]
fn secrets_are_project_wide_files_seen_under_their_own_name() {
    let mut s = spec("cache-exporter");
    s.secrets.push(SecretMount {
        name: "redis-passwords.json".into(),
        file: "secrets/cache-exporter/redis-passwords.json".into(),
        uid: Some(59000),
    });
    let value = yaml(&compose_file("p", &[], &[s]));
    assert_eq!(
        value["secrets"]["cache-exporter-redis-passwords.json"]["file"],
        "./secrets/cache-exporter/redis-passwords.json"
    );
    let reference = &value["services"]["cache-exporter"]["secrets"][0];
    assert_eq!(reference["source"], "cache-exporter-redis-passwords.json");
    assert_eq!(reference["target"], "redis-passwords.json");
}

#[test]
fn dependencies_wait_for_health_only_where_a_check_exists() {
    let mut loki = spec("loki");
    loki.healthcheck = Some(HealthCheck {
        test: vec!["CMD".into(), "/usr/bin/loki".into(), "-health".into()],
        interval_secs: 10,
        timeout_secs: 5,
        retries: 5,
        start_period_secs: 20,
    });
    let alloy = spec("alloy");
    let mut grafana = spec("grafana");
    grafana.depends_on = vec!["loki".into(), "alloy".into()];
    let file = compose_file("p", &[], &[loki, alloy, grafana]);
    let deps = &file.services["grafana"].depends_on;
    assert_eq!(deps["loki"].condition, "service_healthy");
    assert_eq!(deps["alloy"].condition, "service_started");
    let health = file.services["loki"].healthcheck.as_ref().expect("health");
    assert_eq!(
        (health.interval.as_str(), health.start_period.as_str()),
        ("10s", "20s")
    );
}

#[test]
fn external_networks_are_declared_and_joined_beside_default() {
    let mut prometheus = spec("prometheus");
    prometheus.networks = vec!["shop-network".into()];
    let grafana = spec("grafana");
    let value = yaml(&compose_file(
        "shop",
        &["shop-network".into()],
        &[prometheus, grafana],
    ));
    assert_eq!(value["networks"]["shop-network"]["external"], true);
    assert_eq!(
        value["services"]["prometheus"]["networks"],
        serde_yaml::to_value(["default", "shop-network"]).unwrap()
    );
    assert!(value["services"]["grafana"].get("networks").is_none());
    assert_eq!(value["name"], "shop");
    assert!(value.get("version").is_none());
}

#[test]
fn every_service_rotates_its_logs_and_restarts_unless_stopped() {
    let value = yaml(&compose_file("p", &[], &[spec("a")]));
    let service = &value["services"]["a"];
    assert_eq!(service["restart"], "unless-stopped");
    assert_eq!(service["logging"]["driver"], "json-file");
    assert_eq!(service["logging"]["options"]["max-size"], LOG_MAX_SIZE);
    assert_eq!(service["logging"]["options"]["max-file"], LOG_MAX_FILES);
}

#[test]
fn header_tells_which_secret_files_to_hand_to_non_root_programs() {
    let mut exporter = spec("cache-exporter");
    exporter.secrets.push(SecretMount {
        name: "redis-passwords.json".into(),
        file: "secrets/cache-exporter/redis-passwords.json".into(),
        uid: Some(59000),
    });
    let mut alloy = spec("alloy");
    alloy.secrets.push(SecretMount {
        name: "token".into(),
        file: "secrets/alloy/token".into(),
        uid: None,
    });
    let mut prometheus = spec("prometheus");
    prometheus.docker_socket_group = true;
    let text = header(&[exporter, alloy, prometheus]);
    assert!(
        text.contains("#   sudo chown 59000 secrets/cache-exporter/redis-passwords.json\n"),
        "{text}"
    );
    assert!(!text.contains("secrets/alloy/token"), "{text}");
    assert!(
        text.contains("DOCKER_GID=$(stat -c %g /var/run/docker.sock)"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.starts_with('#')), "{text}");
    assert_eq!(header(&[spec("a")]).lines().count(), 2);
}
