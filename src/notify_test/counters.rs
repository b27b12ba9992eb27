//! Alertmanager's per-integration notification counters (`/metrics`) and what a change in
//! them between two readings says about one integration; its log line with the error.

use std::collections::BTreeMap;

/// The four counters of one integration (`webhook`, `email`, ...).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counters {
    /// Notifications attempted (one per flush of an alert group).
    pub notifications: f64,
    /// Notifications given up on after every retry.
    pub notifications_failed: f64,
    /// HTTP/SMTP requests made, retries included.
    pub requests: f64,
    pub requests_failed: f64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Alertmanager gave up; the reason is filled in from its log when found.
    Failed,
    /// Attempts failed so far and Alertmanager is still retrying.
    Retrying,
    /// Nothing was attempted yet.
    Waiting,
}

/// Reads the notification counters of every integration from Alertmanager's `/metrics` text.
pub fn parse(metrics: &str) -> BTreeMap<String, Counters> {
    let mut out: BTreeMap<String, Counters> = BTreeMap::new();
    for line in metrics.lines().filter(|l| !l.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let Ok(value) = value.parse::<f64>() else {
            continue;
        };
        let Some((name, labels)) = series.split_once('{') else {
            continue;
        };
        let Some(integration) = label(labels, "integration") else {
            continue;
        };
        let counters = out.entry(integration).or_default();
        match name {
            "alertmanager_notifications_total" => counters.notifications = value,
            "alertmanager_notifications_failed_total" => counters.notifications_failed = value,
            "alertmanager_notification_requests_total" => counters.requests = value,
            "alertmanager_notification_requests_failed_total" => counters.requests_failed = value,
            _ => {}
        }
    }
    out
}

fn label(labels: &str, name: &str) -> Option<String> {
    let start = labels.find(&format!("{name}=\""))? + name.len() + 2;
    let rest = &labels[start..];
    Some(rest[..rest.find('"')?].to_string())
}

/// What happened to one integration between `before` and `after`. The counters are per
/// integration type, shared by every receiver: a success counts as this receiver's delivery
/// only while no request of that type failed meanwhile (a failure is then told apart by the
/// log line naming the receiver).
pub fn outcome(before: Counters, after: Counters) -> Outcome {
    let failed_requests = after.requests_failed > before.requests_failed;
    if after.notifications_failed > before.notifications_failed {
        Outcome::Failed
    } else if failed_requests {
        Outcome::Retrying
    } else if succeeded(before, after) {
        Outcome::Delivered
    } else {
        Outcome::Waiting
    }
}

/// Whether a request of the integration succeeded between `before` and `after`.
pub fn succeeded(before: Counters, after: Counters) -> bool {
    (after.requests - before.requests) - (after.requests_failed - before.requests_failed) > 0.0
}

/// Alertmanager's own error for `receiver`'s `integration`, from its log: the `err` of the
/// last `Notify for alerts failed` line at or after `since` (RFC 3339, UTC) that names
/// `receiver/integration[`.
pub(crate) fn error_in_log(
    log: &str,
    receiver: &str,
    integration: &str,
    since: &str,
) -> Option<String> {
    let tag = format!("{receiver}/{integration}[");
    log.lines()
        .filter(|line| line.contains(&tag) && line.contains("err="))
        .filter(|line| timestamp(line).is_some_and(|ts| ts.as_str() >= since))
        .rev()
        .find_map(|line| {
            let err = &line[line.find("err=")? + 4..];
            Some(unquote(err))
        })
}

/// The `ts=` of a logfmt line, cut to whole seconds so it compares with an RFC 3339 time.
fn timestamp(line: &str) -> Option<String> {
    let ts = line
        .split(' ')
        .find_map(|field| field.strip_prefix("ts="))?;
    let seconds = ts.get(..19)?;
    Some(format!("{seconds}Z"))
}

/// A logfmt value: quoted (with `\"` escapes) or up to the next space.
fn unquote(value: &str) -> String {
    let Some(quoted) = value.strip_prefix('"') else {
        return value.split(' ').next().unwrap_or_default().to_string();
    };
    let mut out = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '"' => break,
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const METRICS: &str = r#"# HELP alertmanager_notifications_total The total number of attempted notifications.
alertmanager_notifications_total{integration="email"} 0
alertmanager_notifications_total{integration="webhook"} 3
alertmanager_notifications_failed_total{integration="webhook"} 1
alertmanager_notification_requests_total{integration="webhook"} 7
alertmanager_notification_requests_failed_total{integration="webhook"} 5
alertmanager_notification_latency_seconds_bucket{integration="webhook",le="1"} 2
"#;

    #[test]
    fn reads_counters_per_integration() {
        let counters = parse(METRICS);
        assert_eq!(
            counters["webhook"],
            Counters {
                notifications: 3.0,
                notifications_failed: 1.0,
                requests: 7.0,
                requests_failed: 5.0
            }
        );
        assert_eq!(counters["email"], Counters::default());
    }

    #[test]
    fn judges_each_change() {
        let c = |n, nf, r, rf| Counters {
            notifications: n,
            notifications_failed: nf,
            requests: r,
            requests_failed: rf,
        };
        let cases = [
            (c(0., 0., 0., 0.), c(0., 0., 0., 0.), Outcome::Waiting),
            (c(0., 0., 0., 0.), c(1., 0., 1., 0.), Outcome::Delivered),
            // A success while requests failed: this receiver's, or another's? The log decides.
            (c(0., 0., 0., 0.), c(1., 0., 3., 2.), Outcome::Retrying),
            (c(0., 0., 0., 0.), c(1., 0., 2., 2.), Outcome::Retrying),
            (c(0., 0., 0., 0.), c(1., 1., 4., 4.), Outcome::Failed),
        ];
        for (before, after, want) in cases {
            assert_eq!(outcome(before, after), want, "{before:?} → {after:?}");
        }
    }

    #[test]
    fn finds_alertmanagers_error_for_the_integration() {
        let log = r#"ts=2026-01-01T00:00:00Z caller=dispatch.go:352 level=error component=dispatcher msg="Notify for alerts failed" num_alerts=1 err="closed/webhook[0]: notify retry canceled after 4 attempts: Post \"<redacted>\": dial tcp 172.20.0.3:9: connect: connection refused"
ts=2026-01-01T00:00:01Z level=error msg="Notify for alerts failed" err="other/webhook[0]: nope""#;
        assert_eq!(
            error_in_log(log, "closed", "webhook", "2026-01-01T00:00:00Z").as_deref(),
            Some("closed/webhook[0]: notify retry canceled after 4 attempts: Post \"<redacted>\": dial tcp 172.20.0.3:9: connect: connection refused")
        );
        assert_eq!(
            error_in_log(log, "closed", "email", "2026-01-01T00:00:00Z"),
            None
        );
        // A failure from before the test alert was sent is someone else's.
        assert_eq!(
            error_in_log(log, "closed", "webhook", "2026-01-01T00:00:01Z"),
            None
        );
    }
}
