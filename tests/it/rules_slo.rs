//! SLO rules judged by promtool: the page alert fires at a 15x burn and stays quiet at 1x, the
//! ticket alert fires at a slow 4x burn, latency SLIs match `le` in both spellings, and the
//! error budget remaining is recorded.

use crate::rules_common;

use std::path::PathBuf;

use rules_common::*;

const SLOS: &str = r#"
version: 1
project: shop
components:
  prometheus: {version: "2.42.0"}
alerts: {presets: none}
slos:
  - name: api-availability
    objective: 99.9
    window: 30d
    errors: http_requests_total{job="api",code=~"5.."}
    total: http_requests_total{job="api"}
    labels: {team: payments}
  - name: api-latency
    objective: 99
    latency: {histogram: http_request_duration_seconds, selector: '{job="api"}', threshold: 1s}
"#;

/// Renders the SLOs, adds `tests` as a promtool test file, and runs promtool on everything.
fn promtool_judges(tests: &str) {
    let Some(promtool) = promtool() else { return };
    let out = tempfile::tempdir().unwrap();
    let draft = render_rules(SLOS, out.path());
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
    let (rules, _) = write_tree(&draft, out.path());
    assert_eq!(rules.len(), 2, "{rules:?}");
    promtool_ok(&promtool, &["check", "rules"], &rules);
    let test_file: PathBuf = out.path().join("prometheus/tests/slo.yml");
    std::fs::create_dir_all(test_file.parent().unwrap()).unwrap();
    let header = "rule_files: [../rules/slo-api-availability.yml, ../rules/slo-api-latency.yml]\nevaluation_interval: 1m\ntests:\n";
    std::fs::write(&test_file, format!("{header}{tests}")).unwrap();
    promtool_ok(&promtool, &["test", "rules"], &[test_file]);
}

const PAGE_ANNOTATIONS: &str = r#"
              summary: SLO api-availability burns its error budget too fast.
              description: "SLO api-availability (99.9% over 30d) has an error ratio of 1.5%, burning its error budget at 14.4x over 1h and 5m, or 6x over 6h and 30m the sustainable rate.""#;

#[test]
fn page_alert_fires_at_a_fast_burn_and_not_at_the_sustainable_rate() {
    promtool_judges(&format!(
        r#"
  - name: 15x burn pages
    interval: 1m
    input_series:
      - {{series: 'http_requests_total{{job="api",code="500"}}', values: '0+15x80'}}
      - {{series: 'http_requests_total{{job="api",code="200"}}', values: '0+985x80'}}
    alert_rule_test:
      - eval_time: 70m
        alertname: SloErrorBudgetBurnPage
        exp_alerts:
          - exp_labels: {{slo: api-availability, severity: critical, team: payments}}
            exp_annotations:{PAGE_ANNOTATIONS}
  - name: 1x burn does not page
    interval: 1m
    input_series:
      - {{series: 'http_requests_total{{job="api",code="500"}}', values: '0+1x80'}}
      - {{series: 'http_requests_total{{job="api",code="200"}}', values: '0+999x80'}}
    alert_rule_test:
      - eval_time: 70m
        alertname: SloErrorBudgetBurnPage
        exp_alerts: []
  - name: no errors at all is a zero error ratio, not missing data
    interval: 1m
    input_series:
      - {{series: 'http_requests_total{{job="api",code="200"}}', values: '0+1000x80'}}
    promql_expr_test:
      - expr: slo:sli_error:ratio_rate1h{{slo="api-availability"}}
        eval_time: 70m
        exp_samples:
          - {{labels: 'slo:sli_error:ratio_rate1h{{slo="api-availability"}}', value: 0}}
      - expr: slo:error_budget_remaining:ratio{{slo="api-availability"}}
        eval_time: 70m
        exp_samples:
          - {{labels: 'slo:error_budget_remaining:ratio{{slo="api-availability"}}', value: 1}}
"#
    ));
}

#[test]
fn ticket_alert_fires_at_a_slow_steady_burn() {
    promtool_judges(
        r#"
  - name: 4x burn over a day opens a ticket but does not page
    interval: 5m
    input_series:
      - {series: 'http_requests_total{job="api",code="500"}', values: '0+20x320'}
      - {series: 'http_requests_total{job="api",code="200"}', values: '0+4980x320'}
    alert_rule_test:
      - eval_time: 25h
        alertname: SloErrorBudgetBurnTicket
        exp_alerts:
          - exp_labels: {slo: api-availability, severity: warning, team: payments}
            exp_annotations:
              summary: SLO api-availability burns its error budget steadily.
              description: "SLO api-availability (99.9% over 30d) has an error ratio of 0.4%, burning its error budget at 3x over 1d and 2h, or 1x over 3d and 6h the sustainable rate."
      - eval_time: 25h
        alertname: SloErrorBudgetBurnPage
        exp_alerts: []
"#,
    );
}

#[test]
fn latency_slo_matches_le_in_prometheus_2_and_3_spellings() {
    let mut tests = String::new();
    for le in ["1", "1.0"] {
        tests.push_str(&format!(
            r#"
  - name: slow requests burn the latency budget (le="{le}")
    interval: 1m
    input_series:
      - {{series: 'http_request_duration_seconds_bucket{{job="api",le="{le}"}}', values: '0+80x80'}}
      - {{series: 'http_request_duration_seconds_bucket{{job="api",le="+Inf"}}', values: '0+100x80'}}
      - {{series: 'http_request_duration_seconds_count{{job="api"}}', values: '0+100x80'}}
    alert_rule_test:
      - eval_time: 70m
        alertname: SloErrorBudgetBurnPage
        exp_alerts:
          - exp_labels: {{slo: api-latency, severity: critical}}
            exp_annotations:
              summary: SLO api-latency burns its error budget too fast.
              description: "SLO api-latency (99% over 30d) has an error ratio of 20%, burning its error budget at 14.4x over 1h and 5m, or 6x over 6h and 30m the sustainable rate."
"#
        ));
    }
    promtool_judges(&tests);
}
