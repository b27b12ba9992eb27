use super::check::check;
use super::*;

fn slo(yaml: &str) -> Slo {
    serde_yaml::from_str(yaml).unwrap()
}

#[test]
fn ratios_read_without_float_noise() {
    for (value, text) in [
        (1.0 - 99.9 / 100.0, "0.001"),
        (0.999, "0.999"),
        (14.4, "14.4"),
        (6.0, "6"),
        (0.0, "0"),
        (1.0 - 99.99 / 100.0, "0.0001"),
    ] {
        assert_eq!(ratio(value), text, "{value}");
    }
}

#[test]
fn le_matches_both_spellings_of_the_bound() {
    for (bound, pattern) in [
        (0.5, r"0\\.5"),
        (1.0, r"1|1\\.0"),
        (250.0, r"250|250\\.0"),
        (0.025, r"0\\.025"),
    ] {
        assert_eq!(le_pattern(bound), pattern, "{bound}");
    }
}

#[test]
fn le_matcher_joins_the_selector() {
    for (selector, joined) in [
        ("", "{m}"),
        ("{}", "{m}"),
        ("{job=\"api\"}", "{job=\"api\",m}"),
        (" {job=\"api\",} ", "{job=\"api\",m}"),
    ] {
        assert_eq!(with_matcher(selector, "m"), joined, "{selector}");
    }
}

#[test]
fn latency_sli_counts_requests_slower_than_the_threshold() {
    let latency = slo("{name: l, objective: 99, latency: {histogram: http_request_duration_seconds, selector: '{job=\"api\"}', threshold: 500ms}}");
    let expr = error_ratio_expr(&latency, "5m");
    assert!(
        expr.contains(r#"http_request_duration_seconds_bucket{job="api",le=~"0\\.5"}[5m]"#),
        "{expr}"
    );
    assert!(
        expr.contains(r#"http_request_duration_seconds_count{job="api"}[5m]"#),
        "{expr}"
    );
    let millis = slo(
        "{name: l, objective: 99, latency: {histogram: rpc_duration_milliseconds, threshold: 1s}}",
    );
    assert!(error_ratio_expr(&millis, "1h")
        .contains(r#"rpc_duration_milliseconds_bucket{le=~"1000|1000\\.0"}[1h]"#));
}

#[test]
fn records_every_burn_window_the_slo_window_and_the_budget() {
    let file = rule_file(&slo(
        "{name: api, objective: 99.9, window: 28d, errors: 'e{code=~\"5..\"}', total: t}",
    ));
    let records: Vec<&str> = file.groups[0]
        .rules
        .iter()
        .filter_map(|r| r.record.as_deref())
        .collect();
    assert_eq!(
        records,
        [
            "slo:sli_error:ratio_rate5m",
            "slo:sli_error:ratio_rate30m",
            "slo:sli_error:ratio_rate1h",
            "slo:sli_error:ratio_rate2h",
            "slo:sli_error:ratio_rate6h",
            "slo:sli_error:ratio_rate1d",
            "slo:sli_error:ratio_rate3d",
            "slo:sli_error:ratio_rate28d",
            OBJECTIVE,
            ERROR_BUDGET,
            ERROR_BUDGET_REMAINING,
        ]
    );
    assert!(file.groups[0]
        .rules
        .iter()
        .all(|r| r.labels["slo"] == "api"));
    assert_eq!(
        file.groups[0].rules[10].expr,
        "1 - slo:sli_error:ratio_rate28d{slo=\"api\"} / 0.001"
    );
    let three_days = rule_file(&slo(
        "{name: api, objective: 99, window: 3d, errors: e, total: t}",
    ));
    assert_eq!(
        three_days.groups[0].rules.len(),
        10,
        "a window equal to a burn window is recorded once"
    );
}

#[test]
fn burn_alerts_use_the_workbook_factors_and_severities() {
    let file = rule_file(&slo(
        "{name: api, objective: 99.9, errors: e, total: t, labels: {team: payments}}",
    ));
    let alerts = &file.groups[1].rules;
    let cases = [
        (
            PAGE_ALERT,
            "critical",
            [
                "ratio_rate1h{slo=\"api\"} > (14.4 * 0.001)",
                "ratio_rate5m{slo=\"api\"} > (14.4 * 0.001)",
                "ratio_rate6h{slo=\"api\"} > (6 * 0.001)",
                "ratio_rate30m{slo=\"api\"} > (6 * 0.001)",
            ],
        ),
        (
            TICKET_ALERT,
            "warning",
            [
                "ratio_rate1d{slo=\"api\"} > (3 * 0.001)",
                "ratio_rate2h{slo=\"api\"} > (3 * 0.001)",
                "ratio_rate3d{slo=\"api\"} > (1 * 0.001)",
                "ratio_rate6h{slo=\"api\"} > (1 * 0.001)",
            ],
        ),
    ];
    for (i, (name, severity, parts)) in cases.into_iter().enumerate() {
        assert_eq!(alerts[i].alert.as_deref(), Some(name));
        assert_eq!(alerts[i].labels["severity"], severity);
        assert_eq!(alerts[i].labels["slo"], "api");
        assert_eq!(alerts[i].labels["team"], "payments");
        for part in parts {
            assert!(
                alerts[i].expr.contains(part),
                "{name}: {part} in {}",
                alerts[i].expr
            );
        }
    }
}

#[test]
fn malformed_slos_are_problems_at_their_keys() {
    let cases = [
        ("{name: ok, objective: 99, errors: e, total: t}", vec![]),
        (
            "{name: 'a/b', objective: 99, errors: e, total: t}",
            vec!["slos[0].name"],
        ),
        (
            "{name: a, objective: 100, errors: e, total: t}",
            vec!["slos[0].objective"],
        ),
        (
            "{name: a, objective: 0, errors: e, total: t}",
            vec!["slos[0].objective"],
        ),
        ("{name: a, objective: 99, errors: e}", vec!["slos[0].total"]),
        ("{name: a, objective: 99}", vec!["slos[0]"]),
        (
            "{name: a, objective: 99, errors: e, total: t, latency: {histogram: h, threshold: 1s}}",
            vec!["slos[0]"],
        ),
        (
            "{name: a, objective: 99, window: 0s, errors: e, total: t}",
            vec!["slos[0].window"],
        ),
    ];
    for (yaml, paths) in cases {
        let found = check(&slo(yaml), 0, &mut BTreeMap::new());
        let found: Vec<&str> = found.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(found, paths, "{yaml}");
    }
    let mut seen = BTreeMap::new();
    assert!(check(
        &slo("{name: a, objective: 99, errors: e, total: t}"),
        0,
        &mut seen
    )
    .is_empty());
    let again = check(
        &slo("{name: a, objective: 99, errors: e, total: t}"),
        1,
        &mut seen,
    );
    assert_eq!(again[0].path, "slos[1].name");
}
