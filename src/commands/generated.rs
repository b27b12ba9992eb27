//! The values stackctl generates for a stack when it has none (`manifest::generated`):
//!
//! - `STACKCTL_WEB_PASSWORD` (`render::web_auth`) and a self-signed TLS pair (`render::tls`):
//!   when `bind` publishes Prometheus, Alertmanager or the Pushgateway beyond loopback;
//! - `STACKCTL_SWARM_KEY` (`render::swarm`): for a Swarm stack, the key of the hash in its
//!   secrets' names.
//!
//! They are made in memory for the render (`complete`) and saved beside the manifest only with
//! the rendered files (`Unsaved::save`, by `render`, `deploy` and `reload` when they write
//! them), so a manifest that does not render, or that a checker rejects, leaves nothing
//! behind. `.env` is rewritten whole and left 0600 (`atomic_file`), whatever its mode was;
//! the pair is one new 0700 directory of 0600 files. A value is never printed.

use std::path::PathBuf;

use anyhow::Context as _;
use rand::Rng as _;

use crate::atomic_file;
use crate::manifest::{EngineKind, LoadedManifest, TlsPair, NAME_KEY_VAR, PASSWORD_VAR};
use crate::render::{tls, web_auth};

/// What `complete` generated and the disk does not hold yet.
#[must_use = "generated values are lost unless saved"]
pub(crate) struct Unsaved {
    /// The manifest's directory.
    dir: PathBuf,
    /// Lines to append to `.env`, each with its comment.
    env_lines: Vec<String>,
    tls: Option<TlsPair>,
    /// What to tell the operator once saved.
    notes: Vec<String>,
}

/// Generates into `loaded.generated` what the stack needs and lacks.
pub fn complete(loaded: &mut LoadedManifest) -> anyhow::Result<Unsaved> {
    let env_path = loaded.dir.join(".env");
    let mut unsaved = Unsaved {
        dir: loaded.dir.clone(),
        env_lines: Vec::new(),
        tls: None,
        notes: Vec::new(),
    };
    let manifest = &loaded.manifest;
    let generated = &mut loaded.generated;
    let exposed = is_exposed(manifest);
    if exposed && generated.web_password.is_none() {
        let password = random_alphanumeric(32);
        unsaved.env_lines.push(format!(
            "# basic-auth password (user `{}`) of Prometheus, Alertmanager and the Pushgateway: `bind` publishes them beyond this host\n{PASSWORD_VAR}={password}\n",
            web_auth::USER
        ));
        unsaved.notes.push(format!(
            "note: `bind: {}` publishes the stack beyond this host: generated `{PASSWORD_VAR}` in {} (user `{}`)",
            manifest.bind,
            env_path.display(),
            web_auth::USER
        ));
        generated.web_password = Some(crate::manifest::Secret::new(password));
    }
    if manifest.engine == EngineKind::Swarm && generated.swarm_key.is_none() {
        let key = random_alphanumeric(43);
        unsaved.env_lines.push(format!(
            "# key of the hash in this stack's Swarm secret names (docs/swarm.md): keep it with the other secrets; a new key renames every secret once\n{NAME_KEY_VAR}={key}\n",
        ));
        unsaved.notes.push(format!(
            "note: generated `{NAME_KEY_VAR}` in {} (it keys the names of the stack's Swarm secrets)",
            env_path.display()
        ));
        generated.swarm_key = Some(crate::manifest::Secret::new(key));
    }
    if exposed && manifest.tls.is_none() && generated.tls.is_none() {
        let pair = tls::generate(
            &manifest.project,
            tls::names(&manifest.project, &manifest.bind),
        )?;
        unsaved.notes.push(format!(
            "note: `bind: {}` publishes the stack beyond this host: generated a self-signed TLS certificate in {} (replace `{}` and `{}` to serve your own)",
            manifest.bind,
            tls::dir(&loaded.dir).display(),
            tls::CERT,
            tls::KEY
        ));
        generated.tls = Some(pair.clone());
        unsaved.tls = Some(pair);
    }
    Ok(unsaved)
}

impl Unsaved {
    /// Writes what was generated beside the manifest and says so (never the values).
    pub fn save(self) -> anyhow::Result<()> {
        if !self.env_lines.is_empty() {
            append_to_env(&self.dir.join(".env"), &self.env_lines)?;
        }
        if let Some(pair) = &self.tls {
            // One new directory replaces the old: never a new key beside an old certificate,
            // and never a key left with the mode of a file it replaced.
            atomic_file::replace_private_dir(
                &tls::dir(&self.dir),
                &[
                    (tls::KEY, pair.key.expose().as_bytes()),
                    (tls::CERT, pair.cert.as_bytes()),
                ],
            )?;
        }
        crate::output::print_notes(&self.notes);
        Ok(())
    }
}

fn append_to_env(path: &std::path::Path, lines: &[String]) -> anyhow::Result<()> {
    let mut text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", path.display())),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    lines.iter().for_each(|line| text.push_str(line));
    // A `.env` kept elsewhere through a link is updated where it lives.
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    atomic_file::write_keeping_owner(&target, &text, 0o600)
}

/// Whether `bind` publishes a password-protected program beyond loopback.
fn is_exposed(manifest: &crate::manifest::Manifest) -> bool {
    let components = &manifest.components;
    let protected = components.prometheus.is_some()
        || components.alertmanager.is_some()
        || components.pushgateway.is_some();
    protected && !web_auth::is_loopback(&manifest.bind)
}

/// `len` random letters and digits (43 carry 256 bits).
fn random_alphanumeric(len: usize) -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(dir: &std::path::Path, manifest: &str) -> LoadedManifest {
        std::fs::write(dir.join("stackctl.yaml"), manifest).unwrap();
        crate::manifest::load(&dir.join("stackctl.yaml")).unwrap()
    }

    #[test]
    fn an_exposed_swarm_stack_gets_its_values_in_memory_and_on_disk_only_when_saved() {
        let dir = tempfile::tempdir().unwrap();
        let mut stack = loaded(
            dir.path(),
            "version: 1\nproject: t\nengine: swarm\nbind: 0.0.0.0\ncomponents:\n  prometheus: {}\n",
        );
        let unsaved = complete(&mut stack).unwrap();
        let generated = &stack.generated;
        assert_eq!(generated.web_password.as_ref().unwrap().expose().len(), 32);
        assert_eq!(generated.swarm_key.as_ref().unwrap().expose().len(), 43);
        assert!(generated.tls.is_some());
        assert!(
            !dir.path().join(".env").exists(),
            "nothing written before save"
        );
        assert!(!dir.path().join(".stackctl").exists());
        assert_eq!(unsaved.notes.len(), 3, "{:?}", unsaved.notes);
        unsaved.save().unwrap();
        let reread = loaded(
            dir.path(),
            "version: 1\nproject: t\nengine: swarm\nbind: 0.0.0.0\ncomponents:\n  prometheus: {}\n",
        );
        let again = &reread.generated;
        assert_eq!(
            again.web_password.as_ref().unwrap().expose(),
            generated.web_password.as_ref().unwrap().expose()
        );
        assert_eq!(
            again.swarm_key.as_ref().unwrap().expose(),
            generated.swarm_key.as_ref().unwrap().expose()
        );
        assert_eq!(
            again.tls.as_ref().unwrap().cert,
            generated.tls.as_ref().unwrap().cert
        );
    }

    #[test]
    fn a_loopback_compose_stack_needs_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut stack = loaded(
            dir.path(),
            "version: 1\nproject: t\ncomponents:\n  prometheus: {}\n",
        );
        let unsaved = complete(&mut stack).unwrap();
        assert!(unsaved.notes.is_empty() && unsaved.env_lines.is_empty() && unsaved.tls.is_none());
        unsaved.save().unwrap();
        assert!(!dir.path().join(".env").exists());
    }
}
