//! What `backup` and `restore` print: a line per volume as it is saved, restored or skipped
//! (a copy can take minutes: each shows the moment it is done), then the archive written or
//! the count restored. The commands report `BackupEvent`s; the wording is here.

use std::path::PathBuf;

/// One step of `backup` or `restore`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BackupEvent {
    /// A volume of the manifest that was never created: nothing to save.
    SkippedNeverDeployed {
        volume: String,
    },
    Saved {
        volume: String,
        service: String,
        bytes: u64,
    },
    Wrote {
        archive: PathBuf,
        volumes: usize,
        sha256: String,
    },
    /// The archive was made of another project than the one restored into.
    OtherProject {
        archive: String,
        project: String,
    },
    /// A volume of a service the manifest no longer declares.
    SkippedUndeclared {
        key: String,
        service: String,
    },
    Restored {
        volume: String,
        bytes: u64,
    },
    RestoredAll {
        volumes: usize,
        project: String,
    },
}

pub(crate) fn print_event(event: &BackupEvent) {
    println!("{}", line(event));
}

/// The line `event` prints (without its newline).
pub(crate) fn line(event: &BackupEvent) -> String {
    match event {
        BackupEvent::SkippedNeverDeployed { volume } => {
            format!("skipped {volume}: the volume does not exist (never deployed)")
        }
        BackupEvent::Saved {
            volume,
            service,
            bytes,
        } => format!("saved {volume} ({service}, {})", human_size(*bytes)),
        BackupEvent::Wrote {
            archive,
            volumes,
            sha256,
        } => format!(
            "wrote {} ({volumes} volumes, manifest sha256 {sha256})",
            archive.display()
        ),
        BackupEvent::OtherProject { archive, project } => {
            format!("note: the archive is of stack `{archive}`; restoring into `{project}`")
        }
        BackupEvent::SkippedUndeclared { key, service } => {
            format!("skipped {key}: the manifest no longer declares `{service}`")
        }
        BackupEvent::Restored { volume, bytes } => {
            format!("restored {volume} ({})", human_size(*bytes))
        }
        BackupEvent::RestoredAll { volumes, project } => format!(
            "restored {volumes} volume(s) of stack `{project}`; `stackctl deploy` starts it"
        ),
    }
}

/// `512 B`, `1.5 KiB`, `12.0 MiB`, `2.3 GiB`.
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / f64::from(1u32 << 30)),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_has_its_line() {
        let rows = [
            (
                BackupEvent::SkippedNeverDeployed {
                    volume: "shop_loki-data".into(),
                },
                "skipped shop_loki-data: the volume does not exist (never deployed)",
            ),
            (
                BackupEvent::Saved {
                    volume: "shop_prometheus-data".into(),
                    service: "prometheus".into(),
                    bytes: 3 << 20,
                },
                "saved shop_prometheus-data (prometheus, 3.0 MiB)",
            ),
            (
                BackupEvent::Wrote {
                    archive: "b.tar.gz".into(),
                    volumes: 2,
                    sha256: "ab12".into(),
                },
                "wrote b.tar.gz (2 volumes, manifest sha256 ab12)",
            ),
            (
                BackupEvent::OtherProject {
                    archive: "old".into(),
                    project: "shop".into(),
                },
                "note: the archive is of stack `old`; restoring into `shop`",
            ),
            (
                BackupEvent::SkippedUndeclared {
                    key: "loki-data".into(),
                    service: "loki".into(),
                },
                "skipped loki-data: the manifest no longer declares `loki`",
            ),
            (
                BackupEvent::Restored {
                    volume: "shop_grafana-data".into(),
                    bytes: 512,
                },
                "restored shop_grafana-data (512 B)",
            ),
            (
                BackupEvent::RestoredAll {
                    volumes: 1,
                    project: "shop".into(),
                },
                "restored 1 volume(s) of stack `shop`; `stackctl deploy` starts it",
            ),
        ];
        for (event, want) in rows {
            assert_eq!(line(&event), want, "{event:?}");
        }
    }

    #[test]
    fn sizes_use_the_largest_binary_unit() {
        let rows = [
            (512, "512 B"),
            (1536, "1.5 KiB"),
            (12 << 20, "12.0 MiB"),
            (5 << 30, "5.0 GiB"),
        ];
        for (bytes, want) in rows {
            assert_eq!(human_size(bytes), want);
        }
    }
}
