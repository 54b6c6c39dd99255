//! AWS Signature Version 4 (header-based, as S3 and Huawei OBS use it): a genuine signer and
//! the verifier the mock's PUT endpoint runs on what it actually received.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::util::{aws_uri_encode, hex};

type HmacSha256 = Hmac<Sha256>;

/// The algorithm name in the `Authorization` header.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The payload hash of a request whose body the signature does not cover.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Credentials and scope used to sign.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// Access key id (appears in the clear in `Credential=`).
    pub access_key: String,
    /// Secret access key.
    pub secret_key: String,
    /// Region, e.g. `cn-north-4` or `us-east-1`.
    pub region: String,
    /// Service, `s3`.
    pub service: String,
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length; new_from_slice cannot fail for HMAC.
    let mut m = match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return Vec::new(),
    };
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Canonical query string: pairs (already decoded) URI-encoded and sorted.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut enc: Vec<(String, String)> =
        query.iter().map(|(k, v)| (aws_uri_encode(k, false), aws_uri_encode(v, false))).collect();
    enc.sort();
    enc.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

fn trim_collapse(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds the canonical request. `headers` are all headers (any case, duplicates allowed);
/// `signed` are the lowercase signed header names. Returns `None` if a signed header is absent.
pub fn canonical_request(
    method: &str,
    canonical_uri: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    signed: &[String],
    payload_hash: &str,
) -> Option<String> {
    let mut names: Vec<String> = signed.iter().map(|s| s.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    let mut canon_headers = String::new();
    for name in &names {
        let values: Vec<String> =
            headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| trim_collapse(v)).collect();
        if values.is_empty() {
            return None;
        }
        canon_headers.push_str(name);
        canon_headers.push(':');
        canon_headers.push_str(&values.join(","));
        canon_headers.push('\n');
    }
    Some(format!(
        "{method}\n{canonical_uri}\n{}\n{canon_headers}\n{}\n{payload_hash}",
        canonical_query(query),
        names.join(";")
    ))
}

/// The credential scope `yyyymmdd/region/service/aws4_request`.
pub fn scope(date8: &str, creds: &Credentials) -> String {
    format!("{date8}/{}/{}/aws4_request", creds.region, creds.service)
}

/// String to sign for a canonical request.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{amz_date}\n{scope}\n{}", sha256_hex(canonical_request.as_bytes()))
}

/// Hex signature of `string_to_sign` with the derived signing key.
pub fn signature(creds: &Credentials, date8: &str, string_to_sign: &str) -> String {
    let k_date = hmac(format!("AWS4{}", creds.secret_key).as_bytes(), date8.as_bytes());
    let k_region = hmac(&k_date, creds.region.as_bytes());
    let k_service = hmac(&k_region, creds.service.as_bytes());
    let k_signing = hmac(&k_service, b"aws4_request");
    hex(&hmac(&k_signing, string_to_sign.as_bytes()))
}

/// Signs a request and returns the full `Authorization` header value.
/// `amz_date` is `yyyymmddThhmmssZ`; the payload hash is the value of `x-amz-content-sha256`.
#[allow(clippy::too_many_arguments)]
pub fn sign_v4(
    creds: &Credentials,
    method: &str,
    canonical_uri: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    signed: &[String],
    payload_hash: &str,
    amz_date: &str,
) -> Option<String> {
    let date8 = amz_date.get(..8)?;
    let creq = canonical_request(method, canonical_uri, query, headers, signed, payload_hash)?;
    let scope = scope(date8, creds);
    let sts = string_to_sign(amz_date, &scope, &creq);
    let sig = signature(creds, date8, &sts);
    let mut names: Vec<String> = signed.iter().map(|s| s.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    Some(format!(
        "{ALGORITHM} Credential={}/{scope}, SignedHeaders={}, Signature={sig}",
        creds.access_key,
        names.join(";")
    ))
}

/// The parts of a SigV4 `Authorization` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// Access key id.
    pub access_key: String,
    /// `yyyymmdd` of the scope.
    pub date8: String,
    /// Region of the scope.
    pub region: String,
    /// Service of the scope.
    pub service: String,
    /// Signed header names, as listed.
    pub signed_headers: Vec<String>,
    /// Hex signature.
    pub signature: String,
}

/// Parses `AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request, SignedHeaders=a;b, Signature=hex`.
pub fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let rest = value.trim().strip_prefix(ALGORITHM)?;
    if !rest.starts_with(' ') {
        return None;
    }
    let (mut cred, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k.trim() {
            "Credential" => cred = Some(v.trim()),
            "SignedHeaders" => signed = Some(v.trim()),
            "Signature" => sig = Some(v.trim()),
            _ => return None,
        }
    }
    let cred: Vec<&str> = cred?.split('/').collect();
    if cred.len() != 5 || cred[4] != "aws4_request" {
        return None;
    }
    let signature = sig?.to_string();
    if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(ParsedAuthorization {
        access_key: cred[0].to_string(),
        date8: cred[1].to_string(),
        region: cred[2].to_string(),
        service: cred[3].to_string(),
        signed_headers: signed?.split(';').map(|s| s.to_string()).collect(),
        signature,
    })
}

/// Why a received request's signature was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// No or unparsable Authorization / unknown access key / bad scope.
    AccessDenied(String),
    /// The recomputed signature differs.
    SignatureDoesNotMatch,
}

/// Verifies a received request. `raw_path` is the path as received (percent-encoded, no query);
/// the canonical URI is derived from it the way S3 does (decode, then re-encode).
pub fn verify(
    creds: &Credentials,
    method: &str,
    raw_path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
) -> Result<ParsedAuthorization, VerifyError> {
    let get = |n: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| v.as_str());
    let auth = get("authorization").ok_or_else(|| VerifyError::AccessDenied("missing Authorization".into()))?;
    let p = parse_authorization(auth).ok_or_else(|| VerifyError::AccessDenied("malformed Authorization".into()))?;
    if p.access_key != creds.access_key {
        return Err(VerifyError::AccessDenied("unknown access key".into()));
    }
    if p.region != creds.region || p.service != creds.service {
        return Err(VerifyError::AccessDenied("wrong credential scope".into()));
    }
    let lower: Vec<String> = p.signed_headers.iter().map(|s| s.to_ascii_lowercase()).collect();
    for required in ["host", "x-amz-date", "x-amz-content-sha256"] {
        if !lower.iter().any(|s| s == required) {
            return Err(VerifyError::AccessDenied(format!("{required} must be signed")));
        }
    }
    let amz_date = get("x-amz-date").ok_or(VerifyError::SignatureDoesNotMatch)?;
    if amz_date.get(..8) != Some(p.date8.as_str()) {
        return Err(VerifyError::SignatureDoesNotMatch);
    }
    let payload = get("x-amz-content-sha256").ok_or(VerifyError::SignatureDoesNotMatch)?;
    let uri = aws_uri_encode(&crate::util::percent_decode(raw_path, false), true);
    let creq = canonical_request(method, &uri, query, headers, &p.signed_headers, payload)
        .ok_or(VerifyError::SignatureDoesNotMatch)?;
    let sts = string_to_sign(amz_date, &scope(&p.date8, creds), &creq);
    let expected = signature(creds, &p.date8, &sts);
    if !crate::util::ct_eq(expected.as_bytes(), p.signature.to_ascii_lowercase().as_bytes()) {
        return Err(VerifyError::SignatureDoesNotMatch);
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws_example() -> (Credentials, Vec<(String, String)>) {
        (
            Credentials {
                access_key: "AKIAIOSFODNN7EXAMPLE".into(),
                secret_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(),
                region: "us-east-1".into(),
                service: "s3".into(),
            },
            vec![
                ("Host".into(), "examplebucket.s3.amazonaws.com".into()),
                ("Range".into(), "bytes=0-9".into()),
                (
                    "x-amz-content-sha256".into(),
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into(),
                ),
                ("x-amz-date".into(), "20130524T000000Z".into()),
            ],
        )
    }

    #[test]
    fn aws_get_object_known_answer() {
        let (creds, headers) = aws_example();
        let signed: Vec<String> =
            ["host", "range", "x-amz-content-sha256", "x-amz-date"].iter().map(|s| s.to_string()).collect();
        let auth = sign_v4(
            &creds,
            "GET",
            "/test.txt",
            &[],
            &headers,
            &signed,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "20130524T000000Z",
        )
        .unwrap();
        assert_eq!(auth, "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
        let mut all = headers.clone();
        all.push(("Authorization".into(), auth));
        assert!(verify(&creds, "GET", "/test.txt", &[], &all).is_ok());
        all[1].1 = "bytes=0-10".into();
        assert_eq!(verify(&creds, "GET", "/test.txt", &[], &all), Err(VerifyError::SignatureDoesNotMatch));
    }
}
