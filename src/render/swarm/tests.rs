use crate::manifest::load_str;
use crate::render::{render, Templates};

use super::*;

fn rendered(extra: &str) -> crate::render::RenderedStack {
    let source = format!(
        "version: 1\nproject: demo\nengine: swarm\nbind: 0.0.0.0\ncomponents:\n  prometheus: {{}}\n  alertmanager: {{}}\n  node_exporter: {{}}\n{extra}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "STACKCTL_WEB_PASSWORD=s3cret-web-pw\n",
    )
    .unwrap();
    // A pair in `.stackctl/tls` (as a Compose deploy of this stack would leave) is not used
    // on a Swarm (`web_auth::serves_tls`). One pair for every test, so equal manifests render equal hashes.
    static PAIR: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (cert, key) = PAIR.get_or_init(|| {
        let names = crate::render::tls::names("demo", "0.0.0.0");
        let pair = crate::render::tls::generate("demo", names).unwrap();
        (pair.cert, pair.key.expose().to_string())
    });
    let tls_dir = crate::render::tls::dir(dir.path());
    std::fs::create_dir_all(&tls_dir).unwrap();
    std::fs::write(tls_dir.join(crate::render::tls::CERT), cert).unwrap();
    std::fs::write(tls_dir.join(crate::render::tls::KEY), key).unwrap();
    let env = |_: &str| None;
    let loaded = load_str(&dir.path().join("stackctl.yaml"), &source, &env)
        .unwrap_or_else(|e| panic!("{e}"));
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
    let config = stack.files["prometheus/prometheus.yml"].contents.expose();
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

/// On a Swarm the protected programs keep basic auth over plain HTTP: their task health checks
/// and `tasks.*` peers are not wired for the stack's certificate (`web_auth::serves_tls`).
#[test]
fn a_swarm_stack_keeps_basic_auth_without_tls() {
    let stack = rendered("");
    let prometheus = stack
        .services
        .iter()
        .find(|s| s.name == "prometheus")
        .unwrap();
    assert!(prometheus.web_auth && !prometheus.web_tls);
    let web = stack
        .files
        .iter()
        .find(|(path, _)| path.ends_with("web.yml") && path.contains("prometheus"))
        .map(|(_, file)| file.contents.expose().to_string())
        .expect("prometheus web config");
    assert!(web.contains("basic_auth_users"), "{web}");
    assert!(!web.contains("tls_server_config"), "{web}");
}
