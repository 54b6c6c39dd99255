//! `agcupload inspect`: the tool on .app files written here (zip's writer, then signed the way
//! hap-sign-tool lays a package out). Offline: no credentials, no server.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use sha2::Digest;

const BIN: &str = env!("CARGO_BIN_EXE_agcupload");

const PACK_INFO: &str = r#"{"summary": {"app": {"bundleName": "com.example.cli", "bundleType": "app",
  "version": {"code": 1000012, "name": "1.0.12", "minCompatibleVersionCode": 1000000}},
  "modules": [{"deviceType": ["phone", "tablet"], "distro": {"moduleType": "entry", "moduleName": "entry"}},
              {"deviceType": ["2in1"], "distro": {"moduleType": "feature", "moduleName": "desk"}}]},
  "packages": [{"name": "entry-default", "moduleType": "entry", "deviceType": ["phone", "tablet"]}]}"#;

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("agc-cli-inspect-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A deflated .app with `pack_info`; `signed` inserts a HAP signing block before the central
/// directory (and moves the directory's offset in the end record).
fn write_app(path: &Path, pack_info: &str, signed: bool) -> PathBuf {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("entry-default.hap", opts).unwrap();
    w.write_all(&[7u8; 5000]).unwrap();
    w.start_file("pack.info", opts).unwrap();
    w.write_all(pack_info.as_bytes()).unwrap();
    let mut data = w.finish().unwrap().into_inner();
    if signed {
        let end = data.windows(4).rposition(|x| x == b"PK\x05\x06").unwrap();
        let cd = u32::from_le_bytes(data[end + 16..end + 20].try_into().unwrap()) as usize;
        let mut block = vec![0x5au8; 64];
        block.extend_from_slice(&1u32.to_le_bytes());
        block.extend_from_slice(&96u64.to_le_bytes());
        block.extend_from_slice(b"<hap sign block>");
        block.extend_from_slice(&3u32.to_le_bytes());
        let moved = (cd + block.len()) as u32;
        data[end + 16..end + 20].copy_from_slice(&moved.to_le_bytes());
        data.splice(cd..cd, block);
    }
    std::fs::write(path, &data).unwrap();
    path.to_path_buf()
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The tool with an empty environment: inspect needs no credentials.
fn inspect(args: &[&std::ffi::OsStr]) -> Out {
    let o =
        Command::new(BIN).env_clear().arg("inspect").args(args).stdin(Stdio::null()).output().expect("agcupload runs");
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn json(out: &Out) -> Value {
    assert_eq!(out.stdout.lines().count(), 1, "{:?}", out.stdout);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn inspect_prints_readable_lines() {
    let dir = Dir::new("plain");
    let p = write_app(&dir.0.join("a.app"), PACK_INFO, true);
    let out = inspect(&[p.as_os_str()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for line in [
        "bundle name:   com.example.cli",
        "bundle type:   app",
        "version:       1.0.12 (code 1000012)",
        "min compatible version code: 1000000",
        "module:        entry (entry): phone, tablet",
        "module:        desk (feature): 2in1",
    ] {
        assert!(out.stdout.lines().any(|l| l == line), "{line:?} missing from:\n{}", out.stdout);
    }
    assert!(!out.stdout.contains("sha256"), "{}", out.stdout);
    assert!(out.stderr.contains("is a HarmonyOS app"), "{}", out.stderr);
}

#[test]
fn inspect_json_has_the_fields_and_sha256_only_when_asked() {
    let dir = Dir::new("json");
    let p = write_app(&dir.0.join("a.app"), PACK_INFO, true);
    let v = json(&inspect(&["--json".as_ref(), p.as_os_str()]));
    assert_eq!(v["ok"], true);
    assert_eq!(v["bundle_name"], "com.example.cli");
    assert_eq!(v["bundle_type"], "app");
    assert_eq!(v["version_code"], 1_000_012);
    assert_eq!(v["version_name"], "1.0.12");
    assert_eq!(v["min_compatible_version_code"], 1_000_000);
    assert_eq!(v["size"], std::fs::metadata(&p).unwrap().len());
    assert_eq!(v["modules"][1], serde_json::json!({"name": "desk", "type": "feature", "device_types": ["2in1"]}));
    assert!(v.get("sha256").is_none(), "{v}");

    let v = json(&inspect(&["--json".as_ref(), "--sha256".as_ref(), p.as_os_str()]));
    let want: String = sha2::Sha256::digest(std::fs::read(&p).unwrap()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(v["sha256"], want);
}

#[test]
fn inspect_refusals_exit_3() {
    let dir = Dir::new("refuse");
    let unsigned = write_app(&dir.0.join("u.app"), PACK_INFO, false);
    let out = inspect(&["--json".as_ref(), unsigned.as_os_str()]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let v = json(&out);
    assert_eq!(v["error"]["status"], "AGC_ERR_FILE_TYPE");
    assert!(v["error"]["message"].as_str().unwrap().contains("not signed"), "{v}");

    let malformed = write_app(&dir.0.join("m.app"), "{\"summary\": 1}", true);
    let out = inspect(&[malformed.as_os_str()]);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("pack.info is malformed"), "{}", out.stderr);

    let missing = dir.0.join("missing.app");
    let out = inspect(&["--json".as_ref(), missing.as_os_str()]);
    assert_eq!(out.code, 3);
    assert_eq!(json(&out)["error"]["status"], "AGC_ERR_FILE");
}
