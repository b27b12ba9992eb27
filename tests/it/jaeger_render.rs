//! Jaeger v2: Elasticsearch/OpenSearch storage, `base_path` and the legacy receivers
//! (`traces.jaeger`), rendered in the shape of upstream's `cmd/jaeger/config-elasticsearch.yaml`,
//! `config-opensearch.yaml` and `internal/all-in-one.yaml`.

use std::path::Path;

use serde_yaml::Value;
use stackctl::manifest::load_str;
use stackctl::render::{render, FileMode, RenderedStack, Templates};

const ES_PASSWORD: &str = "es-s3cret-1";

fn rendered(yaml: &str) -> RenderedStack {
    let env = |name: &str| (name == "ES_PASSWORD").then(|| ES_PASSWORD.to_string());
    let loaded = load_str(Path::new("stackctl.yaml"), yaml, &env)
        .unwrap_or_else(|e| panic!("manifest does not load: {e}"));
    render(&loaded, &Templates::embedded()).unwrap_or_else(|e| panic!("render failed: {e}"))
}

fn config(stack: &RenderedStack) -> Value {
    serde_yaml::from_str(stack.files["jaeger/config.yaml"].contents.expose())
        .expect("config parses")
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("test yaml parses")
}

fn manifest(jaeger: &str, traces: &str) -> String {
    format!(
        "version: 1\nproject: g1-jaeger\ncomponents:\n  grafana: {{admin_password: pw}}\n  jaeger: {jaeger}\ntraces: {traces}\n"
    )
}

#[test]
fn elasticsearch_storage_renders_servers_prefix_and_basic_auth_with_the_password_by_file() {
    let stack = rendered(&manifest(
        r#"{storage: elasticsearch, elasticsearch: {servers: ["http://es:9200"], username: jaeger, password: "${ES_PASSWORD}", index_prefix: app}}"#,
        "{}",
    ));
    let doc = config(&stack);
    assert_eq!(
        doc["extensions"]["jaeger_storage"]["backends"]["main_store"],
        yaml(
            "{elasticsearch: {server_urls: ['http://es:9200'], indices: {index_prefix: app}, auth: {basic: {username: jaeger, password_file: /run/secrets/elasticsearch_password}}}}"
        )
    );
    let secret = &stack.files["secrets/jaeger/elasticsearch_password"];
    assert_eq!(secret.contents.expose(), ES_PASSWORD);
    assert_eq!(secret.mode(), FileMode::Secret);
    for (path, file) in &stack.files {
        if file.mode() != FileMode::Secret {
            assert!(
                !file.contents.expose().contains(ES_PASSWORD),
                "password in {path}"
            );
        }
    }
    let jaeger = stack.services.iter().find(|s| s.name == "jaeger").unwrap();
    assert!(
        jaeger.volumes().next().is_none(),
        "no badger volume with Elasticsearch"
    );
    assert!(jaeger
        .secrets
        .iter()
        .any(|s| s.name == "elasticsearch_password"));
}

#[test]
fn opensearch_storage_needs_no_credentials() {
    let doc = config(&rendered(&manifest(
        r#"{storage: opensearch, opensearch: {servers: ["https://os-1:9200", "https://os-2:9200"]}}"#,
        "{}",
    )));
    assert_eq!(
        doc["extensions"]["jaeger_storage"]["backends"]["main_store"],
        yaml("{opensearch: {server_urls: ['https://os-1:9200', 'https://os-2:9200']}}")
    );
}

#[test]
fn base_path_reaches_the_query_extension_the_grafana_datasource_and_the_ui_url() {
    let stack = rendered(&manifest("{base_path: /jaeger}", "{}"));
    assert_eq!(
        config(&stack)["extensions"]["jaeger_query"]["base_path"],
        "/jaeger"
    );
    let datasources: Value = serde_yaml::from_str(
        stack.files["grafana/provisioning/datasources/stackctl.yaml"]
            .contents
            .expose(),
    )
    .unwrap();
    let jaeger = datasources["datasources"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|d| d["type"] == "jaeger")
        .expect("a jaeger datasource");
    assert_eq!(jaeger["url"], "http://jaeger:16686/jaeger");
    let service = stack.services.iter().find(|s| s.name == "jaeger").unwrap();
    assert_eq!(
        service.url.as_deref(),
        Some("http://127.0.0.1:16686/jaeger")
    );
}

#[test]
fn legacy_receivers_open_thrift_http_and_grpc_and_publish_their_ports() {
    let stack = rendered(&manifest("{}", "{jaeger: true}"));
    let doc = config(&stack);
    assert_eq!(
        doc["receivers"]["jaeger"],
        yaml("{protocols: {grpc: {endpoint: '0.0.0.0:14250'}, thrift_http: {endpoint: '0.0.0.0:14268'}}}")
    );
    assert_eq!(
        doc["service"]["pipelines"]["traces"]["receivers"],
        yaml("[otlp, jaeger]")
    );
    let service = stack.services.iter().find(|s| s.name == "jaeger").unwrap();
    let ports: Vec<u16> = service.ports.iter().map(|p| p.container_port).collect();
    assert!(
        ports.contains(&14268) && ports.contains(&14250),
        "{ports:?}"
    );
    let only_legacy = config(&rendered(&manifest("{}", "{otlp: false, jaeger: true}")));
    assert_eq!(
        only_legacy["service"]["pipelines"]["traces"]["receivers"],
        yaml("[jaeger]")
    );
    let without = config(&rendered(&manifest("{}", "{}")));
    assert!(without["receivers"].get("jaeger").is_none());
}
