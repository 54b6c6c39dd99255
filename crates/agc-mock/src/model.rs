//! The mock's public vocabulary: its configuration, the requests and objects it records, its
//! fault modes, the fixture service account. It imports nothing of the crate, so that every
//! other module may use it.

use std::path::PathBuf;

/// The audience Huawei service-account JWTs carry (the `token_uri` of every sample key file).
pub const JWT_AUDIENCE: &str = "https://oauth-login.cloud.huawei.com/oauth2/v3/token";

/// Region of the mock OBS signatures.
pub const OBS_REGION: &str = "cn-north-4";
/// Access key id of the mock OBS signatures.
pub const OBS_ACCESS_KEY: &str = "AKMOCKAGCOBS0000EXAMPLE";
/// Secret key of the mock OBS signatures (test-only, public on purpose).
pub const OBS_SECRET_KEY: &str = "mockObsSecretKey/K7MDENG/bPxRfiCYEXAMPLE";
/// The bucket in mock upload URLs (`/obs/<bucket>/<objectId>`).
pub const OBS_BUCKET: &str = "agc-bucket";
/// `user-agent` the upload-url answers ask the client to replay.
pub const OBS_USER_AGENT: &str = "AGC-OBS-Signer/1.0";
/// Largest allowed clock skew of a PUT's `x-amz-date` (seconds).
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// Configuration of a [`MockServer`](crate::MockServer).
#[derive(Clone, Debug)]
pub struct MockConfig {
    /// Accepted API client id (default `mock-client-id`).
    pub client_id: String,
    /// Accepted API client secret (default `mock-client-secret`).
    pub client_secret: String,
    /// `expires_in` of issued tokens, seconds (default 172800).
    pub token_ttl_secs: u64,
    /// Keep the bytes of accepted objects in memory (default true); false keeps only size + sha256.
    pub store_bodies: bool,
    /// Compile-status polls answering "parsing" (1) before "ready" (0); default 2.
    pub polls_until_ready: u32,
    /// Service accounts whose JWTs are accepted as bearer tokens.
    pub service_accounts: Vec<ServiceAccount>,
    /// Forward uploads to a real S3 server (see [`UploadUpstream`]).
    pub upload_upstream: Option<UploadUpstream>,
    /// multipart upload: `nspPartMinSize` of `init` answers (default 5 MiB); every part but
    /// the last must be at least this large at `compose`.
    pub multipart_part_min_size: u64,
    /// multipart upload: `nspPartMaxSize` of `init` answers (default 1 GiB).
    pub multipart_part_max_size: u64,
    /// multipart upload: hash the composed object at `compose` (default true), which needs
    /// every part kept in a file until then. False (`--no-multipart-digest`, with
    /// `store_bodies` false: the benchmarks) keeps no part and records a composed object with
    /// an empty digest; each part is still verified against its SHA-256 as it comes.
    pub multipart_object_digest: bool,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            client_id: "mock-client-id".into(),
            client_secret: "mock-client-secret".into(),
            token_ttl_secs: 172_800,
            store_bodies: true,
            polls_until_ready: 2,
            service_accounts: Vec::new(),
            upload_upstream: None,
            multipart_part_min_size: 5 * 1024 * 1024,
            multipart_part_max_size: 1024 * 1024 * 1024,
            multipart_object_digest: true,
        }
    }
}

/// A service account whose JWTs the mock accepts.
#[derive(Clone, Debug)]
pub struct ServiceAccount {
    /// `kid` of the JWT header (`key_id` of the key file).
    pub key_id: String,
    /// `iss` of the JWT payload (`sub_account` of the key file).
    pub sub_account: String,
    /// SPKI `PUBLIC KEY` PEM of the RSA key.
    pub public_key_pem: String,
    /// The `aud` its JWTs must carry: the key file's `token_uri` (real key files all carry
    /// [`JWT_AUDIENCE`]; a test may set another to prove the client reads `token_uri`).
    pub audience: String,
}

/// A plain-HTTP S3 server the mock forwards uploads to (phase 3). Upload URLs then point at
/// the mock (`https://127.0.0.1:PORT/<bucket>/<objectId>`), signed with these credentials for
/// service `s3` with `Host` = the mock's authority, and PUTs on that path are relayed verbatim.
#[derive(Clone, Debug)]
pub struct UploadUpstream {
    /// `host:port` of the S3 server, e.g. `127.0.0.1:9000`.
    pub addr: String,
    /// Bucket (must exist upstream).
    pub bucket: String,
    /// Access key id.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
    /// Region, e.g. `us-east-1`.
    pub region: String,
}

/// Which endpoint a request hit.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Endpoint {
    /// `POST /api/oauth2/v1/token`.
    Token,
    /// `GET /api/publish/v2/upload-url/for-obs`.
    UploadUrl,
    /// The PUT of the file (or of one multipart part) to the signed URL.
    Upload,
    /// `POST /api/publish/v2/upload/multipart/{init,parts,compose}`.
    Multipart,
    /// `PUT /api/publish/v3/app-package-info`.
    Bind,
    /// `GET /api/publish/v3/package/compile/status`.
    CompileStatus,
    /// `/mock/...` control endpoints.
    Control,
    /// The release road: app-language-info, app-submit, app-info, test versions.
    Release,
    /// `GET /api/publish/v2/appid-list` (the preflight's bundle name look-up).
    AppIdList,
    /// The listing's files, language deletion, withdraw and phased release (server_listing.rs).
    Listing,
    /// Anything else.
    Unknown,
}

/// One received request, as the mock saw and answered it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RequestRecord {
    /// Method.
    pub method: String,
    /// Path without query (as received, percent-encoded).
    pub path: String,
    /// Query pairs, percent-decoded.
    pub query: Vec<(String, String)>,
    /// Headers: names lowercased, arrival order, duplicates kept.
    pub headers: Vec<(String, String)>,
    /// Endpoint.
    pub kind: Endpoint,
    /// An `Authorization: Bearer ...` header was present.
    pub bearer: bool,
    /// A `client_id` header was present.
    pub client_id_header: bool,
    /// Declared Content-Length.
    pub content_length: Option<u64>,
    /// A Transfer-Encoding header was present.
    pub chunked: bool,
    /// Body bytes actually read.
    pub body_received: u64,
    /// Status answered (0 if nothing was answered: stall, reset, abort).
    pub status: u16,
    /// The whole declared body arrived.
    pub complete: bool,
}

/// An accepted upload.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StoredObject {
    /// Object id (as in the upload-url answer).
    pub object_id: String,
    /// `fileName` given to upload-url.
    pub file_name: String,
    /// Size in bytes.
    pub size: u64,
    /// Lowercase hex SHA-256 of the received body (empty for a multipart object when the server
    /// neither stores bodies nor [`MockConfig::multipart_object_digest`]).
    pub sha256_hex: String,
    /// The bytes, if [`MockConfig::store_bodies`].
    #[serde(skip)]
    pub bytes: Option<Vec<u8>>,
}

/// A fault mode. "Once" faults clear themselves after firing.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Normal behaviour.
    None,
    /// Next Connect API call (upload-url, bind, compile-status) with a valid token answers
    /// 401 `{"ret":{"code":204144643,"msg":"token expired"}}` and invalidates that token.
    TokenExpiredOnce,
    /// Token endpoint always answers 200 `{"ret":{"code":203890688,...}}` without a token.
    TokenBadCredentials,
    /// Next PUT: drain the body, answer 500 `InternalError`.
    Put500Once,
    /// Next PUT: drain the body, answer 400 with a 200 KB S3 XML error body.
    PutHugeErrorOnce,
    /// Next PUT: drain the body, answer 503 `SlowDown` with `Retry-After: N`.
    Put503RetryAfterOnce(u32),
    /// Next PUT: read half the declared body, then reset the connection.
    PutResetHalfwayOnce,
    // multipart upload
    /// Part PUT bodies: the connection is reset each time another N bytes of part bodies
    /// (counted over all parts) have arrived.
    PartResetEvery(u64),
    /// The next `parts` answer is signed 20 minutes ago (its PUT gets 403 RequestTimeTooSkewed).
    PartUrlExpiredOnce,
    /// `init` answers 200 with this business `ret.code` (the flow is not open to the account).
    MultipartInitRefused(i64),
    /// The next `compose` answers 500.
    ComposeFailsOnce,
    /// `parts` answers give `headers` as a JSON string holding the object, with a signed
    /// header whose value is a JSON number (`x-obs-part-number`).
    PartHeadersAsText,
    /// Every `parts` call answers 200 with this business `ret.code`.
    PartsRefused(i64),
    /// A second `parts` call for one session is refused with `ret.code` 204144641 (whether AGC
    /// allows one is not documented).
    PartsOnce,
    /// `parts` answers give no `partObjectId` for odd parts and `""` for even ones (Huawei's own
    /// compose example sends `""`); compose then expects them back as given.
    NoPartObjectIds,
    /// `compose` refuses an ETag in quotes and takes it bare (the CI script strips the quotes).
    ComposeWantsBareEtags,
    /// Every non-control request: read the head, answer nothing, keep the socket open.
    Stall,
    /// PUT bodies are read at about N bytes per second.
    SlowReader(u64),
    /// A slow, dropping link: every upload body (single PUT or part) is read at about `rate`
    /// bytes per second, and the connection is reset each time another `every` bytes of
    /// upload bodies (counted over all of them) have arrived. `slow_reset_every:RATE:EVERY`.
    SlowResetEvery(u64, u64),
    /// Every Connect call (token included) answers 307 with Location to itself.
    Redirect307,
    /// upload-url's `urlInfo.url` uses `http://`.
    HttpUploadUrl,
    /// upload-url's `urlInfo.url` is `https://user:pass@127.0.0.1:PORT/...`.
    UrlWithCredentials,
    /// upload-url answers a valid-looking 50 MB JSON document.
    HugeJson,
    /// upload-url answers 200 with truncated JSON.
    MalformedJson,
    /// upload-url answers ret.code 0 without `urlInfo.url`.
    MissingFields,
    /// upload-url's `headers.Host` differs from the URL authority.
    WrongHost,
    /// upload-url's `urlInfo.method` is `POST`.
    WrongMethod,
    /// upload-url's `x-amz-content-sha256` differs from the `sha256` query parameter.
    HashMismatchInUrl,
    /// upload-url signs with an `x-amz-date` 20 minutes old (the PUT gets 403 RequestTimeTooSkewed).
    StaleSignature,
    /// Like [`Fault::StaleSignature`], for the next upload-url answer only.
    ExpiredSignatureOnce,
    /// upload-url answers 200 `{"ret":{"code":N,"msg":...}}`.
    ApiError(i64, String),
    /// Next Connect call (upload-url, bind or compile-status) answers 200 with ret.code N.
    TransientCodeOnce(i64),
    /// The bind answers its package id inside `data` (`{"data":{"packageId":…}}`), as some AGC
    /// answers do (easy-publisher reads both shapes).
    BindPackageIdInData,
    /// compile-status answers successStatus 2 with this reason (`failureReason`, `errorMessage`, ret.msg).
    ParseFails(String),
    // compile-status variants that live AGC answers while a package is new
    /// The next N compile-status answers take this shape instead of the package's state (which
    /// does not advance meanwhile): `empty` (`pkgStateList: []`), `missing` (no `pkgStateList`),
    /// `absent` (the list names another package), `unknown` (`successStatus` 5), `nostatus`
    /// (an entry without `successStatus`).
    CompileStatusVariant(StatusVariant, u32),
    /// compile-status answers successStatus 2 with only this `errorCode` (no reason text).
    ParseFailsCode(String),
    /// Next Connect API call (upload-url, bind or compile-status; not token, not PUT) answers 500.
    Status500Once,
    /// The next N PUTs are answered with this status (503 with `Retry-After: 0`, 307 with a
    /// `Location`, else an S3 error) right after the head, before any body byte is read, without
    /// `Connection: close`; the connection is then held open (what arrives is counted, never
    /// answered) until the client closes it. `(status, n)`.
    PutEarlyAnswer(u16, u32),
    /// Like [`Fault::PutEarlyAnswer`], but the answer's body is delimited by the connection's
    /// close (no Content-Length, not chunked), and the connection is held open.
    PutEarlyAnswerUnframed(u16, u32),
    /// Next bind (`app-package-info`): processed (the package is created), then the connection
    /// is reset instead of answering.
    BindResetAfterProcessingOnce,
    /// Next bind answers 503 `Retry-After: 0` without processing it.
    Bind503Once,
    /// The token endpoint holds every request without answering until the fault is cleared,
    /// then answers normally.
    TokenStall,
    /// A server or proxy that echoes the request into its error answers: the token call
    /// answers 200 with the echo as `ret.msg` (code 203890688), upload-url answers 400
    /// `text/plain` with the echo, the PUT answers 400 `InvalidRequest` with the echo as the
    /// S3 `Message`, a release-road call (app-language-info, app-submit, app-info, the test
    /// version calls) answers 200 with the echo as `ret.msg` (code 204144641). The echo puts the credentials first (`authorization` and `client_id`
    /// headers, then the body of a Connect call), then the request line and the other headers,
    /// so that even clients that bound the server text they quote receive the secrets.
    ReflectRequest(ReflectAt),
    /// The next N app-submit calls that would succeed answer 204144727 "still compiling".
    SubmitStillProcessing(u32),
    /// The next release-road call answers 200 with this ret.code and message.
    ReleaseCodeOnce(i64, String),
    /// The next app-submit that succeeds is applied, then the connection is reset unanswered.
    SubmitAnswerLostOnce,
    /// app-language-info and app-file-info check the request and answer success, but store
    /// nothing (a publisher saw AGC do so): the listing's read-back must catch it.
    ListingSuccessIgnored,
    // release road as AGC varies: states, submit fields, listing texts
    /// Every app-submit answers 503 `Retry-After: 0` without processing it (a refusal: the
    /// submit never happened).
    Submit503Always,
    /// app-submit refuses a body without `registeredIdType` and `registeredIdNumber`
    /// (204144660 "registeredIdType and registeredIdNumber can not be null", seen live by
    /// easy-publisher).
    SubmitNeedsRegisteredId,
    /// Release notes for a language the app does not have are accepted (the language is
    /// added) only with an `appName`; without one: 204144641 "appName is necessary for a new
    /// language" (cianru/huawei-appgallery-publish-gradle-plugin issues 43, 62). This is now
    /// what the mock always does (server_listing.rs); the name is kept for the tests that set it.
    NewLanguageNeedsAppName,
    /// The next answer carrying an id of this kind (upload-url's `objectId`, bind's
    /// `packageId`, create-test-version's `versionId`) carries this text instead; the mock
    /// keeps the id it made (a hostile server, for the id checks).
    AnswerIdOnce(IdKind, String),
    /// A hostile server on the success paths: every JSON answer of the Connect API (token
    /// included) keeps its status, code and ids, but each free-text field (`ret.msg`,
    /// `auditInfo.auditOpinion`, `failureReason`, `errorMessage`, `message`) is replaced with
    /// [`hostile_text`]: the request's credentials and body echoed, the client secret, CI
    /// workflow commands, terminal escapes, bidirectional overrides, and 64 KiB of padding.
    Hostile,
    /// [`Fault::Hostile`], and the token endpoint hands out tokens that begin with
    /// `tokHOSTILE` and hold the client secret whole (then random bytes): a server that shapes
    /// its token to overlap another secret, so that a client redacting one secret at a time
    /// cuts the token into pieces too short to recognise.
    HostileOverlappingToken,
    /// The answers of the release road's writing calls (notes, submit, the test version
    /// calls; not the state read) are held this many milliseconds after the request was
    /// processed (a slow AGC: the call is carried out, its answer comes late).
    SlowAnswer(u64),
    /// A single PUT is read whole and stored, then its answer is held this many milliseconds
    /// (an upload host slow to confirm).
    PutAnswerHeld(u64),
    /// Every upload PUT (a single PUT or a part): the head is read, the body never is; the
    /// connection is held open, unanswered, until the fault is cleared or the server stops.
    /// The connection's receive buffer is shrunk, so a client's writes block after a few
    /// MiB at most (loopback buffers grow, bodies of 16 MiB or more block on any machine).
    PutNeverRead,
}

/// What [`Fault::Hostile`] writes into every free-text field: `echo` (the request's
/// credentials and body), the client secret, lines that CI runners execute, terminal escapes,
/// bidirectional and zero-width characters, then padding to more than 64 KiB.
pub fn hostile_text(echo: &str, client_secret: &str) -> String {
    let mut t = format!(
        "{echo}\nclient_secret={client_secret}\n::error title=AGC::forged annotation\n::add-mask::everything\n\
         ::stop-commands::halt\n##[error]legacy command\n##vso[task.setvariable variable=x]y\n\
         \u{1b}[2J\u{1b}]0;window title\u{7}\u{1b}[31mred\u{1b}[0m \u{202e}gnp.exe\u{200b}\r::warning::after CR\n"
    );
    while t.len() < 64 * 1024 {
        t.push_str("padding padding padding padding ");
    }
    t
}

/// Which id [`Fault::AnswerIdOnce`] replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    /// upload-url's `urlInfo.objectId`.
    Object,
    /// bind's `packageId`.
    Package,
    /// create-test-version's `versionId`.
    Version,
}

/// A shape of a compile-status answer of [`Fault::CompileStatusVariant`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusVariant {
    /// `pkgStateList: []`.
    Empty,
    /// No `pkgStateList` at all.
    Missing,
    /// A list that names another package only.
    Absent,
    /// `successStatus` 5, a value we do not know.
    Unknown,
    /// An entry without `successStatus`.
    NoStatus,
}

/// Which answers [`Fault::ReflectRequest`] turns into echoes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReflectAt {
    /// Token, upload-url, PUT and the release-road calls (the first one the client reaches
    /// fails).
    All,
    /// Only the token call.
    Token,
    /// Only upload-url.
    UploadUrl,
    /// Only the PUT.
    Put,
    /// Only the release-road calls ([`Endpoint::Release`]): the upload and bind succeed.
    Release,
}

impl ReflectAt {
    /// Does this setting reflect answers of `endpoint`?
    pub fn covers(self, endpoint: &Endpoint) -> bool {
        match self {
            ReflectAt::All => {
                matches!(endpoint, Endpoint::Token | Endpoint::UploadUrl | Endpoint::Upload | Endpoint::Release)
            }
            ReflectAt::Token => *endpoint == Endpoint::Token,
            ReflectAt::UploadUrl => *endpoint == Endpoint::UploadUrl,
            ReflectAt::Put => *endpoint == Endpoint::Upload,
            ReflectAt::Release => *endpoint == Endpoint::Release,
        }
    }
}

/// Parses a snake_case fault name (as used by `POST /mock/fault` and `agc-mock --fault`).
/// Parameterised faults take defaults (`put_503_retry_after_once`: 1 s, `slow_reader`: 1 MB/s,
/// `api_error`: 204144688, `transient_code_once`: 204144659, `parse_fails`: a fixed reason,
/// `submit_still_processing`: 1, `release_code_once`: 204144641 "invalid parameter");
/// `name:value` overrides the parameter, e.g. `slow_reader:200000`, `api_error:204144641:bad`.
pub fn fault_from_name(name: &str) -> Option<Fault> {
    let name = name.trim();
    let (base, arg) = match name.split_once(':') {
        Some((b, a)) => (b, Some(a)),
        None => (name, None),
    };
    let num = |d: i64| -> Option<i64> {
        match arg {
            None => Some(d),
            Some(a) => a.split(':').next()?.trim().parse().ok(),
        }
    };
    Some(match base {
        "none" => Fault::None,
        "token_expired_once" => Fault::TokenExpiredOnce,
        "token_bad_credentials" => Fault::TokenBadCredentials,
        "put_500_once" => Fault::Put500Once,
        "put_huge_error_once" => Fault::PutHugeErrorOnce,
        "put_503_retry_after_once" => Fault::Put503RetryAfterOnce(u32::try_from(num(1)?).ok()?),
        "put_reset_halfway_once" => Fault::PutResetHalfwayOnce,
        // multipart upload
        "part_reset_every" => Fault::PartResetEvery(u64::try_from(num(30 << 20)?).ok().filter(|n| *n > 0)?),
        "part_url_expired_once" => Fault::PartUrlExpiredOnce,
        "multipart_init_refused" => Fault::MultipartInitRefused(num(204_144_641)?),
        "compose_fails_once" => Fault::ComposeFailsOnce,
        "part_headers_as_text" => Fault::PartHeadersAsText,
        "parts_once" => Fault::PartsOnce,
        "parts_refused" => Fault::PartsRefused(num(204_144_641)?),
        "no_part_object_ids" => Fault::NoPartObjectIds,
        "compose_wants_bare_etags" => Fault::ComposeWantsBareEtags,
        "stall" => Fault::Stall,
        "slow_reset_every" => {
            let (rate, every) = arg?.split_once(':')?;
            let rate = rate.parse::<u64>().ok().filter(|n| *n > 0)?;
            let every = every.parse::<u64>().ok().filter(|n| *n > 0)?;
            Fault::SlowResetEvery(rate, every)
        }
        "slow_reader" => Fault::SlowReader(u64::try_from(num(1_000_000)?).ok().filter(|n| *n > 0)?),
        "redirect_307" => Fault::Redirect307,
        "http_upload_url" => Fault::HttpUploadUrl,
        "url_with_credentials" => Fault::UrlWithCredentials,
        "huge_json" => Fault::HugeJson,
        "malformed_json" => Fault::MalformedJson,
        "missing_fields" => Fault::MissingFields,
        "wrong_host" => Fault::WrongHost,
        "wrong_method" => Fault::WrongMethod,
        "hash_mismatch_in_url" => Fault::HashMismatchInUrl,
        "stale_signature" => Fault::StaleSignature,
        "expired_signature_once" => Fault::ExpiredSignatureOnce,
        "status_500_once" => Fault::Status500Once,
        "put_early_answer" => {
            let status = u16::try_from(num(503)?).ok().filter(|s| (200..600).contains(s))?;
            let n = match arg.and_then(|a| a.split_once(':')) {
                Some((_, n)) => n.trim().parse().ok()?,
                None => 1,
            };
            Fault::PutEarlyAnswer(status, n)
        }
        "put_early_answer_unframed" => {
            let status = u16::try_from(num(503)?).ok().filter(|s| (200..600).contains(s))?;
            let n = match arg.and_then(|a| a.split_once(':')) {
                Some((_, n)) => n.trim().parse().ok()?,
                None => 1,
            };
            Fault::PutEarlyAnswerUnframed(status, n)
        }
        "bind_reset_after_processing_once" => Fault::BindResetAfterProcessingOnce,
        "bind_503_once" => Fault::Bind503Once,
        "bind_package_id_in_data" => Fault::BindPackageIdInData,
        "token_stall" => Fault::TokenStall,
        "reflect_request" => Fault::ReflectRequest(match arg {
            None | Some("all") => ReflectAt::All,
            Some("token") => ReflectAt::Token,
            Some("upload_url") => ReflectAt::UploadUrl,
            Some("put") => ReflectAt::Put,
            Some("release") => ReflectAt::Release,
            Some(_) => return None,
        }),
        "submit_answer_lost_once" => Fault::SubmitAnswerLostOnce,
        // release road as AGC varies
        "submit_503_always" => Fault::Submit503Always,
        "hostile" => Fault::Hostile,
        "hostile_overlapping_token" => Fault::HostileOverlappingToken,
        "slow_answer" => Fault::SlowAnswer(num(40_000)? as u64),
        "put_answer_held" => Fault::PutAnswerHeld(num(60_000)? as u64),
        "put_never_read" => Fault::PutNeverRead,
        "submit_needs_registered_id" => Fault::SubmitNeedsRegisteredId,
        "new_language_needs_app_name" => Fault::NewLanguageNeedsAppName,
        "answer_id_once" => {
            let (kind, text) = arg?.split_once(':')?;
            let kind = match kind {
                "object" => IdKind::Object,
                "package" => IdKind::Package,
                "version" => IdKind::Version,
                _ => return None,
            };
            Fault::AnswerIdOnce(kind, text.to_string())
        }
        "submit_still_processing" => Fault::SubmitStillProcessing(u32::try_from(num(1)?).ok()?),
        "listing_success_ignored" => Fault::ListingSuccessIgnored,
        "release_code_once" => {
            let code = num(204_144_641)?;
            let msg = arg
                .and_then(|a| a.split_once(':').map(|(_, m)| m.to_string()))
                .unwrap_or_else(|| "invalid parameter".to_string());
            Fault::ReleaseCodeOnce(code, msg)
        }
        "transient_code_once" => Fault::TransientCodeOnce(num(204_144_659)?),
        "api_error" => {
            let code = num(204_144_688)?;
            let msg = arg
                .and_then(|a| a.split_once(':').map(|(_, m)| m.to_string()))
                .unwrap_or_else(|| "get upload url failed".to_string());
            Fault::ApiError(code, msg)
        }
        "status_variant" => {
            // status_variant:<empty|missing|absent|unknown|nostatus>[:N]
            let mut it = arg.unwrap_or("empty").splitn(2, ':');
            let variant = match it.next()? {
                "empty" => StatusVariant::Empty,
                "missing" => StatusVariant::Missing,
                "absent" => StatusVariant::Absent,
                "unknown" => StatusVariant::Unknown,
                "nostatus" => StatusVariant::NoStatus,
                _ => return None,
            };
            let n = match it.next() {
                Some(n) => n.parse::<u32>().ok().filter(|n| *n > 0)?,
                None => 1,
            };
            Fault::CompileStatusVariant(variant, n)
        }
        "parse_fails_code" => Fault::ParseFailsCode(arg.unwrap_or("PKG_PARSE_0001").to_string()),
        "parse_fails" => Fault::ParseFails(
            arg.map(str::to_string)
                .unwrap_or_else(|| "package parse failed: invalid signature in pack.info".to_string()),
        ),
        _ => return None,
    })
}

/// Directory of the test fixtures (`service-account-private.json`, `service-account-public.pem`).
pub const FIXTURE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");

/// Path of the fixture service-account key file (Huawei `*private.json` format).
pub fn fixture_private_key_path() -> PathBuf {
    PathBuf::from(FIXTURE_DIR).join("service-account-private.json")
}

const FIXTURE_PRIVATE_JSON: &str = include_str!("../fixtures/service-account-private.json");
const FIXTURE_PUBLIC_PEM: &str = include_str!("../fixtures/service-account-public.pem");

/// The service account matching the fixture key file (embedded at compile time).
pub fn fixture_service_account() -> ServiceAccount {
    let v: serde_json::Value = serde_json::from_str(FIXTURE_PRIVATE_JSON).unwrap_or_default();
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
    ServiceAccount {
        key_id: field("key_id"),
        sub_account: field("sub_account"),
        public_key_pem: FIXTURE_PUBLIC_PEM.to_string(),
        audience: JWT_AUDIENCE.to_string(),
    }
}
