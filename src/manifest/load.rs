//! Reading a manifest: the file, `.env` beside it, `${VAR}` references, then typed parsing.
//!
//! This is the only manifest code that touches the disk or the environment.

use std::path::{Path, PathBuf};

use super::diagnostic::{Diagnostic, Location, ManifestError};
use super::model::Manifest;
use super::positions::Positions;
use super::{env, typed, validate};

/// A parsed, validated manifest and what was learned while reading it.
#[derive(Debug, Clone)]
pub struct LoadedManifest {
    pub manifest: Manifest,
    /// The manifest file as given.
    pub path: PathBuf,
    /// The directory relative paths in the manifest (rule files, dashboards) start from.
    pub dir: PathBuf,
    pub source: String,
    pub positions: Positions,
    /// Values substituted from `${VAR}` references: never printed, never world-readable.
    pub secret_values: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read manifest `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(#[from] ManifestError),
}

/// Reads, resolves and validates the manifest at `path`.
pub fn load(path: &Path) -> Result<LoadedManifest, LoadError> {
    let source = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let dotenv_path = manifest_dir(path).join(".env");
    let dotenv = match std::fs::read_to_string(&dotenv_path) {
        Ok(text) => env::parse_dotenv(&text).map_err(|error| {
            let problem = Diagnostic::new("", dotenv_problem(&text, &error))
                .hint("each line of `.env` is `NAME=value`; quote values with spaces or `#`, and close every quote");
            ManifestError {
                file: path.to_path_buf(),
                source_text: source.clone(),
                problems: vec![problem],
            }
        })?,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(source) => {
            return Err(LoadError::Read {
                path: dotenv_path,
                source,
            })
        }
    };
    let lookup = |name: &str| {
        std::env::var(name).ok().or_else(|| {
            dotenv
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        })
    };
    Ok(load_str(path, &source, &lookup)?)
}

/// Parses manifest text; `env` answers `${VAR}` lookups (process environment, then `.env`).
pub fn load_str(
    path: &Path,
    source: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<LoadedManifest, ManifestError> {
    let fail = |problems: Vec<Diagnostic>| ManifestError {
        file: path.to_path_buf(),
        source_text: source.to_string(),
        problems,
    };
    // Text that serde_yaml parses (it also refuses repeated keys) is indexed only when a
    // problem needs a location; otherwise the yaml-rust2 index explains what is wrong.
    let mut value: serde_yaml::Value = match serde_yaml::from_str(source) {
        Ok(value) => value,
        Err(error) => {
            let positions = Positions::build(source).map_err(|problem| fail(vec![problem]))?;
            let duplicates = positions.duplicate_keys();
            if !duplicates.is_empty() {
                return Err(fail(duplicates));
            }
            return Err(fail(vec![yaml_error(&error)]));
        }
    };
    let positions = Positions::lazy(source);
    if value.is_null() {
        return Err(fail(vec![Diagnostic::new("", "the manifest is empty")
            .hint("`stackctl init` writes a starting manifest; the minimum is `version: 1`, `project` and `components`")]));
    }
    // YAML merge keys (`<<: *defaults`) are how operators share settings between jobs.
    value.apply_merge().map_err(|error| {
        fail(vec![Diagnostic::new(
            "",
            format!("invalid YAML merge key `<<`: {error}"),
        )
        .hint(
            "`<<` takes an alias of a mapping (`<<: *defaults`) or a list of them",
        )])
    })?;
    let resolution = env::resolve_value(&mut value, env);
    let mut problems = resolution.problems;
    let typed = typed::parse(value, &positions);
    problems.extend(typed.problems);
    if let Some(manifest) = &typed.manifest {
        // A problem already reported (a missing variable, a misspelt key) explains these.
        let explained: Vec<String> = problems.iter().map(|p| p.path.clone()).collect();
        problems.extend(validate::validate(manifest).into_iter().filter(|p| {
            !explained.iter().any(|e| is_within(&p.path, e)) && !typed.shadowed.contains(&p.path)
        }));
    }
    for problem in &mut problems {
        if problem.location.is_none() {
            problem.location = positions.find(&problem.path);
        }
        conceal(problem, &resolution.secret_values);
    }
    match typed.manifest {
        Some(manifest) if problems.is_empty() => Ok(LoadedManifest {
            manifest,
            path: path.to_path_buf(),
            dir: manifest_dir(path),
            source: source.to_string(),
            positions,
            secret_values: resolution.secret_values,
        }),
        _ => Err(fail(problems)),
    }
}

/// A value from the environment is a secret even when a message quotes it (`bind` from
/// `${BIND}`): it is shown as `***`. Very short values are left alone, or every message would
/// be riddled with stars.
fn conceal(problem: &mut Diagnostic, secrets: &[String]) {
    for secret in secrets.iter().filter(|s| s.chars().count() >= 4) {
        if problem.message.contains(secret.as_str()) {
            problem.message = problem.message.replace(secret.as_str(), "***");
        }
        if let Some(hint) = &mut problem.hint {
            if hint.contains(secret.as_str()) {
                *hint = hint.replace(secret.as_str(), "***");
            }
        }
    }
}

/// The directory the manifest is in (`.` for a bare file name).
fn manifest_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether `path` is `ancestor` or lies below it.
fn is_within(path: &str, ancestor: &str) -> bool {
    path == ancestor
        || (path.starts_with(ancestor)
            && matches!(path.as_bytes().get(ancestor.len()), Some(b'.') | Some(b'[')))
}

/// A syntax error that yaml-rust2 accepted but serde_yaml did not.
fn yaml_error(error: &serde_yaml::Error) -> Diagnostic {
    let mut message = error.to_string();
    if let Some(cut) = message.find(" at line ") {
        message.truncate(cut);
    }
    let mut problem = Diagnostic::new("", format!("invalid YAML: {message}"));
    problem.location = error.location().map(|at| Location {
        line: at.line(),
        column: at.column(),
    });
    problem.hint("check the indentation and the quoting near this line")
}

/// Which line of `.env` is wrong, by number and variable name only: the value may be a secret.
fn dotenv_problem(text: &str, error: &dotenvy::Error) -> String {
    match error {
        dotenvy::Error::LineParse(rest, _) => {
            let first = rest.lines().next().unwrap_or("");
            let line = text
                .find(rest.as_str())
                .or_else(|| text.find(first))
                .map(|at| text[..at].matches('\n').count() + 1);
            let name = first.split('=').next().unwrap_or("").trim();
            match (line, name.is_empty()) {
                (Some(line), false) => format!("cannot parse line {line} of `.env` (`{name}`)"),
                (Some(line), true) => format!("cannot parse line {line} of `.env`"),
                (None, _) => "cannot parse `.env` beside the manifest".to_string(),
            }
        }
        _ => "cannot read `.env` beside the manifest".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "BIND" => Some("localhost:9999".to_string()),
            "PASSWORD" => Some("hunter22".to_string()),
            _ => None,
        }
    }

    fn problems(source: &str) -> Vec<Diagnostic> {
        match load_str(Path::new("stackctl.yaml"), source, &env) {
            Ok(_) => Vec::new(),
            Err(error) => error.problems,
        }
    }

    #[test]
    fn never_quotes_a_value_from_the_environment() {
        let found = problems("version: 1\nproject: demo\nbind: ${BIND}\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            !found[0].message.contains("localhost:9999"),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains("***"), "{}", found[0].message);
    }

    #[test]
    fn applies_yaml_merge_keys() {
        let source = "\
version: 1
project: demo
components: {prometheus: {}}
x-defaults: &defaults
  interval: 30s
  metrics_path: /metrics
scrape:
  - <<: *defaults
    job: api
    targets: ['api:1']
";
        assert_eq!(problems(source), vec![]);
        // Only top-level `x-` keys are extensions.
        let nested = source.replace("  interval: 30s", "  interval: 30s\n  x-note: 1");
        let found = problems(&nested);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "scrape[0].x-note");
    }

    #[test]
    fn reports_duplicate_keys_and_empty_manifests() {
        let cases = [
            (
                "version: 1\nproject: a\nproject: b\n",
                "key `project` appears twice",
            ),
            ("", "the manifest is empty"),
            ("# only a comment\n", "the manifest is empty"),
            ("- a\n- b\n", "the manifest must be a mapping"),
        ];
        for (source, words) in cases {
            let found = problems(source);
            assert!(
                found.iter().any(|p| p.message.contains(words)),
                "{source:?}: {found:?}"
            );
        }
    }

    #[test]
    fn loads_a_minimal_manifest_and_records_its_secrets() {
        let source = "version: 1\nproject: demo\ncomponents:\n  grafana: {admin_password: \"${PASSWORD}\"}\n";
        let loaded = match load_str(Path::new("dir/stackctl.yaml"), source, &env) {
            Ok(loaded) => loaded,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(loaded.secret_values, vec!["hunter22".to_string()]);
        assert_eq!(loaded.dir, PathBuf::from("dir"));
        assert_eq!(manifest_dir(Path::new("stackctl.yaml")), PathBuf::from("."));
    }
}
