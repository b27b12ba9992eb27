//! The expressions inside an operator's rule file (`alerts.files`), parsed in-process: a
//! problem names the file and its own line and column, and is reported at the manifest key
//! that brought the file in.

use crate::expr::rule_file;
use crate::manifest::Diagnostic;
use crate::render::Draft;

/// Reports every broken expression of `text` (shown as `shown`) at `key`; whether all parse.
pub fn check(text: &str, shown: &str, key: &str, draft: &mut Draft) -> bool {
    let problems = rule_file::check(text);
    for problem in &problems {
        draft.problem(
            Diagnostic::new(
                key,
                format!(
                    "`{shown}:{}:{}`: {}",
                    problem.line, problem.column, problem.error.message
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
    fn names_the_rule_file_line_and_column() {
        let mut draft = Draft::new(&[]);
        let text =
            "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up{job=\"a\" == 0\n";
        assert!(!check(
            text,
            "rules/legacy.yml",
            "alerts.files[0]",
            &mut draft
        ));
        let problem = &draft.problems[0];
        assert_eq!(problem.path, "alerts.files[0]");
        assert!(
            problem
                .message
                .starts_with("`rules/legacy.yml:5:15`: PromQL does not parse"),
            "{problem:?}"
        );
        let mut draft = Draft::new(&[]);
        assert!(check(
            "groups: [{name: g, rules: [{alert: A, expr: up == 0}]}]",
            "r.yml",
            "k",
            &mut draft
        ));
        assert!(draft.problems.is_empty());
    }
}
