//! What a stack keeps beside its manifest rather than in it, read once when the manifest loads:
//! the web password (`STACKCTL_WEB_PASSWORD`) and the Swarm naming key (`STACKCTL_SWARM_KEY`),
//! from the environment or `.env`, and the TLS pair (the manifest's `tls` files, else
//! `.stackctl/tls/`). Render reads them from here, never from the disk; when one is missing,
//! `commands::generated` makes it for the render and saves it only once the render succeeded.

use std::path::{Path, PathBuf};

use super::{Secret, TlsFiles};

/// Where the web password comes from: the environment, else `.env` beside the manifest.
pub(crate) const PASSWORD_VAR: &str = "STACKCTL_WEB_PASSWORD";
/// The key of the HMAC in Swarm secret names, generated into `.env` beside the manifest for a
/// Swarm stack: it travels with the other secrets of the stack, so every checkout and manager
/// that deploys the stack names its secrets alike.
pub(crate) const NAME_KEY_VAR: &str = "STACKCTL_SWARM_KEY";
/// Directory of the generated TLS pair, relative to the manifest's directory.
pub(crate) const TLS_DIR: &str = ".stackctl/tls";
/// The certificate, as the programs read it (`/run/secrets/tls.crt`) and on the host.
pub(crate) const TLS_CERT: &str = "tls.crt";
/// The private key, as the programs read it (`/run/secrets/tls.key`) and on the host.
pub(crate) const TLS_KEY: &str = "tls.key";

/// The values of one stack; `None` where the stack has none (yet).
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub web_password: Option<Secret>,
    pub swarm_key: Option<Secret>,
    pub tls: Option<TlsPair>,
}

/// A certificate (PEM) and its private key.
#[derive(Debug, Clone)]
pub struct TlsPair {
    pub cert: String,
    pub key: Secret,
}

impl Generated {
    /// Reads the values of the manifest in `dir`: each variable from `env` when set there,
    /// else the last non-empty assignment in `dotenv`; the pair from `tls` or `.stackctl/tls/`.
    pub fn read(
        dir: &Path,
        tls: Option<&TlsFiles>,
        env: &dyn Fn(&str) -> Option<String>,
        dotenv: &[(String, String)],
    ) -> Self {
        let value = |var: &str| {
            env(var)
                .filter(|v| !v.is_empty())
                .or_else(|| {
                    dotenv
                        .iter()
                        .rev()
                        .find(|(key, value)| key == var && !value.is_empty())
                        .map(|(_, value)| value.clone())
                })
                .map(Secret::new)
        };
        Self {
            web_password: value(PASSWORD_VAR),
            swarm_key: value(NAME_KEY_VAR),
            tls: read_pair(dir, tls),
        }
    }
}

/// Where the generated pair lives for the manifest in `manifest_dir`.
pub(crate) fn tls_dir(manifest_dir: &Path) -> PathBuf {
    manifest_dir.join(TLS_DIR)
}

/// The pair the manifest names (`tls: {cert, key}`, relative to `manifest_dir`), else the one
/// in `.stackctl/tls/`, when both files can be read.
fn read_pair(manifest_dir: &Path, files: Option<&TlsFiles>) -> Option<TlsPair> {
    let (cert, key) = match files {
        Some(files) => (
            manifest_dir.join(&files.cert),
            manifest_dir.join(&files.key),
        ),
        None => (
            tls_dir(manifest_dir).join(TLS_CERT),
            tls_dir(manifest_dir).join(TLS_KEY),
        ),
    };
    let cert = std::fs::read_to_string(cert).ok()?;
    let key = std::fs::read_to_string(key).ok()?;
    Some(TlsPair {
        cert,
        key: Secret::new(key),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_environment_wins_then_the_last_non_empty_assignment_in_env() {
        let dir = tempfile::tempdir().unwrap();
        let dotenv = pairs(&[
            (PASSWORD_VAR, "first"),
            (PASSWORD_VAR, "second"),
            (PASSWORD_VAR, ""),
            (NAME_KEY_VAR, "key"),
        ]);
        let none = |_: &str| None;
        let read = Generated::read(dir.path(), None, &none, &dotenv);
        assert_eq!(read.web_password.unwrap().expose(), "second");
        assert_eq!(read.swarm_key.unwrap().expose(), "key");
        assert!(read.tls.is_none());
        let env = |var: &str| (var == NAME_KEY_VAR).then(|| "from-env".to_string());
        let read = Generated::read(dir.path(), None, &env, &dotenv);
        assert_eq!(read.swarm_key.unwrap().expose(), "from-env");
    }

    #[test]
    fn the_pair_is_the_manifests_files_else_the_generated_directory() {
        let dir = tempfile::tempdir().unwrap();
        let none = |_: &str| None;
        std::fs::create_dir_all(tls_dir(dir.path())).unwrap();
        std::fs::write(tls_dir(dir.path()).join(TLS_CERT), "generated cert").unwrap();
        std::fs::write(tls_dir(dir.path()).join(TLS_KEY), "generated key").unwrap();
        std::fs::write(dir.path().join("own.crt"), "own cert").unwrap();
        std::fs::write(dir.path().join("own.key"), "own key").unwrap();
        let read = Generated::read(dir.path(), None, &none, &[]);
        assert_eq!(read.tls.unwrap().cert, "generated cert");
        let own = TlsFiles {
            cert: "own.crt".into(),
            key: "own.key".into(),
        };
        let read = Generated::read(dir.path(), Some(&own), &none, &[]);
        assert_eq!(read.tls.unwrap().key.expose(), "own key");
    }
}
