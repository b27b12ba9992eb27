//! Swarm configs and secrets: named `PROJECT_<what>-<content hash>`, so a change makes a new
//! object (Swarm objects are immutable) and the service update that uses it; the old one is
//! removed once no service refers to it. Pure.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac as _};
use sha2::{Digest, Sha256};

/// The label `docker stack` puts on everything of a stack.
pub(crate) const NAMESPACE_LABEL: &str = "com.docker.stack.namespace";
/// stackctl's hash of a service's model: equal hashes mean nothing to update.
pub(crate) const HASH_LABEL: &str = "io.stackctl.spec-hash";
/// A container label: stackctl's hash of the task template and endpoint it sends
/// (`docker::swarm_spec::task_hash`). Swarm replaces every task when those change, and a task
/// carries the template it was made from, so this label tells the tasks of a new spec from the
/// old ones still running while an update has not started.
pub(crate) const TASK_LABEL: &str = "io.stackctl.task-hash";

/// Docker refuses config and secret names over 64 characters.
const MAX_NAME: usize = 64;
const HASH_CHARS: usize = 12;

/// `PROJECT_prometheus-prometheus.yml-0123456789ab` for `path` with `contents`.
pub(crate) fn object_name(project: &str, path: &str, contents: &[u8]) -> String {
    name_with_hash(project, path, &hex(&Sha256::digest(contents)))
}

fn name_with_hash(project: &str, path: &str, hash: &str) -> String {
    let hash = &hash[..HASH_CHARS];
    let slug: String = path
        .trim_start_matches("secrets/")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let room = MAX_NAME.saturating_sub(project.len() + 2 + HASH_CHARS);
    let slug: String = slug.chars().skip(slug.len().saturating_sub(room)).collect();
    format!("{project}_{}-{hash}", slug.trim_start_matches(['-', '.']))
}

/// `object_name` for a secret: the hash is an HMAC under `key` (`STACKCTL_SWARM_KEY`), as the
/// name is public (`docker secret ls`, docker-stack.yml) and a plain hash of a
/// short password could be checked against guesses offline.
pub(crate) fn secret_name(project: &str, path: &str, contents: &[u8], key: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(contents);
    name_with_hash(project, path, &hex(&mac.finalize().into_bytes()))
}

/// The hex SHA-256 of `text` (a service model's hash label, a task template's hash).
pub(crate) fn hash_text(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))[..HASH_CHARS * 2].to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn stack_labels(project: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(NAMESPACE_LABEL.to_string(), project.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash_and_fit_docker_limits() {
        let a = object_name("demo", "prometheus/prometheus.yml", b"a");
        let b = object_name("demo", "prometheus/prometheus.yml", b"b");
        assert!(a.starts_with("demo_prometheus-prometheus.yml-"), "{a}");
        assert_ne!(a, b);
        let long = object_name(&"p".repeat(30), &"x/".repeat(60), b"a");
        assert!(long.len() <= MAX_NAME, "{long}");
        let secret = object_name("demo", "secrets/alertmanager/slack_url", b"s");
        assert!(
            secret.starts_with("demo_alertmanager-slack_url-")
                || secret.starts_with("demo_alertmanager-slack-url-"),
            "{secret}"
        );
    }

    /// A secret's name hides its contents: equal contents give equal names under one key
    /// (a no-op deploy keeps the secret), and the name is neither the plain SHA-256 of the
    /// contents nor the same under another project's key.
    #[test]
    fn secret_names_are_keyed_hashes() {
        let key = [7u8; 32];
        let name = secret_name("demo", "secrets/web-password", b"hunter2", &key);
        assert_eq!(
            name,
            secret_name("demo", "secrets/web-password", b"hunter2", &key)
        );
        assert_ne!(
            name,
            object_name("demo", "secrets/web-password", b"hunter2")
        );
        assert_ne!(
            name,
            secret_name("demo", "secrets/web-password", b"hunter2", &[8u8; 32])
        );
        let plain = hex(&Sha256::digest(b"hunter2"));
        assert!(!name.contains(&plain[..HASH_CHARS]), "{name}");
    }
}
