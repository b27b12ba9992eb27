//! Every version gate of the renderer: one fact per row (component, key, first release).
//!
//! Render code asks a named gate (`gates::GRAFANA_PLUGINS_PREINSTALL.holds(&version)`) and never
//! compares versions itself, so [`GATES`] is the whole story. docs/manifest.md's
//! "Version-dependent behaviour" table is generated from it ([`markdown_table`]) and a test
//! keeps the two equal.

use crate::version::Version;

/// A key or behaviour that exists from `since` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Gate {
    pub component: &'static str,
    /// The config key, flag or behaviour, as it appears in the rendered files.
    pub key: &'static str,
    /// The first release that has it.
    pub since: Version,
    /// What stackctl renders from `since` on, and what it does for older releases.
    pub effect: &'static str,
}

impl Gate {
    pub fn holds(&self, version: &Version) -> bool {
        *version >= self.since
    }
}

const fn gate(
    component: &'static str,
    key: &'static str,
    since: Version,
    effect: &'static str,
) -> Gate {
    Gate {
        component,
        key,
        since,
        effect,
    }
}

const fn v(major: u64, minor: u64, patch: u64) -> Version {
    Version::new(major, minor, patch)
}

// Prometheus (CHANGELOG.md of prometheus/prometheus).
pub(crate) const PROMETHEUS_RETENTION_IN_CONFIG: Gate = gate(
    "Prometheus",
    "storage.tsdb.retention",
    v(3, 8, 0),
    "retention in prometheus.yml (reloadable); older: `--storage.tsdb.retention.*` flags",
);
pub(crate) const PROMETHEUS_FALLBACK_SCRAPE_PROTOCOL: Gate = gate(
    "Prometheus",
    "fallback_scrape_protocol",
    v(3, 0, 0),
    "set on every scrape job (3.x fails a scrape without a valid Content-Type); older: left out",
);
pub(crate) const PROMETHEUS_EXTERNAL_LABELS_EXPAND_ENV: Gate = gate(
    "Prometheus",
    "external_labels",
    v(3, 0, 0),
    "`$` in external label values written `$$` (3.x expands env vars there); older: written as is",
);
pub(crate) const PROMETHEUS_GROUP_LABELS: Gate = gate(
    "Prometheus",
    "groups[].labels",
    v(3, 0, 0),
    "rule group `labels`; older: copied onto each rule of the group (a rule's own label wins)",
);
pub(crate) const PROMETHEUS_KEEP_FIRING_FOR: Gate = gate(
    "Prometheus",
    "keep_firing_for",
    v(2, 42, 0),
    "alerting rules may keep firing after the condition clears",
);

// Alertmanager (CHANGELOG.md of prometheus/alertmanager).
pub(crate) const ALERTMANAGER_MSTEAMS_V2: Gate = gate(
    "Alertmanager",
    "msteamsv2_configs",
    v(0, 28, 0),
    "Microsoft Teams through Workflows, with `webhook_url_file`",
);
pub(crate) const ALERTMANAGER_UTF8_LABEL_NAMES: Gate = gate(
    "Alertmanager",
    "UTF-8 label names",
    v(0, 27, 0),
    "any label name in matchers and `group_by` (quoted); older: classic names only, others refused",
);
pub(crate) const ALERTMANAGER_TIME_INTERVALS: Gate = gate(
    "Alertmanager",
    "time_intervals",
    v(0, 24, 0),
    "`quiet_hours` rendered as `time_intervals`; older: refused",
);

// Grafana (docs "What's new", breaking changes).
pub(crate) const GRAFANA_PLUGINS_PREINSTALL: Gate = gate(
    "Grafana",
    "GF_PLUGINS_PREINSTALL",
    v(11, 5, 0),
    "`plugins` installed through `GF_PLUGINS_PREINSTALL`; older: `GF_INSTALL_PLUGINS`",
);
pub(crate) const GRAFANA_NO_ANGULAR: Gate = gate(
    "Grafana",
    "Angular plugins removed",
    v(12, 0, 0),
    "AngularJS panel plugins (e.g. `grafana-piechart-panel`) no longer load: a warning names them",
);

// Loki (release notes).
pub(crate) const LOKI_HEALTH_FLAG: Gate = gate(
    "Loki",
    "loki -health",
    v(3, 7, 0),
    "container healthcheck `loki -health`",
);
pub(crate) const LOKI_DISTROLESS: Gate = gate(
    "Loki",
    "distroless image",
    v(3, 5, 8),
    "3.5.8–3.6 images have no shell or wget, so no in-container healthcheck; older: `wget /ready`",
);

// Alloy (CHANGELOG.md of grafana/alloy).
pub(crate) const ALLOY_VALIDATE: Gate = gate(
    "Alloy",
    "alloy validate",
    v(1, 9, 0),
    "`stackctl validate` also runs `alloy validate` in the image (always `alloy fmt`)",
);

/// Alertmanager receiver channels and their keys: key `channel` (the channel itself) or
/// `channel.key`, read through `render::alertmanager::features`.
pub(crate) const ALERTMANAGER_CHANNELS: &str = "Alertmanager receivers";
/// Alertmanager secret keys read from a file: key `channel.file_key`.
pub(crate) const ALERTMANAGER_SECRET_FILES: &str = "Alertmanager secret files";

const CHANNEL_EFFECT: &str = "rendered; older: refused, naming the release that added it";
const FILE_EFFECT: &str = "secret handed by file; older: refused (the secret would be inline)";

/// Every gate, in the order the docs list them.
pub(crate) const GATES: &[Gate] = &[
    PROMETHEUS_RETENTION_IN_CONFIG,
    PROMETHEUS_FALLBACK_SCRAPE_PROTOCOL,
    PROMETHEUS_EXTERNAL_LABELS_EXPAND_ENV,
    PROMETHEUS_GROUP_LABELS,
    PROMETHEUS_KEEP_FIRING_FOR,
    ALERTMANAGER_MSTEAMS_V2,
    ALERTMANAGER_UTF8_LABEL_NAMES,
    ALERTMANAGER_TIME_INTERVALS,
    // CHANGELOG.md of prometheus/alertmanager, per channel key.
    gate(
        ALERTMANAGER_CHANNELS,
        "telegram",
        v(0, 24, 0),
        CHANNEL_EFFECT,
    ), // #2827
    gate(
        ALERTMANAGER_CHANNELS,
        "opsgenie.update_alerts",
        v(0, 24, 0),
        CHANNEL_EFFECT,
    ), // #2519
    gate(
        ALERTMANAGER_CHANNELS,
        "opsgenie.entity",
        v(0, 24, 0),
        CHANNEL_EFFECT,
    ), // #2753
    gate(
        ALERTMANAGER_CHANNELS,
        "opsgenie.actions",
        v(0, 24, 0),
        CHANNEL_EFFECT,
    ), // #2753
    gate(
        ALERTMANAGER_CHANNELS,
        "discord",
        v(0, 25, 0),
        CHANNEL_EFFECT,
    ), // #2948
    gate(
        ALERTMANAGER_CHANNELS,
        "pagerduty.source",
        v(0, 25, 0),
        CHANNEL_EFFECT,
    ), // #3106
    gate(
        ALERTMANAGER_CHANNELS,
        "msteams",
        v(0, 26, 0),
        "legacy connectors (`msteams_configs`, 0.26–0.27); older: refused",
    ),
    gate(
        ALERTMANAGER_CHANNELS,
        "telegram.message_thread_id",
        v(0, 27, 0),
        CHANNEL_EFFECT,
    ),
    gate(
        ALERTMANAGER_CHANNELS,
        "webhook.timeout",
        v(0, 28, 0),
        CHANNEL_EFFECT,
    ), // #4137
    gate(
        ALERTMANAGER_CHANNELS,
        "discord.content",
        v(0, 28, 0),
        CHANNEL_EFFECT,
    ),
    gate(
        ALERTMANAGER_CHANNELS,
        "discord.username",
        v(0, 28, 0),
        CHANNEL_EFFECT,
    ),
    gate(
        ALERTMANAGER_CHANNELS,
        "discord.avatar_url",
        v(0, 28, 0),
        CHANNEL_EFFECT,
    ),
    gate(
        ALERTMANAGER_SECRET_FILES,
        "slack.api_url_file",
        v(0, 22, 0),
        FILE_EFFECT,
    ),
    gate(
        ALERTMANAGER_SECRET_FILES,
        "opsgenie.api_key_file",
        v(0, 24, 0),
        FILE_EFFECT,
    ), // #2728
    gate(
        ALERTMANAGER_SECRET_FILES,
        "email.auth_password_file",
        v(0, 25, 0),
        FILE_EFFECT,
    ), // #3038
    gate(
        ALERTMANAGER_SECRET_FILES,
        "smtp.smtp_auth_password_file",
        v(0, 25, 0),
        FILE_EFFECT,
    ), // #3038
    gate(
        ALERTMANAGER_SECRET_FILES,
        "pagerduty.routing_key_file",
        v(0, 25, 0),
        FILE_EFFECT,
    ), // #3107
    gate(
        ALERTMANAGER_SECRET_FILES,
        "pagerduty.service_key_file",
        v(0, 25, 0),
        FILE_EFFECT,
    ), // #3107
    gate(
        ALERTMANAGER_SECRET_FILES,
        "webhook.url_file",
        v(0, 26, 0),
        FILE_EFFECT,
    ),
    gate(
        ALERTMANAGER_SECRET_FILES,
        "telegram.bot_token_file",
        v(0, 26, 0),
        FILE_EFFECT,
    ),
    // 0.27.0 added `webhook_url_file` for Discord and Teams; it is read only from 0.28.0.
    gate(
        ALERTMANAGER_SECRET_FILES,
        "discord.webhook_url_file",
        v(0, 28, 0),
        FILE_EFFECT,
    ),
    gate(
        ALERTMANAGER_SECRET_FILES,
        "msteamsv2.webhook_url_file",
        v(0, 28, 0),
        FILE_EFFECT,
    ),
    // http_config (prometheus/common) has read these for long.
    gate(
        ALERTMANAGER_SECRET_FILES,
        "http_config.credentials_file",
        v(0, 0, 0),
        FILE_EFFECT,
    ),
    gate(
        ALERTMANAGER_SECRET_FILES,
        "http_config.password_file",
        v(0, 0, 0),
        FILE_EFFECT,
    ),
    GRAFANA_NO_ANGULAR,
    GRAFANA_PLUGINS_PREINSTALL,
    LOKI_HEALTH_FLAG,
    LOKI_DISTROLESS,
    ALLOY_VALIDATE,
];

/// The first release of `component` that has `key`, if that is gated.
pub fn since(component: &str, key: &str) -> Option<Version> {
    GATES
        .iter()
        .find(|gate| gate.component == component && gate.key == key)
        .map(|gate| gate.since)
}

/// The docs table: one row per gate (gates every release has are left out); a test holds
/// docs/manifest.md to it.
#[cfg(test)]
fn markdown_table() -> String {
    let mut out = String::from("| component | key | since | effect |\n|---|---|---|---|\n");
    for gate in GATES
        .iter()
        .filter(|gate| gate.since > Version::new(0, 0, 0))
    {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            gate.component, gate.key, gate.since, gate.effect
        ));
    }
    out
}

/// Grafana panel plugins built on AngularJS, which Grafana 12 no longer loads (Grafana's
/// "Angular support deprecation" list of the most installed ones).
pub(crate) const ANGULAR_PLUGINS: &[&str] = &[
    "grafana-piechart-panel",
    "grafana-worldmap-panel",
    "briangann-gauge-panel",
    "briangann-datatable-panel",
    "natel-discrete-panel",
    "natel-plotly-panel",
    "vonage-status-panel",
    "jdbranham-diagram-panel",
    "michaeldmoore-annunciator-panel",
    "mxswat-separator-panel",
    "neocat-cal-heatmap-panel",
    "petrslavotinek-carpetplot-panel",
    "savantly-heatmap-panel",
    "snuids-trafficlights-panel",
    "btplc-status-dot-panel",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_list_every_gate() {
        let docs = include_str!("../../docs/manifest.md");
        let section = docs
            .split("## Version-dependent behaviour")
            .nth(1)
            .expect("docs/manifest.md has a `Version-dependent behaviour` section");
        let table = markdown_table();
        assert!(
            section.contains(&table),
            "docs/manifest.md's Version-dependent behaviour table is out of date; replace it with:\n\n{table}"
        );
    }

    fn just_before(v: Version) -> Version {
        match (v.major, v.minor, v.patch) {
            (major, minor, patch) if patch > 0 => Version::new(major, minor, patch - 1),
            (major, minor, _) if minor > 0 => Version::new(major, minor - 1, 999),
            (major, _, _) => Version::new(major - 1, 999, 999),
        }
    }

    #[test]
    fn each_gate_holds_from_its_first_release_on() {
        for gate in GATES
            .iter()
            .filter(|gate| gate.since > Version::new(0, 0, 0))
        {
            let before = just_before(gate.since);
            assert!(gate.holds(&gate.since), "{gate:?}");
            assert!(!gate.holds(&before), "{gate:?}");
        }
        let keys: std::collections::BTreeSet<_> =
            GATES.iter().map(|g| (g.component, g.key)).collect();
        assert_eq!(keys.len(), GATES.len(), "a gate is listed twice");
    }
}
