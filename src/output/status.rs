//! How `stackctl status` prints on the compose engine: the services table and Prometheus' view
//! (left out under `-q`), then the verdict with each problem; or the report as JSON. The report
//! itself, which is also the `status --json` document, is `report`.

pub(crate) mod report;

use super::style;
use crate::output::status::report::PrometheusView;
pub use report::Report;
pub(crate) use report::{
    Config, CreatedBy, Problem, ProblemCode, ServiceRow, STATUS_SCHEMA_VERSION,
};

/// Prints the report, as text or as the `status --json` document.
pub(crate) fn print(report: &Report, json: bool) -> anyhow::Result<()> {
    if json {
        super::print_json(report)?;
    } else {
        anstream::print!("{}", text(report, !style::quiet()));
    }
    Ok(())
}

/// The whole text, its verdict words painted; `details` adds the table and Prometheus' view.
pub(crate) fn text(report: &Report, details: bool) -> String {
    let mut text = if details {
        details_text(report)
    } else {
        String::new()
    };
    if report.healthy {
        text.push_str(&format!(
            "stack `{}` is {}\n",
            report.project,
            style::verdict("healthy")
        ));
    } else {
        text.push_str(&format!(
            "stack `{}` is {}:\n",
            report.project,
            style::verdict("degraded")
        ));
        for p in &report.problems {
            text.push_str(&format!("  - {}\n", p.message));
        }
    }
    text
}

/// The table of services, Prometheus' view when there is one, and a blank line.
fn details_text(report: &Report) -> String {
    let painted: Vec<String> = table(report).lines().map(paint_row).collect();
    let mut text = format!("{}\n", painted.join("\n"));
    if let Some(view) = &report.prometheus {
        text.push('\n');
        text.push_str(&prometheus_text(view));
    }
    text.push('\n');
    text
}

/// The services table, laid out by comfy-table with no borders.
fn table(report: &Report) -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::NOTHING);
    table.set_header([
        "SERVICE", "STATE", "HEALTH", "UPTIME", "IMAGE", "CONFIG", "URL",
    ]);
    let dash = || "-".to_string();
    for s in &report.services {
        let uptime = s.uptime_seconds.map(human_uptime).unwrap_or_else(dash);
        let config = match (s.config, s.created_by) {
            (Some(c), Some(CreatedBy::Compose)) => format!("{} (compose)", c.as_str()),
            (Some(c), _) => c.as_str().to_string(),
            (None, _) => dash(),
        };
        table.add_row([
            s.service.clone(),
            s.state.clone(),
            s.health.clone().unwrap_or_else(dash),
            uptime,
            s.image.clone(),
            config,
            s.url.clone().unwrap_or_else(dash),
        ]);
    }
    // Colour per cell would break comfy-table's widths; verdict words are painted after.
    table.to_string()
}

/// `targets: 3 up, 1 down`, each down target, rule failures and firing alerts.
fn prometheus_text(view: &PrometheusView) -> String {
    let mut text = format!(
        "targets: {} up, {} down\n",
        view.targets_up,
        view.targets_down.len()
    );
    for t in &view.targets_down {
        text.push_str(&format!(
            "  {}  {} ({}): {}\n",
            style::verdict("down"),
            t.instance,
            t.job,
            t.last_error
        ));
    }
    text.push_str(&format!(
        "rule evaluation failures: {}\n",
        view.rule_failures.len()
    ));
    for r in &view.rule_failures {
        text.push_str(&format!("  {} / {}: {}\n", r.group, r.rule, r.error));
    }
    text.push_str(&format!("firing alerts: {}\n", view.firing_alerts.len()));
    for a in &view.firing_alerts {
        let labels: Vec<String> = a.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        text.push_str(&format!("  {} {}\n", a.name, labels.join(", ")));
    }
    text
}

/// A table row with its state, health and config words painted (widths are already laid out).
fn paint_row(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        let painted = match word {
            "running" | "healthy" | "ready" | "current" => word.to_string(),
            _ => style::verdict(word),
        };
        out.push_str(&painted);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `3d 4h`, `2h 5m`, `4m 10s`, `12s`: the two largest units.
pub(crate) fn human_uptime(seconds: i64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests;
