//! Verification of Huawei service-account JWTs used directly as bearer tokens:
//! header `{"kid","typ":"JWT","alg":"PS256"}`, payload `{"aud","iss","iat","exp"}`,
//! RSASSA-PSS SHA-256 signature, base64url without padding.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;

use crate::ServiceAccount;

/// The audience Huawei service-account JWTs carry (the `token_uri` of every sample key file).
pub const AUDIENCE: &str = "https://oauth-login.cloud.huawei.com/oauth2/v3/token";

/// Why a JWT was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwtError {
    /// Well-formed and correctly signed, but `exp` is in the past.
    Expired,
    /// Anything else (malformed, unknown kid, wrong iss/aud/alg, bad signature).
    Invalid(&'static str),
}

/// Whether a bearer token looks like a JWT (three dot-separated segments).
pub fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

/// Verifies `token` against the configured accounts at time `now` (epoch seconds).
/// Returns the matching account's `sub_account`.
pub fn verify(token: &str, accounts: &[ServiceAccount], now: i64) -> Result<String, JwtError> {
    let mut parts = token.split('.');
    let (h, p, s) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), Some(s), None) => (h, p, s),
        _ => return Err(JwtError::Invalid("not a JWT")),
    };
    let dec = |x: &str| URL_SAFE_NO_PAD.decode(x.trim_end_matches('=')).map_err(|_| JwtError::Invalid("bad base64url"));
    let header: serde_json::Value =
        serde_json::from_slice(&dec(h)?).map_err(|_| JwtError::Invalid("bad header JSON"))?;
    let payload: serde_json::Value =
        serde_json::from_slice(&dec(p)?).map_err(|_| JwtError::Invalid("bad payload JSON"))?;
    let sig = dec(s)?;
    if header.get("alg").and_then(|v| v.as_str()) != Some("PS256") {
        return Err(JwtError::Invalid("alg must be PS256"));
    }
    let kid = header.get("kid").and_then(|v| v.as_str()).ok_or(JwtError::Invalid("no kid"))?;
    let account = accounts.iter().find(|a| a.key_id == kid).ok_or(JwtError::Invalid("unknown kid"))?;
    let der = spki_pem_to_rsa_public_key(&account.public_key_pem).ok_or(JwtError::Invalid("bad configured key"))?;
    let key = ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PSS_2048_8192_SHA256, der);
    let signed = &token[..h.len() + 1 + p.len()];
    key.verify(signed.as_bytes(), &sig).map_err(|_| JwtError::Invalid("bad signature"))?;
    if payload.get("iss").and_then(|v| v.as_str()) != Some(account.sub_account.as_str()) {
        return Err(JwtError::Invalid("iss does not match the key's sub_account"));
    }
    if payload.get("aud").and_then(|v| v.as_str()) != Some(account.audience.as_str()) {
        return Err(JwtError::Invalid("wrong aud"));
    }
    let exp = payload.get("exp").and_then(|v| v.as_i64()).ok_or(JwtError::Invalid("no exp"))?;
    if payload.get("iat").and_then(|v| v.as_i64()).is_none() {
        return Err(JwtError::Invalid("no iat"));
    }
    if exp <= now {
        return Err(JwtError::Expired);
    }
    Ok(account.sub_account.clone())
}

/// Decodes a PEM block's base64 body (first block with the given label).
pub fn pem_body(pem: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin)? + begin.len();
    let stop = start + pem[start..].find(&end)?;
    let b64: String = pem[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    STANDARD.decode(b64).ok()
}

/// Reads one DER TLV at the start of `b`: (tag, content, rest).
fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let l0 = *b.get(1)? as usize;
    let (len, hdr) = if l0 < 0x80 {
        (l0, 2)
    } else {
        let n = l0 & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *b.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let content = b.get(hdr..hdr.checked_add(len)?)?;
    Some((tag, content, &b[hdr + len..]))
}

/// Extracts the PKCS#1 `RSAPublicKey` (what ring wants) from an SPKI "PUBLIC KEY" PEM.
pub fn spki_pem_to_rsa_public_key(pem: &str) -> Option<Vec<u8>> {
    let der = pem_body(pem, "PUBLIC KEY")?;
    let (tag, spki, _) = tlv(&der)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, _alg, rest) = tlv(spki)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, bits, _) = tlv(rest)?;
    if tag != 0x03 || bits.first() != Some(&0) {
        return None;
    }
    Some(bits[1..].to_vec())
}
