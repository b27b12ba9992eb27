//! Whether the services can reach each other: the project network exists once, and every
//! deployed container is attached to it. Pure: what Docker listed in, sentences out.

use crate::docker::{ObservedContainer, ObservedNetwork};
use crate::labels;
use crate::output::status::{Problem, ProblemCode};

/// One sentence per network fault, naming the cause and the fix.
pub fn problems(
    project: &str,
    networks: &[ObservedNetwork],
    containers: &[(&str, &ObservedContainer)],
) -> Vec<Problem> {
    let name = labels::default_network(project);
    let mut problems = Vec::new();
    if networks.len() > 1 {
        problems.push(Problem::new(
            ProblemCode::NetworkDuplicate,
            None,
            format!(
                "{} networks are named `{name}` (two deploys ran at once); run `stackctl deploy` to keep one",
                networks.len()
            ),
        ));
    }
    let Some(network) = networks.first() else {
        if !containers.is_empty() {
            problems.push(Problem::new(
                ProblemCode::NetworkRemoved,
                None,
                format!("network `{name}` was removed: the services cannot reach each other (run `stackctl deploy`)"),
            ));
        }
        return problems;
    };
    for (service, c) in containers {
        let attached = c.networks.get(&name);
        if !attached.is_some_and(|id| networks.iter().any(|n| &n.id == id)) {
            problems.push(Problem::new(
                ProblemCode::NetworkDetached,
                Some(service),
                format!("`{service}` is not attached to network `{name}` (it was removed, recreated or disconnected); run `stackctl deploy`"),
            ));
        } else if networks.len() > 1 && attached != Some(&network.id) {
            // On a duplicate: reachable only by the services on the same duplicate.
            problems.push(Problem::new(
                ProblemCode::NetworkDetached,
                Some(service),
                format!("`{service}` is on a duplicate of network `{name}`; run `stackctl deploy`"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::docker::RunState;

    fn network(id: &str) -> ObservedNetwork {
        ObservedNetwork {
            id: id.into(),
            name: "p_default".into(),
            labels: BTreeMap::new(),
            created: id.into(),
        }
    }

    fn container(on: Option<&str>) -> ObservedContainer {
        ObservedContainer {
            id: "c".into(),
            name: "p-prometheus-1".into(),
            service: "prometheus".into(),
            state: RunState::Running,
            created: 0,
            image_id: String::new(),
            labels: BTreeMap::new(),
            networks: on
                .map(|id| BTreeMap::from([("p_default".to_string(), id.to_string())]))
                .unwrap_or_default(),
        }
    }

    #[test]
    fn names_each_network_fault() {
        let attached = container(Some("n1"));
        let detached = container(None);
        let stale = container(Some("gone"));
        let on_duplicate = container(Some("n2"));
        type Row<'a> = (
            &'a str,
            Vec<ObservedNetwork>,
            &'a ObservedContainer,
            &'a str,
        );
        let rows: Vec<Row> = vec![
            ("healthy", vec![network("n1")], &attached, ""),
            (
                "network removed",
                vec![],
                &stale,
                "network `p_default` was removed",
            ),
            (
                "disconnected",
                vec![network("n1")],
                &detached,
                "`prometheus` is not attached",
            ),
            (
                "network recreated",
                vec![network("n1")],
                &stale,
                "`prometheus` is not attached",
            ),
            (
                "duplicates",
                vec![network("n1"), network("n2")],
                &on_duplicate,
                "2 networks are named `p_default`",
            ),
        ];
        for (case, networks, c, want) in rows {
            let got = problems("p", &networks, &[("prometheus", c)])
                .iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join(" | ");
            if want.is_empty() {
                assert!(got.is_empty(), "{case}: {got}");
            } else {
                assert!(got.contains(want), "{case}: {got}");
            }
        }
    }
}
