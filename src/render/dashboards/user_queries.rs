//! The PromQL queries of an operator's dashboard file (`dashboards.files`), parsed in-process
//! so that a broken panel query is a manifest problem naming the file, panel and query.

use crate::expr::dashboard;
use crate::manifest::Diagnostic;
use crate::render::Draft;

/// Reports every broken Prometheus query of the dashboard `text` at `key`; whether all parse.
pub fn check(text: &str, shown: &str, key: &str, draft: &mut Draft) -> bool {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return true; // the shape check reports unparsable JSON
    };
    let problems = dashboard::check(&json);
    for problem in &problems {
        draft.problem(
            Diagnostic::new(
                key,
                format!(
                    "`{shown}`: panel `{}`, query `{}`: {}",
                    problem.panel, problem.ref_id, problem.error.message
                ),
            )
            .hint(problem.error.hint.clone()),
        );
    }
    problems.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_file_panel_and_query() {
        let mut draft = Draft::new(&[]);
        let text = r#"{"title": "d", "panels": [{"title": "Errors", "targets": [{"refId": "A", "expr": "rate(x[5m]"}]}]}"#;
        assert!(!check(
            text,
            "dashboards/api.json",
            "dashboards.files[0]",
            &mut draft
        ));
        assert!(
            draft.problems[0].message.starts_with(
                "`dashboards/api.json`: panel `Errors`, query `A`: PromQL does not parse"
            ),
            "{:?}",
            draft.problems
        );
    }
}
