//! A video's duration from its movie header (`moov`/`mvhd` of an ISO base media file), read
//! by seeking from box to box: the media data (`mdat`, up to 500 MB) is stepped over, never
//! read. Hand-written for that reason: the maintained MP4 crates read every box they pass
//! through, and only two fields of one box are needed here.

use std::io::{Read, Seek, SeekFrom};

/// Most boxes looked at (top level and inside `moov`) before giving up: a hostile file of
/// tiny boxes cannot make the walk long.
const MAX_BOXES: usize = 4096;

/// The duration in milliseconds the movie header states, or `None` when the file shows none
/// that can be trusted (no `moov`/`mvhd`, a box that runs past the end, a zero time scale, a
/// duration marked unknown or zero, as a fragmented file has): AGC then decides.
pub fn duration_ms<R: Read + Seek>(file: &mut R, len: u64) -> Option<u64> {
    let (moov_start, moov_end) = find_box(file, 0, len, b"moov")?;
    let (mvhd_start, mvhd_end) = find_box(file, moov_start, moov_end, b"mvhd")?;
    file.seek(SeekFrom::Start(mvhd_start)).ok()?;
    let mut v = [0u8; 32];
    let n = usize::try_from((mvhd_end - mvhd_start).min(32)).ok()?;
    file.read_exact(&mut v[..n]).ok()?;
    let be32 = |i: usize| v.get(i..i + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    // All bits set: the duration is unknown.
    let (scale, duration, unknown) = match v[0] {
        // Version 0: creation, modification (4 bytes each), time scale, duration (4 bytes).
        0 if n >= 20 => (be32(12)?, u64::from(be32(16)?), u64::from(u32::MAX)),
        // Version 1: creation, modification (8 bytes each), time scale (4), duration (8).
        1 if n >= 32 => (be32(20)?, (u64::from(be32(24)?) << 32) | u64::from(be32(28)?), u64::MAX),
        _ => return None,
    };
    if scale == 0 || duration == 0 || duration == unknown {
        return None;
    }
    Some(u64::try_from(u128::from(duration) * 1000 / u128::from(scale)).unwrap_or(u64::MAX))
}

/// The body (after the header) of the first box `kind` among the boxes from `start` to
/// `end`, as `(body start, body end)`.
fn find_box<R: Read + Seek>(file: &mut R, start: u64, end: u64, kind: &[u8; 4]) -> Option<(u64, u64)> {
    let mut at = start;
    for _ in 0..MAX_BOXES {
        if end.checked_sub(at)? < 8 {
            return None;
        }
        file.seek(SeekFrom::Start(at)).ok()?;
        let mut h = [0u8; 16];
        file.read_exact(&mut h[..8]).ok()?;
        let size32 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
        let (header, size) = match size32 {
            // The box runs to the end of its parent.
            0 => (8, end - at),
            // A 64-bit size follows the type.
            1 => {
                file.read_exact(&mut h[8..16]).ok()?;
                (16, u64::from_be_bytes([h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]]))
            }
            s => (8, u64::from(s)),
        };
        let box_end = at.checked_add(size)?;
        if size < header || box_end > end {
            return None;
        }
        if &h[4..8] == kind {
            return Some((at + header, box_end));
        }
        at = box_end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = u32::try_from(body.len() + 8).unwrap().to_be_bytes().to_vec();
        v.extend(kind);
        v.extend(body);
        v
    }

    fn mvhd_v0(scale: u32, duration: u32) -> Vec<u8> {
        let mut b = vec![0, 0, 0, 0];
        b.extend([0; 8]);
        b.extend(scale.to_be_bytes());
        b.extend(duration.to_be_bytes());
        b.extend([0; 80]);
        boxed(b"mvhd", &b)
    }

    fn mvhd_v1(scale: u32, duration: u64) -> Vec<u8> {
        let mut b = vec![1, 0, 0, 0];
        b.extend([0; 16]);
        b.extend(scale.to_be_bytes());
        b.extend(duration.to_be_bytes());
        b.extend([0; 80]);
        boxed(b"mvhd", &b)
    }

    fn file(parts: &[Vec<u8>]) -> Option<u64> {
        let data: Vec<u8> = parts.concat();
        duration_ms(&mut Cursor::new(&data), data.len() as u64)
    }

    fn ftyp() -> Vec<u8> {
        boxed(b"ftyp", b"isom\0\0\0\0isommp41")
    }

    #[test]
    fn the_duration_is_read_from_the_movie_header_after_the_media_data() {
        let moov = boxed(b"moov", &[boxed(b"udta", &[0; 10]), mvhd_v0(600, 18_000)].concat());
        assert_eq!(file(&[ftyp(), boxed(b"mdat", &[7; 1000]), moov.clone()]), Some(30_000));
        assert_eq!(file(&[ftyp(), moov, boxed(b"mdat", &[7; 1000])]), Some(30_000));
        let v1 = boxed(b"moov", &mvhd_v1(90_000, 90_000 * 125));
        assert_eq!(file(&[ftyp(), v1]), Some(125_000));
    }

    #[test]
    fn a_large_size_box_is_stepped_over() {
        let mut mdat = 1u32.to_be_bytes().to_vec();
        mdat.extend(b"mdat");
        mdat.extend(24u64.to_be_bytes());
        mdat.extend([0; 8]);
        let moov = boxed(b"moov", &mvhd_v0(1000, 14_999));
        assert_eq!(file(&[ftyp(), mdat, moov]), Some(14_999));
    }

    #[test]
    fn no_trustworthy_duration_is_none() {
        assert_eq!(file(&[ftyp(), boxed(b"mdat", &[0; 64])]), None, "no moov");
        assert_eq!(file(&[ftyp(), boxed(b"moov", &mvhd_v0(0, 100))]), None, "zero scale");
        assert_eq!(file(&[ftyp(), boxed(b"moov", &mvhd_v0(1000, 0))]), None, "fragmented: zero");
        assert_eq!(file(&[ftyp(), boxed(b"moov", &mvhd_v0(1000, u32::MAX))]), None, "unknown");
        assert_eq!(file(&[ftyp(), boxed(b"moov", &mvhd_v1(1000, u64::MAX))]), None, "unknown v1");
        // A box that claims more than the file holds, or less than its own header.
        let mut past = boxed(b"moov", &mvhd_v0(1000, 20_000));
        past[3] = past[3].wrapping_add(50);
        assert_eq!(file(&[ftyp(), past]), None);
        let mut tiny = ftyp();
        tiny[..4].copy_from_slice(&3u32.to_be_bytes());
        assert_eq!(file(&[tiny]), None);
        assert_eq!(file(&[vec![0, 0, 0]]), None);
        // Thousands of empty boxes: given up after MAX_BOXES.
        let many: Vec<Vec<u8>> = (0..MAX_BOXES + 10).map(|_| boxed(b"free", &[])).collect();
        assert_eq!(file(&[many.concat(), boxed(b"moov", &mvhd_v0(1000, 20_000))]), None);
    }
}
