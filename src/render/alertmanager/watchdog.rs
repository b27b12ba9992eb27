//! The route of the always-firing `Watchdog` alert (a dead man's switch): first among the
//! child routes, so it never falls through to the default receiver.
//!
//! Without `notify.watchdog.receiver` it goes to a receiver with no channel (`null`), which
//! drops it; with one, it goes there, repeated every `notify.watchdog.repeat_interval`.

use serde_json::{json, Map, Value};

use super::matchers::{matcher, Operator};
use crate::manifest::Notify;
use crate::version::Version;

/// The receiver with no channel that takes `Watchdog` by default.
pub(crate) const WATCHDOG_NULL_RECEIVER: &str = "null";
/// The alert name of the stack preset's always-firing alert.
pub(crate) const WATCHDOG_ALERT: &str = "Watchdog";

/// The receiver Watchdog goes to.
pub fn receiver(notify: &Notify) -> &str {
    notify
        .watchdog
        .receiver
        .as_deref()
        .unwrap_or(WATCHDOG_NULL_RECEIVER)
}

/// `{matchers: ['alertname="Watchdog"'], receiver, [repeat_interval]}`.
pub fn route(notify: &Notify, version: &Version) -> Value {
    let mut out = Map::new();
    let alertname = matcher("alertname", Operator::Equal, WATCHDOG_ALERT, version)
        .unwrap_or_else(|_| format!("alertname=\"{WATCHDOG_ALERT}\""));
    out.insert("matchers".into(), json!([alertname]));
    out.insert("receiver".into(), json!(receiver(notify)));
    if let Some(repeat) = &notify.watchdog.repeat_interval {
        out.insert("repeat_interval".into(), json!(repeat.as_str()));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notify(yaml: &str) -> Notify {
        serde_yaml::from_str(yaml).expect("notify parses")
    }

    #[test]
    fn watchdog_goes_to_the_null_receiver_unless_one_is_named() {
        let v = Version::new(0, 34, 0);
        let cases = [
            (
                "{default: a}",
                json!({"matchers": ["alertname=\"Watchdog\""], "receiver": "null"}),
            ),
            (
                "{default: a, watchdog: {receiver: deadman, repeat_interval: 1m}}",
                json!({"matchers": ["alertname=\"Watchdog\""], "receiver": "deadman", "repeat_interval": "1m"}),
            ),
        ];
        for (yaml, want) in cases {
            assert_eq!(route(&notify(yaml), &v), want, "{yaml}");
        }
    }
}
