//! What Prometheus knows about the stack: down scrape targets (with their last error), rules
//! whose evaluation fails, firing alerts. Read from its HTTP API with short timeouts.

use std::time::Duration;

use serde_json::Value;

use crate::commands::session::http;
pub(crate) use crate::output::status::report::{
    DownTarget, FiringAlert, PrometheusView, RuleFailure,
};

const TIMEOUT: Duration = Duration::from_millis(1500);

/// Reads targets, rules and alerts in parallel from `base` (`http://127.0.0.1:9090`), with
/// basic auth when `credentials` are given.
pub async fn read(base: &str, credentials: Option<(String, String)>) -> PrometheusView {
    let (targets, rules, alerts) = futures_util::join!(
        fetch(base, "/api/v1/targets?state=active", credentials.clone()),
        fetch(base, "/api/v1/rules", credentials.clone()),
        fetch(base, "/api/v1/alerts", credentials.clone()),
    );
    let mut view = PrometheusView::default();
    match (targets, rules, alerts) {
        (Ok(targets), Ok(rules), Ok(alerts)) => {
            (view.targets_up, view.targets_down) = parse_targets(&targets);
            view.rule_failures = parse_rules(&rules);
            view.firing_alerts = parse_alerts(&alerts);
        }
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => view.error = Some(e),
    }
    view
}

async fn fetch(
    base: &str,
    path: &str,
    credentials: Option<(String, String)>,
) -> Result<Value, String> {
    let url = format!("{base}{path}");
    let reply = http::get_as(&url, credentials, TIMEOUT)
        .await
        .map_err(|e| format!("{e:#}"))?;
    if !reply.ok() {
        return Err(format!("GET {url} answered {}", reply.status));
    }
    serde_json::from_str(&reply.body).map_err(|e| format!("GET {url}: {e}"))
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Targets that are up, and those whose last scrape failed; targets not scraped yet
/// (`unknown`, right after a deploy or reload) are neither.
pub(crate) fn parse_targets(body: &Value) -> (usize, Vec<DownTarget>) {
    let active = body["data"]["activeTargets"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let up = active.iter().filter(|t| t["health"] == "up").count();
    let down = active
        .iter()
        .filter(|t| t["health"] == "down")
        .map(|t| DownTarget {
            job: text(&t["labels"], "job"),
            instance: text(&t["labels"], "instance"),
            health: text(t, "health"),
            last_error: text(t, "lastError"),
        })
        .collect();
    (up, down)
}

pub(crate) fn parse_rules(body: &Value) -> Vec<RuleFailure> {
    let groups = body["data"]["groups"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    groups
        .iter()
        .flat_map(|g| {
            let group = text(g, "name");
            g["rules"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(move |r| {
                    (r["health"] == "err").then(|| RuleFailure {
                        group: group.clone(),
                        rule: text(&r, "name"),
                        error: text(&r, "lastError"),
                    })
                })
        })
        .collect()
}

pub(crate) fn parse_alerts(body: &Value) -> Vec<FiringAlert> {
    let alerts = body["data"]["alerts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    alerts
        .iter()
        .filter(|a| a["state"] == "firing")
        .map(|a| {
            let labels = a["labels"].as_object().cloned().unwrap_or_default();
            FiringAlert {
                name: text(&a["labels"], "alertname"),
                labels: labels
                    .iter()
                    .filter(|(k, _)| k.as_str() != "alertname")
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_down_targets_failing_rules_and_firing_alerts_only() {
        let targets = serde_json::json!({"data": {"activeTargets": [
            {"labels": {"job": "node", "instance": "node-exporter:9100"}, "health": "up", "lastError": ""},
            {"labels": {"job": "api", "instance": "api:5500"}, "health": "down", "lastError": "dial tcp: connection refused"},
            {"labels": {"job": "new", "instance": "new:1"}, "health": "unknown", "lastError": ""}
        ]}});
        let (up, down) = parse_targets(&targets);
        assert_eq!(up, 1);
        assert_eq!(down.len(), 1, "not yet scraped is not down");
        assert_eq!(down[0].last_error, "dial tcp: connection refused");
        let rules = serde_json::json!({"data": {"groups": [{"name": "g", "rules": [
            {"name": "ok", "health": "ok"}, {"name": "bad", "health": "err", "lastError": "many-to-many matching"}
        ]}]}});
        assert_eq!(
            parse_rules(&rules),
            vec![RuleFailure {
                group: "g".into(),
                rule: "bad".into(),
                error: "many-to-many matching".into()
            }]
        );
        let alerts = serde_json::json!({"data": {"alerts": [
            {"labels": {"alertname": "Down", "job": "api"}, "state": "firing"},
            {"labels": {"alertname": "Slow"}, "state": "pending"}
        ]}});
        assert_eq!(
            parse_alerts(&alerts),
            vec![FiringAlert {
                name: "Down".into(),
                labels: [("job".to_string(), "api".to_string())].into()
            }]
        );
    }
}
