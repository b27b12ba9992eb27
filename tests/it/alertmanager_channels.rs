//! Every channel at parity with Alertmanager (email, slack, pagerduty v1/v2, webhook with auth,
//! opsgenie, telegram, discord, msteams), `notify.smtp`, `notify.templates`, `notify.watchdog`
//! and null receivers: amtool 0.25 judges the render for 0.25, structure checks the render for
//! the pinned 0.34, and keys a release lacks are refused naming the release that added them.

use crate::alertmanager_support;

use std::collections::HashMap;

use alertmanager_support::*;
use serde_yaml::Value;
use stackctl::manifest::load_str;
use stackctl::render::{render, FileMode, RenderError, RenderedStack, Templates};

const SECRETS: &[(&str, &str)] = &[
    ("SMTP_PASSWORD", "smtp-pw-1"),
    ("PD_SERVICE_KEY", "pd-service-key-1"),
    ("PD_ROUTING_KEY", "pd-routing-key-1"),
    ("WEBHOOK_TOKEN", "webhook-token-1"),
    ("WEBHOOK_PASSWORD", "webhook-pw-1"),
    ("OPSGENIE_KEY", "opsgenie-key-1"),
    (
        "SLACK_URL",
        "https://hooks.slack.com/services/T0/B0/slack-1",
    ),
    ("TG_TOKEN", "123456:telegram-token-1"),
    (
        "DISCORD_URL",
        "https://discord.com/api/webhooks/1/discord-1",
    ),
    ("TEAMS_URL", "https://x.webhook.office.com/teams-1"),
];

const TEMPLATE: &str =
    "{{ define \"mail.subject\" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}\n";

/// Receivers every supported release knows (0.25+), with every secret from `${VAR}`.
const COMMON_RECEIVERS: &str = r#"
    blackhole: {}
    ops:
      email:
        to: [ops@example.com]
        headers: {Subject: '{{ template "mail.subject" . }}'}
        html: '{{ template "email.default.html" . }}'
        text: "{{ .CommonAnnotations.summary }}"
        send_resolved: true
      pagerduty:
        service_key: ${PD_SERVICE_KEY}
        description: "{{ .CommonAnnotations.summary }}"
        details: {firing: "{{ .Alerts.Firing | len }}"}
        severity: critical
        client: stackctl
        source: prometheus
        links: [{href: "https://runbooks.example.com", text: Runbook}]
    pager:
      pagerduty: {routing_key: "${PD_ROUTING_KEY}", class: db, component: postgres, group: prod}
    bot:
      webhook: {url: https://bot.example.com/alert, auth: {bearer: "${WEBHOOK_TOKEN}"}, max_alerts: 5}
    bot2:
      webhook: {url: https://bot2.example.com/alert, auth: {basic: {username: am, password: "${WEBHOOK_PASSWORD}"}}}
    chat:
      slack:
        webhook_url: ${SLACK_URL}
        channel: '#alerts'
        username: alertmanager
        color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'
        title: "{{ .CommonLabels.alertname }}"
        title_link: https://grafana.example.com
        text: "{{ .CommonAnnotations.description }}"
        fields: [{title: Severity, value: "{{ .CommonLabels.severity }}", short: true}]
        icon_emoji: ':fire:'
        send_resolved: true
    genie:
      opsgenie:
        api_key: ${OPSGENIE_KEY}
        message: "{{ .CommonLabels.alertname }}"
        priority: P1
        tags: [db, prod]
        responders: [{name: ops, type: team}]
"#;

fn manifest(version: &str, extra_receivers: &str, watchdog: &str) -> String {
    format!(
        r#"
version: 1
project: g1
components:
  alertmanager: {{version: "{version}"}}
notify:
  default: ops
  smtp: {{smarthost: "smtp.example.com:587", from: alerts@example.com, username: alerts, password: "${{SMTP_PASSWORD}}", require_tls: true}}
  templates: [tmpl/*.tmpl]
  {watchdog}
  receivers:{COMMON_RECEIVERS}{extra_receivers}
  routes:
    - {{match: {{severity: critical}}, receiver: pager}}
    - {{match: {{team: bot}}, receiver: bot}}
    - {{match: {{team: bot2}}, receiver: bot2}}
    - {{match: {{team: chat}}, receiver: chat}}
    - {{match: {{team: genie}}, receiver: genie}}
    - {{match: {{team: none}}, receiver: blackhole}}
"#
    )
}

/// Renders `yaml` as if it were `<dir>/stackctl.yaml` beside `tmpl/mail.tmpl`.
fn render_in_dir(
    yaml: &str,
) -> (
    tempfile::TempDir,
    Result<RenderedStack, Vec<(String, String)>>,
) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("tmpl")).expect("mkdir");
    std::fs::write(dir.path().join("tmpl/mail.tmpl"), TEMPLATE).expect("write template");
    let env: HashMap<&str, &str> = SECRETS.iter().copied().collect();
    let path = dir.path().join("stackctl.yaml");
    let result = load_str(&path, yaml, &|name: &str| {
        env.get(name).map(|v| v.to_string())
    })
    .map_err(|e| e.problems)
    .and_then(|loaded| match render(&loaded, &Templates::embedded()) {
        Ok(stack) => Ok(stack),
        Err(RenderError::Invalid(e)) => Err(e.problems),
        Err(RenderError::Internal(e)) => panic!("internal error: {e:#}"),
    })
    .map_err(|problems| {
        problems
            .into_iter()
            .map(|p| {
                (
                    p.path,
                    format!("{}\nhint: {}", p.message, p.hint.unwrap_or_default()),
                )
            })
            .collect()
    });
    (dir, result)
}

fn rendered(yaml: &str) -> RenderedStack {
    match render_in_dir(yaml).1 {
        Ok(stack) => stack,
        Err(problems) => panic!("render failed: {problems:#?}"),
    }
}

fn problems(yaml: &str) -> Vec<(String, String)> {
    match render_in_dir(yaml).1 {
        Ok(_) => panic!("render unexpectedly succeeded"),
        Err(problems) => problems,
    }
}

fn receiver<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["receivers"]
        .as_sequence()
        .and_then(|list| list.iter().find(|r| r["name"] == name))
        .unwrap_or_else(|| panic!("receiver `{name}` in {doc:?}"))
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("test yaml parses")
}

fn assert_no_secret_in_public_files(stack: &RenderedStack) {
    for (path, file) in &stack.files {
        if file.mode() == FileMode::Secret {
            continue;
        }
        for (name, value) in SECRETS {
            assert!(
                !file.contents.expose().contains(value),
                "{name} leaked into {path}"
            );
        }
    }
}

const V034_RECEIVERS: &str = r#"
    tg:
      telegram: {bot_token: "${TG_TOKEN}", chat_id: -100123, message_thread_id: 7, message: "{{ .CommonLabels.alertname }}", parse_mode: HTML, disable_notifications: false}
    disco:
      discord: {webhook_url: "${DISCORD_URL}", title: t, message: m, username: am, avatar_url: "https://example.com/a.png", content: "@here"}
    teams:
      msteams: {webhook_url: "${TEAMS_URL}", title: t, text: x}
    hook:
      webhook: {url: https://hook.example.com/, timeout: 10s}
"#;

#[test]
fn amtool_accepts_every_channel_rendered_for_0_25() {
    let Some(amtool) = amtool() else { return };
    let extra = r#"
    disco:
      discord: {webhook_url: "https://discord.com/api/webhooks/1/abc", title: t, message: m}
"#;
    let yaml = manifest("0.25.0", extra, "").replace(
        "    - {match: {team: none}",
        "    - {match: {team: disco}, receiver: disco}\n    - {match: {team: none}",
    );
    let stack = rendered(&yaml);
    let (_dir, config) = write_out(&stack);
    let (ok, output) = run_amtool(&amtool, &["check-config", &config.to_string_lossy()]);
    assert!(
        ok && output.contains("1 templates"),
        "{output}\n{}",
        config_text(&stack)
    );
    for (receiver, labels) in [
        ("null", vec!["alertname=Watchdog", "severity=info"]),
        ("pager", vec!["alertname=DiskFull", "severity=critical"]),
        ("blackhole", vec!["team=none"]),
        ("ops", vec!["alertname=Other"]),
    ] {
        let config_flag = format!("--config.file={}", config.display());
        let verify = format!("--verify.receivers={receiver}");
        let mut args = vec!["config", "routes", "test", &config_flag, &verify];
        args.extend(labels.iter().copied());
        let (ok, output) = run_amtool(&amtool, &args);
        assert!(ok, "{labels:?} should reach {receiver}: {output}");
    }
    assert_no_secret_in_public_files(&stack);
}

#[test]
fn amtool_routes_watchdog_to_the_named_receiver_with_its_repeat_interval() {
    let Some(amtool) = amtool() else { return };
    let extra = "\n    deadman:\n      webhook: {url: https://deadman.example.com/ping}\n";
    let stack = rendered(&manifest(
        "0.25.0",
        extra,
        "watchdog: {receiver: deadman, repeat_interval: 1m}",
    ));
    let doc = config(&stack);
    assert_eq!(
        doc["route"]["routes"][0],
        yaml(r#"{matchers: ['alertname="Watchdog"'], receiver: deadman, repeat_interval: 1m}"#)
    );
    assert!(
        doc["receivers"]
            .as_sequence()
            .unwrap()
            .iter()
            .all(|r| r["name"] != "null"),
        "no built-in null receiver when Watchdog has its own"
    );
    let (_dir, config) = write_out(&stack);
    let config_flag = format!("--config.file={}", config.display());
    let (ok, output) = run_amtool(
        &amtool,
        &[
            "config",
            "routes",
            "test",
            &config_flag,
            "--verify.receivers=deadman",
            "alertname=Watchdog",
        ],
    );
    assert!(ok, "{output}");
}

#[test]
fn every_field_reaches_alertmanager_yml_for_0_25() {
    let stack = rendered(&manifest("0.25.0", "", ""));
    let doc = config(&stack);
    assert_eq!(
        doc["global"],
        yaml("{smtp_smarthost: 'smtp.example.com:587', smtp_from: alerts@example.com, smtp_auth_username: alerts, smtp_auth_password_file: /run/secrets/smtp_password, smtp_require_tls: true}")
    );
    assert_eq!(doc["templates"], yaml("[templates/mail.tmpl]"));
    assert_eq!(
        stack.files["alertmanager/templates/mail.tmpl"]
            .contents
            .expose(),
        TEMPLATE
    );
    assert_eq!(receiver(&doc, "blackhole"), &yaml("{name: blackhole}"));
    let email = &receiver(&doc, "ops")["email_configs"][0];
    assert_eq!(email["to"], "ops@example.com");
    assert_eq!(
        email["headers"]["Subject"],
        r#"{{ template "mail.subject" . }}"#
    );
    assert_eq!(email["html"], r#"{{ template "email.default.html" . }}"#);
    assert_eq!(email["text"], "{{ .CommonAnnotations.summary }}");
    assert!(email.get("from").is_none() && email.get("smarthost").is_none());
    let v1 = &receiver(&doc, "ops")["pagerduty_configs"][0];
    assert_eq!(
        v1["service_key_file"],
        "/run/secrets/ops_pagerduty_service_key"
    );
    assert_eq!(
        v1["details"],
        yaml("{firing: '{{ .Alerts.Firing | len }}'}")
    );
    assert_eq!(
        v1["links"],
        yaml("[{href: 'https://runbooks.example.com', text: Runbook}]")
    );
    for key in ["description", "severity", "client", "source"] {
        assert!(v1.get(key).is_some(), "pagerduty `{key}`");
    }
    let v2 = &receiver(&doc, "pager")["pagerduty_configs"][0];
    assert_eq!(
        v2["routing_key_file"],
        "/run/secrets/pager_pagerduty_routing_key"
    );
    assert_eq!(v2["class"], "db");
    assert_eq!(
        receiver(&doc, "bot")["webhook_configs"][0]["http_config"],
        yaml("{authorization: {type: Bearer, credentials_file: /run/secrets/bot_webhook_bearer}}")
    );
    assert_eq!(
        receiver(&doc, "bot2")["webhook_configs"][0]["http_config"],
        yaml("{basic_auth: {username: am, password_file: /run/secrets/bot2_webhook_password}}")
    );
    let slack = &receiver(&doc, "chat")["slack_configs"][0];
    assert_eq!(
        slack["fields"],
        yaml("[{title: Severity, value: '{{ .CommonLabels.severity }}', short: true}]")
    );
    for key in [
        "channel",
        "username",
        "color",
        "title",
        "title_link",
        "text",
        "icon_emoji",
    ] {
        assert!(slack.get(key).is_some(), "slack `{key}`");
    }
    let genie = &receiver(&doc, "genie")["opsgenie_configs"][0];
    assert_eq!(genie["api_key_file"], "/run/secrets/genie_opsgenie_api_key");
    assert_eq!(genie["tags"], "db,prod");
    assert_eq!(genie["responders"], yaml("[{name: ops, type: team}]"));
    assert_eq!(
        stack.files["secrets/alertmanager/bot_webhook_bearer"]
            .contents
            .expose(),
        "webhook-token-1"
    );
    assert_no_secret_in_public_files(&stack);
}

#[test]
fn newer_channels_render_for_0_34_with_every_secret_by_file() {
    let yaml_text = manifest("0.34.0", V034_RECEIVERS, "")
        .replace("  routes:\n", "  routes:\n    - {match: {team: tg}, receiver: tg}\n    - {match: {team: disco}, receiver: disco}\n    - {match: {team: teams}, receiver: teams}\n    - {match: {team: hook}, receiver: hook}\n");
    let stack = rendered(&yaml_text);
    let doc = config(&stack);
    assert_eq!(
        receiver(&doc, "tg")["telegram_configs"][0],
        yaml("{bot_token_file: /run/secrets/tg_telegram_bot_token, chat_id: -100123, message_thread_id: 7, message: '{{ .CommonLabels.alertname }}', parse_mode: HTML, disable_notifications: false}")
    );
    assert_eq!(
        receiver(&doc, "disco")["discord_configs"][0],
        yaml("{webhook_url_file: /run/secrets/disco_discord_webhook_url, title: t, message: m, content: '@here', username: am, avatar_url: 'https://example.com/a.png'}")
    );
    assert_eq!(
        receiver(&doc, "teams")["msteamsv2_configs"][0],
        yaml("{webhook_url_file: /run/secrets/teams_msteams_webhook_url, title: t, text: x}")
    );
    assert_eq!(
        receiver(&doc, "hook")["webhook_configs"][0],
        yaml("{url_file: /run/secrets/hook_webhook_url, timeout: 10s}")
    );
    assert_eq!(
        doc["route"]["routes"][0],
        yaml(r#"{matchers: ['alertname="Watchdog"'], receiver: 'null'}"#)
    );
    assert_no_secret_in_public_files(&stack);
}

#[test]
fn keys_the_pinned_release_lacks_are_refused_naming_the_release_that_added_them() {
    let cases = [
        (
            "0.25.0",
            "    hook:\n      webhook: {url: https://h.example.com/, timeout: 10s}\n",
            "notify.receivers.hook.webhook.timeout",
            "Alertmanager 0.25.0 has no `timeout`; it was added in 0.28.0",
        ),
        (
            "0.25.0",
            "    teams:\n      msteams: {webhook_url: https://x.webhook.office.com/y}\n",
            "notify.receivers.teams.msteams",
            "Alertmanager 0.25.0 has no `msteams` channel; it was added in 0.26.0",
        ),
        (
            "0.25.0",
            "    tg:\n      telegram: {bot_token: \"${TG_TOKEN}\", chat_id: 1}\n",
            "notify.receivers.tg.telegram.bot_token",
            "`notify.receivers.tg.telegram.bot_token` comes from a `${VAR}` reference, but Alertmanager 0.25.0 can only read it from alertmanager.yml",
        ),
        (
            "0.27.0",
            "    disco:\n      discord: {webhook_url: \"${DISCORD_URL}\"}\n",
            "notify.receivers.disco.discord.webhook_url",
            "comes from a `${VAR}` reference, but Alertmanager 0.27.0",
        ),
        (
            "0.26.0",
            "    tg:\n      telegram: {bot_token: \"${TG_TOKEN}\", chat_id: 1, message_thread_id: 3}\n",
            "notify.receivers.tg.telegram.message_thread_id",
            "it was added in 0.27.0",
        ),
    ];
    for (version, extra, path, words) in cases {
        let name = extra.trim_start().split(':').next().unwrap();
        let found = problems(&manifest(
            version,
            extra,
            &format!("watchdog: {{receiver: {name}}}"),
        ));
        assert!(
            found.iter().any(|(p, m)| p == path && m.contains(words)),
            "{version}: expected `{path}`: {words}\nfound {found:#?}"
        );
    }
}

#[test]
fn null_receiver_named_by_the_operator_takes_the_watchdog() {
    let stack = rendered(&manifest("0.34.0", "    'null': {}\n", ""));
    let doc = config(&stack);
    let nulls = doc["receivers"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter(|r| r["name"] == "null")
        .count();
    assert_eq!(nulls, 1, "one `null` receiver, the operator's");
    assert!(
        !stack.warnings.iter().any(|w| w.contains("receiver `null`")),
        "{:?}",
        stack.warnings
    );
}

/// Which config key each channel lands in, release by release (structure check for the
/// releases amtool 0.25 cannot judge).
#[test]
fn each_release_gets_the_keys_it_reads() {
    let extra = r#"
    tg:
      telegram: {bot_token: "${TG_TOKEN}", chat_id: 1}
    disco:
      discord: {webhook_url: "https://discord.com/api/webhooks/1/literal"}
    teams:
      msteams: {webhook_url: "https://x.webhook.office.com/literal"}
"#;
    // (release, telegram secret key, discord URL key, teams configs key, teams URL key)
    let table = [
        (
            "0.26.0",
            "bot_token_file",
            "webhook_url",
            "msteams_configs",
            "webhook_url",
        ),
        (
            "0.27.0",
            "bot_token_file",
            "webhook_url",
            "msteams_configs",
            "webhook_url",
        ),
        (
            "0.28.0",
            "bot_token_file",
            "webhook_url_file",
            "msteamsv2_configs",
            "webhook_url_file",
        ),
        (
            "0.31.0",
            "bot_token_file",
            "webhook_url_file",
            "msteamsv2_configs",
            "webhook_url_file",
        ),
        (
            "0.34.0",
            "bot_token_file",
            "webhook_url_file",
            "msteamsv2_configs",
            "webhook_url_file",
        ),
    ];
    for (release, telegram_key, discord_key, teams_configs, teams_key) in table {
        let yaml_text = manifest(release, extra, "").replace(
            "  routes:\n",
            "  routes:\n    - {match: {team: tg}, receiver: tg}\n    - {match: {team: disco}, receiver: disco}\n    - {match: {team: teams}, receiver: teams}\n",
        );
        let doc = config(&rendered(&yaml_text));
        let has = |receiver_name: &str, configs: &str, key: &str| {
            receiver(&doc, receiver_name)[configs][0].get(key).is_some()
        };
        assert!(
            has("tg", "telegram_configs", telegram_key),
            "{release} telegram"
        );
        assert!(
            has("disco", "discord_configs", discord_key),
            "{release} discord"
        );
        assert!(has("teams", teams_configs, teams_key), "{release} teams");
        assert_eq!(
            receiver(&doc, "pager")["pagerduty_configs"][0]["routing_key_file"],
            "/run/secrets/pager_pagerduty_routing_key",
            "{release}"
        );
    }
}
