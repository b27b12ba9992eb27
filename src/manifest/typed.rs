//! Typed parsing of the env-resolved YAML: every unknown key and every type error, with paths.
//!
//! serde stops at the first type error, so the offending node is removed and parsing retried:
//! one run reports them all. Unknown keys are collected by `serde_ignored` (the structs do not
//! `deny_unknown_fields`, which would also stop at the first).

use serde_yaml::Value;

use super::diagnostic::Diagnostic;
use super::keys::{did_you_mean, keys_at, path_string, Segment};
use super::model::Manifest;
use super::positions::Positions;
use super::type_errors::{bare_message, type_error};

/// At most this many type errors are reported before giving up on the rest.
const MAX_TYPE_ERRORS: usize = 32;

/// The typed manifest when it could be built, and every problem found on the way.
#[derive(Debug)]
pub struct Typed {
    pub manifest: Option<Manifest>,
    pub problems: Vec<Diagnostic>,
    /// Key paths a misspelt key was probably meant for, and the mappings holding misspelt
    /// keys: a validation problem there (`receiver has no channel`) is a consequence, not news.
    pub shadowed: Vec<String>,
}

pub fn parse(mut value: Value, positions: &Positions) -> Typed {
    treat_empty_sections_as_defaults(&mut value);
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut unknown: Vec<Vec<Segment>> = Vec::new();
    let mut manifest = None;
    for _ in 0..MAX_TYPE_ERRORS {
        let mut ignored = Vec::new();
        let result = deserialize(value.clone(), &mut ignored);
        for path in ignored {
            if !unknown.contains(&path) && !is_extension(&path) {
                unknown.push(path);
            }
        }
        match result {
            Ok(parsed) => {
                manifest = Some(parsed);
                break;
            }
            Err((path, message)) => {
                problems.push(type_error(&path, &message, positions));
                if path.is_empty() || !remove(&mut value, &path) {
                    break;
                }
            }
        }
    }
    let shadowed = shadowed_paths(&unknown);
    // A missing key that a misspelt one was meant to be is not repeated.
    problems.retain(|p| {
        !(p.message.contains("is missing the required key") && shadowed.contains(&p.path))
    });
    problems.extend(unknown.iter().map(|p| unknown_key(p, positions)));
    Typed {
        manifest,
        problems,
        shadowed,
    }
}

/// `alerts:` or `prometheus:` with nothing after it reads as "present, with defaults", as `{}`
/// does. Other empty values count as absent: serde would otherwise read `project:` as the
/// text `null`. `port: null` keeps its meaning (not published), and pass-through YAML
/// (`extra_config`, probe `modules`, relabelling) is left as written.
fn treat_empty_sections_as_defaults(value: &mut Value) {
    if let Some(Value::Mapping(components)) = value.get_mut("components") {
        for (_, component) in components.iter_mut() {
            if component.is_null() {
                *component = Value::Mapping(serde_yaml::Mapping::new());
            }
        }
    }
    drop_empty_values(value);
}

const PASS_THROUGH: [&str; 5] = [
    "extra_config",
    "modules",
    "relabel",
    "metric_relabel",
    "params",
];

fn drop_empty_values(value: &mut Value) {
    match value {
        Value::Mapping(map) => {
            map.retain(|key, item| !item.is_null() || key.as_str() == Some("port"));
            for (key, item) in map.iter_mut() {
                if !key.as_str().is_some_and(|k| PASS_THROUGH.contains(&k)) {
                    drop_empty_values(item);
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(drop_empty_values),
        _ => {}
    }
}

/// Top-level `x-...` keys hold YAML anchors for `<<` merges, as in Compose files.
fn is_extension(path: &[Segment]) -> bool {
    matches!(path, [Segment::Key(key)] if key.starts_with("x-"))
}

fn shadowed_paths(unknown: &[Vec<Segment>]) -> Vec<String> {
    let mut out = Vec::new();
    for path in unknown {
        let Some((Segment::Key(key), parent)) = path.split_last() else {
            continue;
        };
        out.push(path_string(parent));
        if let Some(suggestion) = keys_at(parent).and_then(|keys| did_you_mean(key, keys)) {
            let mut meant = parent.to_vec();
            meant.push(Segment::Key(suggestion.to_string()));
            out.push(path_string(&meant));
        }
    }
    out
}

fn deserialize(
    value: Value,
    ignored: &mut Vec<Vec<Segment>>,
) -> Result<Manifest, (Vec<Segment>, String)> {
    // Through text, not `Value`: serde_yaml then reads a plain `1` as a string where the model
    // wants one (`labels: {replica: 1}`), exactly as when parsing the file directly.
    let text = serde_yaml::to_string(&value).map_err(|e| (Vec::new(), e.to_string()))?;
    let mut record = |path: serde_ignored::Path| ignored.push(segments_of_ignored(&path));
    let deserializer =
        serde_ignored::Deserializer::new(serde_yaml::Deserializer::from_str(&text), &mut record);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let segments = error
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        (segments, bare_message(&error.inner().to_string()))
    })
}

fn segments_of_ignored(path: &serde_ignored::Path) -> Vec<Segment> {
    let mut out = match path {
        serde_ignored::Path::Root => return Vec::new(),
        serde_ignored::Path::Seq { parent, .. }
        | serde_ignored::Path::Map { parent, .. }
        | serde_ignored::Path::Some { parent }
        | serde_ignored::Path::NewtypeStruct { parent }
        | serde_ignored::Path::NewtypeVariant { parent } => segments_of_ignored(parent),
    };
    match path {
        serde_ignored::Path::Seq { index, .. } => out.push(Segment::Index(*index)),
        serde_ignored::Path::Map { key, .. } => out.push(Segment::Key(key.clone())),
        _ => {}
    }
    out
}

/// Drops the node at `path` so the next attempt can get past it.
fn remove(value: &mut Value, path: &[Segment]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut node = value;
    for segment in parents {
        node = match (segment, node) {
            (Segment::Key(key), Value::Mapping(map)) => match map.get_mut(key.as_str()) {
                Some(child) => child,
                None => return false,
            },
            (Segment::Index(index), Value::Sequence(items)) => match items.get_mut(*index) {
                Some(child) => child,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, node) {
        (Segment::Key(key), Value::Mapping(map)) => map.remove(key.as_str()).is_some(),
        (Segment::Index(index), Value::Sequence(items)) if *index < items.len() => {
            items.remove(*index);
            true
        }
        _ => false,
    }
}

fn unknown_key(path: &[Segment], positions: &Positions) -> Diagnostic {
    let full = path_string(path);
    let (key, parent) = match path.split_last() {
        Some((Segment::Key(key), parent)) => (key.clone(), parent),
        _ => (full.clone(), path),
    };
    let message = if parent.is_empty() {
        format!("unknown top-level key `{key}`")
    } else {
        format!("unknown key `{key}` in `{}`", path_string(parent))
    };
    let mut diagnostic = Diagnostic::new(full.clone(), message);
    if let Some(keys) = keys_at(parent) {
        diagnostic = match did_you_mean(&key, keys) {
            Some(suggestion) => diagnostic.hint(format!("did you mean `{suggestion}`?")),
            None => diagnostic.hint(format!(
                "valid keys here: {}",
                keys.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    diagnostic.location = positions.find_key(&full);
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(source: &str) -> Vec<(String, String)> {
        let positions = Positions::build(source).unwrap();
        let value: Value = serde_yaml::from_str(source).unwrap();
        parse(value, &positions)
            .problems
            .into_iter()
            .map(|p| {
                (
                    p.path,
                    format!("{} | {}", p.message, p.hint.unwrap_or_default()),
                )
            })
            .collect()
    }

    const BASE: &str = "version: 1\nproject: demo\n";

    #[test]
    fn reports_every_unknown_key_at_every_depth() {
        let cases = [
            (
                "components: {prometeus: {}}",
                "components.prometeus",
                "did you mean `prometheus`?",
            ),
            (
                "components: {prometheus: {scrape_intervall: 15s}}",
                "components.prometheus.scrape_intervall",
                "`scrape_interval`",
            ),
            (
                "components: {grafana: {admin_pasword: x}}",
                "components.grafana.admin_pasword",
                "`admin_password`",
            ),
            (
                "scrape: [{job: a, targets: ['a:1'], timout: 5s}]",
                "scrape[0].timout",
                "`timeout`",
            ),
            (
                "scrape: [{job: a, probe: {module: icmp, targets: [x], modul: y}}]",
                "scrape[0].probe.modul",
                "`module`",
            ),
            (
                "exporters: [{type: redis, taget: 'r:6379'}]",
                "exporters[0].taget",
                "`target`",
            ),
            (
                "alerts: {groups: [{name: g, rules: [{alert: A, expr: up, sevrity: x}]}]}",
                "alerts.groups[0].rules[0].sevrity",
                "`severity`",
            ),
            (
                "slos: [{name: s, objective: 99, latency: {histogram: h, treshold: 1s}}]",
                "slos[0].latency.treshold",
                "`threshold`",
            ),
            (
                "notify: {default: a, receivers: {a: {emial: {to: [x]}}}}",
                "notify.receivers.a.emial",
                "`email`",
            ),
            (
                "notify: {default: a, receivers: {a: {email: {to: [x], smarthots: 'h:25'}}}}",
                "notify.receivers.a.email.smarthots",
                "`smarthost`",
            ),
            (
                "notify: {default: a, routes: [{receiver: a, routes: [{reciever: a}]}]}",
                "notify.routes[0].routes[0].reciever",
                "`receiver`",
            ),
            (
                "notify: {default: a, quiet_hours: {n: [{time: ['22:00-23:00']}]}}",
                "notify.quiet_hours.n[0].time",
                "`times`",
            ),
            ("logs: {fles: []}", "logs.fles", "`files`"),
            ("dashbords: {}", "dashbords", "`dashboards`"),
        ];
        for (extra, path, hint) in cases {
            let found = problems(&format!("{BASE}{extra}\n"));
            assert_eq!(found.len(), 1, "{extra}: {found:?}");
            assert_eq!(found[0].0, path, "{extra}");
            assert!(found[0].1.contains(hint), "{extra}: {}", found[0].1);
        }
    }

    #[test]
    fn reports_all_type_errors_in_one_run() {
        let source = format!(
            "{BASE}scrape: {{}}\ncomponents:\n  grafana: {{port: 70000}}\n  jaeger: {{storage: memroy}}\nexporters: [{{name: x}}]\n"
        );
        let found = problems(&source);
        let mut paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        paths.sort();
        assert_eq!(
            paths,
            vec![
                "components.grafana.port",
                "components.jaeger.storage",
                "exporters[0].type",
                "scrape"
            ],
            "{found:?}"
        );
        let message = |path: &str| &found.iter().find(|(p, _)| p == path).unwrap().1;
        assert!(
            message("scrape").starts_with("`scrape` must be a list, found a mapping"),
            "{found:?}"
        );
        assert!(message("exporters[0].type").contains("missing the required key `type`"));
    }

    #[test]
    fn reads_plain_numbers_as_text_where_text_is_expected() {
        let source = format!("{BASE}labels: {{replica: 1}}\nnotify: {{default: a, quiet_hours: {{q: [{{years: [2026], months: [12]}}]}}}}\n");
        assert_eq!(problems(&source), vec![]);
    }

    #[test]
    fn reads_empty_sections_and_components_as_defaults() {
        let source = format!("{BASE}components:\n  prometheus:\n  node_exporter:\nalerts:\nlogs:\nscrape:\nnotify:\n");
        let positions = Positions::build(&source).unwrap();
        let typed = parse(serde_yaml::from_str(&source).unwrap(), &positions);
        assert!(typed.problems.is_empty(), "{:?}", typed.problems);
        let manifest = typed.manifest.unwrap();
        assert!(manifest.components.prometheus.is_some());
        assert!(manifest.components.node_exporter.is_some());
        assert!(manifest.notify.is_none());
        let missing_project = parse(
            serde_yaml::from_str("version: 1\nproject:\n").unwrap(),
            &positions,
        );
        assert!(missing_project.manifest.is_none());
    }

    #[test]
    fn points_unknown_keys_at_the_key() {
        let source = format!("{BASE}components:\n  prometeus: {{}}\n");
        let positions = Positions::build(&source).unwrap();
        let found = parse(serde_yaml::from_str(&source).unwrap(), &positions).problems;
        assert_eq!(
            found[0].location,
            Some(super::super::Location { line: 4, column: 3 })
        );
    }
}
