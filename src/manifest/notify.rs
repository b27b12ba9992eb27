//! Alertmanager routing (`notify`): receivers and their channels, routes, inhibitions, quiet
//! hours, global SMTP defaults, notification templates and the Watchdog route.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::duration::PromDuration;
use super::secret::Secret;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct Notify {
    /// The root route's receiver.
    pub default: String,
    /// Labels alerts are grouped by (default `[alertname, job]`).
    pub group_by: Option<Vec<String>>,
    /// How long to wait before the first notification of a group (default `30s`).
    pub group_wait: Option<PromDuration>,
    /// How long to wait before notifying about new alerts of a group (default `5m`).
    pub group_interval: Option<PromDuration>,
    /// How long to wait before repeating a notification (default `4h`).
    pub repeat_interval: Option<PromDuration>,
    /// Receivers by name; a receiver may hold several channels, or none (it then drops what reaches
    /// it).
    #[serde(default)]
    pub receivers: IndexMap<String, Receiver>,
    /// Child routes of the root route, tried in order.
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Inhibition rules: a firing `source` alert mutes matching `target` alerts.
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
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Smtp {
    /// `host:port` of the SMTP server.
    pub smarthost: Option<String>,
    /// Sender address of notifications.
    pub from: Option<String>,
    /// Host name sent in HELO/EHLO.
    pub hello: Option<String>,
    /// SMTP user.
    pub username: Option<String>,
    /// SMTP password (secret: `${VAR}`), read through `smtp_auth_password_file`.
    pub password: Option<Secret>,
    /// Require STARTTLS (Alertmanager's default: true).
    pub require_tls: Option<bool>,
}

/// Where the always-firing `Watchdog` alert goes; absent: a built-in null receiver.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Watchdog {
    /// The receiver of `Watchdog` (a dead man's switch); default: a built-in `null` receiver.
    pub receiver: Option<String>,
    /// How often `Watchdog` is sent again.
    pub repeat_interval: Option<PromDuration>,
}

/// One receiver; it may hold several channels, or none (it then drops what reaches it).
///
/// Channel fields that are not secrets keep Alertmanager's own names and are passed through
/// by serializing the channel (secret and renamed fields are skipped and written by hand).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Receiver {
    /// Email channel (`email_configs`).
    pub email: Option<Email>,
    /// Slack channel (`slack_configs`).
    pub slack: Option<Slack>,
    /// PagerDuty channel (`pagerduty_configs`).
    pub pagerduty: Option<PagerDuty>,
    /// Webhook channel (`webhook_configs`).
    pub webhook: Option<Webhook>,
    /// Microsoft Teams channel (Alertmanager 0.26+).
    pub msteams: Option<MsTeams>,
    /// Opsgenie channel (`opsgenie_configs`).
    pub opsgenie: Option<Opsgenie>,
    /// Telegram channel (Alertmanager 0.24+).
    pub telegram: Option<Telegram>,
    /// Discord channel (Alertmanager 0.25+).
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

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Email {
    /// Recipient addresses.
    #[serde(skip_serializing)]
    pub to: Vec<String>,
    /// Sender address (default: `notify.smtp.from`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// `host:port` of the SMTP server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smarthost: Option<String>,
    /// Host name sent in HELO/EHLO.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hello: Option<String>,
    /// SMTP user (`auth_username`).
    #[serde(skip_serializing)]
    pub username: Option<String>,
    /// SMTP password (secret: `${VAR}`), read through `auth_password_file`.
    #[serde(skip_serializing)]
    pub password: Option<Secret>,
    /// SMTP identity (`auth_identity`).
    #[serde(skip_serializing)]
    pub identity: Option<String>,
    /// Require STARTTLS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_tls: Option<bool>,
    /// Extra headers, e.g. `Subject`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// HTML body (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Plain-text body (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Also notify when the alert resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Slack {
    /// The incoming-webhook URL (secret: `${VAR}`), read through `api_url_file`.
    #[serde(skip_serializing)]
    pub webhook_url: Secret,
    /// Channel or user to post to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The name messages are posted as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Attachment colour (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Message title (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Link of the title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_link: Option<String>,
    /// Text above the attachment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pretext: Option<String>,
    /// Message text (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Attachment fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<SlackField>>,
    /// Show fields side by side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_fields: Option<bool>,
    /// Attachment footer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<String>,
    /// Plain-text summary for clients that cannot show attachments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// Callback id of interactive messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_id: Option<String>,
    /// Emoji used as the icon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_emoji: Option<String>,
    /// Image URL used as the icon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_url: Option<String>,
    /// Image shown in the attachment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Thumbnail shown in the attachment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumb_url: Option<String>,
    /// Link channel and user names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link_names: Option<bool>,
    /// Fields in which Slack markdown is rendered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrkdwn_in: Option<Vec<String>>,
    /// Also notify when the alert resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct SlackField {
    /// Field title.
    pub title: String,
    /// Field value.
    pub value: String,
    /// Show the field side by side with others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short: Option<bool>,
}

/// PagerDuty: `routing_key` (Events API v2) or `service_key` (Events API v1), one of them.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct PagerDuty {
    /// Events API v2 integration key (secret: `${VAR}`), read through `routing_key_file`.
    #[serde(skip_serializing)]
    pub routing_key: Option<Secret>,
    /// Events API v1 service key (secret: `${VAR}`), read through `service_key_file`.
    #[serde(skip_serializing)]
    pub service_key: Option<Secret>,
    /// PagerDuty API URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Client name shown in PagerDuty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Link back from PagerDuty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_url: Option<String>,
    /// Incident description (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Custom details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<BTreeMap<String, String>>,
    /// Incident severity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// Class of the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Component of the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// Group of the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Source of the event (Alertmanager 0.25+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Images attached to the incident.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<PagerDutyImage>>,
    /// Links attached to the incident.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<PagerDutyLink>>,
    /// Also notify when the alert resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct PagerDutyImage {
    /// Image URL.
    pub src: String,
    /// Alternative text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// Link of the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct PagerDutyLink {
    /// Link URL.
    pub href: String,
    /// Link text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Webhook {
    /// May carry a token, so it is treated as a secret.
    #[serde(skip_serializing)]
    pub url: Secret,
    /// Rendered as `http_config.authorization` or `http_config.basic_auth`.
    #[serde(skip_serializing)]
    pub auth: Option<WebhookAuth>,
    /// Request timeout (Alertmanager 0.28+).
    #[serde(skip_serializing)]
    pub timeout: Option<PromDuration>,
    /// Most alerts sent in one message (0: all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_alerts: Option<u32>,
    /// Also notify when the alert resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

/// `{bearer: TOKEN}` or `{basic: {username, password}}`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct WebhookAuth {
    /// Bearer token (secret: `${VAR}`), read through `credentials_file`.
    pub bearer: Option<Secret>,
    /// Basic auth; the password is read by file.
    pub basic: Option<WebhookBasicAuth>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct WebhookBasicAuth {
    /// The user name.
    pub username: String,
    /// The password (secret: `${VAR}`), read by file.
    pub password: Secret,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct MsTeams {
    /// The Teams webhook URL (secret: `${VAR}`).
    #[serde(skip_serializing)]
    pub webhook_url: Secret,
    /// Message title (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Message text (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Also notify when the alert resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Opsgenie {
    /// Opsgenie API key (secret: `${VAR}`), read through `api_key_file`.
    #[serde(skip_serializing)]
    pub api_key: Secret,
    /// Opsgenie API URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// Alert message (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Alert description (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Alert source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Custom details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<BTreeMap<String, String>>,
    /// Entity the alert is about (Alertmanager 0.24+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// Responders: teams, users, escalations or schedules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responders: Option<Vec<OpsgenieResponder>>,
    /// Comma-separated custom actions (Alertmanager 0.24+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<String>,
    /// A list here; Alertmanager takes one comma-separated string.
    #[serde(skip_serializing)]
    pub tags: Option<Vec<String>>,
    /// Additional note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Priority, `P1` to `P5`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Update existing alerts instead of creating new ones (Alertmanager 0.24+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_alerts: Option<bool>,
    /// Also notify when the alert resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

/// One of `id`, `name`, `username`, and the `type` (team, teams, user, escalation, schedule).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct OpsgenieResponder {
    /// Responder id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Responder name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Responder user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// team, teams, user, escalation or schedule.
    #[serde(rename = "type")]
    pub type_: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Telegram {
    /// The bot token (secret: `${VAR}`), read through `bot_token_file` (Alertmanager 0.26+).
    #[serde(skip_serializing)]
    pub bot_token: Secret,
    /// The chat id (an integer).
    pub chat_id: i64,
    /// Forum topic id (Alertmanager 0.27+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_thread_id: Option<i64>,
    /// Telegram API URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// Message text (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `Markdown`, `MarkdownV2` or `HTML`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_mode: Option<String>,
    /// Send silently.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable_notifications: Option<bool>,
    /// Also notify when the alert resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct Discord {
    /// The Discord webhook URL (secret: `${VAR}`).
    #[serde(skip_serializing)]
    pub webhook_url: Secret,
    /// Message title (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Message text (a Go template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Message content (Alertmanager 0.28+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The name messages are posted as (Alertmanager 0.28+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Avatar image URL (Alertmanager 0.28+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// Also notify when the alert resolves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Route {
    /// Label equality, rendered as quoted `matchers`.
    #[serde(default, rename = "match")]
    pub match_: BTreeMap<String, String>,
    /// Label regex, rendered as quoted `=~` matchers.
    #[serde(default)]
    pub match_re: BTreeMap<String, String>,
    /// Where matching alerts go (default: the parent route's receiver).
    pub receiver: Option<String>,
    /// Keep matching later sibling routes after this one matched.
    #[serde(default, rename = "continue")]
    pub continue_: bool,
    /// Labels alerts are grouped by on this route.
    pub group_by: Option<Vec<String>>,
    /// How long to wait before the first notification of a group.
    pub group_wait: Option<PromDuration>,
    /// How long to wait before notifying about new alerts of a group.
    pub group_interval: Option<PromDuration>,
    /// How long to wait before repeating a notification.
    pub repeat_interval: Option<PromDuration>,
    /// Names of `quiet_hours` intervals during which the route is muted.
    #[serde(default)]
    pub mute_time_intervals: Vec<String>,
    /// Names of `quiet_hours` intervals outside which the route is muted.
    #[serde(default)]
    pub active_time_intervals: Vec<String>,
    /// Nested child routes.
    #[serde(default)]
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct Inhibit {
    /// Labels (equality) of the alert that mutes others.
    pub source: BTreeMap<String, String>,
    /// Labels (equality) of the alerts that are muted.
    pub target: BTreeMap<String, String>,
    /// Labels that must be equal in source and target.
    #[serde(default)]
    pub equal: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct TimeInterval {
    /// `HH:MM-HH:MM`; a range across midnight is split in two.
    #[serde(default)]
    pub times: Vec<String>,
    /// Days of the week: `monday:friday`, `saturday`.
    #[serde(default)]
    pub weekdays: Vec<String>,
    /// Days of the month: `1:7`, `-1` (the last).
    #[serde(default)]
    pub days_of_month: Vec<String>,
    /// Months: `january:march`, `12`.
    #[serde(default)]
    pub months: Vec<String>,
    /// Years: `2026:2027`.
    #[serde(default)]
    pub years: Vec<String>,
    /// IANA time zone of the interval (`Europe/Berlin`); default UTC.
    pub location: Option<String>,
}
