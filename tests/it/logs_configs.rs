//! Loki, Alloy, Promtail and Jaeger configs of every fixture: no key the reference lists as
//! removed or deprecated (reference/config-formats.md §3.5, §4.5, §5.5, §8), every key the
//! program needs, and shippers that push to the stack's own Loki.

use crate::logs_fixtures;

use logs_fixtures::{at, key_paths, render_all};
use serde_yaml::Value;
use stackctl::render::log_sources::host_log_mounts;
use stackctl::render::{Kind, Templates};

/// Key names (last path segment) Loki 3 removed or deprecated (§3.5, §8.4).
const LOKI_FORBIDDEN_KEYS: &[&str] = &[
    "shared_store",
    "shared_store_key_prefix",
    "max_transfer_retries",
    "use_boltdb_shipper_as_backup",
    "max_look_back_period",
    "worker_parallelism",
    "evaluation_delay_duration",
    "enforce_metric_name",
    "forward_headers_list",
    "table_manager",
    "boltdb_shipper",
    "row_shards",
    "tags",
    "index_queries_cache_config",
    "index_cache_validity",
    "write_dedupe_cache_config",
    "cache_lookups_older_than",
    "disable_broad_index_queries",
    "per_tenant_override_config",
    "per_tenant_override_period",
    "unordered_writes",
    "ruler_enable_wal_replay",
    "allow_deletes",
    "legacy_read_mode",
    "enable_multi_variant_queries",
];

/// Full key paths Loki 3 moved elsewhere (§3.5).
const LOKI_FORBIDDEN_PATHS: &[&str] = &[
    "compactor.deletion_mode",
    "querier.query_timeout",
    "query_range.split_queries_by_interval",
    "ruler.remote_write.client",
    "schema_config.configs.chunks",
    "schema_config.configs.index.tags",
];

const LOKI_REQUIRED: &[&str] = &[
    "auth_enabled",
    "server.http_listen_port",
    "common.path_prefix",
    "common.replication_factor",
    "common.ring.kvstore.store",
    "common.storage.filesystem.chunks_directory",
    "schema_config.configs",
    "compactor.working_directory",
    "compactor.retention_enabled",
    "compactor.delete_request_store",
    "limits_config.retention_period",
    "analytics.reporting_enabled",
];

/// Jaeger v1 / old-OTel settings (§5.5).
const JAEGER_FORBIDDEN_PATHS: &[&str] = &["service.telemetry.metrics.address"];
const JAEGER_FORBIDDEN_TEXT: &[&str] = &[
    "SPAN_STORAGE_TYPE",
    "COLLECTOR_ZIPKIN_HOST_PORT",
    "COLLECTOR_OTLP_ENABLED",
    "MEMORY_MAX_TRACES",
    "memory.max-traces",
    "all-in-one",
];

/// Promtail YAML keys that must never appear in an `.alloy` file (§4.5).
const PROMTAIL_KEYS_IN_ALLOY: &[&str] = &[
    "scrape_configs",
    "pipeline_stages",
    "job_name",
    "static_configs",
    "clients:",
];

fn forbidden_loki_keys(doc: &Value) -> Vec<String> {
    key_paths(doc)
        .into_iter()
        .filter(|path| {
            let last = path.rsplit('.').next().unwrap_or(path);
            LOKI_FORBIDDEN_KEYS.contains(&last)
                || last.starts_with("ruler_remote_write_")
                || LOKI_FORBIDDEN_PATHS.contains(&path.as_str())
        })
        .collect()
}

#[test]
fn forbidden_key_walk_finds_nested_keys() {
    let doc: Value = serde_yaml::from_str(
        "storage_config: {tsdb_shipper: {shared_store: filesystem}}\nschema_config: {configs: [{chunks: {period: 24h}}]}\nlimits_config: {ruler_remote_write_url: x}\n",
    )
    .unwrap();
    assert_eq!(
        forbidden_loki_keys(&doc),
        [
            "storage_config.tsdb_shipper.shared_store",
            "schema_config.configs.chunks",
            "limits_config.ruler_remote_write_url"
        ]
    );
}

#[test]
fn loki_configs_use_only_current_keys_and_every_required_one() {
    for fixture in render_all() {
        let Some(doc) = fixture.yaml("loki/loki.yaml") else {
            assert!(
                fixture.loaded.manifest.components.loki.is_none(),
                "{}: loki declared but not rendered",
                fixture.name
            );
            continue;
        };
        assert_eq!(
            forbidden_loki_keys(&doc),
            Vec::<String>::new(),
            "{}",
            fixture.name
        );
        for key in LOKI_REQUIRED {
            assert!(
                at(&doc, key).is_some(),
                "{}: loki.yaml lacks `{key}`",
                fixture.name
            );
        }
        let periods = at(&doc, "schema_config.configs")
            .and_then(Value::as_sequence)
            .expect("schema periods");
        for period in periods {
            assert_eq!(period["schema"], Value::from("v13"), "{}", fixture.name);
            assert_eq!(period["store"], Value::from("tsdb"), "{}", fixture.name);
            assert_eq!(
                period["index"]["period"],
                Value::from("24h"),
                "{}",
                fixture.name
            );
        }
        assert_eq!(
            at(&doc, "compactor.delete_request_store"),
            Some(&Value::from("filesystem"))
        );
        assert_eq!(at(&doc, "auth_enabled"), Some(&Value::from(false)));
        let templates = Templates::embedded();
        let stack = fixture.stack(&templates);
        let ruler = at(&doc, "ruler.alertmanager_url")
            .and_then(Value::as_str)
            .map(str::to_string);
        let want = stack
            .get(&Kind::Alertmanager)
            .map(|am| format!("http://{}", am.address()));
        assert_eq!(
            ruler, want,
            "{}: ruler.alertmanager_url follows the stack's Alertmanager",
            fixture.name
        );
    }
}

#[test]
fn loki_retention_follows_the_manifest() {
    for fixture in render_all() {
        let Some(doc) = fixture.yaml("loki/loki.yaml") else {
            continue;
        };
        let loki = fixture
            .loaded
            .manifest
            .components
            .loki
            .as_ref()
            .expect("loki declared");
        let want_hours = loki
            .retention
            .as_ref()
            .and_then(|r| r.millis())
            .unwrap_or(30 * 86_400_000)
            / 3_600_000;
        assert_eq!(
            at(&doc, "limits_config.retention_period"),
            Some(&Value::from(format!("{want_hours}h"))),
            "{}",
            fixture.name
        );
    }
}

#[test]
fn shippers_push_to_the_stacks_loki() {
    let mut shipped = 0;
    for fixture in render_all() {
        let templates = Templates::embedded();
        let stack = fixture.stack(&templates);
        let Some(loki) = stack.get(&Kind::Loki) else {
            continue;
        };
        let push = format!("http://{}/loki/api/v1/push", loki.address());
        if let Some(alloy) = fixture.file("alloy/config.alloy") {
            shipped += 1;
            assert!(
                alloy.contains(&format!("url = \"{push}\"")),
                "{}: alloy does not push to {push}:\n{alloy}",
                fixture.name
            );
            for key in PROMTAIL_KEYS_IN_ALLOY {
                assert!(
                    !alloy.contains(key),
                    "{}: Promtail key `{key}` in config.alloy",
                    fixture.name
                );
            }
        }
        if let Some(doc) = fixture.yaml("promtail/promtail.yaml") {
            shipped += 1;
            let urls: Vec<&str> = doc["clients"]
                .as_sequence()
                .expect("clients")
                .iter()
                .filter_map(|c| c["url"].as_str())
                .collect();
            assert_eq!(urls, [push.as_str()], "{}", fixture.name);
            for key in [
                "server.http_listen_port",
                "positions.filename",
                "scrape_configs",
            ] {
                assert!(
                    at(&doc, key).is_some(),
                    "{}: promtail.yaml lacks `{key}`",
                    fixture.name
                );
            }
            assert!(
                fixture
                    .rendered
                    .warnings
                    .iter()
                    .any(|w| w.contains("end of life")),
                "{}: Promtail renders without the EOL warning",
                fixture.name
            );
        }
    }
    assert!(
        shipped >= 3,
        "the fixtures should cover Alloy and Promtail ({shipped} shipper configs)"
    );
}

#[test]
fn docker_logs_carry_container_service_stream_and_project_labels() {
    for fixture in render_all() {
        let docker = fixture.loaded.manifest.logs.docker.unwrap_or(true);
        if let Some(alloy) = fixture.file("alloy/config.alloy") {
            for label in ["container", "service", "stream", "project"] {
                let rule = format!("target_label  = \"{label}\"");
                assert_eq!(
                    alloy.contains(&rule),
                    docker,
                    "{}: label `{label}`",
                    fixture.name
                );
            }
        }
        if let Some(doc) = fixture.yaml("promtail/promtail.yaml") {
            let targets: Vec<String> = doc["scrape_configs"]
                .as_sequence()
                .into_iter()
                .flatten()
                .filter(|job| job["job_name"] == "docker")
                .flat_map(|job| {
                    job["relabel_configs"]
                        .as_sequence()
                        .cloned()
                        .unwrap_or_default()
                })
                .filter_map(|rule| rule["target_label"].as_str().map(str::to_string))
                .collect();
            let want: Vec<String> = if docker {
                ["container", "service", "stream", "project"]
                    .map(String::from)
                    .to_vec()
            } else {
                vec![]
            };
            assert_eq!(targets, want, "{}", fixture.name);
        }
    }
}

#[test]
fn json_fields_and_files_reach_both_shippers() {
    for fixture in render_all() {
        let logs = &fixture.loaded.manifest.logs;
        let templates = Templates::embedded();
        let mounts = host_log_mounts(&fixture.stack(&templates));
        // The shipper names each file where a read-only mount of its directory shows it.
        let inside: Vec<String> = logs
            .files
            .iter()
            .map(|f| {
                let (host, target) = mounts
                    .iter()
                    .find(|(host, _)| f.path.starts_with(&format!("{host}/")))
                    .unwrap_or_else(|| panic!("{}: no mount shows {}", fixture.name, f.path));
                format!("{target}{}", &f.path[host.len()..])
            })
            .collect();
        if let Some(alloy) = fixture.file("alloy/config.alloy") {
            let json_stage = logs.pipeline.iter().any(|s| s.json.is_some());
            assert_eq!(
                alloy.contains("stage.json"),
                !logs.json_fields.is_empty() || json_stage,
                "{}",
                fixture.name
            );
            for path in &inside {
                let quoted = serde_json::Value::from(path.as_str()).to_string();
                assert!(
                    alloy.contains(&format!("\"__path__\" = {quoted}")),
                    "{}: {path} not shipped",
                    fixture.name,
                );
            }
        }
        if let Some(doc) = fixture.yaml("promtail/promtail.yaml") {
            let paths: Vec<&str> = doc["scrape_configs"]
                .as_sequence()
                .into_iter()
                .flatten()
                .flat_map(|job| job["static_configs"].as_sequence().into_iter().flatten())
                .filter_map(|sc| sc["labels"]["__path__"].as_str())
                .collect();
            assert_eq!(paths, inside, "{}", fixture.name);
            let text = fixture.file("promtail/promtail.yaml").unwrap_or_default();
            let json_stage = logs.pipeline.iter().any(|s| s.json.is_some());
            assert_eq!(
                text.contains("- json:"),
                !logs.json_fields.is_empty() || json_stage,
                "{}",
                fixture.name
            );
        }
    }
}

#[test]
fn jaeger_configs_are_v2_with_reachable_endpoints() {
    for fixture in render_all() {
        let Some(doc) = fixture.yaml("jaeger/config.yaml") else {
            continue;
        };
        let text = fixture.file("jaeger/config.yaml").unwrap_or_default();
        let paths = key_paths(&doc);
        for forbidden in JAEGER_FORBIDDEN_PATHS {
            assert!(
                !paths.iter().any(|p| p == forbidden),
                "{}: `{forbidden}`",
                fixture.name
            );
        }
        for forbidden in JAEGER_FORBIDDEN_TEXT {
            assert!(!text.contains(forbidden), "{}: `{forbidden}`", fixture.name);
        }
        for key in [
            "service.extensions",
            "service.pipelines.traces.receivers",
            "service.pipelines.traces.exporters",
            "service.telemetry.metrics.readers",
            "extensions.jaeger_query.storage.traces",
            "extensions.jaeger_storage.backends.main_store",
            "extensions.healthcheckv2.use_v2",
            "exporters.jaeger_storage_exporter.trace_storage",
        ] {
            assert!(
                at(&doc, key).is_some(),
                "{}: jaeger config lacks `{key}`",
                fixture.name
            );
        }
        for endpoint in paths.iter().filter(|p| p.ends_with(".endpoint")) {
            let value = at(&doc, endpoint)
                .and_then(Value::as_str)
                .unwrap_or_default();
            assert!(
                value.starts_with("0.0.0.0:"),
                "{}: {endpoint} = {value} is not reachable",
                fixture.name
            );
        }
        let traces = &fixture.loaded.manifest.traces;
        let receivers = at(&doc, "service.pipelines.traces.receivers")
            .cloned()
            .unwrap_or(Value::Null);
        let mut want = Vec::new();
        if traces.otlp.unwrap_or(true) {
            want.push("otlp");
        }
        if traces.zipkin {
            want.push("zipkin");
        }
        assert_eq!(
            receivers,
            serde_yaml::to_value(&want).unwrap(),
            "{}",
            fixture.name
        );
        if let Some(badger) = at(&doc, "extensions.jaeger_storage.backends.main_store.badger") {
            assert_eq!(
                badger["ephemeral"],
                Value::from(false),
                "{}: badger must persist",
                fixture.name
            );
            assert!(badger["directories"]["keys"]
                .as_str()
                .is_some_and(|k| k.starts_with("/tmp/badger/")));
        }
    }
}

/// `logs.pipeline` reaches Alloy's `loki.process` and Promtail's `pipeline_stages` with the
/// same stages in the same order, after the `json_fields` stages.
#[test]
fn pipeline_stages_reach_both_shippers_in_order() {
    let yaml = r#"
version: 1
project: pipe
components: {loki: {}, alloy: {}, promtail: {}}
logs:
  json_fields: [trace_id]
  pipeline:
    - json: {level: level, message: msg, ts: time}
    - labels: [level]
    - regex: {expression: '^(?P<method>[A-Z]+) ', source: message}
    - timestamp: {source: ts, format: RFC3339Nano}
    - multiline: {firstline: '^\d{4}-\d{2}-\d{2}', max_wait_time: 3s}
    - drop: {source: level, value: debug}
    - output: message
"#;
    let dir = tempfile::tempdir().expect("temp dir");
    let loaded = stackctl::manifest::load_str(&dir.path().join("stackctl.yaml"), yaml, &|_| None)
        .expect("manifest loads");
    let rendered = stackctl::render::render(&loaded, &Templates::embedded()).expect("renders");
    let alloy = rendered.files["alloy/config.alloy"].contents.expose();
    let blocks: Vec<&str> = alloy
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("stage."))
        .collect();
    assert_eq!(
        blocks,
        [
            "stage.json {",
            "stage.labels {",
            "stage.json {",
            "stage.labels {",
            "stage.regex {",
            "stage.timestamp {",
            "stage.multiline {",
            "stage.drop {",
            "stage.output {"
        ]
    );
    assert!(
        alloy.contains("forward_to    = [loki.process.pipeline.receiver]"),
        "{alloy}"
    );
    for line in [
        r#""message" = "msg","#,
        r#"source = "message""#,
        r#"format = "RFC3339Nano""#,
        r#"firstline = "^\\d{4}-\\d{2}-\\d{2}""#,
        r#"max_wait_time = "3s""#,
        r#"value = "debug""#,
    ] {
        assert!(alloy.contains(line), "alloy lacks `{line}`:\n{alloy}");
    }
    let promtail: Value =
        serde_yaml::from_str(rendered.files["promtail/promtail.yaml"].contents.expose())
            .expect("yaml");
    let stages = promtail["scrape_configs"][0]["pipeline_stages"]
        .as_sequence()
        .expect("docker job has pipeline_stages");
    let kinds: Vec<String> = stages
        .iter()
        .map(|s| {
            s.as_mapping()
                .and_then(|m| m.keys().next())
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "json",
            "labels",
            "json",
            "labels",
            "regex",
            "timestamp",
            "multiline",
            "drop",
            "output"
        ]
    );
    assert_eq!(
        at(&stages[2], "json.expressions.message").and_then(Value::as_str),
        Some("msg")
    );
    assert!(stages[3]["labels"]
        .as_mapping()
        .is_some_and(|m| m.contains_key("level")));
    assert_eq!(stages[4]["regex"]["source"].as_str(), Some("message"));
    assert_eq!(
        stages[5]["timestamp"]["format"].as_str(),
        Some("RFC3339Nano")
    );
    assert_eq!(
        stages[6]["multiline"]["firstline"].as_str(),
        Some(r"^\d{4}-\d{2}-\d{2}")
    );
    assert_eq!(stages[7]["drop"]["value"].as_str(), Some("debug"));
    assert_eq!(stages[8]["output"]["source"].as_str(), Some("message"));
}
