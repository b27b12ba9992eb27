//! The TLS pair of an exposed stack (`render::tls`): when `bind` publishes Prometheus,
//! Alertmanager or the Pushgateway beyond loopback and `.stackctl/tls/` holds no pair, a
//! self-signed one is generated there (directory 0700, files 0600). Said on stderr.

use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};

use anyhow::Context as _;

use crate::manifest::LoadedManifest;
use crate::render::{tls, web_auth};

/// Makes sure an exposed stack has its certificate and key.
pub fn ensure(loaded: &LoadedManifest) -> anyhow::Result<()> {
    let components = &loaded.manifest.components;
    let protected = components.prometheus.is_some()
        || components.alertmanager.is_some()
        || components.pushgateway.is_some();
    if web_auth::is_loopback(&loaded.manifest.bind)
        || !protected
        || loaded.manifest.tls.is_some()
        || tls::read(&loaded.dir, None).is_some()
    {
        return Ok(());
    }
    let manifest = &loaded.manifest;
    let pair = tls::generate(
        &manifest.project,
        tls::names(&manifest.project, &manifest.bind),
    )?;
    let dir = tls::dir(&loaded.dir);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .with_context(|| format!("cannot create `{}`", dir.display()))?;
    for (name, text) in [
        (tls::KEY, pair.key.expose()),
        (tls::CERT, pair.cert.as_str()),
    ] {
        let path = dir.join(name);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        file.write_all(text.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    eprintln!(
        "note: `bind: {}` publishes the stack beyond this host: generated a self-signed TLS certificate in {} (replace `{}` and `{}` to serve your own)",
        manifest.bind,
        dir.display(),
        tls::CERT,
        tls::KEY
    );
    Ok(())
}
