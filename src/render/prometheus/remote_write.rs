//! `remote_write` of prometheus.yml: the operator's targets with their presets applied, and the
//! stack's own VictoriaMetrics when it runs one.
//!
//! Secrets go to files through the draft (`authorization.credentials_file`, `password_file`,
//! `client_secret_file`, and an AWS shared-credentials file for sigv4 keys); this module never
//! puts a secret's text into the config. Validation (`manifest::validate::remote_write`) has
//! already refused what Prometheus would; here every value is rendered as given.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::config::{Authorization, BasicAuth, RemoteWrite};
use super::jobs::PROMETHEUS_UID;
use crate::manifest::{
    OAuth2, RemoteWrite as Target, RemoteWriteMetadata, RemoteWritePreset, RemoteWriteQueue,
    Secret, SigV4,
};
use crate::render::{victoriametrics, Component, Draft, Kind, Stack};

/// The secret file of sigv4 keys, read by the AWS SDK through `AWS_SHARED_CREDENTIALS_FILE`
/// (Prometheus' `sigv4` has no `secret_key_file`).
pub(crate) const AWS_CREDENTIALS_SECRET: &str = "remote-write-aws-credentials";
/// The automatic target's name (the stack's own VictoriaMetrics).
pub(crate) const VICTORIAMETRICS_NAME: &str = "victoriametrics";

/// The conventional path and tenant header of each preset's receiver.
pub(crate) struct PresetFacts {
    pub path: &'static str,
    /// The header a `tenant` goes into; `None`: the receiver has no tenants.
    pub tenant_header: Option<&'static str>,
}

pub(crate) fn preset_facts(preset: RemoteWritePreset) -> PresetFacts {
    let facts = |path, tenant_header| PresetFacts {
        path,
        tenant_header,
    };
    match preset {
        RemoteWritePreset::Victoriametrics => facts("/api/v1/write", None),
        RemoteWritePreset::Mimir => facts("/api/v1/push", Some("X-Scope-OrgID")),
        RemoteWritePreset::Thanos => facts("/api/v1/receive", Some("THANOS-TENANT")),
        RemoteWritePreset::GrafanaCloud => facts("/api/prom/push", None),
    }
}

/// `url` with the preset's path when it has none (`https://mimir:9009` →
/// `https://mimir:9009/api/v1/push`); a URL with a path is the operator's and stays.
pub(crate) fn preset_url(url: &str, preset: Option<RemoteWritePreset>) -> String {
    let Some(preset) = preset else {
        return url.to_string();
    };
    match url::Url::parse(url) {
        Ok(mut parsed) if matches!(parsed.path(), "" | "/") => {
            parsed.set_path(preset_facts(preset).path);
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// Every `remote_write` entry of the stack, in order: the stack's VictoriaMetrics first (unless
/// the operator writes to it with an entry of their own), then the manifest's.
pub fn remote_write(stack: &Stack, prometheus: &Component, draft: &mut Draft) -> Vec<RemoteWrite> {
    let targets = stack
        .manifest
        .components
        .prometheus
        .as_ref()
        .map(|p| p.remote_write.as_slice())
        .unwrap_or_default();
    let mut out: Vec<RemoteWrite> = own_victoriametrics(stack, targets).into_iter().collect();
    let mut aws_profiles = Vec::new();
    for (index, target) in targets.iter().enumerate() {
        out.push(entry(index, target, prometheus, draft, &mut aws_profiles));
    }
    if !aws_profiles.is_empty() {
        let text: String = aws_profiles.concat();
        draft.add_secret(
            &prometheus.service,
            AWS_CREDENTIALS_SECRET,
            &Secret::new(text),
            Some(PROMETHEUS_UID),
        );
    }
    out
}

/// The environment Prometheus needs for `remote_write`: where the AWS SDK finds sigv4 keys.
pub fn environment(stack: &Stack) -> BTreeMap<String, String> {
    let keys_given = stack
        .manifest
        .components
        .prometheus
        .as_ref()
        .is_some_and(|p| {
            p.remote_write
                .iter()
                .any(|t| t.sigv4.as_ref().is_some_and(|s| s.secret_key.is_some()))
        });
    keys_given
        .then(|| {
            (
                "AWS_SHARED_CREDENTIALS_FILE".to_string(),
                format!(
                    "{}/{AWS_CREDENTIALS_SECRET}",
                    crate::render::draft::SECRETS_DIR
                ),
            )
        })
        .into_iter()
        .collect()
}

/// The AWS profile stackctl writes the keys of `remote_write[index].sigv4` under.
pub(crate) fn aws_profile(index: usize) -> String {
    format!("stackctl-remote-write-{index}")
}

/// Whether `target` writes to the stack's own VictoriaMetrics service.
fn is_own_victoriametrics(target: &Target, service: &str) -> bool {
    url::Url::parse(&target.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .is_some_and(|host| host == service)
}

fn own_victoriametrics(stack: &Stack, targets: &[Target]) -> Option<RemoteWrite> {
    let vm = stack.get(&Kind::VictoriaMetrics)?;
    if targets
        .iter()
        .any(|t| is_own_victoriametrics(t, &vm.service))
    {
        return None;
    }
    let mut entry = RemoteWrite::new(victoriametrics::write_url(vm));
    entry.name = Some(VICTORIAMETRICS_NAME.to_string());
    if victoriametrics::dedup_interval(stack).is_some() {
        // Replicas differ only in `replica`; without it their series are one, and dedup
        // keeps one sample per interval of it.
        entry.write_relabel_configs = vec![json!({"action": "labeldrop", "regex": "replica"})];
    }
    Some(entry)
}

fn entry(
    index: usize,
    target: &Target,
    prometheus: &Component,
    draft: &mut Draft,
    aws_profiles: &mut Vec<String>,
) -> RemoteWrite {
    let mut entry = RemoteWrite::new(preset_url(&target.url, target.preset));
    entry.name = target.name.clone();
    if let (Some(preset), Some(tenant)) = (target.preset, &target.tenant) {
        if let Some(header) = preset_facts(preset).tenant_header {
            entry.headers.insert(header.to_string(), tenant.clone());
        }
    }
    // The operator's own headers win over a preset's.
    entry.headers.extend(target.headers.clone());
    let mut secret = |name: &str, value: &Secret| {
        draft.add_secret(
            &prometheus.service,
            &format!("remote-write-{index}-{name}"),
            value,
            Some(PROMETHEUS_UID),
        )
    };
    entry.authorization = target.bearer_token.as_ref().map(|token| Authorization {
        kind: "Bearer",
        credentials_file: secret("bearer-token", token),
    });
    entry.basic_auth = target.basic_auth.as_ref().map(|auth| BasicAuth {
        username: auth.username.clone(),
        password_file: secret("password", &auth.password),
    });
    entry.oauth2 = target.oauth2.as_ref().map(|oauth| {
        let secret_file = secret("client-secret", &oauth.client_secret);
        oauth2_fields(oauth, secret_file)
    });
    entry.sigv4 = target
        .sigv4
        .as_ref()
        .map(|sigv4| sigv4_fields(index, sigv4, aws_profiles));
    entry.queue_config = target.queue.as_ref().map(queue_fields).unwrap_or_default();
    entry.metadata_config = target
        .metadata
        .as_ref()
        .map(metadata_fields)
        .unwrap_or_default();
    entry.write_relabel_configs = target
        .write_relabel
        .iter()
        .map(|rule| serde_json::to_value(rule).unwrap_or(Value::Null))
        .collect();
    entry
}

type Fields = BTreeMap<&'static str, Value>;

/// `oauth2` with the secret as a file.
fn oauth2_fields(oauth: &OAuth2, client_secret_file: String) -> Fields {
    let mut fields = Fields::new();
    fields.insert("client_id", json!(oauth.client_id));
    fields.insert("client_secret_file", json!(client_secret_file));
    fields.insert("token_url", json!(oauth.token_url));
    if !oauth.scopes.is_empty() {
        fields.insert("scopes", json!(oauth.scopes));
    }
    if !oauth.endpoint_params.is_empty() {
        fields.insert("endpoint_params", json!(oauth.endpoint_params));
    }
    fields
}

/// `queue_config`: only what the manifest sets (Prometheus' defaults otherwise).
fn queue_fields(queue: &RemoteWriteQueue) -> Fields {
    let mut fields = Fields::new();
    put(&mut fields, "capacity", queue.capacity);
    put(&mut fields, "max_shards", queue.max_shards);
    put(&mut fields, "min_shards", queue.min_shards);
    put(
        &mut fields,
        "max_samples_per_send",
        queue.max_samples_per_send,
    );
    put_text(
        &mut fields,
        "batch_send_deadline",
        &queue.batch_send_deadline,
    );
    put_text(&mut fields, "min_backoff", &queue.min_backoff);
    put_text(&mut fields, "max_backoff", &queue.max_backoff);
    put(&mut fields, "retry_on_http_429", queue.retry_on_http_429);
    fields
}

/// `metadata_config`.
fn metadata_fields(metadata: &RemoteWriteMetadata) -> Fields {
    let mut fields = Fields::new();
    put(&mut fields, "send", metadata.send);
    put_text(&mut fields, "send_interval", &metadata.send_interval);
    put(
        &mut fields,
        "max_samples_per_send",
        metadata.max_samples_per_send,
    );
    fields
}

/// `sigv4` without its keys: they go under a profile of the shared-credentials file.
fn sigv4_fields(
    index: usize,
    sigv4: &SigV4,
    aws_profiles: &mut Vec<String>,
) -> BTreeMap<&'static str, Value> {
    let mut fields = BTreeMap::new();
    put_text(&mut fields, "region", &sigv4.region);
    put_text(&mut fields, "role_arn", &sigv4.role_arn);
    match (&sigv4.access_key, &sigv4.secret_key) {
        (Some(access_key), Some(secret_key)) => {
            let profile = aws_profile(index);
            aws_profiles.push(format!(
                "[{profile}]\naws_access_key_id = {access_key}\naws_secret_access_key = {}\n",
                secret_key.expose()
            ));
            fields.insert("profile", json!(profile));
        }
        _ => put_text(&mut fields, "profile", &sigv4.profile),
    }
    fields
}

fn put<T: serde::Serialize>(
    fields: &mut BTreeMap<&'static str, Value>,
    key: &'static str,
    value: Option<T>,
) {
    if let Some(value) = value {
        fields.insert(key, json!(value));
    }
}

fn put_text<T: std::fmt::Display>(
    fields: &mut BTreeMap<&'static str, Value>,
    key: &'static str,
    value: &Option<T>,
) {
    if let Some(value) = value {
        fields.insert(key, json!(value.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_fill_the_path_only_when_the_url_has_none() {
        use RemoteWritePreset::*;
        let cases = [
            (
                "http://vm:8428",
                Some(Victoriametrics),
                "http://vm:8428/api/v1/write",
            ),
            (
                "http://vm:8428/",
                Some(Victoriametrics),
                "http://vm:8428/api/v1/write",
            ),
            (
                "https://mimir.example.com",
                Some(Mimir),
                "https://mimir.example.com/api/v1/push",
            ),
            (
                "https://mimir.example.com/api/v1/push",
                Some(Mimir),
                "https://mimir.example.com/api/v1/push",
            ),
            (
                "http://receive:19291",
                Some(Thanos),
                "http://receive:19291/api/v1/receive",
            ),
            (
                "https://prometheus-prod-01-eu-west-0.grafana.net",
                Some(GrafanaCloud),
                "https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push",
            ),
            (
                "http://gw:9201/custom",
                Some(Thanos),
                "http://gw:9201/custom",
            ),
            ("http://x:1", None, "http://x:1"),
        ];
        for (url, preset, want) in cases {
            assert_eq!(preset_url(url, preset), want, "{url} {preset:?}");
        }
    }

    #[test]
    fn tenant_headers_follow_the_receiver() {
        let header = |p| preset_facts(p).tenant_header;
        assert_eq!(header(RemoteWritePreset::Mimir), Some("X-Scope-OrgID"));
        assert_eq!(header(RemoteWritePreset::Thanos), Some("THANOS-TENANT"));
        assert_eq!(header(RemoteWritePreset::Victoriametrics), None);
        assert_eq!(header(RemoteWritePreset::GrafanaCloud), None);
    }
}
