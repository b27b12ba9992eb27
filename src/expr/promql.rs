//! PromQL, parsed with the `promql-parser` crate (Prometheus 3.x grammar).
//!
//! [`check`] is the one entry point: rule expressions, SLO selectors, preset and dashboard
//! queries all go through it. [`Parsed`] answers the questions other checks ask of an
//! expression (which metrics it reads, whether it is a plain selector).

use std::collections::BTreeSet;

use promql_parser::parser::{self, Expr};
use promql_parser::util::{walk_expr, ExprVisitor};

use super::ExprError;

/// A PromQL expression that parsed.
#[derive(Debug, Clone)]
pub struct Parsed {
    expr: Expr,
}

/// Parses `text` as a PromQL expression.
pub fn check(text: &str) -> Result<Parsed, ExprError> {
    if text.trim().is_empty() {
        return Err(ExprError::new(
            "the PromQL expression is empty",
            "write an expression, e.g. `up{job=\"api\"} == 0`",
        ));
    }
    parser::parse(text)
        .map(|expr| Parsed { expr })
        .map_err(|message| {
            ExprError::new(
                format!("PromQL does not parse: {}", message.trim()),
                hint_for(text),
            )
        })
}

/// The metric names `text` reads (`up`, `http_requests_total`), for lints over expressions.
pub fn metric_names(text: &str) -> Result<BTreeSet<String>, ExprError> {
    check(text).map(|parsed| parsed.metric_names())
}

/// Parses `text` and requires a plain series selector (`name{label="x"}` or `{label="x"}`),
/// as stackctl wraps it in `rate(…[window])` itself.
pub(crate) fn check_selector(text: &str) -> Result<Parsed, ExprError> {
    let parsed = check(text)?;
    match &parsed.expr {
        Expr::VectorSelector(_) => Ok(parsed),
        Expr::Call(call) => Err(ExprError::new(
            format!(
                "`{}` is a call of `{}`, not a series selector",
                text.trim(),
                call.func.name
            ),
            "give the counter selector only, e.g. `http_requests_total{job=\"api\",code=~\"5..\"}`; stackctl adds `rate(…[window])` and `sum` itself",
        )),
        Expr::MatrixSelector(_) => Err(ExprError::new(
            format!("`{}` is a range selector, not a series selector", text.trim()),
            "drop the `[…]` range; stackctl picks the window itself",
        )),
        _ => Err(ExprError::new(
            format!("`{}` is not a series selector", text.trim()),
            "give a selector such as `http_requests_total{job=\"api\"}`, without functions or operators",
        )),
    }
}

impl Parsed {
    /// The syntax tree, for callers that need more than the questions below.
    pub(crate) fn ast(&self) -> &Expr {
        &self.expr
    }

    /// Every metric name the expression selects, by name or by `__name__="…"`.
    pub fn metric_names(&self) -> BTreeSet<String> {
        let mut names = MetricNames::default();
        // The visitor never fails and never cuts the walk short.
        let _ = walk_expr(&mut names, &self.expr);
        names.0
    }
}

#[derive(Default)]
struct MetricNames(BTreeSet<String>);

impl ExprVisitor for MetricNames {
    type Error = std::convert::Infallible;

    fn pre_visit(&mut self, expr: &Expr) -> Result<bool, Self::Error> {
        let selector = match expr {
            Expr::VectorSelector(vs) => vs,
            Expr::MatrixSelector(ms) => &ms.vs,
            _ => return Ok(true),
        };
        if let Some(name) = &selector.name {
            self.0.insert(name.clone());
        }
        for matcher in &selector.matchers.matchers {
            if matcher.name == "__name__"
                && matches!(matcher.op, promql_parser::label::MatchOp::Equal)
            {
                self.0.insert(matcher.value.clone());
            }
        }
        Ok(true)
    }
}

/// A hint that points at the usual cause: unbalanced brackets or quotes, else the grammar.
fn hint_for(text: &str) -> String {
    let count = |c: char| text.chars().filter(|x| *x == c).count();
    for (open, close) in [('(', ')'), ('{', '}'), ('[', ']')] {
        if count(open) != count(close) {
            return format!(
                "`{open}` and `{close}` do not balance ({} vs {}); close every bracket",
                count(open),
                count(close)
            );
        }
    }
    if count('"') % 2 == 1 {
        return "a `\"` is not closed; label values are written `label=\"value\"`".to_string();
    }
    "check the expression in the Prometheus query editor, or see https://prometheus.io/docs/prometheus/latest/querying/basics/".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_expressions_and_rejects_broken_ones() {
        let cases = [
            ("up == 0", true),
            (
                "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m]))",
                true,
            ),
            (
                "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))",
                true,
            ),
            ("rate(http_requests_total[5m]", false),
            ("up{job=\"api\" == 0", false),
            ("7 *", false),
            ("rate(up)", false),
            ("up{job=~\"api(|\"}", false),
            ("", false),
        ];
        for (text, ok) in cases {
            assert_eq!(check(text).is_ok(), ok, "{text}: {:?}", check(text).err());
        }
    }

    #[test]
    fn hints_name_the_unbalanced_bracket() {
        let error = check("rate(http_requests_total[5m]").unwrap_err();
        assert!(
            error.message.starts_with("PromQL does not parse: "),
            "{error:?}"
        );
        assert!(
            error.hint.contains("`(` and `)` do not balance"),
            "{error:?}"
        );
    }

    #[test]
    fn lists_the_metric_names_an_expression_reads() {
        let names = metric_names(
            "sum(rate(a_total{job=\"x\"}[5m])) / on(job) b + {__name__=\"c\"} + count(up offset 5m)",
        )
        .unwrap();
        let want: BTreeSet<String> = ["a_total", "b", "c", "up"].map(String::from).into();
        assert_eq!(names, want);
    }

    #[test]
    fn a_selector_must_not_be_a_function_call() {
        assert!(check_selector("http_requests_total{job=\"api\"}").is_ok());
        assert!(check_selector("{job=\"api\"}").is_ok());
        let error = check_selector("rate(x[5m])").unwrap_err();
        assert_eq!(
            error.message,
            "`rate(x[5m])` is a call of `rate`, not a series selector"
        );
        assert!(check_selector("x[5m]").is_err());
        assert!(check_selector("x + y").is_err());
    }
}
