//! Connecting to the Docker daemon: `DOCKER_HOST`, else the local socket; checked with a ping,
//! and when it fails, an error that says where stackctl looked and what to try.

use std::time::Duration;

use anyhow::Context as _;
use bollard::Docker;

use super::daemon::Daemon;

pub(crate) const DEFAULT_SOCKET: &str = "unix:///var/run/docker.sock";

/// Where the client will connect: the `DOCKER_HOST` value, or the default socket.
pub(crate) fn daemon_address() -> String {
    std::env::var("DOCKER_HOST")
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| DEFAULT_SOCKET.to_string())
}

#[derive(Debug, thiserror::Error)]
#[error("cannot reach the Docker daemon at `{address}`")]
pub(crate) struct Unreachable {
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

/// `DOCKER_HOST` names a daemon stackctl cannot drive. The rendered config directories are
/// bind-mounted from this machine, so the daemon must run here: a daemon reached over ssh
/// would look for them on its own host and start the stack without its config.
#[derive(Debug, thiserror::Error)]
#[error("`DOCKER_HOST={address}`: stackctl does not drive a Docker daemon over ssh")]
pub(crate) struct UnsupportedHost {
    pub address: String,
}

impl UnsupportedHost {
    pub fn hint(&self) -> &'static str {
        "containers bind-mount the rendered files from this machine, so run stackctl on the Docker host itself (`DOCKER_HOST=unix:///var/run/docker.sock`, or unset it)"
    }
}

/// Refuses addresses whose daemon cannot see this machine's files (pure, for the test).
pub(crate) fn check_address(address: &str) -> Result<(), UnsupportedHost> {
    if address.starts_with("ssh://") {
        return Err(UnsupportedHost {
            address: address.to_string(),
        });
    }
    Ok(())
}

/// Connects and pings the daemon (one round trip: `stackctl status` must stay fast).
pub(crate) async fn connect() -> anyhow::Result<Daemon> {
    let address = daemon_address();
    check_address(&address)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_ssh_hosts_and_accepts_local_and_tcp_ones() {
        let cases = [
            ("ssh://me@docker-host", false),
            ("unix:///var/run/docker.sock", true),
            ("tcp://127.0.0.1:2375", true),
        ];
        for (address, ok) in cases {
            assert_eq!(check_address(address).is_ok(), ok, "{address}");
        }
    }
}
