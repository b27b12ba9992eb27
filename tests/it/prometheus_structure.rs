//! prometheus.yml for the default release (3.14, which promtool 2.42 cannot judge) by its
//! structure, and the version gates seen from outside: 3.x-only keys never reach 2.42.

use crate::prometheus_support;

use prometheus_support as support;

/// Keys no release gets from stackctl (config-formats.md §1.7, §8).
const NEVER: &[&str] = &[
    "api_version",
    "bearer_token",
    "bearer_token_file",
    "scrape_classic_histograms",
];
/// Keys 2.42 does not know.
const THREE_ONLY: &[&str] = &[
    "fallback_scrape_protocol",
    "metric_name_validation_scheme",
    "retention",
    "storage",
];

#[test]
fn default_release_uses_config_retention_and_fallback_protocol() {
    let stack = support::render(&support::loaded_default_release(&support::fixture(
        "full.yaml",
    )));
    let config = support::yaml(&stack, "prometheus/prometheus.yml");
    let retention = &config["storage"]["tsdb"]["retention"];
    assert_eq!(retention["time"].as_str(), Some("30d"));
    assert_eq!(retention["size"].as_str(), Some("50GB"));
    for name in ["api", "spring", "containers"] {
        assert_eq!(
            support::job(&config, name)["fallback_scrape_protocol"].as_str(),
            Some("PrometheusText0.0.4"),
            "{name}"
        );
    }
    for name in ["prometheus", "node", "site"] {
        assert!(
            support::job(&config, name)
                .get("fallback_scrape_protocol")
                .is_none(),
            "{name}"
        );
    }
    let keys = support::all_keys(&config);
    for key in NEVER {
        assert!(!keys.iter().any(|k| k == key), "`{key}` emitted");
    }
}

#[test]
fn release_2_42_gets_no_3x_only_keys() {
    for fixture in ["minimal.yaml", "full.yaml", "hostile.yaml"] {
        let stack = support::render(&support::loaded(&support::fixture(fixture)));
        let keys = support::all_keys(&support::yaml(&stack, "prometheus/prometheus.yml"));
        for key in NEVER.iter().chain(THREE_ONLY) {
            assert!(
                !keys.iter().any(|k| k == key),
                "{fixture}: `{key}` emitted for 2.42"
            );
        }
    }
}

#[test]
fn every_stack_component_with_metrics_is_scraped_once() {
    let stack = support::render(&support::loaded_default_release(&support::fixture(
        "full.yaml",
    )));
    let config = support::yaml(&stack, "prometheus/prometheus.yml");
    let jobs: Vec<&str> = config["scrape_configs"]
        .as_sequence()
        .expect("scrape_configs is a list")
        .iter()
        .map(|j| j["job_name"].as_str().expect("job names are strings"))
        .collect();
    let want = [
        "prometheus",
        "alertmanager",
        "grafana",
        "loki",
        "alloy",
        "jaeger",
        "node",
        "cadvisor",
        "blackbox",
        "pushgateway",
        "cache",
        "postgres",
        "api",
        "spring",
        "site",
        "containers",
    ];
    assert_eq!(jobs, want);
    assert_eq!(
        support::job(&config, "prometheus")["static_configs"][0]["targets"][0].as_str(),
        Some("localhost:9090")
    );
    assert_eq!(
        support::job(&config, "pushgateway")["honor_labels"].as_bool(),
        Some(true)
    );
    assert_eq!(
        support::job(&config, "cache")["static_configs"][0]["targets"][0].as_str(),
        Some("cache-exporter:9121")
    );
    assert_eq!(
        config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"][0].as_str(),
        Some("alertmanager:9093")
    );
    assert_eq!(
        config["rule_files"][0].as_str(),
        Some("/etc/prometheus/rules/*.yml")
    );
}

#[test]
fn credentials_reach_prometheus_only_as_secret_files() {
    let stack = support::render(&support::loaded(&support::fixture("full.yaml")));
    let text = support::file(&stack, "prometheus/prometheus.yml");
    for secret in [
        "remote-write-password",
        "api-metrics-password",
        "spring-bearer-token",
    ] {
        assert!(
            !text.contains(secret),
            "`{secret}` leaked into prometheus.yml"
        );
    }
    let config = support::yaml(&stack, "prometheus/prometheus.yml");
    let api = support::job(&config, "api");
    assert_eq!(api["basic_auth"]["username"].as_str(), Some("metrics"));
    assert_eq!(
        api["basic_auth"]["password_file"].as_str(),
        Some("/run/secrets/scrape-0-password")
    );
    let spring = support::job(&config, "spring");
    assert_eq!(spring["authorization"]["type"].as_str(), Some("Bearer"));
    assert_eq!(
        spring["authorization"]["credentials_file"].as_str(),
        Some("/run/secrets/scrape-1-token")
    );
    assert_eq!(
        support::file(&stack, "secrets/prometheus/scrape-1-token"),
        "spring-bearer-token"
    );
    assert_eq!(
        support::file(&stack, "secrets/prometheus/remote-write-0-password"),
        "remote-write-password"
    );
}

#[test]
fn probe_jobs_go_through_blackbox_and_docker_jobs_discover_labelled_containers() {
    let stack = support::render(&support::loaded_default_release(&support::fixture(
        "full.yaml",
    )));
    let config = support::yaml(&stack, "prometheus/prometheus.yml");
    let site = support::job(&config, "site");
    assert_eq!(site["metrics_path"].as_str(), Some("/probe"));
    assert_eq!(site["params"]["module"][0].as_str(), Some("http_2xx"));
    let relabel = site["relabel_configs"]
        .as_sequence()
        .expect("probe relabeling");
    let targets: Vec<&str> = relabel
        .iter()
        .filter_map(|r| r["target_label"].as_str())
        .collect();
    assert_eq!(targets, ["__param_target", "instance", "__address__"]);
    assert_eq!(
        relabel[2]["replacement"].as_str(),
        Some("blackbox-exporter:9115")
    );

    let containers = support::job(&config, "containers");
    let sd = &containers["docker_sd_configs"][0];
    assert_eq!(sd["host"].as_str(), Some("unix:///var/run/docker.sock"));
    assert_eq!(sd["port"].as_u64(), Some(8080));
    let relabel = containers["relabel_configs"]
        .as_sequence()
        .expect("docker relabeling");
    assert_eq!(relabel[0]["action"].as_str(), Some("keep"));
    assert_eq!(
        relabel[0]["source_labels"][0].as_str(),
        Some("__meta_docker_container_label_prometheus_scrape")
    );
    assert_eq!(
        relabel[1]["regex"].as_str(),
        Some("shop_default|shop-network")
    );
    let set: Vec<&str> = relabel
        .iter()
        .filter_map(|r| r["target_label"].as_str())
        .collect();
    for label in [
        "__address__",
        "__metrics_path__",
        "__scheme__",
        "container",
        "instance",
        "service",
        "source",
    ] {
        assert!(set.contains(&label), "`{label}` is set by the docker job");
    }
}

#[test]
fn extra_config_is_merged_last() {
    let stack = support::render(&support::loaded_default_release(&support::fixture(
        "full.yaml",
    )));
    let config = support::yaml(&stack, "prometheus/prometheus.yml");
    assert_eq!(
        config["global"]["query_log_file"].as_str(),
        Some("/prometheus/query.log")
    );
    assert_eq!(config["global"]["scrape_interval"].as_str(), Some("20s"));
    assert_eq!(
        config["alerting"]["alert_relabel_configs"][0]["action"].as_str(),
        Some("labeldrop")
    );
    assert!(
        config["alerting"]["alertmanagers"].is_sequence(),
        "generated alertmanagers kept"
    );
}
