//! TLS for an exposed stack (`render::web_auth`): Prometheus, Alertmanager and the Pushgateway
//! serve HTTPS with one certificate, from `tls_server_config` in their `web.config.file`.
//!
//! The pair is the manifest's `tls: {cert, key}`, else `.stackctl/tls/` beside the manifest
//! (`tls.crt`, `tls.key`, 0600 in a 0700 directory): when that is missing, the commands generate
//! a self-signed one (`generate`)
//! naming `localhost`, the loopback addresses, the `bind` address when it is one, and the
//! protected services by service name, container name and Swarm task name (`tasks.SERVICE`). A certificate of your own must name
//! those the stack's own clients call: `localhost`,
//! `prometheus`, `alertmanager`, `pushgateway`, and the address stackctl calls, 127.0.0.1
//! for `bind: 0.0.0.0`). Every client inside the stack trusts the certificate by file
//! (`ca_file`, Grafana's `tlsCACert`), and stackctl's own client trusts only it.

use crate::manifest::Secret;
pub(crate) use crate::manifest::{
    tls_dir as dir, TlsPair as Pair, TLS_CERT as CERT, TLS_DIR as DIR, TLS_KEY as KEY,
};

/// The names the generated certificate is valid for.
pub fn names(project: &str, bind: &str) -> Vec<String> {
    let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1"]
        .iter()
        .map(|n| n.to_string())
        .collect();
    for service in ["prometheus", "alertmanager", "pushgateway"] {
        names.push(service.to_string());
        names.push(crate::labels::container_name(project, service));
        // On a Swarm, peers and clients reach every replica through `tasks.SERVICE`.
        names.push(format!("tasks.{service}"));
    }
    let host = bind.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        if !ip.is_unspecified() && !names.contains(&ip.to_string()) {
            names.push(ip.to_string());
        }
    }
    names
}

/// A new self-signed certificate for `names` and its key (PEM).
pub fn generate(project: &str, names: Vec<String>) -> anyhow::Result<Pair> {
    let mut params = rcgen::CertificateParams::new(names)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, format!("stackctl {project}"));
    let key = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key)?;
    Ok(Pair {
        cert: cert.pem(),
        key: Secret::new(key.serialize_pem()),
    })
}

/// The `tls_server_config` lines of a `web.config.file` (Prometheus' exporter toolkit).
pub(crate) fn server_config(secrets_dir: &str) -> String {
    format!(
        "tls_server_config:\n  cert_file: {secrets_dir}/{CERT}\n  key_file: {secrets_dir}/{KEY}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_certificate_names_the_services_and_the_bind_address() {
        let names = names("shop", "192.168.1.10");
        for name in [
            "localhost",
            "127.0.0.1",
            "alertmanager",
            "shop-prometheus-1",
            "tasks.alertmanager",
            "192.168.1.10",
        ] {
            assert!(names.contains(&name.to_string()), "{name}: {names:?}");
        }
        assert!(!super::names("shop", "0.0.0.0").contains(&"0.0.0.0".to_string()));
        let pair = generate("shop", names).unwrap();
        assert!(pair.cert.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(pair.key.expose().contains("PRIVATE KEY"));
    }
}
