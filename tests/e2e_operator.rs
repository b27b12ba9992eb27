//! Operator output against a real Docker daemon: `status --json` validates against the
//! published docs/status.schema.json (healthy and degraded), `deploy --dry-run` reads like
//! `terraform plan` (counts, `old → new`, `--json`, `--detailed-exitcode`), `stackctl diff`
//! shows what a container was created with against the manifest, deploy progress prints each
//! outcome with timestamps on a pipe, and a stack `docker compose up` started from the export
//! is adopted instead of recreated.

mod common;
mod e2e_support;

use e2e_support::{eventually, stack};

fn schema() -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/status.schema.json");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the published schema is a valid JSON Schema")
}

/// `status --json`, checked against the published schema; returns the document.
fn status_json(s: &e2e_support::Stack) -> (serde_json::Value, Option<i32>) {
    let output = s.run(&["status", "--json"]);
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("status --json is JSON");
    let errors: Vec<String> = schema()
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations: {errors:#?}\n{report:#}"
    );
    (report, output.status.code())
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn status_json_validates_and_the_dry_run_diff_and_progress_say_what_changes() {
    let Some(s) = stack("operator") else { return };
    s.write_manifest(&s.manifest("", ""));

    let cold = s.run(&["deploy", "--dry-run", "--detailed-exitcode"]);
    assert_eq!(cold.status.code(), Some(2), "changes to make");
    let plan = stdout(&cold);
    assert!(
        plan.contains("Plan: 9 to create, 0 to recreate, 0 to reload, 0 unchanged."),
        "5 services, the network and 3 volumes: {plan}"
    );

    let out = s.ok(&["deploy", "--timeout", "60"]);
    let ready_lines: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(" created: ready after "))
        .collect();
    assert_eq!(ready_lines.len(), 5, "one outcome line per service: {out}");
    assert!(
        ready_lines
            .iter()
            .all(|l| l.starts_with("20") && l.contains("Z ")),
        "timestamped on a pipe: {ready_lines:?}"
    );
    assert!(!out.contains('\u{1b}'), "no colour on a pipe: {out}");

    eventually(30, "every target up and the stack healthy", || {
        status_json(&s).1 == Some(0)
    });
    let (report, _) = status_json(&s);
    assert_eq!(report["schema_version"], 1);
    let node = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "node-exporter")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(node["config"], "current");
    assert_eq!(node["created_by"], "stackctl");

    let quiet = s.ok(&["deploy", "-q"]);
    assert_eq!(quiet.trim().lines().count(), 1, "only the verdict: {quiet}");

    // A changed port: the plan, its JSON and the diff all say old → new.
    let new_port = e2e_support::free_port();
    let manifest = s.manifest("", "").replace(
        &format!("port: {}}}", s.pushgateway_port),
        &format!("port: {new_port}}}"),
    );
    s.write_manifest(&manifest);
    let dry = s.run(&["deploy", "--dry-run", "--detailed-exitcode"]);
    assert_eq!(dry.status.code(), Some(2));
    let plan = stdout(&dry);
    let old_bind = format!("127.0.0.1:{}:9091/tcp", s.pushgateway_port);
    let new_bind = format!("127.0.0.1:{new_port}:9091/tcp");
    assert!(
        plan.contains(&format!("ports: {old_bind} → {new_bind}")),
        "{plan}"
    );
    assert!(
        plan.contains("Plan: 0 to create, 1 to recreate, 0 to reload, 4 unchanged."),
        "{plan}"
    );
    let json = s.run(&["deploy", "--dry-run", "--json"]);
    assert_eq!(json.status.code(), Some(0), "no --detailed-exitcode: 0");
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["counts"]["recreate"], 1);
    let push = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "pushgateway")
        .unwrap();
    assert_eq!(push["action"], "recreate");
    assert!(push["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["field"] == "ports"
            && c["old"] == old_bind.as_str()
            && c["new"] == new_bind.as_str()));
    let diff = s.run(&["diff", "pushgateway", "--detailed-exitcode"]);
    assert_eq!(diff.status.code(), Some(2));
    let diff = stdout(&diff);
    assert!(diff.contains("--- a/pushgateway.spec.json"), "{diff}");
    assert!(
        diff.contains(&format!("\"host_port\": {new_port}")),
        "{diff}"
    );

    // `-v` prints the plan before applying it; the outcome follows as it happens.
    let verbose = s.ok(&["deploy", "-v", "--timeout", "60"]);
    assert!(
        verbose.contains("Plan: 0 to create, 1 to recreate"),
        "{verbose}"
    );
    assert!(
        verbose.contains("recreated (ports changed): ready after"),
        "{verbose}"
    );

    // Degraded: a stopped service shows as such, still valid against the schema.
    s.write_manifest(&s.manifest("", ""));
    e2e_support::docker(&["stop", "-t", "1", &s.container("node-exporter")]);
    let (report, code) = status_json(&s);
    assert_eq!(code, Some(1));
    assert_eq!(report["healthy"], false);
    let problem = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["service"] == "node-exporter")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(problem["code"], "service_not_running");
}

#[test]
fn a_stack_started_with_docker_compose_is_adopted_not_recreated() {
    let Some(s) = stack("adopt") else { return };
    let Some(mut compose) = common::compose_command() else {
        return;
    };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["render"]);
    let file = s.out("docker-compose.yml");
    let up = compose
        .arg("-f")
        .arg(&file)
        .args([
            "-p",
            &s.project,
            "up",
            "-d",
            "--wait",
            "--wait-timeout",
            "90",
        ])
        .output()
        .expect("compose runs");
    assert!(
        up.status.success(),
        "compose up: {}",
        String::from_utf8_lossy(&up.stderr)
    );
    let ids = || {
        ["prometheus", "alertmanager", "pushgateway"]
            .map(|svc| s.inspect(svc, "{{.Id}}"))
            .join(" ")
    };
    let before = ids();

    let (report, _) = status_json(&s);
    for service in report["services"].as_array().unwrap() {
        assert_eq!(service["created_by"], "compose", "{report:#}");
        assert_eq!(service["config"], "current", "{report:#}");
    }
    let dry = s.run(&["deploy", "--dry-run", "--detailed-exitcode"]);
    assert_eq!(
        dry.status.code(),
        Some(0),
        "nothing to do: {}",
        stdout(&dry)
    );
    let out = s.ok(&["deploy", "--timeout", "60"]);
    assert!(out.contains("is up to date"), "{out}");
    assert_eq!(ids(), before, "no container recreated");

    // What differs from the export compose ran is said field by field.
    let manifest = s
        .manifest("", "")
        .replace(&format!("port: {}}}", s.alertmanager_port), "port: null}");
    s.write_manifest(&manifest);
    let (report, code) = status_json(&s);
    assert_eq!(code, Some(1));
    let problem = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["service"] == "alertmanager")
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(problem["code"], "spec_outdated");
    let message = problem["message"].as_str().unwrap();
    assert!(
        message.contains("docker compose") && message.contains(&format!("{}", s.alertmanager_port)),
        "{message}"
    );
    let plan = s.ok(&["deploy", "--dry-run"]);
    assert!(plan.contains("recreate  alertmanager"), "{plan}");
    assert!(plan.contains("keep      node-exporter"), "{plan}");
}
