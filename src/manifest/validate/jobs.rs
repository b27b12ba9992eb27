//! Scrape jobs: unique job names (the stack's own included), what each job scrapes, targets,
//! probe modules.

use std::collections::BTreeMap;

use super::names::{is_host, is_host_port, is_http_url};
use super::quoted_list;
use super::top::check_label_names;
use crate::manifest::topology;
use crate::manifest::{Diagnostic, Manifest, ScrapeJob};

/// The probe modules blackbox_exporter gets without being told.
pub(crate) const DEFAULT_PROBE_MODULES: [&str; 3] = ["http_2xx", "tcp_connect", "icmp"];

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    check_job_names(manifest, problems);
    for (index, job) in manifest.scrape.iter().enumerate() {
        check_scrape_job(manifest, &format!("scrape[{index}]"), job, problems);
    }
}

/// Every job name once: the stack's own jobs (`prometheus`, `node`, exporters) and `scrape`.
fn check_job_names(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for component in topology::components(manifest) {
        if component.metrics_path.is_none() {
            continue;
        }
        let path = if component.key.starts_with("exporters[") {
            format!("{}.name", component.key)
        } else {
            component.key.clone()
        };
        if let Some(first) = seen.get(&component.job) {
            problems.push(
                Diagnostic::new(
                    &path,
                    format!(
                        "job name `{}` of `{}` is already used by `{first}`",
                        component.job, component.key
                    ),
                )
                .hint("give each exporter its own `name`; it names the job and the container"),
            );
        } else {
            seen.insert(component.job.clone(), component.key.clone());
        }
    }
    for (index, job) in manifest.scrape.iter().enumerate() {
        let path = format!("scrape[{index}].job");
        if job.job.trim().is_empty() {
            problems.push(
                Diagnostic::new(&path, "a scrape job needs a name")
                    .hint("set `job: <name>`, e.g. `job: api`"),
            );
            continue;
        }
        match seen.get(&job.job) {
            Some(first) if first.starts_with("scrape[") => problems.push(
                Diagnostic::new(
                    &path,
                    format!("job name `{}` is already used by `{first}`", job.job),
                )
                .hint("merge the two jobs' `targets`, or give this job another name"),
            ),
            Some(first) => problems.push(
                Diagnostic::new(
                    &path,
                    format!("job name `{}` is already used by `{first}`", job.job),
                )
                .hint(format!(
                    "stackctl scrapes `{first}` as job `{}` already; rename this job",
                    job.job
                )),
            ),
            None => {
                seen.insert(job.job.clone(), format!("scrape[{index}]"));
            }
        }
    }
}

fn check_scrape_job(
    manifest: &Manifest,
    path: &str,
    job: &ScrapeJob,
    problems: &mut Vec<Diagnostic>,
) {
    check_sources(path, job, problems);
    for (index, target) in job.targets.iter().enumerate() {
        if !is_host_port(target) {
            problems.push(target_problem(&format!("{path}.targets[{index}]"), target));
        }
    }
    if let Some(scheme) = &job.scheme {
        if scheme != "http" && scheme != "https" {
            problems.push(
                Diagnostic::new(
                    format!("{path}.scheme"),
                    format!("scheme `{scheme}` is not `http` or `https`"),
                )
                .hint("use `scheme: http` (default) or `scheme: https`"),
            );
        }
    }
    if let Some(metrics_path) = &job.metrics_path {
        if !metrics_path.starts_with('/') {
            problems.push(
                Diagnostic::new(
                    format!("{path}.metrics_path"),
                    format!("metrics path `{metrics_path}` does not start with `/`"),
                )
                .hint(format!(
                    "write the path part of the URL only, e.g. `/{}`",
                    metrics_path.trim_start_matches('/')
                )),
            );
        }
    }
    if job.basic_auth.is_some() && job.bearer_token.is_some() {
        problems.push(
            Diagnostic::new(
                format!("{path}.bearer_token"),
                format!(
                    "scrape job `{}` has both `basic_auth` and `bearer_token`",
                    job.job
                ),
            )
            .hint("Prometheus accepts one kind of authorization per job; keep one of them"),
        );
    }
    check_label_names(&format!("{path}.labels"), job.labels.keys(), problems);
    if let Some(docker) = &job.docker {
        if docker.label.trim().is_empty() {
            problems.push(
                Diagnostic::new(format!("{path}.docker.label"), "`docker.label` is empty")
                    .hint("name the container label that marks containers to scrape, e.g. `prometheus.scrape`"),
            );
        }
    }
    if let Some(probe) = &job.probe {
        check_probe(manifest, path, probe, problems);
    }
}

/// Exactly one of static `targets`, a blackbox `probe`, or `docker` discovery.
fn check_sources(path: &str, job: &ScrapeJob, problems: &mut Vec<Diagnostic>) {
    let mut sources = Vec::new();
    if !job.targets.is_empty() {
        sources.push("targets");
    }
    if job.probe.is_some() {
        sources.push("probe");
    }
    if job.docker.is_some() {
        sources.push("docker");
    }
    match sources.len() {
        0 => problems.push(
            Diagnostic::new(path, format!("scrape job `{}` has nothing to scrape", job.job))
                .hint("give it `targets: [host:port]`, a blackbox `probe`, or `docker` discovery"),
        ),
        1 => {}
        _ => problems.push(
            Diagnostic::new(
                format!("{path}.{}", sources[1]),
                format!("scrape job `{}` has both {}", job.job, quoted_list(&sources)),
            )
            .hint("a job scrapes static `targets`, probes through blackbox, or discovers Docker containers; split it into one job each"),
        ),
    }
}

fn target_problem(path: &str, target: &str) -> Diagnostic {
    let message = format!("target `{target}` is not `host:port`");
    let hint = if target.contains("://") {
        "write `host:port` without the scheme and path; set `scheme` and `metrics_path` on the job, or use a `probe` for URLs".to_string()
    } else if is_host(target) {
        format!("add the port its metrics listen on, e.g. `{target}:9100`")
    } else {
        "write `host:port`, e.g. `api:8080` or `10.0.0.5:9100`".to_string()
    };
    Diagnostic::new(path, message).hint(hint)
}

fn check_probe(
    manifest: &Manifest,
    path: &str,
    probe: &crate::manifest::Probe,
    problems: &mut Vec<Diagnostic>,
) {
    let blackbox = manifest.components.blackbox_exporter.as_ref();
    if blackbox.is_none() {
        problems.push(
            Diagnostic::new(
                format!("{path}.probe"),
                "a `probe` job needs `components.blackbox_exporter`",
            )
            .hint("add `blackbox_exporter: {}` under `components`"),
        );
    }
    let declared = blackbox.map(|b| &b.modules);
    let known = DEFAULT_PROBE_MODULES.contains(&probe.module.as_str())
        || declared.is_some_and(|m| m.contains_key(&probe.module));
    if !known {
        let mut modules: Vec<String> = DEFAULT_PROBE_MODULES
            .iter()
            .map(|m| m.to_string())
            .collect();
        modules.extend(declared.into_iter().flat_map(|m| m.keys().cloned()));
        problems.push(
            Diagnostic::new(
                format!("{path}.probe.module"),
                format!("probe module `{}` is not defined", probe.module),
            )
            .hint(format!(
                "use one of {}, or declare it under `components.blackbox_exporter.modules`",
                quoted_list(&modules)
            )),
        );
    }
    if probe.targets.is_empty() {
        problems.push(
            Diagnostic::new(
                format!("{path}.probe.targets"),
                "a probe needs at least one target",
            )
            .hint("list URLs (`https://shop.example.com`) or `host:port` addresses to probe"),
        );
    }
    let icmp = probe.module == "icmp"
        || declared
            .and_then(|m| m.get(&probe.module))
            .and_then(|module| module.get("prober"))
            .and_then(|prober| prober.as_str())
            == Some("icmp");
    for (index, target) in probe.targets.iter().enumerate() {
        let ok = is_http_url(target) || is_host_port(target) || (icmp && is_host(target));
        if !ok {
            problems.push(
                Diagnostic::new(format!("{path}.probe.targets[{index}]"), format!("probe target `{target}` is not a URL or `host:port`"))
                    .hint("probe URLs with `http_2xx` (`https://shop.example.com/health`) and ports with `tcp_connect` (`db:5432`)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn rejects_duplicate_job_names() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("scrape: [{job: api, targets: ['a:1']}, {job: web, targets: ['w:1']}]", None),
            ("scrape: [{job: api, targets: ['a:1']}, {job: api, targets: ['b:1']}]", Some(("scrape[1].job", "`api` is already used by `scrape[0]`"))),
            ("components: {prometheus: {}}\nscrape: [{job: prometheus, targets: ['p:9090']}]", Some(("scrape[0].job", "already used by `components.prometheus`"))),
            ("components: {node_exporter: {}}\nscrape: [{job: node, targets: ['h:9100']}]", Some(("scrape[0].job", "`node`"))),
            ("components: {jaeger: {}}\nscrape: [{job: jaeger, targets: ['j:14269']}]", Some(("scrape[0].job", "already used by `components.jaeger`"))),
            ("exporters: [{type: redis, target: 'r:6379'}, {type: redis, target: 's:6379'}]", Some(("exporters[1].name", "job name `redis` of `exporters[1]` is already used by `exporters[0]`"))),
            ("exporters: [{type: redis, target: 'r:6379'}, {type: redis, name: sessions, target: 's:6379'}]", None),
            ("exporters: [{type: redis, name: cache, target: 'r:6379'}]\nscrape: [{job: cache, targets: ['c:1']}]", Some(("scrape[0].job", "already used by `exporters[0]`"))),
            ("scrape: [{job: '', targets: ['a:1']}]", Some(("scrape[0].job", "needs a name"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }

    #[test]
    fn requires_exactly_one_kind_of_target_per_job() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("scrape: [{job: api}]", Some(("scrape[0]", "has nothing to scrape"))),
            ("scrape: [{job: api, targets: []}]", Some(("scrape[0]", "has nothing to scrape"))),
            ("components: {blackbox_exporter: {}}\nscrape: [{job: api, targets: ['a:1'], probe: {module: http_2xx, targets: ['https://x']}}]", Some(("scrape[0].probe", "has both `targets` and `probe`"))),
            ("scrape: [{job: c, targets: ['a:1'], docker: {label: x}}]", Some(("scrape[0].docker", "has both `targets` and `docker`"))),
            ("scrape: [{job: c, docker: {label: prometheus.scrape}}]", None),
            ("scrape: [{job: c, docker: {label: ''}}]", Some(("scrape[0].docker.label", "is empty"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }

    #[test]
    fn checks_targets_scheme_path_and_auth() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("scrape: [{job: a, targets: ['api:5500', '10.0.0.1:9100'], scheme: https, metrics_path: /actuator/prometheus}]", None),
            ("scrape: [{job: a, targets: [api]}]", Some(("scrape[0].targets[0]", "target `api` is not `host:port`"))),
            ("scrape: [{job: a, targets: ['http://api:5500/metrics']}]", Some(("scrape[0].targets[0]", "not `host:port`"))),
            ("scrape: [{job: a, targets: ['a:1'], scheme: tcp}]", Some(("scrape[0].scheme", "`tcp`"))),
            ("scrape: [{job: a, targets: ['a:1'], metrics_path: metrics}]", Some(("scrape[0].metrics_path", "does not start with `/`"))),
            ("scrape: [{job: a, targets: ['a:1'], basic_auth: {username: u, password: p}, bearer_token: t}]", Some(("scrape[0].bearer_token", "both `basic_auth` and `bearer_token`"))),
            ("scrape: [{job: a, targets: ['a:1'], labels: {team-name: x}}]", Some(("scrape[0].labels.team-name", "not a valid label name"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }

    #[test]
    fn checks_probes_against_blackbox_modules() {
        let bb = "components: {blackbox_exporter: {modules: {http_post: {prober: http}, ping: {prober: icmp}}}}\n";
        let cases: Vec<(String, Option<(&str, &str)>)> = vec![
            (format!("{bb}scrape: [{{job: s, probe: {{module: http_2xx, targets: ['https://shop.example.com', 'db:5432']}}}}]"), None),
            (format!("{bb}scrape: [{{job: s, probe: {{module: http_post, targets: ['https://x.example.com/api']}}}}]"), None),
            (format!("{bb}scrape: [{{job: s, probe: {{module: icmp, targets: [10.0.0.1, gateway]}}}}]"), None),
            (format!("{bb}scrape: [{{job: s, probe: {{module: ping, targets: [gateway]}}}}]"), None),
            (format!("{bb}scrape: [{{job: s, probe: {{module: http_200, targets: ['https://x']}}}}]"), Some(("scrape[0].probe.module", "probe module `http_200` is not defined"))),
            (format!("{bb}scrape: [{{job: s, probe: {{module: http_2xx, targets: [shop]}}}}]"), Some(("scrape[0].probe.targets[0]", "not a URL or `host:port`"))),
            (format!("{bb}scrape: [{{job: s, probe: {{module: http_2xx, targets: []}}}}]"), Some(("scrape[0].probe.targets", "at least one target"))),
            ("scrape: [{job: s, probe: {module: http_2xx, targets: ['https://x']}}]".to_string(), Some(("scrape[0].probe", "needs `components.blackbox_exporter`"))),
        ];
        for (extra, want) in &cases {
            check_case(extra, *want);
        }
    }
}
