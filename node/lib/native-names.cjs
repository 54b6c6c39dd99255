'use strict';
/** The library's file names to look for on `platform` (a `process.platform` value). */
function libraryFileNames(platform = process.platform) {
  if (platform === 'win32' || platform === 'cygwin') return ['agcupload.dll'];
  if (platform === 'darwin') return ['libagcupload.dylib'];
  return ['libagcupload.so'];
}

module.exports = { libraryFileNames };
