//! Grafana settings that reach its environment as text: plugin ids (a comma-separated list
//! Grafana splits) and the admin user (a single-line value).

use crate::manifest::{Diagnostic, Manifest};

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let Some(grafana) = &manifest.components.grafana else {
        return;
    };
    for (index, plugin) in grafana.plugins.iter().enumerate() {
        if !is_plugin(plugin) {
            problems.push(
                Diagnostic::new(
                    format!("components.grafana.plugins[{index}]"),
                    format!("`{}` is not a Grafana plugin id", plugin.escape_debug()),
                )
                .hint("write one plugin per list item as `id` or `id@version` (e.g. `grafana-clock-panel@2.1.8`): letters, digits, `.`, `_` and `-`, no commas or spaces"),
            );
        }
    }
    if let Some(user) = &grafana.admin_user {
        if user.trim().is_empty() || user.chars().any(char::is_control) || user.trim() != user {
            problems.push(
                Diagnostic::new(
                    "components.grafana.admin_user",
                    "`components.grafana.admin_user` must be one non-empty line without surrounding spaces",
                )
                .hint("write a plain login name such as `admin`; line breaks and control characters are refused"),
            );
        }
    }
}

/// `id` or `id@version`, as `GF_PLUGINS_PREINSTALL` lists them: nothing that Grafana would split
/// into a second plugin (`,`), a version (` `) or a download URL (a second `@`).
fn is_plugin(text: &str) -> bool {
    let (id, version) = match text.split_once('@') {
        Some((id, version)) => (id, Some(version)),
        None => (text, None),
    };
    let word = |s: &str, extra: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c) || extra.contains(c))
    };
    word(id, "")
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && version.is_none_or(|v| word(v, "+"))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;

    #[test]
    fn refuses_plugin_ids_and_admin_users_that_would_change_grafanas_settings() {
        let base = "components: {grafana: {admin_password: x, ";
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            (
                "plugins: [grafana-clock-panel, 'yesoreyeram-infinity-datasource@2.4.0']}}",
                None,
            ),
            (
                "plugins: ['a,evil 6.6.6']}}",
                Some(("components.grafana.plugins[0]", "not a Grafana plugin id")),
            ),
            (
                "plugins: [ok, 'evil 1.0']}}",
                Some(("components.grafana.plugins[1]", "not a Grafana plugin id")),
            ),
            (
                "plugins: ['x@1.0@https://evil/x.zip']}}",
                Some(("components.grafana.plugins[0]", "not a Grafana plugin id")),
            ),
            (
                "plugins: ['-flag']}}",
                Some(("components.grafana.plugins[0]", "not a Grafana plugin id")),
            ),
            ("admin_user: ops}}", None),
            (
                "admin_user: \"ops\\nGF_X=1\"}}",
                Some(("components.grafana.admin_user", "one non-empty line")),
            ),
            (
                "admin_user: ''}}",
                Some(("components.grafana.admin_user", "one non-empty line")),
            ),
        ];
        for (extra, want) in cases {
            check_case(&format!("{base}{extra}"), *want);
        }
    }
}
