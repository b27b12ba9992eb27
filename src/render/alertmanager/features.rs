//! Which receiver keys an Alertmanager release knows: one table, each row citing the release
//! (CHANGELOG entry) that added the key.
//!
//! Every version-dependent decision about channels and their fields reads `since`; a key the
//! pinned release lacks is refused naming the release that added it. Secret `*_file` keys are
//! gated here too (`file_since`), so the table test below is the whole story of the gates.

use crate::manifest::Diagnostic;
use crate::version::Version;

/// `(channel, manifest key, first release)`; `""` as key: the channel itself.
const SINCE: &[(&str, &str, Version)] = &[
    // 0.24.0: "Add Telegram integration" (#2827).
    ("telegram", "", Version::new(0, 24, 0)),
    // 0.24.0: OpsGenie `update_alerts` (#2519), `entity` and `actions` (#2753).
    ("opsgenie", "update_alerts", Version::new(0, 24, 0)),
    ("opsgenie", "entity", Version::new(0, 24, 0)),
    ("opsgenie", "actions", Version::new(0, 24, 0)),
    // 0.25.0: "Add Discord integration" (#2948); PagerDuty `source` (#3106).
    ("discord", "", Version::new(0, 25, 0)),
    ("pagerduty", "source", Version::new(0, 25, 0)),
    // 0.26.0: Microsoft Teams (legacy connectors, `msteams_configs`).
    ("msteams", "", Version::new(0, 26, 0)),
    // 0.27.0: Telegram `message_thread_id` (forum topics).
    ("telegram", "message_thread_id", Version::new(0, 27, 0)),
    // 0.28.0: webhook `timeout` (#4137); Discord `content`, `username`, `avatar_url`.
    ("webhook", "timeout", Version::new(0, 28, 0)),
    ("discord", "content", Version::new(0, 28, 0)),
    ("discord", "username", Version::new(0, 28, 0)),
    ("discord", "avatar_url", Version::new(0, 28, 0)),
];

/// `(channel, Alertmanager file key, first release reading it)`.
const FILE_SINCE: &[(&str, &str, Version)] = &[
    // 0.22.0: `api_url_file` for Slack.
    ("slack", "api_url_file", Version::new(0, 22, 0)),
    // 0.24.0: OpsGenie `api_key_file` (#2728).
    ("opsgenie", "api_key_file", Version::new(0, 24, 0)),
    // 0.25.0: SMTP passwords from files, global and per receiver (#3038); PagerDuty routing
    // and service keys from files (#3107).
    ("email", "auth_password_file", Version::new(0, 25, 0)),
    ("smtp", "smtp_auth_password_file", Version::new(0, 25, 0)),
    ("pagerduty", "routing_key_file", Version::new(0, 25, 0)),
    ("pagerduty", "service_key_file", Version::new(0, 25, 0)),
    // 0.26.0: webhook `url_file`, Telegram `bot_token_file`.
    ("webhook", "url_file", Version::new(0, 26, 0)),
    ("telegram", "bot_token_file", Version::new(0, 26, 0)),
    // 0.27.0 added `webhook_url_file` for Discord and Teams; it is read only from 0.28.0.
    ("discord", "webhook_url_file", Version::new(0, 28, 0)),
    ("msteamsv2", "webhook_url_file", Version::new(0, 28, 0)),
    // http_config (prometheus/common) has read `credentials_file`/`password_file` for long.
    ("http_config", "credentials_file", Version::new(0, 0, 0)),
    ("http_config", "password_file", Version::new(0, 0, 0)),
];

/// The first release knowing `key` of `channel` (`""`: the channel), if it is gated.
pub fn since(channel: &str, key: &str) -> Option<Version> {
    SINCE
        .iter()
        .find(|(c, k, _)| *c == channel && *k == key)
        .map(|(_, _, v)| *v)
}

/// The first release reading `file_key` of `channel` from a file; `None`: never.
pub fn file_since(channel: &str, file_key: &str) -> Option<Version> {
    FILE_SINCE
        .iter()
        .find(|(c, k, _)| *c == channel && *k == file_key)
        .map(|(_, _, v)| *v)
}

/// A problem when `version` lacks `key` of `channel` (set at manifest path `path`).
pub fn check(channel: &str, key: &str, path: &str, version: &Version) -> Option<Diagnostic> {
    let since = since(channel, key).filter(|since| version < since)?;
    let what = if key.is_empty() {
        format!("`{channel}` channel")
    } else {
        format!("`{key}`")
    };
    Some(
        Diagnostic::new(
            path,
            format!("Alertmanager {version} has no {what}; it was added in {since}"),
        )
        .hint(format!(
            "set `components.alertmanager.version` to {since} or newer, or remove `{path}`"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_follow_the_release_that_added_each_key() {
        // (release, channel, key, known)
        let table = [
            ("0.23.0", "telegram", "", false),
            ("0.24.0", "telegram", "", true),
            ("0.24.0", "discord", "", false),
            ("0.25.0", "discord", "", true),
            ("0.24.0", "pagerduty", "source", false),
            ("0.25.0", "pagerduty", "source", true),
            ("0.25.0", "msteams", "", false),
            ("0.26.0", "msteams", "", true),
            ("0.26.0", "telegram", "message_thread_id", false),
            ("0.27.0", "telegram", "message_thread_id", true),
            ("0.27.0", "webhook", "timeout", false),
            ("0.28.0", "webhook", "timeout", true),
            ("0.27.0", "discord", "username", false),
            ("0.34.0", "discord", "username", true),
            ("0.20.0", "email", "headers", true),
            ("0.20.0", "pagerduty", "description", true),
        ];
        for (release, channel, key, known) in table {
            let version = Version::parse(release).unwrap();
            let problem = check(channel, key, "p", &version);
            assert_eq!(problem.is_none(), known, "{release} {channel}.{key}");
        }
    }

    #[test]
    fn file_keys_follow_the_release_that_reads_them() {
        let table = [
            ("email", "auth_password_file", "0.25.0"),
            ("pagerduty", "service_key_file", "0.25.0"),
            ("webhook", "url_file", "0.26.0"),
            ("telegram", "bot_token_file", "0.26.0"),
            ("discord", "webhook_url_file", "0.28.0"),
        ];
        for (channel, key, release) in table {
            assert_eq!(
                file_since(channel, key),
                Version::parse(release),
                "{channel}.{key}"
            );
        }
        assert_eq!(file_since("msteams", "webhook_url_file"), None);
    }

    #[test]
    fn the_problem_names_the_release_that_added_the_key() {
        let problem = check(
            "webhook",
            "timeout",
            "notify.receivers.a.webhook.timeout",
            &Version::new(0, 25, 0),
        )
        .unwrap();
        assert_eq!(
            problem.message,
            "Alertmanager 0.25.0 has no `timeout`; it was added in 0.28.0"
        );
        assert_eq!(
            problem.hint.as_deref(),
            Some("set `components.alertmanager.version` to 0.28.0 or newer, or remove `notify.receivers.a.webhook.timeout`")
        );
    }
}
