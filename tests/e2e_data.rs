//! No data lost: Prometheus samples, Pushgateway metrics (persistence file) and Alertmanager
//! silences survive a config change with redeploy, a reload, a new image tag (recreate),
//! `down`, and a deploy again — they live in named volumes that only `down --volumes` removes.

mod common;
mod e2e_support;

use e2e_support::{eventually, get_json, stack};

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
    let prom = format!("http://127.0.0.1:{}", s.prometheus_port);
    let gateway = format!("http://127.0.0.1:{}", s.pushgateway_port);
    let am = format!("http://127.0.0.1:{}", s.alertmanager_port);

    let mut sample_time = 0.0;
    eventually(30, "a stored sample", || {
        let result = get_json(&format!(
            "{prom}/api/v1/query?query=up%7Bjob%3D%22prometheus%22%7D"
        ));
        match result["data"]["result"][0]["value"][0].as_f64() {
            Some(t) => {
                sample_time = t;
                true
            }
            None => false,
        }
    });
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

    let at = format!("{prom}/api/v1/query?query=up%7Bjob%3D%22prometheus%22%7D&time={sample_time}");
    eventually(30, "the first sample to be queryable again", || {
        get_json(&at)["data"]["result"][0]["value"][1] == "1"
    });
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
    let days = secs / 86_400;
    let (h, m, s) = (secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02}T{h:02}:{m:02}:{s:02}Z")
}
