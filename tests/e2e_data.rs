//! No data lost: Prometheus samples, Pushgateway metrics (persistence file) and Alertmanager
//! silences survive a config change with redeploy, a reload, a new image tag (recreate),
//! `down`, and a deploy again — they live in named volumes that only `down --volumes` removes.

mod common;
mod e2e_support;

use e2e_support::{get_json, stack};

struct RetaggedImage(String);

impl Drop for RetaggedImage {
    fn drop(&mut self) {
        e2e_support::docker(&["rmi", &self.0]);
    }
}

#[test]
fn samples_pushed_metrics_and_silences_survive_redeploys_recreates_and_down() {
    let Some(s) = stack("data") else { return };
    s.write_manifest(&s.manifest("", ""));
    s.ok(&["deploy", "--timeout", "60"]);
    let gateway = format!("http://127.0.0.1:{}", s.pushgateway_port);
    let am = format!("http://127.0.0.1:{}", s.alertmanager_port);

    let sample_time = s.stored_sample_time();
    common::http::post(
        &format!("{gateway}/metrics/job/e2e"),
        "e2e_pushed_total 42\n",
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let silence = serde_json::json!({
        "matchers": [{"name": "alertname", "value": "E2EData", "isRegex": false}],
        "startsAt": rfc3339(now), "endsAt": rfc3339(now + 3600),
        "createdBy": "e2e", "comment": "must survive"
    });
    common::http::post(&format!("{am}/api/v2/silences"), &silence.to_string());

    s.write_manifest(&s.manifest("", "labels: {cluster: data-1}\n"));
    s.ok(&["deploy"]);
    s.write_manifest(&s.manifest("", "labels: {cluster: data-2}\n"));
    s.ok(&["reload"]);
    let retagged = RetaggedImage("stackctl-test/prometheus:2.42.1".into());
    e2e_support::docker(&["tag", e2e_support::PROMETHEUS, &retagged.0]);
    let retagged_manifest = s
        .manifest("", "labels: {cluster: data-2}\n")
        .replace(e2e_support::PROMETHEUS, &retagged.0);
    s.write_manifest(&retagged_manifest);
    assert!(s.ok(&["deploy", "--timeout", "60"]).contains("recreated"));
    assert_eq!(s.inspect("prometheus", "{{.Config.Image}}"), retagged.0);
    s.ok(&["down"]);
    s.ok(&["deploy", "--timeout", "60"]);

    s.wait_for_sample_at(sample_time, "the first sample to be queryable again");
    let metrics = common::http::get_text(&format!("{gateway}/metrics"));
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("e2e_pushed_total") && l.ends_with(" 42")),
        "pushed metric kept"
    );
    let silences = get_json(&format!("{am}/api/v2/silences"));
    let kept = silences.as_array().is_some_and(|all| {
        all.iter()
            .any(|x| x["comment"] == "must survive" && x["status"]["state"] == "active")
    });
    assert!(kept, "silence kept: {silences}");
}

/// `2026-11-21T05:00:00Z` from Unix seconds.
fn rfc3339(secs: u64) -> String {
    jiff::Timestamp::from_second(secs as i64)
        .expect("a time after 1970")
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
