//! Hostile manifest values (quotes, colons, `#`, newlines, `{{ }}`, `$`, unicode) reach
//! prometheus.yml and blackbox.yml unchanged: each file is parsed back and compared.
//!
//! Two deliberate, documented transformations are checked too: `$` is doubled where
//! Prometheus would expand it (relabel replacements always, external labels on 3.x).

use crate::prometheus_support;

use prometheus_support as support;
use serde_yaml::Value;

fn configs() -> Vec<(&'static str, stackctl::manifest::Manifest, Value)> {
    let source = support::fixture("hostile.yaml");
    [
        ("2.42", support::loaded(&source)),
        ("3.14", support::loaded_default_release(&source)),
    ]
    .into_iter()
    .map(|(release, loaded)| {
        let stack = support::render(&loaded);
        (
            release,
            loaded.manifest,
            support::yaml(&stack, "prometheus/prometheus.yml"),
        )
    })
    .collect()
}

#[test]
fn external_labels_round_trip_with_dollars_escaped_only_on_3x() {
    for (release, manifest, config) in configs() {
        for (name, value) in &manifest.labels {
            let want = if release == "3.14" {
                value.replace('$', "$$")
            } else {
                value.clone()
            };
            assert_eq!(
                config["global"]["external_labels"][name.as_str()].as_str(),
                Some(want.as_str()),
                "{release} {name}"
            );
        }
    }
}

#[test]
fn static_job_values_round_trip() {
    for (release, manifest, config) in configs() {
        let source = &manifest.scrape[0];
        let job = support::job(&config, &source.job);
        let targets: Vec<&str> = job["static_configs"][0]["targets"]
            .as_sequence()
            .expect("targets")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(targets, source.targets, "{release}");
        assert_eq!(
            job["metrics_path"].as_str(),
            source.metrics_path.as_deref(),
            "{release}"
        );
        for (name, value) in &source.labels {
            assert_eq!(
                job["static_configs"][0]["labels"][name.as_str()].as_str(),
                Some(value.as_str()),
                "{release}"
            );
        }
        let auth = source.basic_auth.as_ref().expect("fixture has basic_auth");
        assert_eq!(
            job["basic_auth"]["username"].as_str(),
            Some(auth.username.as_str()),
            "{release}"
        );
        for (name, values) in &source.params {
            let got: Vec<&str> = job["params"][name.as_str()]
                .as_sequence()
                .expect("params")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert_eq!(&got, values, "{release}");
        }
    }
}

#[test]
fn targets_validation_would_refuse_still_round_trip() {
    // Validation refuses these targets; the renderer must not depend on that for safety.
    let targets = [
        "we'ird\"#{{x}}:9100",
        "ünï.example:80",
        "a\nb: c:1",
        "{% raw %}:2",
    ];
    let source = format!(
        "version: 1\nproject: t\ncomponents: {{prometheus: {{version: 2.42.0}}}}\nscrape: [{{job: odd, targets: {}}}]\n",
        serde_json::to_string(&targets).expect("targets encode")
    );
    let stack = support::render(&support::unvalidated(&source));
    let config = support::yaml(&stack, "prometheus/prometheus.yml");
    let got: Vec<&str> = support::job(&config, "odd")["static_configs"][0]["targets"]
        .as_sequence()
        .expect("targets")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(got, targets);
}

#[test]
fn relabel_replacements_keep_dollars_literal() {
    for (release, manifest, config) in configs() {
        for source in &manifest.scrape[1..] {
            let job = support::job(&config, &source.job);
            let rules = job["relabel_configs"].as_sequence().expect("relabeling");
            let team = rules
                .iter()
                .find(|r| r["target_label"].as_str() == Some("team"));
            match (source.probe.is_some(), team) {
                // Probe jobs carry labels in static_configs, unexpanded.
                (true, _) => assert_eq!(
                    job["static_configs"][0]["labels"]["team"].as_str(),
                    Some(source.labels["team"].as_str()),
                    "{release}"
                ),
                (false, Some(rule)) => assert_eq!(
                    rule["replacement"].as_str(),
                    Some(source.labels["team"].replace('$', "$$").as_str()),
                    "{release}"
                ),
                (false, None) => panic!("{release}: docker job sets `team`"),
            }
        }
    }
}

#[test]
fn remote_write_values_round_trip() {
    for (release, manifest, config) in configs() {
        let prometheus = manifest
            .components
            .prometheus
            .as_ref()
            .expect("fixture runs prometheus");
        let source = &prometheus.remote_write[0];
        let target = &config["remote_write"][0];
        assert_eq!(
            target["url"].as_str(),
            Some(source.url.as_str()),
            "{release}"
        );
        assert_eq!(target["name"].as_str(), source.name.as_deref(), "{release}");
        for (name, value) in &source.headers {
            assert_eq!(
                target["headers"][name.as_str()].as_str(),
                Some(value.as_str()),
                "{release}"
            );
        }
        let auth = source.basic_auth.as_ref().expect("fixture has basic_auth");
        assert_eq!(
            target["basic_auth"]["username"].as_str(),
            Some(auth.username.as_str()),
            "{release}"
        );
    }
}

#[test]
fn probe_module_names_round_trip_into_both_files() {
    let loaded = support::loaded(&support::fixture("hostile.yaml"));
    let stack = support::render(&loaded);
    let probe = loaded.manifest.scrape[1]
        .probe
        .as_ref()
        .expect("fixture probes");
    let config = support::yaml(&stack, "prometheus/prometheus.yml");
    let job = support::job(&config, &loaded.manifest.scrape[1].job);
    assert_eq!(
        job["params"]["module"][0].as_str(),
        Some(probe.module.as_str())
    );
    assert_eq!(
        job["static_configs"][0]["targets"][0].as_str(),
        Some(probe.targets[0].as_str())
    );
    let blackbox = support::yaml(&stack, "blackbox/blackbox.yml");
    let module = &blackbox["modules"][probe.module.as_str()];
    assert_eq!(
        module["http"]["headers"]["X-Odd"].as_str(),
        Some("a: b # {{c}}\n")
    );
}

#[test]
fn hostile_passwords_are_written_verbatim_to_secret_files() {
    let stack = support::render(&support::loaded(&support::fixture("hostile.yaml")));
    assert_eq!(
        support::file(&stack, "secrets/prometheus/scrape-0-password"),
        "p\"w\n#"
    );
    assert_eq!(
        support::file(&stack, "secrets/prometheus/remote-write-0-password"),
        "p@ss: w#rd {{x}}"
    );
}
