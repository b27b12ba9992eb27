//! Prometheus rule files: the manifest's `alerts.groups` (shorthand expanded), and the rule-file
//! model that presets and SLOs render through (`templates/rules/rules.yml.j2`).
//!
//! Decides which keys the Prometheus release knows (group `labels` need 3.0); reads no files —
//! copying `alerts.files` / `alerts.tests` lives in `rules::user_files`.

mod expand;
mod model;
mod test_files;
mod unit_tests;
mod user_file_exprs;
mod user_files;

use std::collections::BTreeMap;

pub use expand::{expand, RuleProblem};
pub use model::{Group, RenderedRule, RuleFile};
pub(crate) use unit_tests::TestFile;
pub use unit_tests::{AlertTest, ExpectedAlert, ExpectedSample, ExprTest, InputSeries, UnitTest};

use super::{Draft, Kind, Stack};
use crate::manifest::{Diagnostic, RuleGroup};
use crate::version::Version;

/// Rendered rule files, relative to the output directory (mounted at `/etc/prometheus/rules`).
pub(crate) const RULES_DIR: &str = "prometheus/rules";
/// promtool unit tests, relative to the output directory (not mounted; run by `validate`).
pub(crate) const TESTS_DIR: &str = "prometheus/tests";
/// How a test file in `TESTS_DIR` names a rule file in `RULES_DIR` (promtool resolves
/// `rule_files` against the test file's own directory).
pub(crate) const RULES_FROM_TESTS: &str = "../rules";

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let Some(prometheus) = stack.get(&Kind::Prometheus) else {
        let alerts = &stack.manifest.alerts;
        if !alerts.groups.is_empty() || !alerts.files.is_empty() || !stack.manifest.slos.is_empty()
        {
            draft.warn(
                "`alerts` and `slos` are ignored: no `components.prometheus` evaluates rules",
            );
        }
        return Ok(());
    };
    let version = prometheus.version;
    let groups = &stack.manifest.alerts.groups;
    if !groups.is_empty() {
        let (file, problems) = user_groups(groups, version);
        problems.into_iter().for_each(|p| draft.problem(p));
        write_rule_file(stack, draft, "groups", &file)?;
    }
    super::presets::render(stack, draft)?;
    super::slo::render(stack, draft)?;
    user_files::render(stack, draft)
}

/// `alerts.groups` as a rule file for `version`, with every problem found on the way.
pub(crate) fn user_groups(groups: &[RuleGroup], version: Version) -> (RuleFile, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut seen = BTreeMap::new();
    let mut out = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let path = format!("alerts.groups[{g}]");
        if let Some(first) = seen.insert(group.name.clone(), g) {
            problems.push(
                Diagnostic::new(format!("{path}.name"), format!("rule group `{}` is declared twice", group.name))
                    .hint(format!("`alerts.groups[{first}]` has the same name; Prometheus needs unique group names in a file")),
            );
        }
        if let Some(interval) = group.interval.as_ref().filter(|d| !d.is_valid()) {
            problems.push(invalid_duration(
                &format!("{path}.interval"),
                interval.as_str(),
            ));
        }
        let rules = group
            .rules
            .iter()
            .enumerate()
            .filter_map(|(r, rule)| match expand(rule) {
                Ok(rendered) if rendered.keep_firing_for.is_some() && !supports_keep_firing_for(version) => {
                    problems.push(
                        Diagnostic::new(
                            format!("{path}.rules[{r}].keep_firing_for"),
                            format!("Prometheus {version} does not know `keep_firing_for`"),
                        )
                        .hint("it needs Prometheus 2.42 or later: raise `components.prometheus.version` or drop the key"),
                    );
                    None
                }
                Ok(rendered) => Some(rendered),
                Err(found) => {
                    let rule_path = format!("{path}.rules[{r}]");
                    problems.extend(found.into_iter().map(|(key, d)| d.at(&rule_path, key)));
                    None
                }
            })
            .collect();
        out.push(Group {
            name: group.name.clone(),
            interval: group.interval.as_ref().map(|d| d.as_str().to_string()),
            limit: group.limit,
            labels: group.labels.clone(),
            rules,
        });
    }
    (fit_to_release(RuleFile { groups: out }, version), problems)
}

fn invalid_duration(path: &str, raw: &str) -> Diagnostic {
    Diagnostic::new(path, format!("`{raw}` is not a Prometheus duration"))
        .hint("write durations like `30s`, `5m`, `1h30m`")
}

/// Whether rule groups may carry `labels` (Prometheus 3.0 added them).
pub(crate) fn supports_group_labels(version: Version) -> bool {
    crate::catalog::gates::PROMETHEUS_GROUP_LABELS.holds(&version)
}

/// Whether alerting rules may carry `keep_firing_for` (Prometheus 2.42 added it).
pub(crate) fn supports_keep_firing_for(version: Version) -> bool {
    crate::catalog::gates::PROMETHEUS_KEEP_FIRING_FOR.holds(&version)
}

/// Before Prometheus 3.0 a group cannot carry labels: they move onto each of its rules (a label
/// the rule sets itself wins, as it would in 3.x).
pub(crate) fn fit_to_release(mut file: RuleFile, version: Version) -> RuleFile {
    if supports_group_labels(version) {
        return file;
    }
    for group in &mut file.groups {
        let group_labels = std::mem::take(&mut group.labels);
        for rule in &mut group.rules {
            for (name, value) in &group_labels {
                rule.labels
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
    }
    file
}

/// Renders `prometheus/rules/<name>.yml` through the rule-file template.
pub(crate) fn write_rule_file(
    stack: &Stack,
    draft: &mut Draft,
    name: &str,
    file: &RuleFile,
) -> anyhow::Result<()> {
    let text = rule_file_text(stack, name, file)?;
    draft.add_yaml(&format!("{RULES_DIR}/{name}.yml"), text)
}

pub(crate) fn rule_file_text(stack: &Stack, name: &str, file: &RuleFile) -> anyhow::Result<String> {
    stack.templates.render(
        "rules/rules.yml.j2",
        minijinja::context! { name => name, project => &stack.manifest.project, groups => &file.groups },
    )
}

/// Renders `prometheus/tests/<name>.yml` through the unit-test template.
pub(crate) fn write_test_file(
    stack: &Stack,
    draft: &mut Draft,
    name: &str,
    file: &TestFile,
) -> anyhow::Result<()> {
    let text = stack.templates.render(
        "rules/tests.yml.j2",
        minijinja::context! { name => name, project => &stack.manifest.project, file => file },
    )?;
    draft.add_yaml(&format!("{TESTS_DIR}/{name}.yml"), text)
}

#[cfg(test)]
mod tests;
