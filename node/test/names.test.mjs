// The package's names and numbers are the library's and the header's: Status and PHASES are read
// from the library at load time; the constants typed again (the other enums in index.cjs, every
// enum in index.d.ts, which TypeScript needs written out) hold exactly the header's values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as agc from 'agcupload';

const HEADER = process.env.AGCUPLOAD_HEADER || '';
const DTS = path.join(path.dirname(createRequire(import.meta.url).resolve('agcupload/package.json')), 'index.d.ts');

/** The values of the header's enum `cName`, by name without `prefix`. */
function headerEnum(cName, prefix) {
  assert.ok(HEADER, 'AGCUPLOAD_HEADER names include/agcupload.h (scripts/test-node.sh sets it)');
  const text = fs.readFileSync(HEADER, 'utf8');
  const body = new RegExp(`typedef enum \\{([^}]*)\\} ${cName};`).exec(text);
  assert.ok(body, `no enum ${cName} in ${HEADER}`);
  const values = {};
  for (const [, name, n] of body[1].matchAll(/^\s*(AGC_\w+) = (\d+),/gm)) values[name.slice(prefix.length)] = Number(n);
  assert.ok(Object.keys(values).length > 0, `no values in ${cName}`);
  return values;
}

/** The object type of `export declare const name: Readonly<{ ... }>` in index.d.ts. */
function declared(name) {
  const text = fs.readFileSync(DTS, 'utf8');
  const body = new RegExp(`export declare const ${name}: Readonly<\\{([^}]*)\\}>;`).exec(text);
  assert.ok(body, `no ${name} in ${DTS}`);
  const values = {};
  for (const [, key, v] of body[1].matchAll(/(\w+): (\d+|'[^']*')/g)) {
    values[key] = v.startsWith("'") ? v.slice(1, -1) : Number(v);
  }
  return values;
}

test('Status is the library\'s list, and index.d.ts and the header say the same', () => {
  const header = Object.fromEntries(
    Object.entries(headerEnum('agc_status', 'AGC_')).map(([name, n]) => [name.replace(/^ERR_/, ''), n]),
  );
  assert.deepEqual({ ...agc.Status }, header);
  assert.deepEqual(declared('Status'), header);
  for (const [name, n] of Object.entries(agc.Status)) {
    assert.equal(new agc.AgcError(n, 'x').code, n === 0 ? 'AGC_OK' : `AGC_ERR_${name}`);
  }
});

test('every status maps to its family', () => {
  assert.ok(agc.errorFor(agc.Status.FILE_TYPE, 'x') instanceof agc.FileError);
  assert.ok(agc.errorFor(agc.Status.TLS, 'x') instanceof agc.NetworkError);
  assert.ok(agc.errorFor(agc.Status.UPLOAD_REJECTED, 'x') instanceof agc.RejectedError);
  assert.ok(agc.errorFor(agc.Status.PREFLIGHT, 'x') instanceof agc.PreflightError);
  assert.ok(agc.errorFor(agc.Status.INTERNAL, 'x') instanceof agc.InternalError);
  for (const n of Object.values(agc.Status)) {
    if (n !== 0) assert.notEqual(agc.errorFor(n, 'x').constructor, agc.AgcError, `status ${n} has no family`);
  }
});

test('PHASES is the library\'s list, and Phase and index.d.ts say the same', () => {
  const header = headerEnum('agc_phase', 'AGC_PHASE_');
  assert.deepEqual(Object.fromEntries(Object.entries(agc.PHASES).map(([n, name]) => [name.toUpperCase(), Number(n)])), header);
  assert.deepEqual({ ...agc.Phase }, Object.fromEntries(Object.values(agc.PHASES).map((n) => [n.toUpperCase(), n])));
  assert.deepEqual(declared('Phase'), { ...agc.Phase });
  const union = /export type PhaseName =([^;]*);/.exec(fs.readFileSync(DTS, 'utf8'));
  assert.ok(union, 'no PhaseName in index.d.ts');
  assert.deepEqual([...union[1].matchAll(/'([^']*)'/g)].map((m) => m[1]).sort(), Object.values(agc.PHASES).sort());
});

test('the other enums hold the header\'s numbers, in index.cjs and index.d.ts', () => {
  for (const [name, cName, prefix] of [
    ['PackageKind', 'agc_package_kind', 'AGC_KIND_'],
    ['Trust', 'agc_trust', 'AGC_TRUST_'],
    ['Transfer', 'agc_transfer', 'AGC_TRANSFER_'],
    ['Step', 'agc_release_step', 'AGC_STEP_'],
    ['ReleaseStatus', 'agc_release_state', 'AGC_RELEASE_'],
    ['PhasedAction', 'agc_phased_action', 'AGC_PHASED_'],
  ]) {
    const header = headerEnum(cName, prefix);
    assert.deepEqual({ ...agc[name] }, header, name);
    assert.deepEqual(declared(name), header, `${name} in index.d.ts`);
  }
});

test('every upload option of the header has its row, and index.d.ts declares the rows as written', async () => {
  const { UPLOAD_OPTIONS, setterOf, withTypesBlock } = createRequire(import.meta.url)(
    path.join(path.dirname(DTS), 'lib', 'upload-options.cjs'), // not exported: read from the installed package
  );
  assert.ok(HEADER, 'AGCUPLOAD_HEADER names include/agcupload.h (scripts/test-node.sh sets it)');
  const setters = [...fs.readFileSync(HEADER, 'utf8').matchAll(/\b(agc_upload_options_set_\w+)\(/g)].map((m) => m[1]);
  assert.ok(setters.length > 0, 'no agc_upload_options_set_* in the header');
  assert.deepEqual(UPLOAD_OPTIONS.map(setterOf).sort(), [...new Set(setters)].sort());
  const dts = fs.readFileSync(DTS, 'utf8');
  assert.equal(withTypesBlock(dts), dts, 'index.d.ts is stale: run make node-types');
});
