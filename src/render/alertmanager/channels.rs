//! One function per channel: a manifest channel → one `*_configs` entry of alertmanager.yml.
//!
//! Secrets go through `ReceiversBuilder::secret` (by file), renamed keys are written here,
//! everything else passes through `ReceiversBuilder::plain` under Alertmanager's own name.

use serde_json::{json, Map, Value};

use super::receivers::ReceiversBuilder;
use super::secret_fields::Fallback;
use crate::manifest::{
    Diagnostic, Discord, Email, MsTeams, Opsgenie, PagerDuty, Slack, Smtp, Telegram, Webhook,
    WebhookAuth,
};

impl ReceiversBuilder<'_> {
    pub(super) fn email(
        &mut self,
        receiver: &str,
        email: &Email,
        smtp: Option<&Smtp>,
        path: &str,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("to".into(), json!(email.to.join(", ")));
        // Sender and server first, as an operator reads them; then credentials, then the rest.
        let mut plain = self.plain("email", path, email);
        for key in ["from", "smarthost", "hello"] {
            if let Some(value) = plain.shift_remove(key) {
                out.insert(key.into(), value);
            }
        }
        let global = |key: &str| match key {
            "from" => smtp.is_some_and(|s| s.from.is_some()),
            _ => smtp.is_some_and(|s| s.smarthost.is_some()),
        };
        for (key, value, what) in [
            ("from", &email.from, "the sender address"),
            (
                "smarthost",
                &email.smarthost,
                "the SMTP server as `host:port`",
            ),
        ] {
            if value.is_none() && !global(key) {
                self.problem(
                    Diagnostic::new(
                        format!("{path}.{key}"),
                        format!("email receiver `{receiver}` needs `{key}`"),
                    )
                    .hint(format!(
                        "set `{path}.{key}` to {what}, or `notify.smtp.{key}` for every email receiver"
                    )),
                );
            }
        }
        for (key, value) in [
            ("auth_username", &email.username),
            ("auth_identity", &email.identity),
        ] {
            if let Some(value) = value {
                out.insert(key.into(), json!(value));
            }
        }
        if let Some(password) = &email.password {
            self.secret(
                &mut out,
                "email",
                format!("{path}.password"),
                ("auth_password", "auth_password_file"),
                Fallback::Never,
                password,
                &format!("{receiver}_email_password"),
            );
        }
        out.extend(plain);
        out
    }

    /// Events API v2 (`routing_key`) or v1 (`service_key`): exactly one of them.
    pub(super) fn pagerduty(
        &mut self,
        receiver: &str,
        pagerduty: &PagerDuty,
        path: &str,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        match (&pagerduty.routing_key, &pagerduty.service_key) {
            (Some(key), None) => self.secret(
                &mut out,
                "pagerduty",
                format!("{path}.routing_key"),
                ("routing_key", "routing_key_file"),
                Fallback::Never,
                key,
                &format!("{receiver}_pagerduty_routing_key"),
            ),
            (None, Some(key)) => self.secret(
                &mut out,
                "pagerduty",
                format!("{path}.service_key"),
                ("service_key", "service_key_file"),
                Fallback::Never,
                key,
                &format!("{receiver}_pagerduty_service_key"),
            ),
            (Some(_), Some(_)) => self.problem(
                Diagnostic::new(path, format!("PagerDuty receiver `{receiver}` sets both `routing_key` and `service_key`"))
                    .hint("keep `routing_key` (Events API v2) or `service_key` (Events API v1), not both"),
            ),
            (None, None) => self.problem(
                Diagnostic::new(path, format!("PagerDuty receiver `{receiver}` has no key"))
                    .hint("set `routing_key: \"${PAGERDUTY_KEY}\"` (Events API v2 integration) or `service_key` (Events API v1)"),
            ),
        }
        out.extend(self.plain("pagerduty", path, pagerduty));
        out
    }

    pub(super) fn slack(
        &mut self,
        receiver: &str,
        slack: &Slack,
        path: &str,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        self.secret(
            &mut out,
            "slack",
            format!("{path}.webhook_url"),
            ("api_url", "api_url_file"),
            Fallback::InlineLiteral,
            &slack.webhook_url,
            &format!("{receiver}_slack_webhook_url"),
        );
        out.extend(self.plain("slack", path, slack));
        out
    }

    pub(super) fn webhook(
        &mut self,
        receiver: &str,
        webhook: &Webhook,
        path: &str,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        self.secret(
            &mut out,
            "webhook",
            format!("{path}.url"),
            ("url", "url_file"),
            Fallback::InlineLiteral,
            &webhook.url,
            &format!("{receiver}_webhook_url"),
        );
        if let Some(auth) = &webhook.auth {
            if let Some(http_config) = self.http_auth(receiver, auth, &format!("{path}.auth")) {
                out.insert("http_config".into(), Value::Object(http_config));
            }
        }
        if let Some(timeout) = &webhook.timeout {
            if self.gate("webhook", "timeout", &format!("{path}.timeout")) {
                out.insert("timeout".into(), json!(timeout.as_str()));
            }
        }
        out.extend(self.plain("webhook", path, webhook));
        out
    }

    /// `auth: {bearer}` → `authorization`, `auth: {basic}` → `basic_auth`; secrets by file.
    fn http_auth(
        &mut self,
        receiver: &str,
        auth: &WebhookAuth,
        path: &str,
    ) -> Option<Map<String, Value>> {
        let mut inner = Map::new();
        let key = match (&auth.bearer, &auth.basic) {
            (Some(token), None) => {
                inner.insert("type".into(), json!("Bearer"));
                self.secret(
                    &mut inner,
                    "http_config",
                    format!("{path}.bearer"),
                    ("credentials", "credentials_file"),
                    Fallback::Never,
                    token,
                    &format!("{receiver}_webhook_bearer"),
                );
                "authorization"
            }
            (None, Some(basic)) => {
                inner.insert("username".into(), json!(basic.username));
                self.secret(
                    &mut inner,
                    "http_config",
                    format!("{path}.basic.password"),
                    ("password", "password_file"),
                    Fallback::Never,
                    &basic.password,
                    &format!("{receiver}_webhook_password"),
                );
                "basic_auth"
            }
            (bearer, _) => {
                let message = if bearer.is_some() {
                    "sets both `bearer` and `basic`"
                } else {
                    "is empty"
                };
                self.problem(
                    Diagnostic::new(path, format!("`{path}` {message}"))
                        .hint("use `auth: {bearer: \"${TOKEN}\"}` or `auth: {basic: {username: u, password: \"${PASSWORD}\"}}`"),
                );
                return None;
            }
        };
        let mut http_config = Map::new();
        http_config.insert(key.into(), Value::Object(inner));
        Some(http_config)
    }

    pub(super) fn opsgenie(
        &mut self,
        receiver: &str,
        opsgenie: &Opsgenie,
        path: &str,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        self.secret(
            &mut out,
            "opsgenie",
            format!("{path}.api_key"),
            ("api_key", "api_key_file"),
            Fallback::Never,
            &opsgenie.api_key,
            &format!("{receiver}_opsgenie_api_key"),
        );
        out.extend(self.plain("opsgenie", path, opsgenie));
        if let Some(tags) = &opsgenie.tags {
            out.insert("tags".into(), json!(tags.join(",")));
        }
        out
    }

    pub(super) fn telegram(
        &mut self,
        receiver: &str,
        telegram: &Telegram,
        path: &str,
    ) -> Option<Map<String, Value>> {
        if !self.gate("telegram", "", path) {
            return None;
        }
        let mut out = Map::new();
        self.secret(
            &mut out,
            "telegram",
            format!("{path}.bot_token"),
            ("bot_token", "bot_token_file"),
            Fallback::Never,
            &telegram.bot_token,
            &format!("{receiver}_telegram_bot_token"),
        );
        out.extend(self.plain("telegram", path, telegram));
        Some(out)
    }

    pub(super) fn discord(
        &mut self,
        receiver: &str,
        discord: &Discord,
        path: &str,
    ) -> Option<Map<String, Value>> {
        if !self.gate("discord", "", path) {
            return None;
        }
        let mut out = Map::new();
        self.secret(
            &mut out,
            "discord",
            format!("{path}.webhook_url"),
            ("webhook_url", "webhook_url_file"),
            Fallback::InlineLiteral,
            &discord.webhook_url,
            &format!("{receiver}_discord_webhook_url"),
        );
        out.extend(self.plain("discord", path, discord));
        Some(out)
    }

    /// Microsoft retired Office 365 connectors: 0.28+ gets `msteamsv2_configs` (Workflows);
    /// 0.26–0.27 the legacy `msteams_configs`, whose `webhook_url_file` only works from 0.28.
    pub(super) fn msteams(
        &mut self,
        receiver: &str,
        teams: &MsTeams,
        path: &str,
    ) -> Option<(&'static str, Map<String, Value>)> {
        if !self.gate("msteams", "", path) {
            return None;
        }
        let (key, channel) = if crate::catalog::gates::ALERTMANAGER_MSTEAMS_V2.holds(&self.version)
        {
            ("msteamsv2_configs", "msteamsv2")
        } else {
            ("msteams_configs", "msteams")
        };
        let mut out = Map::new();
        self.secret(
            &mut out,
            channel,
            format!("{path}.webhook_url"),
            ("webhook_url", "webhook_url_file"),
            Fallback::InlineLiteral,
            &teams.webhook_url,
            &format!("{receiver}_msteams_webhook_url"),
        );
        out.extend(self.plain("msteams", path, teams));
        Some((key, out))
    }
}
