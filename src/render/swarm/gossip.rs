//! Alertmanager's gossip cluster on a Swarm (`swarm.replicas.alertmanager` > 1): peers found
//! through `tasks.SERVICE` DNS, the address each task advertises (its own IP on the stack
//! network, so peers on other nodes reach it), and, in an exposed stack, mutual TLS between
//! peers with the stack's certificate. Pure.

use crate::manifest::EngineKind;
use crate::render::{web_auth, Draft, Kind, Stack};
use crate::version::Version;

/// Alertmanager's gossip port.
pub(crate) const CLUSTER_PORT: u16 = 9094;
/// The file `--cluster.tls-config` reads (`/run/secrets/cluster-tls.yml`).
pub(crate) const TLS_CONFIG: &str = "cluster-tls.yml";
/// The first Alertmanager with `--cluster.tls-config` (0.24.0 changelog: "Add support for TLS
/// in the cluster communication").
const TLS_SINCE: Version = Version::new(0, 24, 0);

/// Whether the stack runs Alertmanager as a gossip cluster.
pub(crate) fn clustered(stack: &Stack) -> bool {
    stack.manifest.engine == EngineKind::Swarm
        && stack
            .get(&Kind::Alertmanager)
            .is_some_and(|am| super::placing(stack, &am.kind, &am.key).replicas > 1)
}

/// The render step: the cluster TLS config for a clustered Alertmanager that serves HTTPS.
/// Peers present the stack's certificate both ways, so only holders of its key can join.
pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let Some(am) = stack.get(&Kind::Alertmanager) else {
        return Ok(());
    };
    if !clustered(stack) || !web_auth::protected(stack, &am.kind) {
        return Ok(());
    }
    if am.version < TLS_SINCE {
        draft.warn(format!(
            "`components.alertmanager`: Alertmanager {} has no `--cluster.tls-config` (added in {TLS_SINCE}): its replicas gossip in clear on the stack network",
            am.version
        ));
        return Ok(());
    }
    let dir = crate::render::draft::SECRETS_DIR;
    let (cert, key) = (crate::render::tls::CERT, crate::render::tls::KEY);
    let text = format!(
        "# Rendered by stackctl: Alertmanager replicas gossip over mutual TLS with the stack's certificate.\n\
         tls_server_config:\n  cert_file: {dir}/{cert}\n  key_file: {dir}/{key}\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {dir}/{cert}\n\
         tls_client_config:\n  cert_file: {dir}/{cert}\n  key_file: {dir}/{key}\n  ca_file: {dir}/{cert}\n  server_name: {}\n",
        am.service
    );
    draft.add_secret(
        &am.service,
        TLS_CONFIG,
        &crate::manifest::Secret::new(text),
        Some(web_auth::NOBODY),
    );
    Ok(())
}

/// The cluster flags of a clustered Alertmanager, replacing the single-host render's
/// `--cluster.listen-address=` (gossip off).
pub fn flags(service: &str, command: &mut Vec<String>, tls: bool) {
    command.retain(|flag| !flag.starts_with("--cluster.listen-address"));
    command.push(format!("--cluster.listen-address=0.0.0.0:{CLUSTER_PORT}"));
    command.push(format!("--cluster.peer=tasks.{service}:{CLUSTER_PORT}"));
    if tls {
        command.push(format!(
            "--cluster.tls-config={}/{TLS_CONFIG}",
            crate::render::draft::SECRETS_DIR
        ));
    }
}

/// The entrypoint that starts Alertmanager advertising the task's IP on the stack network.
///
/// Left to itself Alertmanager advertises the first private address it finds, which in a
/// task with a published port is its address on the `ingress` network (or `docker_gwbridge`,
/// local to the node): peers on other nodes then gossip to the wrong place. Alertmanager
/// takes only an IP (`--cluster.advertise-address`), and a task learns its own only at run
/// time: Docker writes it for the task's hostname into /etc/hosts, from the first network of
/// the service, the stack's. Pure shell: the images link few busybox applets.
pub fn entrypoint(binary: &str) -> Vec<String> {
    let script = format!(
        "a=; while read -r ip name _; do [ \"$name\" = \"$HOSTNAME\" ] && a=$ip; done </etc/hosts; \
         [ -n \"$a\" ] || {{ echo \"stackctl: no address for $HOSTNAME in /etc/hosts\" >&2; exit 1; }}; \
         exec {binary} \"$@\" --cluster.advertise-address=$a:{CLUSTER_PORT}"
    );
    vec![
        "/bin/sh".to_string(),
        "-c".to_string(),
        script,
        binary.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_turn_gossip_on_between_tasks() {
        let mut command = vec![
            "--config.file=/etc/alertmanager/alertmanager.yml".to_string(),
            "--cluster.listen-address=".to_string(),
        ];
        flags("alertmanager", &mut command, true);
        assert_eq!(
            command[1..],
            [
                "--cluster.listen-address=0.0.0.0:9094",
                "--cluster.peer=tasks.alertmanager:9094",
                "--cluster.tls-config=/run/secrets/cluster-tls.yml",
            ]
        );
    }

    /// The script run by a real `sh` against a hosts file: the task's own line wins.
    #[test]
    fn entrypoint_advertises_the_address_of_the_tasks_hostname() {
        let dir = tempfile::tempdir().unwrap();
        let hosts = dir.path().join("hosts");
        std::fs::write(
            &hosts,
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n10.0.1.3\tabc123\n",
        )
        .unwrap();
        let mut args = entrypoint("echo");
        args[2] = args[2].replace("/etc/hosts", &hosts.display().to_string());
        let out = std::process::Command::new(&args[0])
            .args(&args[1..])
            .arg("--config.file=x")
            .env("HOSTNAME", "abc123")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "--config.file=x --cluster.advertise-address=10.0.1.3:9094\n"
        );
        let missing = std::process::Command::new(&args[0])
            .args(&args[1..])
            .env("HOSTNAME", "other")
            .output()
            .unwrap();
        assert!(!missing.status.success());
    }
}
