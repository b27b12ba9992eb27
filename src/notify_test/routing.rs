//! Labels that lead an alert through the manifest's `notify.routes` to one receiver, checked by
//! routing them the way Alertmanager does (first matching child wins unless `continue`).

use std::collections::BTreeMap;

use regex::Regex;

use crate::manifest::{Notify, Receiver, Route};
use crate::version::Version;

pub type Labels = BTreeMap<String, String>;

/// The alert name every synthetic alert carries.
pub(crate) const ALERT_NAME: &str = "StackctlTest";

/// Labels for an alert that reaches `receiver`, or why none can be chosen.
pub(crate) fn labels_for(notify: &Notify, receiver: &str) -> Result<Labels, String> {
    let mut base = Labels::new();
    base.insert("alertname".into(), ALERT_NAME.into());
    let candidates = if notify.default == receiver {
        vec![base.clone()]
    } else {
        Vec::new()
    };
    let mut candidates = candidates;
    collect(&notify.routes, &base, receiver, &mut candidates);
    let found = candidates
        .into_iter()
        .find(|labels| receivers(notify, labels).iter().any(|r| r == receiver));
    found.ok_or_else(|| {
        format!("no labels stackctl can choose lead an alert through `notify.routes` to receiver `{receiver}`")
    })
}

/// Candidate label sets: the `match` labels (and a literal for each `match_re`) on the way to
/// each route that names `receiver`.
fn collect(routes: &[Route], inherited: &Labels, receiver: &str, out: &mut Vec<Labels>) {
    for route in routes {
        let mut labels = inherited.clone();
        labels.extend(route.match_.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut literal = true;
        for (name, pattern) in &route.match_re {
            match example_of(pattern) {
                Some(value) => {
                    labels.insert(name.clone(), value);
                }
                None => literal = false,
            }
        }
        if !literal {
            continue;
        }
        if route.receiver.as_deref() == Some(receiver) {
            out.push(labels.clone());
        }
        collect(&route.routes, &labels, receiver, out);
    }
}

/// A value a `match_re` pattern matches: its first alternative when that is a plain literal.
fn example_of(pattern: &str) -> Option<String> {
    let first = pattern
        .split('|')
        .next()?
        .trim_start_matches('(')
        .trim_end_matches(')');
    let literal = !first.is_empty()
        && first
            .chars()
            .all(|c| c.is_alphanumeric() || "_-:/ ".contains(c));
    let value = literal.then(|| first.to_string())?;
    anchored(pattern)?.is_match(&value).then_some(value)
}

fn anchored(pattern: &str) -> Option<Regex> {
    Regex::new(&format!("^(?:{pattern})$")).ok()
}

/// How long Alertmanager holds a new alert group for `receiver` before its first notification:
/// the longest `group_wait` on the way to it (Alertmanager's default 30s when none is set).
pub fn group_wait(notify: &Notify, receiver: &str) -> std::time::Duration {
    fn walk(routes: &[Route], inherited: u64, receiver: &str, longest: &mut u64) {
        for route in routes {
            let wait = route
                .group_wait
                .as_ref()
                .and_then(|d| d.millis())
                .unwrap_or(inherited);
            if route.receiver.as_deref() == Some(receiver) {
                *longest = (*longest).max(wait);
            }
            walk(&route.routes, wait, receiver, longest);
        }
    }
    let root = notify
        .group_wait
        .as_ref()
        .and_then(|d| d.millis())
        .unwrap_or(30_000);
    let mut longest = if notify.default == receiver { root } else { 0 };
    walk(&notify.routes, root, receiver, &mut longest);
    std::time::Duration::from_millis(longest)
}

/// Alertmanager's integration names for the channels of `receiver` (its metrics' `integration`
/// label), on Alertmanager `version` (Teams is `msteamsv2` from 0.28).
pub(crate) fn integrations(receiver: &Receiver, version: Version) -> Vec<&'static str> {
    let teams = if version.at_least(0, 28, 0) {
        "msteamsv2"
    } else {
        "msteams"
    };
    [
        (receiver.email.is_some(), "email"),
        (receiver.slack.is_some(), "slack"),
        (receiver.pagerduty.is_some(), "pagerduty"),
        (receiver.webhook.is_some(), "webhook"),
        (receiver.msteams.is_some(), teams),
        (receiver.opsgenie.is_some(), "opsgenie"),
        (receiver.telegram.is_some(), "telegram"),
        (receiver.discord.is_some(), "discord"),
    ]
    .into_iter()
    .filter_map(|(present, name)| present.then_some(name))
    .collect()
}

/// The receivers an alert with `labels` is sent to, as Alertmanager routes it.
pub fn receivers(notify: &Notify, labels: &Labels) -> Vec<String> {
    let mut out = Vec::new();
    if !route_children(&notify.routes, &notify.default, labels, &mut out) {
        out.push(notify.default.clone());
    }
    out
}

/// Routes `labels` through `routes`; false when no child matched (the parent receives it).
fn route_children(routes: &[Route], parent: &str, labels: &Labels, out: &mut Vec<String>) -> bool {
    let mut matched = false;
    for route in routes {
        if !matches(route, labels) {
            continue;
        }
        matched = true;
        let receiver = route.receiver.as_deref().unwrap_or(parent);
        if !route_children(&route.routes, receiver, labels, out) {
            out.push(receiver.to_string());
        }
        if !route.continue_ {
            break;
        }
    }
    matched
}

fn matches(route: &Route, labels: &Labels) -> bool {
    let value = |name: &String| labels.get(name).map(String::as_str).unwrap_or("");
    route.match_.iter().all(|(name, want)| value(name) == want)
        && route
            .match_re
            .iter()
            .all(|(name, pattern)| anchored(pattern).is_some_and(|re| re.is_match(value(name))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notify(yaml: &str) -> Notify {
        serde_yaml::from_str(yaml).unwrap()
    }

    const ROUTES: &str = "
default: ops
receivers: {ops: {}, pager: {}, chat: {}, db: {}}
routes:
  - match: {severity: critical}
    receiver: pager
    continue: true
  - match: {severity: warning}
    receiver: chat
  - match_re: {service: 'postgres|mysql'}
    receiver: db
    routes:
      - match: {severity: info}
        receiver: chat
";

    #[test]
    fn chooses_labels_that_lead_to_each_receiver() {
        let n = notify(ROUTES);
        let cases = [
            ("ops", vec![("alertname", "StackctlTest")]),
            (
                "pager",
                vec![("alertname", "StackctlTest"), ("severity", "critical")],
            ),
            (
                "chat",
                vec![("alertname", "StackctlTest"), ("severity", "warning")],
            ),
            (
                "db",
                vec![("alertname", "StackctlTest"), ("service", "postgres")],
            ),
        ];
        for (receiver, want) in cases {
            let want: Labels = want
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect();
            assert_eq!(labels_for(&n, receiver).as_ref(), Ok(&want), "{receiver}");
        }
    }

    #[test]
    fn routes_like_alertmanager() {
        let n = notify(ROUTES);
        let labels = |pairs: &[(&str, &str)]| -> Labels {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(receivers(&n, &labels(&[])), ["ops"]);
        // `continue` on the critical route lets the alert reach the db route too.
        assert_eq!(
            receivers(
                &n,
                &labels(&[("severity", "critical"), ("service", "mysql")])
            ),
            ["pager", "db"]
        );
        assert_eq!(
            receivers(
                &n,
                &labels(&[("severity", "warning"), ("service", "mysql")])
            ),
            ["chat"]
        );
        assert_eq!(
            receivers(&n, &labels(&[("severity", "info"), ("service", "mysql")])),
            ["chat"]
        );
    }

    #[test]
    fn group_wait_is_the_longest_on_the_way_to_the_receiver() {
        let n = notify(
            "
default: ops
group_wait: 10s
receivers: {ops: {}, pager: {}, chat: {}}
routes:
  - match: {severity: critical}
    receiver: pager
    group_wait: 2s
  - match: {severity: warning}
    receiver: chat
",
        );
        let secs = |r| group_wait(&n, r).as_secs();
        assert_eq!((secs("ops"), secs("pager"), secs("chat")), (10, 2, 10));
    }

    #[test]
    fn says_when_a_receiver_cannot_be_reached() {
        let n = notify(
            "
default: ops
receivers: {ops: {}, hidden: {}}
routes:
  - match_re: {team: '.+'}
    receiver: hidden
",
        );
        assert!(labels_for(&n, "hidden")
            .unwrap_err()
            .contains("receiver `hidden`"));
    }
}
