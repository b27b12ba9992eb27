//! The five seed documents (`../shared/seeds/`), each reproduced as
//! `tests/fixtures/ok/seed-<name>/stackctl.yaml`: item by item, the rendered files carry what the
//! document configures — jobs with targets, intervals and labels; each alert's expression,
//! `for`, severity and annotations; routes, receivers and inhibit rules; retention, ports and
//! dashboard panels. Where the document is wrong or obsolete the fixture says why (comments)
//! and the expectation here is the corrected form.

use crate::common;
use crate::seeds_support;

use seeds_support::{seed, squash};

#[test]
fn seed_000_baileys_is_reproduced() {
    let s = seed("baileys");
    s.assert_job(
        "baileys-app",
        &["host.docker.internal:3002"],
        &[("scrape_interval", "5s"), ("metrics_path", "/metrics")],
    );
    s.job("node-exporter");
    s.job("redis-exporter");
    s.job("postgres-exporter");
    s.service("redis-exporter");
    s.service("postgres-exporter");
    let g = "baileys.rules";
    s.assert_alert(
        g,
        "WhatsAppConnectionDown",
        r#"whatsapp_connections_total{status="open"} == 0"#,
        "1m",
        "critical",
        "WhatsApp connection is down",
        Some("Instance {{ $labels.instance_id }} has no active WhatsApp connection"),
    );
    s.assert_alert(g, "HighMessageProcessingTime", "histogram_quantile(0.95, sum by (le) (rate(message_processing_duration_seconds_bucket[5m]))) > 5", "2m", "warning", "High message processing time", Some("95th percentile message processing time is {{ $value }}s"));
    s.assert_alert(
        g,
        "MessageQueueBacklog",
        r#"message_queue_size{queue_type="pending"} > 1000"#,
        "5m",
        "warning",
        "Message queue backlog",
        Some("Pending message queue size is {{ $value }}"),
    );
    s.assert_alert(
        g,
        "HighErrorRate",
        "rate(errors_total[5m]) > 0.1",
        "2m",
        "critical",
        "High error rate",
        Some("Error rate is {{ $value }} errors/second"),
    );
    s.assert_alert(
        g,
        "HighMemoryUsage",
        r#"memory_usage_bytes{type="heap_used"} / memory_usage_bytes{type="heap_total"} > 0.9"#,
        "5m",
        "warning",
        "High memory usage",
        Some("Memory usage is {{ $value | humanizePercentage }}"),
    );
    s.assert_alert(
        g,
        "InstanceDown",
        r#"up{job="baileys-app"} == 0"#,
        "1m",
        "critical",
        "Baileys instance is down",
        Some("Instance {{ $labels.instance }} is not responding"),
    );
    let am = s.alertmanager();
    let route = &am["route"];
    assert_eq!(route["group_by"][0], "alertname");
    assert_eq!(route["group_wait"], "10s");
    assert_eq!(route["group_interval"], "10s");
    assert_eq!(route["repeat_interval"], "1h");
    assert_eq!(route["receiver"], "web.hook");
    assert_eq!(
        s.route_for(r#"severity="critical""#)["receiver"],
        "critical-alerts"
    );
    assert_eq!(
        s.route_for(r#"severity="warning""#)["receiver"],
        "warning-alerts"
    );
    let global = &am["global"];
    assert_eq!(global["smtp_smarthost"], "localhost:587");
    assert_eq!(global["smtp_from"], "alerts@yourdomain.com");
    let critical = s.receiver("critical-alerts");
    assert_eq!(
        critical["email_configs"][0]["headers"]["Subject"],
        "CRITICAL: {{ .GroupLabels.alertname }}"
    );
    assert!(critical["email_configs"][0]["text"]
        .as_str()
        .is_some_and(|t| t.contains("Alert: {{ .Annotations.summary }}")));
    assert_eq!(critical["email_configs"][0]["to"], "admin@yourdomain.com");
    assert_eq!(critical["slack_configs"][0]["channel"], "#alerts");
    assert_eq!(critical["slack_configs"][0]["title"], "Critical Alert");
    assert_eq!(
        critical["slack_configs"][0]["text"],
        "{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}"
    );
    assert_eq!(
        s.receiver("warning-alerts")["email_configs"][0]["to"],
        "team@yourdomain.com"
    );
    let hook = s.receiver("web.hook");
    assert!(
        hook["webhook_configs"][0]["url"].is_string()
            || hook["webhook_configs"][0]["url_file"].is_string()
    );
    assert_eq!(
        s.panels("baileys-bot"),
        [
            "Connection Status",
            "Message Rate",
            "Message Processing Time",
            "Queue Size",
            "Error Rate",
            "Memory Usage"
        ]
    );
    assert!(
        s.queries("baileys-bot")
            .iter()
            .all(|q| !q.contains("seconds)")),
        "quantiles read `_bucket`"
    );
    assert!(
        s.rendered.files.contains_key("loki/loki.yaml")
            || s.rendered.files.keys().any(|p| p.starts_with("loki/"))
    );
    assert!(s.rendered.files.contains_key("alloy/config.alloy"));
    assert_eq!(s.published("prometheus", 9090), Some(9090));
    assert_eq!(s.published("grafana", 3000), Some(3000));
    assert_eq!(s.published("alertmanager", 9093), Some(9093));
}

#[test]
fn seed_001_zpro_is_reproduced() {
    let s = seed("zpro");
    s.assert_job(
        "zpro-baileys",
        &["host.docker.internal:9090"],
        &[("scrape_interval", "10s"), ("scrape_timeout", "5s")],
    );
    let job = s.job("zpro-baileys");
    let labels = &job["static_configs"][0]["labels"];
    assert_eq!(labels["service"], "zpro-backend");
    assert_eq!(labels["environment"], "production");
    let relabel = job["relabel_configs"]
        .as_sequence()
        .expect("relabel_configs")
        .iter()
        .find(|r| r["replacement"] == "zpro-backend-1")
        .expect("the instance relabel");
    assert_eq!(relabel["target_label"], "instance");
    assert_eq!(relabel["source_labels"][0], "__address__");
    assert_eq!(s.group("baileys_critical")["interval"], "1m");
    let g = "baileys_critical";
    s.assert_alert(
        g,
        "BufferOverflow",
        "rate(baileys_buffer_overflow_total[5m]) > 0",
        "1m",
        "warning",
        "Buffer overflow - increase BAILEYS_BUFFER_MAX_ITEMS",
        None,
    );
    s.assert_alert(
        g,
        "CircuitBreakerTripped",
        "increase(baileys_adaptive_circuit_breaker_trips_total[5m]) > 0",
        "1m",
        "critical",
        "Adaptive flush circuit breaker triggered",
        None,
    );
    s.assert_alert(
        g,
        "ListenerLeak",
        "baileys_websocket_listeners_total > 30",
        "2m",
        "critical",
        "WebSocket listener leak - {{ $value }} listeners",
        None,
    );
    s.assert_alert(
        g,
        "MemoryLeak",
        r#"rate(baileys_memory_usage_bytes{type="heapUsed"}[10m]) > 1048576"#,
        "30m",
        "warning",
        "Possible memory leak detected",
        None,
    );
    s.assert_alert(
        g,
        "HighReconnectionRate",
        "rate(baileys_reconnection_attempts_total[5m]) > 0.1",
        "5m",
        "warning",
        "High reconnection rate - network instability",
        None,
    );
    s.assert_alert(
        g,
        "SlowFlush",
        "histogram_quantile(0.95, rate(baileys_buffer_flush_duration_seconds_bucket[5m])) > 2",
        "5m",
        "warning",
        "95% of flushes taking more than 2 seconds",
        None,
    );
    let boards = [
        (
            "zpro-buffer",
            vec![
                "Flush rate",
                "Flush duration",
                "Buffer overflows",
                "Cache size trend",
                "Items flushed/sec",
            ],
        ),
        (
            "zpro-adaptive",
            vec![
                "Timeout evolution",
                "Mode distribution",
                "Event rate vs timeout",
                "Circuit breaker trips",
                "Health status",
            ],
        ),
        (
            "zpro-connections",
            vec![
                "Active connections",
                "Connection state distribution",
                "Error rate by type",
                "Reconnection attempts",
                "WebSocket listeners",
            ],
        ),
        (
            "zpro-messages",
            vec![
                "Messages per second",
                "Message type distribution",
                "Retry rate",
                "Processing latency",
                "Success rate",
            ],
        ),
    ];
    let mut total = 0;
    for (uid, titles) in boards {
        assert_eq!(s.panels(uid), titles, "{uid}");
        total += titles.len();
    }
    assert_eq!(total, 20, "the document lists 20 panels");
}

#[test]
fn seed_002_pytake_is_reproduced() {
    let s = seed("pytake");
    assert_eq!(s.retention("time").as_deref(), Some("30d"));
    assert_eq!(s.retention("size").as_deref(), Some("10GB"));
    for (service, port) in [
        ("prometheus", 9090),
        ("grafana", 3000),
        ("jaeger", 16686),
        ("alertmanager", 9093),
        ("loki", 3100),
    ] {
        assert_eq!(s.published(service, port), Some(port), "{service}");
    }
    for service in [
        "node-exporter",
        "redis-exporter",
        "postgres-exporter",
        "blackbox-exporter",
        "alloy",
    ] {
        s.service(service);
    }
    s.assert_job("pytake-api", &["api:8000"], &[("metrics_path", "/metrics")]);
    let probe = s.job("pytake-health");
    assert_eq!(probe["params"]["module"][0], "http_2xx");
    let g = "pytake-api";
    s.assert_alert(g, "HighErrorRate", r#"sum(rate(http_requests_total{job="pytake-api",status=~"5.."}[5m])) / sum(rate(http_requests_total{job="pytake-api"}[5m])) > 0.05"#, "5m", "critical", "API error rate above 5%", None);
    s.assert_alert(g, "ElevatedResponseTime", r#"histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="pytake-api"}[5m]))) > 2"#, "10m", "warning", "API p95 response time above 2s", None);
    for slo in [
        "api-availability",
        "api-success-rate",
        "api-response-time",
        "whatsapp-delivery",
    ] {
        assert!(
            s.rendered
                .files
                .contains_key(&format!("prometheus/rules/slo-{slo}.yml")),
            "{slo}"
        );
    }
    assert_eq!(s.route_for(r#"severity="critical""#)["receiver"], "oncall");
    let oncall = s.receiver("oncall");
    assert_eq!(oncall["slack_configs"][0]["channel"], "#alerts");
    assert!(oncall["webhook_configs"].is_sequence());
    assert_eq!(
        s.panels("pytake-api"),
        [
            "Service status",
            "Request rate",
            "Error rate",
            "Response time percentiles"
        ]
    );
    assert_eq!(
        s.panels("pytake-whatsapp"),
        [
            "Message volume",
            "Success rate",
            "Messages by instance",
            "Failures"
        ]
    );
    assert_eq!(
        s.panels("pytake-ai"),
        ["Requests by model", "Tokens used", "Errors"]
    );
}

#[test]
fn seed_003_chatsdk_is_reproduced() {
    let s = seed("chatsdk");
    let prometheus = s.yaml("prometheus/prometheus.yml");
    assert_eq!(prometheus["global"]["scrape_interval"], "15s");
    assert_eq!(prometheus["global"]["evaluation_interval"], "15s");
    assert_eq!(
        prometheus["global"]["external_labels"]["cluster"],
        "chatsdk-production"
    );
    assert_eq!(
        prometheus["global"]["external_labels"]["environment"],
        "production"
    );
    assert_eq!(s.retention("time").as_deref(), Some("30d"));
    s.assert_job(
        "chatsdk-api",
        &["api:5500"],
        &[("scrape_interval", "10s"), ("metrics_path", "/metrics")],
    );
    s.assert_job(
        "centrifugo",
        &["centrifugo:8000"],
        &[("metrics_path", "/metrics")],
    );
    for job in ["postgres", "redis", "node", "cadvisor", "prometheus"] {
        s.job(job);
    }
    let g = "chatsdk_alerts";
    assert_eq!(s.group(g)["interval"], "30s");
    s.assert_alert(
        g,
        "APIServiceDown",
        r#"up{job="chatsdk-api"} == 0"#,
        "1m",
        "critical",
        "ChatSDK API is down",
        Some("ChatSDK API has been down for more than 1 minute"),
    );
    s.assert_alert(
        g,
        "HighErrorRate",
        r#"rate(http_requests_total{status=~"5.."}[5m]) > 0.05"#,
        "5m",
        "warning",
        "High error rate detected",
        Some("Error rate is {{ $value }} errors/sec"),
    );
    s.assert_alert(
        g,
        "HighResponseTime",
        "histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m])) > 1",
        "5m",
        "warning",
        "High response time",
        Some("95th percentile response time is {{ $value }}s"),
    );
    s.assert_alert(g, "HighMemoryUsage", r#"(container_memory_usage_bytes{name="chatsdk-api"} / container_spec_memory_limit_bytes{name="chatsdk-api"}) > 0.9"#, "5m", "warning", "High memory usage", None);
    s.assert_alert(
        g,
        "HighCPUUsage",
        r#"rate(container_cpu_usage_seconds_total{name="chatsdk-api"}[5m]) > 0.8"#,
        "5m",
        "warning",
        "High CPU usage",
        None,
    );
    s.assert_alert(
        g,
        "DatabasePoolExhausted",
        "pg_stat_activity_count / pg_settings_max_connections > 0.9",
        "2m",
        "critical",
        "Database connection pool nearly exhausted",
        None,
    );
    s.assert_alert(
        g,
        "RedisMemoryFull",
        "redis_memory_used_bytes / redis_memory_max_bytes > 0.9",
        "5m",
        "warning",
        "Redis memory nearly full",
        None,
    );
    s.assert_alert(
        g,
        "HighWebSocketConnections",
        "centrifugo_node_num_clients > 10000",
        "5m",
        "info",
        "High WebSocket connection count",
        Some("{{ $value }} active WebSocket connections"),
    );
    s.assert_alert(g, "DiskUsageHigh", r#"(node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}) < 0.1"#, "5m", "warning", "Disk space running low", None);
    let am = s.alertmanager();
    let route = &am["route"];
    let group_by: Vec<&str> = route["group_by"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(group_by, ["alertname", "cluster", "service"]);
    assert_eq!(route["repeat_interval"], "12h");
    assert_eq!(route["receiver"], "default");
    let critical = s.route_for(r#"severity="critical""#);
    assert_eq!(critical["receiver"], "pagerduty");
    assert_eq!(critical["continue"], true);
    assert_eq!(s.route_for(r#"severity="warning""#)["receiver"], "slack");
    let email = &s.receiver("default")["email_configs"][0];
    assert_eq!(email["to"], "alerts@yourdomain.com");
    assert_eq!(email["from"], "alertmanager@yourdomain.com");
    assert_eq!(email["smarthost"], "smtp.gmail.com:587");
    assert_eq!(email["auth_username"], "alerts@yourdomain.com");
    assert!(
        email["auth_password_file"].is_string(),
        "the password goes by file"
    );
    let slack = &s.receiver("slack")["slack_configs"][0];
    assert_eq!(slack["channel"], "#alerts");
    assert_eq!(slack["title"], "{{ .GroupLabels.alertname }}");
    assert_eq!(
        email["headers"]["Subject"],
        "[ChatSDK] {{ .GroupLabels.alertname }}"
    );
    let pagerduty = &s.receiver("pagerduty")["pagerduty_configs"][0];
    assert!(
        pagerduty["service_key_file"].is_string() || pagerduty["service_key"].is_string(),
        "{pagerduty:?}"
    );
    assert_eq!(pagerduty["description"], "{{ .GroupLabels.alertname }}");
    let inhibit = &am["inhibit_rules"][0];
    let equal: Vec<&str> = inhibit["equal"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(equal, ["alertname", "instance"]);
    assert!(squash(&format!("{:?}", inhibit["source_matchers"])).contains("critical"));
    assert!(squash(&format!("{:?}", inhibit["target_matchers"])).contains("warning"));
    let dashboard = s.json("grafana/dashboards/chatsdk-overview.json");
    assert_eq!(
        dashboard["title"], "ChatSDK Production Overview",
        "the API wrapper is unwrapped"
    );
    assert!(dashboard.get("dashboard").is_none());
    assert_eq!(dashboard["panels"].as_array().map(Vec::len), Some(6));
    assert!(
        s.rendered
            .warnings
            .iter()
            .any(|w| w.contains("HTTP API form")),
        "{:?}",
        s.rendered.warnings
    );
    let grafana = s.service("grafana");
    assert_eq!(
        grafana
            .environment
            .get("GF_SERVER_ROOT_URL")
            .map(String::as_str),
        Some("https://monitoring.yourdomain.com")
    );
    for (service, port) in [
        ("prometheus", 9090),
        ("grafana", 3000),
        ("alertmanager", 9093),
    ] {
        assert_eq!(s.published(service, port), Some(port), "{service}");
    }
}

#[test]
fn seed_004_quikapp_is_reproduced() {
    let s = seed("quikapp");
    s.assert_job(
        "nestjs-services",
        &["backend:3000", "realtime:3001", "notification:3002"],
        &[("metrics_path", "/metrics")],
    );
    s.assert_job(
        "spring-services",
        &[
            "auth-service:8001",
            "user-service:8002",
            "permission-service:8003",
            "audit-service:8004",
            "admin-service:8005",
        ],
        &[("metrics_path", "/actuator/prometheus")],
    );
    s.assert_job(
        "go-services",
        &[
            "workspace:6001",
            "channel:6002",
            "search:6003",
            "thread:6004",
            "bookmark:6005",
        ],
        &[],
    );
    s.assert_job(
        "python-services",
        &["analytics:5001", "moderation:5002", "ml:5006"],
        &[],
    );
    s.assert_job(
        "elixir-services",
        &["presence:4001", "call:4002", "message:4003"],
        &[],
    );
    for job in ["redis", "postgres", "kafka", "nginx", "prometheus"] {
        s.job(job);
    }
    s.assert_alert(
        "service-alerts",
        "ServiceDown",
        "up == 0",
        "1m",
        "critical",
        "Service {{ $labels.job }} is down",
        Some("{{ $labels.instance }} has been down for more than 1 minute"),
    );
    s.assert_alert("service-alerts", "HighErrorRate", r#"sum(rate(http_requests_total{status=~"5.."}[5m])) by (service) / sum(rate(http_requests_total[5m])) by (service) > 0.05"#, "5m", "warning", "High error rate on {{ $labels.service }}", Some("Error rate is {{ $value | humanizePercentage }}"));
    s.assert_alert("service-alerts", "HighLatency", "histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket[5m])) by (le, service) ) > 1", "5m", "warning", "High latency on {{ $labels.service }}", Some("P95 latency is {{ $value | humanizeDuration }}"));
    s.assert_alert(
        "service-alerts",
        "HighMemoryUsage",
        "process_resident_memory_bytes / 1024 / 1024 / 1024 > 2",
        "10m",
        "warning",
        "High memory usage on {{ $labels.job }}",
        Some("Memory usage is {{ $value | humanize }}GB"),
    );
    s.assert_alert(
        "kafka-alerts",
        "KafkaConsumerLag",
        "kafka_consumer_group_lag > 10000",
        "5m",
        "warning",
        "High Kafka consumer lag",
        Some("Consumer group {{ $labels.group }} lag is {{ $value }}"),
    );
    s.assert_alert(
        "database-alerts",
        "PostgresConnectionsHigh",
        "pg_stat_activity_count > 80",
        "5m",
        "warning",
        "High PostgreSQL connections",
        Some("{{ $value }} active connections"),
    );
    s.assert_alert(
        "database-alerts",
        "RedisMemoryHigh",
        "redis_memory_used_bytes / redis_memory_max_bytes > 0.8",
        "5m",
        "warning",
        "Redis memory usage high",
        Some("Memory usage is {{ $value | humanizePercentage }}"),
    );
    let loki = s.yaml("loki/loki.yaml");
    assert_eq!(loki["limits_config"]["retention_period"], "720h", "30 days");
    assert!(
        !s.text("loki/loki.yaml").contains("boltdb"),
        "Loki 3: no boltdb-shipper"
    );
    let alloy = s.text("alloy/config.alloy");
    for line in [
        r#""message" = "msg","#,
        r#""level" = "level","#,
        r#""service" = "service","#,
        "stage.labels",
    ] {
        assert!(alloy.contains(line), "alloy lacks `{line}`");
    }
    for (port, what) in [(9411, "zipkin"), (4317, "otlp grpc"), (4318, "otlp http")] {
        assert!(
            s.service("jaeger")
                .ports
                .iter()
                .any(|p| p.container_port == port)
                || s.text("jaeger/config.yaml").contains(&format!(":{port}")),
            "{what}"
        );
    }
    let jaeger = s.text("jaeger/config.yaml");
    for wanted in ["http://elasticsearch:9200", "jaeger", "/jaeger"] {
        assert!(jaeger.contains(wanted), "jaeger config lacks {wanted}");
    }
    assert!(jaeger.contains("elasticsearch"), "elasticsearch storage");
    assert_eq!(
        s.panels("quikapp-services"),
        [
            "Request Rate",
            "Error Rate",
            "P95 Latency",
            "Active Connections",
            "Errors"
        ]
    );
    // Per-job dashboards use each framework's metric names, never another's.
    let spring = s.queries("stackctl-job-spring-services").join("\n");
    assert!(
        spring.contains("http_server_requests_seconds_count")
            && spring.contains(r#"status=~"5..""#),
        "{spring}"
    );
    let nest = s.queries("stackctl-job-nestjs-services").join("\n");
    assert!(nest.contains(r#"status_code=~"5..""#), "{nest}");
}

/// Every seed, pinned to the Prometheus and Alertmanager releases Debian ships (the local
/// promtool 2.42 / amtool 0.25), is judged strictly by them: config, rules and Alertmanager
/// config all pass, none is left unsure.
#[test]
fn every_seed_pinned_to_the_debian_releases_passes_promtool_and_amtool() {
    use stackctl::render::{render, Templates};
    use stackctl::tools::judge::{NoDocker, Remembering, VALIDATE_NO_DOCKER};
    use stackctl::tools::{pipeline, CheckOutcome};

    let (Some(_), Some(_)) = (
        common::require_tool("promtool"),
        common::require_tool("amtool"),
    ) else {
        return;
    };
    for name in SEEDS {
        let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ok")
            .join(format!("seed-{name}"));
        let work = common::tempdir();
        copy_tree(&source, work.path());
        let path = work.path().join("stackctl.yaml");
        let mut manifest: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        manifest["components"]["prometheus"]["version"] = "2.42.0".into();
        manifest["components"]["alertmanager"]["version"] = "0.25.0".into();
        std::fs::write(&path, serde_yaml::to_string(&manifest).unwrap()).unwrap();
        let loaded = stackctl::manifest::load(&path)
            .unwrap_or_else(|e| panic!("seed-{name} pinned loads:\n{e}"));
        let templates = Templates::embedded();
        let rendered = render(&loaded, &templates)
            .unwrap_or_else(|e| panic!("seed-{name} pinned renders:\n{e}"));
        let out = common::tempdir();
        stackctl::writer::write(&rendered, out.path()).expect("write scratch copy");
        let images = Remembering::new(NoDocker(VALIDATE_NO_DOCKER));
        let results = pipeline::local_checks(&loaded, &templates, &rendered, out.path(), &images)
            .expect("promtool and amtool checks");
        assert!(
            results.len() >= 3,
            "seed-{name}: config, rules and alertmanager checks: {results:?}"
        );
        for result in results {
            assert_eq!(
                result.outcome,
                CheckOutcome::Passed,
                "seed-{name}: {}",
                stackctl::output::format_check(&result)
            );
        }
    }
}

const SEEDS: [&str; 5] = ["baileys", "zpro", "pytake", "chatsdk", "quikapp"];

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
