//! `stackctl upgrade [COMPONENT…] [--dry-run]`: bumps pinned releases to the newest this
//! stackctl knows — the `version` in stackctl.yaml (edited in place, comments kept) or the entry
//! in `stackctl.lock` — and first prints, for each bump, the version gates that flip and a
//! unified diff of the rendered files. Nothing is deployed: `stackctl deploy` does that.
//!
//! A service pinned by an `image` tag is not bumped (the tag is the operator's choice).
//! This file decides the bumps and writes the files; `output::upgrade` words the report.

use std::process::ExitCode;

use crate::catalog::gates::{Gate, GATES};
use crate::cli::{GlobalArgs, UpgradeArgs};
use crate::manifest::topology;
use crate::manifest::{LoadedManifest, Location};
use crate::output;
use crate::output::upgrade::{print_event, BumpReport, Place, UpgradeEvent};
use crate::release_lock::{self, Pin, PinSource, ReleaseLock};
use crate::render;
use crate::version::Version;

use crate::error::CommandError;

/// One release to bump.
struct Bump<'a> {
    pin: &'a Pin,
    to: Version,
}

pub fn exec(global: &GlobalArgs, args: &UpgradeArgs) -> anyhow::Result<ExitCode> {
    let mut loaded = super::load_manifest(global)?;
    // The diff renders with a value the stack lacks (web password, TLS pair) made for this
    // run only: `upgrade` writes the manifest and nothing else.
    let _for_this_run_only = super::generated::complete(&mut loaded)?;
    let lock = super::read_release_lock(&loaded)?;
    let pins = release_lock::pins(&loaded, &lock);
    let chosen = choose(&pins, &args.components)?;
    for pin in chosen
        .iter()
        .filter(|p| p.source == PinSource::Image && p.is_behind())
    {
        print_event(&UpgradeEvent::ImagePinned {
            service: &pin.service,
            image: &pin.image,
        });
    }
    let bumps: Vec<Bump> = chosen
        .into_iter()
        .filter(|p| p.is_behind() && matches!(p.source, PinSource::Manifest | PinSource::Lock))
        .map(|pin| Bump {
            pin,
            to: pin.newest(),
        })
        .collect();
    if bumps.is_empty() {
        print_event(&UpgradeEvent::NothingToUpgrade);
        return Ok(ExitCode::SUCCESS);
    }
    let mut upgraded = loaded.clone();
    for bump in &bumps {
        release_lock::set_version(&mut upgraded.manifest, &bump.pin.key, &bump.to.to_string());
    }
    let templates = super::templates_for(&loaded)?;
    let before = render::render(&loaded, &templates)?;
    let after = render::render(&upgraded, &templates)?;
    let manifest_text = edited_manifest(&loaded, &bumps)?;
    let reports: Vec<BumpReport> = bumps.iter().map(|b| bump_report(b, &loaded)).collect();
    output::upgrade::print_bumps(&reports, &before, &after);
    if args.dry_run {
        print_event(&UpgradeEvent::DryRun);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(text) = manifest_text {
        if loaded.path == std::path::Path::new(crate::manifest::STDIN_NAME) {
            return Err(CommandError::usage(
                "the manifest came from standard input, so its `version` keys cannot be rewritten",
            )
            .hint("run `stackctl upgrade` with `-f PATH`, or `--dry-run` to see the changes")
            .into());
        }
        crate::atomic_file::write(&loaded.path, &text, file_mode(&loaded.path))?;
        print_event(&UpgradeEvent::Wrote(loaded.path.clone()));
    }
    if bumps.iter().any(|b| b.pin.source == PinSource::Lock) {
        let new_lock = bumped_lock(&lock, &bumps, &upgraded);
        release_lock::write(&loaded.dir, &new_lock)?;
        print_event(&UpgradeEvent::Wrote(release_lock::path(&loaded.dir)));
    }
    print_event(&UpgradeEvent::Next);
    Ok(ExitCode::SUCCESS)
}

/// The services named on the command line (all when none is named); an unknown name is an
/// error listing the services there are.
fn choose<'a>(pins: &'a [Pin], names: &[String]) -> anyhow::Result<Vec<&'a Pin>> {
    for name in names {
        if !pins.iter().any(|p| p.is_named(name)) {
            let known: Vec<String> = pins.iter().map(|p| format!("`{}`", p.service)).collect();
            return Err(
                CommandError::usage(format!("the stack has no service `{name}`"))
                    .hint(format!("name one of {}", known.join(", ")))
                    .into(),
            );
        }
    }
    Ok(pins
        .iter()
        .filter(|p| names.is_empty() || names.iter().any(|n| p.is_named(n)))
        .collect())
}

/// What `output::upgrade` says of a bump: the versions, where the release is pinned, and
/// the gates that flip.
fn bump_report<'a>(bump: &'a Bump, loaded: &'a LoadedManifest) -> BumpReport<'a> {
    let pin = bump.pin;
    let place = match pin.source {
        PinSource::Manifest => Place::Manifest {
            key: &pin.key,
            file: &loaded.path,
            at: loaded
                .positions
                .find(&format!("{}.version", pin.key))
                .map(|l| (l.line, l.column)),
        },
        _ => Place::Lock {
            lock_file: release_lock::LOCK_FILE,
        },
    };
    BumpReport {
        service: &pin.service,
        from: &pin.release,
        to: &bump.to,
        place,
        gates: flipped_gates(pin.releases.name, &pin.release, &bump.to),
    }
}

/// The renderer's gates of `program` that hold for `to` but not for `from`.
fn flipped_gates(program: &str, from: &Version, to: &Version) -> Vec<&'static Gate> {
    GATES
        .iter()
        .filter(|g| g.component == program || g.component.starts_with(&format!("{program} ")))
        .filter(|g| !g.holds(from) && g.holds(to))
        .collect()
}

/// The manifest text with each bumped `version` value replaced in place (comments, quotes
/// and layout kept); `None` when no bump is in the manifest.
fn edited_manifest(loaded: &LoadedManifest, bumps: &[Bump]) -> anyhow::Result<Option<String>> {
    let mut text = loaded.source.clone();
    let mut edited = false;
    for bump in bumps.iter().filter(|b| b.pin.source == PinSource::Manifest) {
        let path = format!("{}.version", bump.pin.key);
        let replaced = loaded
            .positions
            .find(&path)
            .and_then(|at| replace_scalar(&text, at, &bump.pin.release, &bump.to));
        match replaced {
            Some(new_text) => {
                text = new_text;
                edited = true;
            }
            None => {
                return Err(CommandError::usage(format!(
                    "cannot find the value of `{path}` in {} to rewrite it",
                    loaded.path.display()
                ))
                .hint(format!("set `{path}: {}` yourself", bump.to))
                .into())
            }
        }
    }
    Ok(edited.then_some(text))
}

/// `source` with the version scalar at `at` (plain or quoted, `v` prefix kept) set to `to`;
/// `None` unless that scalar reads as release `from`.
fn replace_scalar(source: &str, at: Location, from: &Version, to: &Version) -> Option<String> {
    let line_start: usize = source
        .split_inclusive('\n')
        .take(at.line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let line = source[line_start..].split('\n').next()?;
    let column = line
        .char_indices()
        .nth(at.column.checked_sub(1)?)
        .map(|(i, _)| i)?;
    let rest = &line[column..];
    let (start, end) = match rest.chars().next()? {
        quote @ ('"' | '\'') => (1, 1 + rest[1..].find(quote)?),
        _ => (
            0,
            rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | '}' | ']' | '#'))
                .unwrap_or(rest.len()),
        ),
    };
    let old = &rest[start..end];
    if Version::parse(old)? != *from {
        return None;
    }
    let prefix = if old.starts_with('v') { "v" } else { "" };
    let offset = line_start + column;
    Some(format!(
        "{}{prefix}{to}{}",
        &source[..offset + start],
        &source[offset + end..]
    ))
}

/// The manifest's current mode, so an edit keeps it (0644 when unknown).
fn file_mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0o644)
}

/// The lock with each bumped entry at its new release and image (its image id is unknown
/// until the next deploy).
fn bumped_lock(lock: &ReleaseLock, bumps: &[Bump], upgraded: &LoadedManifest) -> ReleaseLock {
    let mut out = lock.clone();
    let components = topology::components(&upgraded.manifest);
    for bump in bumps.iter().filter(|b| b.pin.source == PinSource::Lock) {
        let image = components
            .iter()
            .find(|c| c.service == bump.pin.service)
            .map(|c| c.image.clone())
            .unwrap_or_else(|| bump.pin.image.clone());
        out.components.insert(
            bump.pin.service.clone(),
            release_lock::LockedRelease {
                release: bump.to.to_string(),
                image,
                digest: None,
                digest_kind: None,
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn rewrites_plain_quoted_and_flow_version_values_in_place() {
        let cases = [
            (
                "a:\n  version: 3.5.0 # pinned\n",
                2,
                12,
                "a:\n  version: 3.14.0 # pinned\n",
            ),
            (
                "a: {version: \"v3.5.0\", port: 1}\n",
                1,
                14,
                "a: {version: \"v3.14.0\", port: 1}\n",
            ),
            ("a: {version: 3.5.0}\n", 1, 14, "a: {version: 3.14.0}\n"),
            ("a: {version: '3.5'}\n", 1, 14, "a: {version: '3.14.0'}\n"),
        ];
        for (source, line, column, want) in cases {
            let at = Location { line, column };
            assert_eq!(
                replace_scalar(source, at, &v("3.5.0"), &v("3.14.0")).as_deref(),
                Some(want),
                "{source}"
            );
        }
        // Not the release the manifest was read with: never edit blindly.
        let at = Location {
            line: 1,
            column: 14,
        };
        assert_eq!(
            replace_scalar("a: {version: 3.6.0}\n", at, &v("3.5.0"), &v("3.14.0")),
            None
        );
    }

    #[test]
    fn names_the_gates_a_bump_flips() {
        let keys = |program, from, to| -> Vec<&str> {
            flipped_gates(program, &v(from), &v(to))
                .iter()
                .map(|g| g.key)
                .collect()
        };
        let prometheus = keys("Prometheus", "2.53.0", "3.14.0");
        assert!(
            prometheus.contains(&"fallback_scrape_protocol"),
            "{prometheus:?}"
        );
        assert!(
            prometheus.contains(&"storage.tsdb.retention"),
            "{prometheus:?}"
        );
        assert!(
            !prometheus.contains(&"keep_firing_for"),
            "held before: {prometheus:?}"
        );
        assert_eq!(keys("Prometheus", "3.8.0", "3.14.0"), Vec::<&str>::new());
        let alertmanager = keys("Alertmanager", "0.25.0", "0.28.0");
        assert!(
            alertmanager.contains(&"msteams"),
            "receivers gates count: {alertmanager:?}"
        );
        assert!(
            alertmanager.contains(&"webhook.url_file"),
            "{alertmanager:?}"
        );
        assert!(
            !alertmanager.contains(&"discord"),
            "held at 0.25: {alertmanager:?}"
        );
    }
}
