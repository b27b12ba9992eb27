//! Pure checks of a parsed manifest; every problem is returned, none stops the others.
//!
//! Each area has its own file; all of them only read the `Manifest` and push `Diagnostic`s
//! addressed by key path (the loader turns paths into file positions).

mod alerts;
mod components;
mod durations;
mod exporters;
mod expressions;
mod grafana;
mod host_targets;
mod identifiers;
mod jobs;
pub mod names;
mod notify;
mod quiet_hours;
mod regexes;
mod relabel;
mod remote_write;
mod slos;
pub mod swarm;
mod top;
mod versions;
mod victoriametrics;

use super::diagnostic::Diagnostic;
use super::model::Manifest;

pub fn validate(manifest: &Manifest) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    top::check(manifest, &mut problems);
    durations::check(manifest, &mut problems);
    components::check(manifest, &mut problems);
    jobs::check(manifest, &mut problems);
    exporters::check(manifest, &mut problems);
    grafana::check(manifest, &mut problems);
    host_targets::check(manifest, &mut problems);
    alerts::check(manifest, &mut problems);
    slos::check(manifest, &mut problems);
    notify::check(manifest, &mut problems);
    expressions::check(manifest, &mut problems);
    regexes::check(manifest, &mut problems);
    relabel::check(manifest, &mut problems);
    remote_write::check(manifest, &mut problems);
    victoriametrics::check(manifest, &mut problems);
    versions::check(manifest, &mut problems);
    identifiers::check(manifest, &mut problems);
    swarm::check(manifest, &mut problems);
    problems
}

/// `a`, `b` and `c`, each in backticks, for messages and hints.
fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{}`", i.as_ref())).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod test_support {
    //! Builds manifests from YAML snippets for the table-driven tests of each area.

    use super::super::model::Manifest;
    use super::Diagnostic;

    /// The problems `validate` finds in `version: 1`, `project: demo` plus `extra`.
    pub fn problems(extra: &str) -> Vec<Diagnostic> {
        let source = format!("version: 1\nproject: demo\n{extra}\n");
        let manifest: Manifest = serde_yaml::from_str(&source)
            .unwrap_or_else(|e| panic!("test manifest does not parse: {e}\n{source}"));
        super::validate(&manifest)
    }

    /// Asserts that `extra` yields exactly one problem at `path` whose message contains `words`,
    /// or no problem at all when `path` is `None`.
    pub(crate) fn check_case(extra: &str, want: Option<(&str, &str)>) {
        let found = problems(extra);
        match want {
            None => assert!(
                found.is_empty(),
                "expected no problem for\n{extra}\nfound {found:#?}"
            ),
            Some((path, words)) => {
                assert!(
                    found.iter().any(|p| p.path == path && p.message.contains(words)),
                    "expected a problem at `{path}` containing {words:?} for\n{extra}\nfound {found:#?}"
                );
                assert!(
                    found.iter().all(|p| p.hint.is_some() || p.path.is_empty()),
                    "{found:#?}"
                );
            }
        }
    }
}
