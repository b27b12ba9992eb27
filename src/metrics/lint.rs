//! The metric-name lint: warnings (never errors: an application's own metrics are unknown) for
//! user expressions that name a metric an exporter of the stack does not expose, and for
//! `histogram_quantile` over something that is not a rate of `_bucket` series.
//!
//! A selector belongs to an exporter when its `job` matcher names that exporter's job, or, with
//! no `job` matcher, when its metric name carries the exporter's prefix (`kafka_`) and the stack
//! declares an exporter of that type. Expressions that do not parse are left to validation.
//!
//! The queries of the operator's own dashboard files (`dashboards.files`) are read from the
//! rendered copies, so this module never touches the disk; their warnings name the file, panel
//! and query and point at the `dashboards.files` entry that brought the file in.

use crate::catalog::Kind;
use crate::expr::dashboard::{queries, substitute_variables};
use crate::manifest::topology;
use crate::manifest::{Diagnostic, LoadedManifest, Manifest};
use crate::render::RenderedStack;

use super::catalog::Catalog;
use super::names::{histogram_problems, selectors};

/// One expression of the manifest and its key path (`alerts.groups[0].rules[1].expr`);
/// `origin` names the file, panel and query when it comes from a dashboard file.
struct Located<'a> {
    path: String,
    expr: &'a str,
    origin: Option<String>,
}

/// Every warning for the manifest's expressions, addressed by key path.
pub fn lint(manifest: &Manifest) -> Vec<Diagnostic> {
    lint_with(manifest, Catalog::embedded())
}

/// The warnings for the Prometheus queries of the operator's dashboard files, addressed by
/// their `dashboards.files[i]` key.
pub(crate) fn lint_dashboard_files(
    manifest: &Manifest,
    rendered: &RenderedStack,
) -> Vec<Diagnostic> {
    let catalog = Catalog::embedded();
    let known = known_exporters(manifest, catalog);
    let mut warnings = Vec::new();
    for source in &rendered.user_dashboards {
        let Some(file) = rendered.files.get(&source.path) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(file.text().unwrap_or_default())
        else {
            continue;
        };
        for query in queries(&json) {
            let located = Located {
                path: source.key.clone(),
                expr: &query.expr,
                origin: Some(format!(
                    "`{}`: panel `{}`, query `{}`",
                    source.shown, query.panel, query.ref_id
                )),
            };
            lint_expr(&located, &known, catalog, &mut warnings);
        }
    }
    warnings
}

/// The warnings as text for `warning: …`, each with `--> file:line:col` at its key.
pub fn located(loaded: &LoadedManifest, rendered: &RenderedStack) -> Vec<String> {
    let mut diagnostics = lint(&loaded.manifest);
    diagnostics.extend(lint_dashboard_files(&loaded.manifest, rendered));
    diagnostics
        .into_iter()
        .map(|d| {
            let mut text = d.message;
            if let Some(at) = loaded.positions.find(&d.path) {
                text.push_str(&format!(
                    "\n  --> {}:{}:{}",
                    loaded.path.display(),
                    at.line,
                    at.column
                ));
            }
            if let Some(hint) = d.hint {
                text.push_str(&format!("\n   = hint: {hint}"));
            }
            text
        })
        .collect()
}

fn lint_with(manifest: &Manifest, catalog: &Catalog) -> Vec<Diagnostic> {
    let known = known_exporters(manifest, catalog);
    let mut warnings = Vec::new();
    for located in expressions(manifest) {
        lint_expr(&located, &known, catalog, &mut warnings);
    }
    warnings
}

/// The warnings for one expression; `known` holds (exporter type, job) of the stack.
fn lint_expr(
    located: &Located,
    known: &[(String, String)],
    catalog: &Catalog,
    warnings: &mut Vec<Diagnostic>,
) {
    let kinds: Vec<&str> = known.iter().map(|(kind, _)| kind.as_str()).collect();
    let said = |message: String| match &located.origin {
        Some(origin) => format!("{origin}: {message}"),
        None => message,
    };
    let expr = substitute_variables(located.expr);
    for problem in histogram_problems(&expr) {
        warnings.push(Diagnostic::new(&located.path, said(problem)).hint(
            "a quantile needs the rate of the `_bucket` series: `histogram_quantile(0.95, sum by (le) (rate(NAME_bucket[5m])))`",
        ));
    }
    let Ok(selected) = selectors(&expr) else {
        return;
    };
    for selector in selected {
        let by_job = selector.job.as_deref().and_then(|job| {
            known
                .iter()
                .find(|(_, j)| j == job)
                .map(|(kind, _)| kind.as_str())
        });
        let Some(kind) = by_job.or_else(|| {
            selector
                .job
                .is_none()
                .then(|| catalog.owner(&selector.metric, &kinds))
                .flatten()
        }) else {
            continue;
        };
        let Some(entry) = catalog.exporter(kind) else {
            continue;
        };
        if entry.knows(&selector.metric) {
            continue;
        }
        let names: Vec<&str> = entry.names().collect();
        let mut diagnostic = Diagnostic::new(
            &located.path,
            said(format!(
                "`{}` is not a metric the `{kind}` exporter exposes (checked against {})",
                selector.metric, entry.release
            )),
        );
        diagnostic = match closest_metric(&selector.metric, &names) {
            Some(close) => diagnostic.hint(format!("did you mean `{close}`?")),
            None => diagnostic.hint(format!(
                "the `{kind}` exporter's metrics start with {}; see src/metrics/catalog.yml",
                entry.prefixes.join(", ")
            )),
        };
        warnings.push(diagnostic);
    }
}

/// The exposed name `unknown` most likely meant: the same words without underscores
/// (`kafka_consumer_group_lag`), the name with a unit or `_total` added (`redis_memory_used`),
/// else the closest by edit distance when close enough to be a typo.
fn closest_metric<'a>(unknown: &str, names: &[&'a str]) -> Option<&'a str> {
    let squash = |s: &str| s.replace('_', "");
    if let Some(same) = names.iter().find(|n| squash(n) == squash(unknown)) {
        return Some(same);
    }
    let extended = names
        .iter()
        .filter(|n| n.starts_with(&format!("{unknown}_")))
        .min_by_key(|n| n.len());
    if let Some(extended) = extended {
        return Some(extended);
    }
    names
        .iter()
        .map(|n| (strsim::levenshtein(unknown, n), *n))
        .filter(|(d, _)| *d <= 2.max(unknown.len() / 5))
        .min()
        .map(|(_, n)| n)
}

/// (catalog exporter type, job) of every exporter of the stack the catalog knows.
fn known_exporters(manifest: &Manifest, catalog: &Catalog) -> Vec<(String, String)> {
    topology::components(manifest)
        .into_iter()
        .filter_map(|component| {
            let kind = match &component.kind {
                Kind::Exporter(kind) => kind.name().to_string(),
                Kind::NodeExporter => "node".to_string(),
                _ => return None,
            };
            catalog.exporter(&kind)?;
            Some((kind, component.job))
        })
        .collect()
}

/// Rule expressions, SLO selectors and dashboard board queries, with their key paths.
fn expressions(manifest: &Manifest) -> Vec<Located<'_>> {
    let mut out = Vec::new();
    for (g, group) in manifest.alerts.groups.iter().enumerate() {
        for (r, rule) in group.rules.iter().enumerate() {
            out.push(Located {
                path: format!("alerts.groups[{g}].rules[{r}].expr"),
                expr: &rule.expr,
                origin: None,
            });
        }
    }
    for (s, slo) in manifest.slos.iter().enumerate() {
        for (key, expr) in [("errors", &slo.errors), ("total", &slo.total)] {
            if let Some(expr) = expr {
                out.push(Located {
                    path: format!("slos[{s}].{key}"),
                    expr,
                    origin: None,
                });
            }
        }
        if let Some(latency) = &slo.latency {
            out.push(Located {
                path: format!("slos[{s}].latency.selector"),
                expr: &latency.selector,
                origin: None,
            });
        }
    }
    for (b, board) in manifest.dashboards.boards.iter().enumerate() {
        for (p, panel) in board.panels.iter().enumerate() {
            if let Some(expr) = &panel.expr {
                out.push(Located {
                    path: format!("dashboards.boards[{b}].panels[{p}].expr"),
                    expr,
                    origin: None,
                });
            }
            for (e, item) in panel.exprs.iter().enumerate() {
                out.push(Located {
                    path: format!("dashboards.boards[{b}].panels[{p}].exprs[{e}].expr"),
                    expr: &item.expr,
                    origin: None,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(yaml: &str) -> Vec<(String, String, Option<String>)> {
        let manifest: Manifest = serde_yaml::from_str(yaml).unwrap();
        lint(&manifest)
            .into_iter()
            .map(|d| (d.path, d.message, d.hint))
            .collect()
    }

    const STACK: &str = "version: 1
project: p
components: {prometheus: {}, node_exporter: {}}
exporters: [{type: kafka}, {type: redis, name: cache}]
";

    #[test]
    fn names_a_metric_the_exporter_does_not_expose_with_a_did_you_mean() {
        let found = warnings(&format!(
            "{STACK}alerts:
  groups:
    - name: g
      rules:
        - alert: KafkaConsumerLag
          expr: kafka_consumer_group_lag > 10000
        - alert: CacheDown
          expr: redis_up{{job=\"cache\"}} == 0
        - alert: CacheMemory
          expr: redis_memory_used{{job=\"cache\"}} > 1e9
        - alert: AppErrors
          expr: rate(app_errors_total[5m]) > 1
"
        ));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].0, "alerts.groups[0].rules[0].expr");
        assert!(
            found[0].1.starts_with(
                "`kafka_consumer_group_lag` is not a metric the `kafka` exporter exposes"
            ),
            "{}",
            found[0].1
        );
        assert_eq!(
            found[0].2.as_deref(),
            Some("did you mean `kafka_consumergroup_lag`?")
        );
        assert_eq!(found[1].0, "alerts.groups[0].rules[2].expr");
        assert_eq!(
            found[1].2.as_deref(),
            Some("did you mean `redis_memory_used_bytes`?")
        );
    }

    #[test]
    fn an_exporter_type_the_stack_does_not_run_is_not_checked() {
        let found = warnings(
            "version: 1
project: p
components: {prometheus: {}}
alerts: {groups: [{name: g, rules: [{alert: A, expr: 'kafka_consumer_group_lag > 1'}]}]}
",
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn slo_selectors_and_board_queries_are_checked_too() {
        let found = warnings(&format!(
            "{STACK}slos:
  - name: cache
    objective: 0.99
    errors: 'redis_rejected_connections{{job=\"cache\"}}'
    total: 'redis_commands_processed_total{{job=\"cache\"}}'
dashboards:
  boards:
    - title: B
      panels:
        - title: P
          expr: 'histogram_quantile(0.95, message_processing_duration_seconds)'
"
        ));
        let paths: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            paths,
            [
                "slos[0].errors",
                "dashboards.boards[0].panels[0].expr",
                "dashboards.boards[0].panels[0].expr"
            ],
            "{found:#?}"
        );
        assert_eq!(
            found[0].2.as_deref(),
            Some("did you mean `redis_rejected_connections_total`?")
        );
        assert!(found[1].1.contains("not a histogram's `_bucket` series"));
        assert!(found[2].1.contains("without `rate` or `increase`"));
    }

    #[test]
    fn suggests_the_name_meant() {
        let names = [
            "kafka_consumergroup_lag",
            "redis_memory_used_bytes",
            "redis_up",
            "pg_up",
        ];
        let cases = [
            ("kafka_consumer_group_lag", Some("kafka_consumergroup_lag")),
            ("redis_memory_used", Some("redis_memory_used_bytes")),
            ("redis_upp", Some("redis_up")),
            ("pg_stat_everything", None),
        ];
        for (unknown, want) in cases {
            assert_eq!(closest_metric(unknown, &names), want, "{unknown}");
        }
    }
}
