//! Docker's inspect answer, reduced to what stackctl decides on (`ContainerStatus`). Pure.

use bollard::models::ContainerInspectResponse;

use super::engine::{ContainerStatus, Health, RunState};

pub(crate) fn status_of(found: ContainerInspectResponse) -> ContainerStatus {
    let state = found.state.unwrap_or_default();
    let health = state.health.unwrap_or_default();
    let health_log = health
        .log
        .as_ref()
        .and_then(|log| log.last())
        .filter(|last| last.exit_code.unwrap_or(0) != 0)
        .and_then(|last| last.output.clone());
    let health = match health.status.map(|s| s.to_string()).as_deref() {
        Some("starting") => Health::Starting,
        Some("healthy") => Health::Healthy,
        Some("unhealthy") => Health::Unhealthy,
        _ => Health::None,
    };
    let addresses = found
        .network_settings
        .and_then(|n| n.networks)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, e)| {
            e.ip_address
                .filter(|ip| !ip.is_empty())
                .map(|ip| (name, ip))
        })
        .collect();
    let config = found.config.unwrap_or_default();
    ContainerStatus {
        id: found.id.unwrap_or_default(),
        name: found
            .name
            .unwrap_or_default()
            .trim_start_matches('/')
            .to_string(),
        state: RunState::parse(&state.status.map(|s| s.to_string()).unwrap_or_default()),
        health,
        health_log,
        exit_code: state.exit_code,
        started_at: state.started_at,
        restart_count: found.restart_count.unwrap_or(0),
        addresses,
        image: config.image.unwrap_or_default(),
        labels: config.labels.unwrap_or_default().into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use bollard::models::{
        ContainerConfig, ContainerState, ContainerStateStatusEnum, EndpointSettings,
        HealthStatusEnum, HealthcheckResult, NetworkSettings,
    };

    use super::*;

    #[test]
    fn keeps_state_health_failing_check_output_and_addresses() {
        let found = ContainerInspectResponse {
            id: Some("abc".into()),
            name: Some("/p-prometheus-1".into()),
            state: Some(ContainerState {
                status: Some(ContainerStateStatusEnum::RUNNING),
                health: Some(bollard::models::Health {
                    status: Some(HealthStatusEnum::UNHEALTHY),
                    log: Some(vec![HealthcheckResult {
                        exit_code: Some(1),
                        output: Some("connection refused".into()),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            network_settings: Some(NetworkSettings {
                networks: Some(HashMap::from([
                    (
                        "p_default".to_string(),
                        EndpointSettings {
                            ip_address: Some("172.18.0.2".into()),
                            ..Default::default()
                        },
                    ),
                    (
                        "detached".to_string(),
                        EndpointSettings {
                            ip_address: Some(String::new()),
                            ..Default::default()
                        },
                    ),
                ])),
                ..Default::default()
            }),
            config: Some(ContainerConfig {
                image: Some("img:1".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let status = status_of(found);
        assert_eq!(status.name, "p-prometheus-1");
        assert_eq!(status.state, RunState::Running);
        assert_eq!(status.health, Health::Unhealthy);
        assert_eq!(status.health_log.as_deref(), Some("connection refused"));
        assert_eq!(
            status.addresses,
            BTreeMap::from([("p_default".to_string(), "172.18.0.2".to_string())])
        );
        assert_eq!(status.image, "img:1");
    }
}
