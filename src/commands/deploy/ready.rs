//! Waiting until a started service is ready: its HTTP readiness probe answers 2xx (from the
//! host, through the published port or the container's IP), else its healthcheck says
//! healthy, else it is running. A container that exits is reported with its last log lines.

use std::time::{Duration, Instant};

use crate::commands::Failure;
use crate::docker::{labels, ContainerStatus, Engine, Health, RunState};
use crate::service::ServiceSpec;

use super::http;

const POLL: Duration = Duration::from_millis(200);
const LOG_LINES: usize = 20;

/// `host:port` where the host reaches `port` of the container.
pub fn endpoint(
    spec: &ServiceSpec,
    port: u16,
    status: &ContainerStatus,
    project: &str,
) -> Option<String> {
    if let Some(published) = spec
        .ports
        .iter()
        .find(|p| p.container_port == port && p.protocol == "tcp")
    {
        let host = match published.host_ip.as_str() {
            "" | "0.0.0.0" => "127.0.0.1".to_string(),
            "::" => "[::1]".to_string(),
            ip if ip.contains(':') => format!("[{ip}]"),
            ip => ip.to_string(),
        };
        return Some(format!("{host}:{}", published.host_port));
    }
    let network = labels::default_network(project);
    status
        .addresses
        .get(&network)
        .or_else(|| status.addresses.values().next())
        .map(|ip| format!("{ip}:{port}"))
}

/// Waits until `container` of `spec` is ready or `deadline` passes; the probe sends
/// `credentials` when the program requires basic auth.
pub async fn wait_ready<E: Engine>(
    engine: &E,
    spec: &ServiceSpec,
    (container, credentials): (&str, Option<(String, String)>),
    project: &str,
    timeout: Duration,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut last_check = "not checked yet".to_string();
    loop {
        let status = engine.inspect_container(container).await?;
        match status.state {
            RunState::Running => {}
            RunState::Created => last_check = "not started yet".to_string(),
            _ => return Err(exited(engine, spec, (container, project), &status).await),
        }
        if status.state == RunState::Running {
            match check(spec, &status, project, credentials.clone()).await {
                Ok(()) => return Ok(()),
                Err(detail) if status.health == Health::Unhealthy && spec.ready.is_none() => {
                    return Err(not_ready(
                        engine,
                        spec,
                        (container, project),
                        &detail,
                        "is unhealthy",
                    )
                    .await)
                }
                Err(detail) => last_check = detail,
            }
        }
        if started.elapsed() >= timeout {
            let within = format!("was not ready within {}s", timeout.as_secs());
            return Err(not_ready(engine, spec, (container, project), &last_check, &within).await);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// One readiness check; `Err` says what is not ready yet.
async fn check(
    spec: &ServiceSpec,
    status: &ContainerStatus,
    project: &str,
    credentials: Option<(String, String)>,
) -> Result<(), String> {
    if let Some(probe) = &spec.ready {
        let Some(address) = endpoint(spec, probe.port, status, project) else {
            return Err("no address to probe yet".to_string());
        };
        let url = format!("{}://{address}{}", spec.scheme(), probe.path);
        return match http::get_as(&url, credentials, Duration::from_millis(800)).await {
            Ok(reply) if reply.ok() => Ok(()),
            Ok(reply) => Err(format!("GET {url} answered {}", reply.status)),
            Err(e) => Err(format!("GET {e}")),
        };
    }
    match status.health {
        Health::Healthy | Health::None => Ok(()),
        Health::Starting => Err("healthcheck still starting".to_string()),
        Health::Unhealthy => Err(format!(
            "healthcheck failing: {}",
            status.health_log.as_deref().unwrap_or("no output").trim()
        )),
    }
}

async fn exited<E: Engine>(
    engine: &E,
    spec: &ServiceSpec,
    at: (&str, &str),
    status: &ContainerStatus,
) -> anyhow::Error {
    let code = status
        .exit_code
        .map(|c| format!(" with code {c}"))
        .unwrap_or_default();
    let what = match status.state {
        RunState::Restarting => format!("keeps restarting (last exit{code})"),
        other => format!("{}{code} right after it started", other.as_str()),
    };
    not_ready(engine, spec, at, "", &what).await
}

async fn not_ready<E: Engine>(
    engine: &E,
    spec: &ServiceSpec,
    (container, project): (&str, &str),
    detail: &str,
    what: &str,
) -> anyhow::Error {
    let logs = engine
        .logs_tail(container, LOG_LINES)
        .await
        .unwrap_or_default();
    let mut message = format!("`{}` {what}", spec.name);
    if !detail.is_empty() {
        message.push_str(&format!(" (last check: {detail})"));
    }
    if logs.trim().is_empty() {
        message.push_str("; it printed nothing");
    } else {
        message.push_str(&format!("; its last log lines:\n{}", indent(&logs)));
    }
    anyhow::Error::new(Failure::new(message).hint(format!(
        "see `docker logs {}`; fix the manifest and run `stackctl deploy` again",
        labels::container_name(project, &spec.name)
    )))
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    | {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::service::PortSpec;

    fn status(addresses: &[(&str, &str)]) -> ContainerStatus {
        ContainerStatus {
            id: "id".into(),
            name: "p-x-1".into(),
            state: RunState::Running,
            health: Health::None,
            health_log: None,
            exit_code: None,
            started_at: None,
            restart_count: 0,
            addresses: addresses
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            image: String::new(),
            labels: BTreeMap::new(),
        }
    }

    #[test]
    fn probes_the_published_port_else_the_container_ip() {
        let mut spec = ServiceSpec::new("prometheus", "i");
        let s = status(&[("other", "10.0.0.9"), ("p_default", "172.18.0.2")]);
        assert_eq!(
            endpoint(&spec, 9090, &s, "p").as_deref(),
            Some("172.18.0.2:9090")
        );
        for (bind, want) in [
            ("127.0.0.1", "127.0.0.1:19090"),
            ("0.0.0.0", "127.0.0.1:19090"),
            ("::1", "[::1]:19090"),
        ] {
            spec.ports = vec![PortSpec {
                host_ip: bind.into(),
                host_port: 19090,
                container_port: 9090,
                protocol: "tcp".into(),
            }];
            assert_eq!(
                endpoint(&spec, 9090, &s, "p").as_deref(),
                Some(want),
                "{bind}"
            );
        }
    }
}
