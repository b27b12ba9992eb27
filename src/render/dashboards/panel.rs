//! Grafana 11+ dashboard JSON models built from typed panels: React panel types only,
//! datasources by `{type, uid}`, ids assigned in order, positions from the layout grid.

use serde_json::{json, Value};

use super::layout::{Grid, GridPos};
use crate::render::grafana::{LOKI_UID, PROMETHEUS_UID};

/// The panel types stackctl emits (Angular types such as `graph`/`singlestat` never).
pub const PANEL_TYPES: &[&str] = &[
    "timeseries",
    "stat",
    "gauge",
    "bargauge",
    "table",
    "logs",
    "heatmap",
    "text",
    "row",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Prometheus,
    Loki,
}

impl Source {
    pub fn reference(self) -> Value {
        match self {
            Source::Prometheus => json!({"type": "prometheus", "uid": PROMETHEUS_UID}),
            Source::Loki => json!({"type": "loki", "uid": LOKI_UID}),
        }
    }
}

/// One query of a panel.
#[derive(Debug, Clone)]
pub struct Query {
    pub expr: String,
    pub legend: Option<String>,
    /// Instant query in table format (tables); otherwise a range query.
    pub instant: bool,
}

impl Query {
    pub fn range(expr: impl Into<String>, legend: &str) -> Self {
        Self {
            expr: expr.into(),
            legend: Some(legend.to_string()),
            instant: false,
        }
    }

    pub fn instant(expr: impl Into<String>) -> Self {
        Self {
            expr: expr.into(),
            legend: None,
            instant: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Panel {
    pub kind: &'static str,
    pub title: String,
    pub description: Option<String>,
    pub w: u32,
    pub h: u32,
    pub source: Option<Source>,
    pub queries: Vec<Query>,
    pub unit: Option<String>,
    pub options: Value,
    pub field_defaults: Value,
}

impl Panel {
    fn new(kind: &'static str, title: &str, w: u32, h: u32, source: Option<Source>) -> Self {
        Self {
            kind,
            title: title.to_string(),
            description: None,
            w,
            h,
            source,
            queries: Vec::new(),
            unit: None,
            options: json!({}),
            field_defaults: json!({}),
        }
    }

    pub fn timeseries(title: &str, w: u32, h: u32) -> Self {
        let mut panel = Self::new("timeseries", title, w, h, Some(Source::Prometheus));
        panel.options = json!({"legend": {"displayMode": "list", "placement": "bottom", "showLegend": true},
                               "tooltip": {"mode": "multi", "sort": "desc"}});
        panel
    }

    pub fn stat(title: &str, w: u32, h: u32) -> Self {
        let mut panel = Self::new("stat", title, w, h, Some(Source::Prometheus));
        panel.options = json!({"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": false},
                               "colorMode": "background", "graphMode": "none", "textMode": "value_and_name",
                               "justifyMode": "auto", "orientation": "auto"});
        panel
    }

    pub fn gauge(title: &str, w: u32, h: u32) -> Self {
        let mut panel = Self::new("gauge", title, w, h, Some(Source::Prometheus));
        panel.options = json!({"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": false},
                               "showThresholdMarkers": true, "showThresholdLabels": false});
        panel
    }

    pub fn table(title: &str, w: u32, h: u32) -> Self {
        let mut panel = Self::new("table", title, w, h, Some(Source::Prometheus));
        panel.options = json!({"showHeader": true, "cellHeight": "sm"});
        panel
    }

    pub(crate) fn bargauge(title: &str, w: u32, h: u32) -> Self {
        let mut panel = Self::new("bargauge", title, w, h, Some(Source::Prometheus));
        panel.options = json!({"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": false},
                               "displayMode": "gradient", "orientation": "horizontal", "showUnfilled": true});
        panel
    }

    pub(crate) fn heatmap(title: &str, w: u32, h: u32) -> Self {
        let mut panel = Self::new("heatmap", title, w, h, Some(Source::Prometheus));
        panel.options = json!({"calculate": false, "cellGap": 1, "color": {"mode": "scheme", "scheme": "Oranges", "steps": 64},
                               "yAxis": {"axisPlacement": "left"}, "tooltip": {"mode": "single", "yHistogram": false},
                               "legend": {"show": true}});
        panel
    }

    pub fn logs(title: &str, w: u32, h: u32) -> Self {
        let mut panel = Self::new("logs", title, w, h, Some(Source::Loki));
        panel.options = json!({"showTime": true, "wrapLogMessage": true, "sortOrder": "Descending",
                               "enableLogDetails": true, "dedupStrategy": "none", "prettifyLogMessage": false});
        panel
    }

    pub fn text(title: &str, w: u32, h: u32, markdown: &str) -> Self {
        let mut panel = Self::new("text", title, w, h, None);
        panel.options = json!({"mode": "markdown", "content": markdown});
        panel
    }

    pub fn query(mut self, query: Query) -> Self {
        self.queries.push(query);
        self
    }

    pub fn unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }

    pub fn describe(mut self, text: impl Into<String>) -> Self {
        self.description = Some(text.into());
        self
    }

    /// Field defaults merged into `fieldConfig.defaults` (thresholds, mappings, min/max).
    pub fn defaults(mut self, defaults: Value) -> Self {
        self.field_defaults = defaults;
        self
    }

    /// Maps 1 → UP (green) and 0 → DOWN (red), for `up`-style series.
    pub(crate) fn up_down(self) -> Self {
        self.defaults(json!({
            "mappings": [{"type": "value", "options": {
                "0": {"text": "DOWN", "color": "red", "index": 0},
                "1": {"text": "UP", "color": "green", "index": 1}}}],
            "thresholds": {"mode": "absolute", "steps": [
                {"color": "red", "value": null}, {"color": "green", "value": 1}]}
        }))
    }

    fn to_json(&self, id: u32, pos: GridPos) -> Value {
        let mut panel = json!({"id": id, "type": self.kind, "title": self.title, "gridPos": pos});
        if let Some(description) = &self.description {
            panel["description"] = json!(description);
        }
        if let Some(source) = self.source {
            panel["datasource"] = source.reference();
            let targets: Vec<Value> = self
                .queries
                .iter()
                .enumerate()
                .map(|(i, q)| target(source, q, i))
                .map(|mut t| {
                    if self.kind == "heatmap" {
                        t["format"] = json!("heatmap");
                    }
                    t
                })
                .collect();
            panel["targets"] = Value::Array(targets);
        }
        let mut defaults = self.field_defaults.clone();
        if let Some(unit) = &self.unit {
            defaults["unit"] = json!(unit);
        }
        if self.kind != "text" && self.kind != "logs" {
            panel["fieldConfig"] = json!({"defaults": defaults, "overrides": []});
        }
        panel["options"] = self.options.clone();
        panel
    }
}

fn target(source: Source, query: &Query, index: usize) -> Value {
    let ref_id = char::from(b'A' + (index % 26) as u8).to_string();
    let mut target = json!({"refId": ref_id, "datasource": source.reference(), "expr": query.expr});
    match source {
        Source::Prometheus => {
            target["range"] = json!(!query.instant);
            target["instant"] = json!(query.instant);
            if query.instant {
                target["format"] = json!("table");
            }
            if let Some(legend) = &query.legend {
                target["legendFormat"] = json!(legend);
            }
        }
        Source::Loki => target["queryType"] = json!("range"),
    }
    target
}

/// A dashboard under construction: rows and panels in reading order.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub uid: String,
    pub title: String,
    pub tags: Vec<String>,
    items: Vec<Item>,
}

#[derive(Debug, Clone)]
enum Item {
    Row(String),
    Panel(Box<Panel>),
}

impl Dashboard {
    pub fn new(uid: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            uid: uid.into(),
            title: title.into(),
            tags: Vec::new(),
            items: Vec::new(),
        }
    }

    pub fn row(&mut self, title: impl Into<String>) -> &mut Self {
        self.items.push(Item::Row(title.into()));
        self
    }

    pub fn panel(&mut self, panel: Panel) -> &mut Self {
        self.items.push(Item::Panel(Box::new(panel)));
        self
    }

    /// The `panels` array: ids 1, 2, ... in order, positions from the grid.
    pub(crate) fn panels_json(&self) -> Vec<Value> {
        let mut grid = Grid::default();
        self.items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let id = i as u32 + 1;
                match item {
                    Item::Row(title) => json!({"id": id, "type": "row", "title": title,
                                               "collapsed": false, "panels": [], "gridPos": grid.row()}),
                    Item::Panel(panel) => panel.to_json(id, grid.place(panel.w, panel.h)),
                }
            })
            .collect()
    }
}
