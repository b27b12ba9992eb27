//! Which receiver keys an Alertmanager release knows, read from the one gate table
//! (`catalog::gates`, rows `Alertmanager receivers` and `Alertmanager secret files`).
//!
//! Every version-dependent decision about channels and their fields reads `since`; a key the
//! pinned release lacks is refused naming the release that added it. Secret `*_file` keys are
//! gated here too (`file_since`), so the table test below is the whole story of the gates.

use crate::catalog::gates;
use crate::manifest::Diagnostic;
use crate::version::Version;

/// The first release knowing `key` of `channel` (`""`: the channel), if it is gated.
pub fn since(channel: &str, key: &str) -> Option<Version> {
    let key = if key.is_empty() {
        channel.to_string()
    } else {
        format!("{channel}.{key}")
    };
    gates::since(gates::ALERTMANAGER_CHANNELS, &key)
}

/// The first release reading `file_key` of `channel` from a file; `None`: never.
pub(crate) fn file_since(channel: &str, file_key: &str) -> Option<Version> {
    gates::since(
        gates::ALERTMANAGER_SECRET_FILES,
        &format!("{channel}.{file_key}"),
    )
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
