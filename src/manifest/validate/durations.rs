//! Every duration of the manifest is valid, scrape timeouts fit their intervals, retention is sane.

use crate::manifest::{format_millis, Diagnostic, Manifest, PromDuration, Route};

/// Prometheus' defaults, which apply when the manifest leaves the global values out.
const DEFAULT_SCRAPE_INTERVAL_MS: u64 = 15_000;
const DAY_MS: u64 = 24 * 3600 * 1000;

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    for (path, duration) in all_durations(manifest) {
        // Latency thresholds are bucket bounds, written like `0.5s`.
        let bucket_bound = path.ends_with("latency.threshold") && duration.seconds().is_some();
        if !duration.is_valid() && !bucket_bound {
            problems.push(invalid(&path, duration));
        } else if duration.seconds() == Some(0.0) && must_be_positive(&path) {
            problems.push(
                Diagnostic::new(&path, format!("`{path}` must be longer than 0"))
                    .hint("use a positive duration such as `15s`"),
            );
        }
    }
    check_scrape_timeouts(manifest, problems);
    if let Some(retention) = manifest
        .components
        .loki
        .as_ref()
        .and_then(|l| l.retention.as_ref())
    {
        if retention.millis().is_some_and(|ms| ms < DAY_MS) {
            problems.push(
                Diagnostic::new(
                    "components.loki.retention",
                    format!("`components.loki.retention` ({retention}) is shorter than 24h"),
                )
                .hint("Loki deletes logs per 24h index period; use `24h` or more (default `30d`)"),
            );
        }
    }
}

/// Retention and `for` may be 0; intervals and timeouts may not.
fn must_be_positive(path: &str) -> bool {
    ["interval", "timeout", "wait", "window", "threshold"]
        .iter()
        .any(|word| path.ends_with(word))
}

fn invalid(path: &str, duration: &PromDuration) -> Diagnostic {
    let raw = duration.as_str();
    let hint = if raw.chars().all(|c| c.is_ascii_digit()) {
        format!("a duration needs a unit: `{raw}s` for seconds (units: ms, s, m, h, d, w, y)")
    } else if let Some(millis) = fractional_millis(raw) {
        format!(
            "durations are whole numbers of a unit: write `{}` instead",
            format_millis(millis)
        )
    } else {
        "write a whole number and a unit, largest unit first: `30s`, `5m`, `1h30m` (units: ms, s, m, h, d, w, y)".to_string()
    };
    Diagnostic::new(path, format!("`{path}` is not a valid duration: `{raw}`")).hint(hint)
}

/// `1.5h` → 5400000, so the hint can offer `1h30m`.
fn fractional_millis(raw: &str) -> Option<u64> {
    let millis = crate::manifest::parse_decimal_seconds(raw)? * 1000.0;
    (millis >= 1.0 && millis.fract() == 0.0).then_some(millis as u64)
}

fn check_scrape_timeouts(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let prometheus = manifest.components.prometheus.as_ref();
    let global_interval = prometheus.and_then(|p| p.scrape_interval.as_ref());
    let global_interval_ms =
        global_interval.map_or(Some(DEFAULT_SCRAPE_INTERVAL_MS), |d| d.millis());
    if let (Some(timeout), Some(interval)) = (
        prometheus.and_then(|p| p.scrape_timeout.as_ref()),
        global_interval,
    ) {
        if let (Some(t), Some(i)) = (timeout.millis(), interval.millis()) {
            if t > i {
                problems.push(
                    Diagnostic::new(
                        "components.prometheus.scrape_timeout",
                        format!("`components.prometheus.scrape_timeout` ({timeout}) is longer than `scrape_interval` ({interval})"),
                    )
                    .hint("Prometheus rejects a scrape timeout longer than the scrape interval"),
                );
            }
        }
    }
    for (index, job) in manifest.scrape.iter().enumerate() {
        let Some(timeout) = &job.timeout else {
            continue;
        };
        let (interval_text, interval_ms) = match &job.interval {
            Some(interval) => (interval.to_string(), interval.millis()),
            None => (
                global_interval.map_or_else(
                    || format_millis(DEFAULT_SCRAPE_INTERVAL_MS),
                    |d| d.to_string(),
                ),
                global_interval_ms,
            ),
        };
        if let (Some(t), Some(i)) = (timeout.millis(), interval_ms) {
            if t > i {
                let path = format!("scrape[{index}].timeout");
                problems.push(
                    Diagnostic::new(&path, format!("`{path}` ({timeout}) is longer than its interval ({interval_text})"))
                        .hint("Prometheus rejects a scrape timeout longer than the scrape interval; lower `timeout` or raise `interval`"),
                );
            }
        }
    }
}

/// Every duration field of the manifest with its key path.
fn all_durations(manifest: &Manifest) -> Vec<(String, &PromDuration)> {
    let mut out = Vec::new();
    component_durations(manifest, &mut out);
    rule_durations(manifest, &mut out);
    notify_durations(manifest, &mut out);
    out
}

type Found<'a> = Vec<(String, &'a PromDuration)>;

fn add<'a>(out: &mut Found<'a>, path: String, duration: Option<&'a PromDuration>) {
    if let Some(duration) = duration {
        out.push((path, duration));
    }
}

fn component_durations<'a>(manifest: &'a Manifest, out: &mut Found<'a>) {
    let c = &manifest.components;
    if let Some(p) = &c.prometheus {
        let at = |key: &str| format!("components.prometheus.{key}");
        add(out, at("scrape_interval"), p.scrape_interval.as_ref());
        add(out, at("scrape_timeout"), p.scrape_timeout.as_ref());
        add(
            out,
            at("evaluation_interval"),
            p.evaluation_interval.as_ref(),
        );
        add(
            out,
            at("retention.time"),
            p.retention.as_ref().and_then(|r| r.time.as_ref()),
        );
    }
    if let Some(p) = &c.prometheus {
        for (i, target) in p.remote_write.iter().enumerate() {
            let at = |key: &str| format!("components.prometheus.remote_write[{i}].{key}");
            if let Some(q) = &target.queue {
                add(
                    out,
                    at("queue.batch_send_deadline"),
                    q.batch_send_deadline.as_ref(),
                );
                add(out, at("queue.min_backoff"), q.min_backoff.as_ref());
                add(out, at("queue.max_backoff"), q.max_backoff.as_ref());
            }
            let metadata = target.metadata.as_ref();
            add(
                out,
                at("metadata.send_interval"),
                metadata.and_then(|m| m.send_interval.as_ref()),
            );
        }
    }
    add(
        out,
        "components.victoriametrics.dedup_interval".into(),
        c.victoriametrics
            .as_ref()
            .and_then(|v| v.dedup_interval.as_ref()),
    );
    add(
        out,
        "components.loki.retention".into(),
        c.loki.as_ref().and_then(|l| l.retention.as_ref()),
    );
    add(
        out,
        "components.jaeger.retention".into(),
        c.jaeger.as_ref().and_then(|j| j.retention.as_ref()),
    );
    for (i, job) in manifest.scrape.iter().enumerate() {
        add(out, format!("scrape[{i}].interval"), job.interval.as_ref());
        add(out, format!("scrape[{i}].timeout"), job.timeout.as_ref());
    }
}

fn rule_durations<'a>(manifest: &'a Manifest, out: &mut Found<'a>) {
    for (g, group) in manifest.alerts.groups.iter().enumerate() {
        add(
            out,
            format!("alerts.groups[{g}].interval"),
            group.interval.as_ref(),
        );
        for (r, rule) in group.rules.iter().enumerate() {
            let at = |key: &str| format!("alerts.groups[{g}].rules[{r}].{key}");
            add(out, at("for"), rule.for_.as_ref());
            add(out, at("keep_firing_for"), rule.keep_firing_for.as_ref());
        }
    }
    for (i, slo) in manifest.slos.iter().enumerate() {
        add(out, format!("slos[{i}].window"), slo.window.as_ref());
        add(
            out,
            format!("slos[{i}].latency.threshold"),
            slo.latency.as_ref().map(|l| &l.threshold),
        );
    }
}

fn notify_durations<'a>(manifest: &'a Manifest, out: &mut Found<'a>) {
    let Some(notify) = &manifest.notify else {
        return;
    };
    add(out, "notify.group_wait".into(), notify.group_wait.as_ref());
    add(
        out,
        "notify.group_interval".into(),
        notify.group_interval.as_ref(),
    );
    add(
        out,
        "notify.repeat_interval".into(),
        notify.repeat_interval.as_ref(),
    );
    let mut routes = Vec::new();
    collect_routes("notify", &notify.routes, &mut routes);
    for (path, route) in routes {
        add(out, format!("{path}.group_wait"), route.group_wait.as_ref());
        add(
            out,
            format!("{path}.group_interval"),
            route.group_interval.as_ref(),
        );
        add(
            out,
            format!("{path}.repeat_interval"),
            route.repeat_interval.as_ref(),
        );
    }
}

/// Every route at any depth, with its key path (`notify.routes[0].routes[1]`).
pub(crate) fn collect_routes<'a>(
    parent: &str,
    routes: &'a [Route],
    out: &mut Vec<(String, &'a Route)>,
) {
    for (index, route) in routes.iter().enumerate() {
        let path = format!("{parent}.routes[{index}]");
        out.push((path.clone(), route));
        collect_routes(&path, &route.routes, out);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{check_case, problems};

    #[test]
    fn checks_every_duration() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("components: {prometheus: {scrape_interval: 30s, scrape_timeout: 10s}}", None),
            ("components: {prometheus: {scrape_interval: 15}}", Some(("components.prometheus.scrape_interval", "`15`"))),
            ("components: {prometheus: {evaluation_interval: 1.5m}}", Some(("components.prometheus.evaluation_interval", "not a valid duration"))),
            ("components: {prometheus: {retention: {time: 15days}}}", Some(("components.prometheus.retention.time", "not a valid duration"))),
            ("components: {prometheus: {scrape_interval: 0}}", Some(("components.prometheus.scrape_interval", "longer than 0"))),
            ("components: {jaeger: {retention: 72hours}}", Some(("components.jaeger.retention", "not a valid duration"))),
            ("scrape: [{job: a, targets: ['a:1'], interval: 1m, timeout: 30s}]", None),
            ("scrape: [{job: a, targets: ['a:1'], interval: 10}]", Some(("scrape[0].interval", "not a valid duration"))),
            ("alerts: {groups: [{name: g, interval: 1h30m, rules: [{alert: A, expr: up, for: 5}]}]}", Some(("alerts.groups[0].rules[0].for", "`5`"))),
            ("alerts: {groups: [{name: g, rules: [{alert: A, expr: up, keep_firing_for: 1x}]}]}", Some(("alerts.groups[0].rules[0].keep_firing_for", "not a valid duration"))),
            ("slos: [{name: s, objective: 99, window: 30D, errors: e, total: t}]", Some(("slos[0].window", "not a valid duration"))),
            ("slos: [{name: s, objective: 99, latency: {histogram: h, threshold: 0.5s}}]", None),
            ("slos: [{name: s, objective: 99, latency: {histogram: h, threshold: 0s}}]", Some(("slos[0].latency.threshold", "longer than 0"))),
            ("slos: [{name: s, objective: 99, latency: {histogram: h, threshold: fast}}]", Some(("slos[0].latency.threshold", "not a valid duration"))),
            ("notify: {default: a, group_wait: 10 s, receivers: {a: {webhook: {url: 'http://x:1'}}}}", Some(("notify.group_wait", "not a valid duration"))),
            ("notify: {default: a, receivers: {a: {webhook: {url: 'http://x:1'}}}, routes: [{receiver: a, routes: [{receiver: a, repeat_interval: 1hour}]}]}", Some(("notify.routes[0].routes[0].repeat_interval", "not a valid duration"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }

    #[test]
    fn hints_at_the_fix_for_common_duration_slips() {
        let cases = [
            ("components: {prometheus: {scrape_interval: 15}}", "`15s`"),
            (
                "components: {prometheus: {scrape_interval: 1.5h}}",
                "`1h30m`",
            ),
            (
                "components: {prometheus: {scrape_interval: 1.5m}}",
                "`1m30s`",
            ),
        ];
        for (extra, hint) in cases {
            let found = problems(extra);
            assert!(
                found[0].hint.as_deref().unwrap_or("").contains(hint),
                "{extra}: {found:?}"
            );
        }
    }

    #[test]
    fn rejects_timeouts_longer_than_their_interval() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("components: {prometheus: {scrape_interval: 10s, scrape_timeout: 20s}}", Some(("components.prometheus.scrape_timeout", "(20s) is longer than `scrape_interval` (10s)"))),
            ("components: {prometheus: {scrape_timeout: 20s}}", None),
            ("scrape: [{job: a, targets: ['a:1'], timeout: 30s}]", Some(("scrape[0].timeout", "`scrape[0].timeout` (30s) is longer than its interval (15s)"))),
            ("components: {prometheus: {scrape_interval: 1m}}\nscrape: [{job: a, targets: ['a:1'], timeout: 30s}]", None),
            ("components: {prometheus: {scrape_interval: 20s}}\nscrape: [{job: a, targets: ['a:1'], timeout: 30s}]", Some(("scrape[0].timeout", "its interval (20s)"))),
            ("scrape: [{job: a, targets: ['a:1'], interval: 5s, timeout: 6s}]", Some(("scrape[0].timeout", "(6s) is longer than its interval (5s)"))),
            ("scrape: [{job: a, targets: ['a:1'], interval: 5s}]", None),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }

    #[test]
    fn requires_loki_retention_of_a_day_or_more() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            (
                "components: {loki: {retention: 1h}}",
                Some(("components.loki.retention", "(1h) is shorter than 24h")),
            ),
            ("components: {loki: {retention: 24h}}", None),
            ("components: {loki: {retention: 30d}}", None),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }
}
