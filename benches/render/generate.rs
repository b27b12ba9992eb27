//! The benchmark's manifest generator: `scale` × (1,000 scrape jobs, 10,000 targets,
//! 2,000 alert rules), as manifest text.

/// Scrape jobs, targets per job, rule groups and rules per group at scale 1.
pub const JOBS: usize = 1_000;
pub const TARGETS_PER_JOB: usize = 10;
pub const GROUPS: usize = 20;
pub const RULES_PER_GROUP: usize = 100;

pub struct Size {
    pub jobs: usize,
    pub targets: usize,
    pub rules: usize,
}

pub fn size(scale: usize) -> Size {
    Size {
        jobs: JOBS * scale,
        targets: JOBS * scale * TARGETS_PER_JOB,
        rules: GROUPS * scale * RULES_PER_GROUP,
    }
}

pub fn manifest(scale: usize) -> String {
    let mut text = String::from(
        "version: 1\nproject: bench\nlabels: {cluster: bench}\ncomponents:\n  prometheus: {}\n  alertmanager: {}\n  node_exporter: {}\nscrape:\n",
    );
    for job in 0..JOBS * scale {
        text.push_str(&format!("  - job: service-{job}\n    targets: ["));
        let targets: Vec<String> = (0..TARGETS_PER_JOB)
            .map(|t| format!("host-{job}-{t}.internal:{}", 9100 + t))
            .collect();
        text.push_str(&targets.join(", "));
        text.push_str(&format!(
            "]\n    labels: {{team: team-{}, tier: backend}}\n",
            job % 17
        ));
    }
    text.push_str("alerts:\n  presets: auto\n  groups:\n");
    for group in 0..GROUPS * scale {
        text.push_str(&format!("    - name: group-{group}\n      rules:\n"));
        for rule in 0..RULES_PER_GROUP {
            let job = (group * RULES_PER_GROUP + rule) % (JOBS * scale);
            if rule % 4 == 3 {
                text.push_str(&format!(
                    "        - record: job:requests_{group}_{rule}:rate5m\n          expr: sum by (job) (rate(http_requests_total{{job=\"service-{job}\"}}[5m]))\n"
                ));
            } else {
                text.push_str(&format!(
                    "        - alert: Service{job}Rule{rule}\n          expr: up{{job=\"service-{job}\"}} == 0\n          for: 5m\n          severity: {}\n          summary: \"service-{job} is down\"\n          description: \"{{{{ $labels.instance }}}} of service-{job} has been down for 5 minutes\"\n",
                    if rule % 2 == 0 { "critical" } else { "warning" }
                ));
            }
        }
    }
    text
}
