//! What the tool's tests share: the binary, a temporary directory of test files (signed
//! `.app` packages of an exact size, from tests/common/app.rs), and running the tool.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

#[path = "../../../agcupload/tests/common/app.rs"]
pub mod app;
#[path = "../../../agcupload/tests/common/listing.rs"]
pub mod listing;

/// The tool under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_agcupload");
/// The app id the tests use with the mock.
pub const APP: &str = "10001";

/// A fresh temporary directory, removed on drop.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(tag: &str) -> Dir {
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let p = std::env::temp_dir().join(format!(
            "agc-cli-{tag}-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// A signed .app (pack.info of tests/common/app.rs) of exactly `size` bytes when `size`
    /// allows one, else a tiny file of ZIP magic.
    pub fn app(&self, name: &str, size: usize) -> PathBuf {
        if size >= app::min_size() && name.ends_with(".app") {
            let p = self.path(name);
            std::fs::write(&p, app::signed_app(app::BUNDLE, app::VERSION_CODE, "app", size)).unwrap();
            return p;
        }
        self.file(name, b"PK\x03\x04", size)
    }

    /// A named pipe (FIFO): a file the tool must refuse without blocking on it.
    pub fn fifo(&self, name: &str) -> PathBuf {
        let p = self.path(name);
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a NUL-terminated path we own.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
        p
    }

    /// `magic`, then pseudo-random bytes, `size` in all.
    pub fn file(&self, name: &str, magic: &[u8], size: usize) -> PathBuf {
        let mut data = magic.to_vec();
        let mut x: u32 = 0x9e37_79b9 ^ size as u32;
        while data.len() < size {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            data.extend_from_slice(&x.to_le_bytes());
        }
        data.truncate(size);
        let p = self.path(name);
        std::fs::write(&p, data).unwrap();
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one run of the tool printed, and its exit code.
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// The one JSON document of `--json` on stdout.
    pub fn json(&self) -> Value {
        assert_eq!(self.stdout.lines().count(), 1, "--json prints one line: {:?}", self.stdout);
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

pub fn run(cmd: &mut Command) -> Out {
    let o = cmd.output().expect("agcupload runs");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

pub fn expect(out: &Out, code: i32) {
    assert_eq!(out.code, code, "exit code; stdout: {}\nstderr: {}", out.stdout, out.stderr);
}

/// The tool in a clean environment pointed at `server` (its base URL, CA and API client).
pub fn agc(server: &agc_mock::MockServer) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AGC_API_BASE", server.base_url())
        .env("AGC_CA_FILE", server.ca_path())
        .env("AGC_CLIENT_ID", server.client_id())
        .env("AGC_CLIENT_SECRET", server.client_secret())
        .stdin(std::process::Stdio::null());
    c
}

/// Start `cmd` with stdout and stderr piped, wait for the first stderr line `when` accepts
/// (the lines before it stay in the returned stderr), call `then` (e.g. wait on the mock), send
/// `signal`, and return the whole run. Panics if the tool ends without such a line.
pub fn signal_when(cmd: &mut Command, when: impl Fn(&str) -> bool, then: impl FnOnce(), signal: i32) -> Out {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("agcupload starts");
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            all.push_str(&line);
            all.push('\n');
            let _ = tx.send(line);
        }
        all
    });
    loop {
        // A hang guard only, not a timing assertion.
        let line = rx.recv_timeout(std::time::Duration::from_secs(300)).expect("the awaited line on stderr");
        if when(&line) {
            break;
        }
    }
    then();
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    let mut stdout = String::new();
    child.stdout.take().expect("piped stdout").read_to_string(&mut stdout).expect("stdout");
    let status = child.wait().expect("the tool ends");
    let stderr = reader.join().expect("the reader thread");
    // Killed by the signal itself: the conventional 128 + signal.
    Out { code: status.code().unwrap_or_else(|| 128 + signal), stdout, stderr }
}
