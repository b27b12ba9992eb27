//! A stack published beyond loopback (`bind` other than 127.0.0.0/8, `::1`, `localhost`) must
//! not be open: Prometheus, Alertmanager and the Pushgateway, which have no login of their
//! own, get a `web.config.file` that requires basic auth for user `stackctl`, with the bcrypt
//! hash of `STACKCTL_WEB_PASSWORD` (generated into `.env` by the commands, 0600). Everything
//! that calls them authenticates: Prometheus' own scrapes and alert delivery, Grafana's
//! datasources (password from a secret file), and stackctl itself (readiness, reload, status).
//!
//! The hash is salted from the password, so an unchanged password renders an unchanged file
//! (no reload on every deploy). The password reaches files only through the draft's secrets.
//!
//! The same programs serve HTTPS (`render::tls`): the web config also holds
//! `tls_server_config`, and every client inside the stack trusts the stack's certificate.

use std::net::IpAddr;

use sha2::{Digest, Sha256};

use crate::manifest::{Diagnostic, Secret};
use crate::render::{Draft, Kind, Stack};

/// The user every protected program accepts.
pub const USER: &str = "stackctl";
pub(crate) use crate::manifest::PASSWORD_VAR;
/// The web config each protected program reads (`/run/secrets/web.yml`).
pub(crate) const WEB_CONFIG: &str = "web.yml";
/// The password as a file, for clients inside the stack (`/run/secrets/web-password`).
pub(crate) const PASSWORD_FILE: &str = "web-password";
/// The stack's certificate as a file, for clients inside the stack (`/run/secrets/web-ca.crt`).
pub(crate) const CA_FILE: &str = "web-ca.crt";
/// bcrypt cost: each request is checked (the exporter toolkit caches good logins).
const COST: u32 = 10;
/// The programs run as `nobody`; their secret files must be readable by that user.
pub(crate) const NOBODY: u32 = 65534;

/// Whether `bind` keeps the stack on this host.
pub(crate) fn is_loopback(bind: &str) -> bool {
    let host = bind.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether the stack's ports are reachable from other hosts.
pub fn exposed(stack: &Stack) -> bool {
    !is_loopback(&stack.manifest.bind)
}

/// The programs a web config protects.
pub(crate) fn protects(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Prometheus | Kind::Alertmanager | Kind::Pushgateway
    )
}

/// Whether `kind` runs with basic auth in this stack.
pub fn protected(stack: &Stack, kind: &Kind) -> bool {
    exposed(stack) && protects(kind)
}

/// The flag that points a protected program at its web config.
pub fn flag(stack: &Stack, kind: &Kind) -> Option<String> {
    protected(stack, kind).then(|| {
        format!(
            "--web.config.file={}/{WEB_CONFIG}",
            crate::render::draft::SECRETS_DIR
        )
    })
}

/// Programs with no authentication at all that an exposed stack keeps on loopback unless the
/// manifest names their port explicitly.
fn unauthenticated(kind: &Kind) -> bool {
    matches!(kind, Kind::Loki | Kind::Jaeger | Kind::VictoriaMetrics)
}

/// Whether the manifest sets the component's port itself (`components.loki.port: 3100`).
fn port_named(stack: &Stack, kind: &Kind) -> bool {
    use crate::manifest::{ComponentSettings as _, PortSetting};
    let components = &stack.manifest.components;
    let port = match kind {
        Kind::Loki => components.loki.as_ref().map(|c| c.port()),
        Kind::Jaeger => components.jaeger.as_ref().map(|c| c.port()),
        Kind::VictoriaMetrics => components.victoriametrics.as_ref().map(|c| c.port()),
        _ => None,
    };
    matches!(port, Some(PortSetting::Host(_)))
}

/// The address `kind`'s ports are published on: `bind`, except that Loki, Jaeger and
/// VictoriaMetrics, which cannot require a login as stackctl runs them, stay on 127.0.0.1 in
/// an exposed stack unless their `port` is set.
pub fn host_ip(stack: &Stack, kind: &Kind) -> String {
    if exposed(stack) && unauthenticated(kind) && !port_named(stack, kind) {
        return "127.0.0.1".to_string();
    }
    stack.manifest.bind.clone()
}

/// `web.yml`: basic auth for `stackctl` with the bcrypt hash of `password`, and HTTPS with the
/// stack's certificate when `tls`.
pub(crate) fn web_config(password: &Secret, tls: bool) -> anyhow::Result<String> {
    let digest = Sha256::digest(format!("stackctl web.yml\0{}", password.expose()));
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&digest[..16]);
    let hash = bcrypt::hash_with_salt(password.expose(), COST, salt)?
        .format_for_version(bcrypt::Version::TwoY);
    let tls = if tls {
        crate::render::tls::server_config(crate::render::draft::SECRETS_DIR)
    } else {
        String::new()
    };
    Ok(format!(
        "# Rendered by stackctl: `bind` publishes this program beyond loopback, so it requires\n# basic auth (user `{USER}`, password `{PASSWORD_VAR}` in .env) and serves HTTPS.\nbasic_auth_users:\n  {USER}: {hash}\n{tls}"
    ))
}

/// The render step: a web config secret for each protected program; without a password, a
/// problem at `bind` (the commands generate one before rendering).
pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    for component in &stack.components {
        if exposed(stack) && unauthenticated(&component.kind) && port_named(stack, &component.kind)
        {
            draft.warn(format!(
                "`{}.port` publishes {} on {} without authentication: anyone who reaches it can read and write its data; leave `port` out to keep it on 127.0.0.1, or put an authenticating proxy in front",
                component.key, component.service, stack.manifest.bind
            ));
        }
    }
    let protected: Vec<_> = stack
        .components
        .iter()
        .filter(|c| protected(stack, &c.kind))
        .collect();
    if protected.is_empty() {
        return Ok(());
    }
    let Some(password) = &stack.generated.web_password else {
        draft.problem(
            Diagnostic::new(
                "bind",
                format!(
                    "`bind: {}` publishes Prometheus, Alertmanager and the Pushgateway beyond this host, but `{PASSWORD_VAR}` is not set",
                    stack.manifest.bind
                ),
            )
            .hint(format!(
                "run `stackctl deploy` (it generates `{PASSWORD_VAR}` into .env), or set it yourself; or bind to 127.0.0.1"
            )),
        );
        return Ok(());
    };
    let files = stack.manifest.tls.as_ref();
    let Some(pair) = &stack.generated.tls else {
        if let Some(files) = files {
            draft.problem(
                Diagnostic::new(
                    "tls",
                    format!(
                        "cannot read the TLS certificate `{}` or its key `{}`",
                        files.cert, files.key
                    ),
                )
                .hint("name PEM files that exist, relative to the manifest's directory; or leave `tls` out for a generated self-signed pair"),
            );
            return Ok(());
        }
        draft.problem(
            Diagnostic::new(
                "bind",
                format!(
                    "`bind: {}` publishes Prometheus, Alertmanager and the Pushgateway beyond this host, but there is no TLS certificate in `{}`",
                    stack.manifest.bind,
                    crate::render::tls::DIR
                ),
            )
            .hint("run `stackctl deploy` (it generates a self-signed one), or put your own `tls.crt` and `tls.key` there; or bind to 127.0.0.1"),
        );
        return Ok(());
    };
    let config = Secret::new(web_config(password, true)?);
    let cert = Secret::new(pair.cert.clone());
    for component in protected {
        draft.add_secret(&component.service, WEB_CONFIG, &config, Some(NOBODY));
        draft.add_secret(
            &component.service,
            crate::render::tls::CERT,
            &cert,
            Some(NOBODY),
        );
        draft.add_secret(
            &component.service,
            crate::render::tls::KEY,
            &pair.key,
            Some(NOBODY),
        );
    }
    Ok(())
}

/// What a client inside the stack needs to call a program that may be protected: the password
/// file when it requires basic auth, the certificate to trust when it serves HTTPS. Both
/// `None` for a program that is open (a loopback stack).
#[derive(Debug, Default)]
pub(crate) struct ClientFiles {
    pub password_file: Option<String>,
    pub ca_file: Option<String>,
}

/// The files a client inside the stack (`service`, running as `uid`) reads to call `kind`,
/// added to its secrets.
pub(crate) fn client_files(
    stack: &Stack,
    kind: &Kind,
    service: &str,
    uid: u32,
    draft: &mut Draft,
) -> ClientFiles {
    if !protected(stack, kind) {
        return ClientFiles::default();
    }
    let generated = &stack.generated;
    let password_file = (generated.web_password.as_ref())
        .map(|p| draft.add_secret(service, PASSWORD_FILE, p, Some(uid)));
    let ca_file = (generated.tls.as_ref())
        .map(|pair| draft.add_secret(service, CA_FILE, &Secret::new(pair.cert.clone()), Some(uid)));
    ClientFiles {
        password_file,
        ca_file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_binds_stay_open() {
        let cases = [
            ("127.0.0.1", true),
            ("127.0.0.2", true),
            ("::1", true),
            ("[::1]", true),
            ("localhost", true),
            ("0.0.0.0", false),
            ("::", false),
            ("192.168.1.10", false),
            ("", false),
        ];
        for (bind, loopback) in cases {
            assert_eq!(is_loopback(bind), loopback, "{bind}");
        }
    }

    #[test]
    fn web_config_holds_a_stable_bcrypt_hash_of_the_password_only() {
        let password = Secret::new("correct horse battery staple");
        let config = web_config(&password, false).unwrap();
        assert_eq!(
            config,
            web_config(&password, false).unwrap(),
            "stable across renders"
        );
        assert!(!config.contains(password.expose()));
        let parsed: serde_yaml::Value = serde_yaml::from_str(&config).unwrap();
        let hash = parsed["basic_auth_users"][USER].as_str().unwrap();
        assert!(hash.starts_with("$2y$10$"), "{hash}");
        assert!(bcrypt::verify(password.expose(), hash).unwrap());
        assert!(!bcrypt::verify("wrong", hash).unwrap());
        assert_ne!(
            config,
            web_config(&Secret::new("another"), false).unwrap(),
            "the salt follows the password"
        );
    }

    fn render_in(dir: &std::path::Path, manifest: &str) -> crate::render::RenderedStack {
        let pair =
            crate::render::tls::generate("t", crate::render::tls::names("t", "0.0.0.0")).unwrap();
        let env = |name: &str| (name == "GRAFANA_ADMIN_PASSWORD").then(|| "gpw-123456".to_string());
        let mut loaded =
            crate::manifest::load_str(&dir.join("stackctl.yaml"), manifest, &env).unwrap();
        loaded.generated = crate::manifest::Generated {
            web_password: Some(Secret::new("s3cret-web-pw")),
            swarm_key: None,
            tls: Some(pair),
        };
        crate::render::render(&loaded, &crate::render::Templates::embedded()).unwrap()
    }

    const STACK: &str = "version: 1\nproject: t\nbind: BIND\ncomponents:\n  prometheus: {}\n  alertmanager: {}\n  pushgateway: {}\n  loki: LOKI\n  jaeger: {}\n  grafana: {admin_password: \"${GRAFANA_ADMIN_PASSWORD}\"}\n";

    /// The whole exposed stack, one assertion per promise; the loopback stack keeps none of it.
    #[test]
    fn an_exposed_stack_requires_basic_auth_everywhere_and_keeps_unauthenticated_ports_local() {
        let dir = tempfile::tempdir().unwrap();
        let exposed = render_in(
            dir.path(),
            &STACK.replace("BIND", "0.0.0.0").replace("LOKI", "{}"),
        );
        let spec = |name: &str| exposed.services.iter().find(|s| s.name == name).unwrap();
        let text = |path: &str| exposed.files[path].contents.expose().to_string();
        for name in ["prometheus", "alertmanager", "pushgateway"] {
            let s = spec(name);
            assert!(s.web_auth, "{name}");
            assert!(
                s.command
                    .contains(&"--web.config.file=/run/secrets/web.yml".to_string()),
                "{name}"
            );
            assert!(
                s.healthcheck.is_none(),
                "{name}: the image's probe has no credentials"
            );
            assert!(s.secrets.iter().any(|m| m.name == WEB_CONFIG), "{name}");
            assert_eq!(
                exposed.files[&format!("secrets/{name}/{WEB_CONFIG}")].mode(),
                crate::render::FileMode::Secret
            );
        }
        assert!(!spec("prometheus")
            .command
            .iter()
            .any(|a| a == "--web.enable-lifecycle"));
        for name in ["prometheus", "alertmanager"] {
            assert_eq!(
                spec(name).reload,
                crate::service::ReloadMethod::Signal("SIGHUP".into())
            );
        }
        for name in ["prometheus", "alertmanager", "pushgateway"] {
            assert!(spec(name).web_tls, "{name}");
            assert!(
                text(&format!("secrets/{name}/{WEB_CONFIG}")).contains("tls_server_config:\n  cert_file: /run/secrets/tls.crt\n  key_file: /run/secrets/tls.key\n"),
                "{name}"
            );
            assert_eq!(
                exposed.files[&format!("secrets/{name}/{}", crate::render::tls::KEY)].mode(),
                crate::render::FileMode::Secret
            );
            assert!(
                spec(name)
                    .url
                    .as_deref()
                    .unwrap_or("")
                    .starts_with("https://"),
                "{name}"
            );
        }
        let prometheus_yml = text("prometheus/prometheus.yml");
        assert_eq!(
            prometheus_yml
                .matches("password_file: \"/run/secrets/web-password\"")
                .count(),
            4,
            "self, alertmanager and pushgateway scrapes, and alert delivery:\n{prometheus_yml}"
        );
        assert_eq!(
            prometheus_yml.matches("scheme: https").count()
                + prometheus_yml.matches("scheme: \"https\"").count(),
            4,
            "self, alertmanager and pushgateway scrapes, and alert delivery over HTTPS:\n{prometheus_yml}"
        );
        assert_eq!(
            prometheus_yml
                .matches("ca_file: \"/run/secrets/web-ca.crt\"")
                .count(),
            4
        );
        let datasources = text("grafana/provisioning/datasources/stackctl.yaml");
        assert_eq!(
            datasources
                .matches("basicAuthPassword: \"$__file{/run/secrets/web-password}\"")
                .count(),
            2,
            "Prometheus and Alertmanager datasources:\n{datasources}"
        );
        assert_eq!(
            datasources.matches("tlsAuthWithCACert: true").count(),
            2,
            "{datasources}"
        );
        assert!(
            datasources.contains("url: \"https://prometheus:9090\""),
            "{datasources}"
        );
        for name in ["loki", "jaeger"] {
            assert!(
                spec(name).ports.iter().all(|p| p.host_ip == "127.0.0.1"),
                "{name}"
            );
        }
        assert!(spec("grafana").ports.iter().all(|p| p.host_ip == "0.0.0.0"));
        for (path, file) in &exposed.files {
            assert!(
                !file.contents.expose().contains("s3cret-web-pw") || path.ends_with(PASSWORD_FILE),
                "{path}"
            );
        }

        let opened = render_in(
            dir.path(),
            &STACK
                .replace("BIND", "0.0.0.0")
                .replace("LOKI", "{port: 3100}"),
        );
        let loki = opened.services.iter().find(|s| s.name == "loki").unwrap();
        assert_eq!(
            loki.ports[0].host_ip, "0.0.0.0",
            "an explicit port opens it"
        );
        assert!(
            opened.warnings.iter().any(|w| w.contains(
                "`components.loki.port` publishes loki on 0.0.0.0 without authentication"
            )),
            "{:?}",
            opened.warnings
        );

        let local = render_in(
            dir.path(),
            &STACK.replace("BIND", "127.0.0.1").replace("LOKI", "{}"),
        );
        assert!(local.services.iter().all(|s| !s.web_auth));
        assert!(!local
            .files
            .keys()
            .any(|p| p.ends_with(WEB_CONFIG) || p.ends_with(PASSWORD_FILE)));
        let prometheus = local
            .services
            .iter()
            .find(|s| s.name == "prometheus")
            .unwrap();
        assert!(prometheus
            .command
            .iter()
            .any(|a| a == "--web.enable-lifecycle"));
    }
}

#[cfg(test)]
mod tls_key_tests {
    use super::*;

    #[test]
    fn the_manifest_can_name_its_own_certificate_and_a_missing_one_is_a_located_problem() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".env"),
            format!("{PASSWORD_VAR}=pw-123456\n"),
        )
        .unwrap();
        let pair = crate::render::tls::generate("own", vec!["localhost".into()]).unwrap();
        std::fs::create_dir_all(dir.path().join("certs")).unwrap();
        std::fs::write(dir.path().join("certs/own.crt"), &pair.cert).unwrap();
        std::fs::write(dir.path().join("certs/own.key"), pair.key.expose()).unwrap();
        let manifest = "version: 1\nproject: t\nbind: 0.0.0.0\ntls: {cert: certs/own.crt, key: certs/own.key}\ncomponents: {prometheus: {}}\n";
        let path = dir.path().join("stackctl.yaml");
        std::fs::write(&path, manifest).unwrap();
        let loaded = crate::manifest::load(&path).unwrap();
        let stack = crate::render::render(&loaded, &crate::render::Templates::embedded()).unwrap();
        assert_eq!(
            stack.files["secrets/prometheus/tls.crt"].contents.expose(),
            pair.cert
        );
        assert_eq!(
            stack.files["secrets/prometheus/tls.key"].contents.expose(),
            pair.key.expose()
        );

        std::fs::write(&path, manifest.replace("own.key", "gone.key")).unwrap();
        let loaded = crate::manifest::load(&path).unwrap();
        let error = crate::render::render(&loaded, &crate::render::Templates::embedded())
            .expect_err("a problem");
        let text = format!("{error:#}");
        assert!(text.contains("cannot read the TLS certificate"), "{text}");
    }
}
