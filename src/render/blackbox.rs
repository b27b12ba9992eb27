//! `blackbox/blackbox.yml` (probe modules) and blackbox_exporter's command line.
//!
//! The defaults `http_2xx` (HTTP, IPv4 preferred), `tcp_connect` and `icmp` are always there.
//! `components.blackbox_exporter.modules` adds modules; a module named like a default
//! REPLACES that default as a whole (no deep merge: a merged `prober: tcp` next to a default
//! `http:` block would be a module nobody wrote). Nothing here depends on the release: these
//! keys are the same in 0.23 and 0.28.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_yaml::Value;

use super::{Draft, Stack};
use crate::manifest::Diagnostic;

pub const FILE: &str = "blackbox/blackbox.yml";
pub const TEMPLATE: &str = "blackbox/blackbox.yml.j2";
pub const CONFIG_FILE: &str = "/etc/blackbox_exporter/blackbox.yml";

/// What blackbox.yml.j2 lays out: every module by name, in name order.
#[derive(Debug, Serialize)]
pub(crate) struct BlackboxConfig {
    pub modules: BTreeMap<String, Value>,
}

pub fn render(stack: &Stack, draft: &mut Draft) -> anyhow::Result<()> {
    let Some(settings) = stack.manifest.components.blackbox_exporter.as_ref() else {
        return Ok(());
    };
    let mut valid = true;
    for (name, module) in &settings.modules {
        if let Some(message) = module_problem(module) {
            draft.problem(
                Diagnostic::new(format!("components.blackbox_exporter.modules.{name}"), format!("module `{name}` {message}"))
                    .hint("a module is a mapping such as `{prober: http, timeout: 5s, http: {valid_status_codes: [200]}}`; see blackbox_exporter's CONFIGURATION.md"),
            );
            valid = false;
        }
    }
    if !valid {
        return Ok(());
    }
    let config = BlackboxConfig {
        modules: modules(&settings.modules),
    };
    let text = stack.templates.render(TEMPLATE, &config)?;
    let extra = settings.extra_config.as_ref();
    let key = "components.blackbox_exporter.extra_config";
    super::yaml_overlay::add_yaml(draft, FILE, text, extra, key)
}

/// The default modules with the manifest's modules over them (same name: replaced).
pub fn modules(extra: &BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    let mut modules = default_modules();
    for (name, module) in extra {
        modules.insert(name.clone(), module.clone());
    }
    modules
}

fn default_modules() -> BTreeMap<String, Value> {
    let parse = |yaml: &str| serde_yaml::from_str::<Value>(yaml).expect("default modules are YAML");
    BTreeMap::from([
        (
            "http_2xx".to_string(),
            parse("{prober: http, http: {preferred_ip_protocol: ip4}}"),
        ),
        ("tcp_connect".to_string(), parse("{prober: tcp}")),
        ("icmp".to_string(), parse("{prober: icmp}")),
    ])
}

/// Why a module from the manifest cannot be a blackbox module, if it cannot.
fn module_problem(module: &Value) -> Option<String> {
    let Some(map) = module.as_mapping() else {
        return Some(format!(
            "must be a mapping, found {}",
            crate::manifest::describe_value(module)
        ));
    };
    match map.get("prober") {
        Some(Value::String(_)) => None,
        Some(other) => Some(format!(
            "has a `prober` that is {}, not a name",
            crate::manifest::describe_value(other)
        )),
        None => Some("has no `prober` (http, tcp, dns, icmp or grpc)".to_string()),
    }
}

/// The container command line (replaces the image's CMD, which reads `config.yml`).
pub fn command(_stack: &Stack, _component: &super::Component) -> Vec<String> {
    vec![format!("--config.file={CONFIG_FILE}")]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(yaml: &str) -> Value {
        serde_yaml::from_str(yaml).expect("test YAML parses")
    }

    #[test]
    fn manifest_modules_add_to_or_replace_the_defaults() {
        let extra = BTreeMap::from([
            ("http_2xx".to_string(), value("{prober: http, timeout: 5s}")),
            (
                "dns_udp".to_string(),
                value("{prober: dns, dns: {query_name: example.com}}"),
            ),
        ]);
        let merged = modules(&extra);
        let names: Vec<&str> = merged.keys().map(String::as_str).collect();
        assert_eq!(names, ["dns_udp", "http_2xx", "icmp", "tcp_connect"]);
        assert_eq!(merged["http_2xx"], value("{prober: http, timeout: 5s}"));
        assert_eq!(merged["icmp"], value("{prober: icmp}"));
    }

    #[test]
    fn modules_without_a_prober_are_refused() {
        let cases = [
            ("{prober: tcp}", false),
            ("{timeout: 5s}", true),
            ("{prober: [http]}", true),
            ("http", true),
        ];
        for (module, refused) in cases {
            assert_eq!(
                module_problem(&value(module)).is_some(),
                refused,
                "{module}"
            );
        }
    }
}
