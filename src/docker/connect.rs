//! Connecting to the Docker daemon: `DOCKER_HOST`, else the local socket; checked with a ping,
//! and when it fails, an error that says where stackctl looked and what to try.

use std::time::Duration;

use anyhow::Context as _;
use bollard::Docker;

use super::daemon::Daemon;

pub const DEFAULT_SOCKET: &str = "unix:///var/run/docker.sock";

/// Where the client will connect: the `DOCKER_HOST` value, or the default socket.
pub fn daemon_address() -> String {
    std::env::var("DOCKER_HOST")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| DEFAULT_SOCKET.to_string())
}

#[derive(Debug, thiserror::Error)]
#[error("cannot reach the Docker daemon at `{address}`")]
pub struct Unreachable {
    pub address: String,
}

impl Unreachable {
    pub fn hint(&self) -> String {
        if std::env::var_os("DOCKER_HOST").is_some() {
            format!(
                "start the Docker daemon that `DOCKER_HOST={}` points at, or unset `DOCKER_HOST` to use {DEFAULT_SOCKET}",
                self.address
            )
        } else {
            "start the Docker daemon (`sudo systemctl start docker` or `dockerd`), or set `DOCKER_HOST` to where it listens".to_string()
        }
    }
}

/// Connects and pings the daemon (one round trip: `stackctl status` must stay fast).
pub async fn connect() -> anyhow::Result<Daemon> {
    let address = daemon_address();
    let unreachable = || Unreachable {
        address: address.clone(),
    };
    let docker = Docker::connect_with_defaults()
        .map_err(anyhow::Error::from)
        .context(unreachable())?
        .with_timeout(Duration::from_secs(120));
    match tokio::time::timeout(Duration::from_secs(5), docker.ping()).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => return Err(anyhow::Error::from(e).context(unreachable())),
        Err(_) => return Err(anyhow::anyhow!("no answer within 5s").context(unreachable())),
    }
    Ok(Daemon::new(docker))
}
