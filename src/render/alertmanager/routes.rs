//! The routing tree and inhibition rules of alertmanager.yml, from `notify`.
//!
//! Always `matchers` / `source_matchers` / `target_matchers`, never the deprecated `match`,
//! `match_re` or `source_match` keys, whatever the release.

use serde_json::{json, Map, Value};

use super::matchers::{is_classic_label_name, matcher, matchers, BadLabelName, Operator};
pub(crate) use super::watchdog::WATCHDOG_NULL_RECEIVER;
use crate::manifest::{Diagnostic, Notify, PromDuration, Route};
use crate::version::Version;

/// The receiver of the root route when the manifest has no `notify` section.
pub(crate) const FALLBACK_RECEIVER: &str = "default";

const DEFAULT_GROUP_BY: [&str; 2] = ["alertname", "job"];
const DEFAULT_GROUP_WAIT: &str = "30s";
const DEFAULT_GROUP_INTERVAL: &str = "5m";
const DEFAULT_REPEAT_INTERVAL: &str = "4h";

/// The root route: every alert enters here; it has a receiver and no matchers.
pub(crate) fn root_route(
    notify: Option<&Notify>,
    version: &Version,
    problems: &mut Vec<Diagnostic>,
) -> Value {
    let duration = |d: Option<&PromDuration>, default: &str| {
        Value::from(d.map_or(default, PromDuration::as_str))
    };
    let group_by = notify
        .and_then(|n| n.group_by.clone())
        .unwrap_or_else(|| DEFAULT_GROUP_BY.map(String::from).to_vec());
    let mut root = Map::new();
    root.insert(
        "receiver".into(),
        json!(notify.map_or(FALLBACK_RECEIVER, |n| n.default.as_str())),
    );
    if let Some(names) = notify.and_then(|n| n.group_by.as_ref()) {
        check_label_names(names, "notify.group_by", version, problems);
    }
    root.insert("group_by".into(), json!(group_by));
    root.insert(
        "group_wait".into(),
        duration(
            notify.and_then(|n| n.group_wait.as_ref()),
            DEFAULT_GROUP_WAIT,
        ),
    );
    root.insert(
        "group_interval".into(),
        duration(
            notify.and_then(|n| n.group_interval.as_ref()),
            DEFAULT_GROUP_INTERVAL,
        ),
    );
    root.insert(
        "repeat_interval".into(),
        duration(
            notify.and_then(|n| n.repeat_interval.as_ref()),
            DEFAULT_REPEAT_INTERVAL,
        ),
    );
    if let Some(notify) = notify {
        if let Some(receiver) = &notify.watchdog.receiver {
            if !notify.receivers.contains_key(receiver) {
                problems.push(
                    Diagnostic::new(
                        "notify.watchdog.receiver",
                        format!("receiver `{receiver}` is not defined"),
                    )
                    .hint(receiver_hint(notify)),
                );
            }
        }
        if !notify.receivers.contains_key(&notify.default) {
            problems.push(
                Diagnostic::new(
                    "notify.default",
                    format!("receiver `{}` is not defined", notify.default),
                )
                .hint(receiver_hint(notify)),
            );
        }
        let mut routes = vec![super::watchdog::route(notify, version)];
        routes.extend(child_routes(
            &notify.routes,
            "notify.routes",
            notify,
            version,
            problems,
        ));
        if !routes.is_empty() {
            root.insert("routes".into(), Value::Array(routes));
        }
    }
    Value::Object(root)
}

fn child_routes(
    routes: &[Route],
    path: &str,
    notify: &Notify,
    version: &Version,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Value> {
    routes
        .iter()
        .enumerate()
        .map(|(i, route)| child_route(route, &format!("{path}[{i}]"), notify, version, problems))
        .collect()
}

fn child_route(
    route: &Route,
    path: &str,
    notify: &Notify,
    version: &Version,
    problems: &mut Vec<Diagnostic>,
) -> Value {
    let mut out = Map::new();
    match matchers(&route.match_, &route.match_re, version) {
        Ok(list) if list.is_empty() => {}
        Ok(list) => {
            out.insert("matchers".into(), json!(list));
        }
        Err(bad) => problems.push(label_name_problem(path, &bad, route)),
    }
    if let Some(receiver) = &route.receiver {
        if !notify.receivers.contains_key(receiver) {
            problems.push(
                Diagnostic::new(
                    format!("{path}.receiver"),
                    format!("receiver `{receiver}` is not defined"),
                )
                .hint(receiver_hint(notify)),
            );
        }
        out.insert("receiver".into(), json!(receiver));
    }
    if route.continue_ {
        out.insert("continue".into(), json!(true));
    }
    if let Some(group_by) = &route.group_by {
        check_label_names(group_by, &format!("{path}.group_by"), version, problems);
        out.insert("group_by".into(), json!(group_by));
    }
    for (key, value) in [
        ("group_wait", &route.group_wait),
        ("group_interval", &route.group_interval),
        ("repeat_interval", &route.repeat_interval),
    ] {
        if let Some(duration) = value {
            out.insert(key.into(), json!(duration.as_str()));
        }
    }
    for (key, names) in [
        ("mute_time_intervals", &route.mute_time_intervals),
        ("active_time_intervals", &route.active_time_intervals),
    ] {
        if names.is_empty() {
            continue;
        }
        check_interval_names(names, &format!("{path}.{key}"), notify, problems);
        out.insert(key.into(), json!(names));
    }
    let routes = child_routes(
        &route.routes,
        &format!("{path}.routes"),
        notify,
        version,
        problems,
    );
    if !routes.is_empty() {
        out.insert("routes".into(), Value::Array(routes));
    }
    Value::Object(out)
}

fn check_interval_names(
    names: &[String],
    path: &str,
    notify: &Notify,
    problems: &mut Vec<Diagnostic>,
) {
    for (i, name) in names.iter().enumerate() {
        if !notify.quiet_hours.contains_key(name) {
            let known: Vec<&str> = notify.quiet_hours.keys().map(String::as_str).collect();
            problems.push(
                Diagnostic::new(
                    format!("{path}[{i}]"),
                    format!("time interval `{name}` is not defined"),
                )
                .hint(if known.is_empty() {
                    "define it under `notify.quiet_hours`".to_string()
                } else {
                    format!("`notify.quiet_hours` defines: {}", known.join(", "))
                }),
            );
        }
    }
}

/// `inhibit_rules`: an alert matching `source` mutes alerts matching `target`.
pub fn inhibit_rules(
    notify: &Notify,
    version: &Version,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Value> {
    let mut rules = Vec::new();
    for (i, inhibit) in notify.inhibit.iter().enumerate() {
        let path = format!("notify.inhibit[{i}]");
        let mut rule = Map::new();
        for (side, key, labels) in [
            ("source", "source_matchers", &inhibit.source),
            ("target", "target_matchers", &inhibit.target),
        ] {
            let list: Result<Vec<String>, BadLabelName> = labels
                .iter()
                .map(|(name, value)| matcher(name, Operator::Equal, value, version))
                .collect();
            match list {
                Ok(list) => {
                    rule.insert(key.into(), json!(list));
                }
                Err(bad) => problems.push(inhibit_label_problem(&format!("{path}.{side}"), &bad)),
            }
        }
        if !inhibit.equal.is_empty() {
            check_label_names(&inhibit.equal, &format!("{path}.equal"), version, problems);
            rule.insert("equal".into(), json!(inhibit.equal));
        }
        rules.push(Value::Object(rule));
    }
    rules
}

/// Receivers that neither the root route nor any child route names, in manifest order.
pub(crate) fn unused_receivers(notify: &Notify) -> Vec<&str> {
    fn collect<'a>(routes: &'a [Route], used: &mut Vec<&'a str>) {
        for route in routes {
            used.extend(route.receiver.as_deref());
            collect(&route.routes, used);
        }
    }
    let mut used = vec![notify.default.as_str(), super::watchdog::receiver(notify)];
    collect(&notify.routes, &mut used);
    notify
        .receivers
        .keys()
        .map(String::as_str)
        .filter(|name| !used.contains(name))
        .collect()
}

/// `group_by` and `equal` hold bare label names; before 0.27 only classic names load
/// (`...`, "group by everything", aside).
fn check_label_names(
    names: &[String],
    path: &str,
    version: &Version,
    problems: &mut Vec<Diagnostic>,
) {
    if crate::catalog::gates::ALERTMANAGER_UTF8_LABEL_NAMES.holds(version) {
        return;
    }
    for (i, name) in names.iter().enumerate() {
        if name != "..." && !is_classic_label_name(name) {
            problems.push(bad_name(
                &format!("{path}[{i}]"),
                &BadLabelName(name.clone()),
            ));
        }
    }
}

fn label_name_problem(path: &str, bad: &BadLabelName, route: &Route) -> Diagnostic {
    let key = if route.match_.contains_key(&bad.0) {
        "match"
    } else {
        "match_re"
    };
    bad_name(&format!("{path}.{key}.{}", bad.0), bad)
}

fn inhibit_label_problem(path: &str, bad: &BadLabelName) -> Diagnostic {
    bad_name(&format!("{path}.{}", bad.0), bad)
}

fn bad_name(path: &str, bad: &BadLabelName) -> Diagnostic {
    Diagnostic::new(path, format!("label name `{}` cannot be matched by this Alertmanager release", bad.0))
        .hint("label names are letters, digits and `_`, not starting with a digit; names with other characters need `components.alertmanager.version` 0.27.0 or newer")
}

fn receiver_hint(notify: &Notify) -> String {
    if notify.receivers.is_empty() {
        "define it under `notify.receivers`".to_string()
    } else {
        let names: Vec<&str> = notify.receivers.keys().map(String::as_str).collect();
        format!("`notify.receivers` defines: {}", names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notify(yaml: &str) -> Notify {
        serde_yaml::from_str(yaml).expect("notify parses")
    }

    const V025: Version = Version::new(0, 25, 0);

    #[test]
    fn receivers_no_route_names_are_unused() {
        let n = notify(
            "{default: a, receivers: {a: {}, b: {}, c: {}}, routes: [{routes: [{receiver: c}]}]}",
        );
        assert_eq!(unused_receivers(&n), vec!["b"]);
    }

    #[test]
    fn undefined_receivers_and_bad_label_names_are_reported_at_their_keys() {
        let n = notify("{default: x, group_by: [a.b, '...'], receivers: {a: {}}, routes: [{receiver: b, match: {team.name: t}}], inhibit: [{source: {a-b: c}, target: {d: e}, equal: [ok, not ok]}]}");
        let mut problems = Vec::new();
        root_route(Some(&n), &V025, &mut problems);
        inhibit_rules(&n, &V025, &mut problems);
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "notify.group_by[0]",
                "notify.default",
                "notify.routes[0].match.team.name",
                "notify.routes[0].receiver",
                "notify.inhibit[0].source.a-b",
                "notify.inhibit[0].equal[1]"
            ]
        );
    }

    #[test]
    fn unknown_time_interval_names_are_reported_with_the_defined_ones() {
        let n = notify("{default: a, receivers: {a: {}}, quiet_hours: {nights: []}, routes: [{active_time_intervals: [nights, weekends]}]}");
        let mut problems = Vec::new();
        root_route(Some(&n), &V025, &mut problems);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].path,
            "notify.routes[0].active_time_intervals[1]"
        );
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("`notify.quiet_hours` defines: nights")
        );
    }

    #[test]
    fn child_routes_carry_only_what_the_manifest_sets() {
        let n = notify("{default: a, receivers: {a: {}}, routes: [{match: {severity: page}}]}");
        let root = root_route(Some(&n), &V025, &mut Vec::new());
        assert_eq!(
            root["routes"],
            serde_json::json!([
                {"matchers": ["alertname=\"Watchdog\""], "receiver": "null"},
                {"matchers": ["severity=\"page\""]}
            ])
        );
    }
}
