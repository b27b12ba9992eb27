//! The result of one `notify test`: per integration delivered or failed (with Alertmanager's
//! error), laid out for the terminal.

use super::counters::Outcome;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationResult {
    /// Alertmanager's integration name (`webhook`, `email`, `msteamsv2`).
    pub integration: String,
    pub delivered: bool,
    /// Why it failed, in Alertmanager's words where its log said.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub receiver: String,
    pub labels: String,
    pub results: Vec<IntegrationResult>,
    pub resolved: bool,
}

impl Report {
    pub(crate) fn all_delivered(&self) -> bool {
        self.results.iter().all(|r| r.delivered)
    }
}

/// The result for an integration whose counters ended in `outcome` after `waited_secs`.
pub fn result(
    integration: &str,
    outcome: &Outcome,
    logged: Option<String>,
    waited_secs: u64,
) -> IntegrationResult {
    let (delivered, reason) = match outcome {
        Outcome::Delivered => (true, None),
        Outcome::Failed => (
            false,
            Some(logged.unwrap_or_else(|| "Alertmanager gave up (its log line was not found)".into())),
        ),
        Outcome::Retrying => (
            false,
            Some(match logged {
                Some(error) => format!("still retrying after {waited_secs}s; last error: {error}"),
                None => format!("every attempt failed within {waited_secs}s; Alertmanager is still retrying (its error is logged when it gives up after `group_interval`)"),
            }),
        ),
        Outcome::Waiting => (
            false,
            Some(format!(
                "no notification was attempted within {waited_secs}s (a `group_wait` longer than that, or a mute time interval, holds it)"
            )),
        ),
    };
    IntegrationResult {
        integration: integration.to_string(),
        delivered,
        reason,
    }
}

pub fn format(report: &Report) -> String {
    let mut out = format!(
        "notify test: alert sent to receiver `{}` with labels {}\n",
        report.receiver, report.labels
    );
    let width = report
        .results
        .iter()
        .map(|r| r.integration.len())
        .max()
        .unwrap_or(0);
    for r in &report.results {
        match (&r.delivered, &r.reason) {
            (true, _) => out.push_str(&format!("  {:width$}  delivered\n", r.integration)),
            (false, reason) => out.push_str(&format!(
                "  {:width$}  FAILED: {}\n",
                r.integration,
                reason.as_deref().unwrap_or("unknown")
            )),
        }
    }
    out.push_str(if report.resolved {
        "the test alert is resolved\n"
    } else {
        "warning: the test alert could not be resolved; it ends by itself within 10 minutes\n"
    });
    let failed = report.results.iter().filter(|r| !r.delivered).count();
    out.push_str(&format!(
        "notify test: {} delivered, {failed} failed\n",
        report.results.len() - failed
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_each_integration() {
        let report = Report {
            receiver: "ops".into(),
            labels: "{alertname=\"StackctlTest\"}".into(),
            results: vec![
                result("webhook", &Outcome::Delivered, None, 3),
                result(
                    "email",
                    &Outcome::Failed,
                    Some("ops/email[0]: dial tcp: connection refused".into()),
                    12,
                ),
            ],
            resolved: true,
        };
        assert!(!report.all_delivered());
        assert_eq!(
            format(&report),
            "notify test: alert sent to receiver `ops` with labels {alertname=\"StackctlTest\"}
  webhook  delivered
  email    FAILED: ops/email[0]: dial tcp: connection refused
the test alert is resolved
notify test: 1 delivered, 1 failed
"
        );
    }
}
