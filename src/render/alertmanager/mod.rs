//! Alertmanager: `alertmanager/alertmanager.yml` from `notify`, and the container command line.
//!
//! Builds the document as data (routes, receivers, inhibitions, time intervals), merges
//! `extra_config` over it, and lets `templates/alertmanager/alertmanager.yml.j2` lay it out.
//! Keys follow `Component.version`; deprecated keys (`match`, `source_match`, top-level
//! `mute_time_intervals`) are never rendered. Secrets only ever reach `secrets/alertmanager/`.

mod channels;
mod extra_config;
mod features;
mod global;
mod layout;
mod matchers;
mod notification_templates;
mod receivers;
mod routes;
mod secret_fields;
mod time_intervals;
mod watchdog;

use std::path::Path;

use serde_json::{json, Map, Value};

use super::{Component, Draft, Kind, Stack};
use crate::manifest::{Diagnostic, Notify};
use crate::version::Version;

pub use matchers::{matcher, Operator};

/// Rendered file, relative to the output directory.
pub(crate) const CONFIG_PATH: &str = "alertmanager/alertmanager.yml";
/// Where the rendered `alertmanager/` directory is mounted in the container.
pub(crate) const CONFIG_DIR: &str = "/etc/alertmanager";
/// The image's data directory (its CMD passes it; a compose `command` must repeat it).
pub(crate) const STORAGE_PATH: &str = "/alertmanager";

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let Some(component) = stack.get(&Kind::Alertmanager) else {
        return Ok(());
    };
    let notify = stack.manifest.notify.as_ref();
    if notify.is_none() {
        draft.warn(
            "no `notify` section: Alertmanager receives alerts but sends them nowhere (receiver `default` has no channels); add `notify` to route them",
        );
    }
    for unused in notify.map(routes::unused_receivers).unwrap_or_default() {
        draft.warn(format!(
            "receiver `{unused}` is defined in `notify.receivers` but no route uses it"
        ));
    }
    let mut problems = Vec::new();
    let mut document = document(notify, stack.dir, &component.version, draft, &mut problems);
    let extra = stack
        .manifest
        .components
        .alertmanager
        .as_ref()
        .and_then(|a| a.extra_config.as_ref());
    if let Some(extra) = extra {
        let overlay = extra_config::to_value(extra)?;
        extra_config::deep_merge(&mut document, &overlay);
        let mut deprecated = Vec::new();
        extra_config::deprecated_keys(&overlay, "", &mut deprecated);
        for key in deprecated {
            draft.warn(format!(
                "`components.alertmanager.extra_config` sets `{key}`, which Alertmanager deprecated; use `matchers` / `source_matchers` / `target_matchers` / `time_intervals`"
            ));
        }
    }
    for problem in problems {
        draft.problem(problem);
    }
    let text = stack.templates.render(
        "alertmanager/alertmanager.yml.j2",
        json!({"sections": layout::sections(&document)}),
    )?;
    draft.add_yaml(CONFIG_PATH, text)
}

/// alertmanager.yml as data, before `extra_config`.
fn document(
    notify: Option<&Notify>,
    dir: &Path,
    version: &Version,
    draft: &mut Draft,
    problems: &mut Vec<Diagnostic>,
) -> Value {
    let mut doc = Map::new();
    if let Some(smtp) = notify.and_then(|n| n.smtp.as_ref()) {
        let global = global::smtp(smtp, version, draft, problems);
        doc.insert("global".into(), Value::Object(global));
    }
    if let Some(notify) = notify.filter(|n| !n.templates.is_empty()) {
        let files = notification_templates::copy(notify, dir, draft, problems);
        if !files.is_empty() {
            doc.insert("templates".into(), json!(files));
        }
    }
    doc.insert(
        "route".into(),
        routes::root_route(notify, version, problems),
    );
    if let Some(notify) = notify {
        let inhibit = routes::inhibit_rules(notify, version, problems);
        if !inhibit.is_empty() {
            doc.insert("inhibit_rules".into(), Value::Array(inhibit));
        }
    }
    let mut builder = receivers::ReceiversBuilder::new(draft, *version);
    doc.insert("receivers".into(), Value::Array(builder.build(notify)));
    problems.extend(builder.take_problems());
    if let Some(notify) = notify.filter(|n| !n.quiet_hours.is_empty()) {
        if crate::catalog::gates::ALERTMANAGER_TIME_INTERVALS.holds(version) {
            let intervals = time_intervals::time_intervals(&notify.quiet_hours, problems);
            doc.insert("time_intervals".into(), Value::Array(intervals));
        } else {
            problems.push(
                Diagnostic::new(
                    "notify.quiet_hours",
                    format!("Alertmanager {version} has no `time_intervals`"),
                )
                .hint("set `components.alertmanager.version` to 0.24.0 or newer"),
            );
        }
    }
    Value::Object(doc)
}

/// The container command line. It replaces the image's CMD, so the config file and storage
/// path are repeated; clustering is off (one node, no gossip port 9094).
pub fn command(_stack: &Stack, component: &Component) -> Vec<String> {
    vec![
        format!("--config.file={CONFIG_DIR}/alertmanager.yml"),
        format!("--storage.path={STORAGE_PATH}"),
        "--cluster.listen-address=".to_string(),
        format!("--web.listen-address=:{}", component.container_port),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;
    use crate::render::Templates;
    use std::path::Path;

    fn stack_with(yaml: &str) -> (Manifest, Templates) {
        (
            serde_yaml::from_str(yaml).expect("test manifest parses"),
            Templates::embedded(),
        )
    }

    #[test]
    fn command_repeats_image_flags_and_disables_clustering() {
        let (manifest, templates) =
            stack_with("{version: 1, project: t, components: {alertmanager: {}}}");
        let stack = Stack::new(&manifest, Path::new("."), &templates);
        let component = stack.get(&Kind::Alertmanager).unwrap();
        assert_eq!(
            command(&stack, component),
            vec![
                "--config.file=/etc/alertmanager/alertmanager.yml",
                "--storage.path=/alertmanager",
                "--cluster.listen-address=",
                "--web.listen-address=:9093",
            ]
        );
    }

    #[test]
    fn renders_nothing_without_the_component() {
        let (manifest, templates) =
            stack_with("{version: 1, project: t, components: {prometheus: {}}}");
        let stack = Stack::new(&manifest, Path::new("."), &templates);
        let mut draft = Draft::new(&[]);
        render(&stack, &mut draft).unwrap();
        assert!(draft.files().is_empty());
    }

    #[test]
    fn without_notify_routes_everything_to_an_empty_default_receiver_and_warns() {
        let (manifest, templates) =
            stack_with("{version: 1, project: t, components: {alertmanager: {}}}");
        let stack = Stack::new(&manifest, Path::new("."), &templates);
        let mut draft = Draft::new(&[]);
        render(&stack, &mut draft).unwrap();
        let text = draft.file(CONFIG_PATH).unwrap().contents.expose();
        let doc: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        assert_eq!(doc["route"]["receiver"], "default");
        assert_eq!(
            doc["route"]["group_by"],
            serde_yaml::from_str::<serde_yaml::Value>("[alertname, job]").unwrap()
        );
        assert_eq!(doc["route"]["group_wait"], "30s");
        assert_eq!(doc["route"]["group_interval"], "5m");
        assert_eq!(doc["route"]["repeat_interval"], "4h");
        assert_eq!(
            doc["receivers"],
            serde_yaml::from_str::<serde_yaml::Value>("[{name: default}]").unwrap()
        );
        assert_eq!(draft.warnings.len(), 1);
        assert!(draft.problems.is_empty());
    }
}
