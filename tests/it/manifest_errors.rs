//! Invalid manifests: each fixture under `tests/fixtures/invalid/<name>/` is one realistic
//! operator mistake; its error output (message, location, hint) is pinned by a snapshot.
//! Valid manifests from the design contract must load without a problem.

use std::path::{Path, PathBuf};

use stackctl::manifest::{load, load_str, LoadError};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid")
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_root())
        .expect("tests/fixtures/invalid exists")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("stackctl.yaml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Copies a fixture directory (manifest, `.env`, anything else) into a fresh temp dir.
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(fixtures_root().join(name)).expect("fixture dir") {
        let entry = entry.expect("fixture entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy fixture file");
    }
    dir
}

/// Runs `stackctl render` on the fixture copy in `dir`; returns stderr with the temp dir
/// replaced so snapshots are stable. Exit code 2 and no output directory are part of the check.
fn render_error_output(name: &str, dir: &Path) -> String {
    let manifest = dir.join("stackctl.yaml");
    let out = dir.join("out");
    let output = assert_cmd::Command::cargo_bin("stackctl")
        .expect("stackctl binary")
        .current_dir(dir)
        .env_remove("GRAFANA_ADMIN_PASSWORD")
        .arg("render")
        .arg("-f")
        .arg(&manifest)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run stackctl");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{name}: exit status {:?}\n{stderr}",
        output.status
    );
    assert!(
        !out.exists(),
        "{name}: `render` created the output directory despite errors"
    );
    stderr
        .replace(&manifest.display().to_string(), "stackctl.yaml")
        .replace(&dir.display().to_string(), "<fixture>")
}

#[test]
fn every_invalid_fixture_is_rejected_with_a_pinned_message() {
    let names = fixture_names();
    assert!(
        names.len() >= 32,
        "only {} fixtures under tests/fixtures/invalid",
        names.len()
    );
    for name in names {
        let dir = copy_fixture(&name);
        let output = render_error_output(&name, dir.path());
        insta::assert_snapshot!(name.as_str(), output);
    }
}

/// Every example of design/manifest.md, assembled into one manifest.
const DESIGN_EXAMPLES: &str = r#"
version: 1
project: shop
bind: 127.0.0.1
labels:
  cluster: shop-prod
  environment: production
networks: [shop-network]
components:
  prometheus:
    scrape_interval: 15s
    scrape_timeout: 10s
    evaluation_interval: 15s
    retention: {time: 15d, size: 50GB}
    remote_write:
      - url: https://mimir.example.com/api/v1/push
        basic_auth: {username: shop, password: "${MIMIR_PASSWORD}"}
        headers: {X-Scope-OrgID: shop}
    extra_config:
      global: {query_log_file: /prometheus/query.log}
  alertmanager: {}
  grafana: {admin_password: "${GRAFANA_ADMIN_PASSWORD}", root_url: "https://grafana.example.com", plugins: [grafana-piechart-panel], anonymous: false}
  loki: {retention: 30d}
  alloy: {}
  jaeger: {storage: badger, retention: 72h}
  node_exporter: {}
  cadvisor: {}
  blackbox_exporter:
    modules:
      http_post_2xx: {prober: http, http: {method: POST}}
  pushgateway: {}
scrape:
  - job: api
    targets: [api:5500, api-2:5500]
    metrics_path: /metrics
    interval: 10s
    timeout: 5s
    scheme: http
    labels: {service: api, team: payments}
    honor_labels: false
    basic_auth: {username: metrics, password: "${API_METRICS_PASSWORD}"}
    relabel: []
    metric_relabel: []
  - job: api-token
    targets: [api:5501]
    bearer_token: "${API_TOKEN}"
  - job: spring
    metrics_path: /actuator/prometheus
    targets: [auth:8001, user:8002]
  - job: site
    probe: {module: http_2xx, targets: [https://shop.example.com]}
  - job: containers
    docker: {label: prometheus.scrape}
exporters:
  - type: redis
    name: cache
    target: redis:6379
    password: "${REDIS_PASSWORD}"
  - type: postgres
    dsn: "${POSTGRES_DSN}"
alerts:
  presets: auto
  thresholds:
    host_memory_used: 0.9
    host_disk_free: 0.1
  disable: [HostHighCpuLoad]
  groups:
    - name: shop
      interval: 30s
      rules:
        - alert: ApiDown
          expr: up{job="api"} == 0
          for: 1m
          severity: critical
          labels: {team: payments}
          summary: API is down
          description: "{{ $labels.instance }} has been down for more than 1 minute"
          runbook: https://wiki.example.com/runbooks/api-down
        - alert: ApiSlow
          expr: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1
          severity: warning
        - record: job:http_requests:rate5m
          expr: sum by (job) (rate(http_requests_total[5m]))
  files: [rules/legacy.yml]
  tests: [rules/tests.yml]
slos:
  - name: api-availability
    objective: 99.9
    window: 30d
    errors: http_requests_total{job="api",code=~"5.."}
    total: http_requests_total{job="api"}
  - name: api-latency
    objective: 99
    window: 30d
    latency: {histogram: http_request_duration_seconds, selector: '{job="api"}', threshold: 0.5s}
notify:
  default: team-email
  group_by: [alertname, cluster, service]
  group_wait: 10s
  group_interval: 5m
  repeat_interval: 12h
  receivers:
    team-email:
      email: {to: [alerts@shop.example.com], from: am@shop.example.com,
              smarthost: smtp.example.com:587, username: am@shop.example.com, password: "${SMTP_PASSWORD}"}
    oncall:
      pagerduty: {routing_key: "${PAGERDUTY_KEY}"}
    chat:
      slack: {webhook_url: "${SLACK_WEBHOOK_URL}", channel: '#alerts', send_resolved: true}
    teams:
      msteams: {webhook_url: "${TEAMS_WEBHOOK_URL}"}
    bot:
      webhook: {url: http://bot:5001/alerts}
  routes:
    - match: {severity: critical}
      receiver: oncall
      continue: true
      mute_time_intervals: [nights]
    - match: {severity: warning}
      receiver: chat
      routes:
        - match_re: {service: "api|web"}
          receiver: teams
        - match: {team: bots}
          receiver: bot
  inhibit:
    - source: {severity: critical}
      target: {severity: warning}
      equal: [alertname, instance]
  quiet_hours:
    nights: [{times: ["22:00-07:00"], weekdays: ["monday:friday"], location: Europe/Berlin}]
logs:
  docker: true
  json_fields: [level, service]
  files:
    - {path: /var/log/nginx/*.log, labels: {job: nginx}}
traces:
  otlp: true
  zipkin: false
dashboards:
  folder: Shop
  generated: true
  files: [dashboards/*.json]
"#;

use crate::common::DEMO_STACK as MINIMAL;

fn design_env(name: &str) -> Option<String> {
    let known = [
        "MIMIR_PASSWORD",
        "GRAFANA_ADMIN_PASSWORD",
        "API_METRICS_PASSWORD",
        "API_TOKEN",
        "REDIS_PASSWORD",
        "POSTGRES_DSN",
        "SMTP_PASSWORD",
        "PAGERDUTY_KEY",
        "SLACK_WEBHOOK_URL",
        "TEAMS_WEBHOOK_URL",
    ];
    let value = if name.ends_with("_URL") {
        format!("https://hooks.example.com/{}", name.to_lowercase())
    } else {
        format!("value-of-{}", name.to_lowercase())
    };
    known.contains(&name).then_some(value)
}

#[test]
fn design_examples_load_without_a_problem() {
    for (name, source) in [("design examples", DESIGN_EXAMPLES), ("minimal", MINIMAL)] {
        match load_str(Path::new("stackctl.yaml"), source, &design_env) {
            Ok(loaded) => {
                assert!(loaded
                    .secret_values
                    .contains(&"value-of-grafana_admin_password".to_string()));
            }
            Err(error) => panic!("{name} should load:\n{error}"),
        }
    }
}

#[test]
fn design_examples_keep_prometheus_templates_and_record_secrets() {
    let loaded = load_str(Path::new("stackctl.yaml"), DESIGN_EXAMPLES, &design_env)
        .unwrap_or_else(|e| panic!("{e}"));
    let rule = &loaded.manifest.alerts.groups[0].rules[0];
    assert_eq!(
        rule.description.as_deref(),
        Some("{{ $labels.instance }} has been down for more than 1 minute")
    );
    assert_eq!(loaded.secret_values.len(), 10);
    assert_eq!(
        loaded.manifest.notify.as_ref().map(|n| n.receivers.len()),
        Some(5)
    );
}

#[test]
fn reads_dotenv_beside_the_manifest_without_exporting_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("stackctl.yaml");
    std::fs::write(&manifest, MINIMAL).expect("write manifest");
    std::fs::write(
        dir.path().join(".env"),
        "GRAFANA_ADMIN_PASSWORD=from-dotenv-file\n",
    )
    .expect("write .env");
    let loaded = match load(&manifest) {
        Ok(loaded) => loaded,
        Err(error) => panic!("{error}"),
    };
    let password = loaded
        .manifest
        .components
        .grafana
        .and_then(|g| g.admin_password);
    // The process environment wins when it has the variable; the test does not set it.
    if std::env::var("GRAFANA_ADMIN_PASSWORD").is_err() {
        assert_eq!(
            password.map(|p| p.expose().to_string()).as_deref(),
            Some("from-dotenv-file")
        );
        assert!(std::env::var("GRAFANA_ADMIN_PASSWORD").is_err());
    }
}

#[test]
fn names_the_path_of_a_manifest_that_cannot_be_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("nope.yaml");
    match load(&missing) {
        Err(error @ LoadError::Read { .. }) => {
            assert!(error.to_string().contains("nope.yaml"), "{error}");
        }
        other => panic!("expected a read error, got {:?}", other.map(|_| ())),
    }
}
