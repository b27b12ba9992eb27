//! Which manifest a command reads: `-f PATH`, `-f -` (standard input), or `stackctl.yaml` in
//! the working directory or the nearest parent directory that has one (as compose and cargo
//! find theirs).
//!
//! Standard input is read once per process and kept, so a command that loads the manifest
//! twice sees the same text.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::manifest::DEFAULT_MANIFEST;

/// `-f -`: the manifest comes from standard input.
pub(crate) const STDIN: &str = "-";

/// The manifest path a command works with. `explicit` (`-f`) is taken as given; otherwise the
/// nearest `stackctl.yaml` from `start` upwards, or `stackctl.yaml` itself when there is none
/// (so the "no manifest" error names the file it wanted). `init` never searches: it writes.
pub(crate) fn manifest_path(explicit: Option<&Path>, start: &Path, search: bool) -> PathBuf {
    if let Some(path) = explicit {
        return path.to_path_buf();
    }
    if search {
        if let Some(found) = find_upwards(start) {
            return found;
        }
    }
    PathBuf::from(DEFAULT_MANIFEST)
}

/// `start/stackctl.yaml` (plain `stackctl.yaml` when `start` is `.`), else the first parent's
/// (absolute, so messages say where it was found).
fn find_upwards(start: &Path) -> Option<PathBuf> {
    let here = start.join(DEFAULT_MANIFEST);
    if here.is_file() {
        return Some(if start == Path::new(".") {
            PathBuf::from(DEFAULT_MANIFEST)
        } else {
            here
        });
    }
    let absolute = std::path::absolute(start).ok()?;
    absolute
        .ancestors()
        .skip(1)
        .map(|dir| dir.join(DEFAULT_MANIFEST))
        .find(|candidate| candidate.is_file())
}

/// Whether `path` is `-f -`.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path == Path::new(STDIN)
}

/// Standard input, read once (later calls get the same bytes; at most one byte more than a
/// manifest may have, so an endless stream is refused rather than read).
pub(crate) fn stdin_bytes() -> std::io::Result<&'static [u8]> {
    static BYTES: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();
    let read = BYTES.get_or_init(|| {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(crate::manifest::MAX_MANIFEST_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        Ok(bytes)
    });
    read.as_deref()
        .map_err(|message| std::io::Error::other(message.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_manifest_upwards() {
        let root = tempfile::tempdir().unwrap();
        let nested = root.path().join("a/b/c");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(root.path().join("a/stackctl.yaml"), "version: 1\n").unwrap();
        let found = manifest_path(None, &nested, true);
        assert_eq!(
            found,
            std::path::absolute(root.path().join("a/stackctl.yaml")).unwrap()
        );
        std::fs::write(nested.join("stackctl.yaml"), "version: 1\n").unwrap();
        assert_eq!(
            manifest_path(None, &nested, true),
            nested.join("stackctl.yaml")
        );
    }

    #[test]
    fn explicit_paths_and_init_do_not_search() {
        let root = tempfile::tempdir().unwrap();
        let nested = root.path().join("x");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(root.path().join("stackctl.yaml"), "version: 1\n").unwrap();
        assert_eq!(
            manifest_path(Some(Path::new("other.yaml")), &nested, true),
            PathBuf::from("other.yaml")
        );
        assert_eq!(
            manifest_path(None, &nested, false),
            PathBuf::from("stackctl.yaml")
        );
        assert!(is_stdin(&manifest_path(
            Some(Path::new("-")),
            &nested,
            true
        )));
    }
}
