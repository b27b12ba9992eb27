//! Metric names an expression reads (with the job each selector is restricted to), and
//! `histogram_quantile` misuse, from the syntax tree `expr::promql` parses. Pure functions over
//! one expression.

use std::collections::BTreeSet;

use promql_parser::label::MatchOp;
use promql_parser::parser::{Expr, VectorSelector};
use promql_parser::util::{walk_expr, ExprVisitor};

use crate::expr::promql;

/// One selector of an expression: the metric it names and its `job` equality matcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Selected {
    pub metric: String,
    pub job: Option<String>,
}

/// The metric names `expr` reads (`up`, `http_requests_total`); `Err` with the parser's message.
pub fn metric_names(expr: &str) -> Result<BTreeSet<String>, String> {
    Ok(selectors(expr)?.into_iter().map(|s| s.metric).collect())
}

/// Every named selector of `expr`, with the job it is restricted to, if any.
pub(crate) fn selectors(expr: &str) -> Result<Vec<Selected>, String> {
    let parsed = promql::check(expr).map_err(|e| e.message)?;
    let mut visitor = Selectors::default();
    // The visitor never fails and never cuts the walk short.
    let _ = walk_expr(&mut visitor, parsed.ast());
    Ok(visitor.0)
}

/// Why a `histogram_quantile` of `expr` cannot work: its series is not a `_bucket` series, or
/// it is not taken through `rate`/`increase` (a quantile of raw cumulative counters).
pub(crate) fn histogram_problems(expr: &str) -> Vec<String> {
    let Ok(parsed) = promql::check(expr) else {
        return Vec::new();
    };
    let mut visitor = Quantiles::default();
    let _ = walk_expr(&mut visitor, parsed.ast());
    visitor.0
}

#[derive(Default)]
struct Selectors(Vec<Selected>);

impl ExprVisitor for Selectors {
    type Error = std::convert::Infallible;

    fn pre_visit(&mut self, expr: &Expr) -> Result<bool, Self::Error> {
        if let Some(vs) = vector_selector(expr) {
            if let Some(metric) = selector_name(vs) {
                let job = vs
                    .matchers
                    .matchers
                    .iter()
                    .find(|m| m.name == "job" && matches!(m.op, MatchOp::Equal))
                    .map(|m| m.value.clone());
                self.0.push(Selected { metric, job });
            }
        }
        Ok(true)
    }
}

fn vector_selector(expr: &Expr) -> Option<&VectorSelector> {
    match expr {
        Expr::VectorSelector(vs) => Some(vs),
        Expr::MatrixSelector(ms) => Some(&ms.vs),
        _ => None,
    }
}

fn selector_name(vs: &VectorSelector) -> Option<String> {
    vs.name.clone().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == "__name__" && matches!(m.op, MatchOp::Equal))
            .map(|m| m.value.clone())
    })
}

#[derive(Default)]
struct Quantiles(Vec<String>);

impl ExprVisitor for Quantiles {
    type Error = std::convert::Infallible;

    fn pre_visit(&mut self, expr: &Expr) -> Result<bool, Self::Error> {
        let Expr::Call(call) = expr else {
            return Ok(true);
        };
        if call.func.name != "histogram_quantile" {
            return Ok(true);
        }
        let Some(argument) = call.args.args.get(1) else {
            return Ok(true);
        };
        let mut inner = Selectors::default();
        let _ = walk_expr(&mut inner, argument);
        for selected in &inner.0 {
            if !selected.metric.ends_with("_bucket") {
                self.0.push(format!(
                    "`histogram_quantile` reads `{}`, which is not a histogram's `_bucket` series",
                    selected.metric
                ));
            }
        }
        if !inner.0.is_empty() && !has_rate(argument) {
            self.0.push(
                "`histogram_quantile` is applied to cumulative bucket counters without `rate` or `increase`"
                    .to_string(),
            );
        }
        Ok(true)
    }
}

/// Whether `expr` takes its series through a per-second or windowed increase.
fn has_rate(expr: &Expr) -> bool {
    #[derive(Default)]
    struct Rates(bool);
    impl ExprVisitor for Rates {
        type Error = std::convert::Infallible;
        fn pre_visit(&mut self, expr: &Expr) -> Result<bool, Self::Error> {
            if let Expr::Call(call) = expr {
                if ["rate", "irate", "increase", "delta", "idelta"].contains(&call.func.name) {
                    self.0 = true;
                }
            }
            Ok(!self.0)
        }
    }
    let mut rates = Rates::default();
    let _ = walk_expr(&mut rates, expr);
    rates.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_metric_names_with_their_job() {
        let found = selectors(
            r#"sum(rate(a_total{job="api"}[5m])) / on(job) b{job=~"x|y"} + {__name__="c"} + count(up offset 5m)"#,
        )
        .unwrap();
        let want = [
            ("a_total", Some("api")),
            ("b", None),
            ("c", None),
            ("up", None),
        ];
        let got: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|s| (s.metric.as_str(), s.job.as_deref()))
            .collect();
        assert_eq!(got, want);
        assert!(metric_names("rate(x[5m]").is_err());
    }

    #[test]
    fn finds_histogram_quantile_misuse() {
        let cases: [(&str, &[&str]); 5] = [
            ("histogram_quantile(0.95, sum by (le) (rate(d_bucket[5m])))", &[]),
            ("histogram_quantile(0.95, sum by (le) (increase(d_bucket[1h])))", &[]),
            (
                "histogram_quantile(0.95, message_processing_duration_seconds)",
                &[
                    "`histogram_quantile` reads `message_processing_duration_seconds`, which is not a histogram's `_bucket` series",
                    "`histogram_quantile` is applied to cumulative bucket counters without `rate` or `increase`",
                ],
            ),
            (
                "histogram_quantile(0.5, d_bucket)",
                &["`histogram_quantile` is applied to cumulative bucket counters without `rate` or `increase`"],
            ),
            ("histogram_quantile(0.5, rate(d_seconds[5m]))", &["`histogram_quantile` reads `d_seconds`, which is not a histogram's `_bucket` series"]),
        ];
        for (expr, want) in cases {
            assert_eq!(histogram_problems(expr), want, "{expr}");
        }
    }
}
