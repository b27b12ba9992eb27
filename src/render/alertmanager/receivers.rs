//! `notify.receivers` → alertmanager.yml `receivers`, with every secret passed by file.
//!
//! A secret goes to `secrets/alertmanager/<name>` and is referenced with its `*_file` key when
//! the pinned release has one (`features::file_since`). When it has none, a plain literal URL
//! may stay inline, but a value from a `${VAR}` reference (or any password or key) is reported
//! with a hint to raise `components.alertmanager.version`, because alertmanager.yml is
//! world-readable. Plain fields keep Alertmanager's names and pass through, each checked
//! against the release (`features::check`). The channels themselves live in `channels.rs`.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::features;
use super::routes::{FALLBACK_RECEIVER, WATCHDOG_NULL_RECEIVER};
use super::secret_fields::{Fallback, SecretField, Secrets};
use crate::manifest::{Diagnostic, Notify, Receiver, Secret};
use crate::render::Draft;
use crate::version::Version;

/// Builds the receivers list; secrets are written through `draft`.
pub(crate) struct ReceiversBuilder<'a> {
    pub(super) secrets: Secrets<'a>,
    pub(super) version: Version,
}

impl<'a> ReceiversBuilder<'a> {
    pub fn new(draft: &'a mut Draft, version: Version) -> Self {
        Self {
            secrets: Secrets::new(draft, version),
            version,
        }
    }

    /// The problems found (missing fields, secrets the release cannot read from a file).
    pub(crate) fn take_problems(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.secrets.problems)
    }

    /// Every receiver; without `notify`, one receiver `default` with no channels. With
    /// `notify` and no `notify.watchdog.receiver`, also the null receiver Watchdog goes to.
    pub fn build(&mut self, notify: Option<&Notify>) -> Vec<Value> {
        let Some(notify) = notify else {
            return vec![json!({"name": FALLBACK_RECEIVER})];
        };
        let mut out: Vec<Value> = notify
            .receivers
            .iter()
            .map(|(name, receiver)| self.receiver(name, receiver, notify))
            .collect();
        let builtin_null = notify.watchdog.receiver.is_none()
            && !notify.receivers.contains_key(WATCHDOG_NULL_RECEIVER);
        if builtin_null {
            out.push(json!({"name": WATCHDOG_NULL_RECEIVER}));
        }
        out
    }

    fn receiver(&mut self, name: &str, receiver: &Receiver, notify: &Notify) -> Value {
        let path = format!("notify.receivers.{name}");
        let mut out = Map::new();
        out.insert("name".into(), json!(name));
        let mut add = |key: &str, config: Option<Map<String, Value>>| {
            if let Some(config) = config {
                out.insert(key.into(), json!([config]));
            }
        };
        if let Some(email) = &receiver.email {
            add(
                "email_configs",
                Some(self.email(name, email, notify.smtp.as_ref(), &format!("{path}.email"))),
            );
        }
        if let Some(pagerduty) = &receiver.pagerduty {
            add(
                "pagerduty_configs",
                Some(self.pagerduty(name, pagerduty, &format!("{path}.pagerduty"))),
            );
        }
        if let Some(slack) = &receiver.slack {
            add(
                "slack_configs",
                Some(self.slack(name, slack, &format!("{path}.slack"))),
            );
        }
        if let Some(webhook) = &receiver.webhook {
            add(
                "webhook_configs",
                Some(self.webhook(name, webhook, &format!("{path}.webhook"))),
            );
        }
        if let Some(opsgenie) = &receiver.opsgenie {
            add(
                "opsgenie_configs",
                Some(self.opsgenie(name, opsgenie, &format!("{path}.opsgenie"))),
            );
        }
        if let Some(telegram) = &receiver.telegram {
            add(
                "telegram_configs",
                self.telegram(name, telegram, &format!("{path}.telegram")),
            );
        }
        if let Some(discord) = &receiver.discord {
            add(
                "discord_configs",
                self.discord(name, discord, &format!("{path}.discord")),
            );
        }
        if let Some(teams) = &receiver.msteams {
            if let Some((key, config)) = self.msteams(name, teams, &format!("{path}.msteams")) {
                out.insert(key.into(), json!([config]));
            }
        }
        Value::Object(out)
    }

    /// The channel's plain fields (serialized under Alertmanager's names), each checked
    /// against the release.
    pub(super) fn plain<T: Serialize>(
        &mut self,
        channel: &str,
        path: &str,
        value: &T,
    ) -> Map<String, Value> {
        let map = match serde_json::to_value(value) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        for key in map.keys() {
            self.gate(channel, key, &format!("{path}.{key}"));
        }
        map
    }

    /// Reports `key` of `channel` when the release lacks it; `false` then.
    pub(super) fn gate(&mut self, channel: &str, key: &str, path: &str) -> bool {
        match features::check(channel, key, path, &self.version) {
            Some(problem) => {
                self.secrets.problems.push(problem);
                false
            }
            None => true,
        }
    }

    /// Writes one secret: `file_key` when `channel` reads it from a file in this release.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn secret(
        &mut self,
        out: &mut Map<String, Value>,
        channel: &str,
        path: String,
        (inline_key, file_key): (&'static str, &'static str),
        fallback: Fallback,
        value: &Secret,
        name: &str,
    ) {
        let field = SecretField {
            path,
            inline_key,
            file_key,
            file_since: features::file_since(channel, file_key),
            fallback,
        };
        self.secrets.write(out, field, value, name);
    }

    pub(super) fn problem(&mut self, problem: Diagnostic) {
        self.secrets.problems.push(problem);
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
                            draft.file(&file).map(|f| f.contents.expose()),
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
