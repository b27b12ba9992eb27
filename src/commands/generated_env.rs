//! The values stackctl generates into `.env` for a stack, like `init`'s secrets: the file is
//! rewritten whole and left 0600 (`atomic_file`), whatever its mode was, and a value is never
//! printed.
//!
//! - `STACKCTL_WEB_PASSWORD` (`render::web_auth`): when `bind` publishes Prometheus,
//!   Alertmanager or the Pushgateway beyond loopback.
//! - `STACKCTL_SWARM_KEY` (`render::swarm`): for a Swarm stack, the key of the hash in its
//!   secrets' names.

use anyhow::Context as _;
use rand::Rng as _;

use crate::atomic_file;
use crate::manifest::{EngineKind, LoadedManifest};
use crate::render::swarm::{self, NAME_KEY_VAR};
use crate::render::web_auth::{self, PASSWORD_VAR};

/// Adds what the stack needs and `.env` lacks; says so on stderr for each value it generates.
pub fn ensure(loaded: &LoadedManifest) -> anyhow::Result<()> {
    let mut additions = Vec::new();
    let mut notes = Vec::new();
    let path = loaded.dir.join(".env");
    if needs_password(loaded) {
        additions.push(format!(
            "# basic-auth password (user `{}`) of Prometheus, Alertmanager and the Pushgateway: `bind` publishes them beyond this host\n{PASSWORD_VAR}={}\n",
            web_auth::USER,
            random_alphanumeric(32)
        ));
        notes.push(format!(
            "note: `bind: {}` publishes the stack beyond this host: generated `{PASSWORD_VAR}` in {} (user `{}`)",
            loaded.manifest.bind,
            path.display(),
            web_auth::USER
        ));
    }
    if loaded.manifest.engine == EngineKind::Swarm && swarm::name_key(&loaded.dir).is_none() {
        additions.push(format!(
            "# key of the hash in this stack's Swarm secret names (docs/swarm.md): keep it with the other secrets; a new key renames every secret once\n{NAME_KEY_VAR}={}\n",
            random_alphanumeric(43)
        ));
        notes.push(format!(
            "note: generated `{NAME_KEY_VAR}` in {} (it keys the names of the stack's Swarm secrets)",
            path.display()
        ));
    }
    if additions.is_empty() {
        return Ok(());
    }
    let mut text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    additions.iter().for_each(|a| text.push_str(a));
    // A `.env` kept elsewhere through a link is updated where it lives.
    let target = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    atomic_file::write_keeping_owner(&target, &text, 0o600)?;
    notes.iter().for_each(|n| eprintln!("{n}"));
    Ok(())
}

/// Whether the stack publishes a password-protected program beyond loopback and has no password.
fn needs_password(loaded: &LoadedManifest) -> bool {
    let components = &loaded.manifest.components;
    let protected = components.prometheus.is_some()
        || components.alertmanager.is_some()
        || components.pushgateway.is_some();
    !web_auth::is_loopback(&loaded.manifest.bind)
        && protected
        && web_auth::password(&loaded.dir).is_none()
}

/// `len` random letters and digits (43 carry 256 bits).
fn random_alphanumeric(len: usize) -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
