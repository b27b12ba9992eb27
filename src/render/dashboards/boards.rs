//! `dashboards.boards`: dashboards written as panel lists, rendered to Grafana 11+ models on the
//! same grid, datasources and panel builders as the generated ones. PromQL and LogQL are checked
//! here, so a typo is a manifest error with its key rather than an empty panel.

use serde_json::json;

use super::expr_check;
use super::panel::{Dashboard, Panel, Query};
use super::uid;
use crate::manifest::{Board, BoardPanel, Diagnostic};
use crate::render::Draft;

/// Panel types a board may use; `timeseries` when `type` is absent.
pub(crate) const BOARD_PANEL_TYPES: &[&str] = &[
    "timeseries",
    "stat",
    "gauge",
    "bargauge",
    "table",
    "heatmap",
    "logs",
];

/// The boards that can be rendered; each problem is reported with its key.
pub fn build(boards: &[Board], draft: &mut Draft) -> Vec<Dashboard> {
    let mut out = Vec::new();
    for (i, board) in boards.iter().enumerate() {
        let key = format!("dashboards.boards[{i}]");
        let before = draft.problems.len();
        let mut dashboard = Dashboard::new(board_uid(board), board.title.clone());
        dashboard.tags = board.tags.clone();
        for (j, spec) in board.panels.iter().enumerate() {
            if let Some(panel) = panel(spec, &format!("{key}.panels[{j}]"), draft) {
                dashboard.panel(panel);
            }
        }
        check_uid(board, &key, draft);
        if draft.problems.len() == before {
            out.push(dashboard);
        }
    }
    out
}

/// `uid`, or a stable one from the title (`stackctl-board-<slug>`).
pub(crate) fn board_uid(board: &Board) -> String {
    board
        .uid
        .clone()
        .unwrap_or_else(|| uid(&format!("board-{}", slug(&board.title))))
}

fn slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.join("-")
}

fn check_uid(board: &Board, key: &str, draft: &mut Draft) {
    let Some(uid) = &board.uid else { return };
    let valid = !uid.is_empty()
        && uid.len() <= 40
        && uid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        draft.problem(
            Diagnostic::new(
                format!("{key}.uid"),
                format!("`{uid}` is not a Grafana dashboard uid"),
            )
            .hint("use 1 to 40 letters, digits, `-` or `_`"),
        );
    }
}

fn panel(spec: &BoardPanel, key: &str, draft: &mut Draft) -> Option<Panel> {
    let kind = spec.kind.as_deref().unwrap_or("timeseries");
    if !BOARD_PANEL_TYPES.contains(&kind) {
        draft.problem(
            Diagnostic::new(
                format!("{key}.type"),
                format!("unknown panel type `{kind}`"),
            )
            .hint(format!("use one of {}", BOARD_PANEL_TYPES.join(", "))),
        );
        return None;
    }
    let queries = queries(spec, kind, key, draft)?;
    let (w, h) = size(kind);
    let (w, h) = (spec.width.unwrap_or(w), spec.height.unwrap_or(h));
    if w == 0 || w > 24 || h == 0 {
        draft.problem(
            Diagnostic::new(
                format!("{key}.width"),
                format!("a panel {w} columns wide and {h} rows high does not fit the grid"),
            )
            .hint("`width` is 1 to 24 (Grafana's grid has 24 columns), `height` at least 1"),
        );
        return None;
    }
    let title = spec.title.as_str();
    let mut panel = match kind {
        "stat" => Panel::stat(title, w, h),
        "gauge" => Panel::gauge(title, w, h),
        "bargauge" => Panel::bargauge(title, w, h),
        "table" => Panel::table(title, w, h),
        "heatmap" => Panel::heatmap(title, w, h),
        "logs" => Panel::logs(title, w, h),
        _ => Panel::timeseries(title, w, h),
    };
    for query in queries {
        panel = panel.query(query);
    }
    if let Some(unit) = &spec.unit {
        panel = panel.unit(unit.clone());
    }
    if let Some(description) = &spec.description {
        panel = panel.describe(description.clone());
    }
    if kind != "logs" {
        panel = panel.defaults(field_defaults(spec));
    }
    Some(panel)
}

/// Default sizes: small tiles for single values, half width for graphs, full width for logs.
fn size(kind: &str) -> (u32, u32) {
    match kind {
        "stat" | "gauge" => (6, 4),
        "logs" => (24, 10),
        _ => (12, 8),
    }
}

/// The panel's queries: `logql` for logs panels, `expr`/`exprs` (PromQL) for the others.
fn queries(spec: &BoardPanel, kind: &str, key: &str, draft: &mut Draft) -> Option<Vec<Query>> {
    if kind == "logs" {
        let Some(logql) = &spec.logql else {
            draft.problem(
                Diagnostic::new(key, "a `logs` panel needs `logql`").hint(
                    r#"write the LogQL selector, e.g. `logql: '{service="api"} |= "error"'`"#,
                ),
            );
            return None;
        };
        if spec.expr.is_some() || !spec.exprs.is_empty() {
            draft.problem(
                Diagnostic::new(key, "a `logs` panel shows LogQL, not PromQL `expr`/`exprs`")
                    .hint("use a `timeseries` panel for PromQL next to this one"),
            );
            return None;
        }
        if let Err(e) = expr_check::logql(logql) {
            draft.problem(
                Diagnostic::new(
                    format!("{key}.logql"),
                    format!("`{logql}` is not a LogQL log query: {e}"),
                )
                .hint(r#"a log query starts with a stream selector such as `{service="api"}`"#),
            );
            return None;
        }
        return Some(vec![Query {
            expr: logql.clone(),
            legend: None,
            instant: false,
        }]);
    }
    if spec.logql.is_some() {
        draft.problem(
            Diagnostic::new(
                format!("{key}.logql"),
                format!("`logql` needs `type: logs`, not `{kind}`"),
            )
            .hint("set `type: logs`, or write PromQL in `expr`"),
        );
        return None;
    }
    let mut exprs: Vec<(String, Option<String>, String)> = Vec::new();
    if let Some(expr) = &spec.expr {
        exprs.push((expr.clone(), spec.legend.clone(), format!("{key}.expr")));
    }
    for (i, e) in spec.exprs.iter().enumerate() {
        exprs.push((
            e.expr.clone(),
            e.legend.clone(),
            format!("{key}.exprs[{i}].expr"),
        ));
    }
    if exprs.is_empty() {
        draft.problem(
            Diagnostic::new(key, "a panel needs `expr` or `exprs`")
                .hint("write the PromQL it shows, e.g. `expr: sum(rate(http_requests_total[5m]))`"),
        );
        return None;
    }
    let mut out = Vec::new();
    let mut failed = false;
    for (expr, legend, expr_key) in exprs {
        if let Err(e) = expr_check::promql(&expr) {
            draft.problem(
                Diagnostic::new(&expr_key, format!("`{expr}` is not valid PromQL: {e}"))
                    .hint("Grafana's `$__rate_interval`, `$__interval` and `$__range` may stand for a range"),
            );
            failed = true;
            continue;
        }
        out.push(Query {
            expr,
            legend,
            instant: kind == "table",
        });
    }
    (!failed).then_some(out)
}

/// Thresholds (green, then yellow, then red for each further step), min and max.
fn field_defaults(spec: &BoardPanel) -> serde_json::Value {
    let mut defaults = json!({});
    if !spec.thresholds.is_empty() {
        let colors = ["yellow", "red"];
        let mut steps = vec![json!({"color": "green", "value": null})];
        for (i, value) in spec.thresholds.iter().enumerate() {
            steps.push(json!({"color": colors[i.min(1)], "value": value}));
        }
        defaults["thresholds"] = json!({"mode": "absolute", "steps": steps});
        defaults["color"] = json!({"mode": "thresholds"});
    }
    if let Some(min) = spec.min {
        defaults["min"] = json!(min);
    }
    if let Some(max) = spec.max {
        defaults["max"] = json!(max);
    }
    defaults
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::dashboards::layout::{find_overlap, GridPos};

    fn boards(yaml: &str) -> Vec<Board> {
        serde_yaml::from_str(yaml).expect("test boards parse")
    }

    #[test]
    fn boards_lay_out_panels_without_overlap_with_one_datasource_per_language() {
        let mut draft = Draft::new(&[]);
        let built = build(
            &boards(
                r#"
- title: WhatsApp Metrics
  tags: [app]
  panels:
    - {title: Messages/s, expr: 'sum(rate(messages_received_total[5m])) by (message_type)', unit: ops}
    - {title: Queue size, type: stat, expr: message_queue_size, thresholds: [100, 1000]}
    - {title: p95 latency, exprs: [{expr: 'histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval])))', legend: p95}], unit: s}
    - {title: Sessions, type: gauge, expr: sessions, max: 100}
    - {title: Heat, type: heatmap, expr: 'sum by (le) (rate(x_bucket[5m]))'}
    - {title: Errors, type: logs, logql: '{service="api"} |= "error"'}
"#,
            ),
            &mut draft,
        );
        assert!(draft.problems.is_empty(), "{:?}", draft.problems);
        let panels = built[0].panels_json();
        assert_eq!(built[0].uid, "stackctl-board-whatsapp-metrics");
        let positions: Vec<GridPos> = panels
            .iter()
            .map(|p| serde_json::from_value(p["gridPos"].clone()).unwrap())
            .collect();
        assert_eq!(find_overlap(&positions), None);
        let kinds: Vec<&str> = panels.iter().map(|p| p["type"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            [
                "timeseries",
                "stat",
                "timeseries",
                "gauge",
                "heatmap",
                "logs"
            ]
        );
        assert_eq!(panels[0]["fieldConfig"]["defaults"]["unit"], "ops");
        assert_eq!(
            panels[1]["fieldConfig"]["defaults"]["thresholds"]["steps"][2]["color"],
            "red"
        );
        assert_eq!(panels[2]["targets"][0]["legendFormat"], "p95");
        assert_eq!(panels[4]["targets"][0]["format"], "heatmap");
        assert_eq!(panels[5]["datasource"]["type"], "loki");
        assert_eq!(panels[0]["datasource"]["type"], "prometheus");
    }

    #[test]
    fn refuses_panels_that_cannot_show_anything() {
        let cases = [
            (
                "{title: a, expr: 'rate(x[5m]'}",
                "dashboards.boards[0].panels[0].expr",
            ),
            (
                "{title: a, exprs: [{expr: ok}, {expr: 'sum by (le x)'}]}",
                "dashboards.boards[0].panels[0].exprs[1].expr",
            ),
            ("{title: a}", "dashboards.boards[0].panels[0]"),
            (
                "{title: a, type: graph, expr: up}",
                "dashboards.boards[0].panels[0].type",
            ),
            ("{title: a, type: logs}", "dashboards.boards[0].panels[0]"),
            (
                "{title: a, type: logs, logql: 'error'}",
                "dashboards.boards[0].panels[0].logql",
            ),
            (
                "{title: a, logql: '{a=\"b\"}'}",
                "dashboards.boards[0].panels[0].logql",
            ),
            (
                "{title: a, expr: up, width: 30}",
                "dashboards.boards[0].panels[0].width",
            ),
        ];
        for (panel, key) in cases {
            let mut draft = Draft::new(&[]);
            let yaml = format!("[{{title: B, panels: [{panel}]}}]");
            let built = build(&boards(&yaml), &mut draft);
            assert!(built.is_empty(), "{panel}");
            let paths: Vec<&str> = draft.problems.iter().map(|p| p.path.as_str()).collect();
            assert_eq!(paths, [key], "{panel}");
        }
    }
}
