//! Secret fields of receivers: written to `secrets/alertmanager/<name>` and referenced with
//! the `*_file` key when the release has one; otherwise inline only when that is safe.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::manifest::{Diagnostic, Secret};
use crate::render::Draft;
use crate::version::Version;

/// Alertmanager runs as `nobody`; its secret files must be readable by that user.
const ALERTMANAGER_UID: u32 = 65534;

/// How a secret field may be written when the release has no `*_file` variant for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fallback {
    /// A plain literal may go inline (a URL without credentials in it).
    InlineLiteral,
    /// Never inline (passwords, keys).
    Never,
}

/// One secret field of one channel.
pub(crate) struct SecretField<'k> {
    /// Manifest key path, for diagnostics.
    pub path: String,
    pub inline_key: &'k str,
    pub file_key: &'k str,
    /// The first release with `file_key`; `None` when the emitted config type has none.
    pub file_since: Option<Version>,
    pub fallback: Fallback,
}

/// Writes secret files through the draft and collects what cannot be written safely.
pub struct Secrets<'a> {
    draft: &'a mut Draft,
    version: Version,
    names: BTreeSet<String>,
    pub problems: Vec<Diagnostic>,
}

impl<'a> Secrets<'a> {
    pub fn new(draft: &'a mut Draft, version: Version) -> Self {
        Self {
            draft,
            version,
            names: BTreeSet::new(),
            problems: Vec::new(),
        }
    }

    /// Puts `value` in a secret file named after `name` under `field.file_key`; without a file
    /// key, inline when `field.fallback` allows and the value is no `${VAR}`, else a problem.
    pub fn write(
        &mut self,
        out: &mut Map<String, Value>,
        field: SecretField,
        value: &Secret,
        name: &str,
    ) {
        if field.file_since.is_some_and(|since| self.version >= since) {
            let name = self.unique_name(name);
            let file = self
                .draft
                .add_secret("alertmanager", &name, value, Some(ALERTMANAGER_UID));
            out.insert(field.file_key.into(), json!(file));
            return;
        }
        let literal = self.draft.inline_literal(value);
        if let (Fallback::InlineLiteral, Some(text)) = (field.fallback, literal) {
            out.insert(field.inline_key.into(), json!(text));
            return;
        }
        let from_env = literal.is_none();
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
    fn unique_name(&mut self, wanted: &str) -> String {
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
        while !self.names.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook_field() -> SecretField<'static> {
        SecretField {
            path: "notify.receivers.a.webhook.url".into(),
            inline_key: "url",
            file_key: "url_file",
            file_since: Some(Version::new(0, 26, 0)),
            fallback: Fallback::InlineLiteral,
        }
    }

    #[test]
    fn secret_file_names_are_safe_and_never_shared() {
        let mut draft = Draft::new(&[]);
        let mut secrets = Secrets::new(&mut draft, Version::new(0, 34, 0));
        let names: Vec<String> = ["a b_url", "a_b_url", "../x_url"]
            .iter()
            .map(|n| secrets.unique_name(n))
            .collect();
        assert_eq!(names, ["a_b_url", "a_b_url_2", "_x_url"]);
    }

    #[test]
    fn without_a_file_key_a_literal_url_goes_inline_and_a_variable_is_reported() {
        for (secret_values, inline) in [(vec![], true), (vec!["tok-1".to_string()], false)] {
            let mut draft = Draft::new(&secret_values);
            let mut secrets = Secrets::new(&mut draft, Version::new(0, 25, 0));
            let mut out = Map::new();
            let value = Secret::new("http://bot:5001/?t=tok-1");
            secrets.write(&mut out, webhook_field(), &value, "a_webhook_url");
            assert_eq!(out.contains_key("url"), inline);
            assert_eq!(secrets.problems.len(), usize::from(!inline));
            if let Some(problem) = secrets.problems.first() {
                assert_eq!(problem.path, "notify.receivers.a.webhook.url");
                assert!(problem.hint.as_deref().unwrap_or("").contains("0.26.0"));
            }
        }
    }

    #[test]
    fn a_password_never_goes_inline() {
        let mut draft = Draft::new(&[]);
        let mut secrets = Secrets::new(&mut draft, Version::new(0, 24, 0));
        let mut out = Map::new();
        let field = SecretField {
            path: "notify.receivers.a.email.password".into(),
            inline_key: "auth_password",
            file_key: "auth_password_file",
            file_since: Some(Version::new(0, 25, 0)),
            fallback: Fallback::Never,
        };
        secrets.write(&mut out, field, &Secret::new("literal"), "a_email_password");
        assert!(out.is_empty());
        assert_eq!(secrets.problems.len(), 1);
    }
}
