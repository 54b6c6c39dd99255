'use strict';
// `make node-types`: rewrites index.d.ts's block of upload options from lib/upload-options.cjs.
const fs = require('node:fs');
const path = require('node:path');
const { withTypesBlock } = require('../lib/upload-options.cjs');

const dts = path.join(__dirname, '..', 'index.d.ts');
fs.writeFileSync(dts, withTypesBlock(fs.readFileSync(dts, 'utf8')));
