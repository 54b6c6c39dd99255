//! One streaming SHA-256 pass over a file: a large buffer, progress ticks, constant memory.
//!
//! `sha2` picks SHA-NI / AVX2 code paths at run time through its CPU feature detection.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::progress::{Phase, Progress, Ticker};

/// Read buffer for hashing. 1 MiB: large enough that syscalls do not show in a profile,
/// small enough to stay in L2/L3 and keep RSS flat.
pub const BUFFER_SIZE: usize = 1024 * 1024;

/// A SHA-256 digest.
pub type Sha256Digest = [u8; 32];

/// Lowercase hex, as AGC and S3 expect it.
pub fn to_hex(digest: &Sha256Digest) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// Hint the kernel that `file` is read front to back once (bigger read-ahead).
pub(crate) fn advise_sequential(file: &File) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: plain syscall on a valid, open descriptor; the result is only a hint.
        unsafe {
            libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_SEQUENTIAL);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// Hash exactly `size` bytes of `file` from its start, reporting [`Phase::Hashing`].
///
/// Fails with [`Error::FileChanged`] when the file does not hold exactly `size` bytes any more.
pub fn sha256_file(file: &mut File, size: u64, progress: &mut dyn Progress) -> Result<Sha256Digest> {
    let io_err = |e: std::io::Error| Error::FileChanged(format!("reading the file failed: {e}"));
    file.seek(SeekFrom::Start(0)).map_err(io_err)?;
    advise_sequential(file);
    let mut ticker = Ticker::start(progress, Phase::Hashing, size)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; BUFFER_SIZE];
    let mut done: u64 = 0;
    loop {
        let n = match file.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err(e)),
        };
        if n == 0 {
            break;
        }
        done += n as u64;
        if done > size {
            return Err(Error::FileChanged(format!("it grew beyond {size} bytes while being hashed")));
        }
        hasher.update(&buf[..n]);
        ticker.advance(n as u64)?;
    }
    if done != size {
        return Err(Error::FileChanged(format!("it shrank from {size} to {done} bytes while being hashed")));
    }
    Ok(hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;
    use std::io::Write;

    #[test]
    fn known_answer() {
        let dir = std::env::temp_dir().join(format!("agc-digest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("abc");
        std::fs::File::create(&p).unwrap().write_all(b"abc").unwrap();
        let mut f = File::open(&p).unwrap();
        let d = sha256_file(&mut f, 3, &mut NoProgress).unwrap();
        assert_eq!(to_hex(&d), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(matches!(sha256_file(&mut f, 4, &mut NoProgress), Err(Error::FileChanged(_))));
        assert!(matches!(sha256_file(&mut f, 2, &mut NoProgress), Err(Error::FileChanged(_))));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
