'use strict';
/**
 * The upload options (the C ABI's agc_upload_options), one row each. Adding an option is one
 * row here: lib/native.cjs declares its setter from the row, index.cjs checks and sets it, and
 * `make node-types` writes its TypeScript declaration into index.d.ts (between the "upload
 * options" markers; a test fails when that block differs from what `typesBlock()` writes).
 *
 * - `name`: the JS option; its setter is `agc_upload_options_set_<name in snake_case>`.
 * - `arg`: the koffi type of the setter's value argument.
 * - `check`: how index.cjs checks the value before any call into the library (a key of its
 *   OPTION_CHECKS: text, uint32, uint, flag, transfer, sha256, path).
 * - `ts`, `doc`: its TypeScript type and documentation.
 * - `ops`: the operations whose TypeScript options declare it (upload, publish, release).
 */
const ALL = ['upload', 'publish', 'release'];

const UPLOAD_OPTIONS = Object.freeze([
  { name: 'fileName', arg: 'const char *', check: 'text', ts: 'string', ops: ALL,
    doc: "The fileName AGC records (default: the file's own name)." },
  { name: 'releaseType', arg: 'unsigned int', check: 'uint32', ts: '1 | 6', ops: ['upload', 'publish'],
    doc: '1 = full release, 6 = HarmonyOS test release.' },
  { name: 'chineseMainland', arg: 'unsigned int', check: 'flag', ts: 'boolean', ops: ALL,
    doc: "AGC's chineseMainlandFlag on the upload URL request; not sent unless given." },
  { name: 'bindReleaseType', arg: 'unsigned int', check: 'uint32', ts: '1 | 6', ops: ['publish', 'release'],
    doc: "The bind's releaseType query parameter (1 full release, 6 HarmonyOS test release); not sent\n" +
      'unless given.' },
  { name: 'bindReleasePhase', arg: 'unsigned int', check: 'uint32', ts: '0 | 3', ops: ['publish', 'release'],
    doc: "The bind's releasePhase query parameter (0 full, 3 phased); not sent unless given." },
  { name: 'preflight', arg: 'int', check: 'flag', ts: 'boolean', ops: ['publish', 'release'],
    doc: "Check the package against AGC before anything is sent (default true): its pack.info's\n" +
      "bundle name, version code and the draft's state; a refusal is a PreflightError. false skips\n" +
      "it (an API client without the rights to read the app)." },
  { name: 'transfer', arg: 'unsigned int', check: 'transfer', ts: 'Transfer', ops: ALL,
    doc: 'Default Transfer.AUTO.' },
  { name: 'partSize', arg: 'uint64_t', check: 'uint', ts: 'number | bigint', ops: ALL,
    doc: "Bytes per part of a multipart upload (default AGC's minimum, 5 MiB); a size outside AGC's\n" +
      'bounds is adjusted, with a note; 0 is an InvalidArgumentError.' },
  { name: 'sha256', arg: 'const char *', check: 'sha256', ts: 'string', ops: ALL,
    doc: "The file's SHA-256 when already known, 64 hex digits (either case): the hash pass is\n" +
      'skipped; a wrong digest is a FileError (Status.FILE_CHANGED) and nothing is stored.' },
  { name: 'resumeFile', arg: 'const char *', check: 'path', ts: 'PathLike', ops: ALL,
    doc: 'Where a multipart upload keeps its state (mode 0600, no secret or signed URL), so that a\n' +
      'rerun with the same file sends only the parts not yet finished; removed once the upload\n' +
      'finishes.' },
].map(Object.freeze));

/** The C setter of an option row. */
function setterOf(option) {
  return `agc_upload_options_set_${option.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;
}

const BEGIN = '// --- upload options: written by `make node-types` from lib/upload-options.cjs; do not edit ---';
const END = '// --- end of upload options ---';
const INTERFACES = {
  upload: ['UploadFileOptionFields', 'uploadFile'],
  publish: ['PublishOptionFields', 'publish'],
  release: ['ReleaseOptionFields', 'releasePackage'],
};

/** index.d.ts's block of upload options, markers included: every option in one interface,
 * and each operation's share of them. */
function typesBlock() {
  const lines = [BEGIN, '/** Every upload option; each operation takes its share (below). */', 'export interface UploadOptionFields {'];
  for (const o of UPLOAD_OPTIONS) {
    const doc = o.doc.split('\n');
    doc.forEach((l, i) => lines.push(`${i === 0 ? '  /** ' : '   * '}${l}${i === doc.length - 1 ? ' */' : ''}`));
    lines.push(`  ${o.name}?: ${o.ts};`);
  }
  lines.push('}');
  for (const [op, [iface, call]] of Object.entries(INTERFACES)) {
    const names = UPLOAD_OPTIONS.filter((r) => r.ops.includes(op)).map((r) => `'${r.name}'`);
    lines.push(`/** The upload options ${call} takes. */`);
    lines.push(`export type ${iface} = Pick<UploadOptionFields, ${names.join(' | ')}>;`);
  }
  lines.push(END);
  return lines.join('\n');
}

/** `dts` (index.d.ts's text) with its upload options block replaced by `typesBlock()`. */
function withTypesBlock(dts) {
  const from = dts.indexOf(BEGIN);
  const to = dts.indexOf(END);
  if (from < 0 || to < from) throw new Error('index.d.ts has no upload options block (its markers are missing)');
  return dts.slice(0, from) + typesBlock() + dts.slice(to + END.length);
}

module.exports = { UPLOAD_OPTIONS, setterOf, typesBlock, withTypesBlock };
