//! `stackctl diff [SERVICE…]`: what a deploy would change, as unified diffs — each rendered
//! file against the one on disk (which is what the running containers read through their
//! bind mounts), and each service's spec against the one its container was created with (for
//! a container `docker compose up` started: its section of the docker-compose.yml on disk).
//! Secret files are compared but never shown. `--json` for scripts, `--detailed-exitcode`
//! for CI (0 same, 2 differs).

use std::collections::BTreeSet;
use std::process::ExitCode;

use super::session::on_disk;
use super::session::state::DeployedState;
use super::session::{self, Session};
use crate::cli::{DiffArgs, GlobalArgs};
use crate::docker::{Engine, ObservedContainer};
use crate::error::CommandError;
use crate::labels;
use crate::output::diff::{DiffReport, FileDiff, ServiceDiff, DIFF_SCHEMA_VERSION};
use crate::plan::{self, Adoption, DesiredService};
use crate::render::compose::COMPOSE_FILE;
use crate::render::RenderedFile;

pub fn exec(global: &GlobalArgs, args: DiffArgs) -> anyhow::Result<ExitCode> {
    let session = Session::open(global)?;
    let wanted = selected(&session, &args.services)?;
    let files = file_diffs(&session, &wanted);
    let services = if args.no_docker {
        None
    } else {
        Some(session::runtime()?.block_on(async {
            let engine = session::connect().await?;
            service_diffs(&engine, &session, &wanted).await
        })?)
    };
    let differences = !files.is_empty() || services.as_ref().is_some_and(|s| !s.is_empty());
    let report = DiffReport {
        schema_version: DIFF_SCHEMA_VERSION,
        project: session.project.clone(),
        differences,
        files,
        services,
    };
    if args.json {
        crate::output::print_json(&report)?;
    } else {
        crate::output::diff::print(&report);
    }
    Ok(if args.detailed_exitcode && differences {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The services named on the command line (all when none); an unknown name is bad input.
fn selected<'a>(session: &'a Session, names: &[String]) -> anyhow::Result<Vec<&'a DesiredService>> {
    if names.is_empty() {
        return Ok(session.desired.iter().collect());
    }
    names
        .iter()
        .map(|name| {
            session.service(name).ok_or_else(|| {
                let known: Vec<&str> = session
                    .desired
                    .iter()
                    .map(|d| d.spec.name.as_str())
                    .collect();
                anyhow::Error::new(
                    CommandError::usage(format!("no service `{name}` in this stack"))
                        .hint(format!("the services are: {}", known.join(", "))),
                )
            })
        })
        .collect()
}

fn file_diffs(session: &Session, wanted: &[&DesiredService]) -> Vec<FileDiff> {
    let all = wanted.len() == session.desired.len();
    let concerns = |path: &str| {
        all || wanted.iter().any(|d| plan::reads(&d.spec, path)) && path != COMPOSE_FILE
    };
    let on_disk = on_disk::read_rendered(&session.out_dir, &session.stack.files);
    let mut diffs = Vec::new();
    for (path, file) in &session.stack.files {
        if !concerns(path) {
            continue;
        }
        let old = on_disk.get(path);
        if old == Some(file) {
            continue;
        }
        // A secret file has no text to show: only that it changes.
        let diff = file.text().map(|new| {
            let old = old.and_then(RenderedFile::text).unwrap_or_default();
            unified(path, old, new)
        });
        diffs.push(FileDiff {
            path: path.clone(),
            status: if old.is_some() { "changed" } else { "created" },
            secret: diff.is_none(),
            diff,
        });
    }
    for path in removed_files(session) {
        if !concerns(&path) {
            continue;
        }
        let old = on_disk::read_regular(&session.out_dir.join(&path)).unwrap_or_default();
        let diff = RenderedFile::from_disk(&path, old)
            .text()
            .map(|old| unified(&path, old, ""));
        diffs.push(FileDiff {
            secret: diff.is_none(),
            diff,
            path,
            status: "removed",
        });
    }
    diffs
}

/// Files the last render wrote that this one no longer renders, still on disk.
fn removed_files(session: &Session) -> Vec<String> {
    let list =
        on_disk::read_regular(&session.out_dir.join(crate::writer::FILE_LIST)).unwrap_or_default();
    let previous: BTreeSet<&str> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    previous
        .into_iter()
        .filter(|p| !session.stack.files.contains_key(*p) && !p.contains(".."))
        .filter(|p| on_disk::read_regular(&session.out_dir.join(p)).is_some())
        .map(str::to_string)
        .collect()
}

fn unified(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

async fn service_diffs<E: Engine>(
    engine: &E,
    session: &Session,
    wanted: &[&DesiredService],
) -> anyhow::Result<Vec<ServiceDiff>> {
    let containers = engine.list_containers(&session.project).await?;
    let export = containers
        .iter()
        .any(|c| !c.is_stackctl())
        .then(|| on_disk::compose_export(session))
        .flatten();
    let mut diffs = Vec::new();
    for d in wanted {
        let name = labels::container_name(&session.project, &d.spec.name);
        let found = containers.iter().find(|c| c.name == name);
        if let Some(diff) = service_diff(d, found, export.as_ref(), session) {
            diffs.push(diff);
        }
    }
    Ok(diffs)
}

/// How one service's container differs from the manifest; `None` when it does not.
fn service_diff(
    d: &DesiredService,
    container: Option<&ObservedContainer>,
    export: Option<&plan::ComposeExport>,
    session: &Session,
) -> Option<ServiceDiff> {
    let service = d.spec.name.clone();
    let new_spec = pretty(&d.spec_json);
    let Some(c) = container else {
        return Some(ServiceDiff {
            service,
            status: "create",
            created_by: None,
            changes: Vec::new(),
            diff: Some(unified(
                &format!("{}.spec.json", d.spec.name),
                "",
                &new_spec,
            )),
        });
    };
    let path = format!("{}.spec.json", d.spec.name);
    if c.is_stackctl() {
        if c.label(labels::SPEC_HASH) == Some(d.spec_hash.as_str()) {
            return None;
        }
        let old = c.label(labels::SPEC).map(pretty).unwrap_or_default();
        let changes = match (parse(c.label(labels::SPEC)), parse(Some(&d.spec_json))) {
            (Some(a), Some(b)) => crate::plan::SpecChange::between(&a, &b),
            _ => Vec::new(),
        };
        return Some(ServiceDiff {
            service,
            status: "recreate",
            created_by: Some("stackctl"),
            changes,
            diff: Some(unified(&path, &old, &new_spec)),
        });
    }
    let adopted_before = DeployedState::read(&session.out_dir)
        .by_container()
        .contains_key(&c.id);
    match plan::adoption(c, export, adopted_before) {
        Adoption::Adopt => None,
        Adoption::Stale => Some(ServiceDiff {
            service,
            status: "recreate",
            created_by: Some("compose"),
            changes: Vec::new(),
            diff: None,
        }),
        Adoption::Differs(changes) => {
            let section = |text: &str| compose_section(text, &d.spec.name);
            let old =
                on_disk::read_regular(&session.out_dir.join(COMPOSE_FILE)).unwrap_or_default();
            let new = session
                .stack
                .files
                .get(COMPOSE_FILE)
                .and_then(RenderedFile::text)
                .unwrap_or_default();
            let label = format!("{COMPOSE_FILE} services.{}", d.spec.name);
            Some(ServiceDiff {
                service,
                status: "recreate",
                created_by: Some("compose"),
                changes,
                diff: Some(unified(&label, &section(&old), &section(new))),
            })
        }
        Adoption::Foreign => Some(ServiceDiff {
            service,
            status: "foreign",
            created_by: Some("other"),
            changes: Vec::new(),
            diff: None,
        }),
    }
}

fn parse(text: Option<&str>) -> Option<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(text?).ok()
}

/// Canonical spec JSON, one field a line, so a unified diff shows fields.
fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .map(|t| t + "\n")
        .unwrap_or_else(|_| json.to_string())
}

/// One service's section of a compose file, as YAML.
fn compose_section(text: &str, service: &str) -> String {
    serde_yaml::from_str::<serde_yaml::Value>(text)
        .ok()
        .and_then(|v| v.get("services")?.get(service).cloned())
        .and_then(|section| serde_yaml::to_string(&section).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unified_diff_has_headers_and_hunks() {
        let text = unified("prometheus/prometheus.yml", "a: 1\nb: 2\n", "a: 1\nb: 3\n");
        assert!(
            text.starts_with(
                "--- a/prometheus/prometheus.yml\n+++ b/prometheus/prometheus.yml\n@@"
            ),
            "{text}"
        );
        assert!(text.contains("-b: 2\n+b: 3\n"), "{text}");
    }

    #[test]
    fn a_compose_section_is_cut_out_as_yaml() {
        let file = "services:\n  prometheus:\n    image: p:1\n  grafana:\n    image: g:1\n";
        assert_eq!(compose_section(file, "grafana"), "image: g:1\n");
        assert_eq!(compose_section(file, "loki"), "");
    }
}
