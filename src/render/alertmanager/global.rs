//! `notify.smtp` → alertmanager.yml `global.smtp_*`: defaults every email receiver inherits,
//! so a receiver then needs only `to`. The password goes by file like every other secret.

use serde_json::{json, Map, Value};

use super::features;
use super::secret_fields::{Fallback, SecretField, Secrets};
use crate::manifest::{Diagnostic, Smtp};
use crate::render::Draft;
use crate::version::Version;

pub fn smtp(
    smtp: &Smtp,
    version: &Version,
    draft: &mut Draft,
    problems: &mut Vec<Diagnostic>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in [
        ("smtp_smarthost", &smtp.smarthost),
        ("smtp_from", &smtp.from),
        ("smtp_hello", &smtp.hello),
        ("smtp_auth_username", &smtp.username),
    ] {
        if let Some(value) = value {
            out.insert(key.into(), json!(value));
        }
    }
    if let Some(password) = &smtp.password {
        let mut secrets = Secrets::new(draft, *version);
        let field = SecretField {
            path: "notify.smtp.password".into(),
            inline_key: "smtp_auth_password",
            file_key: "smtp_auth_password_file",
            file_since: features::file_since("smtp", "smtp_auth_password_file"),
            fallback: Fallback::Never,
        };
        secrets.write(&mut out, field, password, "smtp_password");
        problems.append(&mut secrets.problems);
    }
    if let Some(require_tls) = smtp.require_tls {
        out.insert("smtp_require_tls".into(), json!(require_tls));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_defaults_become_global_keys_with_the_password_by_file() {
        let smtp: Smtp = serde_yaml::from_str(
            "{smarthost: 'smtp.example.com:587', from: a@example.com, username: a, password: pw, require_tls: true}",
        )
        .unwrap();
        let mut draft = Draft::new(&[]);
        let mut problems = Vec::new();
        let out = super::smtp(&smtp, &Version::new(0, 25, 0), &mut draft, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            Value::Object(out),
            json!({
                "smtp_smarthost": "smtp.example.com:587",
                "smtp_from": "a@example.com",
                "smtp_auth_username": "a",
                "smtp_auth_password_file": "/run/secrets/smtp_password",
                "smtp_require_tls": true,
            })
        );
        assert_eq!(
            draft
                .file("secrets/alertmanager/smtp_password")
                .map(|f| f.contents.expose()),
            Some("pw")
        );
        let mut problems = Vec::new();
        super::smtp(&smtp, &Version::new(0, 24, 0), &mut draft, &mut problems);
        assert_eq!(
            problems.len(),
            1,
            "0.24 cannot read the password from a file"
        );
    }
}
