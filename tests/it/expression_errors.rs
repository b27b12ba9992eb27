//! Broken expressions and versions are manifest problems: `render` and `validate` both exit 2
//! at load, write nothing, and point at the manifest key with the parser's message and a hint.
//! (The full output of each fixture is pinned by `manifest_errors`' snapshots.)

use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/invalid")
        .join(name)
}

/// (fixture, message, location, hint) — each one line of the error output.
const CASES: &[(&str, &str, &str, &str)] = &[
    ("expr-unclosed-parenthesis", "error: `alerts.groups[0].rules[0].expr`: PromQL does not parse: unclosed left parenthesis", "stackctl.yaml:10:17", "`(` and `)` do not balance (1 vs 0); close every bracket"),
    ("expr-unclosed-selector", "error: `alerts.groups[0].rules[0].expr`: PromQL does not parse: unexpected character inside braces: '0'", "stackctl.yaml:10:17", "`{` and `}` do not balance (1 vs 0); close every bracket"),
    ("expr-match-re-invalid", "error: `notify.routes[0].match_re.service`: `api(|` is not a valid regular expression: unclosed group", "stackctl.yaml:12:27", "write an RE2 pattern"),
    ("expr-timezone-typo", "error: `Europe/Berln` is not a time zone in the IANA database", "stackctl.yaml:15:49", "did you mean `Europe/Berlin`?"),
    ("expr-timezone-path", "error: `../../../../etc/passwd` is not a time zone in the IANA database", "stackctl.yaml:15:49", "use an IANA time zone name"),
    ("expr-slo-errors-is-a-function", "error: `slos[0].errors`: `rate(x[5m])` is a call of `rate`, not a series selector", "stackctl.yaml:8:13", "give the counter selector only"),
    ("expr-relabel-typo", "error: unknown key `replacment` in `scrape[0].relabel[0]`", "stackctl.yaml:11:21", "did you mean `replacement`?"),
    ("expr-summary-arithmetic", "error: `alerts.groups[0].rules[0].summary`: unexpected `*` in `{{ 7*7 }}`", "stackctl.yaml:11:20", "Go templates have no arithmetic operators"),
    ("expr-rule-file-broken", "error: `legacy.yml:5:15`: PromQL does not parse: unexpected character inside braces: '0'", "stackctl.yaml:6:11", "`{` and `}` do not balance"),
    ("expr-dashboard-file-broken", "error: `api.json`: panel `Errors`, query `A`: PromQL does not parse: unclosed left parenthesis", "stackctl.yaml:7:11", "`(` and `)` do not balance (2 vs 1)"),
    ("expr-template-file-broken", "error: `email.tmpl:6:30`: unexpected `*` in `{{ len .Alerts * 2 }}`", "stackctl.yaml:8:15", "Go templates have no arithmetic operators"),
    ("old-way-email-subject", "error: unknown key `subject` in `notify.receivers.team-email.email`", "stackctl.yaml:14:9", "write `headers: {Subject: '...'}`"),
    ("old-way-elk", "error: unknown key `kibana` in `components`", "stackctl.yaml:6:3", "stackctl keeps logs in Loki, not an ELK stack"),
    ("version-latest", "error: `latest` is not a Prometheus release number", "stackctl.yaml:5:14", "stackctl supports Prometheus 2.42.0 up to 3.x; the newest release it knows is 3.14.0"),
    ("version-empty", "error: the Prometheus version is empty", "stackctl.yaml:5:14", "the newest release it knows is 3.14.0"),
    ("version-not-a-release", "error: `v3.x.y` is not a Prometheus release number", "stackctl.yaml:5:14", "write a release such as `3.14.0`"),
    ("version-outside-range", "error: Prometheus 2.30.0 is outside the supported releases", "stackctl.yaml:5:14", "stackctl supports Prometheus 2.42.0 up to 3.x"),
    ("version-jaeger-1", "error: Jaeger 1.50.0 is no longer supported", "stackctl.yaml:5:14", "Jaeger v2, built on the OpenTelemetry Collector, replaced it"),
    ("version-loki-2", "error: Loki 2.9.4 is no longer supported", "stackctl.yaml:5:14", "Loki 3 replaced by TSDB with schema v13"),
    ("image-invalid-reference", "error: `UPPER/Case:tag with space` is not a valid image reference: it contains whitespace", "stackctl.yaml:5:12", "with a lowercase name"),
    ("retention-size-overflow", "error: `99999999999999999999EB` is not a size Prometheus understands", "stackctl.yaml:5:23", "at most 7EB"),
    ("project-name-too-long", "error: the name of the project is 260 characters long; at most 63 are allowed", "stackctl.yaml:2:10", "use a shorter name"),
    ("slo-name-too-long", "error: the name of an SLO is 260 characters long; at most 63 are allowed", "stackctl.yaml:6:11", "use a shorter name"),
    ("receiver-empty-name", "error: a receiver has an empty name", "stackctl.yaml:8:3", "name each receiver"),
    ("quiet-hours-empty-name", "error: a quiet-hours interval has an empty name", "stackctl.yaml:11:3", "name each interval"),
];

fn run(command: &str, name: &str) -> (Option<i32>, String, bool) {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture(name)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let before: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let output = assert_cmd::Command::cargo_bin("stackctl")
        .unwrap()
        .current_dir(dir.path())
        .args([command, "-f", "stackctl.yaml"])
        .output()
        .unwrap();
    let after: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr, before == after)
}

#[test]
fn render_and_validate_refuse_each_case_at_load_with_message_location_and_hint() {
    for (name, message, location, hint) in CASES {
        for command in ["render", "validate"] {
            let (code, stderr, nothing_written) = run(command, name);
            assert_eq!(code, Some(2), "{command} {name}:\n{stderr}");
            assert!(nothing_written, "{command} {name} wrote files");
            assert!(
                stderr.lines().any(|l| l == *message),
                "{command} {name}: no line {message:?} in\n{stderr}"
            );
            assert!(
                stderr.contains(&format!("  --> {location}\n")),
                "{command} {name}: not at {location}:\n{stderr}"
            );
            assert!(
                stderr
                    .lines()
                    .any(|l| l.contains("= hint: ") && l.contains(hint)),
                "{command} {name}: no hint {hint:?} in\n{stderr}"
            );
        }
    }
}
