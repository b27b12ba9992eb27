//! The PromQL queries of a Grafana dashboard's JSON (`targets[].expr`), generated or the
//! operator's own, parsed as Prometheus would once Grafana has filled in its variables.
//!
//! Grafana substitutes `$__rate_interval`, `$var`, `${var}` and `[[var]]` before it sends a
//! query, so each is replaced with a value of the right kind first: a duration inside `[…]`
//! or after `offset`, a plain value elsewhere (they appear in label values and `by` lists).
//! Targets of other datasources (Loki, Jaeger) are skipped.

use serde_json::Value;

use super::{promql, ExprError};

/// One query that does not parse: the panel's title, the target's `refId`, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryProblem {
    pub panel: String,
    pub ref_id: String,
    pub error: ExprError,
}

/// One Prometheus query of a dashboard: the panel's title, the target's `refId`, the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub panel: String,
    pub ref_id: String,
    pub expr: String,
}

/// Every Prometheus query of `dashboard` (panels nested in rows included) that does not parse.
pub fn check(dashboard: &Value) -> Vec<QueryProblem> {
    queries(dashboard)
        .into_iter()
        .filter_map(|query| {
            promql::check(&substitute_variables(&query.expr))
                .err()
                .map(|error| QueryProblem {
                    panel: query.panel,
                    ref_id: query.ref_id,
                    error,
                })
        })
        .collect()
}

/// Every non-empty Prometheus query of `dashboard` (accepts the HTTP API wrapper too), in
/// panel order; Loki, Jaeger and other datasources' targets are left out.
pub fn queries(dashboard: &Value) -> Vec<Query> {
    let mut found = Vec::new();
    let root = dashboard.get("dashboard").unwrap_or(dashboard);
    walk_panels(root, &mut found);
    found
}

fn walk_panels(node: &Value, found: &mut Vec<Query>) {
    let Some(panels) = node.get("panels").and_then(Value::as_array) else {
        return;
    };
    for panel in panels {
        let title = panel
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let panel_is_prometheus = is_prometheus(panel.get("datasource"));
        for target in panel
            .get("targets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let prometheus = match target.get("datasource") {
                Some(ds) if !ds.is_null() => is_prometheus(Some(ds)),
                _ => panel_is_prometheus,
            };
            let Some(expr) = target.get("expr").and_then(Value::as_str) else {
                continue;
            };
            if !prometheus || expr.trim().is_empty() {
                continue;
            }
            found.push(Query {
                panel: title.clone(),
                ref_id: target
                    .get("refId")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                expr: expr.to_string(),
            });
        }
        walk_panels(panel, found);
    }
}

/// Whether a panel or target datasource is Prometheus (or not named: the default is).
fn is_prometheus(datasource: Option<&Value>) -> bool {
    match datasource {
        None | Some(Value::Null) => true,
        Some(Value::String(name)) => !is_other(name),
        Some(Value::Object(ds)) => {
            let field = |k: &str| ds.get(k).and_then(Value::as_str).unwrap_or("");
            let kind = field("type");
            if kind.is_empty() {
                !is_other(field("uid"))
            } else {
                kind == "prometheus"
            }
        }
        Some(_) => true,
    }
}

fn is_other(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "loki",
        "jaeger",
        "tempo",
        "alertmanager",
        "-- grafana --",
        "-- dashboard --",
    ]
    .iter()
    .any(|other| name.contains(other))
}

/// The query as Grafana sends it, with every variable replaced by a value of its kind.
pub(crate) fn substitute_variables(expr: &str) -> String {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = String::with_capacity(expr.len());
    let mut i = 0;
    while i < chars.len() {
        let (length, is_variable) = variable_at(&chars, i);
        if !is_variable {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let before = out.trim_end();
        let duration = before.ends_with('[')
            || before.ends_with(':')
            || before.ends_with("offset")
            || chars[i + length..]
                .iter()
                .collect::<String>()
                .trim_start()
                .starts_with(']');
        out.push_str(if duration { "5m" } else { "x" });
        i += length;
    }
    out
}

/// The length of a Grafana variable reference starting at `i`, if one does.
fn variable_at(chars: &[char], i: usize) -> (usize, bool) {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    match chars[i] {
        '$' if chars.get(i + 1) == Some(&'{') => match chars[i..].iter().position(|c| *c == '}') {
            Some(end) => (end + 1, true),
            None => (1, false),
        },
        '$' if chars.get(i + 1).is_some_and(|c| word(*c)) => {
            let end = chars[i + 1..]
                .iter()
                .position(|c| !word(*c))
                .map_or(chars.len(), |e| i + 1 + e);
            (end - i, true)
        }
        '[' if chars.get(i + 1) == Some(&'[') && chars.get(i + 2) != Some(&'[') => {
            match chars[i..].windows(2).position(|w| w == [']', ']']) {
                Some(end) => (end + 2, true),
                None => (1, false),
            }
        }
        _ => (1, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_grafana_variables_by_kind() {
        let cases = [
            ("rate(x[$__rate_interval])", "rate(x[5m])"),
            (
                "sum by ($group) (up{job=~\"$job\"})",
                "sum by (x) (up{job=~\"x\"})",
            ),
            (
                "up{instance=\"${instance:regex}\"} offset $off",
                "up{instance=\"x\"} offset 5m",
            ),
            ("rate(x[[[interval]]])", "rate(x[5m])"),
            (
                "max_over_time(up[1h:$__interval])",
                "max_over_time(up[1h:5m])",
            ),
        ];
        for (expr, want) in cases {
            assert_eq!(substitute_variables(expr), want, "{expr}");
        }
    }

    #[test]
    fn finds_broken_prometheus_queries_only() {
        let dashboard = serde_json::json!({"panels": [
            {"title": "ok", "targets": [{"refId": "A", "expr": "rate(x[$__rate_interval])"}]},
            {"title": "broken", "targets": [{"refId": "B", "expr": "rate(x[5m]"}]},
            {"title": "logs", "datasource": {"type": "loki", "uid": "loki"}, "targets": [{"refId": "C", "expr": "{job=\"a\"} |= \"x\""}]},
            {"type": "row", "title": "r", "panels": [
                {"title": "nested", "datasource": {"uid": "prometheus"}, "targets": [{"refId": "D", "expr": "up{"}]}
            ]}
        ]});
        let found: Vec<(String, String)> = check(&dashboard)
            .into_iter()
            .map(|p| (p.panel, p.ref_id))
            .collect();
        assert_eq!(
            found,
            [
                ("broken".to_string(), "B".to_string()),
                ("nested".to_string(), "D".to_string())
            ]
        );
    }
}
