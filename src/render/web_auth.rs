//! A stack published beyond loopback (`bind` other than 127.0.0.0/8, `::1`, `localhost`) must
//! not be open: Prometheus, Alertmanager and the Pushgateway, which have no login of their
//! own, get a `web.config.file` that requires basic auth for user `stackctl`, with the bcrypt
//! hash of `STACKCTL_WEB_PASSWORD` (generated into `.env` by the commands, 0600). Everything
//! that calls them authenticates: Prometheus' own scrapes and alert delivery, Grafana's
//! datasources (password from a secret file), and stackctl itself (readiness, reload, status).
//!
//! The hash is salted from the password, so an unchanged password renders an unchanged file
//! (no reload on every deploy). The password reaches files only through the draft's secrets.

use std::net::IpAddr;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::manifest::{Diagnostic, Secret};
use crate::render::{Draft, Kind, Stack};

/// The user every protected program accepts.
pub const USER: &str = "stackctl";
/// Where the password comes from: the environment, else `.env` beside the manifest.
pub const PASSWORD_VAR: &str = "STACKCTL_WEB_PASSWORD";
/// The web config each protected program reads (`/run/secrets/web.yml`).
pub const WEB_CONFIG: &str = "web.yml";
/// The password as a file, for clients inside the stack (`/run/secrets/web-password`).
pub const PASSWORD_FILE: &str = "web-password";
/// bcrypt cost: each request is checked (the exporter toolkit caches good logins).
const COST: u32 = 10;
/// The programs run as `nobody`; their secret files must be readable by that user.
const NOBODY: u32 = 65534;

/// Whether `bind` keeps the stack on this host.
pub fn is_loopback(bind: &str) -> bool {
    let host = bind.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether the stack's ports are reachable from other hosts.
pub fn exposed(stack: &Stack) -> bool {
    !is_loopback(&stack.manifest.bind)
}

/// The programs a web config protects.
pub fn protects(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Prometheus | Kind::Alertmanager | Kind::Pushgateway
    )
}

/// Whether `kind` runs with basic auth in this stack.
pub fn protected(stack: &Stack, kind: &Kind) -> bool {
    exposed(stack) && protects(kind)
}

/// The flag that points a protected program at its web config.
pub fn flag(stack: &Stack, kind: &Kind) -> Option<String> {
    protected(stack, kind).then(|| {
        format!(
            "--web.config.file={}/{WEB_CONFIG}",
            crate::render::draft::SECRETS_DIR
        )
    })
}

/// The password: `STACKCTL_WEB_PASSWORD` from the environment, else from `.env` in `dir`.
pub fn password(dir: &Path) -> Option<Secret> {
    if let Some(value) = std::env::var(PASSWORD_VAR).ok().filter(|v| !v.is_empty()) {
        return Some(Secret::new(value));
    }
    let text = std::fs::read_to_string(dir.join(".env")).ok()?;
    crate::manifest::parse_dotenv(&text)
        .ok()?
        .into_iter()
        .rev()
        .find(|(key, value)| key == PASSWORD_VAR && !value.is_empty())
        .map(|(_, value)| Secret::new(value))
}

/// `web.yml`: basic auth for `stackctl` with the bcrypt hash of `password`.
pub fn web_config(password: &Secret) -> anyhow::Result<String> {
    let digest = Sha256::digest(format!("stackctl web.yml\0{}", password.expose()));
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&digest[..16]);
    let hash = bcrypt::hash_with_salt(password.expose(), COST, salt)?
        .format_for_version(bcrypt::Version::TwoY);
    Ok(format!(
        "# Rendered by stackctl: `bind` publishes this program beyond loopback, so it requires\n# basic auth (user `{USER}`, password `{PASSWORD_VAR}` in .env).\nbasic_auth_users:\n  {USER}: {hash}\n"
    ))
}

/// The render step: a web config secret for each protected program; without a password, a
/// problem at `bind` (the commands generate one before rendering).
pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let protected: Vec<_> = stack
        .components
        .iter()
        .filter(|c| protected(stack, &c.kind))
        .collect();
    if protected.is_empty() {
        return Ok(());
    }
    let Some(password) = password(stack.dir) else {
        draft.problem(
            Diagnostic::new(
                "bind",
                format!(
                    "`bind: {}` publishes Prometheus, Alertmanager and the Pushgateway beyond this host, but `{PASSWORD_VAR}` is not set",
                    stack.manifest.bind
                ),
            )
            .hint(format!(
                "run `stackctl deploy` (it generates `{PASSWORD_VAR}` into .env), or set it yourself; or bind to 127.0.0.1"
            )),
        );
        return Ok(());
    };
    let config = Secret::new(web_config(&password)?);
    for component in protected {
        draft.add_secret(&component.service, WEB_CONFIG, &config, Some(NOBODY));
    }
    Ok(())
}

/// The password file a client inside the stack (`service`, running as `uid`) reads, when
/// the program it calls (`kind`) is protected.
pub fn client_password_file(
    stack: &Stack,
    kind: &Kind,
    service: &str,
    uid: u32,
    draft: &mut Draft,
) -> Option<String> {
    if !protected(stack, kind) {
        return None;
    }
    let password = password(stack.dir)?;
    Some(draft.add_secret(service, PASSWORD_FILE, &password, Some(uid)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_binds_stay_open() {
        let cases = [
            ("127.0.0.1", true),
            ("127.0.0.2", true),
            ("::1", true),
            ("[::1]", true),
            ("localhost", true),
            ("0.0.0.0", false),
            ("::", false),
            ("192.168.1.10", false),
            ("", false),
        ];
        for (bind, loopback) in cases {
            assert_eq!(is_loopback(bind), loopback, "{bind}");
        }
    }

    #[test]
    fn web_config_holds_a_stable_bcrypt_hash_of_the_password_only() {
        let password = Secret::new("correct horse battery staple");
        let config = web_config(&password).unwrap();
        assert_eq!(
            config,
            web_config(&password).unwrap(),
            "stable across renders"
        );
        assert!(!config.contains(password.expose()));
        let parsed: serde_yaml::Value = serde_yaml::from_str(&config).unwrap();
        let hash = parsed["basic_auth_users"][USER].as_str().unwrap();
        assert!(hash.starts_with("$2y$10$"), "{hash}");
        assert!(bcrypt::verify(password.expose(), hash).unwrap());
        assert!(!bcrypt::verify("wrong", hash).unwrap());
        assert_ne!(
            config,
            web_config(&Secret::new("another")).unwrap(),
            "the salt follows the password"
        );
    }
}
