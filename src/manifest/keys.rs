//! The keys each part of the manifest accepts, for "unknown key" diagnostics with a did-you-mean.
//!
//! Field names come from the model itself (serde's own field list, read by a probe
//! deserializer), so renaming a field can never leave this table stale; the table only says
//! which struct sits at which key path.

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use super::alerts::{AlertOverride, Alerts, LatencySli, Rule, RuleGroup, Slo};
use super::model::*;
use super::notify::{
    Discord, Email, Inhibit, MsTeams, Notify, Opsgenie, OpsgenieResponder, PagerDuty,
    PagerDutyImage, PagerDutyLink, Receiver, Route, Slack, SlackField, Smtp, Telegram,
    TimeInterval, Watchdog, Webhook, WebhookAuth, WebhookBasicAuth,
};
use super::scrape::{DockerDiscovery, Exporter, HttpMetrics, Probe, ScrapeJob};
use super::telemetry::{
    Board, BoardPanel, Dashboards, DropStage, LogFile, Logs, MultilineStage, PanelExpr,
    PipelineStage, TimestampStage, Traces,
};

/// One step of a key path: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// `scrape[2].timeout` from its segments.
pub(crate) fn path_string(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Key(key) if out.is_empty() => out.push_str(key),
            Segment::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// The segments of `scrape[2].timeout` (a key holding `.` or `[` reads as several).
pub(crate) fn segments_of(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            out.push(Segment::Key(key.to_string()));
        }
        for index in pieces {
            match index.trim_end_matches(']').parse() {
                Ok(index) => out.push(Segment::Index(index)),
                Err(_) => out.push(Segment::Key(format!("[{index}"))),
            }
        }
    }
    out
}

/// Which struct sits where: `*` is any mapping key, `[]` any list index.
fn table() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        ("", fields_of::<Manifest>()),
        ("components", fields_of::<Components>()),
        ("swarm", fields_of::<Swarm>()),
        ("components.prometheus", fields_of::<Prometheus>()),
        ("components.prometheus.retention", fields_of::<Retention>()),
        (
            "components.prometheus.remote_write[]",
            fields_of::<RemoteWrite>(),
        ),
        (
            "components.prometheus.remote_write[].basic_auth",
            fields_of::<BasicAuth>(),
        ),
        (
            "components.prometheus.remote_write[].oauth2",
            fields_of::<OAuth2>(),
        ),
        (
            "components.prometheus.remote_write[].sigv4",
            fields_of::<SigV4>(),
        ),
        (
            "components.prometheus.remote_write[].queue",
            fields_of::<RemoteWriteQueue>(),
        ),
        (
            "components.prometheus.remote_write[].metadata",
            fields_of::<RemoteWriteMetadata>(),
        ),
        ("components.alertmanager", fields_of::<Alertmanager>()),
        ("components.grafana", fields_of::<Grafana>()),
        ("components.loki", fields_of::<Loki>()),
        ("components.alloy", fields_of::<Alloy>()),
        ("components.promtail", fields_of::<Promtail>()),
        ("components.jaeger", fields_of::<Jaeger>()),
        (
            "components.jaeger.elasticsearch",
            fields_of::<SearchStorage>(),
        ),
        ("components.jaeger.opensearch", fields_of::<SearchStorage>()),
        ("components.node_exporter", fields_of::<NodeExporter>()),
        (
            "components.node_exporter.collectors",
            fields_of::<Collectors>(),
        ),
        ("components.cadvisor", fields_of::<Cadvisor>()),
        (
            "components.blackbox_exporter",
            fields_of::<BlackboxExporter>(),
        ),
        ("components.pushgateway", fields_of::<Pushgateway>()),
        ("components.victoriametrics", fields_of::<VictoriaMetrics>()),
        ("scrape[]", fields_of::<ScrapeJob>()),
        ("scrape[].basic_auth", fields_of::<BasicAuth>()),
        ("scrape[].probe", fields_of::<Probe>()),
        ("scrape[].docker", fields_of::<DockerDiscovery>()),
        ("scrape[].http", fields_of::<HttpMetrics>()),
        ("exporters[]", fields_of::<Exporter>()),
        ("alerts", fields_of::<Alerts>()),
        ("alerts.overrides.*", fields_of::<AlertOverride>()),
        ("alerts.groups[]", fields_of::<RuleGroup>()),
        ("alerts.groups[].rules[]", fields_of::<Rule>()),
        ("slos[]", fields_of::<Slo>()),
        ("slos[].latency", fields_of::<LatencySli>()),
        ("notify", fields_of::<Notify>()),
        ("notify.receivers.*", fields_of::<Receiver>()),
        ("notify.receivers.*.email", fields_of::<Email>()),
        ("notify.receivers.*.slack", fields_of::<Slack>()),
        ("notify.receivers.*.pagerduty", fields_of::<PagerDuty>()),
        ("notify.receivers.*.webhook", fields_of::<Webhook>()),
        ("notify.receivers.*.msteams", fields_of::<MsTeams>()),
        (
            "notify.receivers.*.slack.fields[]",
            fields_of::<SlackField>(),
        ),
        (
            "notify.receivers.*.pagerduty.images[]",
            fields_of::<PagerDutyImage>(),
        ),
        (
            "notify.receivers.*.pagerduty.links[]",
            fields_of::<PagerDutyLink>(),
        ),
        (
            "notify.receivers.*.webhook.auth",
            fields_of::<WebhookAuth>(),
        ),
        (
            "notify.receivers.*.webhook.auth.basic",
            fields_of::<WebhookBasicAuth>(),
        ),
        ("notify.receivers.*.opsgenie", fields_of::<Opsgenie>()),
        (
            "notify.receivers.*.opsgenie.responders[]",
            fields_of::<OpsgenieResponder>(),
        ),
        ("notify.receivers.*.telegram", fields_of::<Telegram>()),
        ("notify.receivers.*.discord", fields_of::<Discord>()),
        ("notify.smtp", fields_of::<Smtp>()),
        ("notify.watchdog", fields_of::<Watchdog>()),
        ("notify.routes[]", fields_of::<Route>()),
        ("notify.inhibit[]", fields_of::<Inhibit>()),
        ("notify.quiet_hours.*[]", fields_of::<TimeInterval>()),
        ("logs", fields_of::<Logs>()),
        ("logs.files[]", fields_of::<LogFile>()),
        ("logs.pipeline[]", fields_of::<PipelineStage>()),
        ("logs.pipeline[].timestamp", fields_of::<TimestampStage>()),
        ("logs.pipeline[].multiline", fields_of::<MultilineStage>()),
        ("logs.pipeline[].drop", fields_of::<DropStage>()),
        ("tls", fields_of::<TlsFiles>()),
        ("traces", fields_of::<Traces>()),
        ("dashboards", fields_of::<Dashboards>()),
        ("dashboards.boards[]", fields_of::<Board>()),
        ("dashboards.boards[].panels[]", fields_of::<BoardPanel>()),
        (
            "dashboards.boards[].panels[].exprs[]",
            fields_of::<PanelExpr>(),
        ),
    ]
}

/// The keys accepted by the mapping at `parent`, if it is a struct of the model.
pub(crate) fn keys_at(parent: &[Segment]) -> Option<&'static [&'static str]> {
    let parent = collapse_nested_routes(parent);
    table()
        .into_iter()
        .find(|(pattern, _)| matches(pattern, &parent))
        .map(|(_, keys)| keys)
}

/// `notify.routes[0].routes[1]` accepts what `notify.routes[]` accepts.
fn collapse_nested_routes(path: &[Segment]) -> Vec<Segment> {
    let routes = Segment::Key("routes".to_string());
    let is_route_step = |at: usize| {
        path.get(at) == Some(&routes) && matches!(path.get(at + 1), Some(Segment::Index(_)))
    };
    let mut out: Vec<Segment> = Vec::new();
    let mut at = 0;
    while at < path.len() {
        let after_route = out.len() >= 2
            && out[out.len() - 2] == routes
            && matches!(out.last(), Some(Segment::Index(_)));
        if after_route && is_route_step(at) {
            at += 2;
            continue;
        }
        out.push(path[at].clone());
        at += 1;
    }
    out
}

fn matches(pattern: &str, path: &[Segment]) -> bool {
    let mut wanted = Vec::new();
    for part in pattern.split('.').filter(|p| !p.is_empty()) {
        let (key, rest) = match part.find("[]") {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        wanted.push(Some(key));
        for _ in 0..rest.matches("[]").count() {
            wanted.push(None);
        }
    }
    wanted.len() == path.len()
        && wanted
            .iter()
            .zip(path)
            .all(|(want, got)| match (want, got) {
                (Some("*"), Segment::Key(_)) => true,
                (Some(key), Segment::Key(got)) => key == got,
                (None, Segment::Index(_)) => true,
                _ => false,
            })
}

/// serde's field list of a derived struct, read by a deserializer that only listens.
fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields = None;
    let _ = T::deserialize(FieldProbe(&mut fields));
    fields.unwrap_or(&[])
}

struct FieldProbe<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for FieldProbe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("field probe"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("field probe"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::did_you_mean;

    fn path(text: &str) -> Vec<Segment> {
        segments_of(text)
    }

    #[test]
    fn finds_the_keys_of_every_struct_in_the_model() {
        let cases = [
            ("", "components"),
            ("components", "blackbox_exporter"),
            ("components.prometheus", "scrape_interval"),
            (
                "components.prometheus.remote_write[1].basic_auth",
                "password",
            ),
            ("components.prometheus.remote_write[0]", "write_relabel"),
            ("components.prometheus.remote_write[0].queue", "max_shards"),
            (
                "components.prometheus.remote_write[0].oauth2",
                "client_secret",
            ),
            ("components.prometheus.remote_write[0].sigv4", "secret_key"),
            (
                "components.prometheus.remote_write[0].metadata",
                "send_interval",
            ),
            ("components.victoriametrics", "retention"),
            ("scrape[3]", "metrics_path"),
            ("scrape[0].probe", "module"),
            ("exporters[0]", "type"),
            ("alerts.groups[1].rules[4]", "for"),
            ("slos[0].latency", "threshold"),
            ("notify.receivers.team-email", "email"),
            ("notify.receivers.oncall.pagerduty", "routing_key"),
            ("notify.routes[0]", "continue"),
            ("notify.routes[0].routes[2]", "match"),
            (
                "notify.routes[0].routes[2].routes[0]",
                "mute_time_intervals",
            ),
            ("notify.quiet_hours.nights[0]", "times"),
            ("logs.files[0]", "path"),
            ("dashboards", "generated"),
        ];
        for (parent, key) in cases {
            let keys = keys_at(&path(parent)).unwrap_or_else(|| panic!("no keys at `{parent}`"));
            assert!(keys.contains(&key), "`{parent}` lacks `{key}`: {keys:?}");
        }
        assert_eq!(keys_at(&path("labels")), None);
    }

    #[test]
    fn suggests_close_keys_only() {
        let keys = [
            "prometheus",
            "alertmanager",
            "scrape_interval",
            "scrape_timeout",
            "to",
            "port",
        ];
        let cases = [
            ("prometeus", Some("prometheus")),
            ("alertmanger", Some("alertmanager")),
            ("scrape-interval", Some("scrape_interval")),
            ("Scrape_Timeout", Some("scrape_timeout")),
            ("too", Some("to")),
            ("ports", Some("port")),
            ("zipkin", None),
            ("prometheus_port", Some("prometheus")),
            ("x", None),
        ];
        for (unknown, want) in cases {
            assert_eq!(did_you_mean(unknown, &keys), want, "{unknown}");
        }
    }

    #[test]
    fn formats_key_paths() {
        assert_eq!(path_string(&path("scrape[2].timeout")), "scrape[2].timeout");
        assert_eq!(
            path_string(&path("notify.receivers.a.email.to[0]")),
            "notify.receivers.a.email.to[0]"
        );
    }
}
