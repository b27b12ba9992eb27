//! `stackctl backup [--out FILE]` and `stackctl restore FILE`: every data volume the manifest's
//! services mount (Prometheus' TSDB, Alertmanager's silences, Grafana's database, Loki's data,
//! the Pushgateway's persistence file, …) into one archive (`backup::archive`), and back.
//!
//! A consistent copy without Prometheus' admin API: each running service is stopped (so its
//! program flushes and closes its files: Alertmanager writes its silences, the Pushgateway its
//! persistence file, Prometheus its WAL), its volume is read through Docker's archive API, and
//! it is started again — a few seconds of downtime per service, one service at a time.
//! A service without a container is read through a helper container that is never started.
//!
//! `restore` writes into a stopped stack only (after `stackctl down`, with or without
//! `--volumes`): every part is verified against the archive's manifest before any volume is
//! touched; a volume that already exists is replaced only with `--force`. Each step is
//! reported as it happens through `output::backup`.

mod archive;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use super::session::lock;
use super::session::{self, Session};
use crate::cli::{BackupArgs, GlobalArgs, RestoreArgs};
use crate::docker::volume_archive::{self, Helper};
use crate::docker::{Daemon, Engine, ObservedContainer, RunState};
use crate::error::CommandError;
use crate::labels;
use crate::output::backup::{print_event, BackupEvent};
use crate::service::MountSource;
use archive::{BackupManifest, SavedVolume, Spooled};

const STOP_TIMEOUT_SECS: i64 = 30;

/// A data volume of the manifest: which service mounts it where, from which image.
#[derive(Debug, Clone)]
struct DataVolume {
    service: String,
    key: String,
    path: String,
    image: String,
}

fn data_volumes(session: &Session) -> Vec<DataVolume> {
    session
        .desired
        .iter()
        .flat_map(|d| {
            d.spec.mounts.iter().filter_map(|m| match &m.source {
                MountSource::Volume(key) => Some(DataVolume {
                    service: d.spec.name.clone(),
                    key: key.clone(),
                    path: m.target.clone(),
                    image: d.spec.image.clone(),
                }),
                MountSource::Bind(_) => None,
            })
        })
        .collect()
}

pub(crate) fn exec_backup(global: &GlobalArgs, args: BackupArgs) -> anyhow::Result<ExitCode> {
    let session = Session::open(global)?;
    let volumes = data_volumes(&session);
    if volumes.is_empty() {
        return Err(CommandError::usage(
            "the manifest's services keep no data: there is nothing to back up",
        )
        .into());
    }
    let output = args
        .output
        .unwrap_or_else(|| default_name(&session.project));
    if output.exists() {
        return Err(
            CommandError::usage(format!("`{}` already exists", output.display()))
                .hint("name another file with `--out FILE`, or remove it")
                .into(),
        );
    }
    let dir = parent_dir(&output);
    // Spooled parts and the archive before its rename live in a 0700 directory beside it.
    let spool = tempfile::Builder::new()
        .prefix(".stackctl-backup-")
        .tempdir_in(&dir)
        .with_context(|| format!("cannot write into `{}`", dir.display()))?;
    let parts = session::runtime()?.block_on(async {
        let engine = session::connect().await?;
        let _lock = lock::acquire(&session.out_dir, &session.project, "backup")?;
        let containers = engine.list_containers(&session.project).await?;
        let existing: Vec<String> = engine
            .list_volumes(&session.project)
            .await?
            .into_iter()
            .map(|v| v.name)
            .collect();
        let mut parts = Vec::new();
        for volume in &volumes {
            let name = labels::volume_name(&session.project, &volume.key);
            let container = containers
                .iter()
                .find(|c| c.name == labels::container_name(&session.project, &volume.service));
            if container.is_none() && !existing.contains(&name) {
                print_event(&BackupEvent::SkippedNeverDeployed { volume: name });
                continue;
            }
            let file = spool.path().join(format!("{}.tar", volume.key));
            let size = save(&engine, volume, &name, container, &file).await?;
            let (sha256, _) = archive::digest_file(&file)?;
            print_event(&BackupEvent::Saved {
                volume: name,
                service: volume.service.clone(),
                bytes: size,
            });
            parts.push(Spooled {
                volume: SavedVolume {
                    service: volume.service.clone(),
                    key: volume.key.clone(),
                    path: volume.path.clone(),
                    part: SavedVolume::part_name(&volume.key),
                    sha256,
                    size,
                },
                file,
            });
        }
        anyhow::Ok(parts)
    })?;
    let manifest = BackupManifest {
        format: archive::FORMAT,
        project: session.project.clone(),
        created: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        stackctl: env!("CARGO_PKG_VERSION").to_string(),
        volumes: parts.iter().map(|p| p.volume.clone()).collect(),
    };
    let staged = spool.path().join("archive");
    let mut file = private_file(&staged)?;
    let hash = archive::write(&mut file, &manifest, &parts)?;
    file.sync_all()?;
    fs_err::rename(&staged, &output)?;
    print_event(&BackupEvent::Wrote {
        archive: output,
        volumes: parts.len(),
        sha256: hash,
    });
    Ok(ExitCode::SUCCESS)
}

/// Copies one volume into `file`: through its container (stopped for the copy when running,
/// then started again), or a helper container when the service has none.
async fn save(
    engine: &Daemon,
    volume: &DataVolume,
    name: &str,
    container: Option<&ObservedContainer>,
    file: &Path,
) -> anyhow::Result<u64> {
    let mut out = private_file(file)?;
    let Some(container) = container else {
        let helper = Helper::create(engine, &volume.image, name, &volume.path).await?;
        let copied = volume_archive::download(engine, &helper.id, &volume.path, &mut out).await;
        helper.remove(engine).await;
        return copied;
    };
    let running = container.state == RunState::Running;
    if running {
        engine
            .stop_container(&container.id, STOP_TIMEOUT_SECS)
            .await
            .with_context(|| format!("cannot stop `{}` for a consistent copy", container.name))?;
    }
    let copied = volume_archive::download(engine, &container.id, &volume.path, &mut out).await;
    if running {
        engine
            .start_container(&container.id)
            .await
            .with_context(|| format!("cannot start `{}` again after the copy", container.name))?;
    }
    copied
}

pub(crate) fn exec_restore(global: &GlobalArgs, args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let session = Session::open(global)?;
    let bad_archive = |e: anyhow::Error| {
        let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
        anyhow::Error::new(
            CommandError::usage(format!(
                "`{}`: {}",
                args.archive.display(),
                chain.join(": ")
            ))
            .hint("name an archive `stackctl backup` wrote"),
        )
    };
    let manifest = archive::read_manifest(&args.archive).map_err(bad_archive)?;
    archive::verify(&args.archive, &manifest).map_err(bad_archive)?;
    if manifest.project != session.project {
        print_event(&BackupEvent::OtherProject {
            archive: manifest.project.clone(),
            project: session.project.clone(),
        });
    }
    let spool = tempfile::Builder::new()
        .prefix(".stackctl-restore-")
        .tempdir_in(parent_dir(&args.archive))
        .context("cannot create a private directory beside the archive")?;
    session::runtime()?.block_on(async {
        let engine = session::connect().await?;
        let _lock = lock::acquire(&session.out_dir, &session.project, "restore")?;
        let containers = engine.list_containers(&session.project).await?;
        if !containers.is_empty() {
            let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
            return Err(anyhow::Error::new(
                CommandError::failure(format!(
                    "stack `{}` has containers ({}): restore writes into a stopped stack only",
                    session.project,
                    names.join(", ")
                ))
                .hint("run `stackctl down` first (add `--volumes` to start from empty volumes)"),
            ));
        }
        let existing: Vec<String> = engine
            .list_volumes(&session.project)
            .await?
            .into_iter()
            .map(|v| v.name)
            .collect();
        let mut restored = 0;
        for saved in &manifest.volumes {
            let Some(desired) = session.service(&saved.service) else {
                print_event(&BackupEvent::SkippedUndeclared {
                    key: saved.key.clone(),
                    service: saved.service.clone(),
                });
                continue;
            };
            let name = labels::volume_name(&session.project, &saved.key);
            if existing.contains(&name) {
                if !args.force {
                    return Err(anyhow::Error::new(
                        CommandError::failure(format!("volume `{name}` already exists"))
                            .hint("`stackctl down --volumes` removes the stack's volumes; or `restore --force` replaces them"),
                    ));
                }
                engine.remove_volume(&name).await?;
            }
            if engine.image_id(&desired.spec.image).await?.is_none() {
                return Err(anyhow::Error::new(
                    CommandError::failure(format!("image `{}` is not on this host", desired.spec.image))
                        .hint("restore reaches the volume through the service's image: pull it (or deploy once) first"),
                ));
            }
            engine
                .create_volume(&name, labels::volume_labels(&session.project, &saved.key))
                .await?;
            let part = spool.path().join(format!("{}.tar", saved.key));
            archive::extract_part(&args.archive, &saved.part, &part)?;
            let helper = Helper::create(&engine, &desired.spec.image, &name, &saved.path).await?;
            let parent = Path::new(&saved.path)
                .parent()
                .map_or_else(|| "/".to_string(), |p| p.to_string_lossy().into_owned());
            let written = volume_archive::upload(&engine, &helper.id, &parent, &part).await;
            helper.remove(&engine).await;
            written?;
            fs_err::remove_file(&part)?;
            print_event(&BackupEvent::Restored {
                volume: name,
                bytes: saved.size,
            });
            restored += 1;
        }
        print_event(&BackupEvent::RestoredAll {
            volumes: restored,
            project: session.project.clone(),
        });
        anyhow::Ok(ExitCode::SUCCESS)
    })
}

fn default_name(project: &str) -> PathBuf {
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    PathBuf::from(format!("{project}-backup-{stamp}.tar.gz"))
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A new file only its owner can read (the archive holds Grafana's database and secrets).
fn private_file(path: &Path) -> anyhow::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create `{}`", path.display()))
}
