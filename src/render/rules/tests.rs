use super::*;
use crate::manifest::Rule;

fn rule(yaml: &str) -> Rule {
    serde_yaml::from_str(yaml).unwrap()
}

#[test]
fn shorthand_expands_into_labels_and_annotations() {
    let rendered = expand(&rule(
        "{alert: ApiDown, expr: up == 0, for: 1m, severity: critical, labels: {team: payments}, \
         summary: API is down, description: '{{ $labels.instance }} down', runbook: https://wiki/x}",
    ))
    .ok()
    .unwrap();
    assert_eq!(rendered.for_.as_deref(), Some("1m"));
    assert_eq!(
        rendered.labels,
        BTreeMap::from([
            ("severity".into(), "critical".into()),
            ("team".into(), "payments".into())
        ])
    );
    assert_eq!(
        rendered.annotations,
        BTreeMap::from([
            ("description".into(), "{{ $labels.instance }} down".into()),
            ("runbook_url".into(), "https://wiki/x".into()),
            ("summary".into(), "API is down".into()),
        ])
    );
}

#[test]
fn malformed_rules_are_reported_by_key() {
    let cases = [
        ("{alert: A, record: b, expr: up}", vec![""]),
        ("{expr: up}", vec![""]),
        ("{alert: A, expr: ' '}", vec!["expr"]),
        ("{alert: A, expr: up, for: soon}", vec!["for"]),
        (
            "{record: r, expr: up, for: 1m, summary: s}",
            vec!["for", "annotations"],
        ),
        (
            "{alert: A, expr: up, severity: critical, labels: {severity: warning}}",
            vec!["severity"],
        ),
        (
            "{alert: A, expr: up, severity: critical, labels: {severity: critical}}",
            vec![],
        ),
    ];
    for (yaml, keys) in cases {
        let found: Vec<&str> = match expand(&rule(yaml)) {
            Ok(_) => vec![],
            Err(problems) => problems.into_iter().map(|(key, _)| key).collect(),
        };
        assert_eq!(found, keys, "{yaml}");
    }
}

fn groups(yaml: &str) -> Vec<RuleGroup> {
    serde_yaml::from_str(yaml).unwrap()
}

#[test]
fn group_labels_move_onto_rules_before_prometheus_3() {
    let input = groups("[{name: g, labels: {team: ops, tier: x}, rules: [{alert: A, expr: up == 0, labels: {tier: y}}]}]");
    let cases = [
        (
            Version::new(2, 42, 0),
            BTreeMap::new(),
            BTreeMap::from([
                ("team".to_string(), "ops".to_string()),
                ("tier".to_string(), "y".to_string()),
            ]),
        ),
        (
            Version::new(3, 0, 0),
            BTreeMap::from([
                ("team".to_string(), "ops".to_string()),
                ("tier".to_string(), "x".to_string()),
            ]),
            BTreeMap::from([("tier".to_string(), "y".to_string())]),
        ),
    ];
    for (version, group_labels, rule_labels) in cases {
        let (file, problems) = user_groups(&input, version);
        assert!(problems.is_empty());
        assert_eq!(file.groups[0].labels, group_labels, "{version}");
        assert_eq!(file.groups[0].rules[0].labels, rule_labels, "{version}");
    }
}

#[test]
fn group_problems_carry_their_key_paths() {
    let input = groups(
        "[{name: g, interval: 1x, rules: [{alert: A, expr: up}]}, {name: g, rules: [{alert: B, expr: up}, {expr: up}]}]",
    );
    let (file, problems) = user_groups(&input, Version::new(3, 14, 0));
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "alerts.groups[0].interval",
            "alerts.groups[1].name",
            "alerts.groups[1].rules[1]"
        ]
    );
    assert_eq!(file.groups[1].rules.len(), 1);
}

#[test]
fn rule_file_template_keeps_prometheus_templates_and_quotes_values() {
    let templates = crate::render::Templates::embedded();
    let manifest: crate::manifest::Manifest =
        serde_yaml::from_str("{version: 1, project: p}").unwrap();
    let stack = Stack::new(&manifest, std::path::Path::new("."), &templates);
    let input = groups(
        "[{name: 'a: b', limit: 5, interval: 30s, rules: [{alert: A, expr: 'up{job=\"x\"} == 0', keep_firing_for: 5m, \
         severity: critical, description: \"{{ $labels.x }} is {{ $value }} # not a comment\"}, {record: 'r:x', expr: sum(up)}]}]",
    );
    let (file, _) = user_groups(&input, Version::new(3, 14, 0));
    let text = rule_file_text(&stack, "groups", &file).unwrap();
    let back: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let group = &back["groups"][0];
    assert_eq!(group["name"], "a: b");
    assert_eq!(group["limit"], 5);
    assert_eq!(group["interval"], "30s");
    assert_eq!(group["rules"][0]["expr"], "up{job=\"x\"} == 0");
    assert_eq!(group["rules"][0]["keep_firing_for"], "5m");
    assert_eq!(
        group["rules"][0]["annotations"]["description"],
        "{{ $labels.x }} is {{ $value }} # not a comment"
    );
    assert_eq!(group["rules"][1]["record"], "r:x");
    assert!(group["rules"][1].get("labels").is_none());
}

#[test]
fn keep_firing_for_needs_prometheus_2_42() {
    let input = groups("[{name: g, rules: [{alert: A, expr: up == 0, keep_firing_for: 5m}]}]");
    for (version, accepted) in [
        (Version::new(2, 41, 0), false),
        (Version::new(2, 42, 0), true),
        (Version::new(3, 14, 0), true),
    ] {
        let (file, problems) = user_groups(&input, version);
        assert_eq!(problems.is_empty(), accepted, "{version}");
        assert_eq!(
            file.groups[0].rules.len(),
            usize::from(accepted),
            "{version}"
        );
        if !accepted {
            assert_eq!(
                problems[0].path,
                "alerts.groups[0].rules[0].keep_firing_for"
            );
        }
    }
}

#[test]
fn multi_line_expressions_read_back_exactly_from_their_literal_block() {
    let templates = crate::render::Templates::embedded();
    let manifest: crate::manifest::Manifest =
        serde_yaml::from_str("{version: 1, project: p}").unwrap();
    let stack = Stack::new(&manifest, std::path::Path::new("."), &templates);
    let exprs = [
        "sum(rate(x[5m]))\n  / sum(rate(y[5m]))  # a: comment-like\n> 0.5",
        "a\n- b\n: c\n|\n\"q\" 'q' {{ $x }} %}",
        "a\n\nb",
        " leading\nblank",
        "tab\n\tindented",
    ];
    for expr in exprs {
        let rule = RenderedRule {
            alert: Some("A".into()),
            record: None,
            expr: expr.into(),
            for_: None,
            keep_firing_for: None,
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
        };
        let file = RuleFile {
            groups: vec![Group {
                name: "g".into(),
                interval: None,
                limit: None,
                labels: BTreeMap::new(),
                rules: vec![rule],
            }],
        };
        let text = rule_file_text(&stack, "t", &file).unwrap();
        let back: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back["groups"][0]["rules"][0]["expr"], expr, "{text}");
    }
}
