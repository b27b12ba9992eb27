//! VictoriaMetrics as the stack's long-term store, on a real daemon with Debian's
//! `victoria-metrics` (tests/images/build.sh): Prometheus' samples are queryable in it; two
//! Prometheus replicas (two stacks, external label `replica: a|b`) writing into it give one
//! series per target once `-dedup.minScrapeInterval` is on; and the remote-write queue
//! outlasts VictoriaMetrics being stopped for 30 s — every sample Prometheus took in that
//! window reaches VictoriaMetrics after it returns.

mod common;
mod e2e_support;

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use e2e_support::{docker, eventually, free_port, get_json, remove_project, stack};

const VICTORIA_METRICS: &str = "stackctl-test/victoria-metrics:1.79.5";
const OUTAGE: Duration = Duration::from_secs(30);

/// A second stack's project, removed when the test ends however it ends.
struct Project(String);

impl Drop for Project {
    fn drop(&mut self) {
        remove_project(&self.0);
    }
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64()
}

/// `/api/v1/query` of `base` for `query` (at `time`, if given): the result vector.
fn query(base: &str, query: &str, time: Option<f64>) -> Vec<serde_json::Value> {
    let mut url = format!("{base}/api/v1/query?query={}", encode(query));
    if let Some(time) = time {
        url.push_str(&format!("&time={time:.3}"));
    }
    get_json(&url)["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn value(sample: &serde_json::Value) -> f64 {
    sample["value"][1]
        .as_str()
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

fn prometheus(port: u16, rest: &str) -> String {
    format!(
        "prometheus: {{image: {}, version: 2.42.0, port: {port}, scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s{rest}}}",
        e2e_support::PROMETHEUS
    )
}

fn stackctl(dir: &Path, args: &[&str]) {
    let output = e2e_support::run_in(dir, args);
    assert!(
        output.status.success(),
        "`stackctl {}` failed",
        args.join(" ")
    );
}

#[test]
fn stores_samples_dedups_replicas_and_outlasts_an_outage() {
    let Some(a) = stack("vm") else { return };
    if docker(&["image", "inspect", "-f", "{{.Id}}", VICTORIA_METRICS])
        .trim()
        .is_empty()
    {
        common::skip::<()>(&format!(
            "the local test image `{VICTORIA_METRICS}` (run tests/images/build.sh)"
        ));
        return;
    }
    let vm_port = free_port();
    let vm = format!("http://127.0.0.1:{vm_port}");
    let prom_a = format!("http://127.0.0.1:{}", a.prometheus_port);
    // `-search.latencyOffset=1s`: VictoriaMetrics hides the last 30 s from queries by default.
    a.write_manifest(&format!(
        "version: 1\nproject: {project}\nlabels: {{replica: a}}\ncomponents:\n  {prom}\n  node_exporter: {{image: {node}, version: 1.5.0}}\n  victoriametrics: {{image: {VICTORIA_METRICS}, version: 1.79.5, port: {vm_port}, retention: 1mo, dedup_interval: 1s, args: ['-search.latencyOffset=1s']}}\n",
        project = a.project,
        prom = prometheus(a.prometheus_port, ""),
        node = e2e_support::NODE_EXPORTER,
    ));
    a.ok(&["deploy", "--timeout", "60"]);
    let status: serde_json::Value =
        serde_json::from_str(&a.ok(&["status", "--json"])).expect("status --json is JSON");
    assert_eq!(status["healthy"], true, "{status}");

    // 1. Samples scraped by Prometheus are queryable in VictoriaMetrics.
    eventually(30, "node_exporter's samples in VictoriaMetrics", || {
        !query(&vm, "node_load1", None).is_empty()
            && !query(&vm, "up{job=\"victoriametrics\"} == 1", None).is_empty()
    });

    // 2. A second replica (another stack on A's network) writes the same targets with
    //    `replica: b`; both drop `replica` on the way, and VictoriaMetrics deduplicates.
    let b_dir = common::tempdir();
    let b = Project(format!("{}-b", a.project));
    remove_project(&b.0);
    let b_port = free_port();
    let network = format!("{}_default", a.project);
    common::write(
        b_dir.path(),
        "stackctl.yaml",
        &format!(
            "version: 1\nproject: {project}\nlabels: {{replica: b}}\nnetworks: [{network}]\ncomponents:\n  {prom}\n  node_exporter: {{image: {node}, version: 1.5.0, port: null}}\n",
            project = b.0,
            prom = prometheus(
                b_port,
                ", remote_write: [{preset: victoriametrics, url: 'http://victoriametrics:8428', name: replica-b, queue: {batch_send_deadline: 1s}, write_relabel: [{action: labeldrop, regex: replica}]}]"
            ),
            node = e2e_support::NODE_EXPORTER,
        ),
    );
    stackctl(b_dir.path(), &["deploy", "--timeout", "60"]);
    let prom_b = format!("http://127.0.0.1:{b_port}");
    eventually(30, "replica b writing to VictoriaMetrics", || {
        query(
            &prom_b,
            "sum(prometheus_remote_storage_samples_total) > 100",
            None,
        )
        .len()
            == 1
    });
    std::thread::sleep(Duration::from_secs(5));
    let per_target = query(&vm, "count by (job, instance) (up)", None);
    assert!(per_target.len() >= 3, "{per_target:?}");
    for series in &per_target {
        assert_eq!(value(series), 1.0, "one series per target: {series}");
    }
    assert!(
        query(&vm, "up{replica!=\"\"}", None).is_empty(),
        "no `replica` label reaches VictoriaMetrics"
    );
    // Both replicas scrape every second; after dedup one sample per second remains.
    let samples = query(&vm, "count_over_time(up{job=\"node\"}[10s])", None);
    let per_10s = samples.first().map(value).unwrap_or(f64::NAN);
    assert!(
        (7.0..=11.0).contains(&per_10s),
        "one sample per 1s interval after dedup, found {per_10s} in 10s"
    );
    stackctl(b_dir.path(), &["down", "--volumes"]);

    // 3. VictoriaMetrics stopped for 30 s: Prometheus queues, and resends once it is back.
    let container = a.container("victoriametrics");
    let stopped_at = now();
    docker(&["stop", "-t", "5", &container]);
    std::thread::sleep(OUTAGE);
    let restarted_at = now();
    docker(&["start", &container]);
    let window = format!("{}s", (restarted_at - stopped_at).floor() as u64);
    let count = |base: &str| {
        query(
            base,
            &format!("count_over_time(up{{job=\"prometheus\"}}[{window}])"),
            Some(restarted_at),
        )
        .first()
        .map(value)
        .unwrap_or(0.0)
    };
    let expected = count(&prom_a);
    assert!(
        expected >= 25.0,
        "Prometheus scraped during the outage: {expected}"
    );
    let mut stored = 0.0;
    eventually(60, "the outage window's samples in VictoriaMetrics", || {
        stored = count(&vm);
        stored >= expected - 1.0
    });
    eprintln!("outage window {window}: Prometheus {expected} samples, VictoriaMetrics {stored}");
    let down = get_json(&format!(
        "{prom_a}/api/v1/query?query={}",
        encode("prometheus_remote_storage_samples_failed_total")
    ));
    eprintln!("failed samples after the outage: {down}");
}
