//! prometheus.yml through the real template: which keys appear for which manifest and release.

use serde_yaml::Value;

use super::*;
use crate::manifest::Manifest;
use crate::render::Templates;
use docker::DOCKER_SOCKET;

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
        .map(|f| serde_yaml::from_str(f.contents.expose()).expect("file parses"));
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
        .expose()
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

#[test]
fn remote_write_renders_every_key_with_secrets_in_files() {
    let yaml = r#"version: 1
project: t
components:
  prometheus:
    remote_write:
      - {preset: mimir, url: 'https://mimir.example.com', tenant: shop, bearer_token: tok-SECRET-1, headers: {X-Team: pay}, queue: {capacity: 10000, max_shards: 50, min_shards: 2, max_samples_per_send: 2000, batch_send_deadline: 5s, min_backoff: 30ms, max_backoff: 5s, retry_on_http_429: true}, write_relabel: [{source_labels: [__name__], regex: 'go_.*', action: drop}], metadata: {send: false, send_interval: 1m, max_samples_per_send: 500}}
      - {preset: thanos, url: 'http://receive:19291', tenant: ops, oauth2: {client_id: cid, client_secret: oauth-SECRET-2, token_url: 'https://auth/token', scopes: [write], endpoint_params: {audience: m}}}
      - {preset: grafana-cloud, url: 'https://prometheus-prod-01-eu-west-0.grafana.net', basic_auth: {username: '123456', password: gc-SECRET-3}}
      - {url: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write', sigv4: {region: eu-west-1, access_key: AKIAEXAMPLE, secret_key: aws-SECRET-4, role_arn: 'arn:aws:iam::1:role/w'}}
      - {url: 'https://aps.example/api/v1/remote_write', sigv4: {region: us-east-1}}
"#;
    let (file, draft) = render_file(yaml);
    let file = file.expect("file rendered");
    let targets = file["remote_write"]
        .as_sequence()
        .expect("remote_write list");
    assert_eq!(targets.len(), 5);
    let mimir = &targets[0];
    assert_eq!(
        mimir["url"].as_str(),
        Some("https://mimir.example.com/api/v1/push")
    );
    assert_eq!(mimir["headers"]["X-Scope-OrgID"].as_str(), Some("shop"));
    assert_eq!(mimir["headers"]["X-Team"].as_str(), Some("pay"));
    assert_eq!(mimir["authorization"]["type"].as_str(), Some("Bearer"));
    assert_eq!(
        mimir["authorization"]["credentials_file"].as_str(),
        Some("/run/secrets/remote-write-0-bearer-token")
    );
    let queue = &mimir["queue_config"];
    assert_eq!(queue["capacity"].as_u64(), Some(10000));
    assert_eq!(queue["max_shards"].as_u64(), Some(50));
    assert_eq!(queue["min_shards"].as_u64(), Some(2));
    assert_eq!(queue["max_samples_per_send"].as_u64(), Some(2000));
    assert_eq!(queue["batch_send_deadline"].as_str(), Some("5s"));
    assert_eq!(queue["min_backoff"].as_str(), Some("30ms"));
    assert_eq!(queue["max_backoff"].as_str(), Some("5s"));
    assert_eq!(queue["retry_on_http_429"].as_bool(), Some(true));
    assert_eq!(mimir["metadata_config"]["send"].as_bool(), Some(false));
    assert_eq!(
        mimir["metadata_config"]["send_interval"].as_str(),
        Some("1m")
    );
    assert_eq!(
        mimir["metadata_config"]["max_samples_per_send"].as_u64(),
        Some(500)
    );
    assert_eq!(
        mimir["write_relabel_configs"][0]["action"].as_str(),
        Some("drop")
    );
    assert_eq!(
        mimir["write_relabel_configs"][0]["regex"].as_str(),
        Some("go_.*")
    );

    let thanos = &targets[1];
    assert_eq!(
        thanos["url"].as_str(),
        Some("http://receive:19291/api/v1/receive")
    );
    assert_eq!(thanos["headers"]["THANOS-TENANT"].as_str(), Some("ops"));
    assert_eq!(thanos["oauth2"]["client_id"].as_str(), Some("cid"));
    assert_eq!(
        thanos["oauth2"]["client_secret_file"].as_str(),
        Some("/run/secrets/remote-write-1-client-secret")
    );
    assert_eq!(thanos["oauth2"]["scopes"][0].as_str(), Some("write"));
    assert_eq!(
        thanos["oauth2"]["endpoint_params"]["audience"].as_str(),
        Some("m")
    );

    let cloud = &targets[2];
    assert_eq!(
        cloud["url"].as_str(),
        Some("https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push")
    );
    assert_eq!(cloud["basic_auth"]["username"].as_str(), Some("123456"));
    assert_eq!(
        cloud["basic_auth"]["password_file"].as_str(),
        Some("/run/secrets/remote-write-2-password")
    );

    let aws = &targets[3]["sigv4"];
    assert_eq!(aws["region"].as_str(), Some("eu-west-1"));
    assert_eq!(aws["profile"].as_str(), Some("stackctl-remote-write-3"));
    assert_eq!(aws["role_arn"].as_str(), Some("arn:aws:iam::1:role/w"));
    assert!(aws.get("access_key").is_none() && aws.get("secret_key").is_none());
    assert_eq!(targets[4]["sigv4"]["region"].as_str(), Some("us-east-1"));
    assert!(targets[4]["sigv4"].get("profile").is_none());

    let text = draft.file(FILE).expect("file rendered").contents.expose();
    for secret in [
        "tok-SECRET-1",
        "oauth-SECRET-2",
        "gc-SECRET-3",
        "aws-SECRET-4",
    ] {
        assert!(!text.contains(secret), "{secret} inline in prometheus.yml");
    }
    let secret = |name: &str| {
        let file = draft
            .file(&format!("secrets/prometheus/{name}"))
            .unwrap_or_else(|| panic!("secret {name}"));
        assert_eq!(file.mode(), crate::render::FileMode::Secret);
        file.contents.expose().to_string()
    };
    assert_eq!(secret("remote-write-0-bearer-token"), "tok-SECRET-1");
    assert_eq!(secret("remote-write-1-client-secret"), "oauth-SECRET-2");
    assert_eq!(secret("remote-write-2-password"), "gc-SECRET-3");
    assert_eq!(
        secret("remote-write-aws-credentials"),
        "[stackctl-remote-write-3]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = aws-SECRET-4\n"
    );
    assert!(draft.secret_mounts["prometheus"]
        .iter()
        .any(|m| m.name == "remote-write-aws-credentials"));
}

#[test]
fn the_stacks_victoriametrics_is_written_to_first_unless_an_entry_targets_it() {
    let cases: &[(&str, &[&str])] = &[
        ("prometheus: {}", &[]),
        ("prometheus: {}, victoriametrics: {}", &["http://victoriametrics:8428/api/v1/write"]),
        (
            "prometheus: {remote_write: [{url: 'https://m/api/v1/push'}]}, victoriametrics: {}",
            &["http://victoriametrics:8428/api/v1/write", "https://m/api/v1/push"],
        ),
        (
            "prometheus: {remote_write: [{preset: victoriametrics, url: 'http://victoriametrics:8428', queue: {capacity: 5000}}]}, victoriametrics: {}",
            &["http://victoriametrics:8428/api/v1/write"],
        ),
    ];
    for (components, want) in cases {
        let yaml = format!("version: 1\nproject: t\ncomponents: {{{components}}}\n");
        let (file, draft) = render_file(&yaml);
        assert!(
            draft.problems.is_empty(),
            "{components}: {:?}",
            draft.problems
        );
        let file = file.expect("file rendered");
        let urls: Vec<&str> = file["remote_write"]
            .as_sequence()
            .map(|s| s.iter().filter_map(|t| t["url"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(urls, *want, "{components}");
    }
    let (file, _) =
        render_file("version: 1\nproject: t\ncomponents: {prometheus: {}, victoriametrics: {}}\n");
    let own = &file.expect("file rendered")["remote_write"][0];
    assert_eq!(own["name"].as_str(), Some("victoriametrics"));
    assert!(
        own.get("write_relabel_configs").is_none(),
        "no dedup, no relabel"
    );
}

#[test]
fn an_ha_pair_drops_the_replica_label_on_the_way_to_victoriametrics() {
    let yaml = "version: 1\nproject: t\nlabels: {replica: a}\ncomponents: {prometheus: {}, victoriametrics: {}}\n";
    let manifest: Manifest = serde_yaml::from_str(yaml).expect("test manifest parses");
    let templates = Templates::embedded();
    let dir = std::path::PathBuf::from(".");
    let mut stack = Stack::new(&manifest, &dir, &templates);
    stack.prometheus_replicas = 2;
    let mut draft = Draft::new(&[]);
    render(&stack, &mut draft).expect("render succeeds");
    let file: Value =
        serde_yaml::from_str(draft.file(FILE).expect("file").contents.expose()).expect("parses");
    assert_eq!(
        file["remote_write"][0]["write_relabel_configs"][0],
        serde_yaml::from_str::<Value>("{action: labeldrop, regex: replica}").unwrap()
    );
}
