//! `notify.receivers` → alertmanager.yml `receivers`, with every secret passed by file.
//!
//! A secret goes to `secrets/alertmanager/<name>` and is referenced with its `*_file` key when
//! the pinned release has one. When it has none, a plain literal URL may stay inline, but a
//! value from a `${VAR}` reference (or any password or key) is reported with a hint to raise
//! `components.alertmanager.version`, because alertmanager.yml is world-readable.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use super::routes::FALLBACK_RECEIVER;
use crate::manifest::{
    Diagnostic, Email, MsTeams, Notify, PagerDuty, Receiver, Secret, Slack, Webhook,
};
use crate::render::Draft;
use crate::version::Version;

/// Alertmanager runs as `nobody`; its secret files must be readable by that user.
const ALERTMANAGER_UID: u32 = 65534;

/// Builds the receivers list; secrets are written through `draft`.
pub struct ReceiversBuilder<'a> {
    pub draft: &'a mut Draft,
    pub version: Version,
    pub problems: Vec<Diagnostic>,
    secret_names: BTreeSet<String>,
}

/// How a secret field may be written when the release has no `*_file` variant for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fallback {
    /// A plain literal may go inline (a URL without credentials in it).
    InlineLiteral,
    /// Never inline (passwords, keys).
    Never,
}

/// One secret field of one channel.
struct SecretField<'k> {
    path: String,
    inline_key: &'k str,
    file_key: &'k str,
    /// The first release with `file_key`; `None` when the emitted config type has none.
    file_since: Option<Version>,
    fallback: Fallback,
}

impl<'a> ReceiversBuilder<'a> {
    pub fn new(draft: &'a mut Draft, version: Version) -> Self {
        Self {
            draft,
            version,
            problems: Vec::new(),
            secret_names: BTreeSet::new(),
        }
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
                None => self.problems.push(
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
                file_since: Some(Version::new(0, 25, 0)),
                fallback: Fallback::Never,
            };
            self.secret(
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
            file_since: Some(Version::new(0, 25, 0)),
            fallback: Fallback::Never,
        };
        self.secret(
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
            file_since: Some(Version::new(0, 22, 0)),
            fallback: Fallback::InlineLiteral,
        };
        self.secret(
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
            file_since: Some(Version::new(0, 26, 0)),
            fallback: Fallback::InlineLiteral,
        };
        self.secret(
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
        let key = if self.version.at_least(0, 28, 0) {
            "msteamsv2_configs"
        } else if self.version.at_least(0, 26, 0) {
            "msteams_configs"
        } else {
            self.problems.push(
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
            file_since: (key == "msteamsv2_configs").then_some(Version::new(0, 28, 0)),
            fallback: Fallback::InlineLiteral,
        };
        self.secret(
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

    fn secret(
        &mut self,
        out: &mut Map<String, Value>,
        field: SecretField,
        value: &Secret,
        name: &str,
    ) {
        if field.file_since.is_some_and(|since| self.version >= since) {
            let name = self.unique_secret_name(name);
            let file = self
                .draft
                .add_secret("alertmanager", &name, value, Some(ALERTMANAGER_UID));
            out.insert(field.file_key.into(), json!(file));
            return;
        }
        let from_env = self.draft.is_secret_value(value.expose());
        if field.fallback == Fallback::InlineLiteral && !from_env {
            out.insert(field.inline_key.into(), json!(value.expose()));
            return;
        }
        let reason = if from_env {
            "comes from a `${VAR}` reference"
        } else {
            "is a secret"
        };
        let hint = match field.file_since {
            Some(since) => format!(
                "set `components.alertmanager.version` to {since} or newer, which reads `{}` from a file",
                field.file_key
            ),
            None => "set `components.alertmanager.version` to 0.28.0 or newer, which reads it from a file".to_string(),
        };
        self.problems.push(
            Diagnostic::new(
                &field.path,
                format!(
                    "`{}` {reason}, but Alertmanager {} can only read it from alertmanager.yml, which is world-readable",
                    field.path, self.version
                ),
            )
            .hint(hint),
        );
    }

    /// A file name under `/run/secrets/`: safe characters only, never shared by two secrets.
    fn unique_secret_name(&mut self, wanted: &str) -> String {
        let base: String = wanted
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = base.trim_start_matches('.').to_string();
        let mut name = base.clone();
        let mut n = 2;
        while !self.secret_names.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }
}

fn send_resolved(out: &mut Map<String, Value>, value: Option<bool>) {
    if let Some(value) = value {
        out.insert("send_resolved".into(), json!(value));
    }
}
