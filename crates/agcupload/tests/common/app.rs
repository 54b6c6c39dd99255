//! Signed HarmonyOS `.app` fixtures for the tests (also used by crates/agcupload-cli/tests through `#[path]`):
//! a stored ZIP holding `pack.info` and a padding module, with a HAP signing block head right
//! before the central directory, of an exact size.
#![allow(dead_code)]

/// The bundle name of [`signed_app`]'s default fixtures.
pub const BUNDLE: &str = "com.example.agcmock";
/// The version code of [`signed_app`]'s default fixtures.
pub const VERSION_CODE: u64 = 1_000_012;
/// The fewest bytes a fixture of [`BUNDLE`] / [`VERSION_CODE`] can have.
pub fn min_size() -> usize {
    overhead(&pack_info(BUNDLE, VERSION_CODE, "app"))
}

/// A `pack.info` of one entry module.
pub fn pack_info(bundle: &str, version_code: u64, bundle_type: &str) -> String {
    format!(
        r#"{{"summary":{{"app":{{"bundleName":"{bundle}","bundleType":"{bundle_type}","version":{{"code":{version_code},"name":"1.0.{}","minCompatibleVersionCode":1}}}},"modules":[{{"deviceType":["phone"],"distro":{{"moduleName":"entry","moduleType":"entry","installationFree":{}}}}}]}}}}"#,
        version_code % 1000,
        bundle_type == "atomicService"
    )
}

const PAD_NAME: &str = "entry-default.hap";
const SIGN_BODY: usize = 64;

fn overhead(info: &str) -> usize {
    let names = "pack.info".len() + PAD_NAME.len();
    2 * 30 + names + info.len() + SIGN_BODY + 32 + 2 * 46 + names + 22
}

fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, t) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *t = c;
    }
    let mut c = !0u32;
    for &b in data {
        c = table[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

/// A signed `.app` of exactly `size` bytes (at least [`overhead`] of its pack.info) whose
/// pack.info says `bundle`, `version_code` and `bundle_type` (`app` or `atomicService`).
pub fn signed_app(bundle: &str, version_code: u64, bundle_type: &str, size: usize) -> Vec<u8> {
    let info = pack_info(bundle, version_code, bundle_type);
    let need = overhead(&info);
    assert!(size >= need, "a signed .app fixture needs at least {need} bytes, not {size}");
    let mut pad = vec![0u8; size - need];
    let mut x: u32 = 0x9E37_79B9 ^ size as u32;
    for b in pad.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = (x >> 24) as u8;
    }
    let entries: [(&str, &[u8]); 2] = [("pack.info", info.as_bytes()), (PAD_NAME, &pad)];
    let mut out = Vec::with_capacity(size);
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let head = |sig: u32, central_entry: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central_entry {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&0u16.to_le_bytes()); // stored
            h.extend_from_slice(&0u32.to_le_bytes()); // time, date
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central_entry {
                h.extend_from_slice(&[0u8; 6]); // comment length, disk, internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(head(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(head(0x0201_4b50, true));
    }
    // The HAP signing block: a body, then its head {count, size, magic, version}.
    out.extend(std::iter::repeat_n(0x5Au8, SIGN_BODY));
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&((SIGN_BODY + 32) as u64).to_le_bytes());
    out.extend_from_slice(b"<hap sign block>");
    out.extend_from_slice(&3u32.to_le_bytes());
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0u8; 4]); // disk numbers
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    assert_eq!(out.len(), size);
    out
}
