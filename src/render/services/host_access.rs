//! What a container may see of the host: the host itself as `host.docker.internal`, the
//! Docker socket, host log directories, the host's root filesystem. All but the first are
//! granted only to the components that need them, always read-only.

use crate::manifest::Manifest;
use crate::render::log_sources::host_log_mounts;
use crate::render::{Component, Kind, Stack};
use crate::service::{MountSpec, ServiceSpec};

pub(crate) const DOCKER_SOCKET: &str = "/var/run/docker.sock";

/// Every stack container resolves `host.docker.internal` to the Docker host (Docker's
/// `host-gateway`, Engine 20.10+), so a target on the host is `host.docker.internal:PORT`
/// on Linux as on Docker Desktop.
pub(crate) const HOST_GATEWAY: &str = "host.docker.internal:host-gateway";

/// Where node exporter sees the host's root filesystem (`--path.rootfs`).
pub(crate) const NODE_ROOTFS: &str = "/host";

/// Whether `component` reads the Docker API: shippers collecting container logs, Prometheus
/// when a scrape job uses Docker service discovery.
pub(crate) fn needs_docker_socket(manifest: &Manifest, kind: &Kind) -> bool {
    match kind {
        Kind::Alloy | Kind::Promtail => ships_docker_logs(manifest),
        Kind::Prometheus => manifest.scrape.iter().any(|job| job.docker.is_some()),
        _ => false,
    }
}

/// `needs_docker_socket`, and Prometheus on a Swarm discovering the agents' tasks.
pub(crate) fn needs_docker_socket_in(stack: &Stack, kind: &Kind) -> bool {
    match kind {
        Kind::Prometheus => {
            needs_docker_socket(stack.manifest, kind)
                || crate::render::prometheus::swarm::discovers_agents(stack)
        }
        _ => needs_docker_socket(stack.manifest, kind),
    }
}

/// `logs.docker` defaults to true when a shipper is present.
pub(crate) fn ships_docker_logs(manifest: &Manifest) -> bool {
    manifest.logs.docker.unwrap_or(true)
}

/// A scrape target `localhost:9090`/`127.0.0.1:9090` is valid (validate refuses other loopback
/// ports) but is Prometheus itself, which stackctl already scrapes: almost always an app on the
/// host was meant (seed 001 silently scraped Prometheus instead of its app).
pub(crate) fn warn_about_self_scrapes(manifest: &Manifest, draft: &mut crate::render::Draft) {
    for (index, job) in manifest.scrape.iter().enumerate() {
        for (t, target) in job.targets.iter().enumerate() {
            let (host, port) = target.rsplit_once(':').unwrap_or((target, ""));
            let loopback = host.eq_ignore_ascii_case("localhost") || host.starts_with("127.");
            if loopback && port == "9090" {
                draft.warn(format!(
                    "`scrape[{index}].targets[{t}]` (`{target}`) is Prometheus itself inside its container, which stackctl already scrapes as job `prometheus`; an app on the Docker host's port 9090 is `host.docker.internal:9090`"
                ));
            }
        }
    }
}

/// Grants `spec` what its kind needs of the host.
pub(crate) fn grant(stack: &Stack, component: &Component, spec: &mut ServiceSpec) {
    spec.extra_hosts.push(HOST_GATEWAY.to_string());
    if needs_docker_socket_in(stack, &component.kind) {
        spec.mounts
            .push(MountSpec::bind_read_only(DOCKER_SOCKET, DOCKER_SOCKET));
        // Prometheus runs as `nobody`; the shippers run as root and need no group.
        spec.docker_socket_group = component.kind == Kind::Prometheus;
    }
    match component.kind {
        Kind::Alloy | Kind::Promtail => {
            // Under `/host` in the shipper, as the log_sources plan names the files.
            for (host, target) in host_log_mounts(stack) {
                spec.mounts.push(MountSpec::bind_read_only(host, target));
            }
        }
        Kind::NodeExporter => node_exporter(spec),
        Kind::Cadvisor => cadvisor(spec),
        _ => {}
    }
}

/// Host metrics from inside a container: the host's root filesystem at `/host` (read-only)
/// and the host's PID namespace. The container stays on the bridge network so `bind` keeps
/// its meaning and Prometheus reaches it by name; the cost is that network-device metrics
/// describe the container's interface, not the host's.
///
/// Upstream adds `rslave` propagation so filesystems mounted after start appear too, but
/// Docker refuses to start the container when the host's `/` is not a shared mount (hosts
/// inside containers, some CI runners: "path / is mounted on / but it is not a shared or
/// slave mount"). A stack that starts everywhere is worth more than late mounts, which a
/// restart of node exporter picks up.
fn node_exporter(spec: &mut ServiceSpec) {
    spec.command
        .insert(0, format!("--path.rootfs={NODE_ROOTFS}"));
    spec.mounts
        .push(MountSpec::bind_read_only("/", NODE_ROOTFS));
    spec.pid_host = true;
}

/// cAdvisor reads cgroups, the Docker state directory and the kernel log; upstream documents
/// it privileged with these read-only mounts (reference/config-formats.md §7.2).
fn cadvisor(spec: &mut ServiceSpec) {
    for (source, target) in [
        ("/", "/rootfs"),
        ("/var/run", "/var/run"),
        ("/sys", "/sys"),
        ("/var/lib/docker", "/var/lib/docker"),
        ("/dev/disk", "/dev/disk"),
    ] {
        spec.mounts.push(MountSpec::bind_read_only(source, target));
    }
    spec.privileged = true;
    spec.devices.push("/dev/kmsg".to_string());
    spec.command.extend(
        [
            "--docker_only=true",
            "--housekeeping_interval=10s",
            "--store_container_labels=false",
            "--whitelisted_container_labels=com.docker.compose.project,com.docker.compose.service",
        ]
        .map(String::from),
    );
}
