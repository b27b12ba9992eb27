//! What a Prometheus rule file holds once the manifest's shorthand is expanded; the template
//! `templates/rules/rules.yml.j2` lays it out.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

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

/// Serialized for the template with `expr_lines`: the expression's lines when it can be laid out
/// as a YAML literal block (`expr: |-`), else `None` and the template quotes `expr`.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedRule {
    pub alert: Option<String>,
    pub record: Option<String>,
    pub expr: String,
    pub for_: Option<String>,
    pub keep_firing_for: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

impl Serialize for RenderedRule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct View<'a> {
            alert: &'a Option<String>,
            record: &'a Option<String>,
            expr: &'a str,
            expr_lines: Option<Vec<&'a str>>,
            #[serde(rename = "for")]
            for_: &'a Option<String>,
            keep_firing_for: &'a Option<String>,
            labels: &'a BTreeMap<String, String>,
            annotations: &'a BTreeMap<String, String>,
        }
        View {
            alert: &self.alert,
            record: &self.record,
            expr: &self.expr,
            expr_lines: block_lines(&self.expr),
            for_: &self.for_,
            keep_firing_for: &self.keep_firing_for,
            labels: &self.labels,
            annotations: &self.annotations,
        }
        .serialize(serializer)
    }
}

/// The lines of a multi-line expression that a YAML literal block keeps exactly: no control
/// characters, no leading blank on the first line (it would need an indentation indicator), no
/// trailing blanks (editors strip them).
pub(crate) fn block_lines(text: &str) -> Option<Vec<&str>> {
    let plain = text.contains('\n')
        && !text.starts_with([' ', '\n'])
        && !text.ends_with('\n')
        && text.chars().all(|c| c == '\n' || !c.is_control())
        && text.lines().all(|line| !line.ends_with(' '));
    plain.then(|| text.lines().collect())
}

impl RuleFile {
    /// Names of every alerting rule in the file.
    pub(crate) fn alert_names(&self) -> impl Iterator<Item = &str> {
        self.groups
            .iter()
            .flat_map(|g| &g.rules)
            .filter_map(|r| r.alert.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_multi_line_text_becomes_a_literal_block() {
        let cases: [(&str, Option<Vec<&str>>); 7] = [
            ("up == 0", None),
            ("a\n  / b\n> 1", Some(vec!["a", "  / b", "> 1"])),
            ("a\n\nb", Some(vec!["a", "", "b"])),
            (" a\nb", None),
            ("a\nb\n", None),
            ("a \nb", None),
            ("a\n\tb", None),
        ];
        for (text, lines) in cases {
            assert_eq!(block_lines(text), lines, "{text:?}");
        }
    }
}
