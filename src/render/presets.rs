//! Alert presets: which ones fit the declared stack (`alerts.presets`), with the operator's
//! `alerts.thresholds` and `alerts.disable` applied, rendered to
//! `prometheus/rules/preset-<name>.yml` with their promtool tests in
//! `prometheus/tests/preset-<name>.yml`.
//!
//! Rules, knobs and tests are data (`templates/rules/presets/<name>.yml`); every choice — which
//! presets, which jobs, which groups and alerts survive — is made here. Job names come from
//! `manifest::topology` and the manifest's probe jobs, never from the data files.

mod data;
mod knobs;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use anyhow::Context as _;

pub(crate) use data::format_number;
pub use data::Knob;

use super::rules::{self, Group, RuleFile, TestFile, RULES_FROM_TESTS};
use super::{Draft, Kind, Stack, Templates};
use crate::manifest::{Diagnostic, PresetSelection};

/// The presets that watch the stack itself, hosts, containers and probes.
const BASE_PRESETS: &[&str] = &["stack", "host", "containers", "probes"];

/// Every preset, in the order they are rendered: the base ones, then one per exporter type
/// (named as `exporters[].type`).
pub static PRESETS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    BASE_PRESETS
        .iter()
        .chain(crate::manifest::EXPORTER_TYPES)
        .copied()
        .collect()
});

/// Which presets to render, and the problems and warnings the selection raised.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Selection {
    pub presets: Vec<&'static str>,
    pub problems: Vec<Diagnostic>,
    pub warnings: Vec<String>,
}

/// `auto`: every preset that fits; a list: those named (unknown → problem, not fitting →
/// warning and skipped); `none`: nothing.
pub(crate) fn select(stack: &Stack) -> Selection {
    let mut selection = Selection::default();
    match &stack.manifest.alerts.presets {
        PresetSelection::None => {}
        PresetSelection::Auto => {
            selection.presets = PRESETS.iter().copied().filter(|p| fits(stack, p)).collect()
        }
        PresetSelection::List(names) => {
            selection.problems = knobs::check_preset_names(names, &PRESETS);
            for preset in PRESETS
                .iter()
                .copied()
                .filter(|p| names.iter().any(|n| n == p))
            {
                if fits(stack, preset) {
                    selection.presets.push(preset);
                } else {
                    selection.warnings.push(format!(
                        "alert preset `{preset}` is skipped: the stack declares {} for its rules to watch",
                        needs(preset)
                    ));
                }
            }
        }
    }
    selection
}

/// Whether the stack has what preset `name` watches.
pub fn fits(stack: &Stack, name: &str) -> bool {
    match name {
        "stack" => stack.has(&Kind::Prometheus),
        "probes" => stack.has(&Kind::BlackboxExporter) || !probe_jobs(stack).is_empty(),
        _ => !jobs(stack, name).is_empty(),
    }
}

fn needs(preset: &str) -> String {
    match preset {
        "stack" => "no `components.prometheus`".to_string(),
        "host" => "no `components.node_exporter`".to_string(),
        "containers" => "no `components.cadvisor`".to_string(),
        "probes" => "no `components.blackbox_exporter` and no probe job".to_string(),
        exporter => format!("no exporter of type `{exporter}`"),
    }
}

/// The jobs whose series preset `name` selects.
pub fn jobs(stack: &Stack, name: &str) -> Vec<String> {
    let of_kind = |kind: Kind| {
        stack
            .components
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.job.clone())
            .collect()
    };
    match name {
        "stack" => of_kind(Kind::Prometheus),
        "host" => of_kind(Kind::NodeExporter),
        "containers" => of_kind(Kind::Cadvisor),
        "probes" => probe_jobs(stack),
        other => match other.parse() {
            Ok(exporter) => of_kind(Kind::Exporter(exporter)),
            Err(_) => Vec::new(),
        },
    }
}

fn probe_jobs(stack: &Stack) -> Vec<String> {
    stack
        .manifest
        .scrape
        .iter()
        .filter(|j| j.probe.is_some())
        .map(|j| j.job.clone())
        .collect()
}

/// Every knob of every preset (`alerts.thresholds` names), with its default and bounds.
pub fn knob_table(templates: &Templates) -> anyhow::Result<BTreeMap<String, Knob>> {
    let mut table = BTreeMap::new();
    for preset in PRESETS.iter() {
        table.extend(data::knobs(templates, preset)?);
    }
    Ok(table)
}

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let alerts = &stack.manifest.alerts;
    let all_knobs = knob_table(stack.templates)?;
    let mut owner = BTreeMap::new();
    for preset in PRESETS.iter() {
        for knob in data::knobs(stack.templates, preset)?.into_keys() {
            owner.insert(knob, *preset);
        }
        for alert in data::alert_names(stack.templates, preset)? {
            owner.insert(alert, *preset);
        }
    }
    let all_alerts: Vec<String> = owner
        .keys()
        .filter(|k| !all_knobs.contains_key(*k))
        .cloned()
        .collect();
    let selection = select(stack);
    let mut problems = selection.problems;
    problems.extend(knobs::check_thresholds(&alerts.thresholds, &all_knobs));
    problems.extend(knobs::check_disable(&alerts.disable, &all_alerts));
    problems.extend(knobs::check_overrides(&alerts.overrides, &all_alerts));
    let failed = !problems.is_empty();
    problems.into_iter().for_each(|p| draft.problem(p));
    selection.warnings.into_iter().for_each(|w| draft.warn(w));
    let names = alerts
        .thresholds
        .keys()
        .map(|k| ("alerts.thresholds", k))
        .chain(alerts.disable.iter().map(|a| ("alerts.disable", a)))
        .chain(alerts.overrides.keys().map(|a| ("alerts.overrides", a)));
    for (key, name) in names {
        if let Some(preset) = owner.get(name).filter(|p| !selection.presets.contains(*p)) {
            draft.warn(format!("`{key}` names `{name}` of preset `{preset}`, which this stack does not render; it has no effect"));
        }
    }
    if failed {
        return Ok(());
    }
    for preset in selection.presets {
        render_preset(stack, draft, preset, &all_knobs)?;
    }
    Ok(())
}

/// Placeholder values for preset `name`: jobs, then knobs (defaults, overridden by thresholds).
pub(crate) fn placeholder_values(
    stack: &Stack,
    name: &str,
    knobs: &BTreeMap<String, Knob>,
) -> BTreeMap<String, String> {
    let jobs = jobs(stack, name);
    let job_of = |kind: Kind| {
        stack
            .get(&kind)
            .map(|c| promql_string(&c.job))
            .unwrap_or_default()
    };
    let mut values = BTreeMap::from([
        ("job".to_string(), job_regex(&jobs)),
        (
            "test_job".to_string(),
            promql_string(jobs.first().map_or(name, String::as_str)),
        ),
        ("prometheus_job".to_string(), job_of(Kind::Prometheus)),
        ("alertmanager_job".to_string(), job_of(Kind::Alertmanager)),
    ]);
    for (knob, spec) in knobs {
        let value = stack
            .manifest
            .alerts
            .thresholds
            .get(knob)
            .copied()
            .unwrap_or(spec.default);
        values.insert(knob.clone(), format_number(value));
    }
    values
}

/// Preset `name` as a rule file for the stack's Prometheus, and its unit tests.
pub fn build(
    stack: &Stack,
    name: &str,
    knobs: &BTreeMap<String, Knob>,
) -> anyhow::Result<(RuleFile, Vec<rules::UnitTest>)> {
    let data = data::load(
        stack.templates,
        name,
        &placeholder_values(stack, name, knobs),
    )?;
    let disabled: BTreeSet<&str> = stack
        .manifest
        .alerts
        .disable
        .iter()
        .map(String::as_str)
        .collect();
    let overrides = &stack.manifest.alerts.overrides;
    let mut groups = Vec::new();
    for group in &data.groups {
        if group
            .requires
            .as_deref()
            .is_some_and(|c| !requirement_met(stack, c))
        {
            continue;
        }
        let mut rendered = Vec::new();
        for rule in group
            .rules
            .iter()
            .filter(|r| r.alert.as_deref().is_none_or(|a| !disabled.contains(a)))
        {
            let what = rule
                .alert
                .as_deref()
                .or(rule.record.as_deref())
                .unwrap_or("?");
            let mut expanded = rules::expand(rule)
                .map_err(|_| anyhow::anyhow!("preset `{name}` rule `{what}` is malformed"))?;
            if let Some(change) = rule.alert.as_ref().and_then(|a| overrides.get(a)) {
                knobs::apply_override(&mut expanded, change);
            }
            rendered.push(expanded);
        }
        if !rendered.is_empty() {
            let interval = group.interval.as_ref().map(|d| d.as_str().to_string());
            groups.push(Group {
                name: group.name.clone(),
                interval,
                limit: None,
                labels: BTreeMap::new(),
                rules: rendered,
            });
        }
    }
    let version = stack
        .get(&Kind::Prometheus)
        .context("presets need Prometheus")?
        .version;
    let file = rules::fit_to_release(RuleFile { groups }, version);
    let present: BTreeSet<&str> = file.alert_names().collect();
    // A preset's unit tests pin its own `for` and labels: an overridden alert keeps its rule
    // (judged by promtool) but not those tests.
    let tests = data
        .tests
        .into_iter()
        .filter_map(|t| t.retain_alerts(|a| present.contains(a) && !overrides.contains_key(a)))
        .collect();
    Ok((file, tests))
}

fn render_preset(
    stack: &Stack,
    draft: &mut Draft,
    name: &str,
    knobs: &BTreeMap<String, Knob>,
) -> anyhow::Result<()> {
    let (file, tests) = build(stack, name, knobs)?;
    if file.groups.is_empty() {
        return Ok(());
    }
    let file_name = format!("preset-{name}");
    rules::write_rule_file(stack, draft, &file_name, &file)?;
    if !tests.is_empty() {
        let test_file = TestFile {
            rule_files: vec![format!("{RULES_FROM_TESTS}/{file_name}.yml")],
            evaluation_interval: "1m".to_string(),
            tests,
        };
        rules::write_test_file(stack, draft, &file_name, &test_file)?;
    }
    Ok(())
}

fn requirement_met(stack: &Stack, component: &str) -> bool {
    match component {
        "alertmanager" => stack.has(&Kind::Alertmanager),
        "prometheus" => stack.has(&Kind::Prometheus),
        _ => false,
    }
}

/// `job=~"..."` value matching exactly these jobs (any job when there are none).
fn job_regex(jobs: &[String]) -> String {
    if jobs.is_empty() {
        return ".+".to_string();
    }
    let escaped: Vec<String> = jobs
        .iter()
        .map(|j| promql_string(&crate::expr::regex::quote_meta(j)))
        .collect();
    escaped.join("|")
}

/// Text safe inside a double-quoted PromQL string.
fn promql_string(text: &str) -> String {
    text.replace('\\', r"\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests;
