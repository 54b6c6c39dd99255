//! Networks people really have: uploads through a real HTTP CONNECT proxy (tinyproxy, from
//! Debian's packages, started by each test with its own config and log), the proxy
//! environment variables, proxy failures, and the choice of trusted roots (the system store
//! given through `SSL_CERT_FILE`).
//!
//! The proxy and `SSL_CERT_FILE` are read from the environment when a client is built or
//! reconfigured, so every test here holds `ENV` from start to end (this binary is the only
//! one that changes the environment).

mod common;

use std::ffi::{CStr, CString};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use agc_mock::{Endpoint, MockServer};
use agcupload::{Client, Error, NoProgress, PackageKind, RetryPolicy, Status, TrustRoots};
use common::*;

static ENV: Mutex<()> = Mutex::new(());

/// Hold the environment; start from a clean proxy/trust environment.
fn env_lock() -> MutexGuard<'static, ()> {
    let g = ENV.lock().unwrap_or_else(|p| p.into_inner());
    for k in [
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
        "http_proxy",
        "HTTP_PROXY",
        "no_proxy",
        "NO_PROXY",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ] {
        std::env::remove_var(k);
    }
    g
}

/// A tinyproxy started for one test on a free port, logging to a temp file.
struct Tinyproxy {
    child: Child,
    port: u16,
    log: PathBuf,
    _dir: TempDir,
}

impl Tinyproxy {
    /// Start with `extra` config lines (for example `BasicAuth u p` or `ConnectPort 443`).
    fn start(extra: &str) -> Tinyproxy {
        let dir = TempDir::new("tinyproxy");
        let port = free_port();
        let log = dir.path("tinyproxy.log");
        let conf = dir.write(
            "tinyproxy.conf",
            format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 60\nLogLevel Info\nLogFile \"{}\"\nMaxClients 50\n\
                 Allow 127.0.0.1\n{extra}\n",
                log.display()
            )
            .as_bytes(),
        );
        let child = match Command::new("tinyproxy")
            .arg("-d")
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(c) => c,
            Err(e) => panic!(
                "cannot start tinyproxy ({e}): the proxy tests need it; install it with \
                 `apt-get install -y tinyproxy` (.ci/run does)"
            ),
        };
        let mut p = Tinyproxy { child, port, log, _dir: dir };
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = p.child.try_wait() {
                panic!("tinyproxy exited at start ({status}); its log:\n{}", p.log_text());
            }
            assert!(start.elapsed() < Duration::from_secs(30), "tinyproxy did not listen on {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        p
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The CONNECT requests tinyproxy logged (`Request (file descriptor N): CONNECT host:port HTTP/1.1`).
    fn connects(&self) -> Vec<String> {
        self.log_text().lines().filter(|l| l.contains("): CONNECT ")).map(str::to_owned).collect()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A client for the mock like `common::client_for`, optionally without its CA, with
/// `attempts` attempts (build it while holding `ENV`).
fn client(server: &MockServer, trust_mock_ca: bool, attempts: u32) -> Client {
    let mut c = Client::new(agcupload::Credentials::api_client(server.client_id(), server.client_secret())).unwrap();
    c.set_api_base(&server.base_url()).unwrap();
    if trust_mock_ca {
        c.set_ca_file(&server.ca_path()).unwrap();
    }
    c.set_retry_policy(RetryPolicy {
        max_attempts: attempts,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        deadline: Some(Duration::from_secs(120)),
    })
    .unwrap();
    c
}

fn upload(c: &Client, dir: &TempDir, size: usize) -> agcupload::Result<agcupload::UploadResult> {
    let path = dir.app("pkg.app", size);
    c.upload_file("10001", &path, PackageKind::HarmonyApp, &mut NoProgress)
}

/// Token, upload-url and PUT each reached the mock once.
fn assert_three_requests(server: &MockServer) {
    let log = server.requests();
    let count = |k: Endpoint| log.iter().filter(|r| r.kind == k).count();
    assert_eq!((count(Endpoint::Token), count(Endpoint::UploadUrl), count(Endpoint::Upload)), (1, 1, 1));
}

#[test]
fn explicit_proxy_carries_token_upload_url_and_put() {
    let server = mock();
    let dir = TempDir::new("proxy");
    let proxy = Tinyproxy::start("");
    let _env = env_lock();
    let mut c = client(&server, true, 1);
    c.set_proxy(Some(&proxy.url())).unwrap();
    let r = upload(&c, &dir, 1024 * 1024 + 3).unwrap();
    assert_eq!(server.object(&r.object_id).unwrap().size, 1024 * 1024 + 3);
    assert_three_requests(&server);
    let connects = proxy.connects();
    let target = format!("CONNECT 127.0.0.1:{} ", server.port());
    assert!(!connects.is_empty(), "no CONNECT in tinyproxy's log:\n{}", proxy.log_text());
    assert!(connects.iter().all(|l| l.contains(&target)), "{connects:?}");

    // Nothing went around the proxy: with the proxy gone, the same client reaches nothing,
    // says that the proxy is the problem, and the mock sees no new request.
    drop(proxy);
    server.clear_requests();
    let c2 = {
        let mut c2 = client(&server, true, 1);
        c2.set_proxy(Some(&format!("http://127.0.0.1:{}", free_port()))).unwrap();
        c2
    };
    for cl in [&c, &c2] {
        let e = upload(cl, &dir, 100).unwrap_err();
        assert_eq!(e.status(), Status::Network, "{e}");
        let m = e.to_string();
        assert!(m.contains("cannot reach the proxy http://127.0.0.1:"), "{m}");
    }
    assert!(server.requests().is_empty(), "a request went around the proxy: {:?}", server.requests());
}

#[test]
fn no_proxy_routes_each_host_its_own_way() {
    // The Connect API as `localhost`, the signed upload URL as `127.0.0.1` (the mock's
    // certificate names both): NO_PROXY listing one of them sends exactly that host's
    // requests direct and the other's through CONNECT, so the log shows which request went
    // where: token + upload-url on one side, the PUT on the other.
    let server = mock();
    let dir = TempDir::new("split");
    let proxy = Tinyproxy::start("");
    let _env = env_lock();
    let api = format!("localhost:{}", server.port());
    let put = format!("127.0.0.1:{}", server.port());
    for (no_proxy, proxied) in [("localhost", &put), ("127.0.0.1", &api)] {
        server.clear_requests();
        let before = proxy.connects().len();
        std::env::set_var("NO_PROXY", no_proxy);
        let mut c = client(&server, true, 1);
        c.set_api_base(&format!("https://{api}")).unwrap();
        c.set_proxy(Some(&proxy.url())).unwrap();
        std::env::remove_var("NO_PROXY");
        upload(&c, &dir, 200_000).unwrap();
        assert_three_requests(&server);
        let connects = proxy.connects()[before..].to_vec();
        assert!(!connects.is_empty(), "NO_PROXY={no_proxy}: nothing went through the proxy");
        assert!(
            connects.iter().all(|l| l.contains(&format!("CONNECT {proxied} "))),
            "NO_PROXY={no_proxy}: {connects:?}"
        );
    }
}

#[test]
fn https_proxy_variable_is_used_and_no_proxy_bypasses_it() {
    let server = mock();
    let dir = TempDir::new("envproxy");
    let proxy = Tinyproxy::start("");
    let _env = env_lock();

    // HTTPS_PROXY alone: through the proxy.
    let c = {
        std::env::set_var("HTTPS_PROXY", proxy.url());
        let c = client(&server, true, 1);
        std::env::remove_var("HTTPS_PROXY");
        c
    };
    upload(&c, &dir, 5000).unwrap();
    assert_three_requests(&server);
    let through = proxy.connects().len();
    assert!(through >= 1, "HTTPS_PROXY was not used:\n{}", proxy.log_text());

    // ALL_PROXY (lower case) is used too.
    let c = {
        std::env::set_var("all_proxy", proxy.url());
        let c = client(&server, true, 1);
        std::env::remove_var("all_proxy");
        c
    };
    upload(&c, &dir, 5000).unwrap();
    let after_all = proxy.connects().len();
    assert!(after_all > through, "ALL_PROXY was not used");

    // NO_PROXY covering the host: direct, the proxy sees nothing.
    for (no_proxy, setting) in [("localhost, 127.0.0.1", None), ("example.invalid,127.0.0.1", Some("env"))] {
        server.clear_requests();
        let mut c = {
            std::env::set_var("https_proxy", proxy.url());
            std::env::set_var("NO_PROXY", no_proxy);
            let c = client(&server, true, 1);
            std::env::remove_var("https_proxy");
            std::env::remove_var("NO_PROXY");
            c
        };
        if setting.is_some() {
            // "env" is the default: setting it again reads the environment again.
            std::env::set_var("https_proxy", proxy.url());
            std::env::set_var("NO_PROXY", no_proxy);
            c.set_proxy(setting).unwrap();
            std::env::remove_var("https_proxy");
            std::env::remove_var("NO_PROXY");
        }
        upload(&c, &dir, 5000).unwrap();
        assert_three_requests(&server);
        assert_eq!(proxy.connects().len(), after_all, "NO_PROXY={no_proxy} did not bypass the proxy");
    }

    // "none" turns the environment's proxy off.
    server.clear_requests();
    let c = {
        std::env::set_var("HTTPS_PROXY", proxy.url());
        let mut c = client(&server, true, 1);
        c.set_proxy(Some("none")).unwrap();
        std::env::remove_var("HTTPS_PROXY");
        c
    };
    upload(&c, &dir, 5000).unwrap();
    assert_three_requests(&server);
    assert_eq!(proxy.connects().len(), after_all, "\"none\" still used the proxy");

    // A malformed variable is not silently ignored (that would go direct behind a firewall).
    let c = {
        std::env::set_var("HTTPS_PROXY", "socks5://u:hunter2@127.0.0.1:1080");
        let c = client(&server, true, 1);
        std::env::remove_var("HTTPS_PROXY");
        c
    };
    let e = upload(&c, &dir, 100).unwrap_err();
    assert_eq!(e.status(), Status::Network, "{e}");
    assert!(e.to_string().contains("invalid proxy setting (HTTPS_PROXY)"), "{e}");
    assert!(!e.to_string().contains("hunter2"), "{e}");
}

#[test]
fn proxy_credentials_work_and_never_show() {
    let server = mock();
    let dir = TempDir::new("proxyauth");
    let proxy = Tinyproxy::start("BasicAuth agcuser s3cret-proxy-pw");
    let _env = env_lock();

    // Right credentials (one letter percent-encoded, as a URL may have it): through.
    let mut c = client(&server, true, 1);
    c.set_proxy(Some(&format!("http://agcuser:s3cr%65t-proxy-pw@127.0.0.1:{}", proxy.port))).unwrap();
    upload(&c, &dir, 70_000).unwrap();
    assert_three_requests(&server);
    assert!(!proxy.connects().is_empty());
    // Not even percent-encoded: "s3cret" is the password's alphanumeric start.
    assert!(!format!("{c:?}").contains("s3cret"), "Debug shows the proxy password");

    // Wrong or missing credentials: the proxy's 407, said as such, final, no password shown.
    for url in
        [format!("http://agcuser:wrong-proxy-pw@127.0.0.1:{}", proxy.port), format!("http://127.0.0.1:{}", proxy.port)]
    {
        let mut c = client(&server, true, 3);
        c.set_proxy(Some(&url)).unwrap();
        server.clear_requests();
        let e = upload(&c, &dir, 100).unwrap_err();
        let m = e.to_string();
        assert_eq!(e.status(), Status::Network, "{m}");
        assert!(matches!(e, Error::Network { retryable: false, .. }), "{m}");
        assert!(m.contains(&format!("the proxy http://127.0.0.1:{} refused CONNECT", proxy.port)), "{m}");
        // tinyproxy answers 401 where RFC 9110 says 407; both read as "wants credentials".
        assert!(m.contains("(HTTP 401)") || m.contains("(HTTP 407)"), "{m}");
        assert!(m.contains("wants credentials"), "{m}");
        assert!(!m.contains("wr0ng") && !m.contains("agcuser"), "{m}");
        assert!(!format!("{e:?}").contains("wr0ng"), "{e:?}");
        assert!(!format!("{c:?}").contains("wr0ng"), "{c:?}");
        assert!(server.requests().is_empty(), "the mock was reached without the proxy");
    }
}

#[test]
fn proxy_that_refuses_connect_gives_a_clear_error() {
    let server = mock();
    let dir = TempDir::new("proxyrefuse");
    // Only port 443 may be tunnelled: the mock's port is refused with 403.
    let proxy = Tinyproxy::start("ConnectPort 443");
    let _env = env_lock();
    let mut c = client(&server, true, 3);
    c.set_proxy(Some(&proxy.url())).unwrap();
    let e = upload(&c, &dir, 100).unwrap_err();
    let m = e.to_string();
    assert_eq!(e.status(), Status::Network, "{m}");
    assert!(
        m.contains(&format!("the proxy {} refused CONNECT 127.0.0.1:{} (HTTP 403)", proxy.url(), server.port())),
        "{m}"
    );
    assert!(matches!(e, Error::Network { retryable: false, .. }), "a refusal is final: {m}");
    assert_eq!(proxy.connects().len(), 1, "a refusal is not retried:\n{}", proxy.log_text());
    assert!(server.requests().is_empty());
}

#[test]
fn proxy_setting_errors() {
    let _env = env_lock();
    let server = mock();
    let mut c = client(&server, true, 1);
    for bad in ["", "socks5://127.0.0.1:1080", "http://u:hunter2@127.0.0.1:3128/x?y", "http://u:hunter2@:3128"] {
        let e = c.set_proxy(Some(bad)).unwrap_err();
        assert_eq!(e.status(), Status::InvalidArgument, "{bad}: {e}");
        assert!(!e.to_string().contains("hunter2"), "{e}");
    }
    c.set_proxy(None).unwrap();
    c.set_proxy(Some("none")).unwrap();
}

#[test]
fn trust_system_store_mozilla_or_both() {
    let server = mock();
    let dir = TempDir::new("trust");
    let _env = env_lock();
    // The "system store" is the mock's CA, the way a TLS-inspecting proxy's CA is installed.
    std::env::set_var("SSL_CERT_FILE", server.ca_path());
    let mut system = client(&server, false, 1);
    system.set_trust(TrustRoots::System).unwrap();
    let mut both = client(&server, false, 1);
    both.set_trust(TrustRoots::Both).unwrap();
    std::env::remove_var("SSL_CERT_FILE");
    let mut mozilla = client(&server, false, 1);
    mozilla.set_trust(TrustRoots::Mozilla).unwrap();

    upload(&system, &dir, 4096).unwrap();
    upload(&both, &dir, 4096).unwrap();
    let e = upload(&mozilla, &dir, 4096).unwrap_err();
    assert_eq!(e.status(), Status::Tls, "{e}");
    // The extra CA file still adds to Mozilla's roots.
    mozilla.set_ca_file(&server.ca_path()).unwrap();
    upload(&mozilla, &dir, 4096).unwrap();

    // An empty system store is an error when it is chosen, not a silent "trust nothing".
    let empty = dir.write("empty.pem", b"");
    std::env::set_var("SSL_CERT_FILE", &empty);
    std::env::set_var("SSL_CERT_DIR", dir.path("no-such-dir"));
    let mut c = client(&server, false, 1);
    let e = c.set_trust(TrustRoots::System).unwrap_err();
    assert_eq!(e.status(), Status::Tls, "{e}");
    assert!(e.to_string().contains("system trust store"), "{e}");
}

#[test]
fn c_abi_sets_proxy_and_trust() {
    use agcupload_ffi::*;
    let server = mock();
    let dir = TempDir::new("ffinet");
    let proxy = Tinyproxy::start("");
    let _env = env_lock();
    let s = |v: &str| CString::new(v).unwrap();
    let last = || unsafe { CStr::from_ptr(agc_last_error()) }.to_string_lossy().into_owned();
    let mut c: *mut agc_client = std::ptr::null_mut();
    unsafe {
        assert_eq!(
            agc_client_new(s(&server.client_id()).as_ptr(), s(&server.client_secret()).as_ptr(), &mut c),
            agc_status::AGC_OK
        );
        assert_eq!(agc_client_set_api_base(c, s(&server.base_url()).as_ptr()), agc_status::AGC_OK);
        assert_eq!(agc_client_set_retry(c, 1, 60_000), agc_status::AGC_OK);

        // Trust: Mozilla only fails against the mock; the system store (SSL_CERT_FILE) works.
        assert_eq!(agc_client_set_trust(c, 0), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_client_set_trust(c, 4), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_client_set_trust(c, agc_trust::AGC_TRUST_MOZILLA as u32), agc_status::AGC_OK);
        let path = dir.app("pkg.app", 3000);
        let cpath = s(path.to_str().unwrap());
        let mut r: *mut agc_upload_result = std::ptr::null_mut();
        let st = agc_upload_file(
            c,
            s("10001").as_ptr(),
            cpath.as_ptr(),
            1,
            std::ptr::null(),
            None,
            std::ptr::null_mut(),
            &mut r,
        );
        assert_eq!(st, agc_status::AGC_ERR_TLS, "{}", last());
        std::env::set_var("SSL_CERT_FILE", server.ca_path());
        assert_eq!(agc_client_set_trust(c, agc_trust::AGC_TRUST_SYSTEM as u32), agc_status::AGC_OK);
        std::env::remove_var("SSL_CERT_FILE");

        // Proxy: NULL is an invalid argument; a URL with credentials is never echoed.
        assert_eq!(agc_client_set_proxy(c, std::ptr::null()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert_eq!(agc_client_set_proxy(c, s("socks5://u:hunter2@h:1").as_ptr()), agc_status::AGC_ERR_INVALID_ARGUMENT);
        assert!(!last().contains("hunter2"), "{}", last());
        assert_eq!(agc_client_set_proxy(c, s(&proxy.url()).as_ptr()), agc_status::AGC_OK);
        let st = agc_upload_file(
            c,
            s("10001").as_ptr(),
            cpath.as_ptr(),
            1,
            std::ptr::null(),
            None,
            std::ptr::null_mut(),
            &mut r,
        );
        assert_eq!(st, agc_status::AGC_OK, "{}", last());
        agc_upload_result_free(r);
        assert!(!proxy.connects().is_empty(), "the upload did not go through the proxy");

        // "none": direct again.
        let before = proxy.connects().len();
        assert_eq!(agc_client_set_proxy(c, s("none").as_ptr()), agc_status::AGC_OK);
        let mut r: *mut agc_upload_result = std::ptr::null_mut();
        let st = agc_upload_file(
            c,
            s("10001").as_ptr(),
            cpath.as_ptr(),
            1,
            std::ptr::null(),
            None,
            std::ptr::null_mut(),
            &mut r,
        );
        assert_eq!(st, agc_status::AGC_OK, "{}", last());
        agc_upload_result_free(r);
        assert_eq!(proxy.connects().len(), before);
        agc_client_free(c);
    }
}
