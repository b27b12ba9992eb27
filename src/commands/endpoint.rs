//! Where stackctl reaches a running program's HTTP API from the host: the published address
//! (or the container's address on the project network), the scheme (https when the stack
//! serves TLS) and the basic-auth credentials an exposed stack requires. Shared by the verbs
//! that call a program's API (`silence`, `notify`, `backup`).

use super::session::ready;
use super::session::Session;
use crate::docker::Engine;
use crate::error::CommandError;
use crate::http_client::{Call, Method};
use crate::labels;
use std::time::Duration;

/// A running program's API: `https://127.0.0.1:9093` and what to authenticate with.
#[derive(Debug, Clone)]
pub(crate) struct Api {
    pub base: String,
    pub auth: Option<(String, String)>,
    /// The container's ID (for its log, or to stop it).
    pub container: String,
}

impl Api {
    /// A call to `path` (`/api/v2/silences`) with the program's credentials.
    pub fn call(&self, method: Method, path: &str, timeout: Duration) -> Call {
        Call::new(method, format!("{}{path}", self.base), timeout).auth(self.auth.clone())
    }
}

/// The API of `service` (listening on `port` in its container), which must be running.
pub async fn api<E: Engine>(
    engine: &E,
    session: &Session,
    service: &str,
    port: u16,
) -> anyhow::Result<Api> {
    let not_running = || {
        anyhow::Error::new(
            CommandError::failure(format!(
                "`{service}` of stack `{}` is not running",
                session.project
            ))
            .hint("run `stackctl deploy` first"),
        )
    };
    let desired = session.service(service).ok_or_else(|| {
        anyhow::Error::new(
            crate::error::CommandError::usage(format!(
                "the manifest declares no `{service}`: there is no API to call"
            ))
            .hint(format!("add `components.{service}`")),
        )
    })?;
    let name = labels::container_name(&session.project, &desired.spec.name);
    let containers = engine.list_containers(&session.project).await?;
    let container = containers
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(not_running)?;
    let status = engine
        .inspect_container(&container.id)
        .await
        .map_err(|_| not_running())?;
    if status.state != crate::docker::RunState::Running {
        return Err(not_running());
    }
    let address =
        ready::endpoint(&desired.spec, port, &status, &session.project).ok_or_else(not_running)?;
    Ok(Api {
        base: format!("{}://{address}", desired.spec.scheme()),
        auth: session.credentials(&desired.spec),
        container: container.id.clone(),
    })
}
