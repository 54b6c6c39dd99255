//! What to do about a failure whose cause is on the user's side of the wire (credentials, the
//! trusted roots), whatever the command: shown as the report's hint.

use agcupload::{Error, Status};

/// How rustls names a certificate signed by a CA that none of the trusted roots vouches for
/// (a company's TLS-inspecting proxy, a private CA); the library keeps its words in the message.
const UNKNOWN_ISSUER: &str = "UnknownIssuer";

/// The advice for a credentials failure (a token refused, a key file unusable, a fresh token
/// refused): never the preflight's, which cannot help there.
pub const CREDENTIALS: &str = "check the credentials: the client id and secret (AGC_CLIENT_ID, AGC_CLIENT_SECRET or \
                               --client-secret-file) or the service-account key file (--service-account, \
                               AGC_SERVICE_ACCOUNT_FILE), that the API client may use this app, and the site \
                               (--api-base / AGC_API_BASE: cn, de, sg or ru) of the account, since a token works \
                               only on the site that issued it";

/// The advice for a server certificate whose issuer is not trusted.
pub const UNTRUSTED_ISSUER: &str = "the server's certificate is issued by a CA the tool does not trust (a proxy that \
                                    inspects TLS, or a private CA): add that CA with --ca-file PEM (AGC_CA_FILE), or \
                                    trust the system's store with --trust system (or --trust both)";

/// The advice for `e`, when there is one.
pub fn for_error(e: &Error) -> Option<&'static str> {
    match e.status() {
        Status::Auth => Some(CREDENTIALS),
        Status::Tls if e.to_string().contains(UNKNOWN_ISSUER) => Some(UNTRUSTED_ISSUER),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_unknown_issuers_get_advice_and_nothing_else_does() {
        let auth = Error::Auth("AGC refused the client credentials (HTTP 401)".into());
        assert_eq!(for_error(&auth), Some(CREDENTIALS));
        let tls = Error::Tls("token: invalid peer certificate: UnknownIssuer".into());
        assert_eq!(for_error(&tls), Some(UNTRUSTED_ISSUER));
        assert_eq!(for_error(&Error::Tls("token: invalid peer certificate: Expired".into())), None);
        assert_eq!(for_error(&Error::Preflight("x".into())), None);
        assert!(!CREDENTIALS.contains("--no-preflight"));
    }
}
