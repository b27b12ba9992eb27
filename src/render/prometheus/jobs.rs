//! The scrape jobs of prometheus.yml: Prometheus itself, every component that serves
//! metrics, then the manifest's `scrape` jobs, each job name exactly once.
//!
//! Probe and Docker-discovery jobs get their targets and relabeling from `discovery`.
//! Secrets (passwords, tokens) go to `secrets/` through the draft and appear here only as
//! `*_file` paths.

use std::collections::BTreeSet;

use super::config::{Authorization, BasicAuth, ScrapeConfig, StaticConfig, TlsClient};
use super::features::{Features, FALLBACK_SCRAPE_PROTOCOL};
use super::{docker, probes};
use crate::manifest::{Diagnostic, ScrapeJob};
use crate::render::{Component, Draft, Kind, Stack};

/// Prometheus' image runs as `nobody`; its secret files must be readable by that user.
pub(crate) const PROMETHEUS_UID: u32 = 65534;

const DEFAULT_METRICS_PATH: &str = "/metrics";

/// Every scrape job in file order. A job name already taken is reported, never emitted twice.
pub fn scrape_configs(
    stack: &Stack,
    prometheus: &Component,
    features: &Features,
    draft: &mut Draft,
) -> Vec<ScrapeConfig> {
    let mut names = BTreeSet::new();
    let mut jobs = Vec::new();
    for component in stack.components.iter().filter(|c| c.metrics_path.is_some()) {
        if names.insert(component.job.clone()) {
            let mut job = component_job(component);
            super::swarm::discover(stack, component, &mut job);
            (job.basic_auth, job.tls_config) =
                access_to(stack, &component.kind, &prometheus.service, draft);
            if job.tls_config.is_some() {
                job.scheme = Some("https".to_string());
            }
            jobs.push(job);
        } else {
            let path = match component.kind {
                Kind::Exporter(_) => format!("{}.name", component.key),
                _ => component.key.clone(),
            };
            draft.problem(duplicate(&path, &component.job));
        }
    }
    for (index, job) in stack.manifest.scrape.iter().enumerate() {
        if !names.insert(job.job.clone()) {
            draft.problem(duplicate(&format!("scrape[{index}].job"), &job.job));
            continue;
        }
        let secrets = JobSecrets {
            service: &prometheus.service,
            index,
        };
        if let Some(config) = user_job(stack, job, index, features, secrets, draft) {
            jobs.push(config);
        }
    }
    jobs
}

fn duplicate(path: &str, job: &str) -> Diagnostic {
    Diagnostic::new(path, format!("scrape job `{job}` is defined twice"))
        .hint("job names must be unique: Prometheus refuses a config with two jobs of one name; the stack's own jobs are prometheus, alertmanager, grafana, loki, alloy, promtail, jaeger, node, cadvisor, blackbox, pushgateway, victoriametrics and each exporter's name")
}

/// How Prometheus calls a stack program that may require basic auth and serve HTTPS
/// (`render::web_auth`, `render::tls`): its `basic_auth` and `tls_config`, both `None` when the
/// program is open.
pub(crate) fn access_to(
    stack: &Stack,
    kind: &Kind,
    prometheus_service: &str,
    draft: &mut Draft,
) -> (Option<BasicAuth>, Option<TlsClient>) {
    let files = crate::render::web_auth::client_files(
        stack,
        kind,
        prometheus_service,
        PROMETHEUS_UID,
        draft,
    );
    let basic_auth = files.password_file.map(|password_file| BasicAuth {
        username: crate::render::web_auth::USER.to_string(),
        password_file,
    });
    (
        basic_auth,
        files.ca_file.map(|ca_file| TlsClient {
            ca_file,
            server_name: super::swarm::server_name(stack, kind),
        }),
    )
}

/// The job scraping one component of the stack; Prometheus scrapes itself on localhost.
fn component_job(component: &Component) -> ScrapeConfig {
    let target = match component.kind {
        Kind::Prometheus => format!("localhost:{}", component.container_port),
        _ => component.metrics_address(),
    };
    let mut config = ScrapeConfig::fixed(&component.job, vec![target]);
    config.metrics_path = component
        .metrics_path
        .filter(|path| *path != DEFAULT_METRICS_PATH)
        .map(str::to_string);
    // Pushed series carry their own `job`/`instance`; without this they would be renamed.
    config.honor_labels = component.kind == Kind::Pushgateway;
    config
}

/// Names the secret files of one `scrape` entry, by position: job names may hold any text.
#[derive(Clone, Copy)]
struct JobSecrets<'a> {
    service: &'a str,
    index: usize,
}

fn user_job(
    stack: &Stack,
    job: &ScrapeJob,
    index: usize,
    features: &Features,
    secrets: JobSecrets,
    draft: &mut Draft,
) -> Option<ScrapeConfig> {
    if let Some(probe) = &job.probe {
        return probes::probe_job(stack, job, probe, index, draft);
    }
    let mut config = ScrapeConfig {
        job_name: job.job.clone(),
        ..ScrapeConfig::default()
    };
    config.scrape_interval = job.interval.as_ref().map(|d| d.as_str().to_string());
    config.scrape_timeout = job.timeout.as_ref().map(|d| d.as_str().to_string());
    config.metrics_path = job.metrics_path.clone();
    config.scheme = job.scheme.clone();
    config.honor_labels = job.honor_labels;
    config.params = job.params.clone();
    if features.fallback_scrape_protocol {
        // Applications, unlike the stack's exporters, often serve text without a proper
        // Content-Type: 2.x accepted that silently, 3.x fails the scrape without a fallback.
        config.fallback_scrape_protocol = Some(FALLBACK_SCRAPE_PROTOCOL);
    }
    credentials(&mut config, job, secrets, draft);
    match &job.docker {
        Some(docker) => docker::docker_job(&mut config, job, docker, stack.manifest),
        None => {
            config.static_configs = vec![StaticConfig {
                targets: job.targets.clone(),
                labels: job.labels.clone(),
            }];
            config.relabel_configs = job.relabel.clone();
        }
    }
    config.metric_relabel_configs = job.metric_relabel.clone();
    Some(config)
}

/// `basic_auth` and `authorization`, each secret in its own file under `secrets/`.
fn credentials(config: &mut ScrapeConfig, job: &ScrapeJob, secrets: JobSecrets, draft: &mut Draft) {
    let mut secret_file = |suffix: &str, value| {
        let name = format!("scrape-{}-{suffix}", secrets.index);
        draft.add_secret(secrets.service, &name, value, Some(PROMETHEUS_UID))
    };
    if let Some(auth) = &job.basic_auth {
        config.basic_auth = Some(BasicAuth {
            username: auth.username.clone(),
            password_file: secret_file("password", &auth.password),
        });
    }
    if let Some(token) = &job.bearer_token {
        config.authorization = Some(Authorization {
            kind: "Bearer",
            credentials_file: secret_file("token", token),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;
    use crate::render::Templates;

    fn render_jobs(yaml: &str) -> (Vec<ScrapeConfig>, Draft) {
        let manifest: Manifest = serde_yaml::from_str(yaml).expect("test manifest parses");
        let templates = Templates::embedded();
        let dir = std::path::PathBuf::from(".");
        let stack = Stack::new(&manifest, &dir, &templates);
        let prometheus = stack
            .get(&Kind::Prometheus)
            .expect("test stacks run prometheus")
            .clone();
        let features = Features::of(&prometheus.version);
        let mut draft = Draft::new(&[]);
        let jobs = scrape_configs(&stack, &prometheus, &features, &mut draft);
        (jobs, draft)
    }

    fn names(jobs: &[ScrapeConfig]) -> Vec<&str> {
        jobs.iter().map(|j| j.job_name.as_str()).collect()
    }

    #[test]
    fn stack_components_get_one_job_each_in_topology_order() {
        let (jobs, _) = render_jobs(
            "version: 1\nproject: t\ncomponents: {prometheus: {}, alertmanager: {}, jaeger: {}, node_exporter: {}, pushgateway: {}}\nexporters: [{type: redis, name: cache}]\n",
        );
        assert_eq!(
            names(&jobs),
            [
                "prometheus",
                "alertmanager",
                "jaeger",
                "node",
                "pushgateway",
                "cache"
            ]
        );
        let targets: Vec<&str> = jobs
            .iter()
            .map(|j| j.static_configs[0].targets[0].as_str())
            .collect();
        assert_eq!(
            targets,
            [
                "localhost:9090",
                "alertmanager:9093",
                "jaeger:8888",
                "node-exporter:9100",
                "pushgateway:9091",
                "cache-exporter:9121"
            ]
        );
        let honoring: Vec<&str> = jobs
            .iter()
            .filter(|j| j.honor_labels)
            .map(|j| j.job_name.as_str())
            .collect();
        assert_eq!(honoring, ["pushgateway"]);
    }

    #[test]
    fn duplicate_job_names_are_reported_and_emitted_once() {
        let (jobs, draft) = render_jobs(
            "version: 1\nproject: t\ncomponents: {prometheus: {}, node_exporter: {}}\nscrape: [{job: node, targets: ['a:1']}, {job: api, targets: ['b:2']}, {job: api, targets: ['c:3']}]\n",
        );
        assert_eq!(names(&jobs), ["prometheus", "node", "api"]);
        let paths: Vec<&str> = draft.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["scrape[0].job", "scrape[2].job"]);
    }

    #[test]
    fn credentials_become_secret_files() {
        let (jobs, draft) = render_jobs(
            "version: 1\nproject: t\ncomponents: {prometheus: {}}\nscrape: [{job: api, targets: ['a:1'], basic_auth: {username: u, password: hunter22}, bearer_token: tok}]\n",
        );
        let api = &jobs[1];
        let auth = api.basic_auth.as_ref().expect("basic_auth rendered");
        assert_eq!(
            (auth.username.as_str(), auth.password_file.as_str()),
            ("u", "/run/secrets/scrape-0-password")
        );
        let authz = api.authorization.as_ref().expect("authorization rendered");
        assert_eq!(
            (authz.kind, authz.credentials_file.as_str()),
            ("Bearer", "/run/secrets/scrape-0-token")
        );
        let secret = draft
            .file("secrets/prometheus/scrape-0-password")
            .expect("secret written");
        assert_eq!(secret.contents.expose(), "hunter22");
        assert_eq!(draft.secret_mounts["prometheus"].len(), 2);
    }

    #[test]
    fn fallback_protocol_only_on_user_jobs_of_3x() {
        let manifest = |version: &str| {
            format!("version: 1\nproject: t\ncomponents: {{prometheus: {{version: '{version}'}}}}\nscrape: [{{job: api, targets: ['a:1']}}]\n")
        };
        let cases = [
            ("2.42.0", None),
            ("3.0.0", Some(FALLBACK_SCRAPE_PROTOCOL)),
            ("3.14.0", Some(FALLBACK_SCRAPE_PROTOCOL)),
        ];
        for (version, want) in cases {
            let (jobs, _) = render_jobs(&manifest(version));
            assert_eq!(
                jobs[0].fallback_scrape_protocol, None,
                "{version}: self-scrape"
            );
            assert_eq!(
                jobs[1].fallback_scrape_protocol, want,
                "{version}: user job"
            );
        }
    }

    #[test]
    fn probe_with_an_unknown_module_is_reported() {
        let (jobs, draft) = render_jobs(
            "version: 1\nproject: t\ncomponents: {prometheus: {}, blackbox_exporter: {modules: {dns_udp: {prober: dns}}}}\nscrape: [{job: a, probe: {module: dns_udp, targets: ['x']}}, {job: b, probe: {module: http_3xx, targets: ['y']}}]\n",
        );
        assert_eq!(names(&jobs), ["prometheus", "blackbox", "a"]);
        let paths: Vec<&str> = draft.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["scrape[1].probe.module"]);
        let hint = draft.problems[0].hint.as_deref().unwrap_or_default();
        assert!(
            hint.contains("dns_udp, http_2xx, icmp, tcp_connect"),
            "{hint}"
        );
    }

    #[test]
    fn probe_jobs_warn_about_keys_that_would_reach_blackbox() {
        let (jobs, draft) = render_jobs(
            "version: 1\nproject: t\ncomponents: {prometheus: {}, blackbox_exporter: {}}\nscrape: [{job: site, scheme: https, metrics_path: /x, probe: {module: http_2xx, targets: ['https://x']}}]\n",
        );
        assert_eq!(jobs[2].scheme, None);
        assert_eq!(jobs[2].metrics_path.as_deref(), Some("/probe"));
        assert_eq!(draft.warnings.len(), 1);
        assert!(
            draft.warnings[0].contains("`metrics_path`, `scheme`"),
            "{}",
            draft.warnings[0]
        );
    }

    #[test]
    fn probe_without_blackbox_is_reported() {
        let (jobs, draft) = render_jobs(
            "version: 1\nproject: t\ncomponents: {prometheus: {}}\nscrape: [{job: site, probe: {module: http_2xx, targets: ['https://x']}}]\n",
        );
        assert_eq!(names(&jobs), ["prometheus"]);
        assert_eq!(draft.problems[0].path, "scrape[0].probe");
    }
}
