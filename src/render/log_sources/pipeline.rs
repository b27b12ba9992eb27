//! `logs.pipeline` as shipper-neutral stages: each stage is its kind, at most one map argument
//! and plain attributes, which both Alloy (`stage.<kind> { ... }`) and Promtail
//! (`- <kind>: {...}`) lay out with the same names. Problems (a regex RE2 refuses, `value`
//! without `source`) are reported here once for both shippers.

use serde::Serialize;
use serde_json::Value;

use super::is_label_name;
use crate::manifest::{Diagnostic, DropStage, PipelineStage, StageKind};
use crate::render::Draft;

/// A stage ready for a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// `json`, `labels`, `regex`, `timestamp`, `multiline`, `drop`, `output`.
    pub kind: &'static str,
    /// The map argument's name in Alloy (`expressions`, `values`) and its entries in order.
    pub map_name: Option<&'static str>,
    pub map: Vec<(String, String)>,
    /// Scalar arguments (strings, or numbers for counts).
    pub attrs: Vec<(&'static str, Value)>,
}

impl Stage {
    fn new(kind: &'static str) -> Self {
        Self {
            kind,
            map_name: None,
            map: Vec::new(),
            attrs: Vec::new(),
        }
    }

    fn attr(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.attrs.push((name, value.into()));
        self
    }

    fn attr_opt(self, name: &'static str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(value) => self.attr(name, value),
            None => self,
        }
    }
}

/// The stages of `logs.pipeline`, reporting each stage that cannot work.
pub fn stages(pipeline: &[PipelineStage], draft: &mut Draft) -> Vec<Stage> {
    let mut out = Vec::new();
    for (i, stage) in pipeline.iter().enumerate() {
        let key = format!("logs.pipeline[{i}]");
        match build(stage, &key) {
            Ok(stage) => out.push(stage),
            Err(problem) => draft.problem(problem),
        }
    }
    out
}

fn build(stage: &PipelineStage, key: &str) -> Result<Stage, Diagnostic> {
    let kinds = stage.kinds();
    let [kind] = kinds.as_slice() else {
        return Err(Diagnostic::new(
            key,
            format!(
                "a pipeline stage sets exactly one of {STAGE_KEYS}, found {}",
                kinds.len()
            ),
        )
        .hint("write each stage as its own list item: `- json: {...}` then `- labels: [...]`"));
    };
    Ok(match *kind {
        StageKind::Json(fields) => {
            let mut stage = Stage::new("json");
            stage.map_name = Some("expressions");
            stage.map = fields
                .iter()
                .map(|(name, expr)| (name.clone(), expr.clone().unwrap_or_else(|| name.clone())))
                .collect();
            stage
        }
        StageKind::Labels(names) => {
            if let Some(bad) = names.iter().find(|n| !is_label_name(n)) {
                return Err(Diagnostic::new(
                    format!("{key}.labels"),
                    format!("`{bad}` is not a valid Loki label name"),
                )
                .hint("label names match [a-zA-Z_][a-zA-Z0-9_]* and do not start with `__`"));
            }
            let mut stage = Stage::new("labels");
            stage.map_name = Some("values");
            stage.map = names.iter().map(|n| (n.clone(), String::new())).collect();
            stage
        }
        StageKind::Regex(regex) => {
            check_regex(&format!("{key}.regex"), regex.expression())?;
            Stage::new("regex")
                .attr("expression", regex.expression())
                .attr_opt("source", regex.source())
        }
        StageKind::Timestamp(ts) => Stage::new("timestamp")
            .attr("source", ts.source.as_str())
            .attr("format", ts.format.as_str())
            .attr_opt("location", ts.location.as_deref()),
        StageKind::Multiline(ml) => {
            check_regex(&format!("{key}.multiline.firstline"), &ml.firstline)?;
            Stage::new("multiline")
                .attr("firstline", ml.firstline.as_str())
                .attr_opt(
                    "max_wait_time",
                    ml.max_wait_time.as_ref().map(|d| d.to_string()),
                )
                .attr_opt("max_lines", ml.max_lines)
        }
        StageKind::Drop(drop) => drop_stage(drop, key)?,
        StageKind::Output(source) => Stage::new("output").attr("source", source),
    })
}

fn drop_stage(drop: &DropStage, key: &str) -> Result<Stage, Diagnostic> {
    if drop.value.is_some() && drop.source.is_none() {
        return Err(Diagnostic::new(
            format!("{key}.drop.value"),
            "`value` needs `source`: it is compared with an extracted value",
        )
        .hint("name the extracted value (`source: level`), or match the line with `expression`"));
    }
    if drop.value.is_some() && drop.expression.is_some() {
        return Err(Diagnostic::new(
            format!("{key}.drop"),
            "`value` and `expression` cannot both be set",
        )
        .hint("use a separate `drop` stage for each condition"));
    }
    if drop.value.is_none() && drop.expression.is_none() && drop.older_than.is_none() {
        return Err(Diagnostic::new(
            format!("{key}.drop"),
            "a `drop` stage without `value`, `expression` or `older_than` would drop every line",
        )
        .hint("add the condition that selects the lines to drop"));
    }
    if let Some(expression) = &drop.expression {
        check_regex(&format!("{key}.drop.expression"), expression)?;
    }
    Ok(Stage::new("drop")
        .attr_opt("source", drop.source.as_deref())
        .attr_opt("value", drop.value.as_deref())
        .attr_opt("expression", drop.expression.as_deref())
        .attr_opt(
            "older_than",
            drop.older_than.as_ref().map(|d| d.to_string()),
        ))
}

const STAGE_KEYS: &str = "`json`, `labels`, `regex`, `timestamp`, `multiline`, `drop`, `output`";

/// RE2 and Rust's `regex` agree on the syntax used in log pipelines (named groups `(?P<x>)`,
/// classes, anchors); both refuse look-around and back-references.
fn check_regex(key: &str, expression: &str) -> Result<(), Diagnostic> {
    regex::Regex::new(expression).map(|_| ()).map_err(|e| {
        let reason = e.to_string();
        let last = reason.lines().last().unwrap_or("invalid").trim().to_string();
        Diagnostic::new(key, format!("`{expression}` is not a valid RE2 expression: {last}"))
            .hint("the shippers use Go's RE2 syntax: no look-around or back-references; name groups `(?P<name>...)`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Vec<PipelineStage> {
        serde_yaml::from_str(yaml).expect("test pipeline parses")
    }

    #[test]
    fn every_stage_kind_becomes_a_stage() {
        let pipeline = parse(
            r#"
- json: {level: level, message: msg, service: }
- labels: [level, service]
- regex: '^(?P<ts>\S+) (?P<level>\w+)'
- regex: {expression: '(?P<user>\w+)', source: message}
- timestamp: {source: ts, format: RFC3339}
- multiline: {firstline: '^\d{4}-\d{2}-\d{2}', max_wait_time: 3s}
- drop: {source: level, value: debug}
- output: message
"#,
        );
        let mut draft = Draft::new(&[]);
        let got = stages(&pipeline, &mut draft);
        assert!(draft.problems.is_empty(), "{:?}", draft.problems);
        let kinds: Vec<&str> = got.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                "json",
                "labels",
                "regex",
                "regex",
                "timestamp",
                "multiline",
                "drop",
                "output"
            ]
        );
        assert_eq!(
            got[0].map,
            [
                ("level".to_string(), "level".to_string()),
                ("message".to_string(), "msg".to_string()),
                ("service".to_string(), "service".to_string())
            ]
        );
        assert_eq!(got[3].attrs[1], ("source", Value::from("message")));
        assert_eq!(got[5].attrs[1], ("max_wait_time", Value::from("3s")));
    }

    #[test]
    fn refuses_stages_that_cannot_work() {
        let cases = [
            ("- regex: '(?<=a)b'", "logs.pipeline[0].regex"),
            (
                "- multiline: {firstline: '('}",
                "logs.pipeline[0].multiline.firstline",
            ),
            ("- drop: {value: debug}", "logs.pipeline[0].drop.value"),
            ("- drop: {source: level}", "logs.pipeline[0].drop"),
            (
                "- drop: {source: l, value: a, expression: b}",
                "logs.pipeline[0].drop",
            ),
            ("- labels: [trace-id]", "logs.pipeline[0].labels"),
            ("- {output: a, labels: [b]}", "logs.pipeline[0]"),
            ("- {}", "logs.pipeline[0]"),
        ];
        for (yaml, key) in cases {
            let mut draft = Draft::new(&[]);
            let got = stages(&parse(yaml), &mut draft);
            assert!(got.is_empty(), "{yaml}");
            assert_eq!(draft.problems.len(), 1, "{yaml}");
            assert_eq!(draft.problems[0].path, key, "{yaml}");
        }
    }
}
