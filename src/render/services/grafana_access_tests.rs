//! Grafana's access as issue 8 asks: anonymous visitors are Viewers at most, the admin account
//! is the manifest's `admin_user` with its password by file only, sign-up is off, and no
//! `settings` or `env` entry can widen any of it.

use super::tests::{find, specs_with};

const GRAFANA: &str = "version: 1\nproject: t\ncomponents:\n  prometheus: {}\n  grafana:\n    admin_user: ops\n    admin_password: s3cret-admin\n";

#[test]
fn anonymous_visitors_are_viewers_and_the_admin_password_goes_by_file() {
    let (specs, draft) = specs_with(&format!("{GRAFANA}    anonymous: true\n"), |_| {});
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
    let env = &find(&specs, "grafana").environment;
    let get = |k: &str| env.get(k).map(String::as_str);
    assert_eq!(get("GF_AUTH_ANONYMOUS_ENABLED"), Some("true"));
    assert_eq!(get("GF_AUTH_ANONYMOUS_ORG_ROLE"), Some("Viewer"));
    assert_eq!(get("GF_SECURITY_ADMIN_USER"), Some("ops"));
    assert_eq!(
        get("GF_SECURITY_ADMIN_PASSWORD__FILE"),
        Some("/run/secrets/grafana_admin_password")
    );
    assert_eq!(get("GF_SECURITY_ADMIN_PASSWORD"), None);
    assert_eq!(get("GF_USERS_ALLOW_SIGN_UP"), Some("false"));
    let visible = format!("{env:?} {:?}", find(&specs, "grafana").command);
    assert!(!visible.contains("s3cret-admin"), "{visible}");

    let (specs, _) = specs_with(GRAFANA, |_| {});
    let env = &find(&specs, "grafana").environment;
    assert_eq!(
        env.get("GF_AUTH_ANONYMOUS_ENABLED").map(String::as_str),
        Some("false"),
        "anonymous access is off unless asked"
    );
    assert_eq!(env.get("GF_AUTH_ANONYMOUS_ORG_ROLE"), None);
}

#[test]
fn no_setting_or_variable_widens_anonymous_access_or_replaces_the_admin() {
    let cases = [
        (
            "    anonymous: true\n    settings: {auth.anonymous: {org_role: Admin}}\n",
            "components.grafana.settings.auth.anonymous.org_role",
        ),
        (
            "    anonymous: true\n    env: {GF_AUTH_ANONYMOUS_ORG_ROLE: Editor}\n",
            "components.grafana.env.GF_AUTH_ANONYMOUS_ORG_ROLE",
        ),
        (
            "    settings: {auth.anonymous: {enabled: true}}\n",
            "components.grafana.settings.auth.anonymous.enabled",
        ),
        (
            "    settings: {security: {admin_user: root}}\n",
            "components.grafana.settings.security.admin_user",
        ),
        (
            "    env: {GF_SECURITY_ADMIN_PASSWORD: other}\n",
            "components.grafana.env.GF_SECURITY_ADMIN_PASSWORD",
        ),
    ];
    for (extra, path) in cases {
        let (_, draft) = specs_with(&format!("{GRAFANA}{extra}"), |_| {});
        let paths: Vec<&str> = draft.problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, [path], "{extra}");
        assert!(
            draft.problems[0]
                .message
                .contains("is set from `components.grafana."),
            "{:?}",
            draft.problems[0]
        );
    }
    // Repeating what stackctl sets is harmless.
    let (_, draft) = specs_with(
        &format!("{GRAFANA}    anonymous: true\n    settings: {{auth.anonymous: {{org_role: Viewer}}}}\n"),
        |_| {},
    );
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
}
