//! `notify.templates`: the operator's notification template files (Go templates), copied into
//! `alertmanager/templates/` and listed in alertmanager.yml `templates:`.
//!
//! Paths are written relative to alertmanager.yml, which Alertmanager (and `amtool
//! check-config`) resolve against the config file's directory. This step reads the
//! operator's files; the rest of rendering stays pure.

use std::path::{Path, PathBuf};

use crate::expr::go_template::{self, Dialect};
use crate::manifest::{Diagnostic, Notify};
use crate::render::Draft;

/// Where the copies go, relative to the output directory.
pub(crate) const TEMPLATES_DIR: &str = "alertmanager/templates";

/// Copies every file `notify.templates` names; returns the `templates:` entries.
pub fn copy(
    notify: &Notify,
    dir: &Path,
    draft: &mut Draft,
    problems: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut entries = Vec::new();
    for (i, pattern) in notify.templates.iter().enumerate() {
        let key = format!("notify.templates[{i}]");
        let sources = expand(dir, pattern);
        if sources.is_empty() {
            problems.push(
                Diagnostic::new(&key, format!("`{pattern}` matches no file"))
                    .hint("paths are relative to the directory of the manifest"),
            );
        }
        for source in sources {
            let name = source
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = match fs_err::read_to_string(&source) {
                Ok(text) => text,
                Err(error) => {
                    problems.push(
                        Diagnostic::new(&key, format!("cannot read `{pattern}`: {}", error.kind()))
                            .hint("paths are relative to the directory of the manifest"),
                    );
                    continue;
                }
            };
            if let Err(problem) = go_template::check_file(&text, Dialect::Alertmanager) {
                let shown = source.strip_prefix(dir).unwrap_or(&source).display();
                problems.push(
                    Diagnostic::new(
                        &key,
                        format!(
                            "`{shown}:{}:{}`: {}",
                            problem.line, problem.column, problem.error.message
                        ),
                    )
                    .hint(problem.error.hint),
                );
                continue;
            }
            let dest = format!("{TEMPLATES_DIR}/{name}");
            if draft.file(&dest).is_some() {
                problems.push(
                    Diagnostic::new(&key, format!("two template files are named `{name}`"))
                        .hint("template files are copied into one directory; rename one of them"),
                );
                continue;
            }
            draft.add_text(&dest, text);
            entries.push(format!("templates/{name}"));
        }
    }
    entries
}

/// A path or glob relative to the manifest's directory, as the files it names.
fn expand(dir: &Path, pattern: &str) -> Vec<PathBuf> {
    let full = dir.join(pattern);
    if !pattern.contains(['*', '?', '[']) {
        return if full.is_file() {
            vec![full]
        } else {
            Vec::new()
        };
    }
    let escaped = glob::Pattern::escape(&dir.to_string_lossy());
    glob::glob(&format!("{escaped}/{pattern}"))
        .map(|paths| {
            paths
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_files_are_copied_and_listed_relative_to_the_config() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("tmpl")).unwrap();
        for name in ["a.tmpl", "b.tmpl"] {
            std::fs::write(
                dir.path().join("tmpl").join(name),
                "{{ define \"x\" }}{{ end }}",
            )
            .unwrap();
        }
        let notify: Notify =
            serde_yaml::from_str("{default: a, templates: ['tmpl/*.tmpl', missing.tmpl]}").unwrap();
        let mut draft = Draft::new(&[]);
        let mut problems = Vec::new();
        let entries = copy(&notify, dir.path(), &mut draft, &mut problems);
        assert_eq!(entries, ["templates/a.tmpl", "templates/b.tmpl"]);
        assert!(draft.file("alertmanager/templates/a.tmpl").is_some());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "notify.templates[1]");
        assert_eq!(problems[0].message, "`missing.tmpl` matches no file");
    }

    #[test]
    fn a_template_file_that_does_not_parse_is_a_problem_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bad.tmpl"),
            "{{ define \"email.subject\" }}\n[{{ .Status }}] {{ .CommonLabels.alertname | toupper }}\n{{ end }}\n",
        )
        .unwrap();
        let notify: Notify = serde_yaml::from_str("{default: a, templates: [bad.tmpl]}").unwrap();
        let mut draft = Draft::new(&[]);
        let mut problems = Vec::new();
        let entries = copy(&notify, dir.path(), &mut draft, &mut problems);
        assert!(entries.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "notify.templates[0]");
        assert_eq!(
            problems[0].message,
            "`bad.tmpl:2:17`: function `toupper` in `{{ .CommonLabels.alertname | toupper }}` is not defined in Alertmanager templates"
        );
        assert_eq!(problems[0].hint.as_deref(), Some("did you mean `toUpper`?"));
    }
}
