use super::*;
use crate::manifest::Manifest;
use crate::render::Templates;

fn with_stack<T>(yaml: &str, f: impl FnOnce(&Stack) -> T) -> T {
    let manifest: Manifest = serde_yaml::from_str(yaml).unwrap();
    let templates = Templates::embedded();
    let stack = Stack::new(&manifest, std::path::Path::new("."), &templates);
    f(&stack)
}

fn selected(components: &str, extra: &str) -> Vec<&'static str> {
    let yaml = format!("{{version: 1, project: p, components: {components}{extra}}}");
    with_stack(&yaml, |stack| select(stack).presets)
}

#[test]
fn auto_picks_presets_from_the_declared_stack() {
    let cases: [(&str, &str, &[&str]); 11] = [
        ("{prometheus: {}}", "", &["stack"]),
        (
            "{prometheus: {}, cadvisor: {}}",
            "",
            &["stack", "containers"],
        ),
        (
            "{prometheus: {}, blackbox_exporter: {}}",
            "",
            &["stack", "probes"],
        ),
        (
            "{prometheus: {}}",
            ", scrape: [{job: site, probe: {module: http_2xx, targets: [x]}}]",
            &["stack", "probes"],
        ),
        (
            "{prometheus: {}}",
            ", exporters: [{type: redis, name: cache}, {type: postgres}]",
            &["stack", "redis", "postgres"],
        ),
        (
            "{prometheus: {}}",
            ", exporters: [{type: kafka}, {type: nginx}, {type: mysql}]",
            &["stack", "mysql", "nginx", "kafka"],
        ),
        (
            "{prometheus: {}, node_exporter: {}}",
            "",
            &["stack", "host"],
        ),
        ("{node_exporter: {}}", "", &["host"]),
        (
            "{prometheus: {}, alertmanager: {}, grafana: {}}",
            "",
            &["stack"],
        ),
        (
            "{prometheus: {}, node_exporter: {}}",
            ", alerts: {presets: none}",
            &[],
        ),
        (
            "{prometheus: {}, node_exporter: {}}",
            ", alerts: {presets: [host]}",
            &["host"],
        ),
    ];
    for (components, extra, expected) in cases {
        assert_eq!(selected(components, extra), expected, "{components}{extra}");
    }
}

#[test]
fn explicit_list_reports_unknown_and_skips_unfitting_presets() {
    let yaml = "{version: 1, project: p, components: {prometheus: {}}, alerts: {presets: [stack, host, hots]}}";
    let selection = with_stack(yaml, select);
    assert_eq!(selection.presets, ["stack"]);
    assert_eq!(selection.problems.len(), 1);
    assert_eq!(selection.problems[0].path, "alerts.presets[2]");
    assert_eq!(
        selection.problems[0].hint.as_deref(),
        Some("did you mean `host`?")
    );
    assert!(
        selection.warnings[0].contains("`host` is skipped"),
        "{:?}",
        selection.warnings
    );
}

fn rendered(yaml: &str, preset: &str) -> (RuleFile, Vec<rules::UnitTest>) {
    with_stack(yaml, |stack| {
        let knobs = data::knobs(stack.templates, preset).unwrap();
        build(stack, preset, &knobs).unwrap()
    })
}

fn expr_of<'a>(file: &'a RuleFile, alert: &str) -> &'a str {
    let rule = file
        .groups
        .iter()
        .flat_map(|g| &g.rules)
        .find(|r| r.alert.as_deref() == Some(alert));
    &rule.unwrap_or_else(|| panic!("no {alert}")).expr
}

#[test]
fn thresholds_override_knob_defaults() {
    let base = "{version: 1, project: p, components: {prometheus: {}, node_exporter: {}}";
    let cases = [
        ("", "> 0.9"),
        (", alerts: {thresholds: {host_memory_used: 0.75}}", "> 0.75"),
    ];
    for (extra, expected) in cases {
        let (file, _) = rendered(&format!("{base}{extra}}}"), "host");
        let expr = expr_of(&file, "HostOutOfMemory");
        assert!(expr.contains(expected), "{extra}: {expr}");
        assert!(expr.contains("job=~\"node\""), "{expr}");
    }
}

#[test]
fn disabled_alerts_lose_their_rule_and_their_test() {
    let yaml = "{version: 1, project: p, components: {prometheus: {}, node_exporter: {}}, alerts: {disable: [HostOutOfMemory, HostOutOfInodes]}}";
    let (file, tests) = rendered(yaml, "host");
    let alerts: Vec<&str> = file.alert_names().collect();
    assert!(!alerts.contains(&"HostOutOfMemory") && !alerts.contains(&"HostOutOfInodes"));
    assert!(alerts.contains(&"HostHighCpuLoad"));
    let tested: Vec<&str> = tests
        .iter()
        .flat_map(|t| &t.alert_rule_test)
        .map(|a| a.alertname.as_str())
        .collect();
    assert!(!tested.contains(&"HostOutOfMemory") && !tested.contains(&"HostOutOfInodes"));
    assert!(tested.contains(&"HostOutOfDiskSpace"));
}

#[test]
fn alertmanager_rules_need_an_alertmanager() {
    let cases = [
        ("{prometheus: {}}", false),
        ("{prometheus: {}, alertmanager: {}}", true),
    ];
    for (components, expected) in cases {
        let (file, tests) = rendered(
            &format!("{{version: 1, project: p, components: {components}}}"),
            "stack",
        );
        let has = |name: &str| file.alert_names().any(|a| a == name);
        assert_eq!(
            has("AlertmanagerConfigReloadFailed"),
            expected,
            "{components}"
        );
        let tested = tests
            .iter()
            .flat_map(|t| &t.alert_rule_test)
            .any(|a| a.alertname == "AlertmanagerConfigReloadFailed");
        assert_eq!(tested, expected, "{components}");
    }
}

#[test]
fn job_selectors_follow_the_topology() {
    let yaml = "{version: 1, project: p, components: {prometheus: {}}}";
    let (file, _) = rendered(yaml, "stack");
    assert!(expr_of(&file, "PrometheusConfigReloadFailed").contains("job=~\"prometheus\""));
    assert_eq!(job_regex(&["cache".into(), "a.b".into()]), r"cache|a\\.b");
    assert_eq!(job_regex(&[]), ".+");
    let two_redis = "{version: 1, project: p, components: {prometheus: {}}, exporters: [{type: redis, name: cache}, {type: redis, name: sessions}]}";
    let (file, tests) = rendered(two_redis, "redis");
    assert!(expr_of(&file, "RedisDown").contains("job=~\"cache|sessions\""));
    assert!(tests[0].input_series[0].series.contains("job=\"cache\""));
}

#[test]
fn unknown_thresholds_and_disabled_names_are_problems() {
    let yaml = "{version: 1, project: p, components: {prometheus: {}}, alerts: {thresholds: {host_mem_used: 0.5}, disable: [Watchdgo]}}";
    let manifest: Manifest = serde_yaml::from_str(yaml).unwrap();
    let templates = Templates::embedded();
    let stack = Stack::new(&manifest, std::path::Path::new("."), &templates);
    let mut draft = Draft::new(&[]);
    render(&stack, &mut draft).unwrap();
    let found: Vec<(&str, &str)> = draft
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.hint.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        found,
        [
            (
                "alerts.thresholds.host_mem_used",
                "did you mean `host_memory_used`?"
            ),
            ("alerts.disable[0]", "did you mean `Watchdog`?"),
        ]
    );
    assert!(draft.files().is_empty());
}

#[test]
fn tuning_a_preset_that_is_not_rendered_is_a_warning() {
    let yaml = "{version: 1, project: p, components: {prometheus: {}}, alerts: {thresholds: {host_memory_used: 0.5, prometheus_notification_errors: 0.1}, disable: [RedisDown, Watchdog]}}";
    let manifest: Manifest = serde_yaml::from_str(yaml).unwrap();
    let templates = Templates::embedded();
    let stack = Stack::new(&manifest, std::path::Path::new("."), &templates);
    let mut draft = Draft::new(&[]);
    render(&stack, &mut draft).unwrap();
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
    assert_eq!(
        draft.warnings,
        [
            "`alerts.thresholds` names `host_memory_used` of preset `host`, which this stack does not render; it has no effect",
            "`alerts.disable` names `RedisDown` of preset `redis`, which this stack does not render; it has no effect",
        ]
    );
}

/// Every metric a preset rule reads is one its exporter exposes, always or under a condition
/// the catalog names (recorded from the real exporters by tests/e2e_exporters.rs).
#[test]
fn preset_rules_read_only_metrics_their_exporter_exposes() {
    use crate::metrics::catalog::Catalog;
    let yaml = "{version: 1, project: p, components: {prometheus: {}, node_exporter: {}, alertmanager: {}}, exporters: [{type: redis}, {type: postgres}, {type: mysql}, {type: nginx}, {type: kafka}, {type: elasticsearch}]}";
    let catalog = Catalog::embedded();
    let mut unknown = Vec::new();
    for (preset, exporter) in [
        ("redis", "redis"),
        ("postgres", "postgres"),
        ("mysql", "mysql"),
        ("nginx", "nginx"),
        ("kafka", "kafka"),
        ("elasticsearch", "elasticsearch"),
        ("host", "node"),
    ] {
        let entry = catalog.exporter(exporter).expect("a catalog entry");
        let (file, _) = rendered(yaml, preset);
        for rule in file.groups.iter().flat_map(|g| &g.rules) {
            for metric in crate::metrics::names::metric_names(&rule.expr).unwrap() {
                if !entry.knows(&metric) {
                    unknown.push(format!("{preset}: {metric} (not in {})", entry.release));
                }
            }
        }
    }
    assert!(unknown.is_empty(), "{unknown:#?}");
}
