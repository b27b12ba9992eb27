//! The synthetic alert `notify test` posts to Alertmanager's `/api/v2/alerts`, and the same
//! alert resolved.

use serde_json::{json, Value};

use super::routing::Labels;

/// The alert, firing from `now` (RFC 3339) until `ends` unless resolved first.
pub fn firing(labels: &Labels, receiver: &str, now: &str, ends: &str) -> Value {
    json!([{
        "labels": labels,
        "annotations": {
            "summary": format!("stackctl notify test for receiver {receiver}"),
            "description": "A synthetic alert sent by `stackctl notify test`; it resolves itself.",
        },
        "startsAt": now,
        "endsAt": ends,
        "generatorURL": "stackctl://notify-test",
    }])
}

/// The same alert, ended at `now`: Alertmanager sends it as resolved where `send_resolved`.
pub fn resolved(labels: &Labels, receiver: &str, started: &str, now: &str) -> Value {
    firing(labels, receiver, started, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carries_the_routing_labels_and_times() {
        let labels: Labels = [("alertname".to_string(), "StackctlTest".to_string())].into();
        let body = firing(
            &labels,
            "ops",
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:10:00Z",
        );
        assert_eq!(body[0]["labels"]["alertname"], "StackctlTest");
        assert_eq!(body[0]["endsAt"], "2026-01-01T00:10:00Z");
        assert!(body[0]["annotations"]["summary"]
            .as_str()
            .unwrap()
            .contains("ops"));
    }
}
