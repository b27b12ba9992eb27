//! Alertmanager routing (`notify`): receivers, routes, inhibitions and quiet hours.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;

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
}

/// One receiver; it may hold several channels.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Receiver {
    pub email: Option<Email>,
    pub slack: Option<Slack>,
    pub pagerduty: Option<PagerDuty>,
    pub webhook: Option<Webhook>,
    pub msteams: Option<MsTeams>,
}

impl Receiver {
    pub fn is_empty(&self) -> bool {
        self.email.is_none()
            && self.slack.is_none()
            && self.pagerduty.is_none()
            && self.webhook.is_none()
            && self.msteams.is_none()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Email {
    pub to: Vec<String>,
    pub from: Option<String>,
    /// `host:port` of the SMTP server.
    pub smarthost: Option<String>,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub require_tls: Option<bool>,
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Slack {
    pub webhook_url: Secret,
    pub channel: Option<String>,
    pub send_resolved: Option<bool>,
    pub title: Option<String>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PagerDuty {
    pub routing_key: Secret,
    pub severity: Option<String>,
    pub send_resolved: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Webhook {
    /// May carry a token, so it is treated as a secret.
    pub url: Secret,
    pub send_resolved: Option<bool>,
    pub max_alerts: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MsTeams {
    pub webhook_url: Secret,
    pub send_resolved: Option<bool>,
    pub title: Option<String>,
    pub text: Option<String>,
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
