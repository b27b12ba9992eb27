//! Host ports: checked free before containers that will publish them start, and Docker's
//! "port is already allocated" explained with the service and the manifest key to change.

use std::net::TcpListener;

use crate::commands::session::Session;
use crate::error::CommandError;
use crate::plan::{Plan, ServiceAction};
use crate::service::ServiceSpec;

/// Fails on the first port a service to be created needs while something else holds it.
/// Recreated services are not checked (their old container holds the port until it is
/// removed), nor started ones (a container a killed deploy was starting may hold it already);
/// Docker's own refusal is explained by `explain_start_error`.
pub(crate) fn check_free(session: &Session, plan: &Plan) -> anyhow::Result<()> {
    for step in plan.steps() {
        if step.action != ServiceAction::Create {
            continue;
        }
        let Some(d) = session.service(&step.service) else {
            continue;
        };
        for port in d.spec.ports.iter().filter(|p| p.protocol == "tcp") {
            let host = if port.host_ip.is_empty() {
                "0.0.0.0"
            } else {
                port.host_ip.as_str()
            };
            if let Err(e) = TcpListener::bind((host, port.host_port)) {
                if e.kind() == std::io::ErrorKind::AddrInUse {
                    return Err(in_use(session, &d.spec, host, port.host_port));
                }
            }
        }
    }
    Ok(())
}

fn in_use(session: &Session, spec: &ServiceSpec, host: &str, port: u16) -> anyhow::Error {
    anyhow::Error::new(
        CommandError::failure(format!("port {port} on {host} is already in use")).hint(format!(
            "set `{}` to a free port, or stop what listens on {port}",
            session.key_of(&spec.name, "port")
        )),
    )
    .context(format!("cannot deploy `{}`", spec.name))
}

/// Docker's start error, with the port explained when that is what failed.
pub(crate) fn explain_start_error(
    session: &Session,
    spec: &ServiceSpec,
    error: anyhow::Error,
) -> anyhow::Error {
    let text = format!("{error:#}");
    let port_problem =
        text.contains("port is already allocated") || text.contains("address already in use");
    match spec
        .ports
        .iter()
        .find(|p| text.contains(&format!(":{}", p.host_port)))
    {
        Some(port) if port_problem => in_use(session, spec, &port.host_ip, port.host_port),
        _ => error.context(format!("cannot start `{}`", spec.name)),
    }
}
