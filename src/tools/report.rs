//! The verdict of `stackctl validate` as data: the exit code (with `--strict` or without) and
//! the `--json` document. Pure; `commands::validate` prints it.
//!
//! The JSON document (`schema_version` 1) is a contract for CI: fields are only ever added.

use serde_json::{json, Value};

use super::{CheckOutcome, CheckResult};

pub(crate) const SCHEMA_VERSION: u32 = 1;

/// 1 when a check failed, or with `strict` when one is `UNSURE` or did not run; else 0.
pub fn exit_code(results: &[CheckResult], strict: bool) -> u8 {
    let doubtful = |r: &CheckResult| {
        matches!(
            r.outcome,
            CheckOutcome::Inconclusive { .. } | CheckOutcome::NotRun(_)
        )
    };
    let failed = results.iter().any(CheckResult::failed);
    match failed || (strict && results.iter().any(doubtful)) {
        true => 1,
        false => 0,
    }
}

/// The `--json` document.
pub fn json(manifest: &str, rendered_files: usize, results: &[CheckResult], strict: bool) -> Value {
    let count = |verdict: &str| {
        results
            .iter()
            .filter(|r| r.outcome.verdict() == verdict)
            .count()
    };
    json!({
        "schema_version": SCHEMA_VERSION,
        "manifest": manifest,
        "rendered_files": rendered_files,
        "strict": strict,
        "checks": results.iter().map(check).collect::<Vec<_>>(),
        "summary": {
            "passed": count("passed"),
            "failed": count("failed"),
            "unsure": count("unsure"),
            "not_run": count("not run"),
        },
        "exit_code": exit_code(results, strict),
    })
}

fn check(result: &CheckResult) -> Value {
    let (reason, output) = match &result.outcome {
        CheckOutcome::Passed => (None, None),
        CheckOutcome::Failed(output) => (None, Some(output.as_str())),
        CheckOutcome::Inconclusive { reason, output } => {
            (Some(reason.as_str()), Some(output.as_str()))
        }
        CheckOutcome::NotRun(why) => (Some(why.as_str()), None),
    };
    json!({
        "name": result.name,
        "tool": result.tool,
        "version": result.tool_version,
        "judged_by": result.checker,
        "files": result.files,
        "verdict": result.outcome.verdict(),
        "reason": reason,
        "output": output,
        "locations": result.origins.iter().map(|o| json!({"at": o.at, "key": o.key})).collect::<Vec<_>>(),
        "notes": result.notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(outcome: CheckOutcome) -> CheckResult {
        CheckResult::new("check", outcome)
    }

    #[test]
    fn strict_also_fails_on_unsure_and_not_run() {
        let unsure = CheckOutcome::Inconclusive {
            reason: "r".into(),
            output: "o".into(),
        };
        // (outcome, exit code, exit code with --strict)
        let table = [
            (CheckOutcome::Passed, 0, 0),
            (CheckOutcome::Failed("bad".into()), 1, 1),
            (unsure, 0, 1),
            (CheckOutcome::NotRun("no tool".into()), 0, 1),
        ];
        for (outcome, plain, strict) in table {
            let results = [result(CheckOutcome::Passed), result(outcome.clone())];
            assert_eq!(exit_code(&results, false), plain, "{outcome:?}");
            assert_eq!(exit_code(&results, true), strict, "{outcome:?} strict");
        }
    }

    #[test]
    fn json_document_has_a_schema_version_and_each_checks_verdict() {
        let mut failed = result(CheckOutcome::Failed("line 2: bad".into()));
        failed.tool = Some("promtool".into());
        failed.tool_version = Some("2.42.0".into());
        failed.files = vec!["prometheus/prometheus.yml".into()];
        let doc = json("stackctl.yaml", 3, &[failed], false);
        assert_eq!(doc["schema_version"], 1);
        assert_eq!(doc["exit_code"], 1);
        let check = &doc["checks"][0];
        assert_eq!(check["verdict"], "failed");
        assert_eq!(check["tool"], "promtool");
        assert_eq!(check["version"], "2.42.0");
        assert_eq!(check["files"][0], "prometheus/prometheus.yml");
        assert_eq!(check["output"], "line 2: bad");
        assert_eq!(doc["summary"]["failed"], 1);
    }
}
