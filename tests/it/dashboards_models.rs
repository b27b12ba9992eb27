//! Dashboards of every fixture: valid Grafana 11+ JSON models — React panel types only,
//! unique panel ids, positions that never overlap, datasources that are provisioned, stable
//! uids, no `__inputs` — and the operator's own files copied only when they can be provisioned.

use crate::logs_fixtures;

use logs_fixtures::{render_all, Rendered};
use serde_json::Value;
use stackctl::manifest::{LoadedManifest, Manifest};
use stackctl::render::dashboards::layout::{find_overlap, GridPos};
use stackctl::render::dashboards::PANEL_TYPES;
use stackctl::render::{grafana, render, RenderError, Templates};

fn dashboards(fixture: &Rendered) -> Vec<(String, Value)> {
    fixture
        .rendered
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("grafana/dashboards/"))
        .map(|(path, file)| {
            let value = serde_json::from_str(file.contents.expose())
                .unwrap_or_else(|e| panic!("{}: {path}: {e}", fixture.name));
            (path.clone(), value)
        })
        .collect()
}

fn is_generated(path: &str) -> bool {
    path.starts_with("grafana/dashboards/stackctl-")
}

/// Every panel, including those nested in collapsed rows.
fn panels(dashboard: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().into_iter().flatten() {
        out.push(panel);
        out.extend(panel["panels"].as_array().into_iter().flatten());
    }
    out
}

#[test]
fn generated_dashboards_are_valid_grafana_models() {
    let mut checked = 0;
    for fixture in render_all() {
        for (path, dashboard) in dashboards(&fixture)
            .into_iter()
            .filter(|(p, _)| is_generated(p))
        {
            checked += 1;
            let uid = dashboard["uid"].as_str().expect("uid");
            assert_eq!(path, format!("grafana/dashboards/{uid}.json"));
            assert!(uid.len() <= 40, "{path}: uid too long");
            assert!(
                dashboard["schemaVersion"]
                    .as_u64()
                    .is_some_and(|v| (36..=41).contains(&v)),
                "{path}"
            );
            assert!(
                dashboard.get("__inputs").is_none() && dashboard.get("id").is_none(),
                "{path}"
            );
            assert!(!dashboard.to_string().contains("${DS_"), "{path}");
            let mut ids = Vec::new();
            for panel in panels(&dashboard) {
                let kind = panel["type"].as_str().unwrap_or_default();
                assert!(
                    PANEL_TYPES.contains(&kind),
                    "{}: {path}: panel type `{kind}`",
                    fixture.name
                );
                ids.push(panel["id"].as_u64().expect("panel id"));
            }
            let mut unique = ids.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(
                unique.len(),
                ids.len(),
                "{}: {path}: duplicate panel ids {ids:?}",
                fixture.name
            );
        }
    }
    assert!(
        checked >= 8,
        "only {checked} generated dashboards across the fixtures"
    );
}

#[test]
fn panels_never_overlap() {
    for fixture in render_all() {
        for (path, dashboard) in dashboards(&fixture) {
            let positions: Vec<GridPos> = dashboard["panels"]
                .as_array()
                .into_iter()
                .flatten()
                // A hand-made file may leave positions to Grafana (it stacks such panels).
                .filter(|p| !p["gridPos"].is_null())
                .map(|p| {
                    serde_json::from_value::<GridPosJson>(p["gridPos"].clone())
                        .expect("gridPos")
                        .into()
                })
                .collect();
            assert_eq!(find_overlap(&positions), None, "{}: {path}", fixture.name);
        }
    }
}

#[derive(serde::Deserialize)]
struct GridPosJson {
    x: u32,
    y: u32,
    w: u32,
    h: u32,
}

impl From<GridPosJson> for GridPos {
    fn from(p: GridPosJson) -> Self {
        GridPos {
            x: p.x,
            y: p.y,
            w: p.w,
            h: p.h,
        }
    }
}

#[test]
fn every_datasource_a_dashboard_uses_is_provisioned() {
    for fixture in render_all() {
        let templates = Templates::embedded();
        let stack = fixture.stack(&templates);
        let provisioned = grafana::datasource_uids(&stack);
        for (path, dashboard) in dashboards(&fixture) {
            for panel in panels(&dashboard) {
                let refs = std::iter::once(&panel["datasource"]).chain(
                    panel["targets"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|t| &t["datasource"]),
                );
                for reference in refs.filter(|r| !r.is_null()) {
                    let uid = reference["uid"]
                        .as_str()
                        .unwrap_or_else(|| panic!("{path}: datasource by name"));
                    assert!(
                        provisioned.contains(&uid),
                        "{}: {path} uses `{uid}`, provisioned {provisioned:?}",
                        fixture.name
                    );
                    assert!(
                        reference["type"].is_string(),
                        "{path}: datasource without type"
                    );
                }
            }
        }
    }
}

#[test]
fn dashboards_follow_the_declared_stack() {
    for fixture in render_all() {
        let manifest = &fixture.loaded.manifest;
        let has = |file: &str| {
            fixture
                .rendered
                .files
                .contains_key(&format!("grafana/dashboards/{file}.json"))
        };
        let generated = manifest.components.grafana.is_some()
            && manifest.components.prometheus.is_some()
            && manifest.dashboards.generated;
        assert_eq!(has("stackctl-overview"), generated, "{}", fixture.name);
        if !generated {
            continue;
        }
        assert_eq!(
            has("stackctl-host"),
            manifest.components.node_exporter.is_some(),
            "{}",
            fixture.name
        );
        assert_eq!(
            has("stackctl-containers"),
            manifest.components.cadvisor.is_some(),
            "{}",
            fixture.name
        );
        assert_eq!(
            has("stackctl-slos"),
            !manifest.slos.is_empty(),
            "{}",
            fixture.name
        );
        let probes = manifest.components.blackbox_exporter.is_some()
            && manifest.scrape.iter().any(|j| j.probe.is_some());
        assert_eq!(has("stackctl-probes"), probes, "{}", fixture.name);
        let overview: Value = serde_json::from_str(
            fixture
                .file("grafana/dashboards/stackctl-overview.json")
                .unwrap(),
        )
        .unwrap();
        let text = overview.to_string();
        assert!(
            text.contains(r#"ALERTS{alertstate=\"firing\"}"#),
            "{}",
            fixture.name
        );
        let logs_panel = panels(&overview).iter().any(|p| p["type"] == "logs");
        assert_eq!(
            logs_panel,
            manifest.components.loki.is_some(),
            "{}",
            fixture.name
        );
        for job in manifest.scrape.iter().filter(|j| j.probe.is_none()) {
            let uid = stackctl::render::dashboards::uid(&format!("job-{}", job.job));
            let dashboard = fixture
                .file(&format!("grafana/dashboards/{uid}.json"))
                .expect("job dashboard");
            let job_matcher = serde_json::Value::from(format!(
                "job={}",
                serde_json::Value::from(job.job.as_str())
            ))
            .to_string();
            let inner = &job_matcher[1..job_matcher.len() - 1];
            assert!(
                dashboard.contains(inner),
                "{}: job dashboard does not filter by job",
                fixture.name
            );
            // HTTP panels only for a job that declares its metrics (`http`/`framework`).
            let http = stackctl::render::dashboards::jobs::http_metrics(job);
            assert_eq!(
                dashboard.contains("histogram_quantile(0.99"),
                http.as_ref().is_some_and(|h| h.duration.is_some()),
                "{}: {uid} latency panel",
                fixture.name
            );
            match http.as_ref().and_then(|h| h.requests.as_ref()) {
                Some(counter) => assert!(
                    dashboard.contains(counter.as_str()),
                    "{}: {uid} lacks {counter}",
                    fixture.name
                ),
                None => assert!(
                    !dashboard.contains("http_request"),
                    "{}: {uid} shows undeclared HTTP metrics",
                    fixture.name
                ),
            }
            for metric in ["up{", "scrape_duration_seconds", "scrape_samples_scraped"] {
                assert!(
                    dashboard.contains(metric),
                    "{}: {uid} lacks {metric}",
                    fixture.name
                );
            }
        }
    }
}

#[test]
fn rendering_twice_gives_the_same_dashboards() {
    let first = render_all();
    let second = render_all();
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(dashboards(a), dashboards(b), "{}", a.name);
    }
}

fn render_with_files(files: &[(&str, &str)]) -> Result<Vec<String>, String> {
    render_with(files, false)
}

fn render_with(files: &[(&str, &str)], generated: bool) -> Result<Vec<String>, String> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("boards")).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join("boards").join(name), text).unwrap();
    }
    let source = format!(
        "version: 1\nproject: d\ncomponents:\n  prometheus: {{}}\n  grafana: {{admin_password: pw-123456}}\ndashboards:\n  generated: {generated}\n  files: [boards/*.json]\n"
    );
    let manifest: Manifest = serde_yaml::from_str(&source).unwrap();
    let loaded = LoadedManifest {
        manifest,
        path: dir.path().join("stackctl.yaml"),
        dir: dir.path().to_path_buf(),
        source,
        positions: Default::default(),
        secret_values: Vec::new(),
        generated: Default::default(),
        warnings: Vec::new(),
    };
    match render(&loaded, &Templates::embedded()) {
        Ok(rendered) => Ok(rendered
            .files
            .keys()
            .filter(|p| p.starts_with("grafana/dashboards/"))
            .cloned()
            .collect()),
        Err(RenderError::Invalid(e)) => Err(e
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect::<Vec<_>>()
            .join("\n")),
        Err(RenderError::Internal(e)) => panic!("{e:#}"),
    }
}

#[test]
fn operator_dashboards_are_copied_as_they_are() {
    let got = render_with_files(&[
        ("a.json", r#"{"uid": "a", "title": "A", "panels": []}"#),
        ("b.json", r#"{"uid": "b", "title": "B"}"#),
    ]);
    assert_eq!(
        got,
        Ok(vec![
            "grafana/dashboards/a.json".to_string(),
            "grafana/dashboards/b.json".to_string()
        ])
    );
}

#[test]
fn operator_dashboards_that_cannot_be_provisioned_are_refused() {
    let cases = [
        (
            "{ nope",
            "dashboards.files[0]: `boards/x.json` is not valid JSON",
        ),
        (
            r#"{"__inputs": [{"name": "DS_PROMETHEUS"}]}"#,
            "dashboards.files[0]: `boards/x.json` was exported for sharing",
        ),
        (
            r#"{"panels": [{"datasource": "${DS_PROMETHEUS}"}]}"#,
            "dashboards.files[0]: `boards/x.json` was exported for sharing",
        ),
        (
            r#"{"uid": "u", "panels": []}"#,
            "dashboards.files[0]: `boards/x.json` has no `title`",
        ),
        (r#"{"uid": "stackctl-overview", "title": "O"}"#, ""),
    ];
    for (text, want) in cases {
        let got = render_with_files(&[("x.json", text)]);
        if want.is_empty() {
            assert!(got.is_ok(), "{text}: {got:?}");
        } else {
            let message = got.expect_err(text);
            assert!(message.starts_with(want), "{text}: {message}");
        }
    }
    let clash = render_with(
        &[("x.json", r#"{"uid": "stackctl-overview", "title": "O"}"#)],
        true,
    )
    .expect_err("uid clash");
    assert!(
        clash.contains("uid another dashboard already has"),
        "{clash}"
    );
    let none = render_with_files(&[]).expect_err("an empty glob is a problem");
    assert!(none.contains("matches no file"), "{none}");
}

#[test]
fn slo_panels_chart_series_the_slo_rules_record() {
    let mut charted = 0;
    for fixture in render_all() {
        let Some(text) = fixture.file("grafana/dashboards/stackctl-slos.json") else {
            continue;
        };
        let dashboard: Value = serde_json::from_str(text).unwrap();
        let recorded: Vec<String> = fixture
            .rendered
            .files
            .iter()
            .filter(|(path, _)| path.starts_with("prometheus/rules/slo-"))
            .flat_map(|(_, file)| {
                let doc: serde_yaml::Value =
                    serde_yaml::from_str(file.contents.expose()).expect("rule file");
                doc["groups"]
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .flat_map(|g| g["rules"].as_sequence().cloned().unwrap_or_default())
                    .filter_map(|r| r["record"].as_str().map(str::to_string))
                    .collect::<Vec<_>>()
            })
            .collect();
        for panel in panels(&dashboard) {
            for target in panel["targets"].as_array().into_iter().flatten() {
                let expr = target["expr"].as_str().unwrap_or_default();
                for name in expr.split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '_')) {
                    if name.starts_with("slo:") {
                        charted += 1;
                        assert!(
                            recorded.iter().any(|r| r == name),
                            "{}: `{name}` is not recorded",
                            fixture.name
                        );
                    }
                }
            }
        }
    }
    assert!(charted > 0, "no fixture charts an SLO");
}
