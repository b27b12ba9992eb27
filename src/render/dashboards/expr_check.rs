//! Whether a board's queries parse: PromQL with the `promql-parser` crate (Grafana's range
//! variables stand in for a literal range first), LogQL by its stream selector, which shares
//! PromQL's matcher syntax. Until `crate::expr::promql` lands on main this is the one place.

/// Grafana variables that stand for a range or duration inside PromQL.
const GRAFANA_RANGES: &[&str] = &["$__rate_interval", "$__interval", "$__range"];

pub(crate) fn promql(text: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("the expression is empty".to_string());
    }
    let literal = GRAFANA_RANGES
        .iter()
        .fold(text.to_string(), |t, var| t.replace(var, "5m"));
    promql_parser::parser::parse(&literal)
        .map(|_| ())
        .map_err(|e| e.trim().to_string())
}

/// A LogQL log query: a stream selector `{label="value", ...}`, then pipeline stages.
pub(crate) fn logql(text: &str) -> Result<(), String> {
    let text = text.trim();
    if !text.starts_with('{') {
        return Err("it does not start with a stream selector `{...}`".to_string());
    }
    let mut quoted = false;
    let mut escaped = false;
    let end = text.char_indices().find_map(|(i, c)| {
        match (quoted, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (_, false, '"') | (_, false, '`') => quoted = !quoted,
            (false, _, '}') => return Some(i),
            _ => {}
        }
        None
    });
    let Some(end) = end else {
        return Err("the stream selector is not closed with `}`".to_string());
    };
    if text[1..end].trim().is_empty() {
        return Err("the stream selector needs at least one matcher".to_string());
    }
    promql_parser::parser::parse(&text[..=end])
        .map(|_| ())
        .map_err(|e| format!("in the stream selector: {}", e.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promql_with_grafana_ranges_parses_and_typos_do_not() {
        assert!(promql("sum(rate(x_total[$__rate_interval])) by (a)").is_ok());
        assert!(promql("histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))").is_ok());
        for bad in ["", "rate(x[5m]", "sum by (le x)", "up{a=b}"] {
            assert!(promql(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn logql_needs_a_stream_selector() {
        for good in [
            r#"{service="api"} |= "error""#,
            r#"{job=~"a|b", level!="debug"} | json | line_format "{{.msg}}""#,
            r#"{app="x}"}"#,
        ] {
            assert!(logql(good).is_ok(), "{good}: {:?}", logql(good));
        }
        for bad in ["error", "{}", r#"{service="api""#, "{service=api}"] {
            assert!(logql(bad).is_err(), "{bad}");
        }
    }
}
