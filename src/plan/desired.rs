//! The desired side of a plan: each rendered service with the hashes that tell its changes
//! apart — the spec hash (what shapes the container) and the keyed config hash (the content
//! of the files and secrets it reads). Pure.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac as _};
use sha2::{Digest, Sha256};

use crate::render::RenderedFile;
use crate::service::{MountSource, ServiceSpec};

/// One service as it should run, with the hashes that tell its changes apart.
#[derive(Debug, Clone)]
pub struct DesiredService {
    pub spec: ServiceSpec,
    pub spec_hash: String,
    /// The canonical JSON that was hashed (stored on the container to explain a later recreate).
    pub spec_json: String,
    /// Hash of the service's rendered config files and secrets.
    pub config_hash: String,
}

/// Turns rendered specs into desired services: hashes of the container-shaping fields and of
/// the config content. `out_dir` (absolute) shapes the container too (bind sources). `key` is
/// the project's hash key (`writer::HashKey`): the config hash covers secrets.
pub fn desired(
    specs: &[ServiceSpec],
    files: &BTreeMap<String, RenderedFile>,
    out_dir: &str,
    key: &[u8],
) -> Vec<DesiredService> {
    specs
        .iter()
        .map(|spec| {
            let spec_json = canonical_spec(spec, out_dir);
            DesiredService {
                spec: spec.clone(),
                spec_hash: sha256(spec_json.as_bytes()),
                spec_json,
                config_hash: config_hash(spec, files, key),
            }
        })
        .collect()
}

/// The spec fields that shape the container, as stable JSON. Fields that only matter to
/// stackctl itself (URL, readiness probe, reload method, config file list) are left out, so
/// changing them never recreates a container.
fn canonical_spec(spec: &ServiceSpec, out_dir: &str) -> String {
    let mut value = serde_json::to_value(spec).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        for key in [
            "url",
            "ready",
            "reload",
            "config_files",
            "metrics_port",
            "web_auth",
        ] {
            map.remove(key);
        }
        let has_relative_bind = spec
            .mounts
            .iter()
            .any(|m| matches!(&m.source, MountSource::Bind(p) if !p.starts_with('/')));
        if has_relative_bind {
            map.insert("out_dir".into(), out_dir.into());
        }
    }
    value.to_string()
}

/// Hash of every rendered file the service reads (`config_files`: files or directories) and of
/// its secrets, so a changed file or password is noticed. An HMAC-SHA256 under the project's
/// random `key`: the hash is stored in a 0644 state file and a label, and a plain SHA-256 over
/// a secret would let anyone test guesses of it offline.
pub(crate) fn config_hash(
    spec: &ServiceSpec,
    files: &BTreeMap<String, RenderedFile>,
    key: &[u8],
) -> String {
    let mut hasher = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    for (path, file) in files.iter().filter(|(path, _)| reads(spec, path)) {
        hasher.update(path.as_bytes());
        hasher.update(&[0]);
        hasher.update(file.contents.expose().as_bytes());
        hasher.update(&[0]);
    }
    hex::encode(hasher.finalize().into_bytes())
}

/// Whether the service reads the rendered file at `path` (`config_files`: files or
/// directories; and its secrets).
pub fn reads(spec: &ServiceSpec, path: &str) -> bool {
    spec.config_files.iter().any(|entry| {
        let entry = entry.trim_end_matches('/');
        path == entry
            || path
                .strip_prefix(entry)
                .is_some_and(|rest| rest.starts_with('/'))
    }) || spec.secrets.iter().any(|s| s.file == path)
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
