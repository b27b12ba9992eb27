//! Start order: which service waits for which, and the specs sorted so that every service
//! comes after the services it depends on (stable otherwise: topology order).

use crate::render::{Kind, Stack};
use crate::service::ServiceSpec;

/// The services `kind` needs running first, among those the stack has: Grafana its
/// datasources, Prometheus its Alertmanager, the log shippers Loki.
pub fn depends_on(stack: &Stack, kind: &Kind) -> Vec<String> {
    let needs: &[Kind] = match kind {
        Kind::Grafana => &[
            Kind::Prometheus,
            Kind::Loki,
            Kind::Jaeger,
            Kind::VictoriaMetrics,
        ],
        Kind::Prometheus => &[Kind::Alertmanager, Kind::VictoriaMetrics],
        Kind::Alloy | Kind::Promtail => &[Kind::Loki],
        _ => &[],
    };
    needs
        .iter()
        .filter_map(|k| stack.get(k))
        .map(|c| c.service.clone())
        .collect()
}

/// Sorts `specs` so dependencies come first; keeps the given order among independent ones.
/// A dependency on a service that is not in `specs` is ignored; a cycle (impossible with
/// `depends_on` above) keeps the remaining services in their given order.
pub(crate) fn dependency_order(specs: Vec<ServiceSpec>) -> Vec<ServiceSpec> {
    let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
    let mut pending = specs;
    let mut placed: Vec<ServiceSpec> = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready = pending.iter().position(|spec| {
            spec.depends_on
                .iter()
                .all(|dep| !names.contains(dep) || placed.iter().any(|p| &p.name == dep))
        });
        match ready {
            Some(index) => placed.push(pending.remove(index)),
            None => {
                placed.append(&mut pending);
            }
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, deps: &[&str]) -> ServiceSpec {
        let mut spec = ServiceSpec::new(name, "image:1");
        spec.depends_on = deps.iter().map(|d| d.to_string()).collect();
        spec
    }

    #[test]
    fn dependencies_come_first_and_independent_services_keep_their_order() {
        type Case<'a> = (&'a [(&'a str, &'a [&'a str])], &'a [&'a str]);
        let cases: &[Case] = &[
            (
                &[
                    ("prometheus", &["alertmanager"]),
                    ("alertmanager", &[]),
                    ("grafana", &["prometheus", "loki"]),
                    ("loki", &[]),
                ],
                &["alertmanager", "prometheus", "loki", "grafana"],
            ),
            (
                &[("alloy", &["loki"]), ("node-exporter", &[]), ("loki", &[])],
                &["node-exporter", "loki", "alloy"],
            ),
            (&[("grafana", &["prometheus"])], &["grafana"]),
            (
                &[("a", &["b"]), ("b", &["a"]), ("c", &[])],
                &["c", "a", "b"],
            ),
        ];
        for (input, expected) in cases {
            let specs = input.iter().map(|(n, d)| spec(n, d)).collect();
            let got: Vec<String> = dependency_order(specs)
                .into_iter()
                .map(|s| s.name)
                .collect();
            assert_eq!(got, *expected);
        }
    }
}
