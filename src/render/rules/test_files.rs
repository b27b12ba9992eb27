//! An operator's promtool test file with its `rule_files` pointed at the rendered rule files
//! (the rules `rules::user_files` describes), as text ready for `prometheus/tests/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::user_files::normalize;
use super::RULES_FROM_TESTS;

/// A problem with a test file: what is wrong, and a hint.
pub(crate) struct TestProblem(pub String, pub String);

/// The test file with its `rule_files` pointing at the rendered rule files (see the module doc).
pub(crate) fn rewrite_test(
    text: &str,
    source: &Path,
    copied: &BTreeMap<PathBuf, String>,
    rendered: &[String],
) -> Result<String, TestProblem> {
    let mut doc: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        TestProblem(
            format!(
                "not YAML: {}",
                crate::render::source_files::parse_problem(&e)
            ),
            "fix the file so that `promtool test rules` accepts it".into(),
        )
    })?;
    let entries = doc
        .get_mut("rule_files")
        .and_then(serde_yaml::Value::as_sequence_mut)
        .ok_or_else(|| {
            TestProblem(
                "it has no `rule_files` list".into(),
                "a promtool test file starts with `rule_files: [...]`".into(),
            )
        })?;
    let base = source.parent().unwrap_or(Path::new("."));
    for entry in entries.iter_mut() {
        let Some(named) = entry.as_str() else {
            return Err(TestProblem(
                "a `rule_files` entry is not a path".into(),
                "list rule file paths as strings".into(),
            ));
        };
        let file_name = Path::new(named)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let target = if let Some(copy) = copied.get(&normalize(&base.join(named))) {
            copy.clone()
        } else if rendered.contains(&file_name) || named.contains(['*', '?', '[']) {
            file_name
        } else {
            return Err(TestProblem(
                format!("`rule_files` names `{named}`, which is neither in `alerts.files` nor rendered by stackctl"),
                format!("name a file listed in `alerts.files` (relative to the test file) or one of: {}", rendered.join(", ")),
            ));
        };
        *entry = serde_yaml::Value::String(format!("{RULES_FROM_TESTS}/{target}"));
    }
    serde_yaml::to_string(&doc).map_err(|e| TestProblem(e.to_string(), String::new()))
}
