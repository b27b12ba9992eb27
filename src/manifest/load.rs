//! Reading a manifest: the file, `.env` beside it, then one typed parse and validation.
//!
//! This is the only manifest code that touches the disk or the environment. Every way a file
//! can be unfit (a directory, a FIFO, a device, too large, not UTF-8, binary) is refused before
//! or while reading, quickly and with exit code 2.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::diagnostic::{Diagnostic, Location, ManifestError};
use super::generated::Generated;
use super::model::Manifest;
use super::spans::Positions;
use super::{env, typed, validate};

/// Manifests (and `.env` files) larger than this are refused unread.
pub(crate) const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;

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
    /// Values substituted from `${VAR}` into secret keys: never printed, never world-readable.
    pub secret_values: Vec<String>,
    /// The web password, Swarm key and TLS pair kept beside the manifest (`manifest::generated`).
    pub generated: Generated,
    /// What loads but does nothing (`warnings`), for the command to show.
    pub warnings: Vec<String>,
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
    let source = read_manifest(path)?;
    load_source(path, &source)
}

/// How a manifest read from standard input is named in errors (`<stdin>:3:5`).
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// `-f -`: reads, resolves and validates manifest bytes from standard input. Errors name
/// `<stdin>`; `.env` and relative paths (rule files, dashboards) are the working directory's.
pub(crate) fn load_stdin(bytes: &[u8]) -> Result<LoadedManifest, LoadError> {
    let path = Path::new(STDIN_NAME);
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(refuse(
            path,
            format!(
                "the manifest is larger than {} MiB",
                MAX_MANIFEST_BYTES / 1024 / 1024
            ),
            "a stackctl manifest is a few hundred lines; keep rules and dashboards in their own files",
        ));
    }
    let source = decode(bytes).map_err(|problem| {
        LoadError::Invalid(ManifestError {
            file: path.to_path_buf(),
            source_text: String::from_utf8_lossy(bytes).into_owned(),
            problems: vec![problem],
        })
    })?;
    load_source(path, &source)
}

/// The manifest text `source` of `path`, with the `.env` beside it.
fn load_source(path: &Path, source: &str) -> Result<LoadedManifest, LoadError> {
    let dotenv = read_dotenv(path)?;
    let lookup = |name: &str| {
        std::env::var(name).ok().or_else(|| {
            dotenv
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        })
    };
    let mut loaded = load_str(path, source, &lookup)?;
    let env = |name: &str| std::env::var(name).ok();
    loaded.generated = Generated::read(&loaded.dir, loaded.manifest.tls.as_ref(), &env, &dotenv);
    loaded.warnings = warnings(&loaded.manifest);
    Ok(loaded)
}

/// What loads but does nothing: settings whose component is not in the stack.
pub fn warnings(manifest: &Manifest) -> Vec<String> {
    let logs = &manifest.logs;
    let components = &manifest.components;
    let asks_for_logs =
        logs.docker == Some(true) || !logs.files.is_empty() || !logs.json_fields.is_empty();
    if asks_for_logs && components.alloy.is_none() && components.promtail.is_none() {
        vec!["`logs` is set but no log shipper runs: add `components.alloy: {}` (and `loki`), or remove `logs`".to_string()]
    } else {
        Vec::new()
    }
}

/// One problem with a whole file (no line to point at).
fn refuse(file: &Path, message: String, hint: &str) -> LoadError {
    LoadError::Invalid(ManifestError {
        file: file.to_path_buf(),
        source_text: String::new(),
        problems: vec![Diagnostic::new("", message).hint(hint)],
    })
}

/// The bytes of a regular file of at most `MAX_MANIFEST_BYTES`, checked before anything is
/// read: a FIFO is never opened for reading (it would block), a device never read.
fn read_capped(path: &Path, what: &str) -> Result<Vec<u8>, LoadError> {
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(source) if source.kind() == std::io::ErrorKind::NotFound => {
            return Err(LoadError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
        Err(error) => {
            return Err(refuse(
                path,
                format!("cannot read {what}: {error}"),
                "check the path and its permissions",
            ))
        }
    };
    if metadata.is_dir() {
        return Err(refuse(
            path,
            format!("{what} is a directory"),
            "name the file itself: `-f DIR/stackctl.yaml`",
        ));
    }
    if !metadata.is_file() {
        return Err(refuse(
            path,
            format!("{what} is not a regular file (a FIFO, socket or device)"),
            "give the path of a YAML file",
        ));
    }
    let too_large = || {
        refuse(
            path,
            format!(
                "{what} is larger than {} MiB",
                MAX_MANIFEST_BYTES / 1024 / 1024
            ),
            "a stackctl manifest is a few hundred lines; keep rules and dashboards in their own files",
        )
    };
    if metadata.len() > MAX_MANIFEST_BYTES {
        return Err(too_large());
    }
    // Non-blocking open: should the path have become a FIFO since the check, opening it
    // does not wait for a writer, and the type is checked again on the open file.
    let open = {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(O_NONBLOCK)
            .open(path)
    };
    let unreadable = |error: std::io::Error| {
        refuse(
            path,
            format!("cannot read {what}: {error}"),
            "check the file's permissions",
        )
    };
    let file = open.map_err(unreadable)?;
    if !file.metadata().map_err(unreadable)?.is_file() {
        return Err(refuse(
            path,
            format!("{what} is not a regular file (a FIFO, socket or device)"),
            "give the path of a YAML file",
        ));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(MAX_MANIFEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// `O_NONBLOCK` on Linux.
const O_NONBLOCK: i32 = 0o4000;

fn read_manifest(path: &Path) -> Result<String, LoadError> {
    let bytes = read_capped(path, "the manifest")?;
    decode(&bytes).map_err(|problem| {
        LoadError::Invalid(ManifestError {
            file: path.to_path_buf(),
            source_text: String::from_utf8_lossy(&bytes).into_owned(),
            problems: vec![problem],
        })
    })
}

/// UTF-8 text without a byte order mark, and without NUL bytes; else where the first bad
/// byte is.
fn decode(bytes: &[u8]) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let at = |offset: usize| {
        let before = &bytes[..offset];
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        Location {
            line: before.iter().filter(|b| **b == b'\n').count() + 1,
            column: String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count()
                + 1,
        }
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let mut problem = Diagnostic::new(
                "",
                format!(
                    "the manifest is not UTF-8 text (byte {} is invalid)",
                    error.valid_up_to()
                ),
            )
            .hint("save the file as UTF-8; a binary file is not a manifest");
            problem.location = Some(at(error.valid_up_to()));
            return Err(problem);
        }
    };
    if let Some(offset) = text.find('\0') {
        let mut problem = Diagnostic::new("", "the manifest holds a NUL byte")
            .hint("remove it; a binary file is not a manifest");
        problem.location = Some(at(offset));
        return Err(problem);
    }
    Ok(text.to_string())
}

/// A warning when the `.env` beside `manifest` may be read by others (it is used all the same).
/// Apart from `load`, so that it is said even of a manifest that does not load.
pub(crate) fn env_file_warning(manifest: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let path = manifest_dir(manifest).join(".env");
    let metadata = std::fs::metadata(&path).ok()?;
    (metadata.permissions().mode() & 0o077 != 0).then(|| {
        format!(
            "`{}` holds secrets but others may read it; run `chmod 600 {}`",
            path.display(),
            path.display()
        )
    })
}

/// The `.env` beside the manifest, parsed; none is no variables.
fn read_dotenv(manifest: &Path) -> Result<Vec<(String, String)>, LoadError> {
    let path = manifest_dir(manifest).join(".env");
    let bytes = match read_capped(&path, "`.env`") {
        Ok(bytes) => bytes,
        Err(LoadError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Vec::new())
        }
        Err(error) => return Err(error),
    };
    let fail = |problem: String, at: Option<Location>| {
        let mut diagnostic = Diagnostic::new("", problem).hint(
            "each line of `.env` is `NAME=value`; quote a value with `'...'` (literal) or `\"...\"` (escapes and `${NAME}`), and close every quote",
        );
        diagnostic.location = at;
        // No source text: a line of `.env` is never echoed.
        LoadError::Invalid(ManifestError {
            file: path.clone(),
            source_text: String::new(),
            problems: vec![diagnostic],
        })
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| fail("`.env` is not UTF-8 text".to_string(), None))?;
    let outer = |name: &str| std::env::var(name).ok();
    env::parse_dotenv_with(text, &outer).map_err(|error| {
        fail(
            format!(
                "cannot parse line {} of `.env`: {}",
                error.line, error.problem
            ),
            Some(Location {
                line: error.line,
                column: 1,
            }),
        )
    })
}

/// Parses manifest text; `env` answers `${VAR}` lookups (process environment, then `.env`).
pub fn load_str(
    path: &Path,
    source: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<LoadedManifest, ManifestError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let fail = |problems: Vec<Diagnostic>| ManifestError {
        file: path.to_path_buf(),
        source_text: source.to_string(),
        problems,
    };
    if is_empty(source) {
        return Err(fail(vec![Diagnostic::new("", "the manifest is empty")
            .hint("`stackctl init` writes a starting manifest; the minimum is `version: 1`, `project` and `components`")]));
    }
    let typed = typed::parse(source, env);
    let mut problems = typed.problems;
    if let Some(manifest) = &typed.manifest {
        // A problem already reported (a refused reference, a misspelt key) explains these.
        let explained: Vec<String> = problems.iter().map(|p| p.path.clone()).collect();
        problems.extend(validate::validate(manifest).into_iter().filter(|p| {
            !explained.iter().any(|e| is_within(&p.path, e)) && !typed.shadowed.contains(&p.path)
        }));
    }
    for problem in &mut problems {
        if problem.location.is_none() {
            problem.location = typed.positions.find(&problem.path);
        }
    }
    match typed.manifest {
        Some(manifest) if problems.is_empty() => Ok(LoadedManifest {
            manifest,
            path: path.to_path_buf(),
            dir: manifest_dir(path),
            source: source.to_string(),
            positions: typed.positions,
            secret_values: typed.secret_values,
            generated: Generated::default(),
            warnings: Vec::new(),
        }),
        _ => Err(fail(problems)),
    }
}

/// Nothing but blank lines, comments and document markers.
fn is_empty(source: &str) -> bool {
    source.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line == "---" || line == "..."
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "BIND" => Some("localhost:9999".to_string()),
            "PASSWORD" => Some("hunter22".to_string()),
            "P" => Some("x1".to_string()),
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
    fn refuses_references_outside_secret_keys_at_their_key() {
        let found = problems("version: 1\nproject: demo\nbind: ${BIND}\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "bind");
        assert_eq!(found[0].location, Some(Location { line: 3, column: 7 }));
        assert!(found[0]
            .message
            .contains("cannot take a value from the environment"));
        assert!(
            !found[0].message.contains("localhost:9999"),
            "{}",
            found[0].message
        );
        // The value of a short variable is not printed either (there is nothing to hide it from:
        // it is never substituted).
        let found = problems("version: 1\nproject: \"${P}\"\n");
        assert!(found.iter().all(|p| !p.message.contains("x1")), "{found:?}");
        assert_eq!(found[0].path, "project");
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
        let source = "\u{feff}version: 1\nproject: demo\ncomponents:\n  grafana: {admin_password: \"${PASSWORD}\"}\n";
        let loaded = match load_str(Path::new("dir/stackctl.yaml"), source, &env) {
            Ok(loaded) => loaded,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(loaded.secret_values, vec!["hunter22".to_string()]);
        let password = loaded.manifest.components.grafana.unwrap().admin_password;
        assert_eq!(
            password.map(|p| p.expose().to_string()).as_deref(),
            Some("hunter22")
        );
        assert_eq!(loaded.dir, PathBuf::from("dir"));
        assert_eq!(manifest_dir(Path::new("stackctl.yaml")), PathBuf::from("."));
    }

    #[test]
    fn warns_about_logs_without_a_shipper() {
        let load = |extra: &str| {
            let source = format!("version: 1\nproject: demo\ncomponents: {{loki: {{}}{extra}}}\nlogs: {{files: [{{path: /var/log/x.log}}]}}\n");
            load_str(Path::new("stackctl.yaml"), &source, &env)
                .unwrap()
                .manifest
        };
        assert_eq!(warnings(&load("")).len(), 1);
        assert!(warnings(&load(", alloy: {}")).is_empty());
    }

    #[test]
    fn finds_the_line_of_a_bad_byte() {
        let cases: [(&[u8], usize, usize); 4] = [
            (b"version: 1\nproject: \xff\n", 2, 10),
            (b"version: 1\n\nproject: a\0b\n", 3, 11),
            (b"\xEF\xBB\xBFversion: 1\nx: \xc3\n", 2, 4),
            (b"a: \xe2\x82\xac \xfe", 1, 6),
        ];
        for (bytes, line, column) in cases {
            let problem = decode(bytes).expect_err("refused");
            assert_eq!(
                problem.location,
                Some(Location { line, column }),
                "{bytes:?}"
            );
        }
        assert_eq!(decode(b"\xEF\xBB\xBFa: 1\n").as_deref(), Ok("a: 1\n"));
    }
}
