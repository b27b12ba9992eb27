use crate::manifest::{load_str, Generated, Secret};
use crate::render::{render, Templates};
use objects::object_name;

use super::*;

fn rendered(extra: &str) -> crate::render::RenderedStack {
    let source = format!(
        "version: 1\nproject: demo\nengine: swarm\nbind: 0.0.0.0\ncomponents:\n  prometheus: {{}}\n  alertmanager: {{}}\n  node_exporter: {{}}\n{extra}"
    );
    // `bind: 0.0.0.0` serves HTTPS: the pair `deploy` would generate into `.stackctl/tls`.
    // One pair for every test, so equal manifests render equal hashes.
    static PAIR: std::sync::OnceLock<crate::render::tls::Pair> = std::sync::OnceLock::new();
    let pair = PAIR.get_or_init(|| {
        let names = crate::render::tls::names("demo", "0.0.0.0");
        crate::render::tls::generate("demo", names).unwrap()
    });
    let env = |_: &str| None;
    let mut loaded = load_str(std::path::Path::new("stackctl.yaml"), &source, &env)
        .unwrap_or_else(|e| panic!("{e}"));
    loaded.generated = Generated {
        web_password: Some(Secret::new("s3cret-web-pw")),
        // One key for every render, as `STACKCTL_SWARM_KEY` is: secret names stay the same.
        swarm_key: Some(Secret::new("a-fixed-key-for-every-render")),
        tls: Some(pair.clone()),
    };
    render(&loaded, &Templates::embedded()).unwrap_or_else(|e| panic!("{e:#}"))
}

#[test]
fn agents_are_global_and_replicas_cluster() {
    let stack = rendered("swarm: {replicas: {alertmanager: 3, prometheus: 2}}");
    let file = stack.swarm.as_ref().expect("swarm model");
    let node = &file.services["node-exporter"];
    assert_eq!(node.deploy.mode, "global");
    assert!(
        node.command.iter().any(|c| c == "--path.procfs=/host/proc"),
        "{:?}",
        node.command
    );
    let am = &file.services["alertmanager"];
    assert_eq!(am.deploy.replicas, Some(3));
    assert!(am
        .command
        .iter()
        .any(|c| c == "--cluster.peer=tasks.alertmanager:9094"));
    assert_eq!(am.ports[0].mode, "ingress");
    let prom = &file.services["prometheus"];
    assert_eq!(
        prom.environment[super::services::REPLICA_VARIABLE],
        "{{.Task.Slot}}"
    );
    assert!(prom
        .deploy
        .placement
        .constraints
        .contains(&"node.role==manager".to_string()));
    assert_eq!(prom.deploy.update_config.failure_action, "rollback");
    let config = &stack.files["prometheus/prometheus.yml"].contents.expose();
    assert!(config.contains("dockerswarm_sd_configs"), "{config}");
    assert!(config.contains("tasks.alertmanager"), "{config}");
    assert!(
        config.contains("\"replica\": \"${STACKCTL_REPLICA}\""),
        "{config}"
    );
    assert!(stack.files.contains_key(STACK_FILE));
    assert!(!stack.files.contains_key("docker-compose.yml"));
    assert!(
        stack.warnings.iter().any(|w| w.contains("pid: host")),
        "{:?}",
        stack.warnings
    );
}

#[test]
fn a_config_change_renames_the_config_and_changes_the_service_hash() {
    let a = rendered("alerts: {}");
    let b = rendered("labels: {env: prod}");
    let hash = |s: &crate::render::RenderedStack| {
        s.swarm.as_ref().unwrap().services["prometheus"]
            .deploy
            .labels[HASH_LABEL]
            .clone()
    };
    assert_ne!(hash(&a), hash(&b));
    let unchanged = rendered("alerts: {}");
    assert_eq!(hash(&a), hash(&unchanged));
}

#[test]
fn rendered_files_become_configs_at_the_paths_programs_read() {
    let stack = rendered("");
    let file = stack.swarm.as_ref().unwrap();
    let prom = &file.services["prometheus"];
    assert!(
        prom.configs
            .iter()
            .any(|c| c.target == "/etc/prometheus/prometheus.yml"),
        "{:?}",
        prom.configs
    );
    for config in &prom.configs {
        assert!(file.configs.contains_key(&config.source));
    }
}

/// An exposed Swarm stack serves HTTPS as a Compose one does: the web configs hold the
/// certificate, the task health checks speak HTTPS to their own loopback and pass only once the
/// program reports its configuration loaded, Prometheus verifies the task IPs that
/// `tasks.SERVICE` answers against the service's name, and the Alertmanager replicas gossip
/// over mutual TLS, each advertising its own address on the stack network.
#[test]
fn a_swarm_stack_serves_https_to_clients_health_checks_and_gossip_peers() {
    let stack = rendered("swarm: {replicas: {alertmanager: 3}}");
    let file = stack.swarm.as_ref().unwrap();
    for name in ["prometheus", "alertmanager"] {
        let spec = stack.services.iter().find(|s| s.name == name).unwrap();
        assert!(spec.web_auth && spec.web_tls, "{name}");
        let web = &stack.files[&format!("secrets/{name}/web.yml")]
            .contents
            .expose();
        assert!(web.contains("tls_server_config:"), "{web}");
        let test = file.services[name]
            .healthcheck
            .as_ref()
            .unwrap()
            .test
            .join(" ");
        assert!(
            test.contains("busybox ssl_client -s 3")
                && test.contains("\"$(busybox cat /run/secrets/web-password)\"")
                && test.contains("case \"$(get /-/ready)\" in \"HTTP/1.\"?\" 200 \"*)"),
            "{test}"
        );
        // The password reaches no command line: no wget URL, no argument built from it.
        assert!(
            !test.contains("wget") && !test.contains("@127.0.0.1"),
            "{test}"
        );
        let metric = format!("*\"{name}_config_last_reload_successful 1\"*");
        assert!(test.contains(&metric), "{test}");
        assert!(!test.contains("s3cret-web-pw"));
    }
    let config = &stack.files["prometheus/prometheus.yml"].contents.expose();
    assert_eq!(
        config.matches("server_name: \"alertmanager\"").count(),
        2,
        "alert delivery and the alertmanager scrape verify the service name:\n{config}"
    );
    assert!(config.contains("tasks.alertmanager"), "{config}");

    let am = &file.services["alertmanager"];
    for flag in [
        "--cluster.peer=tasks.alertmanager:9094",
        "--cluster.tls-config=/run/secrets/cluster-tls.yml",
    ] {
        assert!(
            am.command.iter().any(|c| c == flag),
            "{flag}: {:?}",
            am.command
        );
    }
    let entrypoint = am.entrypoint.as_ref().unwrap().join(" ");
    assert!(
        entrypoint.contains("exec /bin/alertmanager \"$@\" --cluster.advertise-address=$a:9094"),
        "{entrypoint}"
    );
    assert!(am.secrets.iter().any(|s| s.target == "cluster-tls.yml"));
    let cluster = &stack.files["secrets/alertmanager/cluster-tls.yml"]
        .contents
        .expose();
    let parsed: serde_yaml::Value = serde_yaml::from_str(cluster).unwrap();
    assert_eq!(
        parsed["tls_server_config"]["client_auth_type"],
        "RequireAndVerifyClientCert"
    );
    assert_eq!(parsed["tls_client_config"]["server_name"], "alertmanager");
}

/// Secret names are HMACs under the stack's key: the same under one key, and never a plain
/// hash of the contents that could be checked against guesses.
#[test]
fn secret_names_are_keyed_by_the_stack_key() {
    let names = |s: &crate::render::RenderedStack| -> Vec<String> {
        let file = s.swarm.as_ref().unwrap();
        file.secrets.values().map(|o| o.name.clone()).collect()
    };
    let a = rendered("");
    assert!(!names(&a).is_empty());
    assert_eq!(names(&a), names(&rendered("")), "one key, one name");
    let password = &a
        .files
        .keys()
        .find(|p| p.ends_with("/web-password"))
        .unwrap()
        .clone();
    let plain = object_name(
        "demo",
        password,
        a.files[password].contents.expose().as_bytes(),
    );
    assert!(
        !names(&a).contains(&plain),
        "{plain} is a plain content hash"
    );
}
