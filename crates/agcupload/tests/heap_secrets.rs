//! Copies of secrets left in freed memory.
//!
//! This test binary installs a global allocator that, on the test's own thread (the client
//! never starts threads; the in-process mock server runs on others), keeps every freed block
//! instead of freeing it, with an unresolved backtrace of the free. After an upload and the
//! drop of the client, the kept blocks are searched for the client secret, the access token
//! (API client) or the JWT's signature (service account), and the signed upload
//! `Authorization` value's `Signature=` part. Each hit is attributed to the innermost crate
//! on the freeing stack: `agcupload` (our code, including the serde_json trees it owns) or
//! the HTTP stack (`ureq`, `ureq_proto`, `http`, `rustls`), whose buffers are outside our
//! control. The test asserts that none comes from our code, and prints what the HTTP stack
//! leaves behind (see docs/design/secrets.md).

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::backtrace::Backtrace;
use std::cell::Cell;
use std::sync::Mutex;

use agc_mock::{fixture_private_key_path, fixture_service_account, MockConfig, MockServer};
use agcupload::{Client, Credentials, NoProgress, PackageKind};
use common::*;

struct Freed {
    ptr: usize,
    layout: Layout,
    trace: Backtrace,
}

struct Keeper;

static KEPT: Mutex<Vec<Freed>> = Mutex::new(Vec::new());

thread_local! {
    /// Keep the blocks freed on this thread.
    static TRACK: Cell<bool> = const { Cell::new(false) };
    /// Inside the allocator's own bookkeeping: free normally.
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// Secrets are at least this long; smaller blocks cannot hold one.
const MIN_BLOCK: usize = 16;

unsafe impl GlobalAlloc for Keeper {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let keep = layout.size() >= MIN_BLOCK
            && TRACK.try_with(Cell::get).unwrap_or(false)
            && !BUSY.try_with(Cell::get).unwrap_or(true);
        if keep {
            BUSY.with(|b| b.set(true));
            let trace = Backtrace::force_capture();
            if let Ok(mut k) = KEPT.lock() {
                k.push(Freed { ptr: ptr as usize, layout, trace });
                BUSY.with(|b| b.set(false));
                return;
            }
            BUSY.with(|b| b.set(false));
        }
        // SAFETY: forwarded with the caller's contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Keeper = Keeper;

/// Where a freed copy came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Ours(String),
    HttpStack(String),
    Unknown(String),
}

fn origin(trace: &Backtrace) -> Origin {
    BUSY.with(|b| b.set(true));
    let text = trace.to_string();
    BUSY.with(|b| b.set(false));
    let foreign = ["ureq", "http::", "rustls", "bytes::"];
    for line in text.lines() {
        let l = line.trim();
        // Frame lines look like "12: some::symbol"; skip the "at file:line" lines.
        let Some((_, sym)) = l.split_once(": ") else { continue };
        if sym.starts_with("at ") || sym.contains("heap_secrets") || sym.contains("Keeper") {
            continue;
        }
        // Checked first: `drop_in_place<agcupload::http::Reply>` is ours.
        if sym.contains("agcupload::") {
            return Origin::Ours(sym.chars().take(160).collect());
        }
        if foreign.iter().any(|f| sym.contains(f)) {
            return Origin::HttpStack(sym.chars().take(160).collect());
        }
    }
    Origin::Unknown(String::new())
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Upload with a client, drop it, and return the hits: (secret name, origin).
fn run(
    server: &MockServer,
    creds: Credentials,
    secret_names: impl Fn(&MockServer) -> Vec<(String, Vec<u8>)>,
) -> Vec<(String, Origin)> {
    let dir = TempDir::new("heap");
    let p = dir.app("h.app", 20_000);
    let mut client = Client::new(creds).unwrap();
    client.set_api_base(&server.base_url()).unwrap();
    client.set_ca_file(&server.ca_path()).unwrap();
    KEPT.lock().unwrap().clear();
    TRACK.with(|t| t.set(true));
    client.upload_file("10001", &p, PackageKind::HarmonyApp, &mut NoProgress).expect("upload");
    drop(client);
    TRACK.with(|t| t.set(false));
    let kept = std::mem::take(&mut *KEPT.lock().unwrap());
    let needles = secret_names(server);
    assert!(needles.iter().all(|(_, n)| n.len() >= MIN_BLOCK), "needles long enough to be found");
    let mut hits = Vec::new();
    for f in &kept {
        // SAFETY: the block was allocated with this layout and never given back to System.
        let bytes = unsafe { std::slice::from_raw_parts(f.ptr as *const u8, f.layout.size()) };
        for (name, n) in &needles {
            if contains(bytes, n) {
                hits.push((name.clone(), origin(&f.trace)));
            }
        }
    }
    for f in kept {
        // SAFETY: kept instead of freed above; freed exactly once here.
        unsafe { System.dealloc(f.ptr as *mut u8, f.layout) };
    }
    hits
}

fn report(mode: &str, hits: &[(String, Origin)]) {
    let mut counts: std::collections::BTreeMap<(String, Origin), usize> = Default::default();
    for h in hits {
        *counts.entry(h.clone()).or_default() += 1;
    }
    for ((name, o), n) in &counts {
        eprintln!("{mode}: {n} freed cop{} of the {name} from {o:?}", if *n == 1 { "y" } else { "ies" });
    }
}

fn signatures(server: &MockServer) -> Vec<(String, Vec<u8>)> {
    server
        .upload_authorizations()
        .iter()
        .map(|a| ("upload signature".to_string(), a.rsplit("Signature=").next().unwrap_or(a).as_bytes().to_vec()))
        .collect()
}

#[test]
fn our_code_leaves_no_secret_in_freed_memory() {
    // API client: client secret, access token, upload signature.
    let secret = "cs-heap-7d1e0c9a2b4f4e6a8c3d5b7e9f1a2c4d";
    let server = mock_with(MockConfig { client_secret: secret.into(), ..Default::default() });
    let hits = run(&server, Credentials::api_client(server.client_id(), secret), |s| {
        let mut n = vec![("client secret".to_string(), secret.as_bytes().to_vec())];
        n.extend(s.issued_tokens().into_iter().map(|t| ("access token".to_string(), t.into_bytes())));
        n.extend(signatures(s));
        n
    });
    report("api client", &hits);
    let api_ours: Vec<_> = hits.iter().filter(|(_, o)| matches!(o, Origin::Ours(_))).collect();

    // Service account: the JWT's signature part, upload signature.
    let server = mock_with(MockConfig { service_accounts: vec![fixture_service_account()], ..Default::default() });
    let creds = Credentials::service_account(fixture_private_key_path().to_str().unwrap()).unwrap();
    let hits = run(&server, creds, |s| {
        let mut n = Vec::new();
        for r in s.requests() {
            for (k, v) in &r.headers {
                if let Some(jwt) = v.strip_prefix("Bearer ").filter(|_| k == "authorization") {
                    let sig = jwt.rsplit('.').next().unwrap_or(jwt);
                    n.push(("JWT signature".to_string(), sig.as_bytes().to_vec()));
                }
            }
        }
        n.extend(signatures(s));
        n
    });
    report("service account", &hits);
    let sa_ours: Vec<_> = hits.iter().filter(|(_, o)| matches!(o, Origin::Ours(_))).collect();

    assert!(api_ours.is_empty(), "our code freed secrets without wiping them: {api_ours:#?}");
    assert!(sa_ours.is_empty(), "our code freed secrets without wiping them: {sa_ours:#?}");
}
