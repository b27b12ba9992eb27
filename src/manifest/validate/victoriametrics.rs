//! `components.victoriametrics`: a retention VictoriaMetrics can keep.

use crate::catalog::retention::{retention_period, RetentionProblem};
use crate::manifest::{Diagnostic, Manifest};

const PATH: &str = "components.victoriametrics.retention";

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let Some(text) = manifest
        .components
        .victoriametrics
        .as_ref()
        .and_then(|v| v.retention.as_deref())
    else {
        return;
    };
    let Err(problem) = retention_period(text) else {
        return;
    };
    let (message, hint) = match problem {
        RetentionProblem::MinutesNotMonths { number } => (
            format!("`{PATH}` is `{text}`: `m` is minutes, which VictoriaMetrics cannot keep"),
            format!("write `{number}mo` for {number} months (units: h, d, w, mo, y)"),
        ),
        RetentionProblem::TooShort => (
            format!("`{PATH}` ({text}) is shorter than a day"),
            "VictoriaMetrics keeps data for at least one day: use `1d` or more (default `1mo`)".to_string(),
        ),
        RetentionProblem::Malformed => (
            format!("`{PATH}` is not a retention VictoriaMetrics understands: `{text}`"),
            "write a whole number and a unit: `12mo`, `90d`, `2w`, `1y`, `48h` (units: h, d, w, mo, y)".to_string(),
        ),
    };
    problems.push(Diagnostic::new(PATH, message).hint(hint));
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn checks_the_retention_unit() {
        let vm = |retention: &str| {
            format!("components: {{victoriametrics: {{retention: '{retention}'}}}}")
        };
        let path = "components.victoriametrics.retention";
        let cases: &[(&str, Option<&str>)] = &[
            ("12mo", None),
            ("90d", None),
            ("1y", None),
            ("12m", Some("`m` is minutes")),
            ("6h", Some("shorter than a day")),
            ("12", Some("not a retention VictoriaMetrics understands")),
            (
                "one year",
                Some("not a retention VictoriaMetrics understands"),
            ),
        ];
        for (retention, want) in cases {
            check_case(&vm(retention), want.map(|w| (path, w)));
        }
    }
}
