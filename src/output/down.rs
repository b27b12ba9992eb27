//! What `down` prints, on both engines: a line for each thing removed or kept, the moment it
//! happens (a slow stop should not look like a hang), then `stack `shop` is down`. The
//! command reports each step as a `DownEvent`; the wording is here. `-q` does not shorten it.

/// One step of `down`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DownEvent {
    RemovedContainer(String),
    /// Containers with the project's label that stackctl did not create.
    KeptForeignContainers(Vec<String>),
    RemovedNetwork(String),
    /// A network that would not go while kept containers may still use it, and why.
    KeptNetwork {
        name: String,
        error: String,
    },
    RemovedVolume(String),
    /// Data volumes kept because `--volumes` was not given.
    KeptDataVolumes(Vec<String>),
    /// Volumes with the project's label that stackctl did not create.
    KeptForeignVolumes(Vec<String>),
    /// A Swarm service.
    RemovedService(String),
    RemovedConfigsAndSecrets {
        configs: usize,
        secrets: usize,
    },
    Down {
        project: String,
    },
}

pub(crate) fn print_event(event: &DownEvent) {
    println!("{}", line(event));
}

/// The line `event` prints (without its newline).
pub(crate) fn line(event: &DownEvent) -> String {
    match event {
        DownEvent::RemovedContainer(name) => format!("removed {name}"),
        DownEvent::KeptForeignContainers(names) => format!(
            "kept {} container(s) stackctl did not create: {} (`stackctl down --remove-orphans` removes them too)",
            names.len(),
            names.join(", ")
        ),
        DownEvent::RemovedNetwork(name) => format!("removed network {name}"),
        DownEvent::KeptNetwork { name, error } => format!("kept network {name} ({error})"),
        DownEvent::RemovedVolume(name) => format!("removed volume {name}"),
        DownEvent::KeptDataVolumes(names) => format!(
            "kept {} data volume(s): {} (`stackctl down --volumes` removes them)",
            names.len(),
            names.join(", ")
        ),
        DownEvent::KeptForeignVolumes(names) => format!(
            "kept {} volume(s) with the project's label that stackctl did not create: {} (`docker volume rm` removes one you no longer need)",
            names.len(),
            names.join(", ")
        ),
        DownEvent::RemovedService(name) => format!("removed service {name}"),
        DownEvent::RemovedConfigsAndSecrets { configs, secrets } => {
            format!("removed {configs} config(s) and {secrets} secret(s)")
        }
        DownEvent::Down { project } => format!("stack `{project}` is down"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_has_its_line() {
        let names = || vec!["a".to_string(), "b".to_string()];
        let rows = [
            (DownEvent::RemovedContainer("shop-grafana-1".into()), "removed shop-grafana-1"),
            (
                DownEvent::KeptForeignContainers(names()),
                "kept 2 container(s) stackctl did not create: a, b (`stackctl down --remove-orphans` removes them too)",
            ),
            (DownEvent::RemovedNetwork("shop_default".into()), "removed network shop_default"),
            (
                DownEvent::KeptNetwork {
                    name: "shop_default".into(),
                    error: "network has active endpoints".into(),
                },
                "kept network shop_default (network has active endpoints)",
            ),
            (DownEvent::RemovedVolume("shop_loki-data".into()), "removed volume shop_loki-data"),
            (
                DownEvent::KeptDataVolumes(names()),
                "kept 2 data volume(s): a, b (`stackctl down --volumes` removes them)",
            ),
            (
                DownEvent::KeptForeignVolumes(names()),
                "kept 2 volume(s) with the project's label that stackctl did not create: a, b (`docker volume rm` removes one you no longer need)",
            ),
            (DownEvent::RemovedService("shop_grafana".into()), "removed service shop_grafana"),
            (
                DownEvent::RemovedConfigsAndSecrets { configs: 3, secrets: 1 },
                "removed 3 config(s) and 1 secret(s)",
            ),
            (DownEvent::Down { project: "shop".into() }, "stack `shop` is down"),
        ];
        for (event, want) in rows {
            assert_eq!(line(&event), want, "{event:?}");
        }
    }
}
