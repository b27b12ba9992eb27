//! What a Prometheus rule file holds once the manifest's shorthand is expanded; the template
//! `templates/rules/rules.yml.j2` lays it out.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RuleFile {
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    pub interval: Option<String>,
    pub limit: Option<u32>,
    /// Empty before Prometheus 3.0 (`rules::fit_to_release` moves them onto the rules).
    pub labels: BTreeMap<String, String>,
    pub rules: Vec<RenderedRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RenderedRule {
    pub alert: Option<String>,
    pub record: Option<String>,
    pub expr: String,
    #[serde(rename = "for")]
    pub for_: Option<String>,
    pub keep_firing_for: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

impl RuleFile {
    /// Names of every alerting rule in the file.
    pub fn alert_names(&self) -> impl Iterator<Item = &str> {
        self.groups
            .iter()
            .flat_map(|g| &g.rules)
            .filter_map(|r| r.alert.as_deref())
    }
}
