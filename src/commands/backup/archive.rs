//! The backup archive: a gzip'd tar holding `stackctl-backup.json` first (what was saved: each
//! volume's service, mount path and the SHA-256 and size of its part), then one part per volume
//! (`volumes/KEY.tar`, the tar Docker's archive API gives of the mount path). The manifest's
//! own SHA-256 is printed by `backup` and checked by nothing else: the parts' hashes are what
//! `restore` verifies, all of them, before it writes anything.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The first entry of every archive.
pub const MANIFEST: &str = "stackctl-backup.json";
/// Version of the archive layout; restore refuses others.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BackupManifest {
    pub format: u32,
    pub project: String,
    /// RFC 3339, UTC.
    pub created: String,
    pub stackctl: String,
    pub volumes: Vec<SavedVolume>,
}

/// One volume's part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SavedVolume {
    pub service: String,
    /// The volume's key without the project prefix (`prometheus-data`).
    pub key: String,
    /// Where the service mounts it (`/prometheus`); the part's entries start with its last
    /// component (`prometheus/…`).
    pub path: String,
    /// Entry name of the part in the archive.
    pub part: String,
    pub sha256: String,
    pub size: u64,
}

impl SavedVolume {
    pub(crate) fn part_name(key: &str) -> String {
        format!("volumes/{key}.tar")
    }
}

/// A part spooled to a private temporary file while it is read from Docker.
pub(crate) struct Spooled {
    pub volume: SavedVolume,
    pub file: PathBuf,
}

/// Hashes `file` (a spooled part): (sha256 hex, size).
pub(crate) fn digest_file(file: &Path) -> anyhow::Result<(String, u64)> {
    let mut reader = BufReader::new(
        File::open(file).with_context(|| format!("cannot read `{}`", file.display()))?,
    );
    digest_reader(&mut reader)
}

fn digest_reader(reader: &mut (impl Read + ?Sized)) -> anyhow::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let size = std::io::copy(reader, &mut HashWriter(&mut hasher))?;
    Ok((hex::encode(hasher.finalize()), size))
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes the archive to `out` (created 0600: Grafana's database holds secrets); returns the
/// SHA-256 of the manifest entry.
pub fn write(
    out: &mut File,
    manifest: &BackupManifest,
    parts: &[Spooled],
) -> anyhow::Result<String> {
    let text = serde_json::to_vec_pretty(manifest)?;
    let mut builder = tar::Builder::new(GzEncoder::new(out, flate2::Compression::fast()));
    let mut header = tar::Header::new_gnu();
    header.set_size(text.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(0);
    builder.append_data(&mut header, MANIFEST, text.as_slice())?;
    for part in parts {
        let mut file = File::open(&part.file)
            .with_context(|| format!("cannot read `{}`", part.file.display()))?;
        let mut header = tar::Header::new_gnu();
        header.set_size(part.volume.size);
        header.set_mode(0o600);
        header.set_mtime(0);
        builder.append_data(&mut header, &part.volume.part, &mut file)?;
    }
    builder.into_inner()?.finish()?.flush()?;
    Ok(hex::encode(Sha256::digest(&text)))
}

/// Reads the manifest (the first entry) of the archive at `path`.
pub(crate) fn read_manifest(path: &Path) -> anyhow::Result<BackupManifest> {
    let mut archive = open(path)?;
    let mut entries = archive.entries()?;
    let mut first = entries
        .next()
        .context("the archive is empty")?
        .context("the archive is not a stackctl backup (not a gzip'd tar)")?;
    if first.path()?.to_string_lossy() != MANIFEST {
        anyhow::bail!("the archive does not start with `{MANIFEST}`: not a stackctl backup");
    }
    let mut text = String::new();
    first.read_to_string(&mut text)?;
    let manifest: BackupManifest =
        serde_json::from_str(&text).with_context(|| format!("`{MANIFEST}` is not valid"))?;
    if manifest.format != FORMAT {
        anyhow::bail!(
            "the archive is format {}, this stackctl reads format {FORMAT}",
            manifest.format
        );
    }
    Ok(manifest)
}

/// Checks every part against the manifest (hash and size, none missing, none extra).
pub fn verify(path: &Path, manifest: &BackupManifest) -> anyhow::Result<()> {
    let mut seen = Vec::new();
    for_each_part(path, |name, entry| {
        let Some(volume) = manifest.volumes.iter().find(|v| v.part == name) else {
            anyhow::bail!("the archive holds `{name}`, which its manifest does not list");
        };
        let (sha256, size) = digest_reader(entry)?;
        if sha256 != volume.sha256 || size != volume.size {
            anyhow::bail!(
                "`{name}` does not match its hash in the manifest: the archive is damaged"
            );
        }
        seen.push(name.to_string());
        Ok(())
    })?;
    if let Some(missing) = manifest.volumes.iter().find(|v| !seen.contains(&v.part)) {
        anyhow::bail!("the archive lacks `{}`: it is incomplete", missing.part);
    }
    Ok(())
}

/// Copies the part `part` of the archive into `file`.
pub(crate) fn extract_part(path: &Path, part: &str, file: &Path) -> anyhow::Result<()> {
    let mut found = false;
    for_each_part(path, |name, entry| {
        if name == part {
            let mut out =
                File::create(file).with_context(|| format!("cannot write `{}`", file.display()))?;
            std::io::copy(entry, &mut out)?;
            found = true;
        }
        Ok(())
    })?;
    anyhow::ensure!(found, "the archive lacks `{part}`");
    Ok(())
}

fn for_each_part(
    path: &Path,
    mut each: impl FnMut(&str, &mut dyn Read) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut archive = open(path)?;
    for entry in archive.entries()? {
        let mut entry = entry.context("the archive is damaged")?;
        let name = entry.path()?.to_string_lossy().into_owned();
        if name == MANIFEST {
            continue;
        }
        each(&name, &mut entry)?;
    }
    Ok(())
}

fn open(path: &Path) -> anyhow::Result<tar::Archive<GzDecoder<BufReader<File>>>> {
    let file = File::open(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    Ok(tar::Archive::new(GzDecoder::new(BufReader::new(file))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(parts: &[(&str, &[u8])]) -> BackupManifest {
        BackupManifest {
            format: FORMAT,
            project: "shop".into(),
            created: "2026-12-05T20:00:00Z".into(),
            stackctl: "0.1.0".into(),
            volumes: parts
                .iter()
                .map(|(key, data)| SavedVolume {
                    service: key.trim_end_matches("-data").into(),
                    key: (*key).into(),
                    path: "/data".into(),
                    part: SavedVolume::part_name(key),
                    sha256: hex::encode(Sha256::digest(data)),
                    size: data.len() as u64,
                })
                .collect(),
        }
    }

    fn write_archive(dir: &Path, manifest: &BackupManifest, parts: &[(&str, &[u8])]) -> PathBuf {
        let spooled: Vec<Spooled> = parts
            .iter()
            .zip(&manifest.volumes)
            .map(|((key, data), volume)| {
                let file = dir.join(format!("{key}.part"));
                std::fs::write(&file, data).unwrap();
                Spooled {
                    volume: volume.clone(),
                    file,
                }
            })
            .collect();
        let path = dir.join("backup.tar.gz");
        let mut out = File::create(&path).unwrap();
        write(&mut out, manifest, &spooled).unwrap();
        path
    }

    #[test]
    fn round_trips_manifest_and_parts_and_verifies_them() {
        let dir = tempfile::tempdir().unwrap();
        let parts: [(&str, &[u8]); 2] = [
            ("prometheus-data", b"tsdb"),
            ("alertmanager-data", b"silences"),
        ];
        let written = manifest(&parts);
        let path = write_archive(dir.path(), &written, &parts);
        let read = read_manifest(&path).unwrap();
        assert_eq!(read, written);
        verify(&path, &read).unwrap();
        let out = dir.path().join("out");
        extract_part(&path, "volumes/alertmanager-data.tar", &out).unwrap();
        assert_eq!(std::fs::read(out).unwrap(), b"silences");
    }

    #[test]
    fn refuses_a_part_that_does_not_match_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let parts: [(&str, &[u8]); 1] = [("prometheus-data", b"tsdb")];
        let mut claimed = manifest(&parts);
        let path = write_archive(dir.path(), &claimed, &parts);
        claimed.volumes[0].sha256 = hex::encode(Sha256::digest(b"other"));
        let error = verify(&path, &claimed).unwrap_err().to_string();
        assert!(error.contains("does not match its hash"), "{error}");
        claimed.volumes.push(SavedVolume {
            part: "volumes/x.tar".into(),
            ..claimed.volumes[0].clone()
        });
        claimed.volumes[0].sha256 = hex::encode(Sha256::digest(b"tsdb"));
        let error = verify(&path, &claimed).unwrap_err().to_string();
        assert!(error.contains("lacks `volumes/x.tar`"), "{error}");
    }
}
