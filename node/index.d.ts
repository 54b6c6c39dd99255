// Types of the agcupload package (index.cjs and index.mjs): the whole API.

/** What is uploaded (the C ABI's agc_package_kind). */
export declare const PackageKind: Readonly<{ HARMONY_APP: 1; ATOMIC_SERVICE: 2; PROFILE_PICTURE: 3 }>;
export type PackageKind = (typeof PackageKind)[keyof typeof PackageKind];
export declare const HARMONY_APP: 1;
export declare const ATOMIC_SERVICE: 2;
export declare const PROFILE_PICTURE: 3;

/** The phase names the progress callback receives (the C ABI's agc_phase). */
export type PhaseName =
  | 'hashing' | 'requesting_url' | 'uploading' | 'retrying' | 'done' | 'sealing' | 'binding' | 'waiting'
  | 'setting_notes' | 'submitting' | 'creating_test_version' | 'adding_test_package' | 'setting_test_info'
  | 'submitting_test' | 'reading_app_info' | 'setting_texts' | 'sending_listing_files' | 'setting_file_info'
  | 'checking_listing' | 'deleting_language' | 'withdrawing' | 'changing_phased_release' | 'looking_up_app_id';
export declare const Phase: Readonly<{
  HASHING: 'hashing'; REQUESTING_URL: 'requesting_url'; UPLOADING: 'uploading'; RETRYING: 'retrying'; DONE: 'done';
  SEALING: 'sealing'; BINDING: 'binding'; WAITING: 'waiting'; SETTING_NOTES: 'setting_notes'; SUBMITTING: 'submitting';
  CREATING_TEST_VERSION: 'creating_test_version'; ADDING_TEST_PACKAGE: 'adding_test_package';
  SETTING_TEST_INFO: 'setting_test_info'; SUBMITTING_TEST: 'submitting_test'; READING_APP_INFO: 'reading_app_info';
  SETTING_TEXTS: 'setting_texts'; SENDING_LISTING_FILES: 'sending_listing_files'; SETTING_FILE_INFO: 'setting_file_info';
  CHECKING_LISTING: 'checking_listing'; DELETING_LANGUAGE: 'deleting_language'; WITHDRAWING: 'withdrawing';
  CHANGING_PHASED_RELEASE: 'changing_phased_release'; LOOKING_UP_APP_ID: 'looking_up_app_id';
}>;
/** agc_phase numbers to their names. */
export declare const PHASES: Readonly<Record<number, PhaseName>>;

/** A step of the release road (the C ABI's agc_release_step); NONE on success. */
export declare const Step: Readonly<{
  NONE: 0; CHECK: 1; UPLOAD: 2; BIND: 3; WAIT_PARSING: 4; NOTES: 5; SUBMIT: 6; CREATE_TEST_VERSION: 7;
  ADD_TEST_PACKAGE: 8; SET_TEST_INFO: 9; SUBMIT_TEST: 10; PREFLIGHT: 11;
}>;
export type Step = (typeof Step)[keyof typeof Step];

/** Where an app's release stands (the C ABI's agc_release_state). */
export declare const ReleaseStatus: Readonly<{ OTHER: 0; DRAFT: 1; IN_REVIEW: 2; REJECTED: 3; RELEASED: 4; APPROVED: 5; OFFLINE: 6 }>;
export type ReleaseStatus = (typeof ReleaseStatus)[keyof typeof ReleaseStatus];

/** A HarmonyOS test release's kind (AGC's testType). */
export declare const TestType: Readonly<{ INVITE: 3; OPEN: 4 }>;
export type TestType = (typeof TestType)[keyof typeof TestType];

/** Which root certificates a client trusts (the C ABI's agc_trust). */
export declare const Trust: Readonly<{ MOZILLA: 1; SYSTEM: 2; BOTH: 3 }>;
export type Trust = (typeof Trust)[keyof typeof Trust];

/** How an upload sends the file (the C ABI's agc_transfer). AUTO (the default): AGC's
 * multipart upload from 128 MiB, one PUT below (and one PUT, with a note, when AGC refuses the
 * multipart upload); SINGLE: one PUT; MULTIPART: AGC's multipart upload whatever the size. */
export declare const Transfer: Readonly<{ AUTO: 1; SINGLE: 2; MULTIPART: 3 }>;
export type Transfer = (typeof Transfer)[keyof typeof Transfer];

/** What phasedRelease does to a phased release (the C ABI's agc_phased_action): PAUSE stops the
 * rollout where it is, RESUME goes on, FULL releases to everyone now, STEP goes on to the day
 * given as `stepDay`. */
export declare const PhasedAction: Readonly<{ PAUSE: 1; RESUME: 2; FULL: 3; STEP: 4 }>;
export type PhasedAction = (typeof PhasedAction)[keyof typeof PhasedAction];

/** The C ABI's agc_status numbers (stable). */
export declare const Status: Readonly<{
  OK: 0; INVALID_ARGUMENT: 1; FILE: 2; FILE_TYPE: 3; FILE_TOO_LARGE: 4; FILE_CHANGED: 5; CANCELLED: 6; NETWORK: 7;
  TIMEOUT: 8; TLS: 9; AUTH: 10; API: 11; PROTOCOL: 12; UPLOAD_REJECTED: 13; HTTP: 14; SEAL_KEY: 15;
  SEAL_CORRUPT: 16; PACKAGE_FAILED: 17; REENTRANT: 18; PREFLIGHT: 19; INTERNAL: 255;
}>;
export type Status = (typeof Status)[keyof typeof Status];

/** A path: a string, a file: URL, or the file system's bytes (need not be UTF-8 on POSIX). */
export type PathLike = string | URL | Uint8Array;

/**
 * Progress: a function `(phase, done, total)`, or an EventEmitter that gets `'progress'` events.
 * The function cancels by returning `true`, and only then: any other value goes on, the Promise
 * of an `async` function included. A throw cancels and becomes the rejection; so does the
 * rejection of a returned Promise while the operation runs.
 */
export type ProgressCallback = (phase: PhaseName | string, done: number, total: number) => unknown;
export interface ProgressEvent { phase: PhaseName | string; done: number; total: number }
export type Progress = ProgressCallback | import('node:events').EventEmitter;

/** What every operation takes: progress and cancellation. An options argument may be left out,
 * not given as null: a wrongly typed argument or option is an InvalidArgumentError before any call. */
export interface OperationOptions {
  progress?: Progress | null;
  /** Aborting stops the operation at the library's next progress call: CancelledError. */
  signal?: AbortSignal | null;
}

// --- upload options: written by `make node-types` from lib/upload-options.cjs; do not edit ---
/** Every upload option; each operation takes its share (below). */
export interface UploadOptionFields {
  /** The fileName AGC records (default: the file's own name). */
  fileName?: string;
  /** 1 = full release, 6 = HarmonyOS test release. */
  releaseType?: 1 | 6;
  /** AGC's chineseMainlandFlag on the upload URL request; not sent unless given. */
  chineseMainland?: boolean;
  /** The bind's releaseType query parameter (1 full release, 6 HarmonyOS test release); not sent
   * unless given. */
  bindReleaseType?: 1 | 6;
  /** The bind's releasePhase query parameter (0 full, 3 phased); not sent unless given. */
  bindReleasePhase?: 0 | 3;
  /** Check the package against AGC before anything is sent (default true): its pack.info's
   * bundle name, version code and the draft's state; a refusal is a PreflightError. false skips
   * it (an API client without the rights to read the app). */
  preflight?: boolean;
  /** Default Transfer.AUTO. */
  transfer?: Transfer;
  /** Bytes per part of a multipart upload (default AGC's minimum, 5 MiB); a size outside AGC's
   * bounds is adjusted, with a note; 0 is an InvalidArgumentError. */
  partSize?: number | bigint;
  /** The file's SHA-256 when already known, 64 hex digits (either case): the hash pass is
   * skipped; a wrong digest is a FileError (Status.FILE_CHANGED) and nothing is stored. */
  sha256?: string;
  /** Where a multipart upload keeps its state (mode 0600, no secret or signed URL), so that a
   * rerun with the same file sends only the parts not yet finished; removed once the upload
   * finishes. */
  resumeFile?: PathLike;
}
/** The upload options uploadFile takes. */
export type UploadFileOptionFields = Pick<UploadOptionFields, 'fileName' | 'releaseType' | 'chineseMainland' | 'transfer' | 'partSize' | 'sha256' | 'resumeFile'>;
/** The upload options publish takes. */
export type PublishOptionFields = Pick<UploadOptionFields, 'fileName' | 'releaseType' | 'chineseMainland' | 'bindReleaseType' | 'bindReleasePhase' | 'preflight' | 'transfer' | 'partSize' | 'sha256' | 'resumeFile'>;
/** The upload options releasePackage takes. */
export type ReleaseOptionFields = Pick<UploadOptionFields, 'fileName' | 'chineseMainland' | 'bindReleaseType' | 'bindReleasePhase' | 'preflight' | 'transfer' | 'partSize' | 'sha256' | 'resumeFile'>;
// --- end of upload options ---

/** How the file travels; taken by uploadFile, publish and releasePackage. */
export type TransferOptions = Pick<UploadFileOptionFields, 'transfer' | 'partSize' | 'sha256' | 'resumeFile'>;

export interface UploadOptions extends OperationOptions, UploadFileOptionFields {
  /** Default HARMONY_APP. */
  kind?: PackageKind;
}

export interface PublishOptions extends UploadOptions, PublishOptionFields {
  /** Longest wait for AGC to parse the package, in ms (default 15 minutes). */
  timeoutMs?: number;
}

export interface UploadResult {
  objectId: string;
  /** Lowercase hex SHA-256 of the uploaded bytes. */
  sha256: string;
  size: number;
  fileName: string;
  /** How the file went: Transfer.SINGLE or Transfer.MULTIPART (never AUTO). */
  transfer: Transfer;
  /** Parts of the stored object (1 for a single PUT). */
  parts: number;
  /** Parts this call sent (a part re-sent after a failure counts once). */
  partsSent: number;
  /** Parts finished by an earlier run and taken from the resume file (not sent again). */
  resumedParts: number;
  /** Body bytes this call sent, every attempt included (more than size after a retry, less
   * after a resume). */
  bytesSent: number;
  /** The library's notes, already redacted: one starting with "warning: " says a check of the
   * preflight was skipped because AGC refused the read for lack of rights; others say a first
   * package binds the bundle name for good, a fallback to one PUT, a resume file was not used,
   * a part size was adjusted, ... */
  notes: string[];
}

export interface PublishResult {
  upload: UploadResult;
  packageId: string;
}

/** The ids a release road obtained (null: not obtained); pass back as `resume`. */
export interface ReleaseIds {
  objectId: string | null;
  fileName: string | null;
  packageId: string | null;
  versionId: string | null;
  sha256: string | null;
  size: number | null;
  /** The road's notes (kept on failure too), as UploadResult's: a "warning: " note is a check
   * of the preflight skipped for lack of rights. Absent on ids made before the road started;
   * not read back by `resume`. */
  notes?: string[];
}

export interface TestGroup { id: string; notify?: boolean }

export interface TestRelease {
  /** AGC's testDesc, 1 to 50 characters. */
  description: string;
  /** Default TestType.OPEN; INVITE needs at least one group. */
  testType?: TestType;
  groups?: Array<string | TestGroup>;
  /** `notify` of the groups given as plain strings. */
  notify?: boolean;
  /** The test window (both or neither; default from the submit on, for 30 days). */
  start?: Date | number;
  end?: Date | number;
}

export interface ReviewOptions {
  /** A Date, or AGC's text yyyy-MM-ddTHH:mm:ss+0000 (UTC). */
  releaseTime?: Date | string | null;
  /** A phased release's description (null: a full release). */
  phased?: string | null;
  /** To the reviewers, 10 to 300 characters. */
  remark?: string | null;
}

export type Notes = Record<string, string> | Map<string, string>;

export interface SubmitOptions extends ReviewOptions, OperationOptions {
  /** How long to keep retrying while AGC still processes the package, in ms (default 15 minutes). */
  timeoutMs?: number;
}

export interface ReleaseOptions extends ReviewOptions, OperationOptions, ReleaseOptionFields {
  kind?: PackageKind;
  notes?: Notes | null;
  test?: TestRelease | null;
  /** The ids of an earlier road (e.g. `err.done`). */
  resume?: Partial<ReleaseIds> | null;
  /** Bounds the wait for parsing and the retries of a submit, in ms (default 15 minutes each). */
  timeoutMs?: number;
}

export interface ReleaseState {
  status: ReleaseStatus;
  /** AGC's raw releaseState, or null when its answer had none. */
  raw: number | null;
  auditOpinion: string | null;
}

/** A text of a language's listing: name.txt, description.txt, brief.txt, release_notes.txt. */
export type ListingTextField = 'name' | 'description' | 'brief' | 'release_notes';
/** Files of a language's listing: the icon, a device's screenshots or videos ('screenshots/phone'). */
export type ListingFilesField = 'icon' | `screenshots/${string}` | `videos/${string}`;

export interface ListingChangeBase {
  /** The language, "en-US". */
  lang: string;
  /** True when AGC does not have the language yet. */
  newLanguage: boolean;
  /** One line for a log: `en-US brief: "Old" (3 characters) -> "New" (3 characters)`. */
  summary: string;
}
/** A text that changes: what AGC holds (redacted; null: nothing) and what the folder says. */
export interface ListingTextChange extends ListingChangeBase {
  field: ListingTextField;
  isText: true;
  current: string | null;
  wanted: string;
}
/** Files that change: AGC's references (null: it holds none) and the folder's file names. */
export interface ListingFilesChange extends ListingChangeBase {
  field: ListingFilesField;
  isText: false;
  current: string[] | null;
  wanted: string[];
}
/** One change of the listing (planned by listingPlan, made by listingApply). */
export type ListingChange = ListingTextChange | ListingFilesChange;

/** What applying a listing folder would change (listingPlan); nothing was sent. */
export interface ListingPlan {
  changes: ListingChange[];
  /** The fields the folder sets that AGC already shows, "en-US/name". */
  unchanged: string[];
  /** E.g. a manifest not used, and why. */
  notes: string[];
}
/** A file listingApply uploaded. */
export interface ListingUpload {
  /** The file inside the folder, "en-US/screenshots/phone/01.png". */
  file: string;
  objectId: string;
  size: number;
}
/** What listingApply did: the changes made, each confirmed by the read-back (none: nothing to do). */
export interface ListingApplied {
  changes: ListingChange[];
  uploads: ListingUpload[];
  /** The app-language-info and app-file-info calls made. */
  calls: number;
  notes: string[];
}
/** What listingPull wrote into the folder. */
export interface ListingPulled {
  /** The languages AGC has. */
  languages: string[];
  /** The text files written, "en-US/name.txt". */
  written: string[];
  /** E.g. a language AGC holds that cannot be a folder name. */
  notes: string[];
}

export interface PhasedReleaseOptions extends OperationOptions {
  /** The day PhasedAction.STEP goes on to (AGC's phaseDay, 2 to 7); ignored by the other actions. */
  stepDay?: number;
  /** At most 500 characters. */
  description?: string | null;
  /** The version (default: the one AGC's app-info shows in the phased release). */
  versionId?: string | null;
}

export type ClientOptions = (
  | { clientId: string; clientSecret: string; serviceAccount?: undefined }
  | { /** A key file's path or its JSON text. */ serviceAccount: string | URL }
) & {
  /** "cn" (default), "de", "sg", "ru", or an https:// base URL. */
  apiBase?: string;
  caFile?: PathLike;
  /** "env" (default), "none", or http(s)://[user:password@]host:port. */
  proxy?: string;
  trust?: Trust;
};

/** An AGC client (an agc_client). Operations return Promises and run on worker threads. */
export declare class Client {
  constructor(options: ClientOptions);
  readonly closed: boolean;
  /** Frees the client; refused (ReentrantError) while one of its operations runs. */
  close(): void;
  setApiBase(siteOrUrl: string): void;
  setCaFile(path: PathLike): void;
  setTimeoutsMs(connectMs: number, inactivityMs: number): void;
  setUserAgent(userAgent: string): void;
  setRetry(maxAttempts: number, deadlineMs?: number): void;
  setSealKey(key: Uint8Array): void;
  setPollIntervalMs(initialMs: number, maxMs: number): void;
  setProxy(proxy: string): void;
  setTrust(trust: Trust): void;
  uploadFile(appId: string, path: PathLike, options?: UploadOptions): Promise<UploadResult>;
  bindPackage(appId: string, upload: { fileName: string; objectId: string }, options?: OperationOptions): Promise<string>;
  waitPackageReady(appId: string, packageId: string, options?: OperationOptions & { timeoutMs?: number }): Promise<void>;
  publish(appId: string, path: PathLike, options?: PublishOptions): Promise<PublishResult>;
  setReleaseNotes(appId: string, notes: Notes, options?: OperationOptions): Promise<void>;
  submitForReview(appId: string, options?: SubmitOptions): Promise<void>;
  releaseState(appId: string): Promise<ReleaseState>;
  releasePackage(appId: string, path: PathLike, options?: ReleaseOptions): Promise<ReleaseIds>;
  /** What applying the listing folder `dir` would change; sends nothing. A broken rule of the
   * folder is an InvalidArgumentError listing them all. */
  listingPlan(appId: string, dir: PathLike, options?: OperationOptions): Promise<ListingPlan>;
  /** Apply the listing folder `dir`, then read it back: AGC answering success without showing
   * what was sent is an ApiError with Status.PROTOCOL. Nothing is sent when a rule is broken. */
  listingApply(appId: string, dir: PathLike, options?: OperationOptions): Promise<ListingApplied>;
  /** Write AGC's texts (and the manifest) into the listing folder `dir`, created if missing. */
  listingPull(appId: string, dir: PathLike, options?: OperationOptions): Promise<ListingPulled>;
  /** Delete a language from the listing; the default language is refused (PreflightError). */
  deleteLanguage(appId: string, lang: string, options?: OperationOptions): Promise<void>;
  /** Withdraw the version in review; resolves to its version id. PreflightError (nothing sent)
   * outside the release states where AGC allows it. */
  withdrawReview(appId: string, options?: OperationOptions): Promise<string>;
  /** Change the phased release; resolves to the version id the call was made for. PreflightError
   * (nothing sent) when AGC shows no phased release. */
  phasedRelease(appId: string, action: PhasedAction, options?: PhasedReleaseOptions): Promise<string>;
  /** The id of the HarmonyOS app (or atomic service) of a bundle name; none or several is an
   * InvalidArgumentError. */
  appIdForBundle(bundleName: string, options?: OperationOptions): Promise<string>;
}

/** The loaded library's version, e.g. "0.1.0". */
export declare function version(): string;
/** Seal `inPath` into `outPath` with a 32-byte key. */
export declare function sealFile(key: Uint8Array, inPath: PathLike, outPath: PathLike): Promise<void>;
/** Open a sealed file; `outPath` appears only if every chunk authenticates. */
export declare function openFile(key: Uint8Array, inPath: PathLike, outPath: PathLike): Promise<void>;
/** One module of a package (pack.info `summary.modules`). */
export interface ModuleInfo { name: string | null; type: string | null; deviceTypes: string[]; }
/** What a package's pack.info says (agc_inspect_package). */
export interface PackageInfo {
  bundleName: string | null; bundleType: string | null; kind: PackageKind; versionCode: number;
  versionName: string | null; minCompatibleVersionCode: number | null; size: number; modules: ModuleInfo[];
}
/** Read a package's pack.info offline (no credentials, no network); rejects with a FileError. */
export declare function inspectPackage(path: PathLike): Promise<PackageInfo>;
/** The path of the loaded library. */
export declare const libraryPath: string;
export declare function libraryFileNames(platform?: string): string[];

/** A failed libagcupload call. */
export declare class AgcError extends Error {
  constructor(status: number, message?: string);
  /** The agc_status number. */
  status: number;
  /** Its C name, e.g. "AGC_ERR_FILE_TYPE" (also in `code`). */
  name: string;
  code: string;
  /** From releasePackage: the step that failed; null elsewhere. */
  step: Step | null;
  /** From releasePackage: the ids obtained before the failure (pass back as `resume`); null elsewhere. */
  done: ReleaseIds | null;
  /** From releasePackage: true when AGC may have carried out the failed step all the same (a
   * bind or submit whose request went out without a clear answer, or was cancelled while AGC
   * was answering): check AGC (its packages, releaseState) before resuming. False otherwise;
   * null elsewhere. */
  outcomeUncertain: boolean | null;
}
export declare class InvalidArgumentError extends AgcError {}
export declare class FileError extends AgcError {}
export declare class CancelledError extends AgcError {}
export declare class NetworkError extends AgcError {}
export declare class AuthError extends AgcError {}
export declare class ApiError extends AgcError {}
export declare class RejectedError extends ApiError {}
export declare class SealError extends AgcError {}
export declare class PackageFailedError extends AgcError {}
export declare class ReentrantError extends AgcError {}
/** AGC_ERR_PREFLIGHT: the preflight refused the upload before anything was sent. */
export declare class PreflightError extends AgcError {}
export declare class InternalError extends AgcError {}
/** The error of `status`'s family, with `message`. */
export declare function errorFor(status: number, message: string): AgcError;

declare const agcupload: {
  Client: typeof Client; PackageKind: typeof PackageKind; HARMONY_APP: 1; ATOMIC_SERVICE: 2; PROFILE_PICTURE: 3;
  Phase: typeof Phase; PHASES: typeof PHASES; Step: typeof Step; ReleaseStatus: typeof ReleaseStatus;
  TestType: typeof TestType; Trust: typeof Trust; Transfer: typeof Transfer; PhasedAction: typeof PhasedAction;
  Status: typeof Status; version: typeof version;
  sealFile: typeof sealFile; openFile: typeof openFile; inspectPackage: typeof inspectPackage; libraryPath: string; libraryFileNames: typeof libraryFileNames;
  AgcError: typeof AgcError; InvalidArgumentError: typeof InvalidArgumentError; FileError: typeof FileError;
  CancelledError: typeof CancelledError; NetworkError: typeof NetworkError; AuthError: typeof AuthError;
  ApiError: typeof ApiError; RejectedError: typeof RejectedError; SealError: typeof SealError;
  PackageFailedError: typeof PackageFailedError; ReentrantError: typeof ReentrantError;
  PreflightError: typeof PreflightError; InternalError: typeof InternalError; errorFor: typeof errorFor;
};
export default agcupload;
