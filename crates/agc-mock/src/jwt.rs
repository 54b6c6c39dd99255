//! Verification of Huawei service-account JWTs used directly as bearer tokens:
//! header `{"kid","typ":"JWT","alg":"PS256"}`, payload `{"aud","iss","iat","exp"}`,
//! RSASSA-PSS SHA-256 signature, base64url without padding. The `jsonwebtoken` crate checks
//! them, so the library's signer is held to a verifier it does not share code with.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};

use crate::model::ServiceAccount;

/// Why a JWT was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwtError {
    /// Well-formed and correctly signed, but `exp` is in the past.
    Expired,
    /// Anything else (malformed, unknown kid, wrong iss/aud/alg, bad signature).
    Invalid(&'static str),
}

/// The claims every token must carry, as integers (`aud` and `iss` are checked by the
/// validation, against the account's).
#[derive(serde::Deserialize)]
struct Claims {
    exp: i64,
    /// Required: a token without `iat` does not parse.
    #[serde(rename = "iat")]
    _issued_at: i64,
}

/// Whether a bearer token looks like a JWT (three dot-separated segments).
pub fn looks_like_jwt(token: &str) -> bool {
    token.split('.').count() == 3
}

/// Verifies `token` against the configured accounts at time `now` (epoch seconds).
/// Returns the matching account's `sub_account`.
pub fn verify(token: &str, accounts: &[ServiceAccount], now: i64) -> Result<String, JwtError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| JwtError::Invalid("bad header"))?;
    if header.alg != Algorithm::PS256 {
        return Err(JwtError::Invalid("alg must be PS256"));
    }
    let kid = header.kid.ok_or(JwtError::Invalid("no kid"))?;
    let account = accounts.iter().find(|a| a.key_id == kid).ok_or(JwtError::Invalid("unknown kid"))?;
    let key = DecodingKey::from_rsa_pem(account.public_key_pem.as_bytes())
        .map_err(|_| JwtError::Invalid("bad configured key"))?;
    let mut rules = Validation::new(Algorithm::PS256);
    rules.set_audience(&[&account.audience]);
    rules.set_issuer(&[&account.sub_account]);
    rules.set_required_spec_claims(&["exp", "aud", "iss"]);
    // Expiry against the mock's clock, below, so that an expired token is told apart.
    rules.validate_exp = false;
    let claims = jsonwebtoken::decode::<Claims>(token, &key, &rules)
        .map_err(|_| JwtError::Invalid("bad signature, iss, aud, exp or iat"))?
        .claims;
    if claims.exp <= now {
        return Err(JwtError::Expired);
    }
    Ok(account.sub_account.clone())
}
