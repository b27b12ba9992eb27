//! `stackctl outdated [--json] [--exit-code]`: each service's release, what pins it (the
//! manifest's `version` or `image`, `stackctl.lock`, or nothing yet) and the newest release this
//! stackctl knows (`catalog::versions`).

use std::process::ExitCode;

use serde_json::json;

use crate::cli::{GlobalArgs, OutdatedArgs};
use crate::release_lock::{self, Pin, PinSource};

pub fn exec(global: &GlobalArgs, args: &OutdatedArgs) -> anyhow::Result<ExitCode> {
    let loaded = super::load_manifest(global)?;
    let lock = super::read_release_lock(&loaded)?;
    let pins = release_lock::pins(&loaded, &lock);
    if args.json {
        crate::output::print_json(&report_json(&pins))?;
    } else {
        crate::output::print_data(&report_text(&pins));
    }
    let behind = pins.iter().any(Pin::is_behind);
    Ok(if args.exit_code && behind {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One aligned row per service, then what to do about it.
fn report_text(pins: &[Pin]) -> String {
    let mut rows = vec![[
        "SERVICE".to_string(),
        "RELEASE".to_string(),
        "PINNED BY".to_string(),
        "NEWEST".to_string(),
        String::new(),
    ]];
    for pin in pins {
        let state = match (pin.is_behind(), pin.source) {
            (true, _) => "behind",
            (false, PinSource::Unpinned) => "follows stackctl until `deploy` locks it",
            (false, _) => "up to date",
        };
        rows.push([
            pin.service.clone(),
            pin.release.to_string(),
            pin.source.describe().to_string(),
            pin.releases.newest.to_string(),
            state.to_string(),
        ]);
    }
    let mut widths = [0usize; 4];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row.iter()) {
            *width = (*width).max(cell.len());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:<w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let behind = pins.iter().filter(|p| p.is_behind()).count();
    if behind > 0 {
        out.push_str(&format!(
            "{behind} behind: `stackctl upgrade --dry-run` shows what would change (version gates, rendered files)\n"
        ));
    } else {
        out.push_str("every release is the newest stackctl knows\n");
    }
    out
}

/// `stackctl outdated --json`: `schema_version` 1; `pinned_by` is `manifest`, `image`, `lock`
/// or `none`.
fn report_json(pins: &[Pin]) -> serde_json::Value {
    let services: Vec<serde_json::Value> = pins
        .iter()
        .map(|pin| {
            json!({
                "service": pin.service,
                "key": pin.key,
                "program": pin.releases.name,
                "release": pin.release.to_string(),
                "image": pin.image,
                "pinned_by": match pin.source {
                    PinSource::Manifest => "manifest",
                    PinSource::Image => "image",
                    PinSource::Lock => "lock",
                    PinSource::Unpinned => "none",
                },
                "newest": pin.releases.newest,
                "behind": pin.is_behind(),
            })
        })
        .collect();
    json!({ "schema_version": 1, "services": services })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::catalog::versions;

    #[test]
    fn lists_release_source_and_newest_per_service() {
        let loaded = crate::manifest::load_str(
            Path::new("stackctl.yaml"),
            "version: 1\nproject: p\ncomponents:\n  prometheus: {version: 3.5.0}\n  alertmanager: {}\n",
            &|_| None,
        )
        .unwrap();
        let pins = release_lock::pins(&loaded, &release_lock::ReleaseLock::default());
        let text = report_text(&pins);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "SERVICE       RELEASE  PINNED BY      NEWEST");
        assert_eq!(
            lines[1],
            format!(
                "prometheus    3.5.0    stackctl.yaml  {:<6}  behind",
                versions::PROMETHEUS.newest
            )
        );
        let unpinned = format!(
            "alertmanager  {:<7}  not pinned",
            versions::ALERTMANAGER.newest
        );
        assert!(lines[2].starts_with(&unpinned), "{}", lines[2]);
        assert!(lines[2].ends_with("follows stackctl until `deploy` locks it"));
        assert!(lines[3].starts_with("1 behind:"), "{text}");
        let json = report_json(&pins);
        assert_eq!(json["services"][0]["pinned_by"], "manifest");
        assert_eq!(json["services"][0]["behind"], true);
        assert_eq!(json["services"][1]["pinned_by"], "none");
    }
}
