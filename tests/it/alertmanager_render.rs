//! Rendered alertmanager.yml for the pinned release (0.34): structure, no deprecated keys,
//! secrets by file, version gates, `extra_config`.

use crate::alertmanager_support;

use alertmanager_support::*;
use serde_yaml::Value;
use stackctl::render::FileMode;

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("test yaml parses")
}

#[test]
fn routes_render_as_quoted_matchers_under_a_root_route_with_the_manifest_timing() {
    let stack = render_ok(&shop_manifest("0.34.0"), SHOP_SECRETS);
    let doc = config(&stack);
    let route = &doc["route"];
    assert_eq!(route["receiver"], "team-email");
    assert_eq!(route["group_by"], yaml("[alertname, cluster, service]"));
    assert_eq!(route["group_wait"], "10s");
    assert_eq!(route["repeat_interval"], "12h");
    assert!(
        route.get("matchers").is_none(),
        "the root route must not match"
    );
    assert_eq!(
        route["routes"][0],
        yaml(r#"{matchers: ['alertname="Watchdog"'], receiver: 'null'}"#),
        "the built-in Watchdog route comes first"
    );
    let critical = &route["routes"][1];
    assert_eq!(critical["matchers"], yaml(r#"['severity="critical"']"#));
    assert_eq!(critical["receiver"], "oncall");
    assert_eq!(critical["continue"], true);
    assert_eq!(critical["mute_time_intervals"], yaml("[nights]"));
    let warning = &route["routes"][2];
    assert_eq!(
        warning["matchers"],
        yaml(r#"['severity="warning"', 'service=~"api|web"']"#)
    );
    assert_eq!(warning["group_by"], yaml("[alertname]"));
    assert_eq!(warning["repeat_interval"], "1h");
    assert!(warning.get("continue").is_none());
    let nested = &warning["routes"][0];
    assert_eq!(nested["matchers"], yaml(r#"['team="bots"']"#));
    assert_eq!(nested["active_time_intervals"], yaml("[office]"));
    let text = config_text(&stack);
    assert!(
        text.contains(r#"- 'severity="critical"'"#),
        "matchers are written quoted:\n{text}"
    );
}

#[test]
fn inhibit_rules_use_source_and_target_matchers() {
    let doc = config(&render_ok(&shop_manifest("0.34.0"), SHOP_SECRETS));
    assert_eq!(
        doc["inhibit_rules"],
        yaml(
            r#"[{source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: [alertname, instance]}]"#
        )
    );
}

#[test]
fn no_deprecated_key_appears_anywhere() {
    for version in ["0.34.0", "0.25.0"] {
        let doc = config(&render_ok(&shop_manifest(version), SHOP_SECRETS));
        let mut keys = Vec::new();
        all_keys(&doc, "", &mut keys);
        for key in &keys {
            let last = key.rsplit('.').next().unwrap_or(key);
            let last = last.split('[').next().unwrap_or(last);
            assert!(
                ![
                    "match",
                    "match_re",
                    "source_match",
                    "source_match_re",
                    "target_match",
                    "target_match_re",
                    "msteams_configs"
                ]
                .contains(&last),
                "{version}: deprecated key `{key}`"
            );
        }
        assert!(
            !keys.contains(&"mute_time_intervals".to_string()),
            "{version}: top-level mute_time_intervals"
        );
        assert!(keys.contains(&"time_intervals".to_string()));
    }
}

#[test]
fn receivers_carry_their_channel_settings_and_reference_secrets_by_file() {
    let doc = config(&render_ok(&shop_manifest("0.34.0"), SHOP_SECRETS));
    let receivers = doc["receivers"].as_sequence().expect("receivers list");
    let names: Vec<&str> = receivers
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["team-email", "oncall", "chat", "bot", "null"]);
    let email = &receivers[0]["email_configs"][0];
    assert_eq!(email["to"], "alerts@shop.example.com, ops@shop.example.com");
    assert_eq!(email["smarthost"], "smtp.example.com:587");
    assert_eq!(email["from"], "am@shop.example.com");
    assert_eq!(email["auth_username"], "am@shop.example.com");
    assert_eq!(
        email["auth_password_file"],
        "/run/secrets/team-email_email_password"
    );
    let pagerduty = &receivers[1]["pagerduty_configs"][0];
    assert_eq!(
        pagerduty["routing_key_file"],
        "/run/secrets/oncall_pagerduty_routing_key"
    );
    assert_eq!(pagerduty["severity"], "critical");
    let slack = &receivers[2]["slack_configs"][0];
    assert_eq!(slack["api_url_file"], "/run/secrets/chat_slack_webhook_url");
    assert_eq!(slack["channel"], "#alerts");
    assert_eq!(slack["send_resolved"], true);
    assert_eq!(slack["title"], "{{ .CommonLabels.alertname }}");
    let webhook = &receivers[3]["webhook_configs"][0];
    assert_eq!(webhook["url_file"], "/run/secrets/bot_webhook_url");
    assert_eq!(webhook["max_alerts"], 10);
}

#[test]
fn secret_files_land_under_secrets_alertmanager_and_never_in_the_config() {
    let stack = render_ok(&shop_manifest("0.34.0"), SHOP_SECRETS);
    let text = config_text(&stack);
    for secret in SHOP_SECRETS.iter().chain(["http://bot:5001/alerts"].iter()) {
        assert!(
            !text.contains(secret),
            "secret value in alertmanager.yml:\n{text}"
        );
    }
    for (name, value) in [
        ("team-email_email_password", "smtp-secret-1"),
        ("oncall_pagerduty_routing_key", "pd-routing-key-1"),
        ("chat_slack_webhook_url", SHOP_SECRETS[2]),
        ("bot_webhook_url", "http://bot:5001/alerts"),
    ] {
        let file = &stack.files[&format!("secrets/alertmanager/{name}")];
        assert_eq!(file.contents.expose(), value);
        assert_eq!(file.mode(), FileMode::Secret);
    }
    let stray: Vec<&String> = stack
        .files
        .keys()
        .filter(|p| p.starts_with("secrets/") && !p.starts_with("secrets/alertmanager/"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

const TEAMS: &str = r#"
version: 1
project: t
components:
  alertmanager: {version: "VERSION"}
notify:
  default: teams
  receivers:
    teams:
      msteams: {webhook_url: "TEAMS_URL", title: "Alert", send_resolved: true}
"#;

fn teams(version: &str, url: &str) -> String {
    TEAMS.replace("VERSION", version).replace("TEAMS_URL", url)
}

#[test]
fn msteams_uses_workflows_from_0_28_with_the_url_in_a_file() {
    let url = "https://prod.example.logic.azure.com/workflows/secret-sig";
    let stack = render_ok(&teams("0.34.0", url), &[url]);
    let receiver = &config(&stack)["receivers"][0];
    assert!(receiver.get("msteams_configs").is_none());
    let v2 = &receiver["msteamsv2_configs"][0];
    assert_eq!(
        v2["webhook_url_file"],
        "/run/secrets/teams_msteams_webhook_url"
    );
    assert_eq!(v2["title"], "Alert");
    assert_eq!(
        stack.files["secrets/alertmanager/teams_msteams_webhook_url"]
            .contents
            .expose(),
        url
    );
}

#[test]
fn msteams_on_0_27_uses_the_legacy_connector_and_refuses_a_secret_url() {
    let url = "https://outlook.example.com/webhook/secret-sig";
    let problems = problem_paths(&teams("0.27.0", url), &[url]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "notify.receivers.teams.msteams.webhook_url");
    assert!(
        problems[0].1.contains("components.alertmanager.version"),
        "{}",
        problems[0].1
    );
    let literal = render_ok(&teams("0.27.0", "http://teams-relay:8080/hook"), &[]);
    assert_eq!(
        config(&literal)["receivers"][0]["msteams_configs"][0]["webhook_url"],
        "http://teams-relay:8080/hook"
    );
}

#[test]
fn msteams_before_0_26_is_reported_with_a_version_hint() {
    let problems = problem_paths(&teams("0.25.0", "http://teams-relay:8080/hook"), &[]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "notify.receivers.teams.msteams");
    assert!(
        problems[0].1.contains("added in 0.26.0"),
        "{}",
        problems[0].1
    );
}

#[test]
fn webhook_url_from_a_variable_on_0_25_is_reported_but_a_literal_goes_inline() {
    let manifest = shop_manifest("0.25.0").replace(
        "http://bot:5001/alerts",
        "http://bot:5001/alerts?token=tok-123456",
    );
    let problems = problem_paths(&manifest, &[SHOP_SECRETS, &["tok-123456"]].concat());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "notify.receivers.bot.webhook.url");
    assert!(problems[0].1.contains("0.26.0"), "{}", problems[0].1);
    let doc = config(&render_ok(&shop_manifest("0.25.0"), SHOP_SECRETS));
    let webhook = &doc["receivers"][3]["webhook_configs"][0];
    assert_eq!(webhook["url"], "http://bot:5001/alerts");
    assert!(webhook.get("url_file").is_none());
}

#[test]
fn grouping_and_timing_default_when_notify_omits_them() {
    let manifest = r#"
version: 1
project: t
components: {alertmanager: {}}
notify:
  default: bot
  receivers: {bot: {webhook: {url: "http://bot:5001/"}}}
"#;
    let route = config(&render_ok(manifest, &[]))["route"].clone();
    assert_eq!(route["group_by"], yaml("[alertname, job]"));
    assert_eq!(
        (
            &route["group_wait"],
            &route["group_interval"],
            &route["repeat_interval"]
        ),
        (&yaml("30s"), &yaml("5m"), &yaml("4h"))
    );
    assert_eq!(
        route["routes"],
        yaml(r#"[{matchers: ['alertname="Watchdog"'], receiver: 'null'}]"#),
        "only the built-in Watchdog route"
    );
}

#[test]
fn without_notify_a_default_receiver_without_channels_catches_everything_and_a_warning_says_so() {
    let stack = render_ok(
        "{version: 1, project: t, components: {alertmanager: {}}}",
        &[],
    );
    let doc = config(&stack);
    assert_eq!(doc["route"]["receiver"], "default");
    assert_eq!(doc["receivers"], yaml("[{name: default}]"));
    assert!(
        stack.warnings.iter().any(|w| w.contains("notify")),
        "{:?}",
        stack.warnings
    );
}

#[test]
fn no_alertmanager_component_renders_no_alertmanager_file() {
    let stack = render_ok(
        "{version: 1, project: t, components: {prometheus: {}}}",
        &[],
    );
    assert!(!stack.files.contains_key("alertmanager/alertmanager.yml"));
}

#[test]
fn extra_config_is_merged_last_and_maps_merge_recursively() {
    let manifest = shop_manifest("0.34.0").replace(
        r#"alertmanager: {version: "0.34.0"}"#,
        r#"alertmanager: {version: "0.34.0", extra_config: {global: {resolve_timeout: 10m}, route: {group_wait: 1m}}}"#,
    );
    let doc = config(&render_ok(&manifest, SHOP_SECRETS));
    assert_eq!(doc["global"]["resolve_timeout"], "10m");
    assert_eq!(doc["route"]["group_wait"], "1m");
    assert_eq!(
        doc["route"]["receiver"], "team-email",
        "siblings of merged keys stay"
    );
    assert_eq!(doc["route"]["routes"].as_sequence().map(Vec::len), Some(3));
}

#[test]
fn unknown_time_interval_names_are_reported_at_the_route_key() {
    let manifest = shop_manifest("0.34.0").replace(
        "mute_time_intervals: [nights]",
        "mute_time_intervals: [weekends]",
    );
    let problems = problem_paths(&manifest, SHOP_SECRETS);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].0, "notify.routes[0].mute_time_intervals[0]");
    assert!(problems[0].1.contains("`weekends`"), "{}", problems[0].1);
}

#[test]
fn quiet_hours_across_midnight_split_and_the_second_half_moves_to_the_next_day() {
    let doc = config(&render_ok(&shop_manifest("0.34.0"), SHOP_SECRETS));
    assert_eq!(
        doc["time_intervals"],
        yaml(
            r#"
- name: nights
  time_intervals:
    - times: [{start_time: "22:00", end_time: "24:00"}, {start_time: "00:00", end_time: "07:00"}]
      location: Europe/Berlin
- name: office
  time_intervals:
    - times: [{start_time: "08:00", end_time: "18:00"}]
      weekdays: ["monday:friday"]
    - times: [{start_time: "22:00", end_time: "24:00"}]
      weekdays: [saturday]
    - times: [{start_time: "00:00", end_time: "02:00"}]
      weekdays: [sunday]
"#
        )
    );
}

#[test]
fn extra_config_null_removes_a_key_and_deprecated_keys_it_adds_are_warned_about() {
    let manifest = shop_manifest("0.34.0").replace(
        r#"alertmanager: {version: "0.34.0"}"#,
        r#"alertmanager: {version: "0.34.0", extra_config: {route: {repeat_interval: null}, inhibit_rules: [{source_match: {a: b}, target_matchers: ['c="d"']}]}}"#,
    );
    let stack = render_ok(&manifest, SHOP_SECRETS);
    let doc = config(&stack);
    assert!(doc["route"].get("repeat_interval").is_none());
    assert_eq!(
        doc["inhibit_rules"].as_sequence().map(Vec::len),
        Some(1),
        "lists are replaced"
    );
    assert!(
        stack
            .warnings
            .iter()
            .any(|w| w.contains("inhibit_rules[0].source_match")),
        "{:?}",
        stack.warnings
    );
}
