//! Alertmanager routing: receivers exist and are used, routes, inhibitions and quiet hours.

use std::collections::BTreeSet;

use super::durations::collect_routes;
use super::names::{is_host_port, is_label_name};
use super::quoted_list;
use super::top::check_label_names;
use crate::manifest::{
    Diagnostic, Email, Manifest, Notify, PagerDuty, Receiver, Route, Secret, Smtp,
};
use crate::suggest::did_you_mean;

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let Some(notify) = &manifest.notify else {
        return;
    };
    if manifest.components.alertmanager.is_none() {
        problems.push(
            Diagnostic::new("notify", "`notify` needs `components.alertmanager`")
                .hint("add `alertmanager: {}` under `components`; it sends the notifications"),
        );
    }
    let names: Vec<&str> = notify.receivers.keys().map(String::as_str).collect();
    let mut used: BTreeSet<&str> = BTreeSet::new();
    // A misspelt reference counts as using the receiver it meant: one mistake, one message.
    used.insert(check_receiver_reference(
        "notify.default",
        &notify.default,
        &names,
        problems,
    ));
    match &notify.watchdog.receiver {
        Some(receiver) => {
            used.insert(check_receiver_reference(
                "notify.watchdog.receiver",
                receiver,
                &names,
                problems,
            ));
        }
        // The built-in Watchdog route uses a receiver called `null` when one is declared.
        None => {
            used.insert("null");
        }
    }
    check_group_by("notify.group_by", notify.group_by.as_deref(), problems);
    if let Some(smtp) = &notify.smtp {
        check_smtp(smtp, problems);
    }
    let mut routes = Vec::new();
    collect_routes("notify", &notify.routes, &mut routes);
    for (path, route) in &routes {
        if let Some(receiver) = &route.receiver {
            used.insert(check_receiver_reference(
                &format!("{path}.receiver"),
                receiver,
                &names,
                problems,
            ));
        }
        check_route(path, route, notify, problems);
    }
    for (name, receiver) in &notify.receivers {
        let path = format!("notify.receivers.{name}");
        // An unnamed receiver is reported once, as unnamed.
        if !used.contains(name.as_str()) && !name.trim().is_empty() {
            problems.push(
                Diagnostic::new(&path, format!("receiver `{name}` is not used by any route"))
                    .hint(format!("route alerts to it (`routes: [{{match: {{severity: critical}}, receiver: {name}}}]`) or remove it")),
            );
        }
        check_receiver(&path, name, receiver, notify.smtp.as_ref(), problems);
    }
    for (index, inhibit) in notify.inhibit.iter().enumerate() {
        let path = format!("notify.inhibit[{index}]");
        for (key, matchers) in [("source", &inhibit.source), ("target", &inhibit.target)] {
            if matchers.is_empty() {
                problems.push(
                    Diagnostic::new(format!("{path}.{key}"), format!("`{path}.{key}` is empty"))
                        .hint("an empty matcher would match every alert; give labels, e.g. `{severity: critical}`"),
                );
            }
            check_label_names(&format!("{path}.{key}"), matchers.keys(), problems);
        }
        check_label_names(&format!("{path}.equal"), inhibit.equal.iter(), problems);
    }
    super::quiet_hours::check(notify, problems);
}

/// Reports a reference to an undeclared receiver; returns the receiver it probably meant.
fn check_receiver_reference<'a>(
    path: &str,
    name: &'a str,
    names: &[&'a str],
    problems: &mut Vec<Diagnostic>,
) -> &'a str {
    if names.contains(&name) {
        return name;
    }
    let suggestion = did_you_mean(name, names);
    let hint = match suggestion {
        Some(suggestion) => format!("did you mean `{suggestion}`?"),
        None if names.is_empty() => "declare it under `notify.receivers`".to_string(),
        None => format!("declared receivers: {}", quoted_list(names)),
    };
    problems.push(
        Diagnostic::new(
            path,
            format!("receiver `{name}` is not defined in `notify.receivers`"),
        )
        .hint(hint),
    );
    suggestion.unwrap_or(name)
}

fn check_group_by(path: &str, group_by: Option<&[String]>, problems: &mut Vec<Diagnostic>) {
    for (index, label) in group_by.unwrap_or_default().iter().enumerate() {
        if label != "..." && !is_label_name(label) {
            problems.push(
                Diagnostic::new(
                    format!("{path}[{index}]"),
                    format!("`{label}` in `{path}` is not a valid label name"),
                )
                .hint("group by label names such as `alertname`, or `...` for every label"),
            );
        }
    }
}

fn check_route(path: &str, route: &Route, notify: &Notify, problems: &mut Vec<Diagnostic>) {
    check_label_names(&format!("{path}.match"), route.match_.keys(), problems);
    check_label_names(&format!("{path}.match_re"), route.match_re.keys(), problems);
    check_group_by(
        &format!("{path}.group_by"),
        route.group_by.as_deref(),
        problems,
    );
    let defined: Vec<&str> = notify.quiet_hours.keys().map(String::as_str).collect();
    for (key, names) in [
        ("mute_time_intervals", &route.mute_time_intervals),
        ("active_time_intervals", &route.active_time_intervals),
    ] {
        for (index, name) in names.iter().enumerate() {
            if defined.contains(&name.as_str()) {
                continue;
            }
            let hint = match did_you_mean(name, &defined) {
                Some(suggestion) => format!("did you mean `{suggestion}`?"),
                None => format!("declare it under `notify.quiet_hours`, e.g. `{name}: [{{times: [\"22:00-07:00\"]}}]`"),
            };
            problems.push(
                Diagnostic::new(
                    format!("{path}.{key}[{index}]"),
                    format!("time interval `{name}` is not defined in `notify.quiet_hours`"),
                )
                .hint(hint),
            );
        }
    }
}

/// A receiver with no channel is allowed: it drops what reaches it (a null receiver).
fn check_receiver(
    path: &str,
    name: &str,
    receiver: &Receiver,
    smtp: Option<&Smtp>,
    problems: &mut Vec<Diagnostic>,
) {
    if let Some(email) = &receiver.email {
        check_email(&format!("{path}.email"), name, email, smtp, problems);
    }
    // The URLs may carry tokens: messages never repeat them.
    let urls: [(&str, Option<&Secret>); 4] = [
        (
            "discord.webhook_url",
            receiver.discord.as_ref().map(|d| &d.webhook_url),
        ),
        (
            "slack.webhook_url",
            receiver.slack.as_ref().map(|s| &s.webhook_url),
        ),
        (
            "msteams.webhook_url",
            receiver.msteams.as_ref().map(|m| &m.webhook_url),
        ),
        ("webhook.url", receiver.webhook.as_ref().map(|w| &w.url)),
    ];
    for (key, url) in urls {
        let Some(url) = url else { continue };
        let text = url.expose();
        if !(text.starts_with("https://") || text.starts_with("http://")) {
            problems.push(
                Diagnostic::new(format!("{path}.{key}"), format!("`{path}.{key}` is not an http(s) URL"))
                    .hint("write the full URL, starting with `https://`; keep it in `.env` and reference it as `\"${NAME}\"`"),
            );
        }
    }
    if let Some(pagerduty) = &receiver.pagerduty {
        check_pagerduty(&format!("{path}.pagerduty"), name, pagerduty, problems);
    }
}

/// Exactly one of `routing_key` (Events API v2) and `service_key` (v1), not empty.
fn check_pagerduty(path: &str, name: &str, pagerduty: &PagerDuty, problems: &mut Vec<Diagnostic>) {
    let keys = [
        ("routing_key", &pagerduty.routing_key),
        ("service_key", &pagerduty.service_key),
    ];
    for (key, value) in keys {
        if value.as_ref().is_some_and(Secret::is_empty) {
            problems.push(
                Diagnostic::new(format!("{path}.{key}"), format!("PagerDuty receiver `{name}` has an empty `{key}`"))
                    .hint(format!("use the integration key of a PagerDuty service: `{key}: \"${{PAGERDUTY_KEY}}\"`")),
            );
        }
    }
    match (&pagerduty.routing_key, &pagerduty.service_key) {
        (Some(_), Some(_)) => problems.push(
            Diagnostic::new(path, format!("PagerDuty receiver `{name}` sets both `routing_key` and `service_key`"))
                .hint("keep `routing_key` (Events API v2) or `service_key` (Events API v1), not both"),
        ),
        (None, None) => problems.push(
            Diagnostic::new(path, format!("PagerDuty receiver `{name}` has no key"))
                .hint("set `routing_key: \"${PAGERDUTY_KEY}\"` (Events API v2 integration) or `service_key` (Events API v1)"),
        ),
        _ => {}
    }
}

/// `notify.smtp`: the server is `host:port`, the sender an address.
fn check_smtp(smtp: &Smtp, problems: &mut Vec<Diagnostic>) {
    if let Some(host) = smtp.smarthost.as_ref().filter(|h| !is_host_port(h)) {
        problems.push(
            Diagnostic::new(
                "notify.smtp.smarthost",
                format!("smarthost `{host}` is not `host:port`"),
            )
            .hint("add the SMTP port, e.g. `smtp.example.com:587`"),
        );
    }
    if let Some(from) = smtp.from.as_ref().filter(|f| !f.contains('@')) {
        problems.push(
            Diagnostic::new(
                "notify.smtp.from",
                format!("`{from}` is not an email address"),
            )
            .hint("write `name@domain`, e.g. `alertmanager@example.com`"),
        );
    }
}

/// `from` and `smarthost` may come from `notify.smtp` instead of the receiver.
fn check_email(
    path: &str,
    name: &str,
    email: &Email,
    smtp: Option<&Smtp>,
    problems: &mut Vec<Diagnostic>,
) {
    let global_smarthost = smtp.is_some_and(|s| s.smarthost.is_some());
    let global_from = smtp.is_some_and(|s| s.from.is_some());
    if email.to.is_empty() {
        problems.push(
            Diagnostic::new(
                format!("{path}.to"),
                format!("email receiver `{name}` has no recipients"),
            )
            .hint("list addresses: `to: [oncall@example.com]`"),
        );
    }
    for (index, address) in email.to.iter().enumerate() {
        if !address.contains('@') {
            problems.push(
                Diagnostic::new(
                    format!("{path}.to[{index}]"),
                    format!("`{address}` is not an email address"),
                )
                .hint("write `name@domain`, e.g. `oncall@example.com`"),
            );
        }
    }
    match &email.smarthost {
        None if global_smarthost => {}
        None => problems.push(
            Diagnostic::new(
                format!("{path}.smarthost"),
                format!("email receiver `{name}` needs a `smarthost`"),
            )
            .hint("name the SMTP server as `host:port`, e.g. `smtp.example.com:587`, here or once for every receiver in `notify.smtp.smarthost`"),
        ),
        Some(host) if !is_host_port(host) => problems.push(
            Diagnostic::new(
                format!("{path}.smarthost"),
                format!("smarthost `{host}` is not `host:port`"),
            )
            .hint("add the SMTP port, e.g. `smtp.example.com:587`"),
        ),
        Some(_) => {}
    }
    match &email.from {
        None if global_from => {}
        None => problems.push(
            Diagnostic::new(format!("{path}.from"), format!("email receiver `{name}` needs a `from` address"))
                .hint("without `notify.smtp.from` Alertmanager has no sender for this receiver; set `from: alertmanager@example.com` here or in `notify.smtp`"),
        ),
        Some(from) if !from.contains('@') => problems.push(
            Diagnostic::new(format!("{path}.from"), format!("`{from}` is not an email address"))
                .hint("write `name@domain`, e.g. `alertmanager@example.com`"),
        ),
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    const AM: &str = "components: {alertmanager: {}}\n";

    fn notify(body: &str) -> String {
        format!("{AM}notify: {{{body}}}")
    }

    const HOOK: &str = "{webhook: {url: 'http://bot:5001/'}}";

    #[test]
    fn checks_receivers_and_routes() {
        let cases: Vec<(String, Option<(&str, &str)>)> = vec![
            (notify(&format!("default: a, receivers: {{a: {HOOK}, b: {HOOK}}}, routes: [{{match: {{severity: critical}}, receiver: b}}]")), None),
            (format!("notify: {{default: a, receivers: {{a: {HOOK}}}}}"), Some(("notify", "needs `components.alertmanager`"))),
            (notify(&format!("default: team-emial, receivers: {{team-email: {HOOK}}}")), Some(("notify.default", "receiver `team-emial` is not defined"))),
            (notify(&format!("default: a, receivers: {{a: {HOOK}}}, routes: [{{receiver: a, routes: [{{receiver: oncall}}]}}]")), Some(("notify.routes[0].routes[0].receiver", "`oncall` is not defined"))),
            (notify(&format!("default: a, receivers: {{a: {HOOK}, chat: {HOOK}}}")), Some(("notify.receivers.chat", "receiver `chat` is not used by any route"))),
            (notify("default: a, receivers: {a: {}}"), None),
            (notify(&format!("default: a, receivers: {{a: {HOOK}, deadman: {HOOK}}}, watchdog: {{receiver: deadman, repeat_interval: 1m}}")), None),
            (notify(&format!("default: a, receivers: {{a: {HOOK}}}, watchdog: {{receiver: deadmen}}")), Some(("notify.watchdog.receiver", "receiver `deadmen` is not defined"))),
            (notify(&format!("default: a, receivers: {{a: {HOOK}, 'null': {{}}}}")), None),
            (notify(&format!("default: a, group_by: [alertname, '...', team-name], receivers: {{a: {HOOK}}}")), Some(("notify.group_by[2]", "not a valid label name"))),
            (notify(&format!("default: a, receivers: {{a: {HOOK}}}, routes: [{{receiver: a, match: {{bad-label: x}}}}]")), Some(("notify.routes[0].match.bad-label", "not a valid label name"))),
        ];
        for (extra, want) in &cases {
            check_case(extra, *want);
        }
    }

    #[test]
    fn checks_channels() {
        let email = |fields: &str| {
            notify(&format!(
                "default: a, receivers: {{a: {{email: {{{fields}}}}}}}"
            ))
        };
        let cases: Vec<(String, Option<(&str, &str)>)> = vec![
            (email("to: [ops@example.com], from: am@example.com, smarthost: 'smtp.example.com:587'"), None),
            (email("to: [], from: am@example.com, smarthost: 'smtp.example.com:587'"), Some(("notify.receivers.a.email.to", "has no recipients"))),
            (email("to: [ops], from: am@example.com, smarthost: 'smtp.example.com:587'"), Some(("notify.receivers.a.email.to[0]", "not an email address"))),
            (email("to: [ops@example.com], from: am@example.com, smarthost: smtp.example.com"), Some(("notify.receivers.a.email.smarthost", "not `host:port`"))),
            (email("to: [ops@example.com], from: am@example.com"), Some(("notify.receivers.a.email.smarthost", "needs a `smarthost`"))),
            (email("to: [ops@example.com], smarthost: 'smtp.example.com:587'"), Some(("notify.receivers.a.email.from", "needs a `from` address"))),
            (notify("default: a, receivers: {a: {slack: {webhook_url: hooks.slack.com/x}}}"), Some(("notify.receivers.a.slack.webhook_url", "not an http(s) URL"))),
            (notify("default: a, receivers: {a: {pagerduty: {routing_key: ''}}}"), Some(("notify.receivers.a.pagerduty.routing_key", "empty `routing_key`"))),
            (notify("default: a, receivers: {a: {pagerduty: {service_key: k1}}}"), None),
            (notify("default: a, receivers: {a: {pagerduty: {service_key: k1, routing_key: k2}}}"), Some(("notify.receivers.a.pagerduty", "sets both `routing_key` and `service_key`"))),
            (notify("default: a, receivers: {a: {pagerduty: {severity: critical}}}"), Some(("notify.receivers.a.pagerduty", "has no key"))),
            (notify("default: a, smtp: {smarthost: 'smtp.example.com:587', from: am@example.com}, receivers: {a: {email: {to: [ops@example.com]}}}"), None),
            (notify("default: a, smtp: {smarthost: 'smtp.example.com:587'}, receivers: {a: {email: {to: [ops@example.com]}}}"), Some(("notify.receivers.a.email.from", "needs a `from` address"))),
            (notify("default: a, smtp: {smarthost: smtp.example.com, from: am}, receivers: {a: {}}"), Some(("notify.smtp.from", "not an email address"))),
            (notify("default: a, smtp: {smarthost: smtp.example.com}, receivers: {a: {}}"), Some(("notify.smtp.smarthost", "not `host:port`"))),
            (notify("default: a, receivers: {a: {discord: {webhook_url: discord.com/api/webhooks/1}}}"), Some(("notify.receivers.a.discord.webhook_url", "not an http(s) URL"))),
            (notify("default: a, receivers: {a: {msteams: {webhook_url: 'https://x.webhook.office.com/y'}}}"), None),
        ];
        for (extra, want) in &cases {
            check_case(extra, *want);
        }
    }

    #[test]
    fn checks_inhibitions_and_time_interval_references() {
        let base = format!("default: a, receivers: {{a: {HOOK}}}");
        let cases: Vec<(String, Option<(&str, &str)>)> = vec![
            (notify(&format!("{base}, inhibit: [{{source: {{severity: critical}}, target: {{severity: warning}}, equal: [alertname]}}]")), None),
            (notify(&format!("{base}, inhibit: [{{source: {{}}, target: {{severity: warning}}}}]")), Some(("notify.inhibit[0].source", "is empty"))),
            (notify(&format!("{base}, inhibit: [{{source: {{severity: critical}}, target: {{}}}}]")), Some(("notify.inhibit[0].target", "is empty"))),
            (notify(&format!("{base}, inhibit: [{{source: {{a: b}}, target: {{c: d}}, equal: [bad-name]}}]")), Some(("notify.inhibit[0].equal.bad-name", "not a valid label name"))),
            (notify(&format!("{base}, quiet_hours: {{nights: [{{times: ['22:00-07:00']}}]}}, routes: [{{receiver: a, mute_time_intervals: [nights]}}]")), None),
            (notify(&format!("{base}, quiet_hours: {{nights: [{{times: ['22:00-07:00']}}]}}, routes: [{{receiver: a, mute_time_intervals: [night]}}]")), Some(("notify.routes[0].mute_time_intervals[0]", "time interval `night` is not defined"))),
            (notify(&format!("{base}, routes: [{{receiver: a, active_time_intervals: [office]}}]")), Some(("notify.routes[0].active_time_intervals[0]", "`office` is not defined"))),
        ];
        for (extra, want) in &cases {
            check_case(extra, *want);
        }
    }
}
