//! prometheus.yml through the real template: which keys appear for which manifest and release.

use serde_yaml::Value;

use super::*;
use crate::manifest::Manifest;
use crate::render::Templates;

/// Renders prometheus.yml for `yaml`; returns the parsed file (if any) and the draft.
fn render_file(yaml: &str) -> (Option<Value>, Draft) {
    let manifest: Manifest = serde_yaml::from_str(yaml).expect("test manifest parses");
    let templates = Templates::embedded();
    let dir = std::path::PathBuf::from(".");
    let stack = Stack::new(&manifest, &dir, &templates);
    let mut draft = Draft::new(&[]);
    render(&stack, &mut draft).expect("render succeeds");
    let file = draft
        .file(FILE)
        .map(|f| serde_yaml::from_str(&f.contents).expect("file parses"));
    (file, draft)
}

fn manifest(version: &str, rest: &str) -> String {
    format!(
        "version: 1\nproject: shop\ncomponents:\n  prometheus: {{version: '{version}', retention: {{time: 30d}}}}\n{rest}"
    )
}

fn job<'a>(file: &'a Value, name: &str) -> &'a Value {
    file["scrape_configs"]
        .as_sequence()
        .and_then(|jobs| jobs.iter().find(|j| j["job_name"].as_str() == Some(name)))
        .unwrap_or_else(|| panic!("job `{name}` rendered"))
}

#[test]
fn no_prometheus_means_no_file() {
    let (file, _) = render_file("version: 1\nproject: t\ncomponents: {grafana: {}}\n");
    assert!(file.is_none());
}

#[test]
fn version_gated_keys_follow_the_release() {
    let rest = "labels: {cost: '$5 ${HOME}'}\nscrape: [{job: api, targets: ['api:1']}]\n";
    // (release, storage block, fallback protocol on user jobs, external label as written)
    let table = [
        ("2.42.0", false, false, "$5 ${HOME}"),
        ("3.5.5", false, true, "$$5 $${HOME}"),
        ("3.14.0", true, true, "$$5 $${HOME}"),
    ];
    for (release, storage, fallback, label) in table {
        let (file, _) = render_file(&manifest(release, rest));
        let file = file.expect("file rendered");
        assert_eq!(file.get("storage").is_some(), storage, "{release}: storage");
        assert_eq!(
            job(&file, "api").get("fallback_scrape_protocol").is_some(),
            fallback,
            "{release}: fallback"
        );
        assert_eq!(
            file["global"]["external_labels"]["cost"].as_str(),
            Some(label),
            "{release}: label"
        );
    }
}

#[test]
fn default_retention_renders_nothing_because_it_is_prometheus_default() {
    let (file, _) = render_file("version: 1\nproject: t\ncomponents: {prometheus: {}}\n");
    assert!(file.expect("file rendered").get("storage").is_none());
}

#[test]
fn retention_block_carries_time_and_size_on_3_8_and_later() {
    let yaml =
        "version: 1\nproject: t\ncomponents: {prometheus: {retention: {time: 30d, size: 50GB}}}\n";
    let (file, _) = render_file(yaml);
    let retention = &file.expect("file rendered")["storage"]["tsdb"]["retention"];
    assert_eq!(retention["time"].as_str(), Some("30d"));
    assert_eq!(retention["size"].as_str(), Some("50GB"));
}

#[test]
fn global_defaults_and_short_intervals() {
    let cases = [
        ("{}", ("15s", "10s", "15s")),
        ("{scrape_interval: 5s}", ("5s", "5s", "15s")),
        (
            "{scrape_interval: 1m, scrape_timeout: 20s, evaluation_interval: 30s}",
            ("1m", "20s", "30s"),
        ),
    ];
    for (settings, (interval, timeout, evaluation)) in cases {
        let (file, _) = render_file(&format!(
            "version: 1\nproject: t\ncomponents: {{prometheus: {settings}}}\n"
        ));
        let global = &file.expect("file rendered")["global"];
        assert_eq!(
            global["scrape_interval"].as_str(),
            Some(interval),
            "{settings}"
        );
        assert_eq!(
            global["scrape_timeout"].as_str(),
            Some(timeout),
            "{settings}"
        );
        assert_eq!(
            global["evaluation_interval"].as_str(),
            Some(evaluation),
            "{settings}"
        );
    }
}

#[test]
fn alertmanager_is_addressed_without_api_version() {
    let (file, _) =
        render_file("version: 1\nproject: t\ncomponents: {prometheus: {}, alertmanager: {}}\n");
    let file = file.expect("file rendered");
    let manager = &file["alerting"]["alertmanagers"][0];
    assert_eq!(
        manager["static_configs"][0]["targets"][0].as_str(),
        Some("alertmanager:9093")
    );
    assert!(manager.get("api_version").is_none());
    assert_eq!(file["rule_files"][0].as_str(), Some(RULE_FILES_GLOB));
}

#[test]
fn remote_write_password_goes_to_a_secret_file() {
    let yaml = "version: 1\nproject: t\ncomponents: {prometheus: {remote_write: [{url: 'https://m/api/v1/push', name: mimir, headers: {X-Scope-OrgID: shop}, basic_auth: {username: u, password: s3cret-pw}}]}}\n";
    let (file, draft) = render_file(yaml);
    let target = &file.expect("file rendered")["remote_write"][0];
    assert_eq!(target["name"].as_str(), Some("mimir"));
    assert_eq!(target["headers"]["X-Scope-OrgID"].as_str(), Some("shop"));
    assert_eq!(
        target["basic_auth"]["password_file"].as_str(),
        Some("/run/secrets/remote-write-0-password")
    );
    assert!(!draft
        .file(FILE)
        .expect("file rendered")
        .contents
        .contains("s3cret-pw"));
}

#[test]
fn extra_config_merges_last() {
    let yaml = "version: 1\nproject: t\ncomponents: {prometheus: {extra_config: {global: {scrape_interval: 30s, query_log_file: /prometheus/q.log}, tracing: {endpoint: 'jaeger:4317', insecure: true}}}}\n";
    let (file, draft) = render_file(yaml);
    let file = file.expect("file rendered");
    assert!(draft.problems.is_empty());
    assert_eq!(file["global"]["scrape_interval"].as_str(), Some("30s"));
    assert_eq!(file["global"]["scrape_timeout"].as_str(), Some("10s"));
    assert_eq!(
        file["global"]["query_log_file"].as_str(),
        Some("/prometheus/q.log")
    );
    assert_eq!(file["tracing"]["endpoint"].as_str(), Some("jaeger:4317"));
    assert_eq!(
        job(&file, "prometheus")["static_configs"][0]["targets"][0].as_str(),
        Some("localhost:9090")
    );
}

#[test]
fn broken_extra_config_is_reported_at_its_key() {
    let yaml = "version: 1\nproject: t\ncomponents: {prometheus: {extra_config: {scrape_configs: [{job_name: a}, {job_name: a}], globl: {}}}}\n";
    let (file, draft) = render_file(yaml);
    assert!(file.is_none());
    assert_eq!(draft.problems.len(), 2);
    assert!(draft
        .problems
        .iter()
        .all(|p| p.path == "components.prometheus.extra_config"));
}

#[test]
fn probe_and_docker_jobs_are_laid_out() {
    let rest = "  blackbox_exporter: {}\nscrape:\n  - {job: site, interval: 30s, probe: {module: http_2xx, targets: ['https://shop.example.com']}}\n  - {job: containers, docker: {label: prometheus.scrape}, labels: {team: ops}}\n";
    let (file, _) = render_file(&manifest("3.14.0", rest));
    let file = file.expect("file rendered");
    let site = job(&file, "site");
    assert_eq!(site["metrics_path"].as_str(), Some("/probe"));
    assert_eq!(site["params"]["module"][0].as_str(), Some("http_2xx"));
    assert_eq!(
        site["relabel_configs"][2]["replacement"].as_str(),
        Some("blackbox-exporter:9115")
    );
    let containers = job(&file, "containers");
    let sd = &containers["docker_sd_configs"][0];
    assert_eq!(sd["host"].as_str(), Some(DOCKER_SOCKET));
    assert_eq!(
        sd["filters"][0]["values"][0].as_str(),
        Some("prometheus.scrape=true")
    );
    assert!(containers.get("static_configs").is_none());
    let last = containers["relabel_configs"]
        .as_sequence()
        .and_then(|r| r.last())
        .expect("relabeling");
    assert_eq!(last["target_label"].as_str(), Some("team"));
}
