//! The password of an exposed stack (`render::web_auth`): when `bind` publishes Prometheus,
//! Alertmanager or the Pushgateway beyond loopback and no `STACKCTL_WEB_PASSWORD` is set, one
//! is generated and appended to `.env` (created 0600), like `init`'s secrets. Its value is
//! never printed.

use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;

use anyhow::Context as _;
use rand::Rng as _;

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
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    if !text.is_empty() && !text.ends_with('\n') {
        text = "\n".to_string();
    } else {
        text.clear();
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
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    eprintln!(
        "note: `bind: {}` publishes the stack beyond this host: generated `{PASSWORD_VAR}` in {} (user `{}`)",
        loaded.manifest.bind,
        path.display(),
        web_auth::USER
    );
    Ok(())
}
