'use strict';
// The hvigor plugin: `import { agcPublishPlugin } from 'agcupload/hvigor'` in a module's
// hvigorfile.ts, then `plugins: [agcPublishPlugin({ ... })]`.
//
// hvigor evaluates hvigorfile.ts for every build, DevEco Studio's included. So this file never
// loads the native library (nor koffi): a machine where it cannot load (a platform without a
// prebuilt library) still builds; only running the task (`hvigorw agcPublish`) loads it, and
// there a failure is the task's clear error.
//
// Configuration: the plugin's options, else the environment. Credentials come only from the
// environment (AGC_SERVICE_ACCOUNT_JSON or AGC_SERVICE_ACCOUNT_FILE, else AGC_CLIENT_ID and
// AGC_CLIENT_SECRET), never from hvigorfile.ts, which is committed.
const path = require('node:path');

const PLUGIN_ID = 'agcupload';
const MODES = ['upload', 'publish', 'submit'];
const DEFAULT_FILE = path.join('build', 'outputs', 'default', 'app-default-signed.app');
const OPTION_NAMES = [
  'taskName', 'dependencies', 'appId', 'file', 'mode', 'apiBase', 'notes', 'remark', 'timeoutMs', 'listingDir', 'log',
];

function fail(message) {
  const e = new TypeError(`agcupload hvigor plugin: ${message}`);
  e.code = 'AGC_HVIGOR_CONFIG';
  return e;
}

function checkOptions(options) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw fail('the options must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key)) {
      throw fail(`unknown option '${key}' (known: ${OPTION_NAMES.join(', ')}); credentials come from the environment`);
    }
  }
  if (options.mode !== undefined && !MODES.includes(options.mode)) {
    throw fail(`mode must be one of ${MODES.join(', ')}`);
  }
  if (options.dependencies !== undefined
      && !(Array.isArray(options.dependencies) && options.dependencies.every((d) => typeof d === 'string'))) {
    throw fail('dependencies must be an array of task names');
  }
}

/** What the task runs with: the options, else the environment, checked before anything loads. */
function settings(options, nodeDir, env) {
  const appId = options.appId ?? env.AGC_APP_ID;
  if (!appId) throw fail('no app id: set the option appId or AGC_APP_ID');
  const file = path.resolve(nodeDir, options.file ?? env.AGC_APP_FILE ?? DEFAULT_FILE);
  const sa = env.AGC_SERVICE_ACCOUNT_JSON || env.AGC_SERVICE_ACCOUNT_FILE;
  let credentials;
  if (sa) {
    credentials = { serviceAccount: sa };
  } else if (env.AGC_CLIENT_ID && env.AGC_CLIENT_SECRET) {
    credentials = { clientId: env.AGC_CLIENT_ID, clientSecret: env.AGC_CLIENT_SECRET };
  } else {
    throw fail('no credentials: set AGC_SERVICE_ACCOUNT_JSON (or AGC_SERVICE_ACCOUNT_FILE), or AGC_CLIENT_ID and AGC_CLIENT_SECRET');
  }
  const apiBase = options.apiBase ?? env.AGC_API_BASE;
  const caFile = env.AGC_CA_FILE;
  const listing = options.listingDir ?? env.AGC_LISTING_DIR;
  const listingDir = listing ? path.resolve(nodeDir, listing) : null;
  return { appId: String(appId), file, credentials, apiBase, caFile, listingDir, mode: options.mode ?? 'publish' };
}

async function run(options, nodeDir) {
  const s = settings(options, nodeDir, process.env);
  const log = options.log ?? ((line) => console.log(line));
  // Loaded here and only here: see the top of this file.
  const agc = require('./index.cjs');
  const client = new agc.Client({
    ...s.credentials,
    ...(s.apiBase ? { apiBase: s.apiBase } : {}),
    ...(s.caFile ? { caFile: s.caFile } : {}),
  });
  let last = '';
  // One line per phase, not per tick: a build log, not a progress bar. Returns nothing, so
  // it never cancels.
  const progress = (phase) => {
    if (phase !== last) {
      last = phase;
      log(`agcupload: ${phase}`);
    }
  };
  try {
    // The store listing first: a folder that breaks a rule fails the task before the package
    // is sent.
    if (s.listingDir) {
      const l = await client.listingApply(s.appId, s.listingDir, { progress });
      log(`agcupload: listing: ${l.changes.length} change${l.changes.length === 1 ? '' : 's'} applied and read back`);
    }
    if (s.mode === 'upload') {
      const r = await client.uploadFile(s.appId, s.file, { progress });
      log(`agcupload: uploaded ${r.fileName} as object ${r.objectId}`);
      return r;
    }
    if (s.mode === 'publish') {
      const r = await client.publish(s.appId, s.file, { progress, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
      log(`agcupload: published package ${r.packageId} (object ${r.upload.objectId})`);
      return r;
    }
    const ids = await client.releasePackage(s.appId, s.file, {
      progress,
      ...(options.notes ? { notes: options.notes } : {}),
      ...(options.remark ? { remark: options.remark } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    log(`agcupload: submitted package ${ids.packageId} for review`);
    return ids;
  } finally {
    client.close();
  }
}

/**
 * An hvigor plugin that registers one task (default `agcPublish`, after `assembleApp`) which
 * uploads the module's signed `.app` to AppGallery Connect and, by `mode`, binds it and waits
 * for AGC to parse it (`publish`, the default), only uploads (`upload`), or goes on to the
 * release notes and the submission for review (`submit`); with `listingDir`, the store listing
 * folder is applied first.
 */
function agcPublishPlugin(options = {}) {
  checkOptions(options);
  return {
    pluginId: PLUGIN_ID,
    apply(node) {
      if (!node || typeof node.registerTask !== 'function') {
        throw fail('apply() needs hvigor\'s node (with registerTask)');
      }
      const nodeDir = typeof node.getNodePath === 'function' ? node.getNodePath() : process.cwd();
      node.registerTask({
        name: options.taskName ?? 'agcPublish',
        dependencies: options.dependencies ?? ['assembleApp'],
        run: () => run(options, nodeDir),
      });
    },
  };
}

module.exports = { agcPublishPlugin, PLUGIN_ID };
