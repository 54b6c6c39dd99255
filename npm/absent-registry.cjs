'use strict';
// An npm registry that holds nothing: it answers 404 to every request. The tests point the
// @agcupload scope at it (`@agcupload:registry=...` in the test project's .npmrc) so that no
// test installs a published platform package: the packages under test come from local
// tarballs, and npm skips an optional dependency the registry does not have (a 404 costs
// nothing, where an unreachable registry costs minutes of retries).
// Usage: node npm/absent-registry.cjs PORT_FILE   (writes the port there, serves until killed)
const fs = require('node:fs');
const http = require('node:http');

const portFile = process.argv[2];
if (!portFile) {
  console.error('usage: node npm/absent-registry.cjs PORT_FILE');
  process.exit(2);
}
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end('{"error":"Not found"}');
});
server.listen(0, '127.0.0.1', () => {
  // Written whole in one go, so a reader never sees a partial port.
  fs.writeFileSync(`${portFile}.tmp`, `${server.address().port}\n`);
  fs.renameSync(`${portFile}.tmp`, portFile);
});
