//! The real Alertmanager judges: Debian `amtool` 0.25 checks configs rendered for
//! `components.alertmanager.version: 0.25.0` and routes test alerts through them.

use crate::alertmanager_support;

use alertmanager_support::*;

fn check_config(amtool: &std::path::Path, config: &std::path::Path) {
    let (ok, output) = run_amtool(amtool, &["check-config", &config.to_string_lossy()]);
    assert!(
        ok,
        "amtool check-config failed:\n{output}\n--- config ---\n{}",
        std::fs::read_to_string(config).unwrap_or_default()
    );
    assert!(output.contains("SUCCESS"), "{output}");
}

/// `amtool config routes test` with `labels`, verifying the receivers that get the alert.
fn routes_to(amtool: &std::path::Path, config: &std::path::Path, receivers: &str, labels: &[&str]) {
    let config_flag = format!("--config.file={}", config.display());
    let verify = format!("--verify.receivers={receivers}");
    let mut args = vec![
        "config",
        "routes",
        "test",
        config_flag.as_str(),
        verify.as_str(),
    ];
    args.extend_from_slice(labels);
    let (ok, output) = run_amtool(amtool, &args);
    assert!(ok, "{labels:?} should reach {receivers}:\n{output}");
}

#[test]
fn amtool_accepts_the_full_notify_example_rendered_for_0_25() {
    let Some(amtool) = amtool() else { return };
    let stack = render_ok(&shop_manifest("0.25.0"), SHOP_SECRETS);
    let (_dir, config) = write_out(&stack);
    check_config(&amtool, &config);
}

#[test]
fn amtool_routes_alerts_by_severity_to_the_right_receivers() {
    let Some(amtool) = amtool() else { return };
    let stack = render_ok(&shop_manifest("0.25.0"), SHOP_SECRETS);
    let (_dir, config) = write_out(&stack);
    routes_to(&amtool, &config, "oncall", &["severity=critical"]);
    routes_to(
        &amtool,
        &config,
        "chat",
        &["severity=warning", "service=api"],
    );
    routes_to(
        &amtool,
        &config,
        "bot",
        &["severity=warning", "service=web", "team=bots"],
    );
    routes_to(
        &amtool,
        &config,
        "team-email",
        &["severity=warning", "service=db"],
    );
    routes_to(&amtool, &config, "team-email", &["severity=info"]);
}

#[test]
fn amtool_accepts_the_default_config_without_notify() {
    let Some(amtool) = amtool() else { return };
    let stack = render_ok(
        r#"{version: 1, project: t, components: {alertmanager: {version: "0.25.0"}}}"#,
        &[],
    );
    let (_dir, config) = write_out(&stack);
    check_config(&amtool, &config);
    routes_to(&amtool, &config, "default", &["alertname=Anything"]);
}

/// Label values that break naive quoting; each routes to its own receiver.
const HOSTILE: &[&str] = &[
    r#"say "hi""#,
    r"back\slash",
    r"trailing\",
    "a,b",
    "{x}",
    "}",
    "two\nlines",
    "ünïcødé ✓",
    "it's",
    "=~!",
    " padded ",
    "# not a comment",
    "{{ $labels.x }}",
    "",
];

/// Receiver `i`'s name: every other one is hostile too (quotes, `#`, `:`, braces, unicode).
fn receiver_name(i: usize) -> String {
    if i.is_multiple_of(2) {
        format!("r{i}")
    } else {
        format!("ops: \"on-call\" #{i} ✓ {{x}} 'q'")
    }
}

fn hostile_manifest() -> String {
    let mut receivers = String::new();
    let mut routes = String::new();
    for (i, value) in HOSTILE.iter().enumerate() {
        let name = serde_json::to_string(&receiver_name(i)).expect("json string");
        receivers.push_str(&format!(
            "    {name}: {{webhook: {{url: \"http://bot:5001/{i}\"}}}}\n"
        ));
        let quoted = serde_json::to_string(value).expect("json string");
        routes.push_str(&format!(
            "    - {{match: {{team: {quoted}}}, receiver: {name}}}\n"
        ));
    }
    format!(
        "version: 1\nproject: t\ncomponents: {{alertmanager: {{version: \"0.25.0\"}}}}\nnotify:\n  default: fallback\n  receivers:\n    fallback: {{webhook: {{url: \"http://bot:5001/none\"}}}}\n{receivers}  routes:\n{routes}"
    )
}

/// The matcher syntax Alertmanager reads: `\\`, `\"` and `\n` escapes inside double quotes.
fn unescape_matcher_value(matcher: &str) -> String {
    let quoted = matcher
        .strip_prefix("team=\"")
        .and_then(|m| m.strip_suffix('"'))
        .expect("team=\"…\"");
    let mut out = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn hostile_label_values_round_trip_through_yaml_and_the_matcher_syntax() {
    let stack = render_ok(&hostile_manifest(), &[]);
    let doc = config(&stack);
    // Route 0 is the built-in Watchdog route.
    for (i, value) in HOSTILE.iter().enumerate() {
        let route = &doc["route"]["routes"][i + 1];
        assert_eq!(route["receiver"], receiver_name(i).as_str());
        let matcher = route["matchers"][0].as_str().expect("matcher string");
        assert_eq!(unescape_matcher_value(matcher), *value, "{matcher}");
    }
}

#[test]
fn amtool_routes_hostile_label_values_to_their_receivers() {
    let Some(amtool) = amtool() else { return };
    let stack = render_ok(&hostile_manifest(), &[]);
    let (_dir, config) = write_out(&stack);
    check_config(&amtool, &config);
    let doc = alertmanager_support::config(&stack);
    for (i, _) in HOSTILE.iter().enumerate() {
        // The same escaped `team="…"` text, read by amtool's own label parser.
        let label = doc["route"]["routes"][i + 1]["matchers"][0]
            .as_str()
            .expect("matcher")
            .to_string();
        routes_to(&amtool, &config, &receiver_name(i), &[&label]);
    }
}
