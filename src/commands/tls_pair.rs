//! The TLS pair of an exposed stack (`render::tls`): when `bind` publishes Prometheus,
//! Alertmanager or the Pushgateway beyond loopback and `.stackctl/tls/` holds no pair, a
//! self-signed one is generated there (directory 0700, files 0600, written as one new directory
//! that replaces whatever was there: `atomic_file::replace_private_dir`). Said on stderr.

use crate::atomic_file;
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
    // One new directory replaces the old: never a new key beside an old certificate, and
    // never a key left with the mode of a file it replaced.
    atomic_file::replace_private_dir(
        &dir,
        &[
            (tls::KEY, pair.key.expose().as_bytes()),
            (tls::CERT, pair.cert.as_bytes()),
        ],
    )?;
    eprintln!(
        "note: `bind: {}` publishes the stack beyond this host: generated a self-signed TLS certificate in {} (replace `{}` and `{}` to serve your own)",
        manifest.bind,
        dir.display(),
        tls::CERT,
        tls::KEY
    );
    Ok(())
}
