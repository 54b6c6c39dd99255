'use strict';
// Finds and loads libagcupload with koffi, and declares the C functions (include/agcupload.h).
//
// Order: $AGCUPLOAD_LIBRARY (a path to the library; when set, nothing else is tried); the
// platform package for this process (@agcupload/linux-x64-gnu, ...: an optional dependency npm
// installs only on its platform); the library in this package's folder (a development build
// put there by the `prepare` script, scripts/prepare.cjs; the published package has none); the
// system's loader by name. Else one error naming the platform and the fixes. Loaded once per
// thread that requires this module: the main thread (setters, options) and each worker of
// lib/pool.cjs (the operations).
const fs = require('node:fs');
const path = require('node:path');
const { isMainThread, workerData } = require('node:worker_threads');
const koffi = require('koffi');

const { libraryFileNames, PLATFORMS, platformKey, platformPackageName } = require('./native-names.cjs');
const { UPLOAD_OPTIONS, setterOf } = require('./upload-options.cjs');

const ENV_VAR = 'AGCUPLOAD_LIBRARY';

/** Whether this Linux process runs on glibc (else musl): Node's report names the glibc it
 * runs on, and names none on musl. */
function runsOnGlibc() {
  const report = process.report;
  // No report (an embedder without it): glibc, by far the common case; a wrong guess ends in
  // the glibc package failing to load, an error that names it.
  if (!report || typeof report.getReport !== 'function') return true;
  // The report would otherwise list the network interfaces, slow on some hosts (Node 20.13+).
  const quiet = 'excludeNetwork' in report;
  const saved = quiet ? report.excludeNetwork : undefined;
  if (quiet) report.excludeNetwork = true;
  try {
    const header = report.getReport().header;
    return Boolean(header && header.glibcVersionRuntime);
  } finally {
    if (quiet) report.excludeNetwork = saved;
  }
}

function loadPath(p, what) {
  try {
    return { lib: koffi.load(p), libraryPath: p };
  } catch (e) {
    throw new Error(`agcupload: cannot load ${what} ${p}: ${e.message}`);
  }
}

function load() {
  // A worker of lib/pool.cjs loads exactly the main thread's library (the handles it gets are
  // that library's), whatever the environment says by then.
  if (!isMainThread && workerData && workerData.agcuploadLibrary) {
    return { lib: koffi.load(workerData.agcuploadLibrary), libraryPath: workerData.agcuploadLibrary };
  }
  const override = process.env[ENV_VAR];
  if (override) {
    try {
      return { lib: koffi.load(override), libraryPath: override };
    } catch (e) {
      throw new Error(`agcupload: cannot load the library named by ${ENV_VAR}=${JSON.stringify(override)}: ${e.message}`);
    }
  }
  const names = libraryFileNames();
  const key = platformKey(process.platform, process.arch, process.platform === 'linux' && runsOnGlibc());
  const pkg = platformPackageName(key);
  const tried = [];
  let pkgDir = null;
  try {
    pkgDir = path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    tried.push(pkg);
  }
  if (pkgDir) {
    const p = path.join(pkgDir, names[0]);
    if (!fs.existsSync(p)) throw new Error(`agcupload: ${pkg} is installed (${pkgDir}) but holds no ${names[0]}; reinstall it`);
    return loadPath(p, `the library of ${pkg},`);
  }
  const here = path.join(__dirname, '..');
  for (const name of names) {
    const p = path.join(here, name);
    tried.push(p);
    if (fs.existsSync(p)) return loadPath(p, 'the library in the package folder (a build for another platform?),');
  }
  for (const name of names) {
    try {
      return { lib: koffi.load(name), libraryPath: name };
    } catch {
      tried.push(name);
    }
  }
  const supported = Object.keys(PLATFORMS);
  const why = supported.includes(key)
    ? `its package ${pkg} is not installed (npm leaves optional dependencies out with --omit=optional or ` +
      '--no-optional, or when a lockfile was made on another platform): reinstall agcupload with its optional dependencies'
    : `no prebuilt library is published for it (only for ${supported.join(', ')})`;
  throw new Error(`agcupload: no libagcupload for this platform, ${key}: ${why}. ` +
    `Or set ${ENV_VAR} to the path of a libagcupload built for this machine, or build the package from ` +
    'source: npm install --install-links /path/to/libagcupload/node (needs cargo). ' +
    `Tried: ${tried.join(', ')}.`);
}

const { lib, libraryPath } = load();

// Handles are opaque pointers (BigInt addresses in koffi 3), so they can cross to a worker.
const P = 'void *';
const PP = koffi.out(koffi.pointer('void *'));
const S = 'const char *';
const U = 'unsigned int';
const U64 = 'uint64_t';
const INT = 'int';
const ProgressFn = koffi.proto('int agc_progress_fn(void *user_data, int phase, uint64_t done, uint64_t total)');
const CB = koffi.pointer(ProgressFn);

const signatures = {
  agc_version: [S, []],
  agc_status_str: [S, [INT]],
  agc_phase_str: [S, [INT]],
  agc_default_u64: [INT, [S, koffi.out(koffi.pointer('uint64_t'))]],
  agc_last_error: [S, []],
  agc_string_free: ['void', [P]],
  agc_client_new: [INT, [S, S, PP]],
  agc_client_new_service_account: [INT, [S, PP]],
  agc_client_free: ['void', [P]],
  agc_client_set_api_base: [INT, [P, S]],
  agc_client_set_ca_file: [INT, [P, S]],
  agc_client_set_timeouts_ms: [INT, [P, U64, U64]],
  agc_client_set_user_agent: [INT, [P, S]],
  agc_client_set_retry: [INT, [P, U, U64]],
  agc_client_set_seal_key: [INT, [P, 'const uint8_t *', 'size_t']],
  agc_client_set_poll_interval_ms: [INT, [P, U64, U64]],
  agc_client_set_proxy: [INT, [P, S]],
  agc_client_set_trust: [INT, [P, U]],
  agc_upload_options_new: [INT, [PP]],
  agc_upload_options_free: ['void', [P]],
  agc_upload_file: [INT, [P, S, S, U, P, CB, P, PP]],
  agc_upload_result_object_id: [S, [P]],
  agc_upload_result_sha256: [S, [P]],
  agc_upload_result_file_name: [S, [P]],
  agc_upload_result_size: [U64, [P]],
  agc_upload_result_free: ['void', [P]],
  agc_upload_result_note_count: ['size_t', [P]],
  agc_upload_result_note: [S, [P, 'size_t']],
  agc_upload_result_transfer: [U, [P]],
  agc_upload_result_parts: ['uint32_t', [P]],
  agc_upload_result_parts_sent: ['uint32_t', [P]],
  agc_upload_result_resumed_parts: ['uint32_t', [P]],
  agc_upload_result_bytes_sent: [U64, [P]],
  agc_bind_object: [INT, [P, S, S, S, CB, P, PP]],
  agc_wait_package_ready: [INT, [P, S, S, U64, CB, P]],
  agc_publish_package: [INT, [P, S, S, U, P, U64, CB, P, PP, PP]],
  agc_release_options_new: [INT, [PP]],
  agc_release_options_free: ['void', [P]],
  agc_release_options_set_note: [INT, [P, S, S]],
  agc_release_options_set_release_time: [INT, [P, S]],
  agc_release_options_set_phase: [INT, [P, U, S]],
  agc_release_options_set_remark: [INT, [P, S]],
  agc_release_options_set_test: [INT, [P, U, S]],
  agc_release_options_set_test_window: [INT, [P, U64, U64]],
  agc_release_options_add_test_group: [INT, [P, S, U]],
  agc_release_options_set_timeouts_ms: [INT, [P, U64, U64]],
  agc_release_options_set_resume: [INT, [P, S, S, S, S, S, U64]],
  agc_release_package: [INT, [P, S, S, U, P, P, CB, P, PP]],
  agc_release_result_object_id: [S, [P]],
  agc_release_result_file_name: [S, [P]],
  agc_release_result_package_id: [S, [P]],
  agc_release_result_version_id: [S, [P]],
  agc_release_result_sha256: [S, [P]],
  agc_release_result_size: [U64, [P]],
  agc_release_result_failed_step: [INT, [P]],
  agc_release_result_outcome_uncertain: [INT, [P]],
  agc_release_result_status: [INT, [P]],
  agc_release_result_error: [S, [P]],
  agc_release_result_free: ['void', [P]],
  agc_release_result_note_count: ['size_t', [P]],
  agc_release_result_note: [S, [P, 'size_t']],
  agc_set_release_notes: [INT, [P, S, P, CB, P]],
  agc_submit_for_review: [INT, [P, S, P, CB, P]],
  agc_get_release_status: [INT, [P, S, PP]],
  agc_release_status_state: [INT, [P]],
  agc_release_status_release_state: ['int64_t', [P]],
  agc_release_status_audit_opinion: [S, [P]],
  agc_release_status_free: ['void', [P]],
  agc_seal_file: [INT, ['const uint8_t *', 'size_t', S, S]],
  agc_inspect_package: [INT, [S, PP]],
  agc_package_info_free: ['void', [P]],
  agc_package_info_bundle_name: [S, [P]],
  agc_package_info_bundle_type: [S, [P]],
  agc_package_info_kind: ['unsigned int', [P]],
  agc_package_info_version_code: [U64, [P]],
  agc_package_info_version_name: [S, [P]],
  agc_package_info_min_compatible_version_code: ['int64_t', [P]],
  agc_package_info_size: [U64, [P]],
  agc_package_info_module_count: ['size_t', [P]],
  agc_package_info_module_name: [S, [P, 'size_t']],
  agc_package_info_module_type: [S, [P, 'size_t']],
  agc_package_info_module_device_types: [S, [P, 'size_t']],
  agc_open_file: [INT, ['const uint8_t *', 'size_t', S, S]],
  agc_listing_plan: [INT, [P, S, S, CB, P, PP]],
  agc_listing_apply: [INT, [P, S, S, CB, P, PP]],
  agc_listing_pull: [INT, [P, S, S, CB, P, PP]],
  agc_listing_result_change_count: ['size_t', [P]],
  agc_listing_result_change_lang: [S, [P, 'size_t']],
  agc_listing_result_change_field: [S, [P, 'size_t']],
  agc_listing_result_change_new_language: [INT, [P, 'size_t']],
  agc_listing_result_change_is_text: [INT, [P, 'size_t']],
  agc_listing_result_change_summary: [S, [P, 'size_t']],
  agc_listing_result_change_current: [S, [P, 'size_t']],
  agc_listing_result_change_wanted: [S, [P, 'size_t']],
  agc_listing_result_unchanged_count: ['size_t', [P]],
  agc_listing_result_unchanged: [S, [P, 'size_t']],
  agc_listing_result_upload_count: ['size_t', [P]],
  agc_listing_result_upload_file: [S, [P, 'size_t']],
  agc_listing_result_upload_object_id: [S, [P, 'size_t']],
  agc_listing_result_upload_size: [U64, [P, 'size_t']],
  agc_listing_result_language_count: ['size_t', [P]],
  agc_listing_result_language: [S, [P, 'size_t']],
  agc_listing_result_written_count: ['size_t', [P]],
  agc_listing_result_written: [S, [P, 'size_t']],
  agc_listing_result_calls: ['uint32_t', [P]],
  agc_listing_result_note_count: ['size_t', [P]],
  agc_listing_result_note: [S, [P, 'size_t']],
  agc_listing_result_free: ['void', [P]],
  agc_delete_language: [INT, [P, S, S, CB, P]],
  agc_withdraw_review: [INT, [P, S, CB, P, PP]],
  agc_phased_release: [INT, [P, S, U, U, S, S, CB, P, PP]],
  agc_app_id_for_bundle: [INT, [P, S, CB, P, PP]],
};

// The upload options' setters, one per row of their table.
for (const o of UPLOAD_OPTIONS) signatures[setterOf(o)] = [INT, [P, o.arg]];

const fn = {};
for (const [name, [ret, args]] of Object.entries(signatures)) {
  try {
    fn[name] = lib.func(name, ret, args);
  } catch (e) {
    throw new Error(`agcupload: ${libraryPath} has no ${name}(): it is an older or different libagcupload (${e.message})`);
  }
}

/** A char * the library handed over (agc_string_free), as a JS string; freed. */
function takeString(ptr) {
  if (!ptr) return null;
  try {
    return koffi.decode(ptr, 'char', -1);
  } finally {
    fn.agc_string_free(ptr);
  }
}

/** The names the library gives the numbers 0 to 255 of one of its C enums (`nameOf`, e.g.
 * agc_status_str), skipping the name it gives a number outside the enum (`unknown`). */
function namesByNumber(nameOf, unknown) {
  const names = new Map();
  for (let n = 0; n <= 255; n++) {
    const name = String(nameOf(n));
    if (name !== unknown) names.set(n, name);
  }
  return names;
}

/** A default of the library by name (agc_default_u64: "parse_timeout_ms", ...). */
function libraryDefault(name) {
  const out = [0];
  if (fn.agc_default_u64(name, out) !== 0) {
    throw new Error(`agcupload: ${libraryPath} has no default ${name} (the package and the library differ)`);
  }
  return Number(out[0]);
}

module.exports = { koffi, fn, libraryPath, libraryFileNames, takeString, namesByNumber, libraryDefault, ENV_VAR };
