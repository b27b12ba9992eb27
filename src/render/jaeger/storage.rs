//! Jaeger's trace storage (`components.jaeger.storage`) as the `jaeger_storage` backend:
//! memory, badger on the data volume, or an Elasticsearch/OpenSearch cluster (server URLs,
//! index prefix, basic auth with the password read from `password_file`).
//!
//! Jaeger v2 names the keys as in upstream `cmd/jaeger/config-elasticsearch.yaml` and
//! `config-opensearch.yaml`: `server_urls`, `indices.index_prefix`, `auth.basic.{username,
//! password_file}`.

use serde::Serialize;

use super::{go_duration, DATA_DIR, DEFAULT_RETENTION, MEMORY_MAX_TRACES};
use crate::manifest::{Diagnostic, Jaeger, PromDuration, SearchStorage, TraceStorage};
use crate::render::Draft;

/// Jaeger runs as this user; its secret files must be readable by it.
const JAEGER_UID: u32 = 10001;

/// What the template needs to write one backend.
#[derive(Debug, Serialize)]
pub(crate) struct StorageContext {
    /// `memory`, `badger`, `elasticsearch` or `opensearch`: the backend's key.
    pub kind: &'static str,
    pub max_traces: u64,
    pub data_dir: &'static str,
    /// Go duration (`72h`), badger only.
    pub span_ttl: String,
    pub search: Option<SearchContext>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SearchContext {
    pub server_urls: Vec<String>,
    pub index_prefix: Option<String>,
    pub username: Option<String>,
    /// `/run/secrets/<kind>_password`.
    pub password_file: Option<String>,
}

/// The backend for `settings`, or `None` after reporting what is wrong (`key`: the
/// component's manifest key).
pub fn context(settings: &Jaeger, key: &str, draft: &mut Draft) -> Option<StorageContext> {
    let kind = match settings.storage {
        TraceStorage::Memory => "memory",
        TraceStorage::Badger => "badger",
        TraceStorage::Elasticsearch => "elasticsearch",
        TraceStorage::Opensearch => "opensearch",
    };
    let mut ok = true;
    for (name, given) in [
        ("elasticsearch", &settings.elasticsearch),
        ("opensearch", &settings.opensearch),
    ] {
        if given.is_some() && name != kind {
            draft.problem(
                Diagnostic::new(
                    format!("{key}.{name}"),
                    format!("`{key}.{name}` is set, but `storage` is `{kind}`"),
                )
                .hint(format!(
                    "set `storage: {name}` to store traces there, or remove `{name}`"
                )),
            );
            ok = false;
        }
    }
    let search = match settings.storage {
        TraceStorage::Elasticsearch => search(settings.elasticsearch.as_ref(), kind, key, draft),
        TraceStorage::Opensearch => search(settings.opensearch.as_ref(), kind, key, draft),
        TraceStorage::Memory | TraceStorage::Badger => Some(None),
    };
    let span_ttl = span_ttl(settings, kind, key, draft);
    let (Some(search), Some(span_ttl), true) = (search, span_ttl, ok) else {
        return None;
    };
    Some(StorageContext {
        kind,
        max_traces: MEMORY_MAX_TRACES,
        data_dir: DATA_DIR,
        span_ttl,
        search,
    })
}

/// Badger's span TTL from `retention`; other backends keep no TTL, so a `retention` is
/// reported as ignored.
fn span_ttl(settings: &Jaeger, kind: &str, key: &str, draft: &mut Draft) -> Option<String> {
    if kind != "badger" {
        if settings.retention.is_some() {
            draft.warn(format!(
                "`{key}.retention` applies to badger storage only; with `{kind}` traces are kept until the indices are removed (index lifecycle management or jaeger-es-index-cleaner)"
            ));
        }
        return Some(String::new());
    }
    let default = PromDuration::parse(DEFAULT_RETENTION);
    let retention = settings.retention.as_ref().unwrap_or(&default);
    let ttl = retention.millis().filter(|ms| *ms > 0).map(go_duration);
    if ttl.is_none() {
        draft.problem(
            Diagnostic::new(
                format!("{key}.retention"),
                format!("`{retention}` is not a trace retention"),
            )
            .hint("use a positive duration such as `72h` or `7d`"),
        );
    }
    ttl
}

/// `Some(Some(..))`: the cluster settings; `None`: a problem was reported.
fn search(
    settings: Option<&SearchStorage>,
    kind: &'static str,
    key: &str,
    draft: &mut Draft,
) -> Option<Option<SearchContext>> {
    let path = format!("{key}.{kind}");
    let example = format!("`{kind}: {{servers: [\"http://{kind}:9200\"]}}`");
    let Some(settings) = settings.filter(|s| !s.servers.is_empty()) else {
        draft.problem(
            Diagnostic::new(
                format!("{path}.servers"),
                format!("`storage: {kind}` needs the cluster's `servers`"),
            )
            .hint(format!("add {example} under `{key}`")),
        );
        return None;
    };
    let mut ok = true;
    for (index, server) in settings.servers.iter().enumerate() {
        if !(server.starts_with("http://") || server.starts_with("https://")) {
            draft.problem(
                Diagnostic::new(
                    format!("{path}.servers[{index}]"),
                    format!("`{server}` is not an http(s) URL"),
                )
                .hint(format!("write the full URL, e.g. `http://{kind}:9200`")),
            );
            ok = false;
        }
    }
    if settings.password.is_some() && settings.username.is_none() {
        draft.problem(
            Diagnostic::new(
                format!("{path}.password"),
                format!("`{path}.password` is set without a `username`"),
            )
            .hint("basic authentication needs both `username` and `password`"),
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    let password_file = settings.password.as_ref().map(|password| {
        draft.add_secret(
            "jaeger",
            &format!("{kind}_password"),
            password,
            Some(JAEGER_UID),
        )
    });
    Some(Some(SearchContext {
        server_urls: settings.servers.clone(),
        index_prefix: settings.index_prefix.clone(),
        username: settings.username.clone(),
        password_file,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jaeger(yaml: &str) -> Jaeger {
        serde_yaml::from_str(yaml).expect("jaeger settings parse")
    }

    #[test]
    fn search_backends_carry_servers_prefix_and_the_password_by_file() {
        let mut draft = Draft::new(&[]);
        let settings = jaeger(
            "{storage: elasticsearch, elasticsearch: {servers: ['http://es:9200'], username: jaeger, password: pw, index_prefix: app}}",
        );
        let storage = context(&settings, "components.jaeger", &mut draft).unwrap();
        assert_eq!(storage.kind, "elasticsearch");
        let search = storage.search.unwrap();
        assert_eq!(search.server_urls, ["http://es:9200"]);
        assert_eq!(search.index_prefix.as_deref(), Some("app"));
        assert_eq!(
            search.password_file.as_deref(),
            Some("/run/secrets/elasticsearch_password")
        );
        assert_eq!(
            draft
                .file("secrets/jaeger/elasticsearch_password")
                .map(|f| f.contents.expose()),
            Some("pw")
        );
        assert!(draft.problems.is_empty());
    }

    #[test]
    fn reports_missing_or_misplaced_cluster_settings() {
        let cases = [
            (
                "{storage: opensearch}",
                "components.jaeger.opensearch.servers",
                "`storage: opensearch` needs the cluster's `servers`",
            ),
            (
                "{storage: badger, elasticsearch: {servers: ['http://es:9200']}}",
                "components.jaeger.elasticsearch",
                "`components.jaeger.elasticsearch` is set, but `storage` is `badger`",
            ),
            (
                "{storage: elasticsearch, elasticsearch: {servers: ['es:9200']}}",
                "components.jaeger.elasticsearch.servers[0]",
                "`es:9200` is not an http(s) URL",
            ),
            (
                "{storage: opensearch, opensearch: {servers: ['https://os:9200'], password: x}}",
                "components.jaeger.opensearch.password",
                "`components.jaeger.opensearch.password` is set without a `username`",
            ),
        ];
        for (yaml, path, message) in cases {
            let mut draft = Draft::new(&[]);
            assert!(context(&jaeger(yaml), "components.jaeger", &mut draft).is_none());
            assert!(
                draft
                    .problems
                    .iter()
                    .any(|p| p.path == path && p.message == message),
                "{yaml}: {:?}",
                draft.problems
            );
        }
    }
}
