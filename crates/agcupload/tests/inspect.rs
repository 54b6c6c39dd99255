//! Offline inspection of `.app` packages (src/inspect.rs): real ZIP files written here, byte by
//! byte (stored, deflated, zip64, sparse, signed or not, hostile), read through the library.

mod common;

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use agcupload::inspect_package;
use agcupload::internal::Package;
use agcupload::internal::{check_declared_kind, check_package};
use agcupload::{Error, PackageKind, Status};
use common::TempDir;

/// A pack.info as DevEco Studio 5 writes it for an app (layout of a real package).
fn app_pack_info() -> String {
    r#"{
	"summary": {
		"app": {
			"bundleName": "com.example.myapplication",
			"bundleType": "app",
			"version": {"code": 1000012, "name": "1.0.12", "minCompatibleVersionCode": 1000000}
		},
		"modules": [
			{
				"mainAbility": "EntryAbility",
				"deviceType": ["phone", "tablet", "2in1"],
				"abilities": [{"name": "EntryAbility", "label": "$string:EntryAbility_label"}],
				"extensionAbilities": [{"name": "EntryBackupAbility", "forms": []}],
				"distro": {"moduleType": "entry", "installationFree": false, "deliveryWithInstall": true, "moduleName": "entry"},
				"apiVersion": {"compatible": 12, "releaseType": "Release", "target": 12}
			},
			{
				"deviceType": ["tablet"],
				"distro": {"moduleType": "feature", "installationFree": false, "deliveryWithInstall": true, "moduleName": "pad"},
				"apiVersion": {"compatible": 12, "releaseType": "Release", "target": 12}
			}
		]
	},
	"packages": [
		{"deviceType": ["phone", "tablet", "2in1"], "moduleType": "entry", "deliveryWithInstall": true, "name": "entry-default"},
		{"deviceType": ["tablet"], "moduleType": "feature", "deliveryWithInstall": true, "name": "pad-default"}
	]
}"#
    .to_owned()
}

/// A pack.info of an atomic service (bundleType "atomicService", installation-free module).
fn service_pack_info() -> String {
    r#"{"summary": {"app": {"bundleName": "com.example.quickservice", "bundleType": "atomicService",
        "version": {"code": 2000001, "name": "2.0.1"}},
      "modules": [{"deviceType": ["phone", "tablet"], "abilities": [{"name": "EntryAbility"}],
        "distro": {"moduleType": "entry", "installationFree": true, "deliveryWithInstall": true, "moduleName": "entry"}}]},
     "packages": [{"deviceType": ["phone", "tablet"], "moduleType": "entry", "deliveryWithInstall": true, "name": "entry-default"}]}"#
        .to_owned()
}

enum Data {
    Bytes(Vec<u8>),
    /// That many zero bytes left as a hole (the file stays sparse).
    Sparse(u64),
}

struct Entry {
    name: Vec<u8>,
    utf8_flag: bool,
    deflate: bool,
    data: Data,
    /// Overrides the uncompressed size written in the headers (a lie).
    declared_size: Option<u64>,
    /// Overrides the CRC written in the headers.
    crc: Option<u32>,
    /// Zero bytes as the extra field (DevEco's packing tool aligns entries so: 1 to 3 bytes,
    /// no extra-field header).
    padding: usize,
}

fn entry(name: &str, data: &[u8]) -> Entry {
    Entry {
        name: name.as_bytes().to_vec(),
        utf8_flag: false,
        deflate: false,
        data: Data::Bytes(data.to_vec()),
        declared_size: None,
        crc: None,
        padding: 0,
    }
}

fn deflated(name: &str, data: &[u8]) -> Entry {
    Entry { deflate: true, ..entry(name, data) }
}

fn sparse(name: &str, len: u64) -> Entry {
    Entry { data: Data::Sparse(len), ..entry(name, b"") }
}

/// How the package is signed.
#[derive(Clone, Copy)]
enum Sign {
    V3,
    Old,
    None,
}

struct Zip {
    entries: Vec<Entry>,
    sign: Sign,
    zip64: bool,
    comment: Vec<u8>,
    /// Overrides the entry count of the end record.
    count: Option<u64>,
    /// Replaces the central directory with these bytes.
    garbage_directory: Option<Vec<u8>>,
}

fn zip(entries: Vec<Entry>) -> Zip {
    Zip { entries, sign: Sign::V3, zip64: false, comment: Vec::new(), count: None, garbage_directory: None }
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(data);
    c.sum()
}

impl Zip {
    fn write(self, path: &Path) -> PathBuf {
        let mut f = File::create(path).unwrap();
        let mut central = Vec::new();
        let mut pos = 0u64;
        for e in &self.entries {
            let (stored, size, crc): (Option<Vec<u8>>, u64, u32) = match &e.data {
                Data::Bytes(b) if e.deflate => {
                    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
                    enc.write_all(b).unwrap();
                    (Some(enc.finish().unwrap()), b.len() as u64, crc32(b))
                }
                Data::Bytes(b) => (Some(b.clone()), b.len() as u64, crc32(b)),
                Data::Sparse(n) => (None, *n, 0),
            };
            let csize = stored.as_ref().map_or(size, |s| s.len() as u64);
            let size = e.declared_size.unwrap_or(size);
            let crc = e.crc.unwrap_or(crc);
            let flags: u16 = if e.utf8_flag { 1 << 11 } else { 0 };
            let method: u16 = if e.deflate { 8 } else { 0 };
            let big = self.zip64;
            let (c32, s32, o32) =
                if big { (u32::MAX, u32::MAX, u32::MAX) } else { (csize as u32, size as u32, pos as u32) };
            let mut extra = vec![0u8; e.padding];
            if big {
                extra.extend_from_slice(&1u16.to_le_bytes());
                extra.extend_from_slice(&16u16.to_le_bytes());
                extra.extend_from_slice(&size.to_le_bytes());
                extra.extend_from_slice(&csize.to_le_bytes());
            }
            let mut local = Vec::new();
            local.extend_from_slice(b"PK\x03\x04");
            local.extend_from_slice(&(if big { 45u16 } else { 20u16 }).to_le_bytes());
            local.extend_from_slice(&flags.to_le_bytes());
            local.extend_from_slice(&method.to_le_bytes());
            local.extend_from_slice(&[0, 0, 0x21, 0]); // 1980-01-01 00:00
            local.extend_from_slice(&crc.to_le_bytes());
            local.extend_from_slice(&c32.to_le_bytes());
            local.extend_from_slice(&s32.to_le_bytes());
            local.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            local.extend_from_slice(&(extra.len() as u16).to_le_bytes());
            local.extend_from_slice(&e.name);
            local.extend_from_slice(&extra);
            f.write_all(&local).unwrap();
            match &stored {
                Some(s) => f.write_all(s).unwrap(),
                None => {
                    f.seek(SeekFrom::Current(csize as i64)).unwrap();
                }
            }
            let mut cextra = extra.clone();
            if big {
                cextra[2..4].copy_from_slice(&24u16.to_le_bytes());
                cextra.extend_from_slice(&pos.to_le_bytes());
            }
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&0x031Eu16.to_le_bytes());
            central.extend_from_slice(&local[4..28]); // version needed .. name length
            central.extend_from_slice(&(cextra.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
            central.extend_from_slice(&0u32.to_le_bytes());
            central.extend_from_slice(&o32.to_le_bytes());
            central.extend_from_slice(&e.name);
            central.extend_from_slice(&cextra);
            pos += local.len() as u64 + csize;
        }
        // The HAP signing block: some sub-block bytes, then its 32-byte head.
        let magic: Option<(&[u8; 16], u32)> = match self.sign {
            Sign::V3 => Some((b"<hap sign block>", 3)),
            Sign::Old => Some((b"HAP Sig Block 42", 2)),
            Sign::None => None,
        };
        if let Some((magic, version)) = magic {
            let body = [0x5au8; 64];
            f.write_all(&body).unwrap();
            f.write_all(&1u32.to_le_bytes()).unwrap();
            f.write_all(&(body.len() as u64 + 32).to_le_bytes()).unwrap();
            f.write_all(magic).unwrap();
            f.write_all(&version.to_le_bytes()).unwrap();
            pos += body.len() as u64 + 32;
        }
        let central = self.garbage_directory.unwrap_or(central);
        let count = self.count.unwrap_or(self.entries.len() as u64);
        f.write_all(&central).unwrap();
        let cd_offset = pos;
        let cd_size = central.len() as u64;
        let end64 = cd_offset + cd_size;
        if self.zip64 {
            let mut r = Vec::new();
            r.extend_from_slice(b"PK\x06\x06");
            r.extend_from_slice(&44u64.to_le_bytes());
            r.extend_from_slice(&45u16.to_le_bytes());
            r.extend_from_slice(&45u16.to_le_bytes());
            r.extend_from_slice(&[0; 8]);
            r.extend_from_slice(&count.to_le_bytes());
            r.extend_from_slice(&count.to_le_bytes());
            r.extend_from_slice(&cd_size.to_le_bytes());
            r.extend_from_slice(&cd_offset.to_le_bytes());
            r.extend_from_slice(b"PK\x06\x07");
            r.extend_from_slice(&0u32.to_le_bytes());
            r.extend_from_slice(&end64.to_le_bytes());
            r.extend_from_slice(&1u32.to_le_bytes());
            f.write_all(&r).unwrap();
        }
        let (n16, s32, o32) = if self.zip64 {
            (u16::MAX, u32::MAX, u32::MAX)
        } else {
            (count.min(0xFFFF) as u16, cd_size as u32, cd_offset as u32)
        };
        let mut eocd = Vec::new();
        eocd.extend_from_slice(b"PK\x05\x06");
        eocd.extend_from_slice(&[0; 4]);
        eocd.extend_from_slice(&n16.to_le_bytes());
        eocd.extend_from_slice(&n16.to_le_bytes());
        eocd.extend_from_slice(&s32.to_le_bytes());
        eocd.extend_from_slice(&o32.to_le_bytes());
        eocd.extend_from_slice(&(self.comment.len() as u16).to_le_bytes());
        eocd.extend_from_slice(&self.comment);
        f.write_all(&eocd).unwrap();
        path.to_path_buf()
    }
}

fn app_entries() -> Vec<Entry> {
    vec![
        entry("entry-default.hap", &[7u8; 3000]),
        entry("pad-default.hap", &[9u8; 100]),
        entry("pack.info", app_pack_info().as_bytes()),
    ]
}

fn file_type(r: agcupload::Result<agcupload::PackageInfo>, needle: &str) {
    match r {
        Err(Error::FileType(m)) => assert!(m.contains(needle), "{m:?} should contain {needle:?}"),
        other => panic!("expected a FILE_TYPE error containing {needle:?}, got {other:?}"),
    }
}

#[test]
fn a_stored_app_is_read_from_its_pack_info() {
    let dir = TempDir::new("inspect-app");
    let p = zip(app_entries()).write(&dir.path("demo.app"));
    let info = inspect_package(&p).unwrap();
    assert_eq!(info.bundle_name, "com.example.myapplication");
    assert_eq!(info.bundle_type, "app");
    assert_eq!(info.kind, Some(PackageKind::HarmonyApp));
    assert_eq!(info.version_code, 1_000_012);
    assert_eq!(info.version_name, "1.0.12");
    assert_eq!(info.min_compatible_version_code, Some(1_000_000));
    assert_eq!(info.size, std::fs::metadata(&p).unwrap().len());
    let names: Vec<_> = info.modules.iter().map(|m| (m.name.as_str(), m.module_type.as_str())).collect();
    assert_eq!(names, [("entry", "entry"), ("pad", "feature")]);
    assert_eq!(info.modules[0].device_types, ["phone", "tablet", "2in1"]);
    assert_eq!(info.modules[1].device_types, ["tablet"]);
    check_declared_kind(&info, PackageKind::HarmonyApp).unwrap();
}

#[test]
fn a_deflated_atomic_service_is_one() {
    let dir = TempDir::new("inspect-service");
    let p =
        zip(vec![deflated("entry-default.hap", &[1u8; 5000]), deflated("pack.info", service_pack_info().as_bytes())])
            .write(&dir.path("svc.app"));
    let info = inspect_package(&p).unwrap();
    assert_eq!(info.bundle_name, "com.example.quickservice");
    assert_eq!((info.bundle_type.as_str(), info.kind), ("atomicService", Some(PackageKind::AtomicService)));
    assert_eq!(info.version_code, 2_000_001);
    assert_eq!(info.min_compatible_version_code, None);
    assert_eq!(info.modules.len(), 1);
    check_declared_kind(&info, PackageKind::AtomicService).unwrap();
}

#[test]
fn the_declared_kind_must_be_what_the_package_is() {
    let dir = TempDir::new("inspect-kind");
    let app = inspect_package(&zip(app_entries()).write(&dir.path("a.app"))).unwrap();
    let svc = inspect_package(&zip(vec![entry("pack.info", service_pack_info().as_bytes())]).write(&dir.path("s.app")))
        .unwrap();
    let e = check_declared_kind(&svc, PackageKind::HarmonyApp).unwrap_err();
    assert_eq!(e.status(), Status::FileType);
    let m = e.to_string();
    assert!(m.contains("is an atomic service") && m.contains("declared as a HarmonyOS app"), "{m}");
    let m = check_declared_kind(&app, PackageKind::AtomicService).unwrap_err().to_string();
    assert!(m.contains("is a HarmonyOS app") && m.contains("declared as an atomic service"), "{m}");
    assert_eq!(check_declared_kind(&app, PackageKind::ProfilePicture).unwrap_err().status(), Status::FileType);
}

#[test]
fn the_size_limit_is_that_of_what_the_package_is() {
    let dir = TempDir::new("inspect-limit");
    // An atomic service of 11 MiB (a sparse module): over its 10 MiB, though an app could be 4 GiB.
    let p = zip(vec![sparse("entry-default.hap", 11 << 20), entry("pack.info", service_pack_info().as_bytes())])
        .write(&dir.path("big.app"));
    let info = inspect_package(&p).unwrap();
    match check_declared_kind(&info, PackageKind::AtomicService) {
        Err(Error::FileTooLarge { size, limit, kind }) => {
            assert_eq!((size, limit, kind), (info.size, 10 << 20, "an atomic service"));
        }
        other => panic!("{other:?}"),
    }
    // The same under 10 MiB passes.
    let p = zip(vec![sparse("entry-default.hap", 9 << 20), entry("pack.info", service_pack_info().as_bytes())])
        .write(&dir.path("ok.app"));
    check_declared_kind(&inspect_package(&p).unwrap(), PackageKind::AtomicService).unwrap();
}

#[test]
fn check_package_inspects_the_opened_package() {
    let dir = TempDir::new("inspect-opened");
    let p = zip(vec![entry("pack.info", service_pack_info().as_bytes())]).write(&dir.path("s.app"));
    let pkg = Package::open(&p, PackageKind::AtomicService, None).unwrap();
    let info = check_package(&pkg).unwrap().unwrap();
    assert_eq!(info.bundle_name, "com.example.quickservice");
    let pkg = Package::open(&p, PackageKind::HarmonyApp, None).unwrap();
    assert_eq!(check_package(&pkg).unwrap_err().status(), Status::FileType);
}

#[test]
fn a_zip64_package_is_read() {
    let dir = TempDir::new("inspect-zip64");
    let mut z = zip(app_entries());
    z.zip64 = true;
    let info = inspect_package(&z.write(&dir.path("z64.app"))).unwrap();
    assert_eq!((info.bundle_name.as_str(), info.version_code), ("com.example.myapplication", 1_000_012));
}

#[test]
fn an_old_signing_block_is_signed_and_none_is_unsigned() {
    let dir = TempDir::new("inspect-sign");
    let mut z = zip(app_entries());
    z.sign = Sign::Old;
    inspect_package(&z.write(&dir.path("old.app"))).unwrap();
    let mut z = zip(app_entries());
    z.sign = Sign::None;
    file_type(inspect_package(&z.write(&dir.path("unsigned.app"))), "is not signed");
}

#[test]
fn alignment_padding_in_extra_fields_is_accepted() {
    let dir = TempDir::new("inspect-padding");
    let entries = (1..=3)
        .map(|n| Entry { padding: n, ..entry(&format!("m{n}.hap"), &[1u8; 10]) })
        .chain([Entry { padding: 2, ..entry("pack.info", app_pack_info().as_bytes()) }])
        .collect();
    assert_eq!(inspect_package(&zip(entries).write(&dir.path("aligned.app"))).unwrap().version_code, 1_000_012);
}

#[test]
fn an_archive_comment_is_skipped() {
    let dir = TempDir::new("inspect-comment");
    let mut z = zip(app_entries());
    z.comment = vec![b'c'; 5000]; // longer than the first look at the tail
    assert_eq!(inspect_package(&z.write(&dir.path("c.app"))).unwrap().version_code, 1_000_012);
}

#[test]
fn a_gigabyte_package_costs_a_few_kilobytes() {
    let dir = TempDir::new("inspect-sparse");
    let p = zip(vec![sparse("entry-default.hap", 1 << 30), entry("pack.info", app_pack_info().as_bytes())])
        .write(&dir.path("huge.app"));
    let info = inspect_package(&p).unwrap();
    assert!(info.size > 1 << 30);
    assert_eq!(info.version_code, 1_000_012);
    assert!(info.bytes_read > app_pack_info().len() as u64, "it read pack.info: {}", info.bytes_read);
    assert!(info.bytes_read < 16 * 1024, "read {} bytes of a 1 GiB package", info.bytes_read);
}

#[test]
fn a_compression_bomb_is_refused() {
    let dir = TempDir::new("inspect-bomb");
    // 64 MiB of zeros deflate to about 64 KiB, declared as 2 000 bytes: inflating stops past them.
    let mut bomb = deflated("pack.info", &vec![b' '; 64 << 20]);
    bomb.declared_size = Some(2000);
    file_type(inspect_package(&zip(vec![bomb]).write(&dir.path("bomb.app"))), "compression bomb");
    // Declared honestly as 64 MiB: refused before inflating anything.
    let honest = deflated("pack.info", &vec![b' '; 64 << 20]);
    file_type(inspect_package(&zip(vec![honest]).write(&dir.path("big.app"))), "larger than 2 MiB");
}

#[test]
fn a_huge_pack_info_is_refused() {
    let dir = TempDir::new("inspect-hugeinfo");
    let mut doc = app_pack_info();
    doc.push_str(&" ".repeat(3 << 20));
    file_type(inspect_package(&zip(vec![entry("pack.info", doc.as_bytes())]).write(&dir.path("h.app"))), "larger than");
}

#[test]
fn a_missing_pack_info_is_refused() {
    let dir = TempDir::new("inspect-missing");
    let p = zip(vec![entry("entry-default.hap", b"x"), entry("x/pack.info", b"{}"), entry("pack.info.bak", b"{}")])
        .write(&dir.path("m.app"));
    file_type(inspect_package(&p), "no pack.info");
}

#[test]
fn names_that_readers_may_take_for_pack_info_are_refused() {
    let dir = TempDir::new("inspect-alias");
    let evil = app_pack_info().replace("com.example.myapplication", "com.victim.app");
    let names = [
        "./pack.info",
        "/pack.info",
        "\\pack.info",
        ".\\pack.info",
        "PACK.INFO",
        "Pack.info",
        "x/../pack.info",
        "//pack.info",
        "pack.info.",
        "pack.info ",
        "pack.info\0.hap",
    ];
    for (i, name) in names.iter().enumerate() {
        // Beside pack.info, before or after it.
        for (j, entries) in [
            vec![entry("pack.info", app_pack_info().as_bytes()), entry(name, evil.as_bytes())],
            vec![entry(name, evil.as_bytes()), entry("pack.info", app_pack_info().as_bytes())],
        ]
        .into_iter()
        .enumerate()
        {
            let p = zip(entries).write(&dir.path(&format!("{i}-{j}.app")));
            // A NUL is shown as a space, as every hidden character in a message.
            let shown = name.replace('\0', " ");
            file_type(inspect_package(&p), &format!("an entry named '{shown}', which readers may take for pack.info"));
        }
        // Alone, it is not taken for pack.info either.
        let p = zip(vec![entry(name, app_pack_info().as_bytes())]).write(&dir.path(&format!("{i}-alone.app")));
        file_type(inspect_package(&p), "which readers may take for pack.info");
    }
    // Names that only contain it are other files.
    let mut entries = app_entries();
    entries.push(entry("x/pack.info", b"{}"));
    entries.push(entry("pack.info.bak", b"{}"));
    entries.push(entry("pack.infos", b"{}"));
    let info = inspect_package(&zip(entries).write(&dir.path("others.app"))).unwrap();
    assert_eq!(info.bundle_name, "com.example.myapplication");
}

#[test]
fn a_key_given_twice_in_pack_info_is_refused() {
    let dir = TempDir::new("inspect-dup-key");
    let app = app_pack_info();
    let cases: &[(String, &str)] = &[
        // The bundle name a second time: serde_json alone would take the last one.
        (
            app.replace(
                r#""bundleName": "com.example.myapplication","#,
                r#""bundleName": "com.victim.app", "bundleName": "com.example.myapplication","#,
            ),
            "bundleName",
        ),
        (app.replace(r#""code": 1000012,"#, r#""code": 1000012, "code": 9999999,"#), "code"),
        (
            app.replace(r#""bundleType": "app","#, r#""bundleType": "app", "bundleType": "atomicService","#),
            "bundleType",
        ),
        (app.replace(r#""moduleName": "entry""#, r#""moduleName": "entry", "moduleName": "evil""#), "moduleName"),
        // Whole objects twice, at the top and inside.
        (app.replacen("{\n\t\"summary\": {", "{\"summary\": {}, \"summary\": {", 1), "summary"),
        (app.replace(r#""app": {"#, r#""app": {}, "app": {"#), "app"),
        // A key written with an escape is the same key.
        (app.replace(r#""bundleType": "app","#, r#""bundleType": "app", "bundle\u0054ype": "app","#), "bundleType"),
        // Also where nothing is read (another reader may read it).
        (app.replace(r#""name": "EntryAbility","#, r#""name": "EntryAbility", "name": "x","#), "name"),
    ];
    for (i, (doc, key)) in cases.iter().enumerate() {
        assert_ne!(doc, &app, "case {i} changed nothing");
        let p = zip(vec![entry("pack.info", doc.as_bytes())]).write(&dir.path(&format!("{i}.app")));
        file_type(inspect_package(&p), &format!("the key \"{key}\" appears twice"));
    }
    // The same key in two different objects is no duplicate.
    let info = inspect_package(&zip(app_entries()).write(&dir.path("ok.app"))).unwrap();
    assert_eq!(info.bundle_name, "com.example.myapplication");
}

#[test]
fn a_malformed_pack_info_is_refused() {
    let dir = TempDir::new("inspect-malformed");
    let cases: &[(&str, &str)] = &[
        ("{not json", "not JSON"),
        (r#"{"packages": []}"#, "no summary.app"),
        (r#"{"summary": {"app": {"version": {"code": 1, "name": "1"}}}}"#, "no summary.app.bundleName"),
        (r#"{"summary": {"app": {"bundleName": "a.b", "version": {"code": -5, "name": "1"}}}}"#, "version.code"),
        (r#"{"summary": {"app": {"bundleName": "a.b", "version": {"name": "1"}}}}"#, "no summary.app.version.code"),
        (r#"{"summary": {"app": {"bundleName": "a\u202eb", "version": {"code": 1, "name": "1"}}}}"#, "invisible"),
        (
            r#"{"summary": {"app": {"bundleName": "a.b", "version": {"code": 1, "name": "1"}}, "modules": []}}"#,
            "no modules",
        ),
        (
            r#"{"summary": {"app": {"bundleName": "a.b", "version": {"code": 1, "name": "1"}}, "modules": {}}}"#,
            "not a list",
        ),
        (
            r#"{"summary": {"app": {"bundleName": "a.b", "version": {"code": 1, "name": "1"}}, "modules": [{"distro": {"moduleName": "e"}}]}}"#,
            "summary.modules[0].distro.moduleType",
        ),
    ];
    for (i, (doc, needle)) in cases.iter().enumerate() {
        let p = zip(vec![entry("pack.info", doc.as_bytes())]).write(&dir.path(&format!("{i}.app")));
        file_type(inspect_package(&p), needle);
    }
    // A CRC that does not match the content.
    let mut bad = entry("pack.info", app_pack_info().as_bytes());
    bad.crc = Some(0x1234_5678);
    file_type(inspect_package(&zip(vec![bad]).write(&dir.path("crc.app"))), "cannot be read");
}

#[test]
fn modules_come_from_packages_when_the_summary_has_none() {
    let dir = TempDir::new("inspect-packages");
    let doc = r#"{"summary": {"app": {"bundleName": "a.b", "version": {"code": "42", "name": "4.2"}}},
        "packages": [{"name": "entry-default", "moduleType": "entry", "deviceTypes": ["car"]}]}"#;
    let info = inspect_package(&zip(vec![entry("pack.info", doc.as_bytes())]).write(&dir.path("p.app"))).unwrap();
    assert_eq!(info.version_code, 42);
    assert_eq!(info.bundle_type, "app");
    assert_eq!(info.modules[0].name, "entry-default");
    assert_eq!(info.modules[0].device_types, ["car"]);
}

#[test]
fn another_bundle_type_is_no_upload_kind() {
    let dir = TempDir::new("inspect-shared");
    let doc = app_pack_info().replace(r#""bundleType": "app""#, r#""bundleType": "shared""#);
    let info = inspect_package(&zip(vec![entry("pack.info", doc.as_bytes())]).write(&dir.path("s.app"))).unwrap();
    assert_eq!((info.bundle_type.as_str(), info.kind), ("shared", None));
    let m = check_declared_kind(&info, PackageKind::HarmonyApp).unwrap_err().to_string();
    assert!(m.contains("bundle type 'shared'"), "{m}");
}

#[test]
fn duplicate_names_are_refused() {
    let dir = TempDir::new("inspect-dup");
    let evil = app_pack_info().replace("com.example.myapplication", "com.evil.other");
    let p = zip(vec![entry("pack.info", app_pack_info().as_bytes()), entry("pack.info", evil.as_bytes())])
        .write(&dir.path("d.app"));
    file_type(inspect_package(&p), "duplicate names");
}

#[test]
fn names_that_are_not_utf8_are_handled() {
    let dir = TempDir::new("inspect-names");
    let mut cp437 = entry("x", b"data");
    cp437.name = b"r\xe9sum\xe9-default.hap".to_vec(); // CP437, no UTF-8 flag
    let mut broken = entry("x", b"data");
    broken.name = b"bad\xff\xfe.hap".to_vec(); // flagged UTF-8 but not
    broken.utf8_flag = true;
    let mut utf8 = entry("\u{4e2d}\u{6587}.hap", b"data");
    utf8.utf8_flag = true;
    let p = zip(vec![cp437, broken, utf8, entry("pack.info", app_pack_info().as_bytes())]).write(&dir.path("n.app"));
    assert_eq!(inspect_package(&p).unwrap().bundle_name, "com.example.myapplication");
    // A pack.info whose name only looks like it is not it.
    let mut almost = entry("x", app_pack_info().as_bytes());
    almost.name = b"pack.info\xff".to_vec();
    almost.utf8_flag = true;
    file_type(inspect_package(&zip(vec![almost]).write(&dir.path("a.app"))), "no pack.info");
}

#[test]
fn too_many_entries_or_a_huge_directory_are_refused() {
    let dir = TempDir::new("inspect-entries");
    let mut z = zip(app_entries());
    z.zip64 = true;
    z.count = Some(20_000);
    file_type(inspect_package(&z.write(&dir.path("many.app"))), "20000 entries");
    let mut z = zip(app_entries());
    z.garbage_directory = Some(vec![0u8; 5 << 20]);
    file_type(inspect_package(&z.write(&dir.path("bigdir.app"))), "more than the 4 MiB");
}

#[test]
fn a_damaged_directory_never_reads_the_whole_file() {
    let dir = TempDir::new("inspect-damaged");
    // A sound end record over a directory of garbage, after 512 MiB of holes: the ZIP reader
    // looks for other end records backwards through the file; the read budget stops it.
    let mut z = zip(vec![sparse("entry-default.hap", 512 << 20), entry("pack.info", app_pack_info().as_bytes())]);
    z.garbage_directory = Some(vec![0xAB; 46 * 2]);
    let r = inspect_package(&z.write(&dir.path("damaged.app")));
    match r {
        Err(Error::FileType(m)) => assert!(m.contains("reading its ZIP structure would take more than"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn what_is_not_a_zip_is_refused() {
    let dir = TempDir::new("inspect-notzip");
    file_type(inspect_package(&dir.write("text.app", &b"hello, not a zip at all\n".repeat(500))), "not a ZIP archive");
    file_type(inspect_package(&dir.write("tiny.app", b"PK")), "not a ZIP archive");
    let p = dir.path("sparse.app");
    File::create(&p).unwrap().set_len(1 << 30).unwrap();
    file_type(inspect_package(&p), "not a ZIP archive");
    // An empty ZIP archive has no pack.info.
    file_type(inspect_package(&zip(vec![]).write(&dir.path("empty-zip.app"))), "empty ZIP");
}

#[test]
fn files_that_cannot_be_used_are_file_errors() {
    let dir = TempDir::new("inspect-files");
    for p in [dir.path("missing.app"), dir.0.clone(), dir.write("empty.app", b"")] {
        let e = inspect_package(&p).unwrap_err();
        assert_eq!(e.status(), Status::File, "{p:?}: {e}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_blocking() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TempDir::new("inspect-fifo");
    let p = dir.path("pipe.app");
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // No writer ever opens it: a blocking open would hang this test forever.
    let e = inspect_package(&p).unwrap_err();
    assert_eq!(e.status(), Status::File);
    assert!(e.to_string().contains("FIFO"), "{e}");
}
