//! What `upgrade` prints: services it leaves to the operator (pinned by an `image` tag), each
//! bump with where it is pinned and the version gates it flips, a unified diff of the rendered
//! files (a secret's contents never shown), then what was written and what to run next. The
//! command decides the bumps; the wording is here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::catalog::gates::Gate;
use crate::render::{RenderedFile, RenderedStack};
use crate::version::Version;

/// One release bumped, and where it was pinned.
pub(crate) struct BumpReport<'a> {
    pub service: &'a str,
    pub from: &'a Version,
    pub to: &'a Version,
    pub place: Place<'a>,
    /// The renderer's gates that hold for `to` but not for `from`.
    pub gates: Vec<&'static Gate>,
}

/// Where a release is pinned.
pub(crate) enum Place<'a> {
    /// A `version` key of the manifest, at `line:column` when known.
    Manifest {
        key: &'a str,
        file: &'a Path,
        at: Option<(usize, usize)>,
    },
    /// An entry of `stackctl.lock`.
    Lock { lock_file: &'a str },
}

/// One line of `upgrade` besides the bumps and the diff.
pub(crate) enum UpgradeEvent<'a> {
    /// A service pinned by an `image` tag, which `upgrade` leaves alone.
    ImagePinned {
        service: &'a str,
        image: &'a str,
    },
    NothingToUpgrade,
    DryRun,
    Wrote(PathBuf),
    Next,
}

pub(crate) fn print_event(event: &UpgradeEvent) {
    println!("{}", line(event));
}

/// The line `event` prints (without its newline).
pub(crate) fn line(event: &UpgradeEvent) -> String {
    match event {
        UpgradeEvent::ImagePinned { service, image } => format!(
            "{service}: runs `{image}` (the `image` in stackctl.yaml): change its tag yourself to upgrade it"
        ),
        UpgradeEvent::NothingToUpgrade => {
            "nothing to upgrade: every release is the newest this stackctl knows".to_string()
        }
        UpgradeEvent::DryRun => {
            "dry run: nothing was changed; run `stackctl upgrade` without `--dry-run` to write it"
                .to_string()
        }
        UpgradeEvent::Wrote(path) => format!("wrote {}", path.display()),
        UpgradeEvent::Next => "next: `stackctl deploy` runs the new releases".to_string(),
    }
}

/// Prints each bump, then the diff of the rendered files.
pub(crate) fn print_bumps(bumps: &[BumpReport], before: &RenderedStack, after: &RenderedStack) {
    for bump in bumps {
        print!("{}", bump_text(bump));
    }
    print!("{}", rendered_diff(before, after));
}

/// `prometheus  3.5.0 → 3.14.0  (`components.prometheus.version` in stackctl.yaml:4:27)` and
/// the gates that flip.
pub(crate) fn bump_text(bump: &BumpReport) -> String {
    let place = match &bump.place {
        Place::Manifest { key, file, at } => {
            let at = at
                .map(|(line, column)| format!(":{line}:{column}"))
                .unwrap_or_default();
            format!("`{key}.version` in {}{at}", file.display())
        }
        Place::Lock { lock_file } => format!("`{}` in {lock_file}", bump.service),
    };
    let mut out = format!("{}  {} → {}  ({place})\n", bump.service, bump.from, bump.to);
    if bump.gates.is_empty() {
        out.push_str("  no version gate flips\n");
    }
    for gate in &bump.gates {
        out.push_str(&format!(
            "  gate flips: {} `{}` (since {}): {}\n",
            gate.component, gate.key, gate.since, gate.effect
        ));
    }
    out
}

/// A unified diff of every rendered file the bump changes; a secret file's contents are never
/// shown, only that it changes.
pub(crate) fn rendered_diff(before: &RenderedStack, after: &RenderedStack) -> String {
    let paths: BTreeSet<&String> = before.files.keys().chain(after.files.keys()).collect();
    let mut out = String::new();
    let mut changed = 0;
    for path in paths {
        let old = before.files.get(path);
        let new = after.files.get(path);
        if old == new {
            continue;
        }
        changed += 1;
        let secret = [old, new].into_iter().flatten().any(|f| f.text().is_none());
        if secret {
            out.push_str(&format!(
                "{path}: changes (a secret file: contents not shown)\n"
            ));
            continue;
        }
        out.push_str(&file_diff(path, old, new));
    }
    if changed == 0 {
        out.push_str("no rendered file changes\n");
    } else {
        out.insert_str(0, &format!("rendered files that change: {changed}\n"));
    }
    out
}

/// One file's unified diff, `/dev/null` on the side where it does not exist.
fn file_diff(path: &str, old: Option<&RenderedFile>, new: Option<&RenderedFile>) -> String {
    let old_text = old.and_then(RenderedFile::text).unwrap_or_default();
    let new_text = new.and_then(RenderedFile::text).unwrap_or_default();
    let diff = similar::TextDiff::from_lines(old_text, new_text);
    let side = |file: Option<&RenderedFile>, prefix: &str| match file {
        Some(_) => format!("{prefix}/{path}"),
        None => "/dev/null".to_string(),
    };
    let (a, b) = (side(old, "a"), side(new, "b"));
    diff.unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn a_bump_says_where_it_is_pinned_and_which_gates_flip() {
        let (from, to) = (v("3.5.0"), v("3.14.0"));
        let file = Path::new("stackctl.yaml");
        let gate = crate::catalog::gates::GATES
            .iter()
            .find(|g| g.holds(&to) && !g.holds(&from))
            .expect("a gate between 3.5.0 and 3.14.0 of some program");
        let rows: [(Place, Vec<&'static Gate>, String); 3] = [
            (
                Place::Manifest {
                    key: "components.prometheus",
                    file,
                    at: Some((4, 27)),
                },
                vec![],
                "prometheus  3.5.0 → 3.14.0  (`components.prometheus.version` in stackctl.yaml:4:27)\n  no version gate flips\n".to_string(),
            ),
            (
                Place::Manifest {
                    key: "components.prometheus",
                    file,
                    at: None,
                },
                vec![],
                "prometheus  3.5.0 → 3.14.0  (`components.prometheus.version` in stackctl.yaml)\n  no version gate flips\n".to_string(),
            ),
            (
                Place::Lock {
                    lock_file: "stackctl.lock",
                },
                vec![gate],
                format!(
                    "prometheus  3.5.0 → 3.14.0  (`prometheus` in stackctl.lock)\n  gate flips: {} `{}` (since {}): {}\n",
                    gate.component, gate.key, gate.since, gate.effect
                ),
            ),
        ];
        for (place, gates, want) in rows {
            let bump = BumpReport {
                service: "prometheus",
                from: &from,
                to: &to,
                place,
                gates,
            };
            assert_eq!(bump_text(&bump), want);
        }
    }

    #[test]
    fn diff_shows_changed_files_and_only_names_a_changed_secret() {
        let stack = |files: &[(&str, RenderedFile)]| RenderedStack {
            files: files
                .iter()
                .map(|(p, f)| (p.to_string(), f.clone()))
                .collect(),
            ..RenderedStack::default()
        };
        let public = RenderedFile::public;
        let secret = |text: &str| RenderedFile::from_disk("secrets/x", text.to_string());
        let before = stack(&[("a.yml", public("x: 1\n")), ("secrets/x", secret("old"))]);
        assert_eq!(
            rendered_diff(&before, &before),
            "no rendered file changes\n"
        );
        let after = stack(&[
            ("a.yml", public("x: 2\n")),
            ("b.yml", public("y\n")),
            ("secrets/x", secret("new")),
        ]);
        assert_eq!(
            rendered_diff(&before, &after),
            "rendered files that change: 3\n\
             --- a/a.yml\n+++ b/a.yml\n@@ -1 +1 @@\n-x: 1\n+x: 2\n\
             --- /dev/null\n+++ b/b.yml\n@@ -0,0 +1 @@\n+y\n\
             secrets/x: changes (a secret file: contents not shown)\n"
        );
    }

    #[test]
    fn each_line_has_its_wording() {
        let rows = [
            (
                UpgradeEvent::ImagePinned {
                    service: "grafana",
                    image: "grafana/grafana:11.0.0",
                },
                "grafana: runs `grafana/grafana:11.0.0` (the `image` in stackctl.yaml): change its tag yourself to upgrade it",
            ),
            (
                UpgradeEvent::Wrote("stackctl.lock".into()),
                "wrote stackctl.lock",
            ),
            (
                UpgradeEvent::Next,
                "next: `stackctl deploy` runs the new releases",
            ),
        ];
        for (event, want) in rows {
            assert_eq!(line(&event), want);
        }
    }
}
