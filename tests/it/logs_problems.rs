//! Manifest problems the logs, traces and Grafana renderers report: the key path, the message
//! and a hint, located in the file like every other manifest error.

use std::path::Path;

use stackctl::manifest::load_str;
use stackctl::render::{render, RenderError, Templates};

/// (key path, message) of every problem, or the load error text.
fn problems(body: &str) -> Vec<(String, String)> {
    let source = format!("version: 1\nproject: t\n{body}");
    let loaded = match load_str(Path::new("stackctl.yaml"), &source, &|_| None) {
        Ok(loaded) => loaded,
        Err(e) => {
            return e
                .problems
                .into_iter()
                .map(|p| (p.path, p.message))
                .collect()
        }
    };
    match render(&loaded, &Templates::embedded()) {
        Ok(_) => Vec::new(),
        Err(RenderError::Invalid(e)) => {
            assert!(
                e.problems.iter().all(|p| p.hint.is_some()),
                "every problem has a hint: {e}"
            );
            e.problems
                .into_iter()
                .map(|p| (p.path, p.message))
                .collect()
        }
        Err(RenderError::Internal(e)) => panic!("{e:#}"),
    }
}

#[test]
fn reports_what_the_operator_can_fix() {
    let cases: &[(&str, &str, &str)] = &[
        ("components: {loki: {retention: 12h}}\n", "components.loki.retention", ""),
        ("components: {loki: {version: 2.9.4}}\n", "components.loki.version", "Loki 2.9.4 is no longer supported"),
        ("components: {jaeger: {}}\ntraces: {otlp: false}\n", "traces.otlp", "turns off every receiver"),
        ("components: {alloy: {}}\n", "components.alloy", "no Loki to push to"),
        ("components: {loki: {}, alloy: {}}\nlogs: {files: [{path: /*.log}]}\n", "logs.files[0].path", "whole host filesystem"),
        ("components: {loki: {}, alloy: {}}\nlogs: {json_fields: [a.b, a_b]}\n", "logs.json_fields[1]", "distinct label"),
        ("components: {loki: {}, alloy: {}}\nlogs: {files: [{path: /var/log/x.log, labels: {__x: y}}]}\n", "logs.files[0].labels.__x", "not a valid Loki label name"),
        ("components: {prometheus: {}, grafana: {admin_password: pw-12345678}}\ndashboards: {files: [missing/*.json]}\n", "dashboards.files[0]", "matches no file"),
    ];
    for (body, path, fragment) in cases {
        let found = problems(body);
        assert!(
            found.iter().any(|(p, m)| p == path && m.contains(fragment)),
            "{body}: expected `{path}`: …{fragment}…, found {found:?}"
        );
    }
}

#[test]
fn a_declared_stack_with_defaults_has_no_problem() {
    let body = "components: {prometheus: {}, alertmanager: {}, grafana: {admin_password: pw-12345678}, loki: {}, alloy: {}, jaeger: {}}\n";
    assert_eq!(problems(body), Vec::<(String, String)>::new());
}
