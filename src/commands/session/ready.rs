//! Waiting until a started service is ready: its HTTP readiness probe answers 2xx (from the
//! host, through the published port or the container's IP), else its healthcheck says
//! healthy, else it is running. A container that exits is reported with its last log lines.

use std::time::{Duration, Instant};

use crate::docker::{ContainerStatus, Engine, Health, RunState};
use crate::error::CommandError;
use crate::labels;
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

/// Waits until `container` of `spec` is ready or `timeout` passes, telling `report` what each
/// check found while it is not ready yet (`GET /-/ready connection refused`), for the live
/// progress line; the probe sends `credentials` when the program requires basic auth.
pub(crate) async fn wait_ready<E: Engine>(
    engine: &E,
    spec: &ServiceSpec,
    (container, credentials): (&str, Option<(String, String)>),
    project: &str,
    timeout: Duration,
    report: &dyn Fn(&str),
) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut last_check = "not checked yet".to_string();
    loop {
        let status = engine.inspect_container(container).await?;
        match status.state {
            RunState::Running => {}
            RunState::Created => {
                last_check = "not started yet".to_string();
                report(&last_check);
            }
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
                        &detail.full,
                        "is unhealthy",
                    )
                    .await)
                }
                Err(detail) => {
                    report(&detail.short);
                    last_check = detail.full;
                }
            }
        }
        if started.elapsed() >= timeout {
            let within = format!("was not ready within {}s", timeout.as_secs());
            return Err(not_ready(engine, spec, (container, project), &last_check, &within).await);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// What a readiness check found: `short` for the live line (`GET /-/ready connection
/// refused`), `full` for the error (`GET http://127.0.0.1:9090/-/ready: connection refused`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct NotReady {
    short: String,
    full: String,
}

impl NotReady {
    fn same(text: impl Into<String>) -> Self {
        let text = text.into();
        Self {
            short: text.clone(),
            full: text,
        }
    }
}

/// One readiness check; `Err` says what is not ready yet.
async fn check(
    spec: &ServiceSpec,
    status: &ContainerStatus,
    project: &str,
    credentials: Option<(String, String)>,
) -> Result<(), NotReady> {
    if let Some(probe) = &spec.ready {
        let Some(address) = endpoint(spec, probe.port, status, project) else {
            return Err(NotReady::same("no address to probe yet"));
        };
        let url = format!("{}://{address}{}", spec.scheme(), probe.path);
        return match http::get_as(&url, credentials, Duration::from_millis(800)).await {
            Ok(reply) if reply.ok() => Ok(()),
            Ok(reply) => Err(NotReady {
                short: format!("GET {} answered {}", probe.path, reply.status),
                full: format!("GET {url} answered {}", reply.status),
            }),
            Err(e) => Err(unanswered(&probe.path, &url, &e)),
        };
    }
    match status.health {
        Health::Healthy | Health::None => Ok(()),
        Health::Starting => Err(NotReady::same("healthcheck still starting")),
        Health::Unhealthy => Err(NotReady::same(format!(
            "healthcheck failing: {}",
            status.health_log.as_deref().unwrap_or("no output").trim()
        ))),
    }
}

/// A probe that got no HTTP answer, its cause said once.
fn unanswered(path: &str, url: &str, error: &anyhow::Error) -> NotReady {
    let cause = match error.downcast_ref::<http::Unanswered>() {
        Some(unanswered) => unanswered.cause.clone(),
        None => format!("{error:#}"),
    };
    NotReady {
        short: format!("GET {path} {cause}"),
        full: format!("GET {url}: {cause}"),
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
    anyhow::Error::new(CommandError::failure(message).hint(format!(
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

    #[test]
    fn an_unanswered_probe_names_the_path_live_and_the_url_once_in_the_error() {
        let error = anyhow::Error::new(http::Unanswered {
            url: "http://127.0.0.1:3000/api/health".into(),
            cause: "connection refused".into(),
        });
        let found = unanswered("/api/health", "http://127.0.0.1:3000/api/health", &error);
        assert_eq!(found.short, "GET /api/health connection refused");
        assert_eq!(
            found.full,
            "GET http://127.0.0.1:3000/api/health: connection refused"
        );
    }

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
