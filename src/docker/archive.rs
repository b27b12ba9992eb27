//! The tar archive for copying files into a container with the archive API (built with the
//! `tar` crate): secrets arrive with their owner and mode set, so host files stay 0600. Names
//! of any length survive (GNU long-name entries, which Docker's extractor reads). Pure.

use super::engine::InjectedFile;

/// A tar holding `files` (paths made relative to `/`) and their parent directories (0755, root),
/// all stamped with `mtime` (Unix seconds).
pub fn tar(files: &[InjectedFile], mtime: u64) -> std::io::Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut dirs: Vec<String> = Vec::new();
    for file in files {
        let relative = file.path.trim_start_matches('/');
        let mut parent = String::new();
        let parts: Vec<&str> = relative.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            parent.push_str(part);
            parent.push('/');
            if !dirs.contains(&parent) {
                dirs.push(parent.clone());
                let mut header = header(tar::EntryType::Directory, 0, 0o755, 0, mtime);
                builder.append_data(&mut header, &parent, std::io::empty())?;
            }
        }
        let size = file.contents.len() as u64;
        let mut header = header(tar::EntryType::Regular, size, file.mode, file.uid, mtime);
        builder.append_data(&mut header, relative, file.contents.as_slice())?;
    }
    builder.into_inner()
}

fn header(kind: tar::EntryType, size: u64, mode: u32, uid: u32, mtime: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(kind);
    header.set_size(size);
    header.set_mode(mode);
    header.set_uid(u64::from(uid));
    header.set_gid(u64::from(uid));
    header.set_mtime(mtime);
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(archive: &[u8]) -> Vec<(String, tar::EntryType, u32, u64, Vec<u8>)> {
        let mut reader = tar::Archive::new(archive);
        reader
            .entries()
            .unwrap()
            .map(|entry| {
                let mut entry = entry.unwrap();
                let mut contents = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut contents).unwrap();
                let header = entry.header();
                (
                    entry.path().unwrap().to_string_lossy().into_owned(),
                    header.entry_type(),
                    header.mode().unwrap(),
                    header.uid().unwrap(),
                    contents,
                )
            })
            .collect()
    }

    #[test]
    fn writes_parent_dirs_then_the_file_with_owner_and_mode() {
        let archive = tar(
            &[InjectedFile {
                path: "/run/secrets/admin_password".into(),
                contents: b"hunter2".to_vec(),
                uid: 472,
                mode: 0o400,
            }],
            0,
        )
        .unwrap();
        let got = entries(&archive);
        let names: Vec<&str> = got.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            names,
            ["run/", "run/secrets/", "run/secrets/admin_password"]
        );
        assert_eq!(got[0].1, tar::EntryType::Directory);
        assert_eq!(got[0].2, 0o755);
        assert_eq!(got[2].1, tar::EntryType::Regular);
        assert_eq!((got[2].2, got[2].3), (0o400, 472));
        assert_eq!(got[2].4, b"hunter2");
    }

    #[test]
    fn keeps_names_longer_than_99_bytes_whole() {
        let long = format!("/run/secrets/{}/{}", "d".repeat(120), "f".repeat(150));
        let archive = tar(
            &[InjectedFile {
                path: long.clone(),
                contents: b"x".to_vec(),
                uid: 0,
                mode: 0o600,
            }],
            1_795_238_570,
        )
        .unwrap();
        let got = entries(&archive);
        assert_eq!(got.last().unwrap().0, long.trim_start_matches('/'));
        assert_eq!(got.last().unwrap().4, b"x");
    }
}
