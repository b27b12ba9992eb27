//! The password of an exposed stack (`render::web_auth`): when `bind` publishes Prometheus,
//! Alertmanager or the Pushgateway beyond loopback and no `STACKCTL_WEB_PASSWORD` is set, one
//! is generated and added to `.env`, like `init`'s secrets: the file is rewritten whole and
//! left 0600 (`atomic_file`), whatever its mode was. Its value is never printed.

use anyhow::Context as _;
use rand::Rng as _;

use crate::atomic_file;
use crate::manifest::LoadedManifest;
use crate::render::web_auth::{self, PASSWORD_VAR};

/// Makes sure an exposed stack has its password; says so on stderr when it generates one.
pub fn ensure(loaded: &LoadedManifest) -> anyhow::Result<()> {
    let components = &loaded.manifest.components;
    let protected = components.prometheus.is_some()
        || components.alertmanager.is_some()
        || components.pushgateway.is_some();
    if web_auth::is_loopback(&loaded.manifest.bind)
        || !protected
        || web_auth::password(&loaded.dir).is_some()
    {
        return Ok(());
    }
    let path = loaded.dir.join(".env");
    let mut text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let password: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    text.push_str(&format!(
        "# basic-auth password (user `{}`) of Prometheus, Alertmanager and the Pushgateway: `bind` publishes them beyond this host\n{PASSWORD_VAR}={password}\n",
        web_auth::USER
    ));
    // A `.env` kept elsewhere through a link is updated where it lives.
    let target = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    atomic_file::write_keeping_owner(&target, &text, 0o600)?;
    eprintln!(
        "note: `bind: {}` publishes the stack beyond this host: generated `{PASSWORD_VAR}` in {} (user `{}`)",
        loaded.manifest.bind,
        path.display(),
        web_auth::USER
    );
    Ok(())
}
