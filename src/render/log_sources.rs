//! What the log shipper (Alloy or Promtail) collects and where it pushes, decided once from the
//! `logs` section so both shippers ship the same streams with the same labels.
//!
//! Pure: no file is read here. Host log directories are bind-mounted read-only under `/host`
//! in the shipper container (`host_log_mounts`), so a log directory can never shadow a
//! directory of the shipper image (`/var/lib/alloy`, `/etc`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Draft, Kind, Stack};

mod pipeline;
use crate::manifest::Diagnostic;
pub use pipeline::Stage;

/// Where host log directories appear inside the shipper container.
pub(crate) const HOST_ROOT: &str = "/host";

/// The Docker socket the shipper discovers containers through (mounted read-only).
pub(crate) const DOCKER_SOCKET: &str = "unix:///var/run/docker.sock";

/// Labels every Docker container stream carries, from Docker service-discovery meta labels.
/// (label, source meta label, regex capturing the value).
pub(crate) const DOCKER_LABELS: &[(&str, &str, Option<&str>)] = &[
    ("container", "__meta_docker_container_name", Some("/(.*)")),
    (
        "service",
        "__meta_docker_container_label_com_docker_compose_service",
        None,
    ),
    ("stream", "__meta_docker_container_log_stream", None),
    (
        "project",
        "__meta_docker_container_label_com_docker_compose_project",
        None,
    ),
];

/// A JSON field of each line lifted into a label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonField {
    /// The Loki label name (the field name with characters Loki refuses replaced by `_`).
    pub label: String,
    /// JMESPath expression selecting the field (quoted when the name is not an identifier).
    pub expression: String,
}

/// One `logs.files` entry as the shipper sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSource {
    /// Component/job name, `files_0`, `files_1`, ...
    pub name: String,
    /// The glob inside the shipper container (`/host/var/log/nginx/*.log`).
    pub path: String,
    pub labels: BTreeMap<String, String>,
}

/// Everything a shipper config needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogPlan {
    pub docker: bool,
    pub json_fields: Vec<JsonField>,
    pub files: Vec<FileSource>,
    /// `logs.pipeline`, applied after the `json_fields` stages.
    pub stages: Vec<Stage>,
    /// `http://loki:3100/loki/api/v1/push`.
    pub push_url: String,
}

impl LogPlan {
    /// Whether lines pass a `loki.process` / `pipeline_stages` before Loki.
    pub fn processes(&self) -> bool {
        !self.json_fields.is_empty() || !self.stages.is_empty()
    }
}

/// Builds the plan, reporting operator problems (no Loki, bad label names, relative paths).
/// `shipper_key` is the manifest key of the shipper being rendered (`components.alloy`).
/// Returns `None` when there is no Loki to push to.
pub fn plan(stack: &Stack, draft: &mut Draft, shipper_key: &str) -> Option<LogPlan> {
    let Some(loki) = stack.get(&Kind::Loki) else {
        draft.problem(
            Diagnostic::new(
                shipper_key,
                "a log shipper is declared but there is no Loki to push to",
            )
            .hint("add `loki: {}` under `components`, or remove the shipper"),
        );
        return None;
    };
    let logs = &stack.manifest.logs;
    let json_fields = json_fields(&logs.json_fields, draft);
    let mut files = Vec::new();
    for (i, file) in logs.files.iter().enumerate() {
        if !file.path.starts_with('/') {
            draft.problem(
                Diagnostic::new(
                    format!("logs.files[{i}].path"),
                    format!("`{}` is not an absolute path", file.path),
                )
                .hint("host log files are named by absolute paths such as `/var/log/nginx/*.log`"),
            );
            continue;
        }
        if static_dir(&file.path) == "/" {
            draft.problem(
                Diagnostic::new(
                    format!("logs.files[{i}].path"),
                    format!(
                        "`{}` would need the whole host filesystem mounted",
                        file.path
                    ),
                )
                .hint("name files inside a directory, such as `/var/log/*.log`"),
            );
            continue;
        }
        for key in file.labels.keys() {
            if !is_label_name(key) {
                draft.problem(
                    Diagnostic::new(
                        format!("logs.files[{i}].labels.{key}"),
                        format!("`{key}` is not a valid Loki label name"),
                    )
                    .hint("label names match [a-zA-Z_][a-zA-Z0-9_]* and do not start with `__`"),
                );
            }
        }
        files.push(FileSource {
            name: format!("files_{i}"),
            path: format!("{HOST_ROOT}{}", file.path),
            labels: file.labels.clone(),
        });
    }
    let docker = logs.docker.unwrap_or(true);
    if !docker && files.is_empty() {
        draft.warn("logs: `docker: false` and no `files`: the log shipper has nothing to collect");
    }
    let stages = pipeline::stages(&logs.pipeline, draft);
    Some(LogPlan {
        docker,
        json_fields,
        files,
        stages,
        push_url: format!("{}/loki/api/v1/push", loki.internal_url()),
    })
}

fn json_fields(fields: &[String], draft: &mut Draft) -> Vec<JsonField> {
    let mut out: Vec<JsonField> = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let label = label_for(field);
        if label.is_empty() || label.starts_with("__") || out.iter().any(|f| f.label == label) {
            draft.problem(
                Diagnostic::new(format!("logs.json_fields[{i}]"), format!("JSON field `{field}` cannot become a distinct label"))
                    .hint("each field becomes a label named after it; use distinct names that do not start with `__`"),
            );
            continue;
        }
        let expression = if is_identifier(field) {
            field.clone()
        } else {
            serde_json::Value::from(field.as_str()).to_string()
        };
        out.push(JsonField { label, expression });
    }
    out
}

/// The label a JSON field becomes: characters outside [a-zA-Z0-9_] become `_`.
pub(crate) fn label_for(field: &str) -> String {
    let mut label: String = field
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if label.starts_with(|c: char| c.is_ascii_digit()) {
        label.insert(0, '_');
    }
    label
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A label name Loki accepts for a stream (reserved `__` names excluded).
pub(crate) fn is_label_name(name: &str) -> bool {
    is_identifier(name) && !name.starts_with("__")
}

/// Host directories the shipper must see, read-only: (host path, container path).
///
/// For each `logs.files` glob, the directory before the first glob character is mounted at
/// `/host<dir>`; nested directories collapse into their parent's mount.
pub fn host_log_mounts(stack: &Stack) -> Vec<(String, String)> {
    let mut dirs: Vec<String> = stack
        .manifest
        .logs
        .files
        .iter()
        .filter(|f| f.path.starts_with('/'))
        .map(|f| static_dir(&f.path))
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut kept: Vec<String> = Vec::new();
    for dir in dirs {
        let nested = kept
            .iter()
            .any(|k| k == "/" || dir.starts_with(&format!("{k}/")));
        if !nested {
            kept.push(dir);
        }
    }
    kept.into_iter()
        .map(|dir| {
            let target = format!("{HOST_ROOT}{dir}");
            (dir, target)
        })
        .collect()
}

/// The longest leading directory of `path` without glob characters.
fn static_dir(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let first_glob = parts
        .iter()
        .position(|p| p.contains(['*', '?', '[', '{']))
        .unwrap_or(parts.len() - 1);
    let dir = parts[..first_glob].join("/");
    if dir.is_empty() {
        "/".to_string()
    } else {
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_dir_stops_before_the_first_glob() {
        let cases = [
            ("/var/log/nginx/*.log", "/var/log/nginx"),
            ("/var/log/app.log", "/var/log"),
            ("/var/log/*/error.log", "/var/log"),
            ("/srv/{a,b}/x.log", "/srv"),
            ("/*.log", "/"),
        ];
        for (path, want) in cases {
            assert_eq!(static_dir(path), want, "{path}");
        }
    }

    #[test]
    fn json_field_names_become_label_names() {
        let cases = [
            ("level", "level"),
            ("log.level", "log_level"),
            ("1st", "_1st"),
            ("trace-id", "trace_id"),
        ];
        for (field, want) in cases {
            assert_eq!(label_for(field), want, "{field}");
        }
    }

    #[test]
    fn label_names_refuse_reserved_and_invalid() {
        assert!(is_label_name("job"));
        assert!(!is_label_name("__path__"));
        assert!(!is_label_name("a-b"));
        assert!(!is_label_name("9x"));
    }
}
