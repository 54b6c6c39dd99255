//! Bench helper for `make bench` (bench/run.py): time the library's hash pass.
//!
//! ```text
//! hash FILE             SHA-256 of FILE through agcupload::digest::sha256_file; prints "<hex>  FILE"
//! hash --compute BYTES  SHA-256 of BYTES bytes already in memory (no I/O); prints "<MB/s>"
//! ```

use std::time::Instant;

use agcupload::digest::{sha256_file, to_hex, BUFFER_SIZE};
use agcupload::NoProgress;
use sha2::{Digest, Sha256};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [flag, bytes] if flag == "--compute" => {
            let total: u64 = bytes.parse().expect("BYTES must be a number");
            let buf: Vec<u8> = (0..BUFFER_SIZE).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
            let mut h = Sha256::new();
            let start = Instant::now();
            let mut left = total;
            while left > 0 {
                let n = left.min(buf.len() as u64) as usize;
                h.update(&buf[..n]);
                left -= n as u64;
            }
            std::hint::black_box(h.finalize());
            println!("{:.1}", total as f64 / 1e6 / start.elapsed().as_secs_f64());
        }
        [path] => {
            let mut f = std::fs::File::open(path).expect("cannot open FILE");
            let size = f.metadata().expect("cannot stat FILE").len();
            let d = sha256_file(&mut f, size, &mut NoProgress).expect("hashing failed");
            println!("{}  {path}", to_hex(&d));
        }
        _ => {
            eprintln!("usage: hash FILE | hash --compute BYTES");
            std::process::exit(2);
        }
    }
}
