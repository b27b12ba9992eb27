//! How a plan is shown (`deploy --dry-run`): as `terraform plan` reads — each action, what
//! changed `old → new`, then the counts — or as one JSON document (`schema_version` 1,
//! documented in docs/machine-output.md).

use serde::Serialize;

use super::style::{self, Tone};
use crate::plan::{Counts, NetworkRemoval, Plan, Pull, Removal, ServiceStep};

/// The version of the `deploy --dry-run --json` document; bumped on any incompatible change.
pub(crate) const PLAN_SCHEMA_VERSION: u32 = 1;

pub fn print(plan: &Plan) {
    if !plan.counts().any() {
        println!("stack `{}` is up to date: nothing to do", plan.project);
        return;
    }
    println!(
        "plan for stack `{}` (dry run, nothing changed):",
        plan.project
    );
    for line in plan.describe() {
        anstream::println!("  {}", paint_action(&line));
    }
    println!();
    println!("Plan: {}.", plan.counts());
}

/// The action word of a plan line in the colour of what it does.
fn paint_action(line: &str) -> String {
    let tone = match line.split_whitespace().next() {
        Some("create" | "pull") => Tone::Good,
        Some("recreate" | "reload" | "start") => Tone::Warn,
        Some("remove") => Tone::Bad,
        _ => return line.to_string(),
    };
    let end = line.find(' ').unwrap_or(line.len());
    format!("{}{}", style::paint(&line[..end], tone), &line[end..])
}

/// `deploy --dry-run --json`.
#[derive(Debug, Serialize)]
pub struct PlanDocument<'a> {
    pub schema_version: u32,
    pub project: &'a str,
    /// Whether applying the plan would change anything.
    pub changes: bool,
    pub counts: Counts,
    /// The project network to create (`null` when it exists).
    pub create_network: Option<&'a str>,
    pub create_volumes: &'a [String],
    pub pulls: &'a [Pull],
    pub removals: &'a [Removal],
    pub remove_networks: &'a [NetworkRemoval],
    /// Containers with the project's label that stackctl did not create: kept.
    pub foreign: &'a [Removal],
    /// One entry per service in the order they are applied, with its `action` (`create`,
    /// `recreate`, `start`, `reload`, `keep`).
    pub services: Vec<&'a ServiceStep>,
}

pub fn document(plan: &Plan) -> PlanDocument<'_> {
    let counts = plan.counts();
    PlanDocument {
        schema_version: PLAN_SCHEMA_VERSION,
        project: &plan.project,
        changes: counts.any(),
        counts,
        create_network: plan.create_network.as_deref(),
        create_volumes: &plan.create_volumes,
        pulls: &plan.pulls,
        removals: &plan.removals,
        remove_networks: &plan.remove_networks,
        foreign: &plan.foreign,
        services: plan.steps().collect(),
    }
}

pub(crate) fn print_json(plan: &Plan) -> anyhow::Result<()> {
    super::print_json(&document(plan))
}
