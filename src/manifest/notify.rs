//! Alertmanager routing (`notify`): receivers and their channels, routes, inhibitions, quiet
//! hours, global SMTP defaults, notification templates and the Watchdog route.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::duration::PromDuration;
use super::secret::Secret;

#[derive(Debug, Clone, Deserialize)]
pub struct Notify {
    /// The root route's receiver.
    pub default: String,
    pub group_by: Option<Vec<String>>,
    pub group_wait: Option<PromDuration>,
    pub group_interval: Option<PromDuration>,
    pub repeat_interval: Option<PromDuration>,
    #[serde(default)]
    pub receivers: IndexMap<String, Receiver>,
    #[serde(default)]
    pub routes: Vec<Route>,
    #[serde(default)]
    pub inhibit: Vec<Inhibit>,
    /// Named time intervals, usable in a route's `mute_time_intervals`/`active_time_intervals`.
    #[serde(default)]
    pub quiet_hours: IndexMap<String, Vec<TimeInterval>>,
    /// Global SMTP defaults for every email receiver.
    pub smtp: Option<Smtp>,
    /// Notification template files (globs relative to the manifest).
    #[serde(default)]
    pub templates: Vec<String>,
    /// Where the `Watchdog` alert goes.
    #[serde(default)]
    pub watchdog: Watchdog,
}

/// Global SMTP defaults (`global.smtp_*`): email receivers then need only `to`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Smtp {
    /// `host:port` of the SMTP server.
    pub smarthost: Option<String>,
    pub from: Option<String>,
    pub hello: Option<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub require_tls: Option<bool>,
}

/// Where the always-firing `Watchdog` alert goes; absent: a built-in null receiver.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Watchdog {
    pub receiver: Option<String>,
    pub repeat_interval: Option<PromDuration>,
}

/// One receiver; it may hold several channels, or none (it then drops what reaches it).
///
/// Channel fields that are not secrets keep Alertmanager's own names and are passed through
/// by serializing the channel (secret and renamed fields are skipped and written by hand).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Receiver {
    pub email: Option<Email>,
    pub slack: Option<Slack>,
    pub pagerduty: Option<PagerDuty>,
    pub webhook: Option<Webhook>,
    pub msteams: Option<MsTeams>,
    pub opsgenie: Option<Opsgenie>,
    pub telegram: Option<Telegram>,
    pub discord: Option<Discord>,
}

impl Receiver {
    pub fn is_empty(&self) -> bool {
        self.email.is_none()
            && self.slack.is_none()
            && self.pagerduty.is_none()
            && self.webhook.is_none()
            && self.msteams.is_none()
            && self.opsgenie.is_none()
            && self.telegram.is_none()
            && self.discord.is_none()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Email {
    #[serde(skip_serializing)]
    pub to: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `host:port` of the SMTP server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smarthost: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hello: Option<String>,
    #[serde(skip_serializing)]
    pub username: Option<String>,
    #[serde(skip_serializing)]
    pub password: Option<Secret>,
    #[serde(skip_serializing)]
    pub identity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_tls: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Slack {
    #[serde(skip_serializing)]
    pub webhook_url: Secret,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pretext: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<SlackField>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_fields: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_emoji: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_names: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrkdwn_in: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SlackField {
    pub title: String,
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short: Option<bool>,
}

/// PagerDuty: `routing_key` (Events API v2) or `service_key` (Events API v1), one of them.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PagerDuty {
    #[serde(skip_serializing)]
    pub routing_key: Option<Secret>,
    #[serde(skip_serializing)]
    pub service_key: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<PagerDutyImage>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<PagerDutyLink>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PagerDutyImage {
    pub src: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PagerDutyLink {
    pub href: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Webhook {
    /// May carry a token, so it is treated as a secret.
    #[serde(skip_serializing)]
    pub url: Secret,
    /// Rendered as `http_config.authorization` or `http_config.basic_auth`.
    #[serde(skip_serializing)]
    pub auth: Option<WebhookAuth>,
    #[serde(skip_serializing)]
    pub timeout: Option<PromDuration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_alerts: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

/// `{bearer: TOKEN}` or `{basic: {username, password}}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WebhookAuth {
    pub bearer: Option<Secret>,
    pub basic: Option<WebhookBasicAuth>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WebhookBasicAuth {
    pub username: String,
    pub password: Secret,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MsTeams {
    #[serde(skip_serializing)]
    pub webhook_url: Secret,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Opsgenie {
    #[serde(skip_serializing)]
    pub api_key: Secret,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responders: Option<Vec<OpsgenieResponder>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<String>,
    /// A list here; Alertmanager takes one comma-separated string.
    #[serde(skip_serializing)]
    pub tags: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_alerts: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

/// One of `id`, `name`, `username`, and the `type` (team, teams, user, escalation, schedule).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct OpsgenieResponder {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(rename = "type")]
    pub type_: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Telegram {
    #[serde(skip_serializing)]
    pub bot_token: Secret,
    pub chat_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_thread_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_notifications: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Discord {
    #[serde(skip_serializing)]
    pub webhook_url: Secret,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Route {
    /// Label equality, rendered as quoted `matchers`.
    #[serde(default, rename = "match")]
    pub match_: BTreeMap<String, String>,
    /// Label regex, rendered as quoted `=~` matchers.
    #[serde(default)]
    pub match_re: BTreeMap<String, String>,
    pub receiver: Option<String>,
    #[serde(default, rename = "continue")]
    pub continue_: bool,
    pub group_by: Option<Vec<String>>,
    pub group_wait: Option<PromDuration>,
    pub group_interval: Option<PromDuration>,
    pub repeat_interval: Option<PromDuration>,
    #[serde(default)]
    pub mute_time_intervals: Vec<String>,
    #[serde(default)]
    pub active_time_intervals: Vec<String>,
    #[serde(default)]
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Inhibit {
    pub source: BTreeMap<String, String>,
    pub target: BTreeMap<String, String>,
    #[serde(default)]
    pub equal: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TimeInterval {
    /// `HH:MM-HH:MM`; a range across midnight is split in two.
    #[serde(default)]
    pub times: Vec<String>,
    #[serde(default)]
    pub weekdays: Vec<String>,
    #[serde(default)]
    pub days_of_month: Vec<String>,
    #[serde(default)]
    pub months: Vec<String>,
    #[serde(default)]
    pub years: Vec<String>,
    pub location: Option<String>,
}
