//! The plan as an operator reads it (`deploy --dry-run`): one line per action in the order
//! they run, each recreate's `old → new` below it, and terraform-style counts. Pure.

use serde::Serialize;

use super::actions::{Plan, ServiceAction};

/// How many objects each kind of action touches: services, plus the network and volumes a
/// cold deploy creates and the containers and duplicate networks it removes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub create: usize,
    pub recreate: usize,
    pub reload: usize,
    pub start: usize,
    pub remove: usize,
    pub pull: usize,
    pub unchanged: usize,
}

impl Counts {
    /// Whether applying would change anything.
    pub fn any(&self) -> bool {
        self.create + self.recreate + self.reload + self.start + self.remove + self.pull > 0
    }
}

impl std::fmt::Display for Counts {
    /// `3 to create, 1 to recreate, 1 to reload, 2 unchanged` (start, remove and pull only
    /// when there are some).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} to create, {} to recreate, {} to reload",
            self.create, self.recreate, self.reload
        )?;
        if self.start > 0 {
            write!(f, ", {} to start", self.start)?;
        }
        if self.remove > 0 {
            write!(f, ", {} to remove", self.remove)?;
        }
        if self.pull > 0 {
            let s = if self.pull == 1 { "" } else { "s" };
            write!(f, ", {} image{s} to pull", self.pull)?;
        }
        write!(f, ", {} unchanged", self.unchanged)
    }
}

impl Plan {
    pub fn counts(&self) -> Counts {
        let mut counts = Counts {
            create: usize::from(self.create_network.is_some()) + self.create_volumes.len(),
            remove: self.removals.len() + self.remove_networks.len(),
            pull: self.pulls.len(),
            ..Counts::default()
        };
        for step in self.steps() {
            match step.action {
                ServiceAction::Create => counts.create += 1,
                ServiceAction::Recreate { .. } => counts.recreate += 1,
                ServiceAction::Reload { .. } => counts.reload += 1,
                ServiceAction::Start { .. } => counts.start += 1,
                ServiceAction::Keep { .. } => counts.unchanged += 1,
            }
        }
        counts
    }

    /// One line per action, in the order they run; a recreate's changed fields follow it,
    /// indented (`    image: a:1 → a:2`).
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for pull in &self.pulls {
            lines.push(format!(
                "pull      {} (image of `{}`)",
                pull.image, pull.service
            ));
        }
        if let Some(network) = &self.create_network {
            lines.push(format!("create    network {network}"));
        }
        for volume in &self.create_volumes {
            lines.push(format!("create    volume {volume}"));
        }
        for removal in &self.removals {
            lines.push(format!(
                "remove    {} ({})",
                removal.container, removal.reason
            ));
        }
        for network in &self.remove_networks {
            lines.push(format!(
                "remove    network {} (duplicate project network)",
                network.id
            ));
        }
        for foreign in &self.foreign {
            lines.push(format!(
                "keep      {} ({})",
                foreign.container, foreign.reason
            ));
        }
        for step in self.steps() {
            lines.push(match &step.action {
                ServiceAction::Create => format!("create    {}", step.service),
                ServiceAction::Recreate { reason, .. } => {
                    format!("recreate  {} ({reason})", step.service)
                }
                ServiceAction::Start { .. } => format!("start     {} (stopped)", step.service),
                ServiceAction::Reload { .. } => {
                    format!("reload    {} (config files changed)", step.service)
                }
                ServiceAction::Keep { .. } => format!("keep      {} (up to date)", step.service),
            });
            if let ServiceAction::Recreate { changes, .. } = &step.action {
                lines.extend(changes.iter().map(|c| format!("            {c}")));
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Removal, ServiceStep, SpecChange};

    fn step(service: &str, action: ServiceAction) -> ServiceStep {
        ServiceStep {
            service: service.into(),
            action,
        }
    }

    #[test]
    fn counts_read_like_terraform_and_changes_follow_their_recreate() {
        let plan = Plan {
            project: "p".into(),
            create_network: Some("p_default".into()),
            create_volumes: vec!["p_data".into()],
            removals: vec![Removal {
                container: "p-loki-1".into(),
                id: "x".into(),
                reason: "service `loki` is no longer in the manifest".into(),
            }],
            levels: vec![vec![
                step("alertmanager", ServiceAction::Create),
                step(
                    "pushgateway",
                    ServiceAction::Recreate {
                        container: "c".into(),
                        reason: "image changed".into(),
                        changes: vec![SpecChange {
                            field: "image".into(),
                            old: Some("pg:1".into()),
                            new: Some("pg:2".into()),
                        }],
                    },
                ),
                step(
                    "prometheus",
                    ServiceAction::Reload {
                        container: "r".into(),
                    },
                ),
                step(
                    "node-exporter",
                    ServiceAction::Keep {
                        container: "k".into(),
                    },
                ),
            ]],
            ..Plan::default()
        };
        let counts = plan.counts();
        assert_eq!(
            counts.to_string(),
            "3 to create, 1 to recreate, 1 to reload, 1 to remove, 1 unchanged"
        );
        assert!(counts.any());
        let lines = plan.describe();
        let at = lines
            .iter()
            .position(|l| l == "recreate  pushgateway (image changed)")
            .unwrap();
        assert_eq!(lines[at + 1], "            image: pg:1 → pg:2");
        assert!(!Plan::default().counts().any());
    }
}
