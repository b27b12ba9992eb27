//! Keys people write the way the documents stackctl replaces did (an ELK stack for logs,
//! Alertmanager email `subject`/`body`), each with what to write instead. Used for the hint of
//! an unknown key, so the error says what replaced the old way rather than only "did you mean".

use super::keys::Segment;

/// The hint for the unknown `key` under `parent`, when it is an old way of saying something.
pub fn hint(parent: &[Segment], key: &str) -> Option<&'static str> {
    let names: Vec<&str> = parent
        .iter()
        .filter_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
        .collect();
    match (names.as_slice(), key) {
        (["components"], "elasticsearch" | "logstash" | "kibana" | "filebeat" | "fluentd" | "fluent-bit" | "fluentbit") => Some(
            "stackctl keeps logs in Loki, not an ELK stack: `components: {loki: {}, alloy: {}}` ships every container's logs and Grafana searches them (see docs/from-seeds.md); to monitor an Elasticsearch you run, add `exporters: [{type: elasticsearch, target: ...}]`",
        ),
        (["notify", "receivers", _, "email"], "subject") => Some(
            "Alertmanager's email has no `subject` key (it refuses the config): write `headers: {Subject: '...'}`",
        ),
        (["notify", "receivers", _, "email"], "body") => Some(
            "Alertmanager's email has no `body` key (it refuses the config): write the message as `html: '...'` or `text: '...'`",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(path: &[&str]) -> Vec<Segment> {
        path.iter().map(|k| Segment::Key(k.to_string())).collect()
    }

    #[test]
    fn names_what_replaced_the_old_way() {
        let cases = [
            (&["components"][..], "kibana", Some("not an ELK stack")),
            (
                &["components"][..],
                "logstash",
                Some("`components: {loki: {}, alloy: {}}`"),
            ),
            (
                &["notify", "receivers", "team", "email"][..],
                "subject",
                Some("`headers: {Subject: '...'}`"),
            ),
            (
                &["notify", "receivers", "team", "email"][..],
                "body",
                Some("`html: '...'` or `text: '...'`"),
            ),
            (
                &["notify", "receivers", "team", "slack"][..],
                "subject",
                None,
            ),
            (&["components"][..], "prometeus", None),
        ];
        for (parent, key, want) in cases {
            let got = hint(&keys(parent), key);
            match want {
                Some(fragment) => {
                    assert!(got.is_some_and(|h| h.contains(fragment)), "{key}: {got:?}")
                }
                None => assert_eq!(got, None, "{key}"),
            }
        }
    }
}
