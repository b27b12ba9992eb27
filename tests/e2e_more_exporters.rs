//! The presets no Debian-packaged exporter can prove, judged against what Debian does package:
//!
//! - RabbitMQ: no exporter is packaged, but Debian's rabbitmq-server (3.10) serves Prometheus
//!   metrics itself (the `rabbitmq_prometheus` plugin, :15692), which is what `type: rabbitmq`
//!   scrapes. A real broker runs beside a stack declaring `exporters: [{type: rabbitmq}]`; every
//!   metric the rabbitmq preset reads is exposed, every rule is `health: ok`, the catalog holds
//!   exactly what the broker exposes, and stopping the broker makes `RabbitmqDown` pending.
//! - MongoDB: Debian packages the 2018 mongodb_exporter, not percona's which stackctl deploys, and
//!   no MongoDB server. The 2018 exporter, pointed at no server, shows `mongodb_up` (0): the one
//!   name both programs share. Every other metric the mongodb preset reads must be listed as
//!   conditional in the catalog with the reason; the test fails on any that is neither.
//!
//! Images: tests/images/build.sh. `STACKCTL_RECORD_CATALOG=1` rewrites the rabbitmq entry of
//! the metric catalog (src/metrics/catalog.yml) from the running broker.

mod common;
mod e2e_support;
mod exporters_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use e2e_support::{docker, eventually, Stack};
use exporters_support::{exposed_names, preset_metrics, query_values, Apps};
use stackctl::metrics::catalog::{Catalog, CATALOG_PATH};

const RABBITMQ: &str = "stackctl-test/rabbitmq:3.10.8";
const MONGODB_2018: &str = "stackctl-test/mongodb-exporter:1.0.0";

/// The broker and the 2018 mongodb exporter on a network the stack joins; removed (after the
/// stack) when dropped.
fn start_apps(project: &str) -> Apps {
    let mut apps = Apps::network(project);
    apps.run("rabbitmq", RABBITMQ, &[]);
    // Connection refused at once: the exporter answers without a server, as it would
    // during an outage.
    apps.run(
        "mongodb-2018",
        MONGODB_2018,
        &["-mongodb.uri", "mongodb://127.0.0.1:1"],
    );
    apps
}

fn manifest(s: &Stack, network: &str, exporters: &str) -> String {
    format!(
        "version: 1
project: {project}
networks: [{network}]
components:
  prometheus: {{image: {prometheus}, version: 2.42.0, port: {pp}, scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}}
exporters:
{exporters}
scrape:
  # The 2018 exporter answers only after its 10 s dial timeout when no server is there.
  - {{job: mongodb-2018, targets: ['mongodb-2018:9216'], interval: 15s, timeout: 14s}}
",
        project = s.project,
        prometheus = e2e_support::PROMETHEUS,
        pp = s.prometheus_port,
    )
}

#[test]
fn rabbitmq_builtin_endpoint_and_mongodb_exporter_prove_their_presets() {
    let Some(s) = e2e_support::stack("h-more-exporters") else {
        return;
    };
    for image in [RABBITMQ, MONGODB_2018] {
        if docker(&["images", "-q", image]).trim().is_empty() {
            let _: Option<()> = common::skip(&format!(
                "the local test image `{image}` (run tests/images/build.sh)"
            ));
            return;
        }
    }
    let apps = start_apps(&s.project);
    s.write_manifest(&manifest(
        &s,
        &apps.network,
        "  - {type: rabbitmq, target: 'rabbitmq:15692'}",
    ));
    s.ok(&["deploy", "--timeout", "120"]);
    let containers = s.containers().join(" ");
    assert!(
        !containers.contains("rabbitmq"),
        "RabbitMQ serves its own metrics: stackctl runs no exporter ({containers})"
    );

    eventually(90, "the broker's endpoint is scraped", || {
        query_values(&s, "up{job=\"rabbitmq\"}") == ["1"]
            && !query_values(&s, "rabbitmq_queue_messages_ready{job=\"rabbitmq\"}").is_empty()
    });
    eventually(60, "the 2018 mongodb exporter is scraped", || {
        query_values(&s, "mongodb_up{job=\"mongodb-2018\"}") == ["0"]
    });
    let exposed = exposed_names(&s);

    check_preset_reads_exposed_metrics(&s.out("prometheus/rules/preset-rabbitmq.yml"), &exposed);
    check_rules_are_healthy(&s);
    check_rabbitmq_catalog(&s);
    check_mongodb_preset(&s, &apps.network, &exposed);

    docker(&["stop", "-t", "1", &apps.container("rabbitmq")]);
    eventually(30, "RabbitmqDown pending after the broker stopped", || {
        !query_values(
            &s,
            "ALERTS{alertname=\"RabbitmqDown\",job=\"rabbitmq\",alertstate=\"pending\"}",
        )
        .is_empty()
    });
}

fn check_preset_reads_exposed_metrics(path: &Path, exposed: &BTreeSet<String>) {
    let metrics = preset_metrics(path);
    assert!(!metrics.is_empty(), "{} has rules", path.display());
    let missing: Vec<String> = metrics
        .iter()
        .filter(|(_, metric)| !exposed.contains(metric))
        .map(|(rule, metric)| format!("{rule}: {metric}"))
        .collect();
    assert!(
        missing.is_empty(),
        "the rabbitmq preset reads metrics the broker does not expose:\n  {}",
        missing.join("\n  ")
    );
}

fn check_rules_are_healthy(s: &Stack) {
    let mut unhealthy = Vec::new();
    eventually(30, "every rule evaluated once", || {
        let answer = s.prometheus("/api/v1/rules");
        let Some(groups) = answer["data"]["groups"].as_array() else {
            return false;
        };
        unhealthy.clear();
        let mut count = 0;
        for group in groups.iter().filter(|g| g["name"] == "rabbitmq") {
            for rule in group["rules"].as_array().into_iter().flatten() {
                count += 1;
                if rule["health"] != "ok" {
                    unhealthy.push(format!(
                        "{}: {} {}",
                        rule["name"], rule["health"], rule["lastError"]
                    ));
                }
            }
        }
        count > 0 && unhealthy.iter().all(|u| u.contains("\"unknown\""))
    });
    assert!(
        unhealthy.is_empty(),
        "rules not healthy:\n  {}",
        unhealthy.join("\n  ")
    );
}

/// The catalog's rabbitmq entry holds exactly what the broker exposes (or is re-recorded).
/// The broker's `telemetry_scrape_*` series describe the previous scrape, so they appear from
/// the second scrape on: the comparison is retried for a few seconds.
fn check_rabbitmq_catalog(s: &Stack) {
    let record = std::env::var("STACKCTL_RECORD_CATALOG").is_ok_and(|v| v == "1");
    let mut differences = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let metrics = live_rabbitmq_metrics(s);
        if record {
            let live = BTreeMap::from([("rabbitmq".to_string(), metrics)]);
            let text = Catalog::embedded().with_recorded(&live).to_yaml();
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CATALOG_PATH);
            std::fs::write(&path, text).unwrap();
            eprintln!("recorded {}", path.display());
            return;
        }
        differences = Catalog::embedded().differences("rabbitmq", &metrics);
        if differences.0.is_empty() && differences.1.is_empty() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    let (added, gone) = differences;
    panic!(
        "the catalog of `rabbitmq` differs from the live broker (STACKCTL_RECORD_CATALOG=1 re-records it)\n  new: {added:?}\n  gone: {gone:?}"
    );
}

/// Name → label names of every series of the `rabbitmq` job.
fn live_rabbitmq_metrics(s: &Stack) -> BTreeMap<String, BTreeSet<String>> {
    let answer = s.prometheus("/api/v1/series?match[]={job=%22rabbitmq%22}");
    let mut metrics: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for labels in answer["data"].as_array().expect("series") {
        let labels = labels.as_object().unwrap();
        let name = labels["__name__"].as_str().unwrap().to_string();
        metrics.entry(name).or_default().extend(
            labels
                .keys()
                .filter(|k| !["__name__", "job", "instance"].contains(&k.as_str()))
                .cloned(),
        );
    }
    metrics
}

/// Every metric the mongodb preset reads is exposed by the 2018 exporter without a server
/// (`mongodb_up`) or is conditional in the catalog with its reason; the 2018 exporter's own
/// connection metric is not the name percona's exporter uses.
fn check_mongodb_preset(s: &Stack, network: &str, exposed: &BTreeSet<String>) {
    let dir = s.path().join("with-mongodb");
    common::write(
        &dir,
        "stackctl.yaml",
        &manifest(s, network, "  - {type: mongodb, target: 'mongodb:27017'}"),
    );
    let output = common::stackctl_in(&dir).args(["render"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let catalog = Catalog::embedded();
    let mut judged = Vec::new();
    let mut unjudged = Vec::new();
    for (rule, metric) in preset_metrics(&dir.join("rendered/prometheus/rules/preset-mongodb.yml"))
    {
        if exposed.contains(&metric) {
            judged.push(format!("{rule}: {metric}"));
        } else {
            match catalog.condition(&metric) {
                Some(reason) => unjudged.push(format!("{rule}: {metric} ({reason})")),
                None => panic!(
                    "{rule} reads `{metric}`, which neither the 2018 exporter exposes nor the catalog lists as conditional"
                ),
            }
        }
    }
    eprintln!(
        "mongodb preset: proven live: {judged:?}\n  not judged (no MongoDB server packaged):\n  {}",
        unjudged.join("\n  ")
    );
    assert!(
        judged.iter().any(|j| j.ends_with("mongodb_up")),
        "{judged:?}"
    );
    assert!(
        !exposed.contains("mongodb_ss_connections"),
        "the 2018 exporter is not percona's"
    );
}
