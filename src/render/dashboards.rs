//! Grafana dashboards (`grafana/dashboards/<uid>.json`): the ones generated from the manifest
//! (overview, one per scrape job, host, containers, probes, SLOs) and the operator's own files.
//!
//! Generated dashboards are Grafana 11+ JSON models with stable `uid`s, React panels only,
//! datasources by `{type, uid}` and non-overlapping positions; never `__inputs`.

mod areas;
pub mod boards;
mod expr_check;
pub mod jobs;
pub mod layout;
mod overview;
pub mod panel;
pub mod query;
mod slos;
mod user_files;
mod user_queries;

use std::collections::BTreeSet;

use anyhow::Context as _;
use sha2::{Digest, Sha256};

pub use panel::{Dashboard, Source, PANEL_TYPES};

use super::{Draft, Kind, Stack};

/// The dashboard JSON schema version emitted; Grafana 11.0 knows 39–41, later ones migrate up.
pub(crate) const SCHEMA_VERSION: u32 = 41;
/// Grafana refuses uids longer than this.
const MAX_UID: usize = 40;

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    check_frameworks(stack, draft);
    if !stack.has(&Kind::Grafana) {
        if !stack.manifest.dashboards.files.is_empty() {
            draft.warn("`dashboards.files` is ignored: there is no Grafana (add `grafana` under `components`)");
        }
        if !stack.manifest.dashboards.boards.is_empty() {
            draft.warn("`dashboards.boards` is ignored: there is no Grafana (add `grafana` under `components`)");
        }
        return Ok(());
    }
    let mut taken = BTreeSet::new();
    let boards = boards::build(&stack.manifest.dashboards.boards, draft);
    for dashboard in generated(stack).into_iter().chain(boards) {
        if taken.contains(&format!("uid:{}", dashboard.uid)) {
            draft.problem(
                crate::manifest::Diagnostic::new("dashboards.boards", format!("two dashboards share the uid `{}`", dashboard.uid))
                    .hint("give each board its own `uid` (or title); generated ones start with `stackctl-`"),
            );
            continue;
        }
        taken.insert(format!("uid:{}", dashboard.uid));
        taken.insert(format!("file:{}.json", dashboard.uid));
        let text = dashboard_json(stack, &dashboard)?;
        draft.add_json(&format!("grafana/dashboards/{}.json", dashboard.uid), text)?;
    }
    user_files::copy(stack, draft, &mut taken)
}

/// Whether Grafana gets any dashboard, generated or the operator's.
pub fn any(stack: &Stack) -> bool {
    !stack.manifest.dashboards.files.is_empty()
        || !stack.manifest.dashboards.boards.is_empty()
        || !generated(stack).is_empty()
}

/// `scrape[].framework` names one whose metrics stackctl knows.
fn check_frameworks(stack: &Stack, draft: &mut Draft) {
    for (i, job) in stack.manifest.scrape.iter().enumerate() {
        let Some(framework) = &job.framework else {
            continue;
        };
        if !jobs::FRAMEWORK_METRICS.iter().any(|(f, ..)| f == framework) {
            let known: Vec<&str> = jobs::FRAMEWORK_METRICS.iter().map(|(f, ..)| *f).collect();
            draft.problem(
                crate::manifest::Diagnostic::new(
                    format!("scrape[{i}].framework"),
                    format!("unknown framework `{framework}`"),
                )
                .hint(format!(
                    "use one of {}, or name the metrics with `http: {{requests, duration, status_label}}`",
                    known.join(", ")
                )),
            );
        }
    }
}

/// The dashboards generated for this stack (none without Prometheus or with `generated: false`).
pub fn generated(stack: &Stack) -> Vec<Dashboard> {
    if !stack.manifest.dashboards.generated || !stack.has(&Kind::Prometheus) {
        return Vec::new();
    }
    let mut out = vec![overview::build(stack)];
    out.extend(jobs::build(stack));
    out.extend(areas::host(stack));
    out.extend(areas::containers(stack));
    out.extend(areas::probes(stack));
    out.extend(slos::build(stack));
    out
}

/// The dashboard's JSON model, laid out by the template and pretty-printed.
pub(crate) fn dashboard_json(stack: &Stack, dashboard: &Dashboard) -> anyhow::Result<String> {
    let mut tags = vec!["stackctl".to_string(), stack.manifest.project.clone()];
    tags.extend(
        stack
            .manifest
            .labels
            .iter()
            .map(|(k, v)| format!("{k}:{v}")),
    );
    tags.extend(dashboard.tags.iter().cloned());
    let text = stack.templates.render(
        "grafana/dashboard.json.j2",
        minijinja::context! {
            uid => dashboard.uid,
            title => dashboard.title,
            tags,
            schema_version => SCHEMA_VERSION,
            panels => dashboard.panels_json(),
        },
    )?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("dashboard `{}` is not valid JSON:\n{text}", dashboard.uid))?;
    Ok(serde_json::to_string_pretty(&value)? + "\n")
}

/// A stable dashboard uid `stackctl-<name>`: names that are not already plain lowercase
/// (or too long) get a short hash so two names never share a uid.
pub fn uid(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let plain = format!("stackctl-{slug}");
    if slug == name && plain.len() <= MAX_UID {
        return plain;
    }
    let hash = hex::encode(&Sha256::digest(name.as_bytes())[..4]);
    let keep = MAX_UID - hash.len() - 1;
    let prefix: String = plain.chars().take(keep).collect();
    format!("{}-{hash}", prefix.trim_end_matches('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_stable_short_and_distinct() {
        assert_eq!(uid("job-api"), "stackctl-job-api");
        assert_ne!(uid("job-a.b"), uid("job-a_b"));
        assert_ne!(uid("job-API"), uid("job-api"));
        let long = uid(&format!("job-{}", "x".repeat(60)));
        assert!(long.len() <= MAX_UID, "{long}");
        assert_eq!(long, uid(&format!("job-{}", "x".repeat(60))));
    }
}
