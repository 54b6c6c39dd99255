//! Two SHA-256 states that run side by side over one pass of the bytes.
//!
//! Kept for a measured benefit over two `sha2::Sha256` states updated one after the other
//! (`sha256_pair_throughput` below: release build, 1 GiB in memory fed 256 KiB or 1 MiB at a
//! time, AMD EPYC with SHA-NI, 2026-12-07, medians of 7 interleaved runs on a busy 2-core host):
//! [`Pair`] takes 0.61-0.62x their time (498 against 307 MB/s), 1.23 single-stream passes
//! instead of 2; forced to its fallback it takes the same time as they do. BENCHMARKS.md has
//! the table.
//!
//! A multipart part is hashed while it is sent, twice over: its own digest (recorded in the
//! resume file, and compared when a retry sends it again) and the whole file's running digest.
//! One SHA-256 stream is bound by the latency of the SHA-NI round instruction, not by its
//! throughput, so running the two streams together is cheaper than one after the other.
//! [`Pair`] holds both; the message schedule is computed once for them.
//!
//! The compression kernel is the SHA-NI sequence of `sha2`'s x86 backend, with the rounds of
//! the two states interleaved; without SHA-NI (or off x86-64) it falls back to `sha2`'s own
//! compression function, one state after the other. Results are plain SHA-256: the tests
//! compare both kernels with `sha2` on any machine (the fallback can be forced).

use sha2::digest::consts::U64;
use sha2::digest::generic_array::GenericArray;

use crate::transfer::digest::Sha256Digest;

const IV: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// A streaming SHA-256 whose compression can be shared with other states (see the module).
#[derive(Clone)]
pub(crate) struct Sha256 {
    h: [u32; 8],
    /// Bytes fed so far.
    len: u64,
    /// Bytes of an unfinished block.
    buf: [u8; 64],
    pending: usize,
}

impl Default for Sha256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Sha256 {
    pub(crate) fn new() -> Self {
        Sha256 { h: IV, len: 0, buf: [0; 64], pending: 0 }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        let rest = self.fill(data);
        let (blocks, tail) = split_blocks(rest);
        kernel::one(&mut self.h, blocks);
        self.len += blocks.len() as u64;
        self.keep(tail);
    }

    /// The digest of the bytes fed so far (the state is left as it is).
    pub(crate) fn finalize(&self) -> Sha256Digest {
        let mut s = self.clone();
        let bits = s.len.wrapping_mul(8);
        let mut pad = [0u8; 72];
        pad[0] = 0x80;
        let zeros = (55usize.wrapping_sub(s.pending)) % 64;
        pad[1 + zeros..9 + zeros].copy_from_slice(&bits.to_be_bytes());
        s.update(&pad[..9 + zeros]);
        debug_assert_eq!(s.pending, 0);
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(s.h) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }

    /// Feed `data` up to the next block boundary (compressing the block it completes); returns
    /// the rest, which then starts on a block boundary unless it is empty.
    fn fill<'d>(&mut self, data: &'d [u8]) -> &'d [u8] {
        if self.pending == 0 {
            return data;
        }
        let n = (64 - self.pending).min(data.len());
        self.buf[self.pending..self.pending + n].copy_from_slice(&data[..n]);
        self.pending += n;
        self.len += n as u64;
        if self.pending == 64 {
            kernel::one(&mut self.h, &self.buf);
            self.pending = 0;
        }
        &data[n..]
    }

    /// Keep the bytes of an unfinished block (less than 64, on a block boundary).
    fn keep(&mut self, tail: &[u8]) {
        debug_assert!(self.pending == 0 || tail.is_empty());
        self.buf[self.pending..self.pending + tail.len()].copy_from_slice(tail);
        self.pending += tail.len();
        self.len += tail.len() as u64;
    }
}

/// `data` as whole 64-byte blocks and the bytes after them.
fn split_blocks(data: &[u8]) -> (&[u8], &[u8]) {
    data.split_at(data.len() / 64 * 64)
}

/// A part's digest and the whole file's running digest, fed the same bytes.
///
/// When the part starts on a block boundary of the whole file (part sizes are multiples of
/// 64, as AGC's are), both states stay in step and share one message schedule; otherwise they
/// are updated one after the other.
#[derive(Clone)]
pub(crate) struct Pair {
    pub part: Sha256,
    pub whole: Sha256,
}

impl Pair {
    /// A fresh part digest next to the whole file's digest so far.
    pub(crate) fn new(whole: Sha256) -> Self {
        Pair { part: Sha256::new(), whole }
    }

    fn in_step(&self) -> bool {
        self.part.pending == self.whole.pending
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.update_with(data, false);
    }

    /// `force_portable` runs the fallback (one state after the other) even where SHA-NI is
    /// there, so the tests cover both kernels on any machine.
    fn update_with(&mut self, data: &[u8], force_portable: bool) {
        if !self.in_step() {
            self.part.update(data);
            self.whole.update(data);
            return;
        }
        let rest = self.fill(data);
        let (blocks, tail) = split_blocks(rest);
        kernel::two(&mut self.part.h, &mut self.whole.h, blocks, force_portable);
        self.advance(blocks.len());
        self.part.keep(tail);
        self.whole.keep(tail);
    }

    fn fill<'d>(&mut self, data: &'d [u8]) -> &'d [u8] {
        let rest = self.part.fill(data);
        self.whole.fill(data);
        rest
    }

    fn advance(&mut self, n: usize) {
        self.part.len += n as u64;
        self.whole.len += n as u64;
    }
}

/// Compression of whole 64-byte blocks (`blocks.len()` a multiple of 64).
mod kernel {
    use super::*;

    /// One state: `sha2`'s compression function (SHA-NI when the CPU has it).
    pub(super) fn one(h: &mut [u32; 8], blocks: &[u8]) {
        debug_assert_eq!(blocks.len() % 64, 0);
        if blocks.is_empty() {
            return;
        }
        // SAFETY: `GenericArray<u8, U64>` is `#[repr(transparent)]` over `[u8; 64]` (alignment
        // 1), and `blocks` holds exactly `blocks.len() / 64` such arrays.
        let arrays =
            unsafe { std::slice::from_raw_parts(blocks.as_ptr().cast::<GenericArray<u8, U64>>(), blocks.len() / 64) };
        sha2::compress256(h, arrays);
    }

    /// Two states over the same blocks: interleaved SHA-NI rounds where the CPU has them
    /// (unless `force_portable`), else `sha2` one state after the other.
    pub(super) fn two(a: &mut [u32; 8], b: &mut [u32; 8], blocks: &[u8], force_portable: bool) {
        #[cfg(target_arch = "x86_64")]
        if !force_portable && shani::available() && !blocks.is_empty() {
            // SAFETY: the CPU has the features `shani::two` is compiled for (checked above).
            unsafe { shani::two(a, b, blocks) };
            return;
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = force_portable;
        one(a, blocks);
        one(b, blocks);
    }
}

/// The SHA-NI kernels (x86-64), after `sha2`'s `sha256/x86.rs` (the Intel sequence).
#[cfg(target_arch = "x86_64")]
// Value-only intrinsics are safe to call inside `target_feature` functions since Rust 1.87; the
// blocks stay for our minimum Rust (1.85).
#[allow(unused_unsafe)]
mod shani {
    use std::arch::x86_64::*;

    pub(super) fn available() -> bool {
        std::is_x86_feature_detected!("sha")
            && std::is_x86_feature_detected!("sse2")
            && std::is_x86_feature_detected!("ssse3")
            && std::is_x86_feature_detected!("sse4.1")
    }

    #[rustfmt::skip]
    static K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// A state as the (ABEF, CDGH) register pair the round instruction works on.
    type Regs = (__m128i, __m128i);

    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    unsafe fn load(h: &[u32; 8]) -> Regs {
        // SAFETY: two unaligned 16-byte loads within the 32-byte array.
        unsafe {
            let p = h.as_ptr().cast::<__m128i>();
            let dcba = _mm_loadu_si128(p);
            let efgh = _mm_shuffle_epi32(_mm_loadu_si128(p.add(1)), 0x1B);
            let cdab = _mm_shuffle_epi32(dcba, 0xB1);
            (_mm_alignr_epi8(cdab, efgh, 8), _mm_blend_epi16(efgh, cdab, 0xF0))
        }
    }

    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    unsafe fn store(h: &mut [u32; 8], (abef, cdgh): Regs) {
        // SAFETY: two unaligned 16-byte stores within the 32-byte array.
        unsafe {
            let feba = _mm_shuffle_epi32(abef, 0x1B);
            let dchg = _mm_shuffle_epi32(cdgh, 0xB1);
            let p = h.as_mut_ptr().cast::<__m128i>();
            _mm_storeu_si128(p, _mm_blend_epi16(feba, dchg, 0xF0));
            _mm_storeu_si128(p.add(1), _mm_alignr_epi8(dchg, feba, 8));
        }
    }

    /// The first 16 message words of a 64-byte block, byte-swapped.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    unsafe fn words(block: &[u8]) -> [__m128i; 4] {
        debug_assert_eq!(block.len(), 64);
        // SAFETY: four unaligned 16-byte loads within the 64-byte block.
        unsafe {
            let mask = _mm_set_epi64x(0x0C0D_0E0F_0809_0A0Bu64 as i64, 0x0405_0607_0001_0203u64 as i64);
            let p = block.as_ptr().cast::<__m128i>();
            [
                _mm_shuffle_epi8(_mm_loadu_si128(p), mask),
                _mm_shuffle_epi8(_mm_loadu_si128(p.add(1)), mask),
                _mm_shuffle_epi8(_mm_loadu_si128(p.add(2)), mask),
                _mm_shuffle_epi8(_mm_loadu_si128(p.add(3)), mask),
            ]
        }
    }

    /// Message words 4i..4i+3 plus their round constants; from i = 4 on, the words are first
    /// computed into `w[i % 4]` from the 16 before them.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    unsafe fn next(w: &mut [__m128i; 4], i: usize) -> __m128i {
        // SAFETY: value-only intrinsics, and one 16-byte load within `K` (i < 16).
        unsafe {
            if i >= 4 {
                let (w0, w1, w2, w3) = (w[i % 4], w[(i + 1) % 4], w[(i + 2) % 4], w[(i + 3) % 4]);
                let t = _mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4));
                w[i % 4] = _mm_sha256msg2_epu32(t, w3);
            }
            _mm_add_epi32(w[i % 4], _mm_loadu_si128(K.as_ptr().add(4 * i).cast::<__m128i>()))
        }
    }

    /// Four rounds of one state, given the words plus constants `t`.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    unsafe fn rounds(s: &mut Regs, t: __m128i) {
        // SAFETY: value-only intrinsics.
        unsafe {
            s.1 = _mm_sha256rnds2_epu32(s.1, s.0, t);
            s.0 = _mm_sha256rnds2_epu32(s.0, s.1, _mm_shuffle_epi32(t, 0x0E));
        }
    }

    /// The feed-forward at the end of a block: the state before it added in.
    #[inline]
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    unsafe fn add(s: Regs, before: Regs) -> Regs {
        // SAFETY: value-only intrinsics.
        unsafe { (_mm_add_epi32(s.0, before.0), _mm_add_epi32(s.1, before.1)) }
    }

    /// Two states over the same blocks, one message schedule.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub(super) unsafe fn two(ha: &mut [u32; 8], hb: &mut [u32; 8], blocks: &[u8]) {
        // SAFETY: the caller guarantees the CPU features; the helpers stay within the arrays
        // and blocks passed to them.
        unsafe {
            let (mut a, mut b) = (load(ha), load(hb));
            for block in blocks.chunks_exact(64) {
                let before = (a, b);
                let mut w = words(block);
                for i in 0..16 {
                    let t = next(&mut w, i);
                    rounds(&mut a, t);
                    rounds(&mut b, t);
                }
                (a, b) = (add(a, before.0), add(b, before.1));
            }
            store(ha, a);
            store(hb, b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sha2::Digest;

    fn reference(data: &[u8]) -> Sha256Digest {
        sha2::Sha256::digest(data).into()
    }

    /// Deterministic bytes (xorshift), so failures repeat.
    fn bytes(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// Cut points that hit block boundaries, their neighbours and odd lengths.
    fn cuts(len: usize, seed: u64) -> Vec<usize> {
        let mut out = vec![0];
        let mut at = 0;
        let steps = [1usize, 63, 64, 65, 127, 128, 4096, 1000, 0, 7, 192];
        let mut i = seed as usize;
        while at < len {
            at = (at + steps[i % steps.len()]).min(len);
            i += 1;
            out.push(at);
        }
        out
    }

    #[test]
    fn known_answers() {
        assert_eq!(
            crate::transfer::digest::to_hex(&Sha256::new().finalize()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let mut h = Sha256::new();
        h.update(b"abc");
        assert_eq!(
            crate::transfer::digest::to_hex(&h.finalize()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // Every length around the padding's boundaries.
        let data = bytes(300, 7);
        for n in 0..data.len() {
            let mut h = Sha256::new();
            h.update(&data[..n]);
            assert_eq!(h.finalize(), reference(&data[..n]), "length {n}");
        }
    }

    #[test]
    fn pieces_of_any_size_give_the_same_digest() {
        let data = bytes(20_000, 11);
        for seed in 0..11 {
            let mut h = Sha256::new();
            let c = cuts(data.len(), seed);
            for w in c.windows(2) {
                h.update(&data[w[0]..w[1]]);
            }
            assert_eq!(h.finalize(), reference(&data), "seed {seed}");
        }
    }

    #[test]
    fn a_pair_gives_the_part_and_the_whole_file() {
        let data = bytes(30_000, 3);
        // Parts on block boundaries (in step) and off them (one after the other).
        for part_size in [64usize, 4096, 5000, 64 * 100 + 1, 30_000] {
            for seed in 0..4 {
                let mut whole = Sha256::new();
                for (n, part) in data.chunks(part_size).enumerate() {
                    let mut pair = Pair::new(whole);
                    let c = cuts(part.len(), seed + n as u64);
                    for w in c.windows(2) {
                        pair.update(&part[w[0]..w[1]]);
                    }
                    assert_eq!(pair.part.finalize(), reference(part), "part {n} of {part_size}, seed {seed}");
                    whole = pair.whole;
                }
                assert_eq!(whole.finalize(), reference(&data), "whole, parts of {part_size}, seed {seed}");
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_kernels_agree_with_sha2() {
        // Straight at the kernels (SHA-NI where the CPU has it), many blocks.
        let x = bytes(64 * 300, 17);
        let y = bytes(64 * 300, 19);
        let (mut a, mut b) = (IV, [7u32; 8]);
        kernel::two(&mut a, &mut b, &y, false);
        let (mut a2, mut b2) = (IV, [7u32; 8]);
        kernel::one(&mut a2, &y);
        kernel::one(&mut b2, &y);
        assert_eq!((a, b), (a2, b2));
        let (mut c, mut d) = (IV, IV);
        kernel::two(&mut c, &mut d, &x, false);
        assert_eq!(c, d);
    }

    /// Cases per property: modest so the debug test run stays short; `PROPTEST_CASES` raises it.
    fn cases(default: u32) -> ProptestConfig {
        let mut c = ProptestConfig::default();
        if std::env::var_os("PROPTEST_CASES").is_none() {
            c.cases = default;
        }
        c
    }

    /// Split `data` at the given piece lengths (the last piece takes what is left).
    fn pieces<'a>(data: &'a [u8], lens: &[usize]) -> Vec<&'a [u8]> {
        let mut out = Vec::new();
        let mut rest = data;
        for &n in lens {
            let (a, b) = rest.split_at(n.min(rest.len()));
            out.push(a);
            rest = b;
        }
        out.push(rest);
        out
    }

    proptest! {
        #![proptest_config(cases(96))]

        /// A part starting anywhere in the file (on a block boundary or not), fed in pieces of
        /// any length: both kernels (SHA-NI where the CPU has it, and the fallback) give the
        /// part's and the whole file's `sha2` digests.
        #[test]
        fn a_pair_agrees_with_sha2_on_both_kernels_for_any_split(
            data in prop::collection::vec(any::<u8>(), 0..12_000),
            before in prop_oneof![(0usize..12).prop_map(|k| k * 64), 0usize..900],
            lens_before in prop::collection::vec(0usize..300, 0..4),
            lens in prop::collection::vec(prop_oneof![0usize..130, 0usize..5000], 0..12),
        ) {
            let before = before.min(data.len());
            for force_portable in [false, true] {
                let mut whole = Sha256::new();
                for p in pieces(&data[..before], &lens_before) {
                    whole.update(p);
                }
                let mut pair = Pair::new(whole);
                for p in pieces(&data[before..], &lens) {
                    pair.update_with(p, force_portable);
                }
                prop_assert_eq!(pair.part.finalize(), reference(&data[before..]), "part, fallback forced: {}", force_portable);
                prop_assert_eq!(pair.whole.finalize(), reference(&data), "whole, fallback forced: {}", force_portable);
            }
        }
    }

    /// The measurement behind keeping [`Pair`]: 1 GiB in memory, fed in the PUT's pieces
    /// (256 KiB, ureq's send buffer) and in the resume check's (1 MiB), through one `sha2`
    /// state (one pass, for scale), two `sha2` states one after the other (what `Pair` would be
    /// without its kernel), and `Pair` with its SHA-NI kernel and forced to the fallback.
    /// Prints MB/s, medians of interleaved runs. Release build:
    /// `cargo test --release -p agcupload --lib -- --ignored --nocapture sha256_pair_throughput`.
    #[test]
    #[ignore = "a measurement (1 GiB, release build), not a check"]
    fn sha256_pair_throughput() {
        use std::hint::black_box;
        use std::time::Instant;
        const SIZE: usize = 1 << 30;
        let runs: usize = std::env::var("SHA_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
        let data = bytes(SIZE, 5);
        type Way = (&'static str, fn(&[u8], usize) -> [u8; 64]);
        let ways: [Way; 4] = [
            ("one sha2 state (1 stream, for scale)", |d, piece| {
                let mut h = sha2::Sha256::new();
                d.chunks(piece).for_each(|c| h.update(c));
                let mut out = [0; 64];
                out[..32].copy_from_slice(&h.finalize());
                out
            }),
            ("two sha2 states, one after the other", |d, piece| {
                let (mut part, mut whole) = (sha2::Sha256::new(), sha2::Sha256::new());
                for c in d.chunks(piece) {
                    part.update(c);
                    whole.update(c);
                }
                let mut out = [0; 64];
                out[..32].copy_from_slice(&part.finalize());
                out[32..].copy_from_slice(&whole.finalize());
                out
            }),
            ("Pair (SHA-NI kernel where the CPU has it)", |d, piece| {
                let mut p = Pair::new(Sha256::new());
                d.chunks(piece).for_each(|c| p.update_with(c, false));
                let mut out = [0; 64];
                out[..32].copy_from_slice(&p.part.finalize());
                out[32..].copy_from_slice(&p.whole.finalize());
                out
            }),
            ("Pair, fallback forced", |d, piece| {
                let mut p = Pair::new(Sha256::new());
                d.chunks(piece).for_each(|c| p.update_with(c, true));
                let mut out = [0; 64];
                out[..32].copy_from_slice(&p.part.finalize());
                out[32..].copy_from_slice(&p.whole.finalize());
                out
            }),
        ];
        #[cfg(target_arch = "x86_64")]
        eprintln!("SHA-NI: {}", shani::available());
        for piece in [256 * 1024, 1024 * 1024] {
            let mut secs = vec![Vec::new(); ways.len()];
            let mut digests = vec![[0u8; 64]; ways.len()];
            for _ in 0..runs {
                for (i, (_, way)) in ways.iter().enumerate() {
                    let t = Instant::now();
                    digests[i] = black_box(way(black_box(&data), piece));
                    secs[i].push(t.elapsed().as_secs_f64());
                }
            }
            // Same digests both ways (the single stream gives only the first 32 bytes).
            assert!(digests[1..].iter().all(|d| *d == digests[1]) && digests[0][..32] == digests[1][..32]);
            eprintln!("pieces of {} KiB, 1 GiB, median of {runs}:", piece / 1024);
            let median = |v: &mut Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            let two_sha2 = median(&mut secs[1].clone());
            for (i, (name, _)) in ways.iter().enumerate() {
                let m = median(&mut secs[i]);
                eprintln!(
                    "  {name:<44} {:>6.0} MB/s  {:.3} s  ({:.2}x the time of two sha2 states)",
                    SIZE as f64 / m / 1e6,
                    m,
                    m / two_sha2
                );
            }
        }
    }
}
