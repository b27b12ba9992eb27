//! `version` and `image` of every component and exporter: a supported release number
//! (`catalog::versions`) and an image reference Docker accepts.

use crate::catalog::versions::{self, Releases};
use crate::manifest::{ComponentSettings, Diagnostic, Manifest};

pub fn check(manifest: &Manifest, problems: &mut Vec<Diagnostic>) {
    let c = &manifest.components;
    let components: [(&str, Option<&dyn ComponentSettings>); 12] = [
        ("prometheus", c.prometheus.as_ref().map(|s| s as _)),
        ("alertmanager", c.alertmanager.as_ref().map(|s| s as _)),
        ("grafana", c.grafana.as_ref().map(|s| s as _)),
        ("loki", c.loki.as_ref().map(|s| s as _)),
        ("alloy", c.alloy.as_ref().map(|s| s as _)),
        ("promtail", c.promtail.as_ref().map(|s| s as _)),
        ("jaeger", c.jaeger.as_ref().map(|s| s as _)),
        ("node_exporter", c.node_exporter.as_ref().map(|s| s as _)),
        ("cadvisor", c.cadvisor.as_ref().map(|s| s as _)),
        (
            "blackbox_exporter",
            c.blackbox_exporter.as_ref().map(|s| s as _),
        ),
        ("pushgateway", c.pushgateway.as_ref().map(|s| s as _)),
        (
            "victoriametrics",
            c.victoriametrics.as_ref().map(|s| s as _),
        ),
    ];
    for (key, settings) in components {
        let (Some(settings), Some(releases)) = (settings, versions::component(key)) else {
            continue;
        };
        let path = format!("components.{key}");
        check_settings(
            &path,
            releases,
            settings.version(),
            settings.image(),
            problems,
        );
    }
    for (index, exporter) in manifest.exporters.iter().enumerate() {
        // An unknown type is reported by the exporter checks.
        if let Some(releases) = exporter.exporter_type().map(versions::exporter) {
            check_settings(
                &format!("exporters[{index}]"),
                releases,
                exporter.version.as_deref(),
                exporter.image.as_deref(),
                problems,
            );
        }
    }
}

fn check_settings(
    path: &str,
    releases: &Releases,
    version: Option<&str>,
    image: Option<&str>,
    problems: &mut Vec<Diagnostic>,
) {
    if let Some(version) = version {
        if let Err(problem) = releases.check(version) {
            problems.push(
                Diagnostic::new(format!("{path}.version"), problem.message).hint(problem.hint),
            );
        }
    }
    if let Some(image) = image {
        if let Err(reason) = check_image_reference(image) {
            problems.push(
                Diagnostic::new(format!("{path}.image"), format!("`{image}` is not a valid image reference: {reason}"))
                    .hint("write `[registry[:port]/]name[:tag][@sha256:digest]` with a lowercase name, e.g. `registry.example.com/mirror/prometheus:v3.14.0`"),
            );
        }
    }
}

/// Docker's reference grammar (distribution/reference): lowercase path components separated
/// by `/`, an optional registry host first, an optional tag of at most 128 word characters,
/// `.` and `-`, an optional digest.
pub(crate) fn check_image_reference(image: &str) -> Result<(), &'static str> {
    if image.is_empty() {
        return Err("it is empty");
    }
    if image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains whitespace");
    }
    if image.len() > 255 {
        return Err("it is longer than 255 characters");
    }
    let (rest, digest) = match image.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (image, None),
    };
    if let Some(digest) = digest {
        let valid = digest.split_once(':').is_some_and(|(algorithm, hex)| {
            !algorithm.is_empty()
                && algorithm
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+._-".contains(c))
                && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        });
        if !valid {
            return Err("the digest is not `algorithm:hex`");
        }
    }
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].split_once(':') {
        Some((_, tag)) => (&rest[..rest.len() - tag.len() - 1], Some(tag)),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let mut chars = tag.chars();
        let valid = matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric() || c == '_')
            && tag.len() <= 128
            && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !valid {
            return Err("the tag is not 1-128 letters, digits, `_`, `.` or `-`");
        }
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    let has_registry = parts.len() > 1
        && (parts[0].contains(['.', ':'])
            || parts[0] == "localhost"
            || parts[0].chars().any(|c| c.is_ascii_uppercase()));
    if has_registry {
        let host = parts.remove(0);
        let (hostname, port) = host
            .split_once(':')
            .map_or((host, None), |(h, p)| (h, Some(p)));
        let host_ok = !hostname.is_empty()
            && hostname.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok());
        if !host_ok || !port_ok {
            return Err("the registry is not `host[:port]`");
        }
    }
    if parts.is_empty() || !parts.iter().all(|part| is_path_component(part)) {
        return Err("the name must be lowercase letters and digits, separated by `/`, `.`, `_`, `__` or `-`");
    }
    Ok(())
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
fn is_path_component(part: &str) -> bool {
    let bytes = part.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let separator = &part[start..i];
        let valid = separator == "."
            || separator == "_"
            || separator == "__"
            || separator.chars().all(|c| c == '-');
        if !valid {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::test_support::check_case;
    use super::check_image_reference;

    #[test]
    fn accepts_image_references_docker_accepts() {
        let cases = [
            ("prom/prometheus:v3.14.0", true),
            ("registry.example.com/mirror/grafana:13.2.3", true),
            ("localhost:5000/prom/prometheus", true),
            ("stackctl-test/prometheus:local", true),
            ("quay.io/prometheuscommunity/postgres-exporter:v0.20.1", true),
            ("ghcr.io/google/cadvisor@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true),
            ("UPPER/Case:tag with space", false),
            ("UPPER/case:tag", true),
            ("upper/Case:tag", false),
            ("prom/prometheus:", false),
            ("prom//prometheus", false),
            ("prom/prometheus:-x", false),
            ("", false),
        ];
        for (image, ok) in cases {
            assert_eq!(
                check_image_reference(image).is_ok(),
                ok,
                "{image}: {:?}",
                check_image_reference(image)
            );
        }
    }

    #[test]
    fn checks_versions_and_images_of_components_and_exporters() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            ("components: {prometheus: {version: 2.42.0}, alertmanager: {version: 0.25.0}, grafana: {version: 10.1.0, admin_password: x}}", None),
            ("components: {prometheus: {version: latest}}", Some(("components.prometheus.version", "`latest` is not a Prometheus release number"))),
            ("components: {prometheus: {version: ''}}", Some(("components.prometheus.version", "the Prometheus version is empty"))),
            ("components: {prometheus: {version: 'v3.x.y'}}", Some(("components.prometheus.version", "`v3.x.y` is not a Prometheus release number"))),
            ("components: {jaeger: {version: '1.50'}}", Some(("components.jaeger.version", "Jaeger 1.50.0 is no longer supported"))),
            ("components: {loki: {version: 2.9.4}}", Some(("components.loki.version", "Loki 2.9.4 is no longer supported"))),
            ("components: {prometheus: {image: 'UPPER/Case:tag with space'}}", Some(("components.prometheus.image", "is not a valid image reference: it contains whitespace"))),
            ("exporters: [{type: redis, target: 'redis:6379', version: latest}]", Some(("exporters[0].version", "`latest` is not a redis_exporter release number"))),
        ];
        for (extra, want) in cases {
            check_case(extra, *want);
        }
    }
}
