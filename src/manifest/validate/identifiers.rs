//! Names that become Docker, DNS, file or config names: never empty, never longer than a
//! DNS label (63 characters), so that nothing is written before a limit elsewhere refuses it.
//!
//! The project names containers (`<project>-<service>-1`), the network and volumes; exporter
//! names name services (DNS aliases on the network); SLO names name rule files
//! (`slo-<name>.yml`) and rules; job names name dashboards and series labels.

use crate::manifest::{Diagnostic, Manifest};

/// A DNS label's limit, which also keeps every derived file name far below 255 bytes.
pub(crate) const MAX_NAME_LENGTH: usize = 63;

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let mut names: Vec<(String, &str, &str)> =
        vec![("project".into(), manifest.project.as_str(), "the project")];
    for (index, exporter) in manifest.exporters.iter().enumerate() {
        if let Some(name) = &exporter.name {
            names.push((format!("exporters[{index}].name"), name, "an exporter"));
        }
    }
    for (index, slo) in manifest.slos.iter().enumerate() {
        names.push((format!("slos[{index}].name"), &slo.name, "an SLO"));
    }
    for (index, job) in manifest.scrape.iter().enumerate() {
        names.push((format!("scrape[{index}].job"), &job.job, "a scrape job"));
    }
    for (path, name, what) in names {
        let length = name.chars().count();
        if length > MAX_NAME_LENGTH {
            problems.push(
                Diagnostic::new(&path, format!("the name of {what} is {length} characters long; at most {MAX_NAME_LENGTH} are allowed"))
                    .hint("it becomes a container, DNS or file name; use a shorter name"),
            );
        }
    }
    if let Some(notify) = &manifest.notify {
        if notify.receivers.keys().any(|name| name.trim().is_empty()) {
            problems.push(
                Diagnostic::new("notify.receivers", "a receiver has an empty name")
                    .hint("name each receiver, e.g. `oncall: {pagerduty: …}`; routes refer to it by that name"),
            );
        }
        if notify.quiet_hours.keys().any(|name| name.trim().is_empty()) {
            problems.push(
                Diagnostic::new("notify.quiet_hours", "a quiet-hours interval has an empty name")
                    .hint("name each interval, e.g. `nights: [{times: [\"22:00-07:00\"]}]`; routes refer to it by that name"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn refuses_empty_and_overlong_names() {
        let long = "a".repeat(64);
        let ok = "a".repeat(63);
        let cases: Vec<(String, Option<(&str, &str)>)> = vec![
            (format!("slos: [{{name: {ok}, objective: 99, errors: e, total: t}}]"), None),
            (format!("slos: [{{name: {long}, objective: 99, errors: e, total: t}}]"), Some(("slos[0].name", "the name of an SLO is 64 characters long; at most 63"))),
            (format!("exporters: [{{type: redis, name: {long}, target: 'redis:6379'}}]"), Some(("exporters[0].name", "the name of an exporter is 64 characters"))),
            (format!("scrape: [{{job: {long}, targets: ['a:1']}}]"), Some(("scrape[0].job", "the name of a scrape job is 64"))),
            ("components: {alertmanager: {}}\nnotify: {default: a, receivers: {a: {webhook: {url: 'http://b:1/'}}, '': {webhook: {url: 'http://b:1/'}}}}".to_string(), Some(("notify.receivers", "a receiver has an empty name"))),
            ("components: {alertmanager: {}}\nnotify: {default: a, receivers: {a: {webhook: {url: 'http://b:1/'}}}, quiet_hours: {'': [{times: ['22:00-07:00']}]}}".to_string(), Some(("notify.quiet_hours", "a quiet-hours interval has an empty name"))),
        ];
        for (extra, want) in &cases {
            check_case(extra, *want);
        }
        let found = super::super::test_support::problems("");
        assert!(found.is_empty());
    }
}
