//! promtool unit-test files (`promtool test rules`): the shape presets write their tests in, and
//! the file rendered into `prometheus/tests/` through `templates/rules/tests.yml.j2`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TestFile {
    /// Relative to the test file (`../rules/preset-host.yml`).
    pub rule_files: Vec<String>,
    pub evaluation_interval: String,
    pub tests: Vec<UnitTest>,
}

/// One promtool test group: input series and what must (and must not) come out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitTest {
    pub name: String,
    pub interval: String,
    #[serde(default)]
    pub input_series: Vec<InputSeries>,
    #[serde(default)]
    pub alert_rule_test: Vec<AlertTest>,
    #[serde(default)]
    pub promql_expr_test: Vec<ExprTest>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSeries {
    pub series: String,
    pub values: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertTest {
    pub eval_time: String,
    pub alertname: String,
    /// Exactly the alerts that must fire; empty means "stays quiet".
    #[serde(default)]
    pub exp_alerts: Vec<ExpectedAlert>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedAlert {
    #[serde(default)]
    pub exp_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub exp_annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExprTest {
    pub expr: String,
    pub eval_time: String,
    #[serde(default)]
    pub exp_samples: Vec<ExpectedSample>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedSample {
    pub labels: String,
    pub value: f64,
}

impl UnitTest {
    /// Keeps only the alert checks for alerts `keep` accepts; `None` when nothing is left to test.
    pub(crate) fn retain_alerts(mut self, keep: impl Fn(&str) -> bool) -> Option<Self> {
        self.alert_rule_test.retain(|t| keep(&t.alertname));
        (!self.alert_rule_test.is_empty() || !self.promql_expr_test.is_empty()).then_some(self)
    }
}
