//! Cross-file checks, run last: do the rendered files agree with each other?
//!
//! Reads only what earlier steps put in the draft (`draft.files()`), never the disk. Each check
//! is a pure function over the file map, so it is unit-tested on hand-made maps:
//! routes and inhibitions against the severities rules emit, dashboard datasource uids against
//! provisioned datasources, and the log shipper's push URL against the stack's Loki.
//! A severity route is a problem only when rules exist but none emits that severity; with no
//! alerting rule at all, alerts can only come from outside the stack, so it is a warning.

mod datasources;
mod log_shipper;
mod severities;

use std::collections::{BTreeMap, BTreeSet};

use super::{Draft, Kind, RenderedFile, Stack};
use crate::manifest::Diagnostic;

pub(crate) use datasources::dashboard_datasource_problems;
pub(crate) use log_shipper::{alloy_push_urls, promtail_push_urls, shipper_problem};
pub(crate) use severities::{emitted_severities, unmatched_severities, Emitted};

/// The rendered files, by path relative to the output directory.
pub(crate) type Files = BTreeMap<String, RenderedFile>;

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let (problems, warnings) = findings(stack, draft.files());
    for problem in problems {
        draft.problem(problem);
    }
    for warning in warnings {
        draft.warn(warning);
    }
    Ok(())
}

/// Problems (the render fails) and warnings (it goes on) found across the rendered files.
fn findings(stack: &Stack, files: &Files) -> (Vec<Diagnostic>, Vec<String>) {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let notify = stack.manifest.notify.as_ref();
    if let Some(notify) =
        notify.filter(|_| stack.has(&Kind::Alertmanager) && stack.has(&Kind::Prometheus))
    {
        match emitted_severities(files) {
            Emitted::Known(emitted) => problems.extend(unmatched_severities(notify, &emitted)),
            Emitted::NoAlertingRules
                if !unmatched_severities(notify, &BTreeSet::new()).is_empty() =>
            {
                warnings.push(
                    "`notify` routes on `severity`, but no alerting rule is rendered: only alerts from outside this stack can match".to_string(),
                );
            }
            Emitted::NoAlertingRules | Emitted::Unknowable => {}
        }
    }
    if stack.has(&Kind::Grafana) {
        let key = if stack.manifest.dashboards.files.is_empty() {
            "dashboards"
        } else {
            "dashboards.files"
        };
        problems.extend(dashboard_datasource_problems(files, key));
    }
    if let Some(loki) = stack.get(&Kind::Loki) {
        let push_url = format!("{}/loki/api/v1/push", loki.internal_url());
        if let Some(shipper) = stack.get(&Kind::Alloy) {
            if let Some(file) = files.get("alloy/config.alloy") {
                let urls = alloy_push_urls(file.text().unwrap_or_default());
                problems.extend(shipper_problem(&shipper.key, "Alloy", &urls, &push_url));
            }
        }
        if let Some(shipper) = stack.get(&Kind::Promtail) {
            if let Some(file) = files.get("promtail/promtail.yaml") {
                let urls = promtail_push_urls(file.text().unwrap_or_default());
                problems.extend(shipper_problem(&shipper.key, "Promtail", &urls, &push_url));
            }
        }
    }
    (problems, warnings)
}

/// A file map for the checks' unit tests: every entry public.
#[cfg(test)]
fn test_files(entries: &[(&str, &str)]) -> Files {
    use crate::render::RenderedFile;
    entries
        .iter()
        .map(|(path, contents)| (path.to_string(), RenderedFile::public(*contents)))
        .collect()
}
