//! One Swarm service per `ServiceSpec`: mode and replicas, placement, ports, rendered files as
//! configs, secrets, volumes, rolling updates that roll back, and the differences Swarm forces
//! (each reported as a warning). Pure.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use super::gossip;
use super::model::*;
use super::objects::{
    hash_text, object_name, secret_name, stack_labels, HASH_LABEL, NAMESPACE_LABEL,
};
use crate::render::{web_auth, Draft, Kind, Stack};
use crate::service::{MountSource, ServiceSpec, LOG_MAX_FILES, LOG_MAX_SIZE};

/// The variable the file reads the Docker socket's group id from (it differs between hosts).
pub(crate) const DOCKER_GID_VARIABLE: &str = "DOCKER_GID";
/// Where Alertmanager's images (upstream and the test image) keep the program.
const ALERTMANAGER_BINARY: &str = "/bin/alertmanager";
/// Prometheus replicas tell themselves apart by this variable (`{{.Task.Slot}}`).
pub(crate) const REPLICA_VARIABLE: &str = "STACKCTL_REPLICA";

const CONFIG_MODE: u32 = 0o444;
const SECRET_MODE: u32 = 0o400;

/// How Swarm runs one component: from the manifest's `swarm` keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placing {
    pub global: bool,
    pub replicas: u64,
    pub constraints: Vec<String>,
}

/// The component key (`prometheus`, `node_exporter`) of a component's manifest key.
fn short_key(key: &str) -> &str {
    key.strip_prefix("components.").unwrap_or(key)
}

pub(crate) fn placing(stack: &Stack, kind: &Kind, key: &str) -> Placing {
    let swarm = &stack.manifest.swarm;
    let present: Vec<&str> = stack.components.iter().map(|c| short_key(&c.key)).collect();
    let key = short_key(key);
    let global = swarm.agents_of(&present).iter().any(|a| a == key);
    let mut constraints = swarm.placement.get(key).cloned().unwrap_or_default();
    // Swarm service discovery answers only on a manager.
    if *kind == Kind::Prometheus && !constraints.iter().any(|c| c.starts_with("node.role")) {
        constraints.push("node.role==manager".to_string());
    }
    Placing {
        global,
        replicas: if global { 1 } else { swarm.replicas_of(key) },
        constraints,
    }
}

/// Rewrites a spec for what a Swarm service can run; returns what changed, for the operator.
pub(crate) fn adapt_for_swarm(kind: &Kind, spec: &mut ServiceSpec) -> Vec<String> {
    let mut changes = Vec::new();
    if spec.pid_host {
        spec.pid_host = false;
        if *kind == Kind::NodeExporter {
            let root = crate::render::services::NODE_ROOTFS;
            spec.command.push(format!("--path.procfs={root}/proc"));
            spec.command.push(format!("--path.sysfs={root}/sys"));
            changes.push(format!("`{}`: Swarm services cannot share the host's PID namespace (`pid: host`); node_exporter reads the host's /proc and /sys from the read-only host root at `{root}` instead", spec.name));
        } else {
            changes.push(format!(
                "`{}`: Swarm services cannot share the host's PID namespace; it runs in its own",
                spec.name
            ));
        }
    }
    if spec.privileged || !spec.devices.is_empty() {
        changes.push(format!("`{}`: Swarm services cannot be privileged or take devices ({}); it runs unprivileged with its read-only host mounts, so kernel OOM events (/dev/kmsg) are not reported", spec.name, spec.devices.join(", ")));
        spec.privileged = false;
        spec.devices.clear();
    }
    changes
}

/// The whole stack file for the draft's services.
pub fn stack_file(stack: &Stack, draft: &mut Draft) -> StackFile {
    let project = &stack.manifest.project;
    let labels = stack_labels(project);
    let mut file = StackFile {
        version: "3.8".to_string(),
        services: IndexMap::new(),
        networks: IndexMap::from([(
            "default".to_string(),
            StackNetwork {
                name: crate::labels::default_network(project),
                driver: "overlay".to_string(),
                attachable: true,
                external: false,
                labels: labels.clone(),
            },
        )]),
        volumes: IndexMap::new(),
        configs: IndexMap::new(),
        secrets: IndexMap::new(),
    };
    for network in &stack.manifest.networks {
        file.networks.insert(
            network.clone(),
            StackNetwork {
                name: network.clone(),
                driver: "overlay".to_string(),
                attachable: true,
                external: true,
                labels: BTreeMap::new(),
            },
        );
    }
    let specs = draft.services.clone();
    let mut warnings = Vec::new();
    for mut spec in specs {
        let Some(component) = stack.components.iter().find(|c| c.service == spec.name) else {
            continue;
        };
        warnings.extend(adapt_for_swarm(&component.kind, &mut spec));
        let placing = placing(stack, &component.kind, &component.key);
        let service = service(
            stack,
            &component.kind,
            &spec,
            &placing,
            draft,
            &mut file,
            &mut warnings,
        );
        file.services.insert(spec.name.clone(), service);
    }
    for warning in warnings {
        draft.warn(warning);
    }
    file
}

fn service(
    stack: &Stack,
    kind: &Kind,
    spec: &ServiceSpec,
    placing: &Placing,
    draft: &Draft,
    file: &mut StackFile,
    warnings: &mut Vec<String>,
) -> SwarmService {
    let project = &stack.manifest.project;
    let mut command = spec.command.clone();
    let mut environment = spec.environment.clone();
    let mut entrypoint = spec.entrypoint.clone();
    if *kind == Kind::Alertmanager && placing.replicas > 1 {
        let tls = spec.secrets.iter().any(|s| s.name == gossip::TLS_CONFIG);
        gossip::flags(&spec.name, &mut command, tls);
        entrypoint = Some(gossip::entrypoint(ALERTMANAGER_BINARY));
    }
    if *kind == Kind::Prometheus && placing.replicas > 1 {
        environment.insert(REPLICA_VARIABLE.to_string(), "{{.Task.Slot}}".to_string());
    }
    let user = if spec.docker_socket_group {
        let uid = spec.user.as_deref().unwrap_or("65534");
        let uid = uid.split(':').next().unwrap_or(uid);
        Some(format!("{uid}:${{{DOCKER_GID_VARIABLE}}}"))
    } else {
        spec.user.clone()
    };
    let ports = ports(stack, kind, spec, placing, warnings);
    let (volumes, configs) = mounts(project, spec, placing, draft, file);
    let mut secret_mounts = spec.secrets.clone();
    let healthcheck = healthcheck(kind, spec, draft, &mut secret_mounts);
    let secrets = secret_mounts
        .iter()
        .filter_map(|secret| {
            let contents = draft.file(&secret.file)?;
            let name = secret_name(
                project,
                &secret.file,
                contents.contents.expose().as_bytes(),
                &stack.secret_key,
            );
            let key = name.trim_start_matches(&format!("{project}_")).to_string();
            file.secrets.insert(
                key.clone(),
                StackObject {
                    name,
                    file: format!("./{}", secret.file),
                    labels: stack_labels(project),
                },
            );
            let uid = secret.uid.unwrap_or(0).to_string();
            Some(ObjectRef {
                source: key,
                target: secret.name.clone(),
                gid: uid.clone(),
                uid,
                mode: SECRET_MODE,
            })
        })
        .collect();
    let mut networks = IndexMap::from([(
        "default".to_string(),
        ServiceNetwork {
            aliases: vec![spec.name.clone()],
        },
    )]);
    for network in &spec.networks {
        networks.insert(
            network.clone(),
            ServiceNetwork {
                aliases: vec![spec.name.clone()],
            },
        );
    }
    let stateless = volumes.iter().all(|m: &StackMount| m.kind != "volume")
        && ports.iter().all(|p: &StackPort| p.mode != "host");
    let endpoint_mode = if ports.iter().any(|p: &StackPort| p.mode == "ingress") {
        "vip"
    } else {
        "dnsrr"
    };
    let order = if stateless {
        "start-first"
    } else {
        "stop-first"
    }
    .to_string();
    let mut service = SwarmService {
        image: spec.image.clone(),
        command,
        entrypoint,
        environment,
        user,
        ports,
        volumes,
        configs,
        secrets,
        healthcheck: healthcheck.as_ref().map(|check| StackHealth {
            test: check.test.clone(),
            interval: format!("{}s", check.interval_secs),
            timeout: format!("{}s", check.timeout_secs),
            retries: check.retries,
            start_period: format!("{}s", check.start_period_secs),
        }),
        cap_add: spec.cap_add.clone(),
        extra_hosts: spec.extra_hosts.clone(),
        networks,
        logging: StackLogging {
            driver: "json-file".to_string(),
            options: BTreeMap::from([
                ("max-size".to_string(), LOG_MAX_SIZE.to_string()),
                ("max-file".to_string(), LOG_MAX_FILES.to_string()),
            ]),
        },
        labels: stack_labels(project),
        deploy: Deploy {
            mode: if placing.global {
                "global"
            } else {
                "replicated"
            }
            .to_string(),
            endpoint_mode: endpoint_mode.to_string(),
            replicas: (!placing.global).then_some(placing.replicas),
            placement: Placement {
                constraints: placing.constraints.clone(),
            },
            update_config: UpdateConfig {
                parallelism: 1,
                delay: "2s".to_string(),
                order: order.clone(),
                failure_action: "rollback".to_string(),
                monitor: "10s".to_string(),
            },
            rollback_config: UpdateConfig {
                parallelism: 1,
                delay: "0s".to_string(),
                order,
                failure_action: "pause".to_string(),
                monitor: "10s".to_string(),
            },
            restart_policy: RestartPolicy {
                condition: "any".to_string(),
                delay: "2s".to_string(),
            },
            labels: stack_labels(project),
        },
    };
    let hash = hash_text(&serde_json::to_string(&service).unwrap_or_default());
    service.deploy.labels.insert(HASH_LABEL.to_string(), hash);
    debug_assert!(service.deploy.labels.contains_key(NAMESPACE_LABEL));
    service
}

/// Swarm knows a task is ready only from its health check. A program behind basic auth has
/// none in the compose engine (stackctl probes it from outside); here it gets one that reads
/// the password from its secret file at run time, so the password is never in the spec, nor
/// on any command line while the check runs (see [`request`]).
/// Prometheus and Alertmanager are healthy only once they also report their configuration
/// loaded (`*_config_last_reload_successful 1`): a task that runs the new configuration is
/// confirmed by the program itself, and `reload` says so.
fn healthcheck(
    kind: &Kind,
    spec: &ServiceSpec,
    draft: &Draft,
    secrets: &mut Vec<crate::service::SecretMount>,
) -> Option<crate::service::HealthCheck> {
    if spec.healthcheck.is_some() || !spec.web_auth {
        return spec.healthcheck.clone();
    }
    let probe = spec.ready.as_ref()?;
    let password = web_auth::PASSWORD_FILE;
    if !secrets.iter().any(|s| s.name == password) {
        let file = draft
            .files()
            .keys()
            .find(|path| path.starts_with("secrets/") && path.ends_with(&format!("/{password}")))?
            .clone();
        let uid = secrets.iter().find_map(|s| s.uid);
        secrets.push(crate::service::SecretMount {
            name: password.to_string(),
            file,
            uid,
        });
    }
    let port = probe.port;
    let get = format!(
        "get() {{ busybox nc 127.0.0.1 {port} -e busybox sh -c '{}' \"$1\" 2>&1; }}",
        request(spec.web_tls)
    );
    let ready = format!(
        "case \"$(get {})\" in \"HTTP/1.\"?\" 200 \"*) ;; *) exit 1 ;; esac",
        probe.path
    );
    // Plain `case`, not grep: the images' busybox links only a few applets.
    let test = match reload_metric(kind) {
        Some(metric) => format!(
            "{get} && {ready} && case \"$(get /metrics)\" in *\"{metric} 1\"*) ;; *) exit 1 ;; esac"
        ),
        None => format!("{get} && {ready}"),
    };
    Some(crate::service::HealthCheck {
        test: vec!["CMD-SHELL".to_string(), test],
        interval_secs: 5,
        timeout_secs: 5,
        retries: 5,
        start_period_secs: 20,
    })
}

/// The shell script that sends one `GET $0` with basic auth to the socket `busybox nc -e` hands
/// it, and copies the response to stderr (the caller's output).
///
/// Only the shell itself ever holds the password: it reads the secret file (`cat` is given
/// the path), builds the header with the `printf` builtin, and `base64` reads it from a pipe.
/// A `wget` URL or `--header` would put it in an argument list, which any user of the host can
/// read in `/proc/PID/cmdline` while the check runs. Over HTTPS, busybox's own TLS helper
/// `ssl_client` speaks TLS on the socket (duplicated to fd 3, as the request arrives on its
/// stdin); it does not verify the certificate, and needs not: the peer is the task's own
/// loopback, where no one can stand in the middle.
fn request(tls: bool) -> String {
    let header = format!(
        "printf \"GET %s HTTP/1.0\\r\\nAuthorization: Basic %s\\r\\n\\r\\n\" \"$0\" \"$(printf \"{}:%s\" \"$(busybox cat /run/secrets/{})\" | busybox base64 -w0)\"",
        web_auth::USER,
        web_auth::PASSWORD_FILE
    );
    if tls {
        format!("exec 3<&0; {header} | busybox ssl_client -s 3 >&2")
    } else {
        format!("{header}; busybox cat >&2")
    }
}

/// The gauge a program sets to 1 once its configuration file loaded.
pub(crate) fn reload_metric(kind: &Kind) -> Option<&'static str> {
    match kind {
        Kind::Prometheus => Some("prometheus_config_last_reload_successful"),
        Kind::Alertmanager => Some("alertmanager_config_last_reload_successful"),
        _ => None,
    }
}

/// Host mode for a single task or an agent (the client's address is kept, and it works where
/// the routing mesh does not); ingress for replicas, which share one published port.
fn ports(
    stack: &Stack,
    kind: &Kind,
    spec: &ServiceSpec,
    placing: &Placing,
    warnings: &mut Vec<String>,
) -> Vec<StackPort> {
    let mode = if placing.replicas > 1 {
        "ingress"
    } else {
        "host"
    };
    let mut out = Vec::new();
    for port in &spec.ports {
        if web_auth::is_loopback(&port.host_ip) && !web_auth::is_loopback(&stack.manifest.bind) {
            warnings.push(format!("`{}` has no login of its own and stackctl keeps it on loopback, which a Swarm cannot publish: port {} is not published (reach it from the `{}` network, or set its `port` to publish it on every interface)", spec.name, port.host_port, crate::labels::default_network(&stack.manifest.project)));
            continue;
        }
        let _ = kind;
        out.push(StackPort {
            target: port.container_port,
            published: port.host_port,
            protocol: port.protocol.clone(),
            mode: mode.to_string(),
        });
    }
    out
}

/// Named volumes (one per replica when replicated) and host binds as mounts; each rendered
/// file under a bound output directory as a config at the same path inside the container.
fn mounts(
    project: &str,
    spec: &ServiceSpec,
    placing: &Placing,
    draft: &Draft,
    file: &mut StackFile,
) -> (Vec<StackMount>, Vec<ObjectRef>) {
    let mut volumes = Vec::new();
    let mut configs = Vec::new();
    for mount in &spec.mounts {
        match &mount.source {
            MountSource::Volume(name) => {
                let mut volume_name = format!("{project}_{name}");
                if placing.replicas > 1 {
                    volume_name.push_str("-{{.Task.Slot}}");
                }
                file.volumes.insert(
                    name.clone(),
                    StackVolume {
                        name: volume_name,
                        labels: stack_labels(project),
                    },
                );
                volumes.push(StackMount {
                    kind: "volume".to_string(),
                    source: name.clone(),
                    target: mount.target.clone(),
                    read_only: mount.read_only,
                });
            }
            MountSource::Bind(path) if path.starts_with('/') => volumes.push(StackMount {
                kind: "bind".to_string(),
                source: path.clone(),
                target: mount.target.clone(),
                read_only: mount.read_only,
            }),
            MountSource::Bind(dir) => {
                let prefix = format!("{}/", dir.trim_end_matches('/'));
                for (path, rendered) in draft.files() {
                    let Some(rest) = path.strip_prefix(&prefix) else {
                        continue;
                    };
                    let Some(text) = rendered.text() else {
                        continue; // a secret: handed over as a Swarm secret, never a config
                    };
                    let name = object_name(project, path, text.as_bytes());
                    let key = name.trim_start_matches(&format!("{project}_")).to_string();
                    file.configs.insert(
                        key.clone(),
                        StackObject {
                            name,
                            file: format!("./{path}"),
                            labels: stack_labels(project),
                        },
                    );
                    configs.push(ObjectRef {
                        source: key,
                        target: format!("{}/{rest}", mount.target.trim_end_matches('/')),
                        uid: "0".to_string(),
                        gid: "0".to_string(),
                        mode: CONFIG_MODE,
                    });
                }
            }
        }
    }
    (volumes, configs)
}
