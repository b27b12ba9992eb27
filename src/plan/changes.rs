//! What changed between the spec a container was created from and the spec the manifest
//! gives now, field by field, as `old → new` (`image: prom/prometheus:v2.53.0 →
//! prom/prometheus:v3.5.0`, `ports: 127.0.0.1:9090:9090/tcp → 127.0.0.1:9999:9090/tcp`,
//! `command: --storage.tsdb.retention.time=15d → --storage.tsdb.retention.time=30d`). Pure.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::{Map, Value};

/// One changed part of a spec. `old` is `None` for something added, `new` for something removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpecChange {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl std::fmt::Display for SpecChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.old, &self.new) {
            (Some(old), Some(new)) => write!(f, "{}: {old} → {new}", self.field),
            (None, Some(new)) => write!(f, "{}: + {new}", self.field),
            (Some(old), None) => write!(f, "{}: - {old}", self.field),
            (None, None) => write!(f, "{}: changed", self.field),
        }
    }
}

impl SpecChange {
    /// Every change from one canonical spec object to another (see `spec_changes`).
    pub fn between(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<SpecChange> {
        spec_changes(old, new)
    }
}

/// Environment variables whose values are never shown, only that they changed.
fn sensitive(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["PASSWORD", "SECRET", "TOKEN", "KEY", "CREDENTIAL"]
        .iter()
        .any(|word| upper.contains(word))
}

/// Every change from `old` to `new` (two canonical spec JSON objects), fields in name order.
pub(crate) fn spec_changes(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<SpecChange> {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut changes = Vec::new();
    for key in keys {
        let (a, b) = (old.get(key), new.get(key));
        if a == b {
            continue;
        }
        let none: &[Value] = &[];
        match (key.as_str(), a, b) {
            ("environment", a, b) => changes.extend(environment(a, b)),
            (_, Some(Value::Array(a)), Some(Value::Array(b))) => changes.extend(list(key, a, b)),
            // A list on one side only (compose leaves out an empty `ports:`).
            (_, Some(Value::Array(a)), None | Some(Value::Null)) => {
                changes.extend(list(key, a, none))
            }
            (_, None | Some(Value::Null), Some(Value::Array(b))) => {
                changes.extend(list(key, none, b))
            }
            (_, a, b) => changes.push(SpecChange {
                field: key.clone(),
                old: a.filter(|v| !v.is_null()).map(short),
                new: b.filter(|v| !v.is_null()).map(short),
            }),
        }
    }
    changes
}

fn environment(old: Option<&Value>, new: Option<&Value>) -> Vec<SpecChange> {
    let empty = Map::new();
    let old = old.and_then(Value::as_object).unwrap_or(&empty);
    let new = new.and_then(Value::as_object).unwrap_or(&empty);
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| {
            let shown = |v: Option<&Value>| {
                v.map(|v| {
                    if sensitive(k) {
                        "(hidden)".to_string()
                    } else {
                        short(v)
                    }
                })
            };
            SpecChange {
                field: format!("environment.{k}"),
                old: shown(old.get(k)),
                new: shown(new.get(k)),
            }
        })
        .collect()
}

/// A list field: items removed and added; a removed and an added flag of the same name
/// (`--x=1`, `--x=2`) pair up as one `old → new`.
fn list(field: &str, old: &[Value], new: &[Value]) -> Vec<SpecChange> {
    let old: Vec<String> = old.iter().map(short).collect();
    let new: Vec<String> = new.iter().map(short).collect();
    let mut removed: Vec<&String> = old.iter().filter(|o| !new.contains(o)).collect();
    let mut added: Vec<&String> = new.iter().filter(|n| !old.contains(n)).collect();
    let mut changes = Vec::new();
    removed.retain(|r| {
        let Some(i) = added.iter().position(|a| same_flag(r, a)) else {
            return true;
        };
        let a = added.remove(i);
        changes.push(change(field, Some(r), Some(a)));
        false
    });
    changes.extend(removed.into_iter().map(|r| change(field, Some(r), None)));
    changes.extend(added.into_iter().map(|a| change(field, None, Some(a))));
    if changes.is_empty() {
        // Same items, another order.
        changes.push(change(field, Some(&old.join(" ")), Some(&new.join(" "))));
    }
    changes
}

fn change(field: &str, old: Option<&String>, new: Option<&String>) -> SpecChange {
    SpecChange {
        field: field.to_string(),
        old: old.cloned(),
        new: new.cloned(),
    }
}

/// `--a=1` and `--a=2` set the same flag; so do two ports or mounts on the same target.
fn same_flag(a: &str, b: &str) -> bool {
    let name = |s: &str| -> String {
        if s.starts_with('-') {
            s.split('=').next().unwrap_or(s).to_string()
        } else {
            // ports `ip:host:container/proto` and mounts `source:target[:ro]`: the target.
            let parts: Vec<&str> = s.split(':').collect();
            match parts.len() {
                3 if s.contains('/') => parts[2].to_string(),
                2 | 3 => parts[1].to_string(),
                _ => s.to_string(),
            }
        }
    };
    name(a) == name(b)
}

/// A value in a few words: strings as they are, ports and mounts in compose's short syntax.
fn short(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Object(map) if map.contains_key("container_port") => format!(
            "{}:{}:{}/{}",
            text(&map["host_ip"]),
            text(&map["host_port"]),
            text(&map["container_port"]),
            text(&map["protocol"]),
        ),
        // The same port as docker-compose.yml writes it.
        Value::Object(map) if map.contains_key("published") && map.contains_key("target") => {
            format!(
                "{}:{}:{}/{}",
                map.get("host_ip").map(text).unwrap_or_default(),
                text(&map["published"]),
                text(&map["target"]),
                map.get("protocol")
                    .map(text)
                    .unwrap_or_else(|| "tcp".into()),
            )
        }
        Value::Object(map) if map.contains_key("target") && map.contains_key("source") => {
            let source = match &map["source"] {
                Value::Object(s) => s.values().next().map(text).unwrap_or_default(),
                other => text(other),
            };
            let ro = if map.get("read_only") == Some(&Value::Bool(true)) {
                ":ro"
            } else {
                ""
            };
            format!("{source}:{}{ro}", text(&map["target"]))
        }
        other => other.to_string(),
    }
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(old: Value, new: Value) -> Vec<String> {
        let (Value::Object(old), Value::Object(new)) = (old, new) else {
            unreachable!()
        };
        spec_changes(&old, &new)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn says_old_and_new_for_each_kind_of_field() {
        let port = |p: u16| serde_json::json!({"host_ip": "127.0.0.1", "host_port": p, "container_port": 9090, "protocol": "tcp"});
        let rows = [
            (
                "image tag",
                serde_json::json!({"image": "prom/prometheus:v2.53.0"}),
                serde_json::json!({"image": "prom/prometheus:v3.5.0"}),
                vec!["image: prom/prometheus:v2.53.0 → prom/prometheus:v3.5.0"],
            ),
            (
                "published port",
                serde_json::json!({"ports": [port(9090)]}),
                serde_json::json!({"ports": [port(9999)]}),
                vec!["ports: 127.0.0.1:9090:9090/tcp → 127.0.0.1:9999:9090/tcp"],
            ),
            (
                "a flag's value, a flag added",
                serde_json::json!({"command": ["--config.file=/etc/p.yml", "--retention=15d"]}),
                serde_json::json!({"command": ["--config.file=/etc/p.yml", "--retention=30d", "--web.enable-lifecycle"]}),
                vec![
                    "command: --retention=15d → --retention=30d",
                    "command: + --web.enable-lifecycle",
                ],
            ),
            (
                "environment, secret-looking values hidden",
                serde_json::json!({"environment": {"A": "1", "DB_PASSWORD": "x"}}),
                serde_json::json!({"environment": {"A": "2", "DB_PASSWORD": "y"}}),
                vec![
                    "environment.A: 1 → 2",
                    "environment.DB_PASSWORD: (hidden) → (hidden)",
                ],
            ),
            (
                "a flag removed, user set",
                serde_json::json!({"privileged": true, "user": null}),
                serde_json::json!({"privileged": false, "user": "65534"}),
                vec!["privileged: true → false", "user: + 65534"],
            ),
            (
                "a list left out on one side",
                serde_json::json!({"ports": [{"target": 9093, "published": "9093", "host_ip": "127.0.0.1", "protocol": "tcp"}]}),
                serde_json::json!({}),
                vec!["ports: - 127.0.0.1:9093:9093/tcp"],
            ),
        ];
        for (case, old, new, want) in rows {
            assert_eq!(changes(old, new), want, "{case}");
        }
    }
}
