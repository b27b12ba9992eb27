//! A secret is kept out of public files by its type, not by searching rendered text: a secret
//! whose value happens to be an ordinary word no longer makes a valid stack fail.

mod common;

#[test]
fn a_secret_equal_to_ordinary_text_in_public_files_renders() {
    // `prometheus` is a datasource name, a job and a path in public files; `password` appears
    // in Alertmanager's `auth_password_file` key.
    let manifest = "version: 1
project: shop
components:
  prometheus: {}
  alertmanager: {}
  grafana: {admin_password: \"${GRAFANA_ADMIN_PASSWORD}\"}
notify:
  default: team
  receivers:
    team:
      email:
        to: [ops@example.com]
        from: am@example.com
        smarthost: smtp.example.com:587
        username: am
        password: \"${SMTP_PASSWORD}\"
";
    let env = "GRAFANA_ADMIN_PASSWORD=prometheus\nSMTP_PASSWORD=password\n";
    let dir = common::project(manifest, Some(env));
    common::stackctl_in(dir.path())
        .arg("render")
        .assert()
        .success();
    let rendered = dir.path().join("rendered");
    assert_eq!(
        std::fs::read_to_string(rendered.join("secrets/grafana/grafana_admin_password")).unwrap(),
        "prometheus"
    );
    assert_eq!(
        common::mode(&rendered.join("secrets/grafana/grafana_admin_password")),
        0o600
    );
}
