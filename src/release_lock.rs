//! `stackctl.lock`: the release (and image) each service runs when the manifest does not pin
//! one, so that upgrading the stackctl binary never silently upgrades Prometheus.
//!
//! `deploy` writes it (on the first deploy, and when a service joins or leaves); every command
//! that loads the manifest honours it ([`apply`]); `upgrade` bumps it. A `version` in the
//! manifest (or an `image` with a tag) always wins over the lock. Everything here is pure but
//! [`read`] and [`write`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::versions::{self, Releases};
use crate::catalog::{image_tag, ImageRef, Kind, Runs};
use crate::docker::ImageIdentity;
use crate::manifest::topology;
use crate::manifest::{LoadedManifest, Manifest};
use crate::version::Version;

/// The lock's file name, beside the manifest.
pub(crate) const LOCK_FILE: &str = "stackctl.lock";

const HEADER: &str =
    "# stackctl.lock: the release each service runs when stackctl.yaml does not pin one.
# Written by `stackctl deploy`, bumped by `stackctl upgrade`; commit it with stackctl.yaml.
# `digest` is the image's registry digest (`digest_kind: repo_digest`, the same content on
# every host) when Docker knows one, else its local image ID (`digest_kind: image_id`).
";

/// The whole lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseLock {
    /// The lock format (only `1` exists).
    pub version: u32,
    /// By service name (`prometheus`, `node-exporter`, `redis-exporter`).
    #[serde(default)]
    pub components: BTreeMap<String, LockedRelease>,
}

impl Default for ReleaseLock {
    fn default() -> Self {
        Self {
            version: 1,
            components: BTreeMap::new(),
        }
    }
}

/// One service's locked release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockedRelease {
    /// The release (`3.14.0`): decides the image tag and which keys are rendered.
    pub release: String,
    /// The image reference deployed for it.
    pub image: String,
    /// The content deployed, when known: a tag moved to other content is reported. Locks
    /// written before `digest_kind` existed call it `image_id`.
    #[serde(default, alias = "image_id", skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// What `digest` is; absent in older locks, which recorded image IDs only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest_kind: Option<DigestKind>,
}

/// Which identity of an image a lock records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DigestKind {
    /// `repository@sha256:…` from the registry the image was pulled from (`RepoDigests`).
    RepoDigest,
    /// The local image ID (`sha256:…`), for an image no registry digest is known of (built or
    /// loaded on the host, or pulled under another repository's name).
    ImageId,
}

impl LockedRelease {
    /// What the entry records of its image: `(kind, digest)`, when it records one.
    pub(crate) fn locked_digest(&self) -> Option<(DigestKind, &str)> {
        let digest = self.digest.as_deref()?;
        Some((self.digest_kind.unwrap_or(DigestKind::ImageId), digest))
    }
}

/// What the lock records of `image` as the host has it: the registry digest of the image's
/// own repository when Docker knows one (it names the same content on every host), else the
/// local image ID. A digest of another repository (the image re-tagged under a mirror's name)
/// is not used: pulling `image` by it would fail.
pub(crate) fn digest_of(image: &str, identity: &ImageIdentity) -> (DigestKind, String) {
    let own = repository(image);
    identity
        .repo_digests
        .iter()
        .find(|d| {
            d.split_once('@')
                .is_some_and(|(repo, _)| repository(repo) == own)
        })
        .map(|d| (DigestKind::RepoDigest, d.clone()))
        .unwrap_or_else(|| (DigestKind::ImageId, identity.id.clone()))
}

/// The repository of an image reference, as Docker names it in `RepoDigests`.
fn repository(image: &str) -> &str {
    ImageRef::parse(image).repository()
}

/// Why the lock cannot be used; the message names the file and, when known, line and column.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct LockError {
    pub message: String,
    pub hint: String,
}

/// Where a service's release comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinSource {
    /// `version` in the manifest.
    Manifest,
    /// The tag of `image` in the manifest (no `version`).
    Image,
    /// `stackctl.lock`.
    Lock,
    /// Nothing yet: the newest release this stackctl knows, until `deploy` locks it.
    Unpinned,
}

impl PinSource {
    pub fn describe(self) -> &'static str {
        match self {
            PinSource::Manifest => "stackctl.yaml",
            PinSource::Image => "stackctl.yaml (image)",
            PinSource::Lock => LOCK_FILE,
            PinSource::Unpinned => "not pinned",
        }
    }
}

/// One service and the release it runs.
#[derive(Debug, Clone)]
pub struct Pin {
    /// Compose service name (`node-exporter`).
    pub service: String,
    /// Manifest key (`components.node_exporter`, `exporters[0]`).
    pub key: String,
    pub releases: &'static Releases,
    pub release: Version,
    pub image: String,
    pub source: PinSource,
}

impl Pin {
    /// The newest release stackctl knows for this program.
    pub fn newest(&self) -> Version {
        Version::parse(self.releases.newest).expect("catalog releases parse")
    }

    pub(crate) fn is_behind(&self) -> bool {
        self.release < self.newest()
    }

    /// Whether `name` (a service name or a component key, `node_exporter`) names this service.
    pub(crate) fn is_named(&self, name: &str) -> bool {
        let key_name = self.key.strip_prefix("components.").unwrap_or(&self.key);
        self.service == name || key_name == name || self.service == name.replace('_', "-")
    }
}

/// Every service of the manifest with the release it runs and where that comes from. Call it
/// on a manifest the lock was applied to (`release` is then the locked one).
pub fn pins(loaded: &LoadedManifest, lock: &ReleaseLock) -> Vec<Pin> {
    topology::components(&loaded.manifest)
        .into_iter()
        // A target stackctl scrapes but does not run (RabbitMQ's built-in endpoint) has no
        // image to pin.
        .filter(|component| component.runs == Runs::Container)
        .filter_map(|component| {
            let releases = releases_of(&component.kind, &component.key)?;
            let source = match explicit(loaded, &component.key) {
                Some(source) => source,
                None if lock.components.contains_key(&component.service) => PinSource::Lock,
                None => PinSource::Unpinned,
            };
            Some(Pin {
                service: component.service,
                key: component.key,
                releases,
                release: component.version,
                image: component.image,
                source,
            })
        })
        .collect()
}

fn releases_of(kind: &Kind, key: &str) -> Option<&'static Releases> {
    match kind {
        Kind::Exporter(kind) => Some(versions::exporter(*kind)),
        _ => versions::component(key.strip_prefix("components.")?),
    }
}

/// How the manifest itself pins the service at `key`, if it does.
fn explicit(loaded: &LoadedManifest, key: &str) -> Option<PinSource> {
    if loaded.positions.has(&format!("{key}.version")) {
        return Some(PinSource::Manifest);
    }
    settings(&loaded.manifest, key)
        .and_then(|(_, image)| image)
        .filter(|image| image_tag(image).is_some())
        .map(|_| PinSource::Image)
}

/// The `version` and `image` of the service at `key`.
fn settings<'a>(manifest: &'a Manifest, key: &str) -> Option<(Option<&'a str>, Option<&'a str>)> {
    use crate::manifest::ComponentSettings;
    let Some(name) = key.strip_prefix("components.") else {
        let index: usize = key
            .strip_prefix("exporters[")?
            .strip_suffix(']')?
            .parse()
            .ok()?;
        let exporter = manifest.exporters.get(index)?;
        return Some((exporter.version.as_deref(), exporter.image.as_deref()));
    };
    let c = &manifest.components;
    let settings: &dyn ComponentSettings = match name {
        "prometheus" => c.prometheus.as_ref()?,
        "alertmanager" => c.alertmanager.as_ref()?,
        "grafana" => c.grafana.as_ref()?,
        "loki" => c.loki.as_ref()?,
        "alloy" => c.alloy.as_ref()?,
        "promtail" => c.promtail.as_ref()?,
        "jaeger" => c.jaeger.as_ref()?,
        "node_exporter" => c.node_exporter.as_ref()?,
        "cadvisor" => c.cadvisor.as_ref()?,
        "blackbox_exporter" => c.blackbox_exporter.as_ref()?,
        "pushgateway" => c.pushgateway.as_ref()?,
        _ => return None,
    };
    Some((settings.version(), settings.image()))
}

/// Sets `version` of the service at `key` (`components.prometheus`, `exporters[2]`).
pub(crate) fn set_version(manifest: &mut Manifest, key: &str, release: &str) {
    if let Some(slot) = version_slot(manifest, key) {
        *slot = Some(release.to_string());
    }
}

fn version_slot<'a>(manifest: &'a mut Manifest, key: &str) -> Option<&'a mut Option<String>> {
    let Some(name) = key.strip_prefix("components.") else {
        let index: usize = key
            .strip_prefix("exporters[")?
            .strip_suffix(']')?
            .parse()
            .ok()?;
        return Some(&mut manifest.exporters.get_mut(index)?.version);
    };
    let c = &mut manifest.components;
    Some(match name {
        "prometheus" => &mut c.prometheus.as_mut()?.version,
        "alertmanager" => &mut c.alertmanager.as_mut()?.version,
        "grafana" => &mut c.grafana.as_mut()?.version,
        "loki" => &mut c.loki.as_mut()?.version,
        "alloy" => &mut c.alloy.as_mut()?.version,
        "promtail" => &mut c.promtail.as_mut()?.version,
        "jaeger" => &mut c.jaeger.as_mut()?.version,
        "node_exporter" => &mut c.node_exporter.as_mut()?.version,
        "cadvisor" => &mut c.cadvisor.as_mut()?.version,
        "blackbox_exporter" => &mut c.blackbox_exporter.as_mut()?.version,
        "pushgateway" => &mut c.pushgateway.as_mut()?.version,
        _ => return None,
    })
}

/// Gives every service the manifest does not pin the release the lock holds for it. A locked
/// release stackctl does not support (a hand edit, or a lock from a newer stackctl) is refused.
pub fn apply(loaded: &mut LoadedManifest, lock: &ReleaseLock) -> Result<(), LockError> {
    for pin in pins(loaded, lock) {
        if pin.source != PinSource::Lock {
            continue;
        }
        let locked = &lock.components[&pin.service];
        pin.releases
            .check(&locked.release)
            .map_err(|problem| LockError {
                message: format!(
                    "`{LOCK_FILE}` locks `{}` to a release stackctl cannot run: {}",
                    pin.service, problem.message
                ),
                hint: format!(
                    "{}; run `stackctl upgrade {}` or delete its entry from `{LOCK_FILE}`",
                    problem.hint, pin.service
                ),
            })?;
        set_version(&mut loaded.manifest, &pin.key, &locked.release);
    }
    Ok(())
}

/// The lock after a deploy: one entry per service the manifest does not pin, at the release it
/// now runs, with the digest of the image the Docker host has (`images` by image reference).
pub(crate) fn after_deploy(
    loaded: &LoadedManifest,
    previous: &ReleaseLock,
    images: &BTreeMap<String, ImageIdentity>,
) -> ReleaseLock {
    let components = pins(loaded, previous)
        .into_iter()
        .filter(|pin| matches!(pin.source, PinSource::Lock | PinSource::Unpinned))
        .map(|pin| {
            let digest = images.get(&pin.image).map(|i| digest_of(&pin.image, i));
            let entry = LockedRelease {
                release: pin.release.to_string(),
                image: pin.image,
                digest_kind: digest.as_ref().map(|(kind, _)| *kind),
                digest: digest.map(|(_, digest)| digest),
            };
            (pin.service, entry)
        })
        .collect();
    ReleaseLock {
        version: 1,
        components,
    }
}

/// Images that are no longer the content the lock recorded: `(image, locked, now)`. A registry
/// digest is compared with the host's registry digest (none known now: not comparable), an
/// image ID with the image ID.
pub(crate) fn moved_images(
    lock: &ReleaseLock,
    images: &BTreeMap<String, ImageIdentity>,
) -> Vec<(String, String, String)> {
    lock.components
        .values()
        .filter_map(|entry| {
            let (kind, locked) = entry.locked_digest()?;
            let identity = images.get(&entry.image)?;
            let now = match (kind, digest_of(&entry.image, identity)) {
                (DigestKind::ImageId, _) => identity.id.clone(),
                (DigestKind::RepoDigest, (DigestKind::RepoDigest, now)) => now,
                (DigestKind::RepoDigest, (DigestKind::ImageId, _)) => return None,
            };
            (locked != now).then(|| (entry.image.clone(), locked.to_string(), now))
        })
        .collect()
}

/// The lock beside the manifest in `dir`.
pub fn path(dir: &Path) -> PathBuf {
    if dir == Path::new(".") {
        PathBuf::from(LOCK_FILE)
    } else {
        dir.join(LOCK_FILE)
    }
}

/// Reads the lock in `dir`; no file is an empty lock.
pub fn read(dir: &Path) -> Result<ReleaseLock, LockError> {
    let path = path(dir);
    let text = match fs_err::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ReleaseLock::default()),
        Err(e) => {
            return Err(LockError {
                message: e.to_string(),
                hint: "check the file's permissions".into(),
            })
        }
    };
    parse(&path, &text)
}

/// Parses lock text; errors name `path:line:column`.
pub fn parse(path: &Path, text: &str) -> Result<ReleaseLock, LockError> {
    let lock: ReleaseLock = serde_yaml::from_str(text).map_err(|error| {
        let at = error
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        LockError {
            message: format!("cannot read `{}{at}`: {error}", path.display()),
            hint: format!(
                "`{LOCK_FILE}` is written by `stackctl deploy`: restore it from version control, or delete it to lock the newest releases on the next deploy"
            ),
        }
    })?;
    if lock.version != 1 {
        return Err(LockError {
            message: format!(
                "`{}` has lock format version {}; this stackctl reads version 1",
                path.display(),
                lock.version
            ),
            hint: "use the stackctl release that wrote it".into(),
        });
    }
    Ok(lock)
}

/// The lock's text: a header, then YAML.
pub(crate) fn to_text(lock: &ReleaseLock) -> String {
    let body = serde_yaml::to_string(lock).expect("the lock serializes");
    format!("{HEADER}{body}")
}

/// Writes the lock into `dir` atomically (0644); an empty lock removes the file.
pub fn write(dir: &Path, lock: &ReleaseLock) -> anyhow::Result<()> {
    let path = path(dir);
    if lock.components.is_empty() {
        return match fs_err::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        };
    }
    crate::atomic_file::write(&path, &to_text(lock), 0o644)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(source: &str) -> LoadedManifest {
        crate::manifest::load_str(Path::new("stackctl.yaml"), source, &|_| None)
            .expect("test manifest loads")
    }

    fn lock(entries: &[(&str, &str)]) -> ReleaseLock {
        ReleaseLock {
            version: 1,
            components: entries
                .iter()
                .map(|(service, release)| {
                    (
                        service.to_string(),
                        LockedRelease {
                            release: release.to_string(),
                            image: format!("x/{service}:{release}"),
                            digest: None,
                            digest_kind: None,
                        },
                    )
                })
                .collect(),
        }
    }

    const STACK: &str = "version: 1\nproject: p\ncomponents:\n  prometheus: {version: 3.5.0}\n  alertmanager: {}\n  node_exporter: {image: 'mirror/ne:v1.8.0'}\n  pushgateway: {}\nexporters:\n  - {type: redis, target: 'redis:6379'}\n";

    #[test]
    fn the_manifest_wins_over_the_lock_and_the_lock_over_the_default() {
        let mut loaded = loaded(STACK);
        let lock = lock(&[
            ("prometheus", "3.0.0"),
            ("alertmanager", "0.28.1"),
            ("redis-exporter", "1.60.0"),
        ]);
        apply(&mut loaded, &lock).unwrap();
        let pins = pins(&loaded, &lock);
        let row = |service: &str| {
            let pin = pins.iter().find(|p| p.service == service).unwrap();
            (pin.release.to_string(), pin.source)
        };
        assert_eq!(row("prometheus"), ("3.5.0".into(), PinSource::Manifest));
        assert_eq!(row("alertmanager"), ("0.28.1".into(), PinSource::Lock));
        assert_eq!(row("node-exporter"), ("1.8.0".into(), PinSource::Image));
        assert_eq!(row("redis-exporter"), ("1.60.0".into(), PinSource::Lock));
        assert_eq!(
            row("pushgateway"),
            (
                versions::PUSHGATEWAY.newest.to_string(),
                PinSource::Unpinned
            )
        );
        let alertmanager = pins.iter().find(|p| p.service == "alertmanager").unwrap();
        assert_eq!(alertmanager.image, "prom/alertmanager:v0.28.1");
    }

    #[test]
    fn a_deploy_locks_what_the_manifest_leaves_open() {
        let mut loaded = loaded(STACK);
        let before = lock(&[("alertmanager", "0.28.1"), ("grafana", "12.0.0")]);
        apply(&mut loaded, &before).unwrap();
        let ids = BTreeMap::from([(
            "prom/alertmanager:v0.28.1".to_string(),
            ImageIdentity {
                id: "sha256:aa".to_string(),
                repo_digests: Vec::new(),
            },
        )]);
        let after = after_deploy(&loaded, &before, &ids);
        let services: Vec<&str> = after.components.keys().map(String::as_str).collect();
        // prometheus (version) and node-exporter (tagged image) stay the manifest's; grafana left.
        assert_eq!(services, ["alertmanager", "pushgateway", "redis-exporter"]);
        assert_eq!(after.components["alertmanager"].release, "0.28.1");
        assert_eq!(
            after.components["alertmanager"].locked_digest(),
            Some((DigestKind::ImageId, "sha256:aa"))
        );
        assert_eq!(
            after.components["pushgateway"].release,
            versions::PUSHGATEWAY.newest
        );
        let text = to_text(&after);
        assert_eq!(parse(Path::new(LOCK_FILE), &text).unwrap(), after);
    }

    #[test]
    fn refuses_a_locked_release_stackctl_cannot_run() {
        let mut loaded = loaded(STACK);
        let error = apply(&mut loaded, &lock(&[("alertmanager", "latest")])).unwrap_err();
        assert_eq!(
            error.message,
            "`stackctl.lock` locks `alertmanager` to a release stackctl cannot run: `latest` is not a Alertmanager release number"
        );
        assert!(
            error.hint.contains("stackctl upgrade alertmanager"),
            "{}",
            error.hint
        );
    }

    #[test]
    fn lock_errors_name_the_line() {
        let error = parse(
            Path::new("stackctl.lock"),
            "version: 1\ncomponents:\n  prometheus: {release: 3.0.0, imgae: x}\n",
        )
        .unwrap_err();
        assert!(
            error.message.starts_with("cannot read `stackctl.lock:3:"),
            "{}",
            error.message
        );
        assert!(error.message.contains("imgae"), "{}", error.message);
    }

    fn identity(id: &str, repo_digests: &[&str]) -> ImageIdentity {
        ImageIdentity {
            id: id.to_string(),
            repo_digests: repo_digests.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn records_the_registry_digest_of_the_images_repository_else_the_image_id() {
        let cases = [
            // (image, RepoDigests, recorded)
            (
                "prom/prometheus:v3.5.0",
                &["prom/prometheus@sha256:aa"][..],
                (DigestKind::RepoDigest, "prom/prometheus@sha256:aa"),
            ),
            (
                "docker.io/library/busybox:1.36",
                &["busybox@sha256:bb"][..],
                (DigestKind::RepoDigest, "busybox@sha256:bb"),
            ),
            (
                "registry.local:5000/team/loki:3.0.0",
                &[
                    "other/loki@sha256:cc",
                    "registry.local:5000/team/loki@sha256:dd",
                ][..],
                (
                    DigestKind::RepoDigest,
                    "registry.local:5000/team/loki@sha256:dd",
                ),
            ),
            // Built or loaded here: no registry knows it.
            (
                "stackctl-test/prometheus:2.42.0",
                &[][..],
                (DigestKind::ImageId, "sha256:local"),
            ),
            // Re-tagged under a mirror's name: the other repository's digest would not pull.
            (
                "mirror/ne:v1.8.0",
                &["prom/node-exporter@sha256:ee"][..],
                (DigestKind::ImageId, "sha256:local"),
            ),
        ];
        for (image, digests, (kind, want)) in cases {
            let got = digest_of(image, &identity("sha256:local", digests));
            assert_eq!(got, (kind, want.to_string()), "{image}");
        }
    }

    #[test]
    fn the_lock_says_which_digest_it_holds_and_reads_older_locks() {
        let entry = LockedRelease {
            release: "3.5.0".into(),
            image: "prom/prometheus:v3.5.0".into(),
            digest: Some("prom/prometheus@sha256:aa".into()),
            digest_kind: Some(DigestKind::RepoDigest),
        };
        let lock = ReleaseLock {
            version: 1,
            components: BTreeMap::from([("prometheus".to_string(), entry)]),
        };
        let text = to_text(&lock);
        assert!(
            text.contains("digest: prom/prometheus@sha256:aa\n    digest_kind: repo_digest\n"),
            "{text}"
        );
        assert_eq!(parse(Path::new(LOCK_FILE), &text).unwrap(), lock);
        let older = parse(
            Path::new(LOCK_FILE),
            "version: 1\ncomponents:\n  prometheus: {release: 3.5.0, image: 'x:1', image_id: 'sha256:aa'}\n",
        )
        .unwrap();
        assert_eq!(
            older.components["prometheus"].locked_digest(),
            Some((DigestKind::ImageId, "sha256:aa"))
        );
    }

    #[test]
    fn reports_images_whose_tag_moved() {
        let mut lock = lock(&[("prometheus", "3.0.0"), ("alertmanager", "0.28.1")]);
        let entry = lock.components.get_mut("prometheus").unwrap();
        entry.digest = Some("sha256:old".into());
        entry.digest_kind = Some(DigestKind::ImageId);
        let entry = lock.components.get_mut("alertmanager").unwrap();
        entry.digest = Some("x/alertmanager@sha256:old".into());
        entry.digest_kind = Some(DigestKind::RepoDigest);
        let moved = |images: &[(&str, ImageIdentity)]| {
            let images = images
                .iter()
                .map(|(image, identity)| (image.to_string(), identity.clone()))
                .collect();
            moved_images(&lock, &images)
        };
        let row = |image: &str, old: &str, new: &str| {
            (image.to_string(), old.to_string(), new.to_string())
        };
        assert_eq!(
            moved(&[
                ("x/prometheus:3.0.0", identity("sha256:new", &[])),
                (
                    "x/alertmanager:0.28.1",
                    identity("sha256:x", &["x/alertmanager@sha256:new"])
                ),
            ]),
            [
                row(
                    "x/alertmanager:0.28.1",
                    "x/alertmanager@sha256:old",
                    "x/alertmanager@sha256:new"
                ),
                row("x/prometheus:3.0.0", "sha256:old", "sha256:new"),
            ]
        );
        // Same content; and a registry digest the host no longer knows cannot be compared.
        assert!(moved(&[
            ("x/prometheus:3.0.0", identity("sha256:old", &[])),
            ("x/alertmanager:0.28.1", identity("sha256:y", &[])),
        ])
        .is_empty());
    }

    #[test]
    fn names_services_by_service_or_key() {
        let loaded = loaded(STACK);
        let pins = pins(&loaded, &ReleaseLock::default());
        let node = pins.iter().find(|p| p.service == "node-exporter").unwrap();
        assert!(node.is_named("node-exporter") && node.is_named("node_exporter"));
        assert!(!node.is_named("prometheus"));
    }

    #[test]
    fn pins_nothing_for_a_target_stackctl_only_scrapes() {
        let loaded = loaded(
            "version: 1\nproject: p\nexporters:\n  - {type: rabbitmq, target: 'mq:15692'}\n  - {type: redis, target: 'redis:6379'}\n",
        );
        let pinned: Vec<String> = pins(&loaded, &ReleaseLock::default())
            .into_iter()
            .map(|p| p.key)
            .collect();
        assert_eq!(pinned, ["exporters[1]"]);
    }
}
