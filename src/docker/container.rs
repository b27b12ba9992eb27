//! A `ContainerRequest` becomes the Docker create body: ports on `bind`, config directories
//! bind-mounted read-only, named volumes, restart policy, log rotation, healthcheck. Pure.

use std::collections::HashMap;
use std::path::Path;

use bollard::models::{
    ContainerCreateBody, DeviceMapping, EndpointSettings, HealthConfig, HostConfig,
    HostConfigLogConfig, Mount, MountBindOptions, MountBindOptionsPropagationEnum, MountType,
    NetworkingConfig, PortBinding, RestartPolicy, RestartPolicyNameEnum,
};

use super::engine::ContainerRequest;
use crate::labels;
use crate::service::{self, HealthCheck, MountSource, ServiceSpec};

const NANOS_PER_SEC: i64 = 1_000_000_000;

pub(crate) fn create_body(request: &ContainerRequest) -> ContainerCreateBody {
    let spec = &request.spec;
    let environment: Vec<String> = spec
        .environment
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    ContainerCreateBody {
        image: Some(spec.image.clone()),
        cmd: (!spec.command.is_empty()).then(|| spec.command.clone()),
        entrypoint: spec.entrypoint.clone(),
        env: (!environment.is_empty()).then_some(environment),
        user: spec.user.clone(),
        labels: Some(request.labels.clone().into_iter().collect()),
        exposed_ports: Some(spec.ports.iter().map(port_key).collect()),
        healthcheck: spec.healthcheck.as_ref().map(health_config),
        host_config: Some(host_config(request)),
        networking_config: Some(NetworkingConfig {
            endpoints_config: Some(HashMap::from([(
                request.network.clone(),
                EndpointSettings {
                    aliases: Some(aliases(request)),
                    ..Default::default()
                },
            )])),
        }),
        ..Default::default()
    }
}

/// DNS names of the container on every network it joins: the service name first.
pub(crate) fn aliases(request: &ContainerRequest) -> Vec<String> {
    vec![request.spec.name.clone(), request.name.clone()]
}

fn port_key(port: &service::PortSpec) -> String {
    format!("{}/{}", port.container_port, port.protocol)
}

fn host_config(request: &ContainerRequest) -> HostConfig {
    let spec = &request.spec;
    let mut port_bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
    for port in &spec.ports {
        port_bindings
            .entry(port_key(port))
            .or_insert_with(|| Some(Vec::new()))
            .get_or_insert_with(Vec::new)
            .push(PortBinding {
                host_ip: Some(port.host_ip.clone()),
                host_port: Some(port.host_port.to_string()),
            });
    }
    HostConfig {
        port_bindings: Some(port_bindings),
        mounts: Some(mounts(spec, &request.project, &request.out_dir)),
        restart_policy: Some(RestartPolicy {
            name: Some(restart_name(spec.restart)),
            maximum_retry_count: None,
        }),
        log_config: Some(HostConfigLogConfig {
            typ: Some("json-file".to_string()),
            config: Some(HashMap::from([
                ("max-size".to_string(), service::LOG_MAX_SIZE.to_string()),
                ("max-file".to_string(), service::LOG_MAX_FILES.to_string()),
            ])),
        }),
        network_mode: Some(request.network.clone()),
        privileged: spec.privileged.then_some(true),
        pid_mode: spec.pid_host.then(|| "host".to_string()),
        devices: (!spec.devices.is_empty())
            .then(|| spec.devices.iter().map(|d| device(d)).collect()),
        cap_add: (!spec.cap_add.is_empty()).then(|| spec.cap_add.clone()),
        group_add: Some(groups(request)).filter(|g| !g.is_empty()),
        extra_hosts: (!spec.extra_hosts.is_empty()).then(|| spec.extra_hosts.clone()),
        ..Default::default()
    }
}

fn mounts(spec: &ServiceSpec, project: &str, out_dir: &Path) -> Vec<Mount> {
    spec.mounts
        .iter()
        .map(|m| {
            let (typ, source) = match &m.source {
                MountSource::Bind(path) => {
                    let path = Path::new(path);
                    let absolute = if path.is_absolute() {
                        path.to_path_buf()
                    } else {
                        out_dir.join(path)
                    };
                    (MountType::BIND, absolute.to_string_lossy().into_owned())
                }
                MountSource::Volume(key) => (MountType::VOLUME, labels::volume_name(project, key)),
            };
            Mount {
                target: Some(m.target.clone()),
                source: Some(source),
                typ: Some(typ),
                read_only: Some(m.read_only),
                bind_options: m.propagation.as_deref().map(|p| MountBindOptions {
                    propagation: Some(propagation(p)),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect()
}

fn propagation(text: &str) -> MountBindOptionsPropagationEnum {
    match text {
        "private" => MountBindOptionsPropagationEnum::PRIVATE,
        "rprivate" => MountBindOptionsPropagationEnum::RPRIVATE,
        "shared" => MountBindOptionsPropagationEnum::SHARED,
        "rshared" => MountBindOptionsPropagationEnum::RSHARED,
        "slave" => MountBindOptionsPropagationEnum::SLAVE,
        _ => MountBindOptionsPropagationEnum::RSLAVE,
    }
}

/// The groups the program joins: the spec's, plus the Docker socket's owner group when asked.
fn groups(request: &ContainerRequest) -> Vec<String> {
    let mut groups = request.spec.group_add.clone();
    if request.spec.docker_socket_group {
        if let Some(gid) = request.docker_socket_gid {
            groups.push(gid.to_string());
        }
    }
    groups
}

/// `/dev/kmsg` or `/dev/kmsg:/dev/kmsg[:rwm]`.
fn device(text: &str) -> DeviceMapping {
    let mut parts = text.split(':');
    let host = parts.next().unwrap_or(text).to_string();
    let container = parts
        .next()
        .map(str::to_string)
        .unwrap_or_else(|| host.clone());
    let permissions = parts.next().unwrap_or("rwm").to_string();
    DeviceMapping {
        path_on_host: Some(host),
        path_in_container: Some(container),
        cgroup_permissions: Some(permissions),
    }
}

fn restart_name(policy: service::RestartPolicy) -> RestartPolicyNameEnum {
    match policy {
        service::RestartPolicy::UnlessStopped => RestartPolicyNameEnum::UNLESS_STOPPED,
        service::RestartPolicy::Always => RestartPolicyNameEnum::ALWAYS,
        service::RestartPolicy::OnFailure => RestartPolicyNameEnum::ON_FAILURE,
        service::RestartPolicy::No => RestartPolicyNameEnum::NO,
    }
}

fn health_config(check: &HealthCheck) -> HealthConfig {
    let secs = |s: u64| Some(s as i64 * NANOS_PER_SEC);
    HealthConfig {
        test: Some(check.test.clone()),
        interval: secs(check.interval_secs),
        timeout: secs(check.timeout_secs),
        retries: Some(i64::from(check.retries)),
        start_period: secs(check.start_period_secs),
        start_interval: None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;
    use crate::service::{MountSpec, PortSpec};

    fn request() -> ContainerRequest {
        let mut spec = ServiceSpec::new("prometheus", "prom/prometheus:v3.14.0");
        spec.command = vec!["--config.file=/etc/prometheus/prometheus.yml".into()];
        spec.ports.push(PortSpec {
            host_ip: "127.0.0.1".into(),
            host_port: 9090,
            container_port: 9090,
            protocol: "tcp".into(),
        });
        spec.mounts
            .push(MountSpec::bind_read_only("prometheus", "/etc/prometheus"));
        spec.mounts
            .push(MountSpec::volume("prometheus-data", "/prometheus"));
        spec.healthcheck = Some(HealthCheck {
            test: vec!["CMD".into(), "wget".into()],
            interval_secs: 5,
            timeout_secs: 3,
            retries: 3,
            start_period_secs: 10,
        });
        ContainerRequest {
            name: "shop-prometheus-1".into(),
            project: "shop".into(),
            spec,
            labels: BTreeMap::from([("k".to_string(), "v".to_string())]),
            out_dir: PathBuf::from("/srv/shop/rendered"),
            network: "shop_default".into(),
            extra_networks: vec![],
            docker_socket_gid: None,
        }
    }

    #[test]
    fn publishes_ports_on_the_bind_address() {
        let body = create_body(&request());
        let host = body.host_config.unwrap();
        let binding = &host.port_bindings.unwrap()["9090/tcp"];
        let binding = &binding.as_ref().unwrap()[0];
        assert_eq!(binding.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(binding.host_port.as_deref(), Some("9090"));
        assert_eq!(body.exposed_ports, Some(vec!["9090/tcp".to_string()]));
    }

    #[test]
    fn passes_extra_hosts_so_host_docker_internal_resolves() {
        let mut r = request();
        r.spec.extra_hosts = vec!["host.docker.internal:host-gateway".into()];
        let host = create_body(&r).host_config.unwrap();
        assert_eq!(
            host.extra_hosts,
            Some(vec!["host.docker.internal:host-gateway".to_string()])
        );
        assert_eq!(
            create_body(&request()).host_config.unwrap().extra_hosts,
            None
        );
    }

    #[test]
    fn binds_rendered_dirs_by_absolute_path_and_prefixes_volumes() {
        let mounts = create_body(&request()).host_config.unwrap().mounts.unwrap();
        assert_eq!(
            mounts[0].source.as_deref(),
            Some("/srv/shop/rendered/prometheus")
        );
        assert_eq!(mounts[0].typ, Some(MountType::BIND));
        assert_eq!(mounts[0].read_only, Some(true));
        assert_eq!(mounts[1].source.as_deref(), Some("shop_prometheus-data"));
        assert_eq!(mounts[1].typ, Some(MountType::VOLUME));
    }

    #[test]
    fn rotates_logs_and_converts_healthcheck_to_nanoseconds() {
        let body = create_body(&request());
        let log = body.host_config.unwrap().log_config.unwrap();
        assert_eq!(log.typ.as_deref(), Some("json-file"));
        assert_eq!(log.config.unwrap()["max-size"], service::LOG_MAX_SIZE);
        assert_eq!(body.healthcheck.unwrap().interval, Some(5_000_000_000));
    }

    #[test]
    fn keeps_the_images_user_and_command_when_unset() {
        let mut r = request();
        r.spec.command.clear();
        let body = create_body(&r);
        assert_eq!(body.cmd, None);
        assert_eq!(body.user, None);
        let aliases = body.networking_config.unwrap().endpoints_config.unwrap()["shop_default"]
            .aliases
            .clone();
        assert_eq!(
            aliases,
            Some(vec![
                "prometheus".to_string(),
                "shop-prometheus-1".to_string()
            ])
        );
    }
}
