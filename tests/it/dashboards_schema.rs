//! Every dashboard of every fixture — generated, `dashboards.boards` and the operator's files —
//! judged by Grafana's own JSON schema (grafana-foundation-sdk, in
//! `../shared/reference/grafana-dashboard-schema/`): the dashboard model, each panel's
//! `options` and `fieldConfig.defaults.custom` by its panel type, each query by its datasource.
//! A wrong type, an unknown enum value or an unknown key fails; a missing field the schema marks
//! required but Grafana fills in on load is not an error (the schema README says so).

use crate::logs_fixtures;

use std::path::PathBuf;

use jsonschema::error::ValidationErrorKind;
use logs_fixtures::render_all;
use serde_json::{json, Value};

/// The schema directory: `../shared/...` beside the repository (CI and the main checkout), or
/// one level further up for a worktree under `wt/`.
fn schema_dir() -> Option<PathBuf> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    ["../shared", "../../shared"]
        .iter()
        .map(|up| repo.join(up).join("reference/grafana-dashboard-schema"))
        .find(|dir| dir.join("dashboard.jsonschema.json").is_file())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

struct Schemas {
    dir: PathBuf,
}

impl Schemas {
    fn load(&self, file: &str) -> Option<Value> {
        let text = std::fs::read_to_string(self.dir.join(file)).ok()?;
        Some(serde_json::from_str(&text).expect("schema file is JSON"))
    }

    /// A validator for `definition` of `file` (the file's own root when `None`).
    fn validator(&self, file: &str, definition: Option<&str>) -> Option<jsonschema::Validator> {
        let mut schema = self.load(file)?;
        if let Some(definition) = definition {
            schema.get("definitions")?.get(definition)?;
            schema["$ref"] = json!(format!("#/definitions/{definition}"));
        }
        Some(jsonschema::validator_for(&schema).expect("schema compiles"))
    }
}

/// Errors other than a missing required field, as `path: message`.
fn errors(validator: &jsonschema::Validator, instance: &Value, at: &str) -> Vec<String> {
    validator
        .iter_errors(instance)
        .filter(|e| !matches!(e.kind(), ValidationErrorKind::Required { .. }))
        .map(|e| format!("{at}{}: {e}", e.instance_path()))
        .collect()
}

/// Every panel, including those nested in rows.
fn panels(dashboard: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().into_iter().flatten() {
        out.push(panel);
        out.extend(panel["panels"].as_array().into_iter().flatten());
    }
    out
}

fn check_dashboard(schemas: &Schemas, dashboard: &Value) -> Vec<String> {
    let model = schemas
        .validator("dashboard.jsonschema.json", None)
        .expect("dashboard schema");
    let mut found = errors(&model, dashboard, "");
    for (i, panel) in panels(dashboard).into_iter().enumerate() {
        let kind = panel["type"].as_str().unwrap_or_default();
        if kind == "row" {
            continue;
        }
        let file = format!("{kind}.jsonschema.json");
        let at = format!("/panels[{i}] ({kind})");
        if let (Some(options), Some(validator)) = (
            panel.get("options"),
            schemas.validator(&file, Some("Options")),
        ) {
            found.extend(errors(&validator, options, &format!("{at}/options")));
        }
        let custom = &panel["fieldConfig"]["defaults"]["custom"];
        if let (false, Some(validator)) = (
            custom.is_null(),
            schemas.validator(&file, Some("FieldConfig")),
        ) {
            found.extend(errors(
                &validator,
                custom,
                &format!("{at}/fieldConfig/defaults/custom"),
            ));
        }
        for (j, target) in panel["targets"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let source = target["datasource"]["type"]
                .as_str()
                .or(panel["datasource"]["type"].as_str())
                .unwrap_or_default();
            if let Some(validator) = schemas.validator(&format!("{source}.jsonschema.json"), None) {
                found.extend(errors(&validator, target, &format!("{at}/targets[{j}]")));
            }
        }
    }
    found
}

#[test]
fn every_dashboard_passes_grafanas_json_schema() {
    let Some(dir) = schema_dir() else {
        let message = "SKIP: every_dashboard_passes_grafanas_json_schema needs ../shared/reference/grafana-dashboard-schema";
        assert!(
            !in_ci(),
            "{message} (CI=true: a missing schema is a failure)"
        );
        eprintln!("{message}");
        return;
    };
    let schemas = Schemas { dir };
    let (mut checked, mut problems) = (0, Vec::new());
    for fixture in render_all() {
        for (path, file) in fixture
            .rendered
            .files
            .iter()
            .filter(|(p, _)| p.starts_with("grafana/dashboards/") && p.ends_with(".json"))
        {
            let dashboard: Value =
                serde_json::from_str(file.contents.expose()).expect("dashboard JSON");
            checked += 1;
            for error in check_dashboard(&schemas, &dashboard) {
                problems.push(format!("{}: {path}{error}", fixture.name));
            }
        }
    }
    assert!(checked > 20, "only {checked} dashboards found");
    assert!(
        problems.is_empty(),
        "{} schema errors:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The judge itself: a wrong type, an unknown enum value and an unknown key each fail.
#[test]
fn the_schema_check_catches_wrong_types_enums_and_keys() {
    let Some(dir) = schema_dir() else {
        assert!(
            !in_ci(),
            "SKIP: needs the Grafana dashboard schema (CI=true: failure)"
        );
        eprintln!("SKIP: the_schema_check_catches_wrong_types_enums_and_keys needs the schema");
        return;
    };
    let schemas = Schemas { dir };
    let good = json!({
        "uid": "x", "title": "X", "schemaVersion": 41, "templating": {"list": []},
        "annotations": {"list": []},
        "panels": [{"id": 1, "type": "timeseries", "title": "t",
                    "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8},
                    "datasource": {"type": "prometheus", "uid": "prometheus"},
                    "targets": [{"refId": "A", "expr": "up"}],
                    "options": {"legend": {"displayMode": "list", "placement": "bottom", "showLegend": true}}}]
    });
    assert_eq!(check_dashboard(&schemas, &good), Vec::<String>::new());
    type Mutation = (&'static str, Box<dyn Fn(&mut Value)>);
    let mutations: [Mutation; 4] = [
        (
            "wrong type",
            Box::new(|d| d["panels"][0]["gridPos"]["w"] = json!("12")),
        ),
        (
            "unknown enum",
            Box::new(|d| d["panels"][0]["options"]["legend"]["placement"] = json!("middle")),
        ),
        (
            "unknown key",
            Box::new(|d| d["panels"][0]["colour"] = json!("red")),
        ),
        (
            "unknown query key",
            Box::new(|d| d["panels"][0]["targets"][0]["exprs"] = json!("up")),
        ),
    ];
    for (what, mutate) in mutations {
        let mut bad = good.clone();
        mutate(&mut bad);
        assert!(!check_dashboard(&schemas, &bad).is_empty(), "{what} passed");
    }
}
