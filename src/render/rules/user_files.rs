//! The operator's own rule files (`alerts.files`) and promtool tests (`alerts.tests`), copied
//! into the rendered tree.
//!
//! Rule files are copied byte for byte into `prometheus/rules/` (renamed to `.yml`, the
//! extension prometheus.yml loads) after checking they parse as rule files. Test files are
//! copied into `prometheus/tests/` with each `rule_files` entry rewritten to the rendered copy,
//! as seen from the test file (`../rules/<name>.yml`):
//! 1. an entry that, resolved against the original test file's directory, is one of
//!    `alerts.files` becomes that file's rendered copy;
//! 2. otherwise an entry whose file name is a rendered rule file (`groups.yml`,
//!    `preset-host.yml`, `slo-<name>.yml`, a copied file) or a glob becomes `../rules/<file name>`;
//! 3. anything else is a problem at `alerts.tests[i]`.
//!
//! This step reads the operator's files from disk (through `source_files`, which decides what
//! a glob may reach); the rest of rendering stays pure.

use std::collections::BTreeMap;
use std::path::{Component as PathPart, Path, PathBuf};

use serde::Deserialize;

use super::test_files::{rewrite_test, TestProblem};
use super::{RULES_DIR, TESTS_DIR};
use crate::manifest::Diagnostic;
use crate::render::source_files::{expand, read, SourceFile};
use crate::render::{Draft, Kind, Stack};

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let copied = copy_rule_files(stack, draft)?;
    copy_tests(stack, draft, &copied)
}

/// Copies `alerts.files` into `prometheus/rules/`; returns source path → rendered file name.
fn copy_rule_files(stack: &Stack, draft: &mut Draft) -> anyhow::Result<BTreeMap<PathBuf, String>> {
    let version = stack.get(&Kind::Prometheus).map(|p| p.version);
    let group_labels_allowed = version.is_none_or(super::supports_group_labels);
    let mut copied = BTreeMap::new();
    for (i, pattern) in stack.manifest.alerts.files.iter().enumerate() {
        let key = format!("alerts.files[{i}]");
        for source in expand(stack.dir, pattern, &key, draft) {
            let Some(SourceFile { text, shown, .. }) = read(stack.dir, &source, &key, draft) else {
                continue;
            };
            if let Err(problem) = check_rule_file(&text, group_labels_allowed) {
                draft.problem(
                    Diagnostic::new(
                        &key,
                        format!("`{shown}` is not a Prometheus rule file: {problem}"),
                    )
                    .hint("fix the file so that `promtool check rules` accepts it"),
                );
                continue;
            }
            if !super::user_file_exprs::check(&text, &shown, &key, draft) {
                continue;
            }
            let name = format!("{}.yml", stem(&source));
            let dest = format!("{RULES_DIR}/{name}");
            if draft.file(&dest).is_some() {
                draft.problem(
                    Diagnostic::new(&key, format!("`{shown}` would be written to `{dest}`, which another rule file already uses"))
                        .hint("rename the file; `groups`, `preset-*` and `slo-*` are taken by stackctl's own rule files"),
                );
                continue;
            }
            draft.add_yaml(&dest, text)?;
            copied.insert(normalize(&source), name);
        }
    }
    Ok(copied)
}

/// Copies `alerts.tests` into `prometheus/tests/` with their `rule_files` rewritten.
fn copy_tests(
    stack: &Stack,
    draft: &mut Draft,
    copied: &BTreeMap<PathBuf, String>,
) -> anyhow::Result<()> {
    for (i, pattern) in stack.manifest.alerts.tests.iter().enumerate() {
        let key = format!("alerts.tests[{i}]");
        for source in expand(stack.dir, pattern, &key, draft) {
            let Some(SourceFile { text, shown, .. }) = read(stack.dir, &source, &key, draft) else {
                continue;
            };
            let rewritten = match rewrite_test(&text, &source, copied, &rendered_rule_names(draft))
            {
                Ok(rewritten) => rewritten,
                Err(TestProblem(message, hint)) => {
                    draft.problem(
                        Diagnostic::new(&key, format!("cannot use test file `{shown}`: {message}"))
                            .hint(hint),
                    );
                    continue;
                }
            };
            let dest = format!("{TESTS_DIR}/{}.yml", stem(&source));
            if draft.file(&dest).is_some() {
                draft.problem(
                    Diagnostic::new(&key, format!("`{shown}` would be written to `{dest}`, which another test file already uses"))
                        .hint("rename the test file; `preset-*` names are taken by stackctl's preset tests"),
                );
                continue;
            }
            let header = format!(
                "# Copied by stackctl from `{shown}`; `rule_files` point at the rendered rules.\n"
            );
            draft.add_yaml(&dest, header + &rewritten)?;
        }
    }
    Ok(())
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "rules".to_string(), |s| s.to_string_lossy().into_owned())
}

/// `a/./b/../c` → `a/c`, without touching the disk.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            PathPart::CurDir => {}
            PathPart::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn rendered_rule_names(draft: &Draft) -> Vec<String> {
    let prefix = format!("{RULES_DIR}/");
    draft
        .files()
        .keys()
        .filter_map(|p| p.strip_prefix(&prefix))
        .map(str::to_string)
        .collect()
}

/// Checks that `text` has the shape of a Prometheus rule file (unknown keys are errors there too).
pub(crate) fn check_rule_file(text: &str, group_labels_allowed: bool) -> Result<(), String> {
    let file: RuleFileShape =
        serde_yaml::from_str(text).map_err(|e| crate::render::source_files::parse_problem(&e))?;
    for group in &file.groups {
        if group.rules.is_empty() {
            continue;
        }
        if !group_labels_allowed && (group.labels.is_some() || group.query_offset.is_some()) {
            return Err(format!(
                "group `{}` has `labels` or `query_offset`, which this Prometheus release (before 3.0) rejects",
                group.name
            ));
        }
        for rule in &group.rules {
            if rule.alert.is_some() == rule.record.is_some() {
                return Err(format!(
                    "group `{}` has a rule that needs exactly one of `alert` and `record`",
                    group.name
                ));
            }
        }
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFileShape {
    groups: Vec<GroupShape>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // fields exist so that unknown keys are rejected
struct GroupShape {
    name: String,
    interval: Option<String>,
    limit: Option<u64>,
    query_offset: Option<String>,
    labels: Option<BTreeMap<String, String>>,
    #[serde(default)]
    rules: Vec<RuleShape>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RuleShape {
    alert: Option<String>,
    record: Option<String>,
    expr: serde_yaml::Value,
    #[serde(rename = "for")]
    for_: Option<String>,
    keep_firing_for: Option<String>,
    labels: Option<BTreeMap<String, String>>,
    annotations: Option<BTreeMap<String, String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_rule_file_accepts_and_rejects() {
        let cases = [
            (
                "groups: [{name: a, rules: [{alert: A, expr: up == 0}]}]",
                true,
                true,
            ),
            (
                "groups: [{name: a, rules: [{record: r, expr: up}]}]",
                true,
                true,
            ),
            (
                "groups: [{name: a, rules: [{alert: A, expr: up, severity: x}]}]",
                true,
                false,
            ),
            ("groups: [{name: a, rules: [{expr: up}]}]", true, false),
            (
                "groups: [{name: a, labels: {t: x}, rules: [{alert: A, expr: up}]}]",
                true,
                true,
            ),
            (
                "groups: [{name: a, labels: {t: x}, rules: [{alert: A, expr: up}]}]",
                false,
                false,
            ),
            ("rules: []", true, false),
            ("not: [valid", true, false),
        ];
        for (text, labels_ok, accepted) in cases {
            assert_eq!(check_rule_file(text, labels_ok).is_ok(), accepted, "{text}");
        }
    }

    #[test]
    fn rewrite_points_rule_files_at_rendered_copies() {
        let copied = BTreeMap::from([(
            PathBuf::from("/m/rules/legacy.yaml"),
            "legacy.yml".to_string(),
        )]);
        let rendered = vec!["groups.yml".to_string(), "legacy.yml".to_string()];
        let text = "rule_files: [legacy.yaml, ../rendered/groups.yml, '*.yml']\ntests: []\n";
        let out = rewrite_test(text, Path::new("/m/rules/tests.yml"), &copied, &rendered)
            .ok()
            .unwrap();
        let doc: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
        let files: Vec<&str> = doc["rule_files"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(
            files,
            [
                "../rules/legacy.yml",
                "../rules/groups.yml",
                "../rules/*.yml"
            ]
        );
    }

    #[test]
    fn rewrite_refuses_unknown_rule_file() {
        let err = rewrite_test(
            "rule_files: [other.yml]\n",
            Path::new("/m/t.yml"),
            &BTreeMap::new(),
            &[],
        );
        assert!(err.is_err_and(|p| p.0.contains("`other.yml`")));
    }
}
