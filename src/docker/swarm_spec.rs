//! The Swarm API form of one `docker-stack.yml` service (`render::swarm::SwarmService`), as
//! `docker stack deploy` would create it: name `PROJECT_SERVICE`, the stack namespace label,
//! configs and secrets by name and ID. Pure.

use std::collections::{BTreeMap, HashMap};

use bollard::models::{
    EndpointPortConfig, EndpointPortConfigProtocolEnum, EndpointPortConfigPublishModeEnum,
    EndpointSpec, EndpointSpecModeEnum, HealthConfig, Mount, MountType, MountVolumeOptions,
    NetworkAttachmentConfig, ServiceSpec, ServiceSpecMode, ServiceSpecModeReplicated,
    ServiceSpecRollbackConfig, ServiceSpecRollbackConfigFailureActionEnum,
    ServiceSpecRollbackConfigOrderEnum, ServiceSpecUpdateConfig,
    ServiceSpecUpdateConfigFailureActionEnum, ServiceSpecUpdateConfigOrderEnum, TaskSpec,
    TaskSpecContainerSpec, TaskSpecContainerSpecConfigs, TaskSpecContainerSpecFile,
    TaskSpecContainerSpecFile1, TaskSpecContainerSpecSecrets, TaskSpecLogDriver, TaskSpecPlacement,
    TaskSpecRestartPolicy, TaskSpecRestartPolicyConditionEnum,
};

use crate::render::swarm::{hash_text, StackFile, SwarmService, UpdateConfig, TASK_LABEL};

/// What a service refers to by name, resolved on the daemon.
pub(crate) struct Resolved<'a> {
    /// Config and secret name → ID.
    pub ids: &'a BTreeMap<String, String>,
    /// Network name → ID.
    pub networks: &'a BTreeMap<String, String>,
    /// The group owning the Docker socket, for `${DOCKER_GID}` in `user`.
    pub docker_gid: Option<u32>,
}

/// `PROJECT_SERVICE`, as `docker stack deploy` names services.
pub(crate) fn service_name(project: &str, service: &str) -> String {
    format!("{project}_{service}")
}

pub(crate) fn service_spec(
    project: &str,
    key: &str,
    service: &SwarmService,
    file: &StackFile,
    resolved: &Resolved,
) -> ServiceSpec {
    let container = TaskSpecContainerSpec {
        image: Some(service.image.clone()),
        labels: Some(hash_map(&service.labels)),
        command: service.entrypoint.clone(),
        args: (!service.command.is_empty()).then(|| service.command.clone()),
        env: Some(
            service
                .environment
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect(),
        ),
        user: service.user.as_ref().map(|user| match resolved.docker_gid {
            Some(gid) => user.replace("${DOCKER_GID}", &gid.to_string()),
            None => user.clone(),
        }),
        mounts: Some(mounts(service, file)),
        health_check: service.healthcheck.as_ref().map(|h| HealthConfig {
            test: Some(h.test.clone()),
            interval: Some(nanos(&h.interval)),
            timeout: Some(nanos(&h.timeout)),
            retries: Some(h.retries as i64),
            start_period: Some(nanos(&h.start_period)),
            ..Default::default()
        }),
        // `docker stack deploy` turns `host:ip` into Swarm's `ip host`.
        hosts: Some(
            service
                .extra_hosts
                .iter()
                .map(|entry| match entry.split_once(':') {
                    Some((host, ip)) => format!("{ip} {host}"),
                    None => entry.clone(),
                })
                .collect(),
        ),
        configs: Some(
            service
                .configs
                .iter()
                .filter_map(|c| {
                    let name = file.configs.get(&c.source)?.name.clone();
                    Some(TaskSpecContainerSpecConfigs {
                        file: Some(TaskSpecContainerSpecFile1 {
                            name: Some(c.target.clone()),
                            uid: Some(c.uid.clone()),
                            gid: Some(c.gid.clone()),
                            mode: Some(c.mode),
                        }),
                        config_id: resolved.ids.get(&name).cloned(),
                        config_name: Some(name),
                        ..Default::default()
                    })
                })
                .collect(),
        ),
        secrets: Some(
            service
                .secrets
                .iter()
                .filter_map(|s| {
                    let name = file.secrets.get(&s.source)?.name.clone();
                    Some(TaskSpecContainerSpecSecrets {
                        file: Some(TaskSpecContainerSpecFile {
                            name: Some(s.target.clone()),
                            uid: Some(s.uid.clone()),
                            gid: Some(s.gid.clone()),
                            mode: Some(s.mode),
                        }),
                        secret_id: resolved.ids.get(&name).cloned(),
                        secret_name: Some(name),
                    })
                })
                .collect(),
        ),
        capability_add: (!service.cap_add.is_empty()).then(|| service.cap_add.clone()),
        ..Default::default()
    };
    let deploy = &service.deploy;
    let networks = service
        .networks
        .iter()
        .map(|(key, attachment)| {
            let name = file
                .networks
                .get(key)
                .map_or(key.clone(), |n| n.name.clone());
            NetworkAttachmentConfig {
                target: Some(resolved.networks.get(&name).cloned().unwrap_or(name)),
                aliases: Some(attachment.aliases.clone()),
                ..Default::default()
            }
        })
        .collect();
    let mut spec = ServiceSpec {
        name: Some(service_name(project, key)),
        labels: Some(hash_map(&deploy.labels)),
        task_template: Some(TaskSpec {
            container_spec: Some(container),
            restart_policy: Some(TaskSpecRestartPolicy {
                condition: Some(TaskSpecRestartPolicyConditionEnum::ANY),
                delay: Some(nanos(&deploy.restart_policy.delay)),
                ..Default::default()
            }),
            placement: Some(TaskSpecPlacement {
                constraints: Some(deploy.placement.constraints.clone()),
                ..Default::default()
            }),
            networks: Some(networks),
            log_driver: Some(TaskSpecLogDriver {
                name: Some(service.logging.driver.clone()),
                options: Some(hash_map(&service.logging.options)),
            }),
            ..Default::default()
        }),
        mode: Some(if deploy.mode == "global" {
            ServiceSpecMode {
                global: Some(HashMap::new()),
                ..Default::default()
            }
        } else {
            ServiceSpecMode {
                replicated: Some(ServiceSpecModeReplicated {
                    replicas: deploy.replicas.map(|r| r as i64),
                }),
                ..Default::default()
            }
        }),
        update_config: Some(update_config(&deploy.update_config)),
        rollback_config: Some(rollback_config(&deploy.rollback_config)),
        endpoint_spec: Some(EndpointSpec {
            ports: Some(
                service
                    .ports
                    .iter()
                    .map(|p| EndpointPortConfig {
                        protocol: Some(if p.protocol == "udp" {
                            EndpointPortConfigProtocolEnum::UDP
                        } else {
                            EndpointPortConfigProtocolEnum::TCP
                        }),
                        target_port: Some(p.target as i64),
                        published_port: Some(p.published as i64),
                        publish_mode: Some(if p.mode == "host" {
                            EndpointPortConfigPublishModeEnum::HOST
                        } else {
                            EndpointPortConfigPublishModeEnum::INGRESS
                        }),
                        ..Default::default()
                    })
                    .collect(),
            ),
            mode: Some(if deploy.endpoint_mode == "dnsrr" {
                EndpointSpecModeEnum::DNSRR
            } else {
                EndpointSpecModeEnum::VIP
            }),
        }),
        ..Default::default()
    };
    stamp_task_hash(&mut spec);
    spec
}

/// The task hash of `spec` ([`TASK_LABEL`]): of its task template as sent (config and secret
/// IDs, network IDs and the socket's group resolved) and its endpoint, which is what Swarm
/// compares to decide that a task must be replaced. Placement is left out: Swarm keeps a task
/// whose node still fits a new placement, so the task's label must stay the same too.
pub(crate) fn task_hash(spec: &ServiceSpec) -> String {
    let mut template = spec.task_template.clone().unwrap_or_default();
    template.placement = None;
    if let Some(labels) = template
        .container_spec
        .as_mut()
        .and_then(|c| c.labels.as_mut())
    {
        labels.remove(TASK_LABEL);
    }
    let mut value = serde_json::json!({ "task": template, "endpoint": spec.endpoint_spec });
    sort_keys(&mut value);
    hash_text(&value.to_string())
}

/// Sorts every object's keys: labels and options are `HashMap`s, whose order differs from one
/// map to the next, and serde_json keeps insertion order here (`preserve_order`).
fn sort_keys(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.sort_keys();
            map.values_mut().for_each(sort_keys);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

/// Puts [`task_hash`] on the container spec, where each task carries it.
fn stamp_task_hash(spec: &mut ServiceSpec) {
    let hash = task_hash(spec);
    if let Some(container) = spec
        .task_template
        .as_mut()
        .and_then(|t| t.container_spec.as_mut())
    {
        container
            .labels
            .get_or_insert_with(HashMap::new)
            .insert(TASK_LABEL.to_string(), hash);
    }
}

/// The task hash `spec` carries (`None` for a spec stackctl did not build).
pub(crate) fn stamped_task_hash(spec: &ServiceSpec) -> Option<String> {
    spec.task_template
        .as_ref()?
        .container_spec
        .as_ref()?
        .labels
        .as_ref()?
        .get(TASK_LABEL)
        .cloned()
}

fn mounts(service: &SwarmService, file: &StackFile) -> Vec<Mount> {
    service
        .volumes
        .iter()
        .map(|m| {
            if m.kind == "volume" {
                let volume = file.volumes.get(&m.source);
                Mount {
                    target: Some(m.target.clone()),
                    source: Some(volume.map_or(m.source.clone(), |v| v.name.clone())),
                    typ: Some(MountType::VOLUME),
                    read_only: Some(m.read_only),
                    volume_options: Some(MountVolumeOptions {
                        labels: volume.map(|v| hash_map(&v.labels)),
                        ..Default::default()
                    }),
                    ..Default::default()
                }
            } else {
                Mount {
                    target: Some(m.target.clone()),
                    source: Some(m.source.clone()),
                    typ: Some(MountType::BIND),
                    read_only: Some(m.read_only),
                    ..Default::default()
                }
            }
        })
        .collect()
}

fn update_config(config: &UpdateConfig) -> ServiceSpecUpdateConfig {
    ServiceSpecUpdateConfig {
        parallelism: Some(config.parallelism as i64),
        delay: Some(nanos(&config.delay)),
        failure_action: Some(ServiceSpecUpdateConfigFailureActionEnum::ROLLBACK),
        monitor: Some(nanos(&config.monitor)),
        max_failure_ratio: Some(0.0),
        order: Some(if config.order == "start-first" {
            ServiceSpecUpdateConfigOrderEnum::START_FIRST
        } else {
            ServiceSpecUpdateConfigOrderEnum::STOP_FIRST
        }),
    }
}

fn rollback_config(config: &UpdateConfig) -> ServiceSpecRollbackConfig {
    ServiceSpecRollbackConfig {
        parallelism: Some(config.parallelism as i64),
        delay: Some(nanos(&config.delay)),
        failure_action: Some(ServiceSpecRollbackConfigFailureActionEnum::PAUSE),
        monitor: Some(nanos(&config.monitor)),
        max_failure_ratio: Some(0.0),
        order: Some(if config.order == "start-first" {
            ServiceSpecRollbackConfigOrderEnum::START_FIRST
        } else {
            ServiceSpecRollbackConfigOrderEnum::STOP_FIRST
        }),
    }
}

/// `10s` → nanoseconds (the model writes whole seconds).
fn nanos(duration: &str) -> i64 {
    humantime::parse_duration(duration).map_or(0, |d| d.as_nanos() as i64)
}

fn hash_map(map: &BTreeMap<String, String>) -> HashMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(labels: &[(&str, &str)], env: &str, replicas: i64, constraint: &str) -> ServiceSpec {
        let labels: HashMap<String, String> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut spec = ServiceSpec {
            name: Some("demo_prometheus".to_string()),
            labels: Some(HashMap::from([(
                "service".to_string(),
                format!("{replicas}"),
            )])),
            task_template: Some(TaskSpec {
                container_spec: Some(TaskSpecContainerSpec {
                    image: Some("prom/prometheus:v3.14.0".to_string()),
                    labels: Some(labels.clone()),
                    env: Some(vec![env.to_string()]),
                    ..Default::default()
                }),
                placement: Some(TaskSpecPlacement {
                    constraints: Some(vec![constraint.to_string()]),
                    ..Default::default()
                }),
                log_driver: Some(TaskSpecLogDriver {
                    name: Some("json-file".to_string()),
                    options: Some(labels),
                }),
                ..Default::default()
            }),
            mode: Some(ServiceSpecMode {
                replicated: Some(ServiceSpecModeReplicated {
                    replicas: Some(replicas),
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        stamp_task_hash(&mut spec);
        spec
    }

    const LABELS: &[(&str, &str)] = &[
        ("a", "1"),
        ("b", "2"),
        ("c", "3"),
        ("d", "4"),
        ("e", "5"),
        ("f", "6"),
        ("g", "7"),
        ("h", "8"),
    ];

    /// The hash Swarm's tasks carry changes exactly when Swarm replaces them: never with the
    /// order of a `HashMap`, the replica count, the service's labels or a placement the task
    /// may still fit; always with what the container runs.
    #[test]
    fn the_task_hash_follows_what_makes_swarm_replace_tasks() {
        let hash = |s: &ServiceSpec| stamped_task_hash(s).expect("stamped");
        let base = hash(&spec(LABELS, "A=1", 1, "node.role==manager"));
        for _ in 0..20 {
            assert_eq!(hash(&spec(LABELS, "A=1", 1, "node.role==manager")), base);
        }
        assert_eq!(hash(&spec(LABELS, "A=1", 3, "node.role==manager")), base);
        assert_eq!(hash(&spec(LABELS, "A=1", 1, "node.role==worker")), base);
        assert_ne!(hash(&spec(LABELS, "A=2", 1, "node.role==manager")), base);
        assert_ne!(
            hash(&spec(&LABELS[1..], "A=1", 1, "node.role==manager")),
            base
        );
    }
}
