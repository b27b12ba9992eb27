//! A minimal tar archive (ustar) for copying files into a container with the archive API:
//! secrets arrive with their owner and mode set, so host files stay 0600. Pure.

use super::engine::InjectedFile;

const BLOCK: usize = 512;

/// A tar holding `files` (paths made relative to `/`) and their parent directories (0755, root),
/// all stamped with `mtime` (Unix seconds).
pub fn tar(files: &[InjectedFile], mtime: u64) -> Vec<u8> {
    let mut out = Vec::new();
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
                header(&mut out, &parent, (0, 0o755, 0, mtime), b'5');
            }
        }
        let meta = (file.contents.len(), file.mode, file.uid, mtime);
        header(&mut out, relative, meta, b'0');
        out.extend_from_slice(&file.contents);
        pad(&mut out);
    }
    out.extend_from_slice(&[0u8; BLOCK * 2]);
    out
}

/// One 512-byte header; `meta` is (size, mode, uid, mtime).
fn header(out: &mut Vec<u8>, name: &str, meta: (usize, u32, u32, u64), kind: u8) {
    let (size, mode, uid, mtime) = meta;
    let mut h = [0u8; BLOCK];
    let name = name.as_bytes();
    let len = name.len().min(99);
    h[..len].copy_from_slice(&name[..len]);
    octal(&mut h[100..108], u64::from(mode));
    octal(&mut h[108..116], u64::from(uid));
    octal(&mut h[116..124], u64::from(uid));
    octal(&mut h[124..136], size as u64);
    octal(&mut h[136..148], mtime);
    h[148..156].copy_from_slice(b"        ");
    h[156] = kind;
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    octal(&mut h[148..155], u64::from(sum));
    out.extend_from_slice(&h);
}

/// Zero-padded octal digits followed by NUL, filling the field.
fn octal(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let text = format!("{value:0digits$o}");
    field[..digits].copy_from_slice(&text.as_bytes()[text.len() - digits..]);
    field[digits] = 0;
}

fn pad(out: &mut Vec<u8>) {
    let rest = out.len() % BLOCK;
    if rest != 0 {
        out.extend(std::iter::repeat_n(0u8, BLOCK - rest));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_parent_dirs_then_the_file_with_owner_and_mode() {
        let tar = tar(
            &[InjectedFile {
                path: "/run/secrets/admin_password".into(),
                contents: b"hunter2".to_vec(),
                uid: 472,
                mode: 0o400,
            }],
            0,
        );
        assert_eq!(tar.len(), BLOCK * 3 + BLOCK + BLOCK * 2);
        assert_eq!(&tar[..4], b"run/");
        assert_eq!(tar[156], b'5');
        let file = &tar[BLOCK * 2..BLOCK * 3];
        assert!(file.starts_with(b"run/secrets/admin_password\0"));
        assert_eq!(&file[100..107], b"0000400");
        assert_eq!(&file[108..115], b"0000730");
        assert_eq!(file[156], b'0');
        assert_eq!(&tar[BLOCK * 3..BLOCK * 3 + 7], b"hunter2");
    }

    #[test]
    fn checksum_matches_the_ustar_rule() {
        let tar = tar(
            &[InjectedFile {
                path: "/a".into(),
                contents: vec![],
                uid: 0,
                mode: 0o400,
            }],
            1_795_238_570,
        );
        let mut h = tar[..BLOCK].to_vec();
        let stored = u32::from_str_radix(std::str::from_utf8(&h[148..154]).unwrap(), 8).unwrap();
        h[148..156].copy_from_slice(b"        ");
        assert_eq!(stored, h.iter().map(|b| u32::from(*b)).sum::<u32>());
    }
}
