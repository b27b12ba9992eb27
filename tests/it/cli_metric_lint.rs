//! `validate` warns, at the rule's line with a did-you-mean, about metric names the stack's
//! exporters do not expose and about `histogram_quantile` misuse (seeds 004 and 000);
//! `--strict` turns the warnings into exit 1.

use crate::common;

const MANIFEST: &str = "version: 1
project: lint
components:
  prometheus: {version: 2.42.0}
exporters:
  - {type: kafka}
alerts:
  groups:
    - name: kafka-alerts
      rules:
        - alert: KafkaConsumerLag
          expr: kafka_consumer_group_lag > 10000
        - alert: HighMessageProcessingTime
          expr: histogram_quantile(0.95, message_processing_duration_seconds) > 5
        - alert: AppErrors
          expr: rate(app_errors_total[5m]) > 1
";

#[test]
fn warns_about_unknown_exporter_metrics_and_histogram_misuse_at_their_lines() {
    if common::require_tool("promtool").is_none() {
        return;
    }
    let dir = common::project(MANIFEST, None);
    let stderr = validate_warnings(dir.path());
    assert!(
        stderr.contains(
            "warning: `kafka_consumer_group_lag` is not a metric the `kafka` exporter exposes"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "  --> stackctl.yaml:12:17\n   = hint: did you mean `kafka_consumergroup_lag`?"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: `histogram_quantile` reads `message_processing_duration_seconds`, which is not a histogram's `_bucket` series\n  --> stackctl.yaml:14:17"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: `histogram_quantile` is applied to cumulative bucket counters without `rate` or `increase`"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("app_errors_total"),
        "an application's own metrics are unknown, not wrong:\n{stderr}"
    );

    let strict = common::stackctl_in(dir.path())
        .args(["validate", "--no-docker", "--strict"])
        .output()
        .unwrap();
    assert_eq!(
        strict.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&strict.stderr)
    );
}

#[test]
fn warns_about_unknown_exporter_metrics_in_dashboard_files_at_their_entry() {
    if common::require_tool("promtool").is_none() {
        return;
    }
    let manifest = "version: 1
project: lint
components:
  prometheus: {version: 2.42.0}
  grafana: {admin_password: not-deployed-here}
  loki: {}
exporters:
  - {type: kafka}
dashboards:
  files: ['dashboards/*.json']
";
    let dir = common::project(manifest, None);
    common::write(
        dir.path(),
        "dashboards/kafka.json",
        r#"{"uid": "kafka", "title": "Kafka", "panels": [
  {"title": "Lag", "targets": [{"refId": "A", "expr": "sum by (consumergroup) (kafka_consumer_group_lag)"}]},
  {"title": "Fine", "targets": [{"refId": "B", "expr": "sum(kafka_consumergroup_lag)"}]},
  {"title": "Logs", "datasource": {"type": "loki", "uid": "loki"}, "targets": [{"refId": "C", "expr": "{job=\"kafka_consumer_group_lag\"}"}]}
]}"#,
    );
    let stderr = validate_warnings(dir.path());
    assert!(
        stderr.contains(
            "warning: `dashboards/kafka.json`: panel `Lag`, query `A`: `kafka_consumer_group_lag` is not a metric the `kafka` exporter exposes"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "  --> stackctl.yaml:10:11\n   = hint: did you mean `kafka_consumergroup_lag`?"
        ),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("is not a metric").count(),
        1,
        "only the Prometheus query that names an unknown metric:\n{stderr}"
    );
    let strict = common::stackctl_in(dir.path())
        .args(["validate", "--no-docker", "--strict"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(1));
}

/// `validate --no-docker`'s stderr, which must pass with warnings only.
fn validate_warnings(dir: &std::path::Path) -> String {
    let output = common::stackctl_in(dir)
        .args(["validate", "--no-docker"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "warnings only:\n{stderr}");
    stderr
}
