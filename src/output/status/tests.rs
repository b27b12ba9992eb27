use std::collections::BTreeMap;

use super::report::{DownTarget, FiringAlert, RuleFailure};
use super::*;

fn plain(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}

fn row(service: &str, state: &str, config: Option<Config>, by: Option<CreatedBy>) -> ServiceRow {
    ServiceRow {
        service: service.into(),
        state: state.into(),
        health: (state == "running").then(|| "healthy".to_string()),
        uptime_seconds: (state == "running").then_some(250),
        image: format!("{service}:1"),
        url: None,
        config,
        created_by: by,
    }
}

fn report(problems: &[&str], prometheus: Option<PrometheusView>) -> Report {
    Report {
        schema_version: STATUS_SCHEMA_VERSION,
        project: "shop".into(),
        healthy: problems.is_empty(),
        services: vec![
            row(
                "grafana",
                "running",
                Some(Config::Current),
                Some(CreatedBy::Compose),
            ),
            row("loki", "missing", None, None),
        ],
        prometheus,
        problems: problems
            .iter()
            .map(|m| Problem::new(ProblemCode::ServiceMissing, None, *m))
            .collect(),
    }
}

#[test]
fn the_verdict_is_the_only_text_without_details() {
    let rows = [
        (vec![], "stack `shop` is healthy\n"),
        (
            vec!["`loki` is not deployed (run `stackctl deploy`)"],
            "stack `shop` is degraded:\n  - `loki` is not deployed (run `stackctl deploy`)\n",
        ),
        (vec!["a", "b"], "stack `shop` is degraded:\n  - a\n  - b\n"),
    ];
    for (problems, want) in rows {
        assert_eq!(plain(&text(&report(&problems, None), false)), want);
    }
}

#[test]
fn details_are_the_table_then_a_blank_line_before_the_verdict() {
    let text = plain(&text(&report(&[], None), true));
    let want = [
        " SERVICE  STATE    HEALTH   UPTIME  IMAGE      CONFIG             URL ",
        " grafana  running  healthy  4m 10s  grafana:1  current (compose)  -   ",
        " loki     missing  -        -       loki:1     -                  -   ",
        "",
        "stack `shop` is healthy",
        "",
    ];
    assert_eq!(text, want.join("\n"));
}

#[test]
fn prometheus_view_lists_down_targets_failing_rules_and_firing_alerts() {
    let view = PrometheusView {
        error: None,
        targets_up: 3,
        targets_down: vec![DownTarget {
            job: "node".into(),
            instance: "10.0.0.5:9100".into(),
            health: "down".into(),
            last_error: "connection refused".into(),
        }],
        rule_failures: vec![RuleFailure {
            group: "api".into(),
            rule: "ApiDown".into(),
            error: "bad".into(),
        }],
        firing_alerts: vec![FiringAlert {
            name: "Watchdog".into(),
            labels: BTreeMap::from([
                ("severity".to_string(), "none".to_string()),
                ("a".to_string(), "b".to_string()),
            ]),
        }],
    };
    let text = plain(&text(&report(&["x"], Some(view)), true));
    let after_table = text.split_once("\n\n").map(|(_, rest)| rest).unwrap();
    assert_eq!(
        after_table,
        "targets: 3 up, 1 down\n  down  10.0.0.5:9100 (node): connection refused\n\
         rule evaluation failures: 1\n  api / ApiDown: bad\n\
         firing alerts: 1\n  Watchdog a=b, severity=none\n\
         \nstack `shop` is degraded:\n  - x\n"
    );
}

#[test]
fn table_paints_only_words_that_need_a_look() {
    let painted = paint_row(" grafana   running   unhealthy   changed ");
    assert!(!painted.contains("\u{1b}[32mrunning"), "{painted:?}");
    assert!(painted.contains("unhealthy\u{1b}"), "{painted:?}");
    assert_eq!(plain(&painted), " grafana   running   unhealthy   changed ");
}

#[test]
fn uptime_shows_the_two_largest_units() {
    let cases = [
        (12, "12s"),
        (250, "4m 10s"),
        (7500, "2h 5m"),
        (273_600, "3d 4h"),
    ];
    for (secs, want) in cases {
        assert_eq!(human_uptime(secs), want);
    }
}
