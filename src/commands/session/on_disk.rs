//! What is in the output directory now, read for comparison (never written here): the
//! rendered files as they are on disk, their config hashes, and the exported
//! docker-compose.yml a `docker compose up` may have started the stack from.

use std::collections::BTreeMap;
use std::path::Path;

use super::Session;
use crate::plan::{self, ComposeExport};
use crate::render::compose::COMPOSE_FILE;
use crate::render::RenderedFile;

/// The text on disk of each path in `rendered` that exists there as a regular file (a symlink
/// planted in the output directory is not followed), typed as the rendered file is: a secret
/// read back stays a secret.
pub(crate) fn read_rendered(
    out_dir: &Path,
    rendered: &BTreeMap<String, RenderedFile>,
) -> BTreeMap<String, RenderedFile> {
    rendered
        .iter()
        .filter_map(|(path, file)| {
            let text = read_regular(&out_dir.join(path))?;
            Some((path.clone(), file.like(text)))
        })
        .collect()
}

/// A regular file's text; `None` when it is missing, a link, or not UTF-8.
pub(crate) fn read_regular(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// Config hash of each service's files as they are on disk.
pub(crate) fn config_hashes(session: &Session) -> anyhow::Result<BTreeMap<String, String>> {
    let key = crate::writer::HashKey::load_or_create(&session.out_dir)?;
    let files = read_rendered(&session.out_dir, &session.stack.files);
    Ok(session
        .desired
        .iter()
        .map(|d| {
            let hash = plan::config_hash(&d.spec, &files, key.as_bytes());
            (d.spec.name.clone(), hash)
        })
        .collect())
}

/// The export on disk compared with the one rendered now, service by service; `None` when
/// there is no export on disk.
pub fn compose_export(session: &Session) -> Option<ComposeExport> {
    let path = session.out_dir.join(COMPOSE_FILE);
    let on_disk = read_regular(&path)?;
    let rendered = session
        .stack
        .files
        .get(COMPOSE_FILE)
        .and_then(RenderedFile::text)
        .unwrap_or_default();
    let paths = export_paths(&session.out_dir);
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64);
    Some(ComposeExport {
        paths,
        differences: plan::section_differences(&on_disk, rendered),
        modified,
    })
}

/// The absolute paths that name the export in `out_dir`, as given and with symlinks resolved:
/// compose records the one it was run with in each container's `config_files` label.
pub(crate) fn export_paths(out_dir: &Path) -> Vec<String> {
    let path = out_dir.join(COMPOSE_FILE);
    let mut paths = vec![path.to_string_lossy().into_owned()];
    if let Ok(real) = std::fs::canonicalize(&path) {
        let real = real.to_string_lossy().into_owned();
        if !paths.contains(&real) {
            paths.push(real);
        }
    }
    paths
}

/// The named volumes (keys, `prometheus-data`) the export on disk in `out_dir` declares;
/// empty when there is none.
pub(crate) fn export_volumes(out_dir: &Path) -> Vec<String> {
    let Some(text) = read_regular(&out_dir.join(COMPOSE_FILE)) else {
        return Vec::new();
    };
    serde_yaml::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            v.get("volumes")?
                .as_object()
                .map(|m| m.keys().cloned().collect())
        })
        .unwrap_or_default()
}
