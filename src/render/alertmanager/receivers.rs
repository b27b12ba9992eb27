//! `notify.receivers` → alertmanager.yml `receivers`, with every secret passed by file.
//!
//! A secret goes to `secrets/alertmanager/<name>` and is referenced with its `*_file` key when
//! the pinned release has one. When it has none, a plain literal URL may stay inline, but a
//! value from a `${VAR}` reference (or any password or key) is reported with a hint to raise
//! `components.alertmanager.version`, because alertmanager.yml is world-readable.

use serde_json::{json, Map, Value};

use super::routes::FALLBACK_RECEIVER;
use super::secret_fields::{Fallback, SecretField, Secrets};
use crate::catalog::gates;
use crate::manifest::{Diagnostic, Email, MsTeams, Notify, PagerDuty, Receiver, Slack, Webhook};
use crate::render::Draft;
use crate::version::Version;

/// Builds the receivers list; secrets are written through `draft`.
pub struct ReceiversBuilder<'a> {
    secrets: Secrets<'a>,
    version: Version,
}

impl<'a> ReceiversBuilder<'a> {
    pub fn new(draft: &'a mut Draft, version: Version) -> Self {
        Self {
            secrets: Secrets::new(draft, version),
            version,
        }
    }

    /// The problems found (missing fields, secrets the release cannot read from a file).
    pub fn take_problems(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.secrets.problems)
    }

    /// Every receiver; without `notify`, one receiver `default` with no channels.
    pub fn build(&mut self, notify: Option<&Notify>) -> Vec<Value> {
        let Some(notify) = notify else {
            return vec![json!({"name": FALLBACK_RECEIVER})];
        };
        notify
            .receivers
            .iter()
            .map(|(name, receiver)| self.receiver(name, receiver))
            .collect()
    }

    fn receiver(&mut self, name: &str, receiver: &Receiver) -> Value {
        let path = format!("notify.receivers.{name}");
        let mut out = Map::new();
        out.insert("name".into(), json!(name));
        if let Some(email) = &receiver.email {
            let config = self.email(name, email, &format!("{path}.email"));
            out.insert("email_configs".into(), json!([config]));
        }
        if let Some(pagerduty) = &receiver.pagerduty {
            let config = self.pagerduty(name, pagerduty, &format!("{path}.pagerduty"));
            out.insert("pagerduty_configs".into(), json!([config]));
        }
        if let Some(slack) = &receiver.slack {
            let config = self.slack(name, slack, &format!("{path}.slack"));
            out.insert("slack_configs".into(), json!([config]));
        }
        if let Some(webhook) = &receiver.webhook {
            let config = self.webhook(name, webhook, &format!("{path}.webhook"));
            out.insert("webhook_configs".into(), json!([config]));
        }
        if let Some(teams) = &receiver.msteams {
            if let Some((key, config)) = self.msteams(name, teams, &format!("{path}.msteams")) {
                out.insert(key.into(), json!([config]));
            }
        }
        Value::Object(out)
    }

    fn email(&mut self, receiver: &str, email: &Email, path: &str) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("to".into(), json!(email.to.join(", ")));
        for (key, value, what) in [
            ("from", &email.from, "the sender address"),
            (
                "smarthost",
                &email.smarthost,
                "the SMTP server as `host:port`",
            ),
        ] {
            match value {
                Some(value) => {
                    out.insert(key.into(), json!(value));
                }
                None => self.secrets.problems.push(
                    Diagnostic::new(
                        format!("{path}.{key}"),
                        format!("email receiver `{receiver}` needs `{key}`"),
                    )
                    .hint(format!("set `{path}.{key}` to {what}")),
                ),
            }
        }
        if let Some(username) = &email.username {
            out.insert("auth_username".into(), json!(username));
        }
        if let Some(password) = &email.password {
            let field = SecretField {
                path: format!("{path}.password"),
                inline_key: "auth_password",
                file_key: "auth_password_file",
                file_since: Some(gates::ALERTMANAGER_EMAIL_PASSWORD_FILE.since),
                fallback: Fallback::Never,
            };
            self.secrets.write(
                &mut out,
                field,
                password,
                &format!("{receiver}_email_password"),
            );
        }
        if let Some(require_tls) = email.require_tls {
            out.insert("require_tls".into(), json!(require_tls));
        }
        send_resolved(&mut out, email.send_resolved);
        out
    }

    fn pagerduty(
        &mut self,
        receiver: &str,
        pagerduty: &PagerDuty,
        path: &str,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        let field = SecretField {
            path: format!("{path}.routing_key"),
            inline_key: "routing_key",
            file_key: "routing_key_file",
            file_since: Some(gates::ALERTMANAGER_PAGERDUTY_ROUTING_KEY_FILE.since),
            fallback: Fallback::Never,
        };
        self.secrets.write(
            &mut out,
            field,
            &pagerduty.routing_key,
            &format!("{receiver}_pagerduty_routing_key"),
        );
        if let Some(severity) = &pagerduty.severity {
            out.insert("severity".into(), json!(severity));
        }
        send_resolved(&mut out, pagerduty.send_resolved);
        out
    }

    fn slack(&mut self, receiver: &str, slack: &Slack, path: &str) -> Map<String, Value> {
        let mut out = Map::new();
        let field = SecretField {
            path: format!("{path}.webhook_url"),
            inline_key: "api_url",
            file_key: "api_url_file",
            file_since: Some(gates::ALERTMANAGER_SLACK_API_URL_FILE.since),
            fallback: Fallback::InlineLiteral,
        };
        self.secrets.write(
            &mut out,
            field,
            &slack.webhook_url,
            &format!("{receiver}_slack_webhook_url"),
        );
        for (key, value) in [
            ("channel", &slack.channel),
            ("title", &slack.title),
            ("text", &slack.text),
        ] {
            if let Some(value) = value {
                out.insert(key.into(), json!(value));
            }
        }
        send_resolved(&mut out, slack.send_resolved);
        out
    }

    fn webhook(&mut self, receiver: &str, webhook: &Webhook, path: &str) -> Map<String, Value> {
        let mut out = Map::new();
        let field = SecretField {
            path: format!("{path}.url"),
            inline_key: "url",
            file_key: "url_file",
            file_since: Some(gates::ALERTMANAGER_WEBHOOK_URL_FILE.since),
            fallback: Fallback::InlineLiteral,
        };
        self.secrets.write(
            &mut out,
            field,
            &webhook.url,
            &format!("{receiver}_webhook_url"),
        );
        if let Some(max_alerts) = webhook.max_alerts {
            out.insert("max_alerts".into(), json!(max_alerts));
        }
        send_resolved(&mut out, webhook.send_resolved);
        out
    }

    /// Microsoft retired Office 365 connectors: 0.28+ gets `msteamsv2_configs` (Workflows);
    /// 0.26–0.27 the legacy `msteams_configs`, whose `webhook_url_file` only works from 0.28.
    fn msteams(
        &mut self,
        receiver: &str,
        teams: &MsTeams,
        path: &str,
    ) -> Option<(&'static str, Map<String, Value>)> {
        let key = if gates::ALERTMANAGER_MSTEAMS_V2.holds(&self.version) {
            "msteamsv2_configs"
        } else if gates::ALERTMANAGER_MSTEAMS.holds(&self.version) {
            "msteams_configs"
        } else {
            self.secrets.problems.push(
                Diagnostic::new(path, format!("Alertmanager {} cannot notify Microsoft Teams", self.version))
                    .hint("set `components.alertmanager.version` to 0.28.0 or newer (Teams Workflows via `msteamsv2_configs`)"),
            );
            return None;
        };
        let mut out = Map::new();
        let field = SecretField {
            path: format!("{path}.webhook_url"),
            inline_key: "webhook_url",
            file_key: "webhook_url_file",
            file_since: (key == "msteamsv2_configs")
                .then_some(gates::ALERTMANAGER_MSTEAMS_V2.since),
            fallback: Fallback::InlineLiteral,
        };
        self.secrets.write(
            &mut out,
            field,
            &teams.webhook_url,
            &format!("{receiver}_msteams_webhook_url"),
        );
        for (k, value) in [("title", &teams.title), ("text", &teams.text)] {
            if let Some(value) = value {
                out.insert(k.into(), json!(value));
            }
        }
        send_resolved(&mut out, teams.send_resolved);
        Some((key, out))
    }
}

fn send_resolved(out: &mut Map<String, Value>, value: Option<bool>) {
    if let Some(value) = value {
        out.insert("send_resolved".into(), json!(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "https://secret.example.com/hook-123456";

    fn build(version: Version, receivers: &str) -> (Vec<Value>, Vec<Diagnostic>, Draft) {
        let notify: Notify =
            serde_yaml::from_str(&format!("{{default: a, receivers: {receivers}}}"))
                .expect("notify parses");
        let mut draft = Draft::new(&[SECRET.to_string()]);
        let mut builder = ReceiversBuilder::new(&mut draft, version);
        let out = builder.build(Some(&notify));
        let problems = builder.take_problems();
        (out, problems, draft)
    }

    /// Which key carries the secret of each channel, per release; `None`: a problem is reported.
    #[test]
    fn secret_keys_follow_the_release() {
        let channels = [
            (
                "email",
                "{email: {to: [x@y], from: a@b, smarthost: 'h:25', password: SECRET}}",
                "email_configs",
                "auth_password",
            ),
            (
                "pagerduty",
                "{pagerduty: {routing_key: SECRET}}",
                "pagerduty_configs",
                "routing_key",
            ),
            (
                "slack",
                "{slack: {webhook_url: SECRET}}",
                "slack_configs",
                "api_url",
            ),
            (
                "webhook",
                "{webhook: {url: SECRET}}",
                "webhook_configs",
                "url",
            ),
            (
                "msteams",
                "{msteams: {webhook_url: SECRET}}",
                "msteamsv2_configs",
                "webhook_url",
            ),
        ];
        let table: [(&str, [Option<&str>; 5]); 5] = [
            ("0.24.0", [None, None, Some("api_url_file"), None, None]),
            (
                "0.25.0",
                [
                    Some("auth_password_file"),
                    Some("routing_key_file"),
                    Some("api_url_file"),
                    None,
                    None,
                ],
            ),
            (
                "0.26.0",
                [
                    Some("auth_password_file"),
                    Some("routing_key_file"),
                    Some("api_url_file"),
                    Some("url_file"),
                    None,
                ],
            ),
            (
                "0.28.0",
                [
                    Some("auth_password_file"),
                    Some("routing_key_file"),
                    Some("api_url_file"),
                    Some("url_file"),
                    Some("webhook_url_file"),
                ],
            ),
            (
                "0.34.0",
                [
                    Some("auth_password_file"),
                    Some("routing_key_file"),
                    Some("api_url_file"),
                    Some("url_file"),
                    Some("webhook_url_file"),
                ],
            ),
        ];
        for (version, expected) in table {
            for ((name, receiver, configs, inline), want) in channels.iter().zip(expected) {
                let (out, problems, draft) = build(
                    Version::parse(version).unwrap(),
                    &format!(
                        "{{a: {}}}",
                        receiver.replace("SECRET", &format!("'{SECRET}'"))
                    ),
                );
                let text = serde_json::to_string(&out).unwrap();
                assert!(
                    !text.contains(SECRET),
                    "{version} {name}: secret inline: {text}"
                );
                match want {
                    Some(file_key) => {
                        assert!(problems.is_empty(), "{version} {name}: {problems:?}");
                        let path = out[0][configs][0][file_key]
                            .as_str()
                            .unwrap_or_else(|| panic!("{version} {name}: {text}"));
                        let file = path.replace("/run/secrets/", "secrets/alertmanager/");
                        assert_eq!(
                            draft.file(&file).map(|f| f.contents.as_str()),
                            Some(SECRET),
                            "{version} {name}"
                        );
                        assert!(out[0][configs][0].get(*inline).is_none());
                    }
                    None => assert_eq!(problems.len(), 1, "{version} {name}: {problems:?}"),
                }
            }
        }
    }

    #[test]
    fn email_needs_a_sender_and_a_smarthost() {
        let (_, problems, _) = build(Version::new(0, 34, 0), "{a: {email: {to: [x@y]}}}");
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "notify.receivers.a.email.from",
                "notify.receivers.a.email.smarthost"
            ]
        );
    }
}
