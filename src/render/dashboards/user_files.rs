//! The operator's own dashboards (`dashboards.files`, globs relative to the manifest), copied
//! as they are after checking that they parse and do not need import-time inputs. Which files a
//! pattern may reach is `source_files`' call.

use std::collections::BTreeSet;
use std::path::Path;

use crate::manifest::Diagnostic;
use crate::render::{source_files, Draft, Stack};

/// Copies every matched file to `grafana/dashboards/<file name>`.
/// `taken` holds the uids and file names already used by generated dashboards.
pub fn copy(stack: &Stack, draft: &mut Draft, taken: &mut BTreeSet<String>) -> anyhow::Result<()> {
    for (i, pattern) in stack.manifest.dashboards.files.iter().enumerate() {
        let key = format!("dashboards.files[{i}]");
        for path in source_files::expand(stack.dir, pattern, &key, draft) {
            copy_one(stack, draft, taken, &key, &path)?;
        }
    }
    Ok(())
}

fn copy_one(
    stack: &Stack,
    draft: &mut Draft,
    taken: &mut BTreeSet<String>,
    key: &str,
    path: &Path,
) -> anyhow::Result<()> {
    let Some(source_files::SourceFile { text, shown, .. }) =
        source_files::read(stack.dir, path, key, draft)
    else {
        return Ok(());
    };
    let text = match unwrap_api_wrapper(&text) {
        Some(inner) => {
            draft.warn(format!(
                "`{shown}` is in the HTTP API form `{{\"dashboard\": {{...}}}}`; stackctl provisions the inner dashboard (file provisioning would refuse the wrapper: \"Dashboard title cannot be empty\")"
            ));
            inner
        }
        None => text,
    };
    if let Some((message, hint)) = check(&text, &shown) {
        draft.problem(Diagnostic::new(key, message).hint(hint));
        return Ok(());
    }
    if !super::user_queries::check(&text, &shown, key, draft) {
        return Ok(());
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let uid = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("uid").and_then(|u| u.as_str()).map(str::to_string));
    let clash = !taken.insert(format!("file:{name}"))
        || uid.is_some_and(|u| !taken.insert(format!("uid:{u}")));
    if clash {
        draft.problem(
            Diagnostic::new(key, format!("`{shown}` uses a file name or uid another dashboard already has"))
                .hint("give each dashboard its own file name and `uid` (generated ones start with `stackctl-`)"),
        );
        return Ok(());
    }
    let path = format!("grafana/dashboards/{name}");
    draft.add_json(&path, text)?;
    draft.user_dashboards.push(crate::render::UserDashboard {
        key: key.to_string(),
        shown,
        path,
    });
    Ok(())
}

/// The dashboard inside the HTTP API body `{"dashboard": {...}, "overwrite": ...}`, pretty
/// printed; `None` when the file is already a dashboard model.
fn unwrap_api_wrapper(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let object = value.as_object()?;
    let inner = object.get("dashboard").filter(|d| d.is_object())?;
    if object.contains_key("panels") || object.contains_key("title") {
        return None;
    }
    serde_json::to_string_pretty(inner).ok().map(|t| t + "\n")
}

/// Why a dashboard file cannot be provisioned as it is: (message, hint).
fn check(text: &str, shown: &str) -> Option<(String, String)> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            return Some((
                format!("`{shown}` is not valid JSON: {e}"),
                "export the dashboard from Grafana as JSON (Share → Export → Save to file)"
                    .to_string(),
            ))
        }
    };
    if !value.is_object() {
        return Some((
            format!("`{shown}` is not a dashboard (a JSON object)"),
            "a dashboard file holds one JSON object".to_string(),
        ));
    }
    if value.get("__inputs").is_some() || text.contains("${DS_") {
        return Some((
            format!("`{shown}` was exported for sharing externally (`__inputs` / `${{DS_...}}`)"),
            "file provisioning cannot resolve inputs: export again without \"Export for sharing externally\", or replace `${DS_...}` with a datasource uid (`prometheus`, `loki`)".to_string(),
        ));
    }
    if value
        .get("title")
        .and_then(|t| t.as_str())
        .is_none_or(|t| t.trim().is_empty())
    {
        return Some((
            format!("`{shown}` has no `title`"),
            "Grafana's file provisioning refuses it (\"Dashboard title cannot be empty\"): add a `title`".to_string(),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_http_api_wrapper_is_unwrapped() {
        let wrapped =
            r#"{"dashboard": {"uid": "a", "title": "A", "panels": []}, "overwrite": true}"#;
        let inner: serde_json::Value =
            serde_json::from_str(&unwrap_api_wrapper(wrapped).expect("unwrapped")).unwrap();
        assert_eq!(inner["title"], "A");
        assert_eq!(
            unwrap_api_wrapper(r#"{"uid": "a", "title": "A", "panels": []}"#),
            None
        );
        assert_eq!(unwrap_api_wrapper("not json"), None);
    }

    #[test]
    fn refuses_what_file_provisioning_cannot_load() {
        let cases = [
            (r#"{"uid": "a", "title": "A", "panels": []}"#, None),
            (r#"{"uid": "a", "panels": []}"#, Some("has no `title`")),
            ("{ not json", Some("is not valid JSON")),
            ("[1, 2]", Some("is not a dashboard")),
            (
                r#"{"__inputs": [], "title": "A", "panels": []}"#,
                Some("exported for sharing"),
            ),
            (
                r#"{"title": "A", "panels": [{"datasource": "${DS_PROMETHEUS}"}]}"#,
                Some("exported for sharing"),
            ),
        ];
        for (text, want) in cases {
            let got = check(text, "d.json").map(|(message, _)| message);
            match want {
                None => assert_eq!(got, None, "{text}"),
                Some(fragment) => assert!(
                    got.as_deref().is_some_and(|m| m.contains(fragment)),
                    "{text}: {got:?}"
                ),
            }
        }
    }
}
