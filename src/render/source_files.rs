//! The operator's own files a manifest names by path or glob (`alerts.files`, `alerts.tests`,
//! `dashboards.files`): which files a pattern may reach, and reading them.
//!
//! A glob never matches a dotfile (so never `.env` or `.git/`), never a file outside the
//! manifest's directory (no `..`, no absolute pattern, no symlink leading out), and never a file
//! its owner keeps from other users (the copy would be world-readable). A file named exactly,
//! without glob characters, is the operator's explicit choice and may live anywhere, but it is
//! still never published when others cannot read it. Messages about a file's contents give a
//! position, never a value from the file (`parse_problem`): it may be a `.env` named by mistake.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Component as PathPart, Path, PathBuf};

use crate::manifest::Diagnostic;
use crate::render::Draft;

/// One file read from the operator's tree.
pub struct SourceFile {
    pub path: PathBuf,
    /// As the operator wrote it: relative to the manifest's directory.
    pub shown: String,
    pub text: String,
}

/// The files `pattern` names, relative to `dir`; problems go to `draft` under `key`.
pub fn expand(dir: &Path, pattern: &str, key: &str, draft: &mut Draft) -> Vec<PathBuf> {
    if !is_glob(pattern) {
        return vec![dir.join(pattern)];
    }
    let escapes = Path::new(pattern)
        .components()
        .any(|c| matches!(c, PathPart::ParentDir | PathPart::RootDir));
    if escapes {
        draft.problem(
            Diagnostic::new(key, format!("the glob `{pattern}` reaches outside the manifest's directory"))
                .hint("a glob matches only files beside the manifest and below; name a file elsewhere by its exact path"),
        );
        return Vec::new();
    }
    let full = format!(
        "{}/{pattern}",
        glob::Pattern::escape(&dir.to_string_lossy())
    );
    let options = glob::MatchOptions {
        require_literal_leading_dot: true,
        ..glob::MatchOptions::new()
    };
    let paths = match glob::glob_with(&full, options) {
        Ok(paths) => paths,
        Err(e) => {
            draft.problem(
                Diagnostic::new(key, format!("`{pattern}` is not a valid glob: {}", e.msg)).hint(
                    "use `*`, `?` and `[...]`; paths are relative to the manifest's directory",
                ),
            );
            return Vec::new();
        }
    };
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let matches: Vec<PathBuf> = paths
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .filter(|p| p.canonicalize().is_ok_and(|real| real.starts_with(&root)))
        .collect();
    if matches.is_empty() {
        draft.problem(
            Diagnostic::new(key, format!("`{pattern}` matches no file"))
                .hint("paths are relative to the directory of the manifest; globs skip dotfiles such as `.env`"),
        );
    }
    matches
}

/// Reads `path`; a problem (and `None`) when it cannot be read or others may not read it.
pub fn read(dir: &Path, path: &Path, key: &str, draft: &mut Draft) -> Option<SourceFile> {
    let shown = path.strip_prefix(dir).unwrap_or(path).display().to_string();
    let private = std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o004 == 0);
    if private {
        draft.problem(
            Diagnostic::new(key, format!("`{shown}` is not readable by other users, but its rendered copy would be"))
                .hint(format!("if it holds nothing secret, `chmod 644 {shown}`; keep secrets in `.env` and `${{VAR}}` secret fields, never in rule or dashboard files")),
        );
        return None;
    }
    match std::fs::read_to_string(path) {
        Ok(text) => Some(SourceFile {
            path: path.to_path_buf(),
            shown,
            text,
        }),
        Err(error) => {
            let cause = match error.kind() {
                std::io::ErrorKind::NotFound => "no such file",
                std::io::ErrorKind::PermissionDenied => "permission denied",
                std::io::ErrorKind::InvalidData => "it is not UTF-8 text",
                std::io::ErrorKind::IsADirectory => "it is a directory",
                _ => "it cannot be read",
            };
            draft.problem(
                Diagnostic::new(key, format!("cannot read `{shown}`: {cause}"))
                    .hint("paths are relative to the directory of the manifest"),
            );
            None
        }
    }
}

/// A YAML parse error as a position and a kind, without any text of the file: serde_yaml
/// quotes scalars (`invalid type: string "..."`), which could be a secret.
pub(crate) fn parse_problem(error: &serde_yaml::Error) -> String {
    let message = error.to_string();
    let kind = conceal_quoted(message.split(" at line ").next().unwrap_or(&message));
    match error.location() {
        Some(at) => format!("line {} column {}: {kind}", at.line(), at.column()),
        None => kind,
    }
}

/// Replaces every `"..."` in a message with `"…"`.
fn conceal_quoted(message: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    let mut escaped = false;
    for c in message.chars() {
        if inside {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => {
                    inside = false;
                    out.push_str("…\"");
                }
                _ => escaped = false,
            }
        } else {
            out.push(c);
            inside = c == '"';
        }
    }
    if inside {
        out.push_str("…\"");
    }
    out
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '['])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path, pattern: &str) -> (Vec<String>, usize) {
        let mut draft = Draft::new(&[]);
        let found = expand(dir, pattern, "alerts.files[0]", &mut draft)
            .into_iter()
            .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
            .collect();
        (found, draft.problems.len())
    }

    #[test]
    fn globs_skip_dotfiles_and_never_leave_the_manifest_directory() {
        let outer = tempfile::tempdir().unwrap();
        let dir = outer.path().join("project");
        std::fs::create_dir_all(dir.join("rules")).unwrap();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        for file in [
            ".env",
            "rules/a.yml",
            "rules/.hidden.yml",
            ".git/config",
            "b.yml",
        ] {
            std::fs::write(dir.join(file), "x").unwrap();
        }
        std::fs::write(outer.path().join("outside.yml"), "x").unwrap();
        std::os::unix::fs::symlink(outer.path().join("outside.yml"), dir.join("link.yml")).unwrap();
        assert_eq!(names(&dir, "*"), (vec!["b.yml".to_string()], 0));
        assert_eq!(names(&dir, "*/*"), (vec!["rules/a.yml".to_string()], 0));
        assert_eq!(
            names(&dir, "rules/*.yml"),
            (vec!["rules/a.yml".to_string()], 0)
        );
        assert_eq!(names(&dir, "../*.yml"), (vec![], 1));
        assert_eq!(names(&dir, "/etc/*"), (vec![], 1));
        assert_eq!(names(&dir, ".e*"), (vec![], 1), "a dot must be written");
        // Named exactly, a file is the operator's choice.
        assert_eq!(names(&dir, ".env"), (vec![".env".to_string()], 0));
    }

    #[test]
    fn a_file_others_cannot_read_is_not_published() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("private.yml");
        std::fs::write(&path, "groups: []").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let mut draft = Draft::new(&[]);
        assert!(read(dir.path(), &path, "alerts.files[0]", &mut draft).is_none());
        assert!(draft.problems[0]
            .message
            .contains("not readable by other users"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut draft = Draft::new(&[]);
        assert!(read(dir.path(), &path, "alerts.files[0]", &mut draft).is_some());
    }

    #[test]
    fn parse_problems_quote_no_text_of_the_file() {
        let error = serde_yaml::from_str::<std::collections::BTreeMap<String, String>>(
            "GRAFANA_ADMIN_PASSWORD=correct horse battery staple\n",
        )
        .unwrap_err();
        let message = parse_problem(&error);
        assert!(!message.contains("horse"), "{message}");
        assert!(message.starts_with("line 1 column 1"), "{message}");
    }
}
