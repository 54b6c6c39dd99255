//! The mock's state, shared by every connection thread: the fault in force, the records, the
//! tokens, objects and packages, the release road's book and the multipart sessions. Plain
//! data and its lock; no handler is imported here (the handlers import it).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use crate::model::{Fault, MockConfig, RequestRecord, StoredObject};

/// An upload URL handed out and not yet used.
#[derive(Clone, Debug)]
pub(crate) struct PendingUpload {
    pub app_id: String,
    pub file_name: String,
    pub declared_len: u64,
}

/// A bound package.
#[derive(Clone, Debug)]
pub(crate) struct Package {
    pub polls: u32,
}

#[derive(Default)]
pub(crate) struct State {
    pub fault: Option<Fault>,
    pub records: Vec<(u64, RequestRecord)>,
    /// access token -> expiry (epoch seconds)
    pub tokens: HashMap<String, i64>,
    pub issued_tokens: Vec<String>,
    pub upload_auths: Vec<String>,
    pub pending: HashMap<String, PendingUpload>,
    pub objects: Vec<StoredObject>,
    /// object id -> app id of stored objects
    pub object_apps: HashMap<String, String>,
    pub packages: HashMap<String, Package>,
    /// The release road's state per app (served by server_release.rs).
    pub release: ReleaseBook,
    /// multipart upload sessions (served by server_multipart.rs).
    pub multipart: MultipartBook,
    /// The listing's texts, files and phased releases per app (served by server_listing.rs).
    pub listing: ListingBook,
}

/// State shared by all connection threads.
pub(crate) struct Shared {
    pub config: MockConfig,
    pub port: u16,
    pub shutdown: Arc<AtomicBool>,
    pub log: AtomicBool,
    pub next_id: AtomicU64,
    pub state: Mutex<State>,
    /// The server's temporary directory (the CA file, multipart part bodies).
    pub temp_dir: PathBuf,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
    pub fn authority(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
    pub fn base_url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }
    /// The current fault (None if cleared).
    pub fn fault(&self) -> Fault {
        self.lock().fault.clone().unwrap_or(Fault::None)
    }
    /// If the current fault satisfies `pred`, returns it and, when `once`, clears it.
    pub fn take_fault(&self, pred: impl Fn(&Fault) -> bool, once: bool) -> Option<Fault> {
        let mut st = self.lock();
        let f = st.fault.clone()?;
        if pred(&f) {
            if once {
                st.fault = None;
            }
            Some(f)
        } else {
            None
        }
    }
}

// The release road (server_release.rs) and what the preflight reads (server_preflight.rs).

/// One release call as received.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ReleaseCall {
    /// Method.
    pub method: String,
    /// Path without query.
    pub path: String,
    /// The `appId` query parameter.
    pub app_id: String,
    /// The JSON body (`null` for none or unparsable).
    pub body: Value,
}

/// A test version as the mock holds it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TestVersion {
    /// App id.
    pub app_id: String,
    /// The creation body.
    pub created: Value,
    /// The package set by the update, if any.
    pub package_id: Option<String>,
    /// `openTestInfo` of the update, if any.
    pub open_test_info: Option<Value>,
    /// Submitted.
    pub submitted: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct App {
    pub(crate) languages: Vec<String>,
    pub(crate) notes: BTreeMap<String, String>,
    pub(crate) draft_package: Option<String>,
    pub(crate) release_state: i64,
    /// app-info reads left before a pre-review (12) becomes in review (4).
    pub(crate) pre_review_reads: u32,
    pub(crate) review_state: Option<i64>,
    pub(crate) audit_opinion: Option<String>,
    pub(crate) last_submit: Option<Value>,
    /// What the preflight reads (server_preflight.rs): the bundle name bound to the app,
    /// the version codes app-info shows, a full draft, calls refused for lack of rights.
    pub(crate) preflight: AppPreflight,
}

impl Default for App {
    fn default() -> App {
        App {
            languages: vec!["en-US".into(), "zh-CN".into()],
            notes: BTreeMap::new(),
            draft_package: None,
            release_state: 7,
            pre_review_reads: 0,
            review_state: None,
            audit_opinion: None,
            last_submit: None,
            preflight: Default::default(),
        }
    }
}

/// Release state of all apps.
#[derive(Default)]
pub(crate) struct ReleaseBook {
    pub(crate) apps: HashMap<String, App>,
    pub(crate) calls: Vec<ReleaseCall>,
    pub(crate) versions: HashMap<String, TestVersion>,
    /// test package id -> app id
    pub(crate) test_packages: HashMap<String, String>,
    /// The shape of appid-list answers (server_preflight.rs).
    pub(crate) appid_list_shape: AppIdListShape,
}

impl ReleaseBook {
    /// A bound package joins the app's draft (called by the bind endpoint).
    pub(crate) fn package_bound(&mut self, app_id: &str, package_id: &str) {
        self.apps.entry(app_id.to_string()).or_default().draft_package = Some(package_id.to_string());
    }
}

/// Which of the two answer shapes `appid-list` uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AppIdListShape {
    /// `{"appids": [{"key": packageName, "value": appId}]}` (the default).
    #[default]
    AppIds,
    /// `{"appIdList": [{"appId": …, "packageName": …}]}`.
    AppIdList,
}

/// What the preflight of one app sees.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppPreflight {
    /// The bundle name bound to the app (by its first package); `None` for a new app.
    pub package_name: Option<String>,
    /// An Android app (not a HarmonyOS one): `appid-list` names it only without the
    /// `packageTypes=7` filter.
    pub android: bool,
    /// app-info carries `packageName` too (no documented model does).
    pub app_info_package_name: bool,
    /// `versionCode`: the version of the draft or the one in review.
    pub version_code: Option<i64>,
    /// `versionNumber`.
    pub version_number: Option<String>,
    /// `onShelfVersionCode`: the live version.
    pub on_shelf_version_code: Option<i64>,
    /// `onShelfVersionNumber`.
    pub on_shelf_version_number: Option<String>,
    /// `versionId`: the draft's or the one in review.
    pub version_id: Option<String>,
    /// `onShelfVersionId`: the live version's.
    pub on_shelf_version_id: Option<String>,
    /// `updateTime`.
    pub update_time: Option<String>,
    /// The draft holds the most packages AGC allows: app-info answers 204144662.
    pub draft_full: bool,
    /// The API client lacks the rights to read the app: app-info answers 403.
    pub deny_app_info: bool,
    /// The API client lacks the rights to list app ids: appid-list answers 403 (for every
    /// bundle name this app holds).
    pub deny_appid_list: bool,
    /// Send numbers as strings (AGC sometimes does).
    pub numbers_as_strings: bool,
}

// The store listing (server_listing.rs); the languages and release notes are the release
// road's (App).

/// The object ids of one file list, per `deviceType`, with their `showType`.
pub(crate) type DeviceFiles = BTreeMap<i64, (Vec<String>, Option<i64>)>;

/// A running phased release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Phased {
    pub(crate) version_id: String,
    pub(crate) state: String,
    pub(crate) phase_day: Option<i64>,
}

/// What the mock holds of one app's listing.
#[derive(Clone, Debug, Default)]
pub(crate) struct ListingApp {
    /// lang -> (appName, appDesc, briefInfo)
    pub(crate) texts: BTreeMap<String, [Option<String>; 3]>,
    /// (lang, list) -> its files per device
    pub(crate) files: BTreeMap<(String, String), DeviceFiles>,
    pub(crate) phased: Option<Phased>,
}

/// The listing of every app.
#[derive(Default)]
pub(crate) struct ListingBook {
    pub(crate) apps: BTreeMap<String, ListingApp>,
}

// multipart upload (server_multipart.rs).

/// A part URL handed out.
#[derive(Clone, Debug)]
pub(crate) struct Issued {
    pub(crate) part_object_id: String,
    pub(crate) length: u64,
    pub(crate) sha256: String,
}

/// A part received.
#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub(crate) part_object_id: String,
    pub(crate) etag: String,
    pub(crate) length: u64,
    /// The part's bytes, when the server keeps bodies.
    pub(crate) file: Option<PathBuf>,
}

/// One upload session.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub(crate) app_id: String,
    pub(crate) file_name: String,
    pub(crate) object_id: String,
    pub(crate) issued: HashMap<u32, Issued>,
    pub(crate) received: BTreeMap<u32, Received>,
    /// The part lengths of the first `parts` call: a later one must ask the same map.
    pub(crate) map: Option<Vec<u64>>,
}

/// The sessions, by `nspUploadId`, and the part-body bytes counted for
/// [`Fault::PartResetEvery`].
#[derive(Default)]
pub(crate) struct MultipartBook {
    pub(crate) sessions: HashMap<String, Session>,
    pub(crate) part_bytes: u64,
    /// Part PUTs that stored a part: `(uploadId, partNumber)`, in order.
    pub(crate) stored_parts: Vec<(String, u32)>,
}

impl MultipartBook {
    /// Forget every session (AGC dropped them between runs).
    pub(crate) fn forget(&mut self) {
        self.sessions.clear();
    }
}
